/**
 * The normalize stage for ecs-params documents (ecs-cli's version 1 schema). Unknown keys are
 * reported (ecs-cli ignored them silently: a typo must not pass unseen).
 */
import { readHealthCheck } from './container';
import { dict } from '../dict';
import { checkKeys } from './ecs-params-keys';
import { MIN_CONTAINER_MEMORY_MIB, tooLittleMemory } from '../facts/ecs-limits';
import { isToken } from '../load/load';
import {
  DependencyCondition, DependencyModel, EcsParamsModel, EcsServiceParamsModel, EfsVolumeModel, NetworkParamsModel, SecretModel,
  ServiceDiscoveryModel,
} from '../model';
import { DocPath, Problems, quote } from '../problems';
import { Reader } from './read';
import { parseInteger, parseMemoryMiB, parseTaskCpuUnits, parseTaskMemoryMiB } from '../units';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SG_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SECRET_ARN = /^arn:aws[a-z-]*:(ssm|secretsmanager):[a-z0-9-]+:\d{12}:(parameter\/.+|secret:.+)$/;
const SSM_NAME = /^\/?[A-Za-z0-9_.\-/]{1,2048}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIRELENS_OPTIONS = ['enable-ecs-log-metadata', 'config-file-type', 'config-file-value'];
const OPTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const FILE_SYSTEM_ID = /^fs-[0-9a-f]{8,40}$/;
const ACCESS_POINT_ID = /^fsap-[0-9a-f]{8,40}$/;
const NAMESPACE_ID = /^ns-[a-z0-9]{16}$/;
const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const CONDITIONS: DependencyCondition[] = ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'];

function role(r: Reader, value: unknown, at: DocPath): string | undefined {
  const s = r.string(value, at, 'a role name or ARN');
  if (s === undefined || isToken(s)) return s;
  if (!(s.startsWith('arn:') ? ROLE_ARN : ROLE_NAME).test(s)) {
    r.problems.error(at, `expected an IAM role name (like "ecsTaskExecutionRole") or a role ARN (arn:aws:iam::123456789012:role/name), got ${quote(s)}`);
    return undefined;
  }
  return s;
}

function idList(r: Reader, value: unknown, at: DocPath, re: RegExp, example: string): string[] {
  const list = r.list(value, at, `a list of IDs like "${example}"`) ?? [];
  const out: string[] = [];
  list.forEach((item, i) => {
    const s = r.string(item, [...at, i], `an ID like "${example}"`);
    if (s === undefined) return;
    if (!isToken(s) && !re.test(s)) {
      r.problems.error([...at, i], `expected an ID like "${example}", got ${quote(s)}`);
      return;
    }
    out.push(s);
  });
  return out;
}

function readNetwork(r: Reader, value: unknown, at: DocPath): NetworkParamsModel | undefined {
  const nc = r.map(value, at);
  if (!nc) return undefined;
  checkKeys(r, nc, at, 'run_params.network_configuration', 'network_configuration');
  if (nc.awsvpc_configuration === undefined) return undefined;
  const aAt = [...at, 'awsvpc_configuration'];
  const a = r.map(nc.awsvpc_configuration, aAt);
  if (!a) return undefined;
  checkKeys(r, a, aAt, 'run_params.network_configuration.awsvpc_configuration', 'awsvpc_configuration');
  const subnets = a.subnets === undefined ? [] : idList(r, a.subnets, [...aAt, 'subnets'], SUBNET_ID, 'subnet-0a1b2c3d4e5f60718');
  if (a.subnets === undefined || (Array.isArray(a.subnets) && a.subnets.length === 0)) {
    r.problems.error([...aAt, 'subnets'], 'at least one subnet is required in the network configuration');
  }
  const securityGroups = a.security_groups === undefined || a.security_groups === null ? [] : idList(r, a.security_groups, [...aAt, 'security_groups'], SG_ID, 'sg-0acd34feae1cd3bb6');
  const assignPublicIp = enabledDisabled(r, a.assign_public_ip, [...aAt, 'assign_public_ip']);
  return { subnets, securityGroups, assignPublicIp, path: aAt };
}

/** Each mapping of a list (secrets, depends_on, efs_volumes), its keys checked against the schema. */
function forEachMapping(
  r: Reader, value: unknown, at: DocPath, what: string, schemaPath: string, label: string,
  fn: (m: Record<string, unknown>, itemAt: DocPath) => void,
) {
  (r.list(value, at, what) ?? []).forEach((item, i) => {
    const itemAt = [...at, i];
    const m = r.map(item, itemAt);
    if (!m) return;
    checkKeys(r, m, itemAt, schemaPath, label);
    fn(m, itemAt);
  });
}

