/**
 * The normalize stage for compose documents: version detection, then every service key either
 * converted to its canonical form, ignored with a warning, or refused with the reason, as the
 * table `COMPOSE_SERVICE_KEYS` says. Every problem is recorded with its path.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseEnvFile } from './dotenv';
import { isPlainObject, isToken, readText } from './load';
import {
  ComposeModel, DependencyCondition, DependencyModel, EnvVar, HealthCheckModel, LoggingModel, PortModel,
  ServiceModel, UlimitModel,
} from './model';
import { isLoopback, parseLongPort, parseShortPort } from './ports';
import { DocPath, Problems, quote } from './problems';
import { Reader } from './read';
import { shellSplit } from './shell-split';
import { parseCpusAsUnits, parseDurationSeconds, parseInteger, parseMemoryMiB } from './units';

/** What the construct does with a compose key. */
export type Support = 'converted' | 'warned' | 'refused';

export interface KeyRule {
  readonly key: string;
  readonly support: Support;
  /** The ECS field it becomes, or what happens instead. */
  readonly ecs: string;
  /** Why a key is warned or refused, or the conditions of its conversion. */
  readonly note: string;
  readonly handle?: (svc: ServiceBuilder, value: unknown, at: DocPath) => void;
}

/** Mutable state while one service is read. */
export interface ServiceBuilder {
  readonly name: string;
  readonly at: DocPath;
  readonly r: Reader;
  readonly ctx: ComposeContext;
  fields: Partial<Mutable<ServiceModel>>;
  envFileVars: EnvVar[];
  environment: EnvVar[];
  raw: Record<string, unknown>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ComposeContext {
  readonly version: ComposeModel['version'];
  readonly variables: Map<string, string>;
  readonly projectDirectory: string;
}

// Limits that ECS or Fargate enforce at deploy time, checked here instead.
export const HEALTHCHECK_LIMITS = {
  interval: [5, 300],
  timeout: [2, 120],
  retries: [1, 10],
  startPeriod: [0, 300],
} as const;
export const MAX_STOP_TIMEOUT_SECONDS = 120;
export const MIN_CONTAINER_MEMORY_MIB = 6;
export const ULIMIT_NAMES = [
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss',
  'rtprio', 'rttime', 'sigpending', 'stack',
];
/** Fargate raises nofile up to this hard limit. */
export const FARGATE_MAX_NOFILE = 1048576;

/** Set a variable: a later value replaces an earlier one and moves to the end. */
function setVar(vars: EnvVar[], name: string, value: string): EnvVar[] {
  return [...vars.filter(e => e.name !== name), { name, value }];
}

function set<K extends keyof ServiceModel>(svc: ServiceBuilder, key: K, value: ServiceModel[K] | undefined) {
  if (value !== undefined) (svc.fields as Record<string, unknown>)[key] = value;
}

function commandList(svc: ServiceBuilder, value: unknown, at: DocPath): string[] | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') {
    if (isToken(value)) return [value];
    const split = shellSplit(value);
    if (split.error !== undefined) {
      svc.r.problems.error(at, `cannot split ${quote(value)} into words: ${split.error}`);
      return undefined;
    }
    return split.words;
  }
  const list = svc.r.list(value, at, 'a string or a list of strings');
  if (!list) return undefined;
  const out: string[] = [];
  list.forEach((item, i) => {
    const s = svc.r.string(item, [...at, i]);
    if (s !== undefined) out.push(s);
  });
  return out;
}

function memory(svc: ServiceBuilder, value: unknown, at: DocPath): number | undefined {
  const mib = svc.r.parsed(value, at, parseMemoryMiB);
  if (mib === undefined) return undefined;
  if (mib < MIN_CONTAINER_MEMORY_MIB) {
    svc.r.problems.error(at, `${quote(value)} is ${mib} MiB: ECS needs at least ${MIN_CONTAINER_MEMORY_MIB} MiB for a container (a bare number is bytes: write "512m" for 512 MiB)`);
    return undefined;
  }
  return mib;
}

function setSize(svc: ServiceBuilder, field: 'memoryLimitMiB' | 'memoryReservationMiB' | 'cpu', value: number | undefined, at: DocPath) {
  if (value === undefined) return;
  const pathKey = field === 'memoryLimitMiB' ? 'memoryLimit' : field === 'memoryReservationMiB' ? 'memoryReservation' : 'cpu';
  const existing = svc.fields.sizePaths?.[pathKey];
  if (existing && svc.fields[field] !== value) {
    svc.r.problems.error(at, `${quote(value)} conflicts with the value set at ${existing.join('.')} (${svc.fields[field]}): give one`);
    return;
  }
  svc.fields[field] = value;
  svc.fields.sizePaths = { ...svc.fields.sizePaths, [pathKey]: at };
}

