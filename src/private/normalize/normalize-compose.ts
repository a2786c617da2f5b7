/**
 * The normalize stage for compose documents: version detection, then every service key either
 * converted to its canonical form, ignored with a warning, or refused with the reason, as the key
 * table (compose-keys.ts) says; the readers of each topic (container, environment, networks,
 * volumes, security, files, build, deploy, docker-ecs) are in the files beside it. Every problem
 * is recorded with its path.
 */
import { ComposeContext, ServiceBuilder } from './builder';
import { COMPOSE_TOP_LEVEL_KEYS, KEY_INDEX } from './compose-keys';
import { dict, hasKey } from '../dict';
import { DOCKER_ECS_TOP_LEVEL_KEYS, LOG_RETENTION_DAYS, readAwsServiceKey, unknownAwsKey } from './docker-ecs';
import { readStoredFiles } from './files';
import { isPlainObject, isToken } from '../load/load';
import { ComposeModel, DeploymentKey, ServiceModel } from '../model';
import { readTopLevelNetworks } from './networks';
import { DocPath, Problems, quote } from '../problems';
import { Reader } from './read';
import { parseInteger } from '../units';
import { checkTmpfsTargets, readVolumeDeclarations } from './volumes';

const VERSION_HELP = 'allowed are "1", "2", "2.x", "3", "3.x", or no version (the Compose Specification)';
const TOP_LEVEL_KEYS = COMPOSE_TOP_LEVEL_KEYS.filter(k => k.support !== 'refused' && k.key !== 'x-*').map(k => k.key);
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function detectVersion(raw: Record<string, unknown>, problems: Problems): ComposeModel['version'] | undefined {
  const v = raw.version;
  if (v === undefined || v === null) {
    return raw.services !== undefined ? 'spec' : '1';
  }
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : undefined;
  if (text !== undefined) {
    if (/^1(\.0)?$/.test(text)) return '1';
    if (/^2(\.\d)?$/.test(text)) return '2';
    if (/^3(\.\d{1,2})?$/.test(text)) return '3';
  }
  problems.error(['version'], `unsupported compose version ${quote(v)}: ${VERSION_HELP}`);
  return undefined;
}

export function normalizeCompose(raw: unknown, ctx: Omit<ComposeContext, 'version'>, problems: Problems): ComposeModel | undefined {
  const r = new Reader(problems);
  const doc = r.map(raw, [], 'a compose document (a mapping with "services")');
  if (!doc) return undefined;
  const version = detectVersion(doc, problems);
  if (!version) return undefined;
  const fullCtx: ComposeContext = { ...ctx, version };

  let servicesRaw: Record<string, unknown> | undefined;
  let servicesAt: DocPath;
  if (version === '1') {
    servicesRaw = dict(Object.entries(doc).filter(([k]) => k !== 'version'));
    servicesAt = [];
  } else {
    for (const key of Object.keys(doc)) {
      const aws = DOCKER_ECS_TOP_LEVEL_KEYS.find(k => k.key === key);
      if (aws?.support === 'refused') problems.error([key], `cannot be honoured: ${aws.note}`);
      else if (!aws && key.startsWith('x-aws-')) problems.warn('unknown-extension', [key], unknownAwsKey(key, DOCKER_ECS_TOP_LEVEL_KEYS, 'top-level'));
      const refusedKey = COMPOSE_TOP_LEVEL_KEYS.find(k => k.key === key && k.support === 'refused');
      if (refusedKey) {
        problems.error([key], `cannot be honoured: ${refusedKey.note}`);
      } else if (!TOP_LEVEL_KEYS.includes(key) && !key.startsWith('x-')) {
        problems.error([key], `unknown top-level key: allowed are ${TOP_LEVEL_KEYS.join(', ')} and x-* extensions`);
      }
    }
    servicesAt = ['services'];
    if (doc.services === undefined || doc.services === null) {
      problems.error(['services'], 'the file defines no services');
      return undefined;
    }
    servicesRaw = r.map(doc.services, servicesAt, 'a mapping of service names to services');
  }
  if (!servicesRaw) return undefined;

  let name: string | undefined;
  if (doc.name !== undefined && version !== '1') {
    name = r.string(doc.name, ['name'], 'a project name');
    if (name !== undefined && !isToken(name) && !PROJECT_NAME.test(name)) {
      problems.error(['name'], `project name ${quote(name)} must be lowercase letters, digits, dashes and underscores, starting with a letter or digit`);
      name = undefined;
    }
  }
  const deploymentKeys: DeploymentKey[] = [];
  if (doc.networks !== undefined && version !== '1') readTopLevelNetworks(doc.networks, problems, deploymentKeys);

  const services: ServiceModel[] = [];
  for (const [svcName, svcRaw] of Object.entries(servicesRaw)) {
    const at = [...servicesAt, svcName];
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(svcName)) {
      problems.error(at, `service name ${quote(svcName)} cannot be an ECS container name: use letters, digits, dashes and underscores (up to 255)`);
      continue;
    }
    const body = r.map(svcRaw, at, 'a service definition (a mapping)');
    if (!body) continue;
    const svc = readService(svcName, at, body, fullCtx, r, deploymentKeys);
    if (svc) services.push(svc);
  }
  if (services.length === 0 && problems.ok) {
    problems.error(servicesAt, 'the file defines no services: a task needs at least one container');
  }
  checkDependsOn(services, Object.keys(servicesRaw), problems);
  const volumes = version === '1' ? [] : readVolumeDeclarations(r, doc.volumes);
  const secrets = version === '1' ? [] : readStoredFiles(r, doc.secrets, 'secrets', fullCtx);
  const configs = version === '1' ? [] : readStoredFiles(r, doc.configs, 'configs', fullCtx);
  for (const svc of services) {
    for (const [list, declared, kind] of [[svc.secretFiles, secrets, 'secrets'], [svc.configFiles, configs, 'configs']] as const) {
      for (const f of list) {
        if (!declared.some(d => d.key === f.source) && !hasKey(isPlainObject(doc[kind]) ? doc[kind] as object : undefined, f.source)) {
          problems.error(f.path, `no top-level ${kind.slice(0, -1)} named ${quote(f.source)}: declare it under the top-level ${kind}`);
        }
      }
    }
  }
  let logsRetentionDays: number | undefined;
  if (doc['x-aws-logs_retention'] !== undefined) {
    const at = ['x-aws-logs_retention'];
    const days = r.parsed(doc['x-aws-logs_retention'], at, x => parseInteger(x, 'a number of days'));
    if (days !== undefined && !LOG_RETENTION_DAYS.includes(days)) {
      problems.error(at, `CloudWatch Logs keeps events for ${LOG_RETENTION_DAYS.join(', ')} days, got ${days}`);
    } else {
      logsRetentionDays = days;
    }
  }
  return { file: problems.file, version, name, services, volumes, secrets, configs, logsRetentionDays, warnings: problems.warnings, deploymentKeys };
}