function readSecrets(r: Reader, value: unknown, at: DocPath, nameWhat = 'an environment variable name'): SecretModel[] {
  const out: SecretModel[] = [];
  forEachMapping(r, value, at, 'a list of {name, value_from}', 'task_definition.services.*.secrets[]', 'secret', (m, sAt) => {
    const name = m.name === undefined ? undefined : r.string(m.name, [...sAt, 'name'], nameWhat);
    const valueFrom = m.value_from === undefined ? undefined : r.string(m.value_from, [...sAt, 'value_from'], 'a parameter name or ARN');
    if (m.name === undefined) r.problems.error(sAt, 'a secret needs "name", the environment variable it sets');
    if (m.value_from === undefined) r.problems.error(sAt, 'a secret needs "value_from": an SSM parameter name or ARN, or a Secrets Manager secret ARN');
    const nameRe = nameWhat === 'an environment variable name' ? ENV_NAME : OPTION_NAME;
    if (name !== undefined && !nameRe.test(name)) {
      r.problems.error([...sAt, 'name'], `expected ${nameWhat} (${nameRe === ENV_NAME ? 'letters, digits, underscores' : 'letters, digits, - _ .'}), got ${quote(name)}`);
      return;
    }
    if (valueFrom !== undefined && !isToken(valueFrom) && !(valueFrom.startsWith('arn:') ? SECRET_ARN : SSM_NAME).test(valueFrom)) {
      r.problems.error([...sAt, 'value_from'], `expected an SSM parameter name ("/app/db-password"), an SSM parameter ARN, or a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME), got ${quote(valueFrom)}`);
      return;
    }
    if (name !== undefined && valueFrom !== undefined) {
      if (out.some(s => s.name === name)) r.problems.error([...sAt, 'name'], `secret ${quote(name)} is listed twice`);
      else out.push({ name, valueFrom, path: sAt });
    }
  });
  return out;
}

function readDependsOn(r: Reader, value: unknown, at: DocPath): DependencyModel[] {
  const out: DependencyModel[] = [];
  forEachMapping(r, value, at, 'a list of {container_name, condition}', 'task_definition.services.*.depends_on[]', 'depends_on', (m, dAt) => {
    const container = m.container_name === undefined ? undefined : r.string(m.container_name, [...dAt, 'container_name']);
    if (m.container_name === undefined) r.problems.error(dAt, 'needs "container_name"');
    let condition: DependencyCondition | undefined = 'START';
    if (m.condition !== undefined) {
      const c = typeof m.condition === 'string' ? m.condition.toUpperCase() : '';
      condition = CONDITIONS.find(x => x === c);
      if (!condition) r.problems.error([...dAt, 'condition'], `expected ${CONDITIONS.join(', ')}, got ${quote(m.condition)}`);
    }
    if (container !== undefined && condition) out.push({ container, condition, path: dAt });
  });
  return out;
}