/** Compose healthcheck -> canonical form, with ECS's limits. Shared with ecs-params (bareSeconds). */
export function readHealthCheck(r: Reader, value: unknown, at: DocPath, bareSeconds: boolean): HealthCheckModel | undefined {
  const hc = r.map(value, at);
  if (!hc) return undefined;
  const known = bareSeconds
    ? ['test', 'command', 'interval', 'timeout', 'retries', 'start_period']
    : ['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable'];
  for (const key of Object.keys(hc)) {
    if (!known.includes(key) && !key.startsWith('x-')) {
      r.problems.error([...at, key], `unknown healthcheck key: allowed are ${known.join(', ')}`);
    }
  }
  let command: string[] | undefined;
  let disabled = false;
  if (hc.test !== undefined && hc.command !== undefined) {
    r.problems.error([...at, 'command'], 'give "test" or "command", not both');
  }
  const testKey = hc.test !== undefined ? 'test' : 'command';
  const test = hc[testKey];
  if (test !== undefined && test !== null) {
    const tAt = [...at, testKey];
    if (typeof test === 'string') {
      command = ['CMD-SHELL', test];
    } else if (Array.isArray(test)) {
      const words: string[] = [];
      test.forEach((w, i) => {
        const s = r.string(w, [...tAt, i]);
        if (s !== undefined) words.push(s);
      });
      if (words.length === 0) {
        r.problems.error(tAt, 'the test list is empty: give ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]');
      } else if (words[0] === 'NONE') {
        disabled = true;
      } else if (words[0] === 'CMD' || words[0] === 'CMD-SHELL') {
        if (words.length < 2) r.problems.error(tAt, `${quote(test)} has no command after ${words[0]}`);
        command = words;
      } else if (bareSeconds) {
        // ecs-cli: a list without CMD/CMD-SHELL runs through the shell.
        command = ['CMD-SHELL', words.join(' ')];
      } else {
        r.problems.error(tAt, `a test list must start with "CMD", "CMD-SHELL" or "NONE", got ${quote(test)}`);
      }
    } else {
      r.problems.error(tAt, `expected a string or a list, got ${quote(test)}`);
    }
  }
  if (hc.disable !== undefined) {
    const d = r.bool(hc.disable, [...at, 'disable']);
    if (d) disabled = true;
  }
  const seconds = (key: string, limits: readonly [number, number], what: string) => {
    if (hc[key] === undefined || hc[key] === null) return undefined;
    const s = r.parsed(hc[key], [...at, key], v => parseDurationSeconds(v, bareSeconds));
    return r.inRange(s, [...at, key], limits[0], limits[1], `${what} (seconds)`, hc[key]);
  };
  const intervalSeconds = seconds('interval', HEALTHCHECK_LIMITS.interval, 'the health check interval');
  const timeoutSeconds = seconds('timeout', HEALTHCHECK_LIMITS.timeout, 'the health check timeout');
  const startPeriodSeconds = seconds('start_period', HEALTHCHECK_LIMITS.startPeriod, 'the health check start period');
  let retries: number | undefined;
  if (hc.retries !== undefined && hc.retries !== null) {
    const n = r.parsed(hc.retries, [...at, 'retries'], v => parseInteger(v));
    // ecs-cli: retries 0 means unset.
    retries = n === 0 ? undefined : r.inRange(n, [...at, 'retries'], HEALTHCHECK_LIMITS.retries[0], HEALTHCHECK_LIMITS.retries[1], 'retries');
  }
  if (hc.start_interval !== undefined) {
    r.problems.warn('ignored-key', [...at, 'start_interval'], 'ECS health checks have no start interval: ignored');
  }
  return { command, intervalSeconds, timeoutSeconds, retries, startPeriodSeconds, disabled: disabled || undefined, path: at };
}

function readLogging(
  svc: ServiceBuilder, driverValue: unknown, optionsValue: unknown, at: DocPath, driverAt: DocPath, optionsAt: DocPath,
): LoggingModel | undefined {
  const r = svc.r;
  const driver = driverValue === undefined || driverValue === null ? undefined : r.string(driverValue, driverAt);
  const options: Record<string, string> = {};
  if (optionsValue !== undefined && optionsValue !== null) {
    const opts = r.map(optionsValue, optionsAt);
    for (const [k, v] of Object.entries(opts ?? {})) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') options[k] = String(v);
      else r.problems.error([...optionsAt, k], `expected a string, got ${quote(v)}`);
    }
  }
  if (driver === undefined && Object.keys(options).length === 0) return undefined;
  return { driver: driver ?? 'awslogs', options, path: at };
}

const DEPENDS_CONDITIONS: Record<string, DependencyCondition> = {
  service_started: 'START',
  service_healthy: 'HEALTHY',
  service_completed_successfully: 'SUCCESS',
};

function warnIgnored(note: string) {
  return (svc: ServiceBuilder, _value: unknown, at: DocPath) => {
    svc.r.problems.warn('ignored-key', at, `ignored on Fargate: ${note}`);
  };
}

function refuse(note: string) {
  return (svc: ServiceBuilder, value: unknown, at: DocPath) => {
    svc.r.problems.error(at, `cannot be honoured on Fargate (got ${quote(value)}): ${note}`);
  };
}