/** The message for a dependency on a service that is not there (here, and for ecs-params' depends_on in the plan). */
export function noServiceToDependOn(name: string, services: string[]): string {
  return `no service ${quote(name)} to depend on: the services are ${services.join(', ')}`;
}

/**
 * A required dependency names a service of the file (as Docker Compose checks it; one that is not
 * required may be missing: the plan drops it with a warning), and not the service itself.
 */
function checkDependsOn(services: ServiceModel[], names: string[], problems: Problems): void {
  for (const svc of services) {
    for (const d of svc.dependsOn) {
      if (d.container === svc.name) problems.error(d.path, `service ${svc.name} cannot depend on itself`);
      else if (!names.includes(d.container) && d.required !== false) problems.error(d.path, noServiceToDependOn(d.container, names));
    }
  }
}

function readService(
  name: string, at: DocPath, body: Record<string, unknown>, ctx: ComposeContext, r: Reader, deploymentKeys: DeploymentKey[],
): ServiceModel | undefined {
  const svc: ServiceBuilder = {
    name, at, r, ctx, fields: {}, environment: [], raw: body, deferred: [], deploymentKeys,
  };
  for (const [key, value] of Object.entries(body)) {
    const kAt = [...at, key];
    if (key.startsWith('x-aws-')) {
      readAwsServiceKey(svc, key, value, kAt);
      continue;
    }
    if (key.startsWith('x-')) continue;
    const rule = KEY_INDEX.get(key);
    if (!rule) {
      r.problems.error(kAt, `unknown service key ${quote(key)}${suggest(key)}`);
      continue;
    }
    if (value === null && rule.support === 'converted') continue;
    rule.handle?.(svc, value, kAt);
  }
  for (const check of svc.deferred) check();
  checkTmpfsTargets(svc);
  if (svc.fields.image === undefined && svc.fields.build === undefined && body.build === undefined) {
    r.problems.error(at, 'no "image" or "build": each service needs the image to run');
  }
  if (svc.fields.image !== undefined && svc.fields.build !== undefined) {
    r.problems.warn('image-built', [...at, 'image'], `the image is built from build (a CDK image asset pushed to the CDK assets repository); the name ${quote(svc.fields.image)} is not used`);
  }
  return {
    name,
    path: at,
    environment: svc.environment,
    ports: [],
    labels: {},
    ulimits: [],
    dependsOn: [],
    volumes: [],
    volumesFrom: [],
    capAdd: [],
    capDrop: [],
    sysctls: [],
    tmpfs: [],
    secretFiles: [],
    configFiles: [],
    awsPolicies: [],
    sizePaths: {},
    ...svc.fields,
  } as ServiceModel;
}

function suggest(key: string): string {
  let best: string | undefined;
  let bestD = 3;
  for (const k of KEY_INDEX.keys()) {
    const d = editDistance(key, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best ? `: did you mean "${best}"?` : ': see the support table for the keys a service may have';
}

export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}