function readService(r: Reader, name: string, value: unknown, at: DocPath): EcsServiceParamsModel | undefined {
  const out: EcsServiceParamsModel = { name, path: at, secrets: [], dependsOn: [], logSecretOptions: [] };
  if (value === null || value === undefined) return out;
  const m = r.map(value, at);
  if (!m) return undefined;
  checkKeys(r, m, at, 'task_definition.services.*', 'ecs-params service');
  const o = out as { -readonly [K in keyof EcsServiceParamsModel]: EcsServiceParamsModel[K] };
  if (m.essential !== undefined) o.essential = r.bool(m.essential, [...at, 'essential']);
  if (m.init_process_enabled !== undefined) o.initProcessEnabled = r.bool(m.init_process_enabled, [...at, 'init_process_enabled']);
  if (m.cpu_shares !== undefined) {
    const n = r.parsed(m.cpu_shares, [...at, 'cpu_shares'], v => parseInteger(v, 'a whole number of CPU units'));
    // ecs-cli: an ecs-params value overrides compose only when it is > 0.
    if (n !== undefined && n < 0) r.problems.error([...at, 'cpu_shares'], `must not be negative, got ${n}`);
    else if (n) o.cpu = n;
  }
  for (const [key, field] of [['mem_limit', 'memoryLimitMiB'], ['mem_reservation', 'memoryReservationMiB']] as const) {
    if (m[key] === undefined) continue;
    const mib = r.parsed(m[key], [...at, key], parseMemoryMiB);
    if (mib !== undefined && mib > 0 && mib < MIN_CONTAINER_MEMORY_MIB) {
      r.problems.error([...at, key], tooLittleMemory(m[key], mib));
    } else if (mib) {
      o[field] = mib;
    }
  }
  if (m.healthcheck !== undefined && m.healthcheck !== null) o.healthCheck = readHealthCheck(r, m.healthcheck, [...at, 'healthcheck'], true);
  if (m.secrets !== undefined && m.secrets !== null) o.secrets = readSecrets(r, m.secrets, [...at, 'secrets']);
  if (m.depends_on !== undefined && m.depends_on !== null) o.dependsOn = readDependsOn(r, m.depends_on, [...at, 'depends_on']);
  if (m.gpu !== undefined) r.problems.error([...at, 'gpu'], `cannot be honoured on Fargate (got ${quote(m.gpu)}): Fargate has no GPUs`);
  if (m.repository_credentials !== undefined && m.repository_credentials !== null) {
    const rcAt = [...at, 'repository_credentials'];
    const rc = r.map(m.repository_credentials, rcAt);
    if (rc) {
      checkKeys(r, rc, rcAt, 'task_definition.services.*.repository_credentials', 'repository_credentials');
      const arn = r.string(rc.credentials_parameter, [...rcAt, 'credentials_parameter'], 'a Secrets Manager secret ARN');
      if (arn !== undefined && !isToken(arn) && !SECRETS_MANAGER_ARN.test(arn)) {
        r.problems.error([...rcAt, 'credentials_parameter'], `expected the ARN of a Secrets Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME), got ${quote(arn)}`);
      } else if (arn !== undefined) {
        o.repositoryCredentials = { arn, path: [...rcAt, 'credentials_parameter'] };
      }
    }
  }
  if (m.logging !== undefined && m.logging !== null) {
    const lAt = [...at, 'logging'];
    const l = r.map(m.logging, lAt);
    if (l) {
      checkKeys(r, l, lAt, 'task_definition.services.*.logging', 'logging');
      if (l.secret_options !== undefined && l.secret_options !== null) o.logSecretOptions = readSecrets(r, l.secret_options, [...lAt, 'secret_options'], 'a log driver option name');
    }
  }
  if (m.firelens_configuration !== undefined && m.firelens_configuration !== null) {
    const fAt = [...at, 'firelens_configuration'];
    const f = r.map(m.firelens_configuration, fAt);
    if (f) {
      checkKeys(r, f, fAt, 'task_definition.services.*.firelens_configuration', 'firelens_configuration');
      const type = r.string(f.type, [...fAt, 'type'], '"fluentbit" or "fluentd"');
      const options = dict<string>();
      for (const kv of f.options === undefined || f.options === null ? [] : r.keyValues(f.options, [...fAt, 'options']) ?? []) {
        options[kv.name] = kv.value ?? '';
      }
      for (const key of Object.keys(options)) {
        if (!FIRELENS_OPTIONS.includes(key)) {
          r.problems.error([...fAt, 'options', key], `unknown FireLens option: allowed are ${FIRELENS_OPTIONS.join(', ')}`);
        }
      }
      if (options['enable-ecs-log-metadata'] !== undefined && !['true', 'false'].includes(options['enable-ecs-log-metadata'])) {
        r.problems.error([...fAt, 'options', 'enable-ecs-log-metadata'], `expected "true" or "false", got ${quote(options['enable-ecs-log-metadata'])}`);
      }
      if (options['config-file-type'] !== undefined && options['config-file-type'] !== 'file') {
        r.problems.error([...fAt, 'options', 'config-file-type'], `Fargate reads FireLens configuration only from a file in the image: expected "file", got ${quote(options['config-file-type'])}`);
      }
      if (type !== undefined && type !== 'fluentbit' && type !== 'fluentd') {
        r.problems.error([...fAt, 'type'], `expected "fluentbit" or "fluentd", got ${quote(type)}`);
      } else if (type !== undefined) {
        o.firelens = { type, options, path: fAt };
      }
    }
  }
  return out;
}

function enabledDisabled(r: Reader, value: unknown, at: DocPath): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  const v = typeof value === 'string' ? value.toUpperCase() : value;
  if (v === 'ENABLED' || v === true) return true;
  if (v === 'DISABLED' || v === false) return false;
  r.problems.error(at, `expected ENABLED or DISABLED, got ${quote(value)}`);
  return undefined;
}