/** The one source of truth for compose service keys. */
export const COMPOSE_SERVICE_KEYS: KeyRule[] = [
  {
    key: 'image',
    support: 'converted',
    ecs: 'image',
    note: 'passed through as written (CDK tokens allowed)',
    handle: (svc, v, at) => set(svc, 'image', svc.r.string(v, at, 'an image reference')),
  },
  {
    key: 'command',
    support: 'converted',
    ecs: 'command',
    note: 'a list is kept; a string is split into words as a shell would',
    handle: (svc, v, at) => set(svc, 'command', commandList(svc, v, at)),
  },
  {
    key: 'entrypoint',
    support: 'converted',
    ecs: 'entryPoint',
    note: 'a list is kept; a string is split into words as a shell would',
    handle: (svc, v, at) => set(svc, 'entryPoint', commandList(svc, v, at)),
  },
  {
    key: 'environment',
    support: 'converted',
    ecs: 'environment',
    note: 'list or map; a key without a value is taken from the variables ("" when unset, with a warning)',
    handle: (svc, v, at) => {
      for (const kv of svc.r.keyValues(v, at) ?? []) {
        let value = kv.value;
        if (value === undefined) {
          value = svc.ctx.variables.get(kv.name);
          if (value === undefined) {
            svc.r.problems.warn('unset-variable', kv.at, `${kv.name} has no value and is not set in the variables: using an empty string`);
            value = '';
          }
        }
        svc.environment = setVar(svc.environment, kv.name, value);
      }
    },
  },
  {
    key: 'env_file',
    support: 'converted',
    ecs: 'environment',
    note: 'read at synth time from the project directory; later files win; `environment` wins over them',
    handle: (svc, v, at) => {
      const entries: { file: string; required: boolean; at: DocPath }[] = [];
      const items = typeof v === 'string' || isPlainObject(v) ? [v] : svc.r.list(v, at, 'a path or a list of paths') ?? [];
      items.forEach((item, i) => {
        const itemAt = typeof v === 'string' || isPlainObject(v) ? at : [...at, i];
        if (isPlainObject(item)) {
          const p = svc.r.string(item.path, [...itemAt, 'path'], 'a path');
          const req = item.required === undefined ? true : svc.r.bool(item.required, [...itemAt, 'required']);
          if (p !== undefined) entries.push({ file: p, required: req !== false, at: itemAt });
        } else {
          const p = svc.r.string(item, itemAt, 'a path');
          if (p !== undefined) entries.push({ file: p, required: true, at: itemAt });
        }
      });
      for (const entry of entries) {
        const file = path.resolve(svc.ctx.projectDirectory, entry.file);
        if (!entry.required && !fileExists(file)) continue;
        const text = readText(file, svc.r.problems, entry.at, 'env_file');
        if (text === undefined) continue;
        const parsed = parseEnvFile(text);
        for (const err of parsed.errors) svc.r.problems.error(entry.at, `${entry.file} line ${err.line}: ${err.message}`);
        for (const e of parsed.entries) {
          const value = e.value ?? svc.ctx.variables.get(e.name);
          if (value !== undefined) svc.envFileVars = setVar(svc.envFileVars, e.name, value);
        }
      }
    },
  },
  {
    key: 'ports',
    support: 'converted',
    ecs: 'portMappings',
    note: 'short and long syntax; under awsvpc a published port must equal the container port; ranges become containerPortRange',
    handle: (svc, v, at) => {
      const list = svc.r.list(v, at, 'a list of ports');
      const ports: PortModel[] = [];
      (list ?? []).forEach((item, i) => {
        const pAt = [...at, i];
        if (isToken(item)) {
          svc.r.problems.error(pAt, 'must be a literal value: a CDK token cannot be parsed at synth time');
          return;
        }
        let spec;
        if (typeof item === 'string' || typeof item === 'number') {
          const parsed = parseShortPort(item);
          if (parsed.error !== undefined) {
            svc.r.problems.error(pAt, `${parsed.error}; got ${quote(item)}`);
            return;
          }
          spec = parsed.spec;
        } else if (isPlainObject(item)) {
          const parsed = parseLongPort(item);
          for (const [key, msg] of parsed.errors) svc.r.problems.error(key ? [...pAt, key] : pAt, msg);
          spec = parsed.spec;
          if (!spec) return;
        } else {
          svc.r.problems.error(pAt, `expected a port like "80:80" or a mapping with "target", got ${quote(item)}`);
          return;
        }
        if (spec.hostPort !== undefined &&
            (spec.hostPort !== spec.containerPort || spec.hostPortEnd !== spec.containerPortEnd)) {
          const host = spec.hostPort === spec.hostPortEnd ? `${spec.hostPort}` : `${spec.hostPort}-${spec.hostPortEnd}`;
          const ctr = spec.containerPort === spec.containerPortEnd ? `${spec.containerPort}` : `${spec.containerPort}-${spec.containerPortEnd}`;
          svc.r.problems.error(pAt, `${quote(item)} publishes container port ${ctr} on host port ${host}: under awsvpc (Fargate) the published port must equal the container port; write "${ctr}:${ctr}" or "${ctr}"`);
          return;
        }
        const overlap = ports.find(p => p.protocol === spec.protocol &&
          p.containerPort <= spec.containerPortEnd && spec.containerPort <= p.containerPortEnd);
        if (overlap) {
          svc.r.problems.error(pAt, `${quote(item)} maps container port ${spec.containerPort}/${spec.protocol} again (see ${overlap.path.join('.')}): each port may be mapped once`);
          return;
        }
        if (spec.hostIp !== undefined) {
          svc.r.problems.warn('port-host-ip', pAt, `the host IP ${quote(spec.hostIp)} has no meaning under awsvpc and is dropped${isLoopback(spec.hostIp) ? '; the port is mapped but the security group does not open it' : ''}`);
        }
        ports.push({ ...spec, path: pAt });
      });
      set(svc, 'ports', ports);
    },
  },
  {
    key: 'logging',
    support: 'converted',
    ecs: 'logConfiguration',
    note: 'awslogs creates its log group; splunk and awsfirelens pass through; other drivers fall back to awslogs with a warning',
    handle: (svc, v, at) => {
      const m = svc.r.map(v, at);
      if (!m) return;
      for (const key of Object.keys(m)) {
        if (key !== 'driver' && key !== 'options') svc.r.problems.error([...at, key], 'unknown logging key: allowed are driver, options');
      }
      set(svc, 'logging', readLogging(svc, m.driver, m.options, at, [...at, 'driver'], [...at, 'options']));
    },
  },
  {
    key: 'log_driver',
    support: 'converted',
    ecs: 'logConfiguration.logDriver',
    note: 'version 1 spelling of logging.driver',
    handle: (svc, v, at) => set(svc, 'logging', readLogging(svc, v, svc.raw.log_opt, at, at, [...at.slice(0, -1), 'log_opt'])),
  },
  {
    key: 'log_opt',
    support: 'converted',
    ecs: 'logConfiguration.options',
    note: 'version 1 spelling of logging.options',
    handle: (svc, v, at) => {
      if (svc.raw.log_driver === undefined) set(svc, 'logging', readLogging(svc, undefined, v, at, at, at));
    },
  },
  {
    key: 'healthcheck',
    support: 'converted',
    ecs: 'healthCheck',
    note: 'string test -> CMD-SHELL; durations truncated to seconds and checked against ECS limits; disable / ["NONE"] drop it',
    handle: (svc, v, at) => set(svc, 'healthCheck', readHealthCheck(svc.r, v, at, false)),
  },
  {
    key: 'mem_limit',
    support: 'converted',
    ecs: 'memory',
    note: 'bytes when a bare number; binary units; floored to MiB',
    handle: (svc, v, at) => setSize(svc, 'memoryLimitMiB', memory(svc, v, at), at),
  },
  {
    key: 'mem_reservation',
    support: 'converted',
    ecs: 'memoryReservation',
    note: 'bytes when a bare number; binary units; floored to MiB',
    handle: (svc, v, at) => setSize(svc, 'memoryReservationMiB', memory(svc, v, at), at),
  },
  {
    key: 'cpu_shares',
    support: 'converted',
    ecs: 'cpu',
    note: 'CPU units',
    handle: (svc, v, at) => setSize(svc, 'cpu', svc.r.inRange(svc.r.parsed(v, at, x => parseInteger(x, 'a whole number of CPU units')), at, 0, 10240 * 16, 'cpu_shares'), at),
  },
  {
    key: 'cpus',
    support: 'converted',
    ecs: 'cpu',
    note: 'number of CPUs x 1024',
    handle: (svc, v, at) => setSize(svc, 'cpu', svc.r.parsed(v, at, parseCpusAsUnits), at),
  },
  {
    key: 'deploy',
    support: 'converted',
    ecs: 'cpu, memory, memoryReservation; desired count',
    note: 'resources.limits/reservations (cpus, memory) and replicas are converted; other deploy keys are ignored with a warning',
    handle: (svc, v, at) => readDeploy(svc, v, at),
  },
  {
    key: 'stop_grace_period',
    support: 'converted',
    ecs: 'stopTimeout',
    note: `whole seconds, at most ${MAX_STOP_TIMEOUT_SECONDS} on Fargate`,
    handle: (svc, v, at) => set(svc, 'stopTimeoutSeconds', svc.r.inRange(svc.r.parsed(v, at, x => parseDurationSeconds(x, false)), at, 0, MAX_STOP_TIMEOUT_SECONDS, 'stop_grace_period (seconds)', v)),
  },
  {
    key: 'working_dir',
    support: 'converted',
    ecs: 'workingDirectory',
    note: '',
    handle: (svc, v, at) => set(svc, 'workingDirectory', svc.r.string(v, at, 'a path')),
  },
  {
    key: 'user',
    support: 'converted',
    ecs: 'user',
    note: '',
    handle: (svc, v, at) => set(svc, 'user', svc.r.string(v, at, 'a user name or uid[:gid]')),
  },
  {
    key: 'labels',
    support: 'converted',
    ecs: 'dockerLabels',
    note: 'list or map; a label without a value is ""',
    handle: (svc, v, at) => {
      const labels: Record<string, string> = {};
      for (const kv of svc.r.keyValues(v, at) ?? []) labels[kv.name] = kv.value ?? '';
      set(svc, 'labels', labels);
    },
  },
  {
    key: 'read_only',
    support: 'converted',
    ecs: 'readonlyRootFilesystem',
    note: '',
    handle: (svc, v, at) => set(svc, 'readOnly', svc.r.bool(v, at)),
  },
  {
    key: 'tty',
    support: 'converted',
    ecs: 'pseudoTerminal',
    note: '',
    handle: (svc, v, at) => set(svc, 'tty', svc.r.bool(v, at)),
  },
  {
    key: 'stdin_open',
    support: 'converted',
    ecs: 'interactive',
    note: '',
    handle: (svc, v, at) => set(svc, 'interactive', svc.r.bool(v, at)),
  },
  {
    key: 'init',
    support: 'converted',
    ecs: 'linuxParameters.initProcessEnabled',
    note: '',
    handle: (svc, v, at) => set(svc, 'init', svc.r.bool(v, at)),
  },
  {
    key: 'ulimits',
    support: 'converted',
    ecs: 'ulimits',
    note: `a number sets soft and hard; {soft, hard} both; names as ECS knows them; nofile at most ${FARGATE_MAX_NOFILE} on Fargate`,
    handle: (svc, v, at) => set(svc, 'ulimits', readUlimits(svc, v, at)),
  },
  {
    key: 'depends_on',
    support: 'converted',
    ecs: 'dependsOn',
    note: 'list (START) or map: service_started -> START, service_healthy -> HEALTHY, service_completed_successfully -> SUCCESS',
    handle: (svc, v, at) => set(svc, 'dependsOn', readDependsOn(svc, v, at)),
  },
  // Harmless to drop on Fargate: a warning.
  { key: 'restart', support: 'warned', ecs: '-', note: 'ECS replaces stopped tasks itself', handle: warnIgnored('ECS replaces stopped tasks itself') },
  { key: 'container_name', support: 'warned', ecs: '-', note: 'the container is named after the compose service', handle: warnIgnored('the container is named after the compose service') },
  { key: 'expose', support: 'warned', ecs: '-', note: 'containers of one task share localhost; only `ports` are opened in the security group', handle: warnIgnored('containers of one task share localhost; only `ports` are opened in the security group') },
  { key: 'links', support: 'warned', ecs: '-', note: 'containers of one task share localhost: reach the linked service at localhost', handle: warnIgnored('containers of one task share localhost: reach the linked service at localhost') },
  { key: 'external_links', support: 'warned', ecs: '-', note: 'the task has its own network interface', handle: warnIgnored('the task has its own network interface') },
  { key: 'hostname', support: 'warned', ecs: '-', note: 'ECS does not set a hostname under awsvpc', handle: warnIgnored('ECS does not set a hostname under awsvpc') },
  { key: 'domainname', support: 'warned', ecs: '-', note: 'ECS does not set a domain name under awsvpc', handle: warnIgnored('ECS does not set a domain name under awsvpc') },
  { key: 'stop_signal', support: 'warned', ecs: '-', note: 'ECS sends SIGTERM (or the image\'s STOPSIGNAL)', handle: warnIgnored('ECS sends SIGTERM (or the image\'s STOPSIGNAL)') },
  { key: 'mac_address', support: 'warned', ecs: '-', note: 'the task\'s network interface has its own address', handle: warnIgnored('the task\'s network interface has its own address') },
  { key: 'pull_policy', support: 'warned', ecs: '-', note: 'ECS pulls the image when a task starts', handle: warnIgnored('ECS pulls the image when a task starts') },
  { key: 'networks', support: 'warned', ecs: '-', note: 'the containers of one task share one awsvpc network interface', handle: warnIgnored('the containers of one task share one awsvpc network interface') },
  { key: 'oom_score_adj', support: 'warned', ecs: '-', note: 'not settable on Fargate', handle: warnIgnored('not settable on Fargate') },
  { key: 'oom_kill_disable', support: 'warned', ecs: '-', note: 'not settable on Fargate', handle: warnIgnored('not settable on Fargate') },
  { key: 'mem_swappiness', support: 'warned', ecs: '-', note: 'Fargate has no swap', handle: warnIgnored('Fargate has no swap') },
  { key: 'memswap_limit', support: 'warned', ecs: '-', note: 'Fargate has no swap', handle: warnIgnored('Fargate has no swap') },
  { key: 'cpu_quota', support: 'warned', ecs: '-', note: 'use cpus or deploy.resources.limits.cpus', handle: warnIgnored('use cpus or deploy.resources.limits.cpus') },
  { key: 'cpu_period', support: 'warned', ecs: '-', note: 'use cpus or deploy.resources.limits.cpus', handle: warnIgnored('use cpus or deploy.resources.limits.cpus') },
  { key: 'cpuset', support: 'warned', ecs: '-', note: 'Fargate does not pin CPUs', handle: warnIgnored('Fargate does not pin CPUs') },
  { key: 'pids_limit', support: 'warned', ecs: '-', note: 'not settable on Fargate', handle: warnIgnored('not settable on Fargate') },
  { key: 'profiles', support: 'converted', ecs: '-', note: 'a service whose profiles are not active (COMPOSE_PROFILES) is left out, as `docker compose up` does' },
  // Changes what the application does: refused.
  { key: 'privileged', support: 'refused', ecs: '-', note: 'Fargate does not run privileged containers', handle: (svc, v, at) => { if (v === true || v === 'true') refuse('Fargate does not run privileged containers')(svc, v, at); } },
  { key: 'devices', support: 'refused', ecs: '-', note: 'Fargate gives containers no host devices', handle: refuse('Fargate gives containers no host devices') },
  {
    key: 'network_mode',
    support: 'refused',
    ecs: '-',
    note: 'Fargate tasks use awsvpc; "bridge" and "awsvpc" are accepted, others refused',
    handle: (svc, v, at) => {
      if (v === 'bridge' || v === 'awsvpc' || v === 'default') {
        svc.r.problems.warn('ignored-key', at, `ignored on Fargate: the task uses awsvpc (got ${quote(v)})`);
      } else {
        refuse('Fargate tasks always use the awsvpc network mode: the containers of one task share one network interface')(svc, v, at);
      }
    },
  },
  { key: 'pid', support: 'refused', ecs: 'pidMode', note: 'Fargate allows only a task-wide PID namespace (ecs-params pid_mode: task)', handle: refuse('Fargate allows only a task-wide PID namespace: set ecs-params task_definition.pid_mode: task') },
  { key: 'ipc', support: 'refused', ecs: 'ipcMode', note: 'Fargate does not support IPC namespaces', handle: refuse('Fargate does not support ipc modes') },
  { key: 'uts', support: 'refused', ecs: '-', note: 'Fargate does not share the host UTS namespace', handle: refuse('Fargate does not share the host UTS namespace') },
  { key: 'userns_mode', support: 'refused', ecs: '-', note: 'Fargate does not support user namespaces modes', handle: refuse('Fargate does not support user namespace modes') },
  { key: 'cgroup_parent', support: 'refused', ecs: '-', note: 'Fargate manages cgroups', handle: refuse('Fargate manages cgroups') },
  { key: 'cgroup', support: 'refused', ecs: '-', note: 'Fargate manages cgroups', handle: refuse('Fargate manages cgroups') },
  { key: 'gpus', support: 'refused', ecs: '-', note: 'Fargate has no GPUs', handle: refuse('Fargate has no GPUs') },
  { key: 'runtime', support: 'refused', ecs: '-', note: 'Fargate chooses the container runtime', handle: refuse('Fargate chooses the container runtime') },
  { key: 'isolation', support: 'refused', ecs: '-', note: 'Windows isolation modes are not available on Fargate Linux tasks', handle: refuse('isolation modes are not available on Fargate') },
  { key: 'security_opt', support: 'refused', ecs: 'dockerSecurityOptions', note: 'Fargate does not accept docker security options', handle: refuse('Fargate does not accept docker security options') },
  { key: 'extra_hosts', support: 'refused', ecs: 'extraHosts', note: 'ECS does not accept extraHosts under awsvpc', handle: refuse('ECS does not accept extraHosts under awsvpc: use DNS (service discovery) instead') },
  { key: 'dns', support: 'refused', ecs: 'dnsServers', note: 'ECS does not accept dnsServers under awsvpc', handle: refuse('ECS does not accept dnsServers under awsvpc: the VPC resolver is used') },
  { key: 'dns_search', support: 'refused', ecs: 'dnsSearchDomains', note: 'ECS does not accept dnsSearchDomains under awsvpc', handle: refuse('ECS does not accept dnsSearchDomains under awsvpc: set search domains in the VPC DHCP options') },
  { key: 'dns_opt', support: 'refused', ecs: '-', note: 'ECS has no DNS options under awsvpc', handle: refuse('ECS has no DNS options under awsvpc') },
  { key: 'device_cgroup_rules', support: 'refused', ecs: '-', note: 'Fargate gives containers no host devices', handle: refuse('Fargate gives containers no host devices') },
  { key: 'blkio_config', support: 'refused', ecs: '-', note: 'Fargate does not limit block I/O', handle: refuse('Fargate does not limit block I/O') },
  { key: 'storage_opt', support: 'refused', ecs: '-', note: 'Fargate manages container storage', handle: refuse('Fargate manages container storage') },
  { key: 'volume_driver', support: 'refused', ecs: '-', note: 'use ecs-params docker_volumes or efs_volumes', handle: refuse('volume drivers are configured in ecs-params (docker_volumes, efs_volumes)') },
  { key: 'credential_spec', support: 'refused', ecs: '-', note: 'gMSA credential specs are for Windows containers', handle: refuse('gMSA credential specs are for Windows containers') },
  { key: 'annotations', support: 'warned', ecs: '-', note: 'OCI annotations are not passed by ECS', handle: warnIgnored('OCI annotations are not passed by ECS') },
  { key: 'attach', support: 'warned', ecs: '-', note: 'there is no terminal to attach to', handle: warnIgnored('there is no terminal to attach to') },
  ...['build', 'volumes', 'volumes_from', 'tmpfs', 'shm_size', 'cap_add', 'cap_drop', 'sysctls', 'platform',
    'secrets', 'configs', 'extends', 'develop', 'post_start', 'pre_stop', 'provider', 'use_api_socket', 'models',
    'label_file', 'gw_priority'].map((key): KeyRule => ({
    key, support: 'refused', ecs: '-', note: 'not converted yet by this version', handle: refuse('not converted yet by this version of cdk-compose-fargate'),
  })),
  { key: 'scale', support: 'warned', ecs: '-', note: 'the desired count of the ECS service (desiredCount, deploy.replicas) sets the number of tasks; containers of one task are not scaled', handle: warnIgnored('containers of one task are not scaled: set deploy.replicas or desiredCount for the number of tasks') },
];