function readEfsVolumes(r: Reader, value: unknown, at: DocPath): EfsVolumeModel[] {
  const out: EfsVolumeModel[] = [];
  forEachMapping(r, value, at, 'a list of EFS volumes', 'task_definition.efs_volumes[]', 'efs_volumes', (m, vAt) => {
    const name = m.name === undefined ? undefined : r.string(m.name, [...vAt, 'name'], 'a volume name');
    if (m.name === undefined) r.problems.error(vAt, 'Name is required when specifying an EFS volume');
    const fileSystemId = m.filesystem_id === undefined ? undefined : r.string(m.filesystem_id, [...vAt, 'filesystem_id'], 'a file system ID');
    if (m.filesystem_id === undefined) r.problems.error(vAt, 'filesystem_id is required for EFS volumes');
    if (fileSystemId !== undefined && !isToken(fileSystemId) && !FILE_SYSTEM_ID.test(fileSystemId)) {
      r.problems.error([...vAt, 'filesystem_id'], `expected a file system ID like "fs-0123456789abcdef0", got ${quote(fileSystemId)}`);
    }
    const rootDirectory = m.root_directory === undefined ? undefined : r.string(m.root_directory, [...vAt, 'root_directory'], 'a path in the file system');
    const accessPointId = m.access_point === undefined ? undefined : r.string(m.access_point, [...vAt, 'access_point'], 'an access point ID');
    if (accessPointId !== undefined && !isToken(accessPointId) && !ACCESS_POINT_ID.test(accessPointId)) {
      r.problems.error([...vAt, 'access_point'], `expected an access point ID like "fsap-0123456789abcdef0", got ${quote(accessPointId)}`);
    }
    const transitEncryption = enabledDisabled(r, m.transit_encryption, [...vAt, 'transit_encryption']);
    const iam = enabledDisabled(r, m.iam, [...vAt, 'iam']);
    let transitEncryptionPort: number | undefined;
    if (m.transit_encryption_port !== undefined) {
      transitEncryptionPort = r.inRange(r.parsed(m.transit_encryption_port, [...vAt, 'transit_encryption_port'], v => parseInteger(v, 'a port number')),
        [...vAt, 'transit_encryption_port'], 1, 65535, 'transit_encryption_port');
      if (transitEncryption !== true) r.problems.error([...vAt, 'transit_encryption_port'], 'a transit encryption port needs transit_encryption: ENABLED');
    }
    if ((iam === true || accessPointId !== undefined) && transitEncryption !== true) {
      r.problems.error([...vAt, 'transit_encryption'], 'Transit encryption is required when using IAM access or an access point: set transit_encryption: ENABLED');
    }
    if (accessPointId !== undefined && rootDirectory !== undefined && rootDirectory !== '/') {
      r.problems.error([...vAt, 'root_directory'], `with an access point the root directory comes from the access point: leave root_directory out (or "/"), got ${quote(rootDirectory)}`);
    }
    if (name !== undefined && out.some(v => v.name === name)) {r.problems.error([...vAt, 'name'], `EFS volume ${quote(name)} is defined twice`);} else if (name !== undefined && fileSystemId !== undefined) {
      out.push({ name, fileSystemId, rootDirectory, transitEncryption, transitEncryptionPort, accessPointId, iam, path: vAt });
    }
  });
  return out;
}