const KEY_INDEX = new Map(COMPOSE_SERVICE_KEYS.map(k => [k.key, k]));

function fileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function readDeploy(svc: ServiceBuilder, v: unknown, at: DocPath) {
  const r = svc.r;
  const d = r.map(v, at);
  if (!d) return;
  for (const [key, value] of Object.entries(d)) {
    const kAt = [...at, key];
    if (key === 'resources') {
      const res = r.map(value, kAt);
      for (const [kind, spec] of Object.entries(res ?? {})) {
        const rAt = [...kAt, kind];
        if (kind !== 'limits' && kind !== 'reservations') {
          r.problems.error(rAt, 'unknown resources key: allowed are limits, reservations');
          continue;
        }
        const s = r.map(spec, rAt);
        for (const [field, fv] of Object.entries(s ?? {})) {
          const fAt = [...rAt, field];
          if (field === 'memory') {
            setSize(svc, kind === 'limits' ? 'memoryLimitMiB' : 'memoryReservationMiB', memory(svc, fv, fAt), fAt);
          } else if (field === 'cpus') {
            // limits.cpus is the container's CPU; reservations.cpus is used when no limit is given.
            const units = r.parsed(fv, fAt, parseCpusAsUnits);
            if (kind === 'limits' || !s || !isPlainObject(res?.limits) || (res!.limits as Record<string, unknown>).cpus === undefined) {
              setSize(svc, 'cpu', units, fAt);
            }
          } else if (field === 'devices') {
            r.problems.error(fAt, 'cannot be honoured on Fargate: Fargate has no GPUs or other devices');
          } else if (field === 'pids') {
            r.problems.warn('ignored-key', fAt, 'ignored on Fargate: the pids limit is not settable');
          } else if (!field.startsWith('x-')) {
            r.problems.error(fAt, `unknown ${kind} key: allowed are cpus, memory`);
          }
        }
      }
    } else if (key === 'replicas') {
      const n = r.inRange(r.parsed(value, kAt, x => parseInteger(x)), kAt, 0, 5000, 'replicas');
      if (n !== undefined) svc.fields.replicas = n;
    } else if (key === 'mode') {
      if (value !== 'replicated' && value !== 'replicated-job') {
        r.problems.error(kAt, `Fargate services are replicated: got ${quote(value)}, allowed is "replicated"`);
      }
    } else if (['restart_policy', 'update_config', 'rollback_config', 'placement', 'labels', 'endpoint_mode'].includes(key)) {
      r.problems.warn('ignored-key', kAt, 'ignored on Fargate: the ECS service has its own deployment and placement settings (see the construct props)');
    } else if (!key.startsWith('x-')) {
      r.problems.error(kAt, 'unknown deploy key: allowed are resources, replicas, mode, restart_policy, update_config, rollback_config, placement, labels, endpoint_mode');
    }
  }
}

function readUlimits(svc: ServiceBuilder, v: unknown, at: DocPath): UlimitModel[] | undefined {
  const r = svc.r;
  const m = r.map(v, at);
  if (!m) return undefined;
  const out: UlimitModel[] = [];
  for (const [name, spec] of Object.entries(m)) {
    const uAt = [...at, name];
    if (!ULIMIT_NAMES.includes(name)) {
      r.problems.error(uAt, `unknown ulimit ${quote(name)}: allowed are ${ULIMIT_NAMES.join(', ')}`);
      continue;
    }
    let soft: number | undefined;
    let hard: number | undefined;
    if (isPlainObject(spec)) {
      for (const key of Object.keys(spec)) {
        if (key !== 'soft' && key !== 'hard') r.problems.error([...uAt, key], 'unknown ulimit key: allowed are soft, hard');
      }
      if (spec.soft === undefined || spec.hard === undefined) {
        r.problems.error(uAt, `give both soft and hard, got ${quote(spec)}`);
        continue;
      }
      soft = r.parsed(spec.soft, [...uAt, 'soft'], x => parseInteger(x));
      hard = r.parsed(spec.hard, [...uAt, 'hard'], x => parseInteger(x));
    } else {
      soft = hard = r.parsed(spec, uAt, x => parseInteger(x, 'a whole number or {soft, hard}'));
    }
    if (soft === undefined || hard === undefined) continue;
    if (soft < 0 || hard < 0) {
      r.problems.error(uAt, `limits must not be negative, got soft ${soft}, hard ${hard}`);
    } else if (soft > hard) {
      r.problems.error(uAt, `the soft limit (${soft}) is above the hard limit (${hard})`);
    } else if (name === 'nofile' && hard > FARGATE_MAX_NOFILE) {
      r.problems.error(uAt, `Fargate allows nofile up to ${FARGATE_MAX_NOFILE}, got ${hard}`);
    } else {
      out.push({ name, soft, hard });
    }
  }
  return out;
}