function readServiceDiscovery(r: Reader, value: unknown, at: DocPath): ServiceDiscoveryModel | undefined {
  const m = r.map(value, at);
  if (!m) return undefined;
  checkKeys(r, m, at, 'run_params.service_discovery', 'service_discovery');
  const out: { -readonly [K in keyof ServiceDiscoveryModel]: ServiceDiscoveryModel[K] } = { path: at };
  if (m.container_name !== undefined) out.containerName = r.string(m.container_name, [...at, 'container_name'], 'a compose service name');
  if (m.container_port !== undefined) {
    out.containerPort = r.inRange(r.parsed(m.container_port, [...at, 'container_port'], v => parseInteger(v, 'a port number')), [...at, 'container_port'], 1, 65535, 'container_port');
  }
  const ns = (key: 'private_dns_namespace' | 'public_dns_namespace') => {
    if (m[key] === undefined || m[key] === null) return undefined;
    const nAt = [...at, key];
    const n = r.map(m[key], nAt);
    if (!n) return undefined;
    checkKeys(r, n, nAt, `run_params.service_discovery.${key}`, key);
    const get = (k: string, what: string) => (n[k] === undefined ? undefined : r.string(n[k], [...nAt, k], what));
    const res = { id: get('id', 'a namespace ID'), name: get('name', 'a DNS name'), vpc: get('vpc', 'a VPC ID'), description: get('description', 'a description') };
    if (res.id === undefined && res.name === undefined) r.problems.error(nAt, 'give the id of an existing namespace or the name of a new one');
    if (res.name !== undefined && !isToken(res.name) && !/^(?!arn:)[!-~]{1,253}$/.test(res.name)) {
      r.problems.error([...nAt, 'name'], `expected a DNS name like "app.local" (up to 253 characters, no spaces), got ${quote(res.name)}`);
    }
    if (res.id !== undefined && !isToken(res.id) && !NAMESPACE_ID.test(res.id)) r.problems.error([...nAt, 'id'], `expected a namespace ID like "ns-0123456789abcdef", got ${quote(res.id)}`);
    if (res.vpc !== undefined && !isToken(res.vpc) && !VPC_ID.test(res.vpc)) r.problems.error([...nAt, 'vpc'], `expected a VPC ID like "vpc-0123456789abcdef0", got ${quote(res.vpc)}`);
    return res;
  };
  out.privateNamespace = ns('private_dns_namespace');
  out.publicNamespace = ns('public_dns_namespace');
  if (out.privateNamespace && out.publicNamespace) {
    r.problems.error(at, 'give private_dns_namespace or public_dns_namespace, not both');
  }
  if (!out.privateNamespace && !out.publicNamespace) {
    r.problems.error(at, 'a service discovery configuration needs a private_dns_namespace or a public_dns_namespace');
  }
  if (m.service_discovery_service !== undefined && m.service_discovery_service !== null) {
    const sAt = [...at, 'service_discovery_service'];
    const sd = r.map(m.service_discovery_service, sAt);
    if (sd) {
      checkKeys(r, sd, sAt, 'run_params.service_discovery.service_discovery_service', 'service_discovery_service');
      if (sd.name !== undefined) out.serviceName = r.string(sd.name, [...sAt, 'name'], 'a DNS label');
      if (sd.description !== undefined) out.description = r.string(sd.description, [...sAt, 'description']);
      if (sd.dns_config !== undefined && sd.dns_config !== null) {
        const dAt = [...sAt, 'dns_config'];
        const d = r.map(sd.dns_config, dAt);
        if (d) {
          checkKeys(r, d, dAt, 'run_params.service_discovery.service_discovery_service.dns_config', 'dns_config');
          if (d.type !== undefined) {
            const t = typeof d.type === 'string' ? d.type.toUpperCase() : '';
            if (t === 'A' || t === 'SRV') out.dnsType = t;
            else r.problems.error([...dAt, 'type'], `expected A or SRV, got ${quote(d.type)}`);
          }
          if (d.ttl !== undefined) out.dnsTtl = r.inRange(r.parsed(d.ttl, [...dAt, 'ttl'], v => parseInteger(v, 'seconds')), [...dAt, 'ttl'], 0, 2147483647, 'ttl');
        }
      }
      if (sd.healthcheck_custom_config !== undefined && sd.healthcheck_custom_config !== null) {
        const hAt = [...sAt, 'healthcheck_custom_config'];
        const h = r.map(sd.healthcheck_custom_config, hAt);
        if (h) {
          checkKeys(r, h, hAt, 'run_params.service_discovery.service_discovery_service.healthcheck_custom_config', 'healthcheck_custom_config');
          if (h.failure_threshold !== undefined) {
            out.failureThreshold = r.inRange(r.parsed(h.failure_threshold, [...hAt, 'failure_threshold'], v => parseInteger(v)), [...hAt, 'failure_threshold'], 1, 10, 'failure_threshold');
          }
        }
      }
    }
  }
  if (out.serviceName !== undefined && !isToken(out.serviceName) && !/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(out.serviceName)) {
    r.problems.error([...at, 'service_discovery_service', 'name'], `${quote(out.serviceName)} is not a DNS label: letters, digits and dashes, up to 63`);
  }
  if (out.dnsType === 'SRV' && (out.containerName === undefined || out.containerPort === undefined)) {
    r.problems.error(at, 'SRV records need container_name and container_port');
  }
  return out;
}