function readDependsOn(svc: ServiceBuilder, v: unknown, at: DocPath): DependencyModel[] | undefined {
  const r = svc.r;
  const out: DependencyModel[] = [];
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      const name = r.string(item, [...at, i], 'a service name');
      if (name !== undefined) out.push({ container: name, condition: 'START', path: [...at, i] });
    });
    return out;
  }
  const m = r.map(v, at, 'a list of service names or a mapping');
  for (const [name, spec] of Object.entries(m ?? {})) {
    const dAt = [...at, name];
    let condition: DependencyCondition = 'START';
    if (spec !== null && spec !== undefined) {
      const s = r.map(spec, dAt);
      for (const [key, value] of Object.entries(s ?? {})) {
        if (key === 'condition') {
          const c = typeof value === 'string' ? DEPENDS_CONDITIONS[value] : undefined;
          if (!c) r.problems.error([...dAt, key], `expected ${Object.keys(DEPENDS_CONDITIONS).join(', ')}, got ${quote(value)}`);
          else condition = c;
        } else if (key === 'restart' || key === 'required') {
          // restart: compose restarts dependents on restart; required: false tolerates a missing
          // service. Neither changes the ECS container dependency.
        } else {
          r.problems.error([...dAt, key], 'unknown depends_on key: allowed are condition, restart, required');
        }
      }
    }
    out.push({ container: name, condition, path: dAt });
  }
  return out;
}

const VERSION_HELP = 'allowed are "1", "2", "2.x", "3", "3.x", or no version (the Compose Specification)';
const TOP_LEVEL_KEYS = ['version', 'name', 'services', 'volumes', 'networks', 'secrets', 'configs'];
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function detectVersion(raw: Record<string, unknown>, problems: Problems): ComposeModel['version'] | undefined {
  const v = raw.version;
  if (v === undefined || v === null) {
    return raw.services !== undefined ? 'spec' : '1';
  }
  const text = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(v)) : typeof v === 'string' ? v.trim() : undefined;
  if (text !== undefined) {
    if (/^1(\.0)?$/.test(text)) return '1';
    if (/^2(\.\d)?$/.test(text)) return '2';
    if (/^3(\.\d{1,2})?$/.test(text)) return '3';
  }
  problems.error(['version'], `unsupported compose version ${quote(v)}: ${VERSION_HELP}`);
  return undefined;
}

/** Compose services that are active under the given profiles (COMPOSE_PROFILES). */
function activeProfiles(vars: Map<string, string>): Set<string> {
  return new Set((vars.get('COMPOSE_PROFILES') ?? '').split(',').map(s => s.trim()).filter(s => s !== ''));
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
    servicesRaw = {};
    for (const [k, v] of Object.entries(doc)) if (k !== 'version') servicesRaw[k] = v;
    servicesAt = [];
  } else {
    for (const key of Object.keys(doc)) {
      if (!TOP_LEVEL_KEYS.includes(key) && !key.startsWith('x-')) {
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
  if (doc.networks !== undefined && version !== '1') {
    problems.warn('ignored-key', ['networks'], 'ignored on Fargate: the containers of one task share one awsvpc network interface');
  }

  const profiles = activeProfiles(ctx.variables);
  const services: ServiceModel[] = [];
  for (const [svcName, svcRaw] of Object.entries(servicesRaw)) {
    const at = [...servicesAt, svcName];
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(svcName)) {
      problems.error(at, `service name ${quote(svcName)} cannot be an ECS container name: use letters, digits, dashes and underscores (up to 255)`);
      continue;
    }
    const body = r.map(svcRaw, at, 'a service definition (a mapping)');
    if (!body) continue;
    if (body.profiles !== undefined) {
      const list = r.stringOrList(body.profiles, [...at, 'profiles']) ?? [];
      if (!list.some(p => profiles.has(p) || p === '*') && !profiles.has('*')) {
        problems.warn('inactive-profile', at, `left out: its profiles (${list.join(', ')}) are not active; set COMPOSE_PROFILES to include it`);
        continue;
      }
    }
    const svc = readService(svcName, at, body, fullCtx, r);
    if (svc) services.push(svc);
  }
  if (services.length === 0 && problems.ok) {
    problems.error(servicesAt, 'the file defines no services: a task needs at least one container');
  }
  return { file: problems.file, version, name, services, warnings: problems.warnings };
}

function readService(name: string, at: DocPath, body: Record<string, unknown>, ctx: ComposeContext, r: Reader): ServiceModel | undefined {
  const svc: ServiceBuilder = {
    name, at, r, ctx, fields: {}, envFileVars: [], environment: [], raw: body,
  };
  for (const [key, value] of Object.entries(body)) {
    const kAt = [...at, key];
    if (key.startsWith('x-')) continue;
    const rule = KEY_INDEX.get(key);
    if (!rule) {
      r.problems.error(kAt, `unknown service key ${quote(key)}${suggest(key)}`);
      continue;
    }
    if (value === null && rule.support === 'converted') continue;
    rule.handle?.(svc, value, kAt);
  }
  if (svc.fields.image === undefined) {
    r.problems.error(at, 'no "image": each service needs the image to run');
  }
  // environment beats env_file.
  const env = [...svc.envFileVars.filter(e => !svc.environment.some(x => x.name === e.name)), ...svc.environment];
  return {
    name,
    path: at,
    environment: env,
    ports: [],
    labels: {},
    ulimits: [],
    dependsOn: [],
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