export function normalizeEcsParams(raw: unknown, problems: Problems): EcsParamsModel | undefined {
  const r = new Reader(problems);
  const doc = r.map(raw, [], 'an ecs-params document (a mapping with version, task_definition, run_params)');
  if (!doc) return undefined;
  checkKeys(r, doc, [], '', 'top-level');
  if (doc.version !== undefined && String(doc.version).trim() !== '1' && String(doc.version).trim() !== '1.0') {
    problems.error(['version'], `unsupported ecs-params version ${quote(doc.version)}: allowed is 1`);
  }
  const model: { -readonly [K in keyof EcsParamsModel]: EcsParamsModel[K] } = {
    file: problems.file, services: [], efsVolumes: [], warnings: problems.warnings,
  };

  if (doc.task_definition !== undefined && doc.task_definition !== null) {
    const at: DocPath = ['task_definition'];
    const td = r.map(doc.task_definition, at);
    if (td) {
      checkKeys(r, td, at, 'task_definition', 'task_definition');
      if (td.ecs_network_mode !== undefined && td.ecs_network_mode !== null && td.ecs_network_mode !== 'awsvpc') {
        problems.error([...at, 'ecs_network_mode'], `Fargate tasks use the awsvpc network mode, got ${quote(td.ecs_network_mode)}: write "awsvpc" or leave it out`);
      }
      if (td.task_execution_role !== undefined) model.taskExecutionRole = role(r, td.task_execution_role, [...at, 'task_execution_role']);
      if (td.task_role_arn !== undefined) model.taskRole = role(r, td.task_role_arn, [...at, 'task_role_arn']);
      if (td.task_size !== undefined && td.task_size !== null) {
        const sAt = [...at, 'task_size'];
        const ts = r.map(td.task_size, sAt);
        if (ts) {
          checkKeys(r, ts, sAt, 'task_definition.task_size', 'task_size');
          if (ts.cpu_limit !== undefined) model.taskCpu = r.parsed(ts.cpu_limit, [...sAt, 'cpu_limit'], parseTaskCpuUnits);
          if (ts.mem_limit !== undefined) model.taskMemoryMiB = r.parsed(ts.mem_limit, [...sAt, 'mem_limit'], parseTaskMemoryMiB);
        }
      }
      if (td.services !== undefined && td.services !== null) {
        const svAt = [...at, 'services'];
        for (const [name, body] of Object.entries(r.map(td.services, svAt) ?? {})) {
          const svc = readService(r, name, body, [...svAt, name]);
          if (svc) model.services.push(svc);
        }
      }
      if (td.pid_mode !== undefined && td.pid_mode !== 'task') {
        problems.error([...at, 'pid_mode'], `Fargate allows only pid_mode "task", got ${quote(td.pid_mode)}`);
      } else if (td.pid_mode === 'task') {
        model.pidMode = 'task';
      }
      if (td.ipc_mode !== undefined) {
        problems.error([...at, 'ipc_mode'], `cannot be honoured on Fargate (got ${quote(td.ipc_mode)}): Fargate does not support IPC modes`);
      }
      if (td.placement_constraints !== undefined) {
        problems.error([...at, 'placement_constraints'], 'cannot be honoured on Fargate: Fargate places tasks itself (placement constraints are for EC2)');
      }
      if (td.docker_volumes !== undefined && td.docker_volumes !== null) {
        problems.error([...at, 'docker_volumes'], 'cannot be honoured on Fargate: Docker volume drivers run on EC2 container instances; on Fargate use efs_volumes, or a compose named volume (task storage)');
      }
      if (td.efs_volumes !== undefined && td.efs_volumes !== null) model.efsVolumes = readEfsVolumes(r, td.efs_volumes, [...at, 'efs_volumes']);
    }
  }

  if (doc.run_params !== undefined && doc.run_params !== null) {
    const at: DocPath = ['run_params'];
    const rp = r.map(doc.run_params, at);
    if (rp) {
      checkKeys(r, rp, at, 'run_params', 'run_params');
      if (rp.network_configuration !== undefined && rp.network_configuration !== null) {
        model.network = readNetwork(r, rp.network_configuration, [...at, 'network_configuration']);
      }
      if (rp.task_placement !== undefined) {
        problems.error([...at, 'task_placement'], 'cannot be honoured on Fargate: Fargate places tasks itself (placement strategies and constraints are for EC2)');
      }
      if (rp.service_discovery !== undefined && rp.service_discovery !== null) {
        model.serviceDiscovery = readServiceDiscovery(r, rp.service_discovery, [...at, 'service_discovery']);
      }
    }
  }
  return model;
}
