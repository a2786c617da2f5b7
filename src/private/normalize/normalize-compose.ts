/**
 * The normalize stage for compose documents: version detection, then every service key either
 * converted to its canonical form, ignored with a warning, or refused with the reason, as the
 * table `COMPOSE_SERVICE_KEYS` says. Every problem is recorded with its path.
 */
import * as fs from 'fs';
import * as path from 'path';
import { dict, dictOf, hasKey, ownValue } from '../dict';
import { builtImage, builtStage, dockerfileInstructions, dockerfileStages } from '../dockerfile';
import { ECS_HEALTHCHECK_BOUNDS as B, ECS_QUOTAS, FARGATE_STOP_TIMEOUT_BOUNDS as STOP } from '../facts/ecs-limits';
import { readServiceEnvFiles } from '../load/compose-load';
import { parseEnvFile } from '../load/dotenv';
import { isPlainObject, isToken, readText } from '../load/load';
import {
  ComposeModel, DependencyCondition, DependencyModel, EnvVar, FileMountModel, HealthCheckModel, LoggingModel, MountModel,
  PortModel, ProjectBindModel, ServiceModel, StoredFileModel, SysctlModel, TmpfsModel, UlimitModel, VolumeDeclarationModel, VolumesFromModel,
  WatchModel,
} from '../model';
import { describePorts, isLoopback, parseLongPort, parsePortRange, parseShortPort, Protocol } from '../ports';
import { DocPath, formatPath, Problems, quote } from '../problems';
import { Reader } from './read';
import { splitCommand } from '../shell-split';
import { MIB, Parsed, parseBytes, parseCpusAsUnits, parseDurationSeconds, parseInteger } from '../units';

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
  /** Checks that need the whole service read (its environment, all its mounts). */
  deferred: (() => void)[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ComposeContext {
  readonly version: ComposeModel['version'];
  readonly variables: Map<string, string>;
  readonly projectDirectory: string;
  /** The strings into which interpolation put the value of a variable that is set (see interpolateTree). */
  readonly substituted?: ReadonlySet<string>;
}

// Limits that ECS or Fargate enforce at deploy time, checked here instead.
export const ULIMIT_NAMES = [
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss',
  'rtprio', 'rttime', 'sigpending', 'stack',
];
/** Fargate raises nofile up to this hard limit. */
export const FARGATE_MAX_NOFILE = 1048576;

/** The tmpfs mount options ECS takes (without a value): flags of mount(8). */
export const ECS_TMPFS_FLAGS = ['defaults', 'ro', 'rw', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'sync', 'async', 'dirsync',
  'remount', 'mand', 'nomand', 'atime', 'noatime', 'diratime', 'nodiratime', 'bind', 'rbind', 'unbindable', 'runbindable', 'private',
  'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'relatime', 'norelatime', 'strictatime', 'nostrictatime'];

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
    return splitCommand(value, at, svc.r.problems);
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

/**
 * A memory size in MiB, floored as ecs-cli did; ECS's minimum is checked by the plan, on the value the
 * container gets. 0 bytes is Docker's "no limit", which Docker Compose leaves out: unset.
 */
function memory(svc: ServiceBuilder, value: unknown, at: DocPath): number | undefined {
  const bytes = svc.r.parsed(value, at, parseBytes);
  return bytes === undefined || bytes === 0 ? undefined : Math.floor(bytes / MIB);
}

/** CPU units from a number of CPUs; 0 is Docker's "no limit", which Docker Compose leaves out: unset. */
function cpus(svc: ServiceBuilder, value: unknown, at: DocPath): number | undefined {
  return svc.r.parsed(value, at, parseCpusAsUnits) || undefined;
}

function setSize(svc: ServiceBuilder, field: 'memoryLimitMiB' | 'memoryReservationMiB' | 'cpu', value: number | undefined, at: DocPath, written?: unknown) {
  if (value === undefined) return;
  const pathKey = field === 'memoryLimitMiB' ? 'memoryLimit' : field === 'memoryReservationMiB' ? 'memoryReservation' : 'cpu';
  const existing = svc.fields.sizePaths?.[pathKey];
  if (existing && svc.fields[field] !== value) {
    const unit = field === 'cpu' ? 'CPU units' : 'MiB';
    const given = written === undefined ? `${value} ${unit}` : `${quote(written)} (${value} ${unit})`;
    svc.r.problems.error(at, `${given} conflicts with the ${svc.fields[field]} ${unit} set at ${formatPath(existing)}: give one`);
    return;
  }
  svc.fields[field] = value;
  svc.fields.sizePaths = { ...svc.fields.sizePaths, [pathKey]: at };
  if (written !== undefined) svc.fields.sizeWritten = { ...svc.fields.sizeWritten, [pathKey]: written };
}

/**
 * Compose healthcheck -> canonical form: timings in whole seconds as written (the plan moves the
 * ones the container gets into ECS's bounds). Shared with ecs-params (bareSeconds).
 */
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
  const written = dict<unknown>();
  const timing = (key: string, parser: (v: unknown) => Parsed<number>) => {
    if (hc[key] === undefined || hc[key] === null) return undefined;
    written[key] = hc[key];
    return r.parsed(hc[key], [...at, key], parser);
  };
  const seconds = (v: unknown) => parseDurationSeconds(v, bareSeconds);
  const intervalSeconds = timing('interval', seconds);
  const timeoutSeconds = timing('timeout', seconds);
  const startPeriodSeconds = timing('start_period', seconds);
  const n = timing('retries', v => parseInteger(v, 'a whole number of retries'));
  // ecs-cli: retries 0 means unset.
  const retries = n === 0 ? undefined : n;
  if (hc.start_interval !== undefined) {
    r.problems.warn('ignored-key', [...at, 'start_interval'], 'ECS health checks have no start interval: ignored');
  }
  return { command, intervalSeconds, timeoutSeconds, retries, startPeriodSeconds, disabled: disabled || undefined, written, path: at };
}

function readLogging(
  svc: ServiceBuilder, driverValue: unknown, optionsValue: unknown, at: DocPath, driverAt: DocPath, optionsAt: DocPath,
): LoggingModel | undefined {
  const r = svc.r;
  const driver = driverValue === undefined || driverValue === null ? undefined : r.string(driverValue, driverAt);
  const options = dict<string>();
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

/** A key dropped on Fargate with a warning: the note documents it, the message explains it. */
function warned(key: string, note: string, message = note, ecs = '-'): KeyRule {
  return { key, support: 'warned', ecs, note, handle: warnIgnored(message) };
}

/** A key Fargate cannot honour: an error naming it, with the reason. */
function refused(key: string, note: string, message = note, ecs = '-'): KeyRule {
  return { key, support: 'refused', ecs, note, handle: refuse(message) };
}

/**
 * A key that one task drops with a warning, and that ComposeFargateProject reads into the model
 * (`field`): the warning stays, and the project drops it where it honours the key.
 */
function named<K extends keyof ServiceModel>(
  key: string, note: string, field: K, read: (svc: ServiceBuilder, value: unknown, at: DocPath) => ServiceModel[K] | undefined,
): KeyRule {
  const warn = warnIgnored(note);
  return {
    key,
    support: 'warned',
    ecs: '-',
    note: `${note} (ComposeFargateProject: ${PROJECT_NOTES[key]})`,
    handle: (svc, value, at) => {
      warn(svc, value, at);
      set(svc, field, read(svc, value, at));
    },
  };
}

const PROJECT_NOTES: Record<string, string> = {
  restart: '"no" makes a one-shot service, run to completion before the services that wait for it',
  container_name: 'another name the service answers to',
  expose: 'ports the other services reach through Service Connect',
  links: 'the alias is another name of the linked service',
  hostname: 'another name the service answers to',
  networks: 'services reach only services that share a network with them; aliases are names they answer to',
};

function readExpose(svc: ServiceBuilder, value: unknown, at: DocPath): ServiceModel['expose'] {
  const out: Mutable<ServiceModel>['expose'] = [];
  (svc.r.list(value, at) ?? []).forEach((item, i) => {
    const text = typeof item === 'number' ? String(item) : svc.r.string(item, [...at, i], 'a port ("5432" or "5432/tcp")');
    if (text === undefined) return;
    const m = /^(\d+(?:-\d+)?)(?:\/(tcp|udp))?$/i.exec(text.trim());
    const range = m ? parsePortRange(m[1]) : undefined;
    if (!m || !range) {
      svc.r.problems.error([...at, i], `${quote(item)} is not a port: expected a port or range (1-65535) with an optional "/tcp" or "/udp"`);
      return;
    }
    out.push({ containerPort: range[0], containerPortEnd: range[1], protocol: (m[2] ?? 'tcp').toLowerCase() as Protocol, path: [...at, i] });
  });
  return out;
}

function readLinks(svc: ServiceBuilder, value: unknown, at: DocPath): ServiceModel['links'] {
  const out: Mutable<ServiceModel>['links'] = [];
  (svc.r.list(value, at) ?? []).forEach((item, i) => {
    const text = svc.r.string(item, [...at, i], 'a link ("service" or "service:alias")');
    if (text === undefined) return;
    const [service, alias] = text.split(':', 2);
    out.push({ service, alias: alias ?? service, path: [...at, i] });
  });
  return out;
}

/** The settings of a service's attachment to a network, as the Compose Specification lists them (besides aliases). */
const SERVICE_NETWORK_KEYS = ['ipv4_address', 'ipv6_address', 'link_local_ips', 'mac_address', 'driver_opts', 'priority', 'gw_priority', 'interface_name'];

/** The settings of a top-level network, as the Compose Specification lists them. */
const NETWORK_KEYS = ['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'enable_ipv4', 'enable_ipv6', 'attachable', 'labels'];

function readServiceNetworks(svc: ServiceBuilder, value: unknown, at: DocPath): ServiceModel['networks'] {
  const out: Mutable<ServiceModel>['networks'] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const name = svc.r.string(item, [...at, i], 'a network name');
      if (name !== undefined) out.push({ name, aliases: [], path: [...at, i] });
    });
    return out;
  }
  const networks = svc.r.map(value, at, 'a list of network names or a mapping of network names to settings');
  for (const [name, settings] of Object.entries(networks ?? {})) {
    const nAt = [...at, name];
    const body = settings === null ? {} : svc.r.map(settings, nAt, 'the network\'s settings (aliases, ...)');
    const aliases = body?.aliases === undefined ? [] : svc.r.stringOrList(body.aliases, [...nAt, 'aliases']) ?? [];
    for (const key of Object.keys(body ?? {}).filter(k => k !== 'aliases' && !k.startsWith('x-'))) {
      if (SERVICE_NETWORK_KEYS.includes(key)) {
        svc.r.problems.warn('ignored-key', [...nAt, key], 'ignored on Fargate: a task gets its address from its subnet, and a compose network is the security groups of its services');
      } else {
        svc.r.problems.error([...nAt, key], `unknown key: allowed are aliases, ${SERVICE_NETWORK_KEYS.join(', ')}`);
      }
    }
    out.push({ name, aliases, path: nAt });
  }
  return out;
}

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
    note: 'list or map; a key without a value is taken from the variables (left out when unset, as compose does, with a warning); a password, secret, token or key written in the file (`POSTGRES_PASSWORD: example`, a URL with a password) is a warning (plaintext-secret): the value is in the task definition in plain text',
    handle: (svc, v, at) => {
      for (const kv of svc.r.keyValues(v, at) ?? []) {
        const value = kv.value ?? svc.ctx.variables.get(kv.name);
        if (value === undefined) {
          // compose unsets it in the container (and an env_file value of that name does not count)
          svc.r.problems.warn('unset-variable', kv.at, `${kv.name} has no value and is not set in the variables: left out of the container's environment, as compose leaves it out`);
          svc.environment = svc.environment.filter(e => e.name !== kv.name);
          svc.envFileVars = svc.envFileVars.filter(e => e.name !== kv.name);
          continue;
        }
        svc.environment = setVar(svc.environment, kv.name, value);
        if (kv.value !== undefined) warnPlainSecret(svc, kv.name, kv.value, kv.at);
      }
    },
  },
  {
    key: 'env_file',
    support: 'converted',
    ecs: 'environment',
    note: 'read at synth time from the project directory; later files win; `environment` wins over them',
    // Read at load (compose-load.ts); a document that still has it here is read the same way.
    handle: (svc, v, at) => {
      for (const [name, value] of readServiceEnvFiles(v, at, svc.ctx.variables, svc.ctx.projectDirectory, svc.r.problems)) {
        svc.envFileVars = setVar(svc.envFileVars, name, value);
      }
    },
  },
  {
    key: 'ports',
    support: 'converted',
    ecs: 'portMappings',
    note: 'short and long syntax; the task opens the container port (port mapping and security group), once per task; a host port that differs (`"8080:80"`) is a warning, and the default listener port of a load balancer target; a range is one mapping per port (a range of over 100 ports: containerPortRange); a loopback host IP keeps the port out of the security group',
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
        // As Docker: a host range goes with a container range of the same length, or with one container port.
        const hostCount = spec.hostPort === undefined ? 0 : spec.hostPortEnd! - spec.hostPort + 1;
        const containerCount = spec.containerPortEnd - spec.containerPort + 1;
        if (hostCount > 0 && containerCount > 1 && hostCount !== containerCount) {
          svc.r.problems.error(pAt, `${quote(item)} publishes ${containerCount} container ports on ${hostCount} host port${hostCount > 1 ? 's' : ''}: a range of container ports needs a host range of the same length (or no host port)`);
          return;
        }
        const overlap = ports.find(p => p.protocol === spec.protocol &&
          p.containerPort <= spec.containerPortEnd && spec.containerPort <= p.containerPortEnd);
        if (overlap && overlap.containerPort === spec.containerPort && overlap.containerPortEnd === spec.containerPortEnd) {
          // Compose publishes one container port on several host ports; the task opens it once.
          svc.r.problems.warn('host-port', pAt, `${quote(item)} publishes container port ${describePorts(spec.containerPort, spec.containerPortEnd)}/${spec.protocol} again (see ${formatPath(overlap.path)}): on Fargate the task opens each container port once, and clients reach it on the container port`);
          return;
        }
        if (overlap) {
          svc.r.problems.error(pAt, `${quote(item)} maps container port ${spec.containerPort}/${spec.protocol} again (see ${formatPath(overlap.path)}): each port may be mapped once`);
          return;
        }
        if (spec.hostIp !== undefined) {
          svc.r.problems.warn('port-host-ip', pAt, `the host IP ${quote(spec.hostIp)} has no meaning under awsvpc and is dropped${isLoopback(spec.hostIp) ? '; the port is mapped but the security group does not open it' : ''}`);
        }
        if (spec.name !== undefined && !/^[a-z0-9_][a-z0-9_-]{0,63}$/.test(spec.name)) {
          svc.r.problems.error([...pAt, 'name'], `ECS names a port mapping with up to 64 lowercase letters, digits, _ and - (not first), got ${quote(spec.name)}`);
          return;
        }
        const awsProtocol = isPlainObject(item) && item['x-aws-protocol'] !== undefined
          ? svc.r.string(item['x-aws-protocol'], [...pAt, 'x-aws-protocol'], 'http, https, tcp, udp or tls') : undefined;
        if (awsProtocol !== undefined && !['http', 'https', 'tcp', 'udp', 'tls'].includes(awsProtocol)) {
          svc.r.problems.error([...pAt, 'x-aws-protocol'], `expected http, https, tcp, udp or tls, got ${quote(awsProtocol)}`);
        }
        ports.push({ ...spec, path: pAt, awsProtocol });
      });
      set(svc, 'ports', ports);
    },
  },
  {
    key: 'logging',
    support: 'converted',
    ecs: 'logConfiguration',
    note: 'awslogs creates its log group; splunk and awsfirelens pass through (a task without a FireLens log router gets AWS for Fluent Bit added); other drivers fall back to awslogs with a warning',
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
    note: `string test -> CMD-SHELL; durations truncated to seconds; a value outside ECS's bounds (interval ${B.interval[0]}-${B.interval[1]} s, timeout ${B.timeout[0]}-${B.timeout[1]} s and at most the interval, retries ${B.retries[0]}-${B.retries[1]}, start_period ${B.startPeriod[0]}-${B.startPeriod[1]} s) is moved to the nearest one ECS takes, with a warning; disable / ["NONE"] drop it`,
    handle: (svc, v, at) => set(svc, 'healthCheck', readHealthCheck(svc.r, v, at, false)),
  },
  {
    key: 'mem_limit',
    support: 'converted',
    ecs: 'memory',
    note: 'bytes when a bare number; binary units; floored to MiB; 0 is no limit, as in Docker: unset',
    handle: (svc, v, at) => setSize(svc, 'memoryLimitMiB', memory(svc, v, at), at, v),
  },
  {
    key: 'mem_reservation',
    support: 'converted',
    ecs: 'memoryReservation',
    note: 'bytes when a bare number; binary units; floored to MiB; 0 is none, as in Docker: unset',
    handle: (svc, v, at) => setSize(svc, 'memoryReservationMiB', memory(svc, v, at), at, v),
  },
  {
    key: 'cpu_shares',
    support: 'converted',
    ecs: 'cpu',
    note: 'CPU units; 0 is Docker\'s default share: unset',
    // Fargate's upper bound is the plan's, on the value the container gets.
    // 0 is Docker's default share, which Docker Compose leaves out: unset.
    handle: (svc, v, at) => setSize(svc, 'cpu', svc.r.inRange(svc.r.parsed(v, at, x => parseInteger(x, 'a whole number of CPU units')), at, 0, Number.MAX_SAFE_INTEGER, 'cpu_shares') || undefined, at),
  },
  {
    key: 'cpus',
    support: 'converted',
    ecs: 'cpu',
    note: 'number of CPUs x 1024; 0 (`${WEB_CPUS:-0}`) is no limit, as in Docker: unset',
    handle: (svc, v, at) => setSize(svc, 'cpu', cpus(svc, v, at), at),
  },
  {
    key: 'deploy',
    support: 'converted',
    ecs: 'cpu, memory, memoryReservation; desired count',
    note: 'resources.limits/reservations (cpus, memory) and replicas are converted; update_config.parallelism and x-aws-min_percent / x-aws-max_percent set the deployment percentages (as Docker\'s ECS integration did); resources.reservations.devices and generic_resources (GPUs) are refused; mode replicated-job and restart_policy.condition none make a one-shot service in ComposeFargateProject (as restart: "no"; the condition decides over `restart`, as in Docker Compose); mode global is refused; other deploy keys are ignored with a warning',
    handle: (svc, v, at) => readDeploy(svc, v, at),
  },
  {
    key: 'stop_grace_period',
    support: 'converted',
    ecs: 'stopTimeout',
    note: `whole seconds; outside Fargate's ${STOP[0]}-${STOP[1]} s it is moved to the nearest one, with a warning`,
    handle: (svc, v, at) => {
      set(svc, 'stopTimeoutSeconds', svc.r.parsed(v, at, x => parseDurationSeconds(x, false)));
      set(svc, 'stopGracePeriod', { written: v, path: at });
    },
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
      const labels = dict<string>();
      for (const kv of svc.r.keyValues(v, at) ?? []) {
        // aws-cdk-lib renders a template's maps into object literals, where this one key cannot be
        if (kv.name === '__proto__') svc.r.problems.warn('ignored-key', kv.at, 'a Docker label named __proto__ cannot be written into a CloudFormation template by aws-cdk-lib (it drops that key): left out; rename the label to keep it');
        else labels[kv.name] = kv.value ?? '';
      }
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
  // Harmless to drop in one task: a warning. ComposeFargateProject reads them (names that resolve,
  // ports other services reach, networks that separate services, one-shot services).
  named('restart', 'ECS replaces stopped tasks itself', 'restart', (svc, v, at) => svc.r.string(v, at)),
  named('container_name', 'the container is named after the compose service', 'containerName', (svc, v, at) => svc.r.string(v, at)),
  named('expose', 'containers of one task share localhost; only `ports` are opened in the security group', 'expose', readExpose),
  named('links', 'containers of one task share localhost: reach the linked service at localhost', 'links', readLinks),
  warned('external_links', 'the task has its own network interface'),
  named('hostname', 'ECS does not set a hostname under awsvpc', 'hostname', (svc, v, at) => svc.r.string(v, at)),
  warned('domainname', 'ECS does not set a domain name under awsvpc'),
  warned('stop_signal', 'ECS sends SIGTERM (or the image\'s STOPSIGNAL)'),
  warned('mac_address', 'the task\'s network interface has its own address'),
  warned('pull_policy', 'ECS pulls the image when a task starts'),
  named('networks', 'the containers of one task share one awsvpc network interface', 'networks', readServiceNetworks),
  warned('oom_score_adj', 'not settable on Fargate'),
  warned('oom_kill_disable', 'not settable on Fargate'),
  warned('mem_swappiness', 'Fargate has no swap'),
  warned('memswap_limit', 'Fargate has no swap'),
  warned('cpu_quota', 'use cpus or deploy.resources.limits.cpus'),
  warned('cpu_period', 'use cpus or deploy.resources.limits.cpus'),
  warned('cpuset', 'Fargate does not pin CPUs'),
  warned('pids_limit', 'not settable on Fargate'),
  { key: 'profiles', support: 'converted', ecs: '-', note: 'a service whose profiles are not active (COMPOSE_PROFILES) is left out, as `docker compose up` does' },
  // Changes what the application does: refused.
  { key: 'privileged', support: 'refused', ecs: '-', note: 'Fargate does not run privileged containers', handle: (svc, v, at) => { if (v === true || v === 'true') refuse('Fargate does not run privileged containers')(svc, v, at); } },
  refused('devices', 'Fargate gives containers no host devices'),
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
  refused('pid', 'Fargate allows only a task-wide PID namespace (ecs-params pid_mode: task)', 'Fargate allows only a task-wide PID namespace: set ecs-params task_definition.pid_mode: task', 'pidMode'),
  refused('ipc', 'Fargate does not support IPC namespaces', 'Fargate does not support ipc modes', 'ipcMode'),
  refused('uts', 'Fargate does not share the host UTS namespace'),
  refused('userns_mode', 'Fargate does not support user namespaces modes', 'Fargate does not support user namespace modes'),
  refused('cgroup_parent', 'Fargate manages cgroups'),
  refused('cgroup', 'Fargate manages cgroups'),
  refused('gpus', 'Fargate has no GPUs'),
  refused('runtime', 'Fargate chooses the container runtime'),
  refused('isolation', 'Windows isolation modes are not available on Fargate Linux tasks', 'isolation modes are not available on Fargate'),
  {
    key: 'security_opt',
    support: 'warned',
    ecs: '-',
    note: 'ECS takes no docker security options on Fargate (dockerSecurityOptions is for EC2): each option is left out with a warning that says what the container runs with instead (no-new-privileges, label, apparmor, seccomp, systempaths); credentialspec (Active Directory) is refused',
    handle: (svc, v, at) => readSecurityOptions(svc, v, at),
  },
  refused('extra_hosts', 'ECS does not accept extraHosts under awsvpc', 'ECS does not accept extraHosts under awsvpc: use DNS (service discovery) instead', 'extraHosts'),
  refused('dns', 'ECS does not accept dnsServers under awsvpc', 'ECS does not accept dnsServers under awsvpc: the VPC resolver is used', 'dnsServers'),
  refused('dns_search', 'ECS does not accept dnsSearchDomains under awsvpc', 'ECS does not accept dnsSearchDomains under awsvpc: set search domains in the VPC DHCP options', 'dnsSearchDomains'),
  refused('dns_opt', 'ECS has no DNS options under awsvpc'),
  refused('device_cgroup_rules', 'Fargate gives containers no host devices'),
  refused('blkio_config', 'Fargate does not limit block I/O'),
  refused('storage_opt', 'Fargate manages container storage'),
  refused('volume_driver', 'use ecs-params docker_volumes or efs_volumes', 'volume drivers are configured in ecs-params (docker_volumes, efs_volumes)'),
  refused('credential_spec', 'gMSA credential specs are for Windows containers'),
  warned('annotations', 'OCI annotations are not passed by ECS'),
  warned('attach', 'there is no terminal to attach to'),
  {
    key: 'volumes',
    support: 'converted',
    ecs: 'mountPoints, volumes',
    note: 'named volumes (task storage, or EFS: ecs-params efs_volumes, the fileSystems prop, volumeStorage EFS, and always in ComposeFargateProject) and anonymous volumes; `:ro`; long syntax. Bind mounts of project files: in the image at their target, COPYed at deploy time (a thin image on a registry image; with `build:`, at the end of the stage the build ends with, in a copy of the build context made at synth; the shallower target first, owned by the user the service runs as); a development mount of files the image holds (the Dockerfile COPYs them to the target, or a develop.watch sync rule) is left out; a missing or empty folder is a data volume (a missing path mounted read-only, at a file by its name, or in the long syntax without bind.create_host_path is an error); an anonymous volume inside a mounted project folder (`/app/node_modules`) is left out, as the image keeps its files there. Host paths outside the project folder are refused',
    handle: (svc, v, at) => set(svc, 'volumes', readVolumes(svc, v, at)),
  },
  {
    key: 'volumes_from',
    support: 'converted',
    ecs: 'volumesFrom',
    note: '`service[:ro|rw]`; `container:NAME` (a container outside the project) is refused',
    handle: (svc, v, at) => set(svc, 'volumesFrom', readVolumesFrom(svc, v, at)),
  },
  {
    key: 'cap_add',
    support: 'converted',
    ecs: 'linuxParameters.capabilities.add',
    note: 'Fargate allows adding only SYS_PTRACE',
    handle: (svc, v, at) => set(svc, 'capAdd', readCapabilities(svc, v, at, true)),
  },
  {
    key: 'cap_drop',
    support: 'converted',
    ecs: 'linuxParameters.capabilities.drop',
    note: 'any Linux capability, or ALL',
    handle: (svc, v, at) => set(svc, 'capDrop', readCapabilities(svc, v, at, false)),
  },
  {
    key: 'sysctls',
    support: 'converted',
    ecs: 'systemControls',
    note: 'the namespaced ones Fargate supports: net.*, fs.mqueue.*, kernel.msgmax/msgmnb/msgmni/sem/shmall/shmmax/shmmni/shm_rmid_forced; they apply to the whole task; others (vm.*, kernel.*) are left out with a warning, as Fargate cannot set them',
    handle: (svc, v, at) => set(svc, 'sysctls', readSysctls(svc, v, at)),
  },
  {
    key: 'platform',
    support: 'converted',
    ecs: 'runtimePlatform.cpuArchitecture',
    note: 'linux/amd64 -> X86_64, linux/arm64 -> ARM64; one architecture per task',
    handle: (svc, v, at) => {
      const text = svc.r.string(v, at, 'a platform like "linux/amd64"');
      if (text === undefined) return;
      const arch = PLATFORMS[text.trim().toLowerCase()];
      if (!arch) {
        svc.r.problems.error(at, `cannot be honoured on Fargate (got ${quote(text)}): Fargate runs linux/amd64 and linux/arm64`);
        return;
      }
      set(svc, 'platform', { architecture: arch, path: at });
    },
  },
  {
    key: 'secrets',
    support: 'converted',
    ecs: 'secrets (read by an init container into files)',
    note: 'each secret is written to /run/secrets/<target> by an init container before the service starts: top-level `external: true` or `name:` from that Secrets Manager secret; `file:`, `content:` and `environment:` (project secrets) from a secret the construct makes with a generated value, or the secrets prop (the local value never enters the template)',
    handle: (svc, v, at) => set(svc, 'secretFiles', readFileMounts(svc, v, at, 'secret')),
  },
  {
    key: 'configs',
    support: 'converted',
    ecs: 'secrets (read by an init container into files)',
    note: 'top-level `external: true` or `name:`: an SSM parameter written to its target by an init container before the service starts (the target needs a folder of its own); `file:`, `content:` and `environment:`: put into the image at its target, like a mounted project file (built services too; uid, gid and mode kept)',
    handle: (svc, v, at) => set(svc, 'configFiles', readFileMounts(svc, v, at, 'config')),
  },
  {
    key: 'extends',
    support: 'converted',
    ecs: '-',
    note: 'resolved before conversion: the base service (in this file or `file:`) is merged under this one',
  },
  {
    key: 'label_file',
    support: 'converted',
    ecs: 'dockerLabels',
    note: 'KEY=VALUE files read at synth time; `labels` wins over them',
    handle: (svc, v, at) => {
      const labels = dict<string>();
      for (const file of svc.r.stringOrList(v, at) ?? []) {
        const text = readText(path.resolve(svc.ctx.projectDirectory, file), svc.r.problems, at, 'label_file', file);
        if (text === undefined) continue;
        const parsed = parseEnvFile(text);
        for (const err of parsed.errors) svc.r.problems.error(at, `${file} line ${err.line}: ${err.message}`);
        for (const e of parsed.entries) labels[e.name] = e.value ?? '';
      }
      set(svc, 'labels', dictOf(labels, svc.fields.labels));
    },
  },
  {
    key: 'tmpfs',
    support: 'converted',
    ecs: 'linuxParameters.tmpfs',
    note: `"PATH" or "PATH:OPTIONS" (and volumes of type tmpfs): a tmpfs mount, as Fargate has them since January 2026; size= is rounded up to MiB (\`size=50%\`: of the task's memory), without one it is half the task's memory (as the kernel sizes a tmpfs), with a warning; mount flags (${ECS_TMPFS_FLAGS.slice(0, 6).join(', ')}, ...) pass on; mode, uid, gid and the other valued options are left out with a warning (the mount is then root's, mode 1777, writable by every user)`,
    handle: (svc, v, at) => set(svc, 'tmpfs', [...(svc.fields.tmpfs ?? []), ...readTmpfs(svc, v, at)]),
  },
  warned('shm_size', 'ECS has no sharedMemorySize on Fargate: /dev/shm keeps the size Fargate gives it',
    'ECS has no sharedMemorySize on Fargate: /dev/shm keeps the size Fargate gives it, whatever this asks for'),
  {
    key: 'build',
    support: 'converted',
    ecs: 'image (a CDK image asset)',
    note: 'context, dockerfile, args and target become a Docker image asset, built and pushed at deploy time (no Docker needed to synthesize); when `image` is also given, the build is used. A target the Dockerfile does not name, or a heredoc that never ends, is an error. With project files to put into the image, or a Dockerfile outside the context, the asset is a copy of the context (what .dockerignore leaves) made at synth under the temp folder',
    handle: (svc, v, at) => set(svc, 'build', readBuild(svc, v, at)),
  },
  {
    key: 'develop',
    support: 'warned',
    ecs: '-',
    note: 'file watching is for local development; a bind mount that a `sync` rule covers is a development mount, left out',
    handle: (svc, v, at) => {
      warnIgnored('file watching is for local development')(svc, v, at);
      set(svc, 'developWatch', readDevelop(svc, v, at));
    },
  },
  warned('cpu_count', 'a Windows setting; use cpus for the container\'s CPU'),
  warned('cpu_percent', 'a Windows setting; use cpus for the container\'s CPU'),
  refused('cpu_rt_period', 'Fargate gives no real-time CPU scheduling'),
  refused('cpu_rt_runtime', 'Fargate gives no real-time CPU scheduling'),
  refused('group_add', 'ECS sets no supplementary groups (user takes "uid:gid" only)', 'ECS sets no supplementary groups: give the group in user as "uid:gid"'),
  warned('pull_refresh_after', 'ECS pulls the image when a task starts'),
  { key: 'net', support: 'refused', ecs: '-', note: 'version 1 spelling of network_mode: "bridge" is accepted, others refused', handle: (svc, v, at) => KEY_INDEX.get('network_mode')!.handle!(svc, v, at) },
  {
    key: 'dockerfile',
    support: 'converted',
    ecs: 'image (a CDK image asset)',
    note: 'version 1 spelling of build.dockerfile',
    handle: (svc, v, at) => {
      if (svc.raw.build === undefined) svc.r.problems.error(at, 'a dockerfile needs build: give the build context');
      else if (typeof svc.raw.build === 'string') set(svc, 'build', readBuild(svc, { context: svc.raw.build, dockerfile: v }, at.slice(0, -1).concat('build')));
    },
  },
  refused('post_start', 'ECS has no container lifecycle hooks'),
  refused('pre_stop', 'ECS has no container lifecycle hooks'),
  refused('provider', 'compose provider services run on the local machine'),
  refused('use_api_socket', 'there is no Docker engine socket on Fargate'),
  refused('models', 'compose AI models run on the local machine'),
  warned('scale', 'the desired count of the ECS service (desiredCount, deploy.replicas) sets the number of tasks; containers of one task are not scaled', 'containers of one task are not scaled: set deploy.replicas or desiredCount for the number of tasks'),
];

const KEY_INDEX = new Map(COMPOSE_SERVICE_KEYS.map(k => [k.key, k]));

const PLATFORMS: Record<string, 'X86_64' | 'ARM64'> = {
  'linux/amd64': 'X86_64',
  'linux/x86_64': 'X86_64',
  'linux/arm64': 'ARM64',
  'linux/arm64/v8': 'ARM64',
  'linux/aarch64': 'ARM64',
};

/** Linux capabilities as ECS names them. */
export const CAPABILITIES = [
  'ALL', 'AUDIT_CONTROL', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER',
  'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE', 'MKNOD',
  'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID',
  'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE', 'SYS_RAWIO',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'SYSLOG', 'WAKE_ALARM',
];
/** The only capability Fargate lets a task add. */
export const FARGATE_ADDABLE_CAPABILITIES = ['SYS_PTRACE'];

const IPC_SYSCTLS = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax',
  'kernel.shmmni', 'kernel.shm_rmid_forced'];

/** Whether Fargate accepts a sysctl (the namespaced ones: IPC and network). */
export function isFargateSysctl(name: string): boolean {
  return IPC_SYSCTLS.includes(name) || /^fs\.mqueue\.[a-z0-9_.]+$/.test(name) || /^net\.[A-Za-z0-9_.\-/]+$/.test(name);
}

/** A host path in a volume source: starts with ".", "/" or "~" (or a Windows drive). */
function isHostPath(source: string): boolean {
  return /^[./~]/.test(source) || /^[A-Za-z]:[\\/]/.test(source);
}

const VOLUME_MODES = ['ro', 'rw', 'z', 'Z', 'nocopy', 'consistent', 'cached', 'delegated', 'shared', 'slave', 'private',
  'rshared', 'rslave', 'rprivate'];

function readVolumes(svc: ServiceBuilder, v: unknown, at: DocPath) {
  const r = svc.r;
  const out: MountModel[] = [];
  (r.list(v, at, 'a list of volumes') ?? []).forEach((item, i) => {
    const vAt = [...at, i];
    let source: string | undefined;
    let target: string | undefined;
    let readOnly = false;
    let type = 'volume';
    if (typeof item === 'string') {
      const parts = item.split(':');
      // a Windows drive letter in the source ("C:\\data:/data") belongs to the source
      if (parts.length > 2 && /^[A-Za-z]$/.test(parts[0]) && /^[\\/]/.test(parts[1])) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
      let modeText = '';
      if (parts.length === 1) {
        [target] = parts;
      } else if (parts.length === 2 && !parts[1].startsWith('/')) {
        [target, modeText] = parts; // TARGET:MODE, an anonymous volume
      } else if (parts.length === 2) {
        [source, target] = parts;
      } else if (parts.length === 3) {
        [source, target, modeText] = parts;
      } else {
        r.problems.error(vAt, `expected "TARGET", "SOURCE:TARGET" or "SOURCE:TARGET:MODE", got ${quote(item)}`);
        return;
      }
      const modes = modeText.split(',').filter(m => m !== '');
      const bad = modes.filter(m => !VOLUME_MODES.includes(m));
      if (bad.length > 0) {
        r.problems.error(vAt, `unknown volume mode ${quote(bad.join(','))} in ${quote(item)}: allowed are ${VOLUME_MODES.join(', ')}`);
        return;
      }
      readOnly = modes.includes('ro');
      if (source === '') source = undefined;
      if (source !== undefined && isHostPath(source)) type = 'bind';
    } else if (isPlainObject(item)) {
      for (const key of Object.keys(item)) {
        if (!['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs', 'image'].includes(key) && !key.startsWith('x-')) {
          r.problems.error([...vAt, key], 'unknown volume key: allowed are type, source, target, read_only, consistency, bind, volume, tmpfs, image');
        }
      }
      type = item.type === undefined ? 'volume' : r.string(item.type, [...vAt, 'type']) ?? 'volume';
      source = item.source === undefined || item.source === null ? undefined : r.string(item.source, [...vAt, 'source']);
      target = r.string(item.target, [...vAt, 'target'], 'the path in the container');
      if (item.read_only !== undefined) readOnly = r.bool(item.read_only, [...vAt, 'read_only']) ?? false;
      if (!['volume', 'bind', 'tmpfs', 'npipe', 'cluster', 'image'].includes(type)) {
        r.problems.error([...vAt, 'type'], `expected volume, bind, tmpfs, npipe, cluster or image, got ${quote(type)}`);
        return;
      }
    } else {
      r.problems.error(vAt, `expected a volume like "data:/var/lib/data" or a mapping with type/source/target, got ${quote(item)}`);
      return;
    }
    let bind: ProjectBindModel | undefined;
    if (type === 'bind' && source !== undefined && isHostTimeZone(source)) {
      hostTimeZone(svc, source, vAt);
      return;
    }
    if (type === 'bind') {
      bind = projectBind(svc, source, vAt, item);
      if (!bind) return;
    } else if (type === 'tmpfs') {
      const tmpfs = isPlainObject(item) ? tmpfsVolume(svc, item, target, readOnly, vAt) : undefined;
      if (tmpfs) set(svc, 'tmpfs', [...(svc.fields.tmpfs ?? []), tmpfs]);
      return;
    } else if (type !== 'volume') {
      r.problems.error(vAt, `cannot be honoured on Fargate (got type ${quote(type)}): ${type} mounts are not available on Fargate`);
      return;
    }
    if (target === undefined) return;
    if (!target.startsWith('/')) {
      r.problems.error(vAt, `the container path ${quote(target)} must be absolute`);
      return;
    }
    if (out.some(m => m.target === target)) {
      r.problems.error(vAt, `${quote(target)} is mounted twice`);
      return;
    }
    out.push({ source: bind ? undefined : source, target, readOnly, bind, path: vAt });
  });
  return out;
}

/**
 * A bind mount's source: a file or folder inside the project folder (resolved against it, as
 * compose does), or a refusal: Fargate has no host filesystem to mount from.
 */
function projectBind(svc: ServiceBuilder, source: string | undefined, at: DocPath, item: unknown): ProjectBindModel | undefined {
  const refuseBind = (why: string) => {
    svc.r.problems.error(at, `cannot be honoured on Fargate (got ${quote(item)}): ${why}; files of the project folder can be mounted, and a named volume keeps data (declared under the top-level volumes)`);
    return undefined;
  };
  if (source === undefined) return refuseBind('a bind mount needs a source');
  if (source.startsWith('~')) return refuseBind('the home folder is on the machine that runs compose, which Fargate does not have');
  if (/^[A-Za-z]:[\\/]/.test(source)) return refuseBind('a Windows path is on the machine that runs compose, which Fargate does not have');
  const dir = path.resolve(svc.ctx.projectDirectory);
  const abs = path.resolve(dir, source);
  const relative = path.relative(dir, abs);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    return refuseBind(`${quote(abs)} is outside the project folder (${dir}): a host path needs the host's filesystem, which Fargate does not have`);
  }
  let kind: ProjectBindModel['kind'] = 'missing';
  try {
    const stat = fs.statSync(abs);
    if (stat.isFile()) kind = 'file';
    else if (stat.isDirectory()) kind = fs.readdirSync(abs).length === 0 ? 'empty-dir' : 'dir';
    else return refuseBind(`${quote(source)} is neither a file nor a folder`);
  } catch {
    kind = 'missing';
  }
  // The short syntax makes a missing source; the long one only with bind.create_host_path (as compose-go reads it).
  const createHostPath = !isPlainObject(item) || (isPlainObject(item.bind) && item.bind.create_host_path === true);
  return {
    source: abs,
    relative: relative === '' ? '.' : `./${relative.split(path.sep).join('/')}`,
    kind,
    createHostPath,
    texts: kind === 'file' || kind === 'dir' ? mountedTexts(abs) : [],
  };
}

/** The text files of a mount (a few, small ones: configuration), for the names they use. */
function mountedTexts(source: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const visit = (p: string, depth: number) => {
    if (out.length >= 20) return;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      if (depth > 2 || path.basename(p) === 'node_modules' || path.basename(p).startsWith('.')) return;
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name), depth + 1);
    } else if (stat.isFile() && stat.size <= 65536) {
      const text = fs.readFileSync(p, 'utf-8');
      if (!text.includes('\0')) out.push({ file: path.relative(path.dirname(source), p).split(path.sep).join('/'), text });
    }
  };
  visit(source, 0);
  return out;
}

/** `develop.watch`: the sync rules tell which bind mounts only serve development. */
function readDevelop(svc: ServiceBuilder, v: unknown, at: DocPath): WatchModel[] | undefined {
  const develop = svc.r.map(v, at, 'a mapping with watch');
  if (!develop || develop.watch === undefined) return undefined;
  const out: WatchModel[] = [];
  (svc.r.list(develop.watch, [...at, 'watch']) ?? []).forEach((rule, i) => {
    const m = svc.r.map(rule, [...at, 'watch', i], 'a watch rule with path and action');
    const p = m && svc.r.string(m.path, [...at, 'watch', i, 'path'], 'a path');
    const action = m && svc.r.string(m.action, [...at, 'watch', i, 'action'], 'an action');
    if (!m || p === undefined || action === undefined) return;
    const target = m.target === undefined ? undefined : svc.r.string(m.target, [...at, 'watch', i, 'target'], 'a path in the container');
    out.push({ path: path.resolve(svc.ctx.projectDirectory, p), action, target });
  });
  return out;
}

function readVolumesFrom(svc: ServiceBuilder, v: unknown, at: DocPath): VolumesFromModel[] {
  const out: VolumesFromModel[] = [];
  (svc.r.list(v, at, 'a list like ["db", "cache:ro"]') ?? []).forEach((item, i) => {
    const s = svc.r.string(item, [...at, i], 'a service name with an optional ":ro" or ":rw"');
    if (s === undefined) return;
    const parts = s.split(':');
    if (parts[0] === 'container') {
      svc.r.problems.error([...at, i], `cannot be honoured on Fargate (got ${quote(s)}): a task can share volumes only with its own containers (compose services)`);
      return;
    }
    if (parts.length > 2 || (parts.length === 2 && parts[1] !== 'ro' && parts[1] !== 'rw') || parts[0] === '') {
      svc.r.problems.error([...at, i], `expected "SERVICE", "SERVICE:ro" or "SERVICE:rw", got ${quote(s)}`);
      return;
    }
    out.push({ container: parts[0], readOnly: parts[1] === 'ro', path: [...at, i] });
  });
  return out;
}

function readCapabilities(svc: ServiceBuilder, v: unknown, at: DocPath, adding: boolean): string[] {
  const out: string[] = [];
  (svc.r.list(v, at, 'a list of capabilities') ?? []).forEach((item, i) => {
    const s = svc.r.string(item, [...at, i], 'a capability name');
    if (s === undefined) return;
    const name = s.trim().toUpperCase().replace(/^CAP_/, '');
    if (!CAPABILITIES.includes(name)) {
      svc.r.problems.error([...at, i], `unknown capability ${quote(s)}: allowed are ${CAPABILITIES.join(', ')}`);
    } else if (adding && !FARGATE_ADDABLE_CAPABILITIES.includes(name)) {
      svc.r.problems.error([...at, i], `cannot be honoured on Fargate (got ${quote(s)}): Fargate allows adding only ${FARGATE_ADDABLE_CAPABILITIES.join(', ')}`);
    } else if (!out.includes(name)) {
      out.push(name);
    }
  });
  return out;
}

function readSysctls(svc: ServiceBuilder, v: unknown, at: DocPath): SysctlModel[] {
  const out: SysctlModel[] = [];
  for (const kv of svc.r.keyValues(v, at) ?? []) {
    if (kv.value === undefined) {
      svc.r.problems.error(kv.at, `${quote(kv.name)} has no value`);
    } else if (!isFargateSysctl(kv.name)) {
      // A setting of the host's kernel: Docker itself refuses it (it is not namespaced), and Fargate has no host to tune.
      svc.r.problems.warn('ignored-key', kv.at, `left out on Fargate (${kv.name}=${kv.value}): a task sets only namespaced sysctls (net.*, fs.mqueue.*, ${IPC_SYSCTLS.join(', ')}); the kernel keeps Fargate's value`);
    } else {
      out.push({ name: kv.name, value: kv.value, path: kv.at });
    }
  }
  return out;
}

/** What a dropped tmpfs option leaves. */
const TMPFS_DEFAULTS = 'the mount is root\'s with mode 1777 (every user may write, as in /tmp)';

/** A tmpfs `size=`: bytes with the kernel's suffixes (k, m, g), or a percentage of the memory. */
function tmpfsSize(svc: ServiceBuilder, value: unknown, at: DocPath): TmpfsModel['size'] | undefined {
  const text = typeof value === 'string' ? value.trim() : undefined;
  const percent = text === undefined ? undefined : /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent) {
    const n = parseFloat(percent[1]);
    if (n > 0 && n <= 100) return { percent: n };
    svc.r.problems.error(at, `a tmpfs size in percent is of the memory, from more than 0 to 100, got ${quote(value)}`);
    return undefined;
  }
  const bytes = svc.r.parsed(value, at, parseBytes);
  // size=0 is no limit for the kernel: the default size
  return bytes === undefined || bytes === 0 ? undefined : { bytes };
}

/** Compose `tmpfs`: "PATH" or "PATH:OPTIONS" (comma separated, as `docker run --tmpfs` takes them). */
function readTmpfs(svc: ServiceBuilder, v: unknown, at: DocPath): TmpfsModel[] {
  const out: TmpfsModel[] = [];
  const items = typeof v === 'string' ? [v] : svc.r.list(v, at, 'a path or a list of paths') ?? [];
  items.forEach((item, i) => {
    const iAt = typeof v === 'string' ? at : [...at, i];
    const text = svc.r.string(item, iAt, 'a path like "/run" or "/tmp:size=64m,noexec"');
    if (text === undefined) return;
    const colon = text.indexOf(':');
    const target = colon < 0 ? text : text.slice(0, colon);
    if (!target.startsWith('/')) {
      svc.r.problems.error(iAt, `the container path ${quote(target)} must be absolute`);
      return;
    }
    let size: TmpfsModel['size'];
    const options: string[] = [];
    const dropped: string[] = [];
    for (const option of colon < 0 ? [] : text.slice(colon + 1).split(',').map(o => o.trim()).filter(o => o !== '')) {
      const eq = option.indexOf('=');
      const name = (eq < 0 ? option : option.slice(0, eq)).toLowerCase();
      if (name === 'size' && eq >= 0) size = tmpfsSize(svc, option.slice(eq + 1), iAt);
      else if (eq < 0 && ECS_TMPFS_FLAGS.includes(name)) options.push(name);
      else dropped.push(option);
    }
    if (dropped.length > 0) {
      svc.r.problems.warn('ignored-key', iAt, `left out of the tmpfs mount at ${target}: ${dropped.map(o => quote(o)).join(', ')}; ECS passes on only mount flags (${ECS_TMPFS_FLAGS.slice(0, 10).join(', ')}, ...) and the size, so ${TMPFS_DEFAULTS}`);
    }
    out.push({ target, size, options, path: iAt });
  });
  return out;
}

/** A volume of type tmpfs (long syntax): `tmpfs: {size, mode}`. */
function tmpfsVolume(
  svc: ServiceBuilder, item: Record<string, unknown>, target: string | undefined, readOnly: boolean, at: DocPath,
): TmpfsModel | undefined {
  if (item.source !== undefined && item.source !== null) {
    svc.r.problems.warn('ignored-key', [...at, 'source'], 'ignored: a tmpfs mount has no source');
  }
  const opts = item.tmpfs === undefined || item.tmpfs === null ? {} : svc.r.map(item.tmpfs, [...at, 'tmpfs'], 'a mapping with size and mode') ?? {};
  let size: TmpfsModel['size'];
  for (const [key, value] of Object.entries(opts)) {
    if (key === 'size') size = tmpfsSize(svc, value, [...at, 'tmpfs', key]);
    else if (key === 'mode') svc.r.problems.warn('ignored-key', [...at, 'tmpfs', key], `ignored: ECS sets no mode on a tmpfs mount, so ${TMPFS_DEFAULTS}`);
    else if (!key.startsWith('x-')) svc.r.problems.error([...at, 'tmpfs', key], 'unknown tmpfs key: allowed are size, mode');
  }
  if (target === undefined) return undefined;
  if (!target.startsWith('/')) {
    svc.r.problems.error(at, `the container path ${quote(target)} must be absolute`);
    return undefined;
  }
  return { target, size, options: readOnly ? ['ro'] : [], path: at };
}

/** The host's time-zone data: what `- /etc/localtime:/etc/localtime:ro` mounts. */
function isHostTimeZone(source: string): boolean {
  const p = path.posix.normalize(source);
  return p === '/etc/localtime' || p === '/etc/timezone' || p === '/usr/share/zoneinfo' || p.startsWith('/usr/share/zoneinfo/');
}

/** A mount of the host's time zone: Fargate has no host to take it from; TZ says it instead. */
function hostTimeZone(svc: ServiceBuilder, source: string, at: DocPath) {
  svc.deferred.push(() => {
    const tz = [...svc.envFileVars, ...svc.environment].reverse().find(e => e.name === 'TZ');
    svc.r.problems.warn('host-time-zone', at, `left out on Fargate (${source} is the time zone of the machine that runs compose, and a Fargate task has no host to take it from): `
      + (tz ? `the container takes its time zone from TZ (${quote(tz.value)})` : 'the container runs in UTC; to give it a time zone, set TZ in its environment (`TZ: Europe/Berlin`; the image needs its time-zone data, tzdata)'));
  });
}

/** A tmpfs mount's path is its own: Docker refuses a second mount there. */
function checkTmpfsTargets(svc: ServiceBuilder) {
  const seen = new Set((svc.fields.volumes ?? []).map(m => m.target));
  for (const t of svc.fields.tmpfs ?? []) {
    if (seen.has(t.target)) svc.r.problems.error(t.path, `${quote(t.target)} is mounted twice`);
    seen.add(t.target);
  }
}

/** The last word of a variable that holds a secret (`MYSQL_ROOT_PASSWORD`, `JWT_SECRET`, `GITHUB_TOKEN`, `DB_PASS`). */
const SECRET_WORDS = ['PASSWORD', 'PASSWD', 'PASS', 'SECRET', 'TOKEN', 'APIKEY', 'PASSPHRASE', 'CREDENTIALS'];
/** Glued names end so: `PGPASSWORD`, `AUTHTOKEN`. */
const SECRET_SUFFIXES = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'APIKEY'];
/** The word before a last `KEY` that makes it a secret (`API_KEY`, `AWS_SECRET_ACCESS_KEY`, `SECRET_KEY_BASE`). */
const SECRET_KEY_WORDS = ['API', 'SECRET', 'PRIVATE', 'ACCESS', 'AUTH', 'ENCRYPTION', 'SIGNING', 'MASTER', 'LICENSE'];
/** Values that switch something on or off (`MYSQL_ALLOW_EMPTY_PASSWORD: "yes"`), not secrets. */
const FLAG_VALUE = /^(true|false|yes|no|on|off|y|n|0|1|none|null)$/i;
/** A URL with a password in it: `postgres://app:s3cret@db:5432/app`. */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:([^\s/@]+)@/i;

/** Whether a variable's name says it holds a secret. */
export function isSecretName(name: string): boolean {
  const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter(w => w !== '');
  const last = words[words.length - 1] ?? '';
  if (SECRET_WORDS.includes(last) || SECRET_SUFFIXES.some(x => last.endsWith(x))) return true;
  // SECRET_KEY_BASE (Rails), ..._KEY after API, SECRET, PRIVATE, ...
  const key = last === 'KEY' ? words.length - 1 : words[words.length - 2] === 'KEY' && last === 'BASE' ? words.length - 2 : -1;
  return key > 0 && SECRET_KEY_WORDS.includes(words[key - 1]);
}

/**
 * A secret written in the file as a variable's value goes into the task definition in plain text: a
 * warning says how to keep it out. Not for a value a set variable gave (`${DB_PASSWORD}`: it is not
 * in the file), an empty one, a flag, a reference the container resolves (`$${X}`) or a secrets path.
 */
function warnPlainSecret(svc: ServiceBuilder, name: string, value: string, at: DocPath) {
  const v = value.trim();
  if (v === '' || isToken(value) || v.includes('$') || v.startsWith('/run/secrets/')) return;
  if (svc.ctx.substituted?.has(value) || svc.ctx.substituted?.has(`${name}=${value}`)) return;
  const inUrl = URL_PASSWORD.exec(v);
  if (!(isSecretName(name) && !FLAG_VALUE.test(v)) && !inUrl) return;
  const what = inUrl && !isSecretName(name) ? `${name} holds a URL with a password in it` : `${name} looks like a secret`;
  svc.r.problems.warn('plaintext-secret', at, `${what}, and the file writes its value: it goes into the task definition (and the CloudFormation template) in plain text, for anyone who may read them. `
    + 'To keep it out, declare a compose secret (top-level secrets: with file:, or name: / external: true for a Secrets Manager secret), list it in the service\'s secrets: and point the image at its file '
    + `(${name}_FILE=/run/secrets/<secret>, where the image reads *_FILE variables); or remove ${name} here and give it in ecs-params `
    + `(task_definition.services.${svc.name}.secrets: [{name: ${name}, value_from: <Secrets Manager ARN or SSM parameter>}]); or set it from a variable (${name}: \${${name}}), which keeps it out of the file but not out of the template`);
}

/** Docker's `--security-opt` options, by what they do. */
const SECURITY_OPTIONS = ['no-new-privileges', 'label', 'apparmor', 'seccomp', 'systempaths', 'credentialspec'];

/**
 * Compose `security_opt`. ECS takes no docker security options on Fargate (dockerSecurityOptions is
 * valid on EC2 only): each is left out with a warning saying what the container runs with instead.
 */
function readSecurityOptions(svc: ServiceBuilder, v: unknown, at: DocPath) {
  const instead = 'ECS takes no docker security options on Fargate';
  (svc.r.list(v, at, 'a list of security options') ?? []).forEach((item, i) => {
    const iAt = [...at, i];
    const text = svc.r.string(item, iAt, 'a security option like "no-new-privileges:true"');
    if (text === undefined) return;
    const m = /^([^:=]+)(?:[:=](.*))?$/.exec(text.trim());
    const name = m?.[1].trim().toLowerCase() ?? '';
    const value = m?.[2]?.trim() ?? '';
    const loosens = /^unconfined$/i.test(value) || (name === 'label' && /^disable$/i.test(value));
    let what: string;
    if (name === 'no-new-privileges') {
      what = /^false$/i.test(value)
        ? 'false is Docker\'s default'
        : 'the container runs without it, so a setuid program can gain privileges; cap_drop (ALL) and a user that is not root (user:) limit what a process may do';
    } else if (name === 'credentialspec') {
      svc.r.problems.error(iAt, `cannot be honoured on Fargate (got ${quote(text)}): gMSA credential specs (Active Directory) are not read by this construct`);
      return;
    } else if (!SECURITY_OPTIONS.includes(name)) {
      what = `Docker knows ${SECURITY_OPTIONS.join(', ')}`;
    } else if (loosens) {
      what = `the container keeps the confinement Fargate gives it (the ${name} option cannot lift it), so a program that needs what this lifts (system calls, paths) can fail`;
    } else {
      what = `the container runs with the confinement Fargate gives it, not the ${name} profile or label named here`;
    }
    svc.r.problems.warn('ignored-key', iAt, `ignored on Fargate (got ${quote(text)}): ${instead}; ${what}`);
  });
}

const FILE_MOUNT_KEYS = ['source', 'target', 'uid', 'gid', 'mode'];

function readFileMounts(svc: ServiceBuilder, v: unknown, at: DocPath, kind: 'secret' | 'config'): FileMountModel[] {
  const r = svc.r;
  const out: FileMountModel[] = [];
  (r.list(v, at, `a list of ${kind} names or {source, target}`) ?? []).forEach((item, i) => {
    const fAt = [...at, i];
    let source: string | undefined;
    let target: string | undefined;
    let uid: string | undefined;
    let gid: string | undefined;
    let mode: string | undefined;
    if (typeof item === 'string') {
      source = item;
    } else if (isPlainObject(item)) {
      for (const key of Object.keys(item)) {
        if (!FILE_MOUNT_KEYS.includes(key) && !key.startsWith('x-')) r.problems.error([...fAt, key], `unknown ${kind} key: allowed are ${FILE_MOUNT_KEYS.join(', ')}`);
      }
      source = r.string(item.source, [...fAt, 'source'], `the name of a top-level ${kind}`);
      if (item.target !== undefined) target = r.string(item.target, [...fAt, 'target'], 'a file name or absolute path');
      if (item.uid !== undefined) uid = r.string(item.uid, [...fAt, 'uid'], 'a numeric user id');
      if (item.gid !== undefined) gid = r.string(item.gid, [...fAt, 'gid'], 'a numeric group id');
      if (item.mode !== undefined) {
        const m = item.mode;
        // as compose reads it: a number is the mode (YAML's `0440` is octal), a string is octal digits
        if (typeof m === 'number' && Number.isInteger(m) && m >= 0 && m <= 0o777) mode = m.toString(8).padStart(4, '0');
        else if (typeof m === 'string' && /^0?[0-7]{3}$/.test(m)) mode = m.padStart(4, '0');
        else r.problems.error([...fAt, 'mode'], `expected a file mode like "0440", got ${quote(m)}`);
      }
      for (const [key, value] of [['uid', uid], ['gid', gid]] as const) {
        if (value !== undefined && !/^\d+$/.test(value)) r.problems.error([...fAt, key], `expected a numeric id, got ${quote(value)}`);
      }
    } else {
      r.problems.error(fAt, `expected a ${kind} name or a mapping with source and target, got ${quote(item)}`);
      return;
    }
    if (source === undefined) return;
    const base = kind === 'secret' ? '/run/secrets' : '';
    const resolved = target === undefined ? `${base}/${source}` : target.startsWith('/') ? target : `${base}/${target}`;
    if (!/^\/[^\0]*[^/]$/.test(resolved) || resolved.split('/').some(p => p === '..')) {
      r.problems.error(target === undefined ? fAt : [...fAt, 'target'], `${quote(resolved)} is not a file path`);
      return;
    }
    if (path.posix.dirname(resolved) === '/') {
      r.problems.error(target === undefined ? fAt : [...fAt, 'target'], `${kind} target ${quote(resolved)} is at the root of the filesystem: on Fargate the file is written into a volume, which needs a folder of its own; give a target like "/etc/app/${path.posix.basename(resolved)}"`);
      return;
    }
    out.push({ source, target: resolved, uid, gid, mode, path: fAt });
  });
  return out;
}

function fileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Docker's retired ECS integration: the x-aws-* service keys that map onto this construct. */
export const DOCKER_ECS_SERVICE_KEYS: KeyRule[] = [
  { key: 'x-aws-role', support: 'converted', ecs: 'task role policy', note: 'an inline IAM policy document attached to the task role' },
  { key: 'x-aws-policies', support: 'converted', ecs: 'task role managed policies', note: 'managed policy ARNs attached to the task role' },
  { key: 'x-aws-pull_credentials', support: 'converted', ecs: 'repositoryCredentials', note: 'a Secrets Manager ARN; the execution role may read it' },
  { key: 'deploy.x-aws-autoscaling', support: 'converted', ecs: 'service auto scaling', note: '{min, max, cpu | memory}: target tracking, unless the autoScaling prop is given' },
  { key: 'deploy.update_config.x-aws-min_percent', support: 'converted', ecs: 'deploymentConfiguration.minimumHealthyPercent', note: 'where Docker read it (also taken directly under deploy); unless the minHealthyPercent prop is given' },
  { key: 'deploy.update_config.x-aws-max_percent', support: 'converted', ecs: 'deploymentConfiguration.maximumPercent', note: 'where Docker read it (also taken directly under deploy); unless the maxHealthyPercent prop is given' },
  { key: 'deploy.update_config.parallelism', support: 'converted', ecs: 'deploymentConfiguration', note: 'as Docker computed it from the replicas R: minimum (R - parallelism) * 100 / R and maximum (R + parallelism) * 100 / R percent, for the ones x-aws-min_percent / x-aws-max_percent do not give' },
  { key: 'ports[].x-aws-protocol', support: 'converted', ecs: 'load balancer type', note: 'http/https select an Application Load Balancer, tcp/udp/tls a Network one, when the loadBalancer prop names no type' },
];

function readAwsServiceKey(svc: ServiceBuilder, key: string, value: unknown, at: DocPath) {
  const r = svc.r;
  if (key === 'x-aws-role') {
    const doc = r.map(value, at, 'an IAM policy document');
    if (doc && !Array.isArray(doc.Statement) && !isPlainObject(doc.Statement)) {
      r.problems.error(at, 'an IAM policy document needs a Statement');
    } else if (doc) {
      set(svc, 'awsRole', { document: doc, path: at });
    }
  } else if (key === 'x-aws-policies') {
    const arns = r.stringOrList(value, at) ?? [];
    arns.forEach((arn, i) => {
      if (!isToken(arn) && !/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+$/.test(arn)) {
        r.problems.error(Array.isArray(value) ? [...at, i] : at, `expected a managed policy ARN like "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", got ${quote(arn)}`);
      }
    });
    set(svc, 'awsPolicies', arns);
  } else if (key === 'x-aws-pull_credentials') {
    const arn = r.string(value, at, 'a Secrets Manager secret ARN');
    if (arn !== undefined && !isToken(arn) && !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(arn)) {
      r.problems.error(at, `expected the ARN of a Secrets Manager secret, got ${quote(arn)}`);
    } else if (arn !== undefined) {
      set(svc, 'awsPullCredentials', { arn, path: at });
    }
  } else {
    r.problems.warn('unknown-extension', at, unknownAwsKey(key, DOCKER_ECS_SERVICE_KEYS.filter(k => !k.key.includes('.')), 'service'));
  }
}

/** An x-aws-* key that is not one of Docker's ECS keys this construct reads: an extension like any x- key. */
function unknownAwsKey(key: string, known: KeyRule[], level: string): string {
  return `not read: ${quote(key)} is not one of the Docker ECS ${level} keys this construct reads (${known.map(k => k.key).join(', ')}), so it is left out as an extension; its anchors are read where they are used`;
}

function readAwsAutoscaling(svc: ServiceBuilder, value: unknown, at: DocPath) {
  const r = svc.r;
  const m = r.map(value, at, 'a mapping with min, max and cpu or memory');
  if (!m) return;
  const num = (key: string, min: number, max: number) =>
    (m[key] === undefined ? undefined : r.inRange(r.parsed(m[key], [...at, key], x => parseInteger(x)), [...at, key], min, max, key));
  for (const key of Object.keys(m)) {
    if (!['min', 'max', 'cpu', 'memory'].includes(key)) r.problems.error([...at, key], 'unknown x-aws-autoscaling key: allowed are min, max, cpu, memory');
  }
  const out = { min: num('min', 0, 5000), max: num('max', 1, 5000), cpu: num('cpu', 1, 100), memory: num('memory', 1, 100) };
  if (m.max === undefined) r.problems.error(at, 'x-aws-autoscaling needs max');
  if (out.cpu === undefined && out.memory === undefined && m.cpu === undefined && m.memory === undefined) {
    r.problems.error(at, 'x-aws-autoscaling needs cpu or memory: the target utilization percentage');
  }
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) r.problems.error([...at, 'min'], `min (${out.min}) is above max (${out.max})`);
  if (out.max !== undefined) set(svc, 'awsAutoscaling', { ...out, max: out.max, path: at });
}

const BUILD_IGNORED = ['cache_from', 'cache_to', 'no_cache', 'labels', 'network', 'pull', 'shm_size', 'extra_hosts', 'isolation',
  'ssh', 'secrets', 'tags', 'ulimits', 'platforms', 'entitlements', 'privileged', 'additional_contexts'];

function readBuild(svc: ServiceBuilder, v: unknown, at: DocPath) {
  const r = svc.r;
  let spec: Record<string, unknown>;
  const short = typeof v === 'string';
  if (typeof v === 'string') {
    spec = { context: v };
  } else {
    const m = r.map(v, at, 'a build context path or a mapping with context');
    if (!m) return undefined;
    spec = m;
  }
  for (const key of Object.keys(spec)) {
    if (BUILD_IGNORED.includes(key)) {
      r.problems.warn('ignored-key', [...at, key], 'ignored: the CDK image asset builds with context, dockerfile, args and target');
    } else if (!['context', 'dockerfile', 'args', 'target', 'dockerfile_inline'].includes(key) && !key.startsWith('x-')) {
      r.problems.error([...at, key], 'unknown build key: allowed are context, dockerfile, args, target');
    }
  }
  if (spec.dockerfile_inline !== undefined) {
    r.problems.error([...at, 'dockerfile_inline'], 'cannot be honoured: a CDK image asset builds from a Dockerfile in the context: write it to a file and give dockerfile');
    return undefined;
  }
  const contextText = spec.context === undefined ? '.' : r.string(spec.context, [...at, 'context'], 'a folder');
  if (contextText === undefined) return undefined;
  if (/^[a-z]+:\/\//i.test(contextText) || contextText.startsWith('git@')) {
    r.problems.error(spec.context === undefined || short ? at : [...at, 'context'], `cannot be honoured: a CDK image asset builds from a local folder, not ${quote(contextText)}`);
    return undefined;
  }
  const context = path.resolve(svc.ctx.projectDirectory, contextText);
  const dockerfile = spec.dockerfile === undefined ? undefined : r.string(spec.dockerfile, [...at, 'dockerfile'], 'a file in the context');
  const target = spec.target === undefined ? undefined : r.string(spec.target, [...at, 'target'], 'a build stage');
  const args = dict<string>();
  for (const kv of spec.args === undefined || spec.args === null ? [] : r.keyValues(spec.args, [...at, 'args']) ?? []) {
    const value = kv.value ?? svc.ctx.variables.get(kv.name);
    if (value !== undefined) args[kv.name] = value;
  }
  let isDir = false;
  try {
    isDir = fs.statSync(context).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    r.problems.error(spec.context === undefined || short ? at : [...at, 'context'], `the build context ${quote(contextText)} is not a folder (looked in ${context})`);
    return undefined;
  }
  if (!fileExists(path.resolve(context, dockerfile ?? 'Dockerfile'))) {
    r.problems.error(dockerfile === undefined ? at : [...at, 'dockerfile'], `no ${quote(dockerfile ?? 'Dockerfile')} in the build context ${context}`);
    return undefined;
  }
  const text = fs.readFileSync(path.resolve(context, dockerfile ?? 'Dockerfile'), 'utf-8');
  const instructions = dockerfileInstructions(text);
  const open = instructions.find(i => i.unterminated);
  if (open) {
    // BuildKit refuses the file at deploy time: say so now.
    r.problems.error(dockerfile === undefined ? at : [...at, 'dockerfile'], `${dockerfile ?? 'Dockerfile'} line ${open.firstLine + 1}: the heredoc of \`${open.keyword} ${open.args}\` never ends: `
      + 'its delimiter must stand alone on a line');
    return undefined;
  }
  if (target !== undefined) {
    // A target the Dockerfile does not name fails the build at deploy time: say so now.
    const stages = dockerfileStages(text, instructions);
    if (!stages.some(s => s.name?.includes('$')) && !builtStage(stages, target)) {
      const names = stages.flatMap(s => s.name === undefined ? [] : [s.name]);
      r.problems.error([...at, 'target'], `no stage ${quote(target)} in ${dockerfile ?? 'Dockerfile'}: ${names.length === 0 ? 'its stages have no names (FROM image AS name)' : `its stages are ${names.join(', ')}`}`);
      return undefined;
    }
  }
  return { context, dockerfile, args, target, dockerfileText: text, texts: copiedConfigTexts(context, text, target, args), path: at };
}

/** File names that hold configuration, where the names of other services stand. */
const CONFIG_FILE = /(?:\.(?:properties|ya?ml|conf|cfg|cnf|ini|toml|json|xml|env|config)|^\.env(?:\..*)?|^nginx\.conf.*)$/i;
/** Folders of a build context that hold dependencies or build output, not the project's configuration. */
const NOT_CONFIG_FOLDERS = ['node_modules', 'vendor', 'target', 'build', 'dist', 'out', 'bin', 'obj', 'venv', '__pycache__', 'test', 'tests'];

/**
 * The configuration files a build copies from its context (COPY/ADD sources without wildcards; `.`
 * for the whole context), at most 40 files of 64 KiB: what the image's programs read at start.
 */
function copiedConfigTexts(
  context: string, dockerfileText: string, target: string | undefined, args: Record<string, string>,
): { file: string; text: string }[] {
  let copies: { sources: string[] }[];
  try {
    copies = builtImage(dockerfileText, target, args).copies;
  } catch {
    return [];
  }
  const sources = [...new Set(copies.flatMap(c => c.sources).filter(src => !/[*?[$]/.test(src)))]
    .map(src => path.resolve(context, src))
    .filter(abs => !path.relative(context, abs).startsWith('..'));
  const out: { file: string; text: string }[] = [];
  const seen = new Set<string>();
  const visit = (p: string, depth: number, top: boolean) => {
    if (out.length >= 40 || seen.has(p)) return;
    seen.add(p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    const base = path.basename(p);
    if (stat.isDirectory()) {
      if (depth > 6 || (!top && (base.startsWith('.') || NOT_CONFIG_FOLDERS.includes(base)))) return;
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name), depth + 1, false);
    } else if (stat.isFile() && stat.size <= 65536 && (top || CONFIG_FILE.test(base)) && base !== 'package-lock.json') {
      const text = fs.readFileSync(p, 'utf-8');
      if (!text.includes('\0')) out.push({ file: path.relative(context, p).split(path.sep).join('/'), text });
    }
  };
  for (const abs of sources) visit(abs, 0, true);
  return out;
}

/** Deployment percentages as the file gives them, and update_config.parallelism. */
interface RollingUpdate {
  min?: { value: number; at: DocPath };
  max?: { value: number; at: DocPath };
  parallelism?: { value: number; at: DocPath };
}

/** x-aws-min_percent / x-aws-max_percent, under deploy or (as Docker's ECS integration read them) under deploy.update_config. */
function readPercent(svc: ServiceBuilder, key: string, value: unknown, at: DocPath, update: RollingUpdate) {
  const n = svc.r.inRange(svc.r.parsed(value, at, x => parseInteger(x, 'a percentage')), at, 0, 200, key);
  if (n === undefined) return;
  const which = key === 'x-aws-min_percent' ? 'min' : 'max';
  const given = update[which];
  if (given && given.value !== n) svc.r.problems.error(at, `${n}% conflicts with the ${given.value}% at ${formatPath(given.at)}: give one`);
  else update[which] = { value: n, at };
}

const UPDATE_CONFIG_IGNORED = ['delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'];

function readUpdateConfig(svc: ServiceBuilder, v: unknown, at: DocPath, update: RollingUpdate) {
  const r = svc.r;
  for (const [key, value] of Object.entries(r.map(v, at) ?? {})) {
    const kAt = [...at, key];
    if (key === 'x-aws-min_percent' || key === 'x-aws-max_percent') {
      readPercent(svc, key, value, kAt, update);
    } else if (key === 'parallelism') {
      const n = r.inRange(r.parsed(value, kAt, x => parseInteger(x, 'a number of tasks')), kAt, 0, Number.MAX_SAFE_INTEGER, 'parallelism');
      if (n !== undefined) update.parallelism = { value: n, at: kAt };
    } else if (UPDATE_CONFIG_IGNORED.includes(key)) {
      r.problems.warn('ignored-key', kAt, 'ignored on Fargate: an ECS rolling update has no such setting (the circuitBreaker, minHealthyPercent and maxHealthyPercent props set how it goes)');
    } else if (!key.startsWith('x-')) {
      r.problems.error(kAt, `unknown update_config key: allowed are parallelism, ${UPDATE_CONFIG_IGNORED.join(', ')}, x-aws-min_percent, x-aws-max_percent`);
    }
  }
}

/**
 * The deployment percentages, as Docker's ECS integration computed them: x-aws-min_percent and
 * x-aws-max_percent as given; from update_config.parallelism (p tasks of the R replicas at a time)
 * the ones not given are (R - p) * 100 / R and (R + p) * 100 / R, in whole percents. Where Docker
 * stopped, a file compose takes still deploys: no replicas is compose's 1, a parallelism of 0 (all at
 * once) or above the replicas is R (with a warning for the latter).
 */
function applyRollingUpdate(svc: ServiceBuilder, update: RollingUpdate) {
  let min = update.min;
  let max = update.max;
  const p = update.parallelism;
  const replicas = svc.fields.replicas ?? 1;
  if (p && (!min || !max) && replicas > 0) {
    let parallelism = p.value === 0 ? replicas : p.value;
    if (parallelism > replicas) {
      svc.r.problems.warn('adjusted-value', p.at, `${p.value} is more than the ${replicas} replica${replicas > 1 ? 's' : ''}${svc.fields.replicas === undefined ? ' (deploy.replicas is not set: 1)' : ''}: the update replaces ${replicas} at a time`);
      parallelism = replicas;
    }
    min ??= { value: Math.trunc((replicas - parallelism) * 100 / replicas), at: p.at };
    max ??= { value: Math.trunc((replicas + parallelism) * 100 / replicas), at: p.at };
  }
  if (min) svc.fields.awsMinPercent = { value: min.value, path: min.at };
  if (max) svc.fields.awsMaxPercent = { value: max.value, path: max.at };
}

function readDeploy(svc: ServiceBuilder, v: unknown, at: DocPath) {
  const r = svc.r;
  const d = r.map(v, at);
  if (!d) return;
  const update: RollingUpdate = {};
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
            setSize(svc, kind === 'limits' ? 'memoryLimitMiB' : 'memoryReservationMiB', memory(svc, fv, fAt), fAt, fv);
          } else if (field === 'cpus') {
            // limits.cpus is the container's CPU; reservations.cpus is used when no limit is given (0 is none).
            const units = cpus(svc, fv, fAt);
            const limit = isPlainObject(res?.limits) ? (res!.limits as Record<string, unknown>).cpus : undefined;
            if (kind === 'limits' || limit === undefined || parseCpusAsUnits(limit).value === 0) {
              setSize(svc, 'cpu', units, fAt);
            } else if (units !== undefined) {
              r.problems.warn('ignored-key', fAt, 'ignored: an ECS container has one cpu value, and deploy.resources.limits.cpus gives it');
            }
          } else if (field === 'devices' || (field === 'generic_resources' && kind === 'reservations')) {
            r.problems.error(fAt, `cannot be honoured on Fargate (got ${quote(fv)}): a request for ${field === 'devices' ? 'devices (GPUs and the like)' : 'generic resources (GPUs and the like)'}, and Fargate gives a task no GPUs or other devices`);
          } else if (field === 'pids') {
            r.problems.warn('ignored-key', fAt, 'ignored on Fargate: the pids limit is not settable');
          } else if (!field.startsWith('x-')) {
            r.problems.error(fAt, `unknown ${kind} key: allowed are cpus, memory, pids${kind === 'reservations' ? ', devices, generic_resources' : ''}`);
          }
        }
      }
    } else if (key === 'replicas') {
      const n = r.inRange(r.parsed(value, kAt, x => parseInteger(x)), kAt, 0, 5000, 'replicas');
      if (n !== undefined) svc.fields.replicas = n;
    } else if (key === 'mode') {
      if (value === 'replicated-job') {
        // A job runs to completion once: a one-shot service, as restart: "no".
        svc.fields.job = true;
      } else if (value !== 'replicated') {
        r.problems.error(kAt, `Fargate services are replicated: got ${quote(value)}, allowed are "replicated" and "replicated-job" (a service that runs once)`);
      }
    } else if (key === 'update_config') {
      readUpdateConfig(svc, value, kAt, update);
    } else if (key === 'restart_policy' && isPlainObject(value)) {
      // The condition decides over `restart`, as in Docker Compose: none is a one-shot service in
      // ComposeFargateProject. Its other keys tune restarts, which ECS does on its own schedule.
      // Docker Compose passes a condition it does not map (none, on-failure, any) on as written.
      const condition = value.condition === undefined ? undefined : r.string(value.condition, [...kAt, 'condition'], 'none, on-failure or any');
      if (condition !== undefined) svc.fields.restartCondition = condition;
      r.problems.warn('ignored-key', kAt, 'ignored on Fargate: ECS replaces stopped tasks itself (ComposeFargateProject: condition none makes a service that runs once)');
      for (const k of Object.keys(value).filter(name => name !== 'condition' && !name.startsWith('x-'))) {
        r.problems.warn('ignored-key', [...kAt, k], 'ignored on Fargate: ECS restarts tasks on its own schedule');
      }
    } else if (['restart_policy', 'rollback_config', 'placement', 'labels', 'endpoint_mode'].includes(key)) {
      r.problems.warn('ignored-key', kAt, 'ignored on Fargate: the ECS service has its own deployment and placement settings (see the construct props)');
    } else if (key === 'x-aws-autoscaling') {
      readAwsAutoscaling(svc, value, kAt);
    } else if (key === 'x-aws-min_percent' || key === 'x-aws-max_percent') {
      readPercent(svc, key, value, kAt, update);
    } else if (!key.startsWith('x-')) {
      r.problems.error(kAt, 'unknown deploy key: allowed are resources, replicas, mode, restart_policy, update_config, rollback_config, placement, labels, endpoint_mode');
    }
  }
  applyRollingUpdate(svc, update);
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
    let required: boolean | undefined;
    if (spec !== null && spec !== undefined) {
      const s = r.map(spec, dAt);
      for (const [key, value] of Object.entries(s ?? {})) {
        if (key === 'condition') {
          const c = typeof value === 'string' ? ownValue(DEPENDS_CONDITIONS, value) : undefined;
          if (!c) r.problems.error([...dAt, key], `expected ${Object.keys(DEPENDS_CONDITIONS).join(', ')}, got ${quote(value)}`);
          else condition = c;
        } else if (key === 'required') {
          required = r.bool(value, [...dAt, key]);
        } else if (key === 'restart') {
          // compose restarts dependents when this service restarts: ECS has no such thing, and the
          // dependency itself is unchanged
        } else {
          r.problems.error([...dAt, key], 'unknown depends_on key: allowed are condition, restart, required');
        }
      }
    }
    out.push({ container: name, condition, required, path: dAt });
  }
  return out;
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const VOLUME_DECLARATION_KEYS = ['external', 'name', 'driver', 'driver_opts', 'labels'];

function readVolumeDeclarations(r: Reader, value: unknown): VolumeDeclarationModel[] {
  const out: VolumeDeclarationModel[] = [];
  if (value === undefined || value === null) return out;
  for (const [name, spec] of Object.entries(r.map(value, ['volumes'], 'a mapping of volume names') ?? {})) {
    const at = ['volumes', name];
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
      r.problems.error(at, `${quote(name)} cannot name an ECS volume: use letters, digits, - and _ (up to 255)`);
      continue;
    }
    const unsupported: string[] = [];
    let external = false;
    if (spec !== null && spec !== undefined) {
      const m = r.map(spec, at);
      for (const [key, v] of Object.entries(m ?? {})) {
        if (key === 'external') {
          external = isPlainObject(v) ? true : r.bool(v, [...at, key]) ?? false;
        } else if (key === 'driver' || key === 'driver_opts' || key === 'labels') {
          if (!(key === 'driver' && v === 'local') && !(isPlainObject(v) && Object.keys(v).length === 0)) unsupported.push(key);
        } else if (key !== 'name' && !key.startsWith('x-')) {
          r.problems.error([...at, key], `unknown volume key: allowed are ${VOLUME_DECLARATION_KEYS.join(', ')}`);
        }
      }
    }
    out.push({ name, external, unsupported, path: at });
  }
  return out;
}

/** Top-level secrets or configs: only references to what is stored on AWS are accepted. */
function readStoredFiles(r: Reader, value: unknown, kind: 'secrets' | 'configs', ctx: ComposeContext): StoredFileModel[] {
  const out: StoredFileModel[] = [];
  if (value === undefined || value === null) return out;
  const store = kind === 'secrets' ? 'a Secrets Manager secret' : 'an SSM parameter';
  for (const [key, spec] of Object.entries(r.map(value, [kind], `a mapping of ${kind}`) ?? {})) {
    const at = [kind, key];
    const m = r.map(spec, at, 'a mapping with file:, external: true or name:');
    if (!m) continue;
    let name: string | undefined;
    let external = false;
    let local: StoredFileModel['local'];
    for (const [k, v] of Object.entries(m)) {
      if (k === 'external') {
        if (isPlainObject(v)) {
          external = true;
          if (v.name !== undefined) name = r.string(v.name, [...at, k, 'name']);
        } else {
          external = r.bool(v, [...at, k]) ?? false;
        }
      } else if (k === 'name') {
        name = r.string(v, [...at, k], `the name of ${store}`);
      } else if (k === 'file') {
        const file = r.string(v, [...at, k], 'a path in the project folder');
        if (file !== undefined) local = { kind: 'file', file: path.resolve(ctx.projectDirectory, file) };
      } else if (k === 'content') {
        const content = r.string(v, [...at, k], 'the text of the file');
        if (content !== undefined) local = { kind: 'content', content: kind === 'configs' ? content : undefined };
      } else if (k === 'environment') {
        const variable = r.string(v, [...at, k], 'the name of a variable');
        if (variable !== undefined) local = { kind: 'environment', content: kind === 'configs' ? ctx.variables.get(variable) ?? '' : undefined };
      } else if (!['labels', 'driver', 'driver_opts', 'template_driver'].includes(k) && !k.startsWith('x-')) {
        r.problems.error([...at, k], `unknown ${kind.slice(0, -1)} key: allowed are file, content, environment, external, name`);
      }
    }
    if (local && kind === 'configs' && local.kind === 'file') {
      let text: string | undefined;
      try {
        text = fs.statSync(local.file!).isFile() ? fs.readFileSync(local.file!, 'utf-8') : undefined;
      } catch {
        text = undefined;
      }
      if (text === undefined) {
        r.problems.error([...at, 'file'], `${quote(local.file)} is not a file: a config's file is put into the image, so it must exist when the stack is synthesized`);
        continue;
      }
      local = { ...local, content: text };
    }
    if (local) {
      out.push({ key, name: name ?? key, local, path: at });
      continue;
    }
    if (name === undefined && !external) {
      r.problems.error(at, `says nowhere what it holds: give file: (a file of the project), or declare where it is stored with external: true (${store} named ${quote(key)}) or name:`);
      continue;
    }
    out.push({ key, name: name ?? key, path: at });
  }
  return out;
}

const VERSION_HELP = 'allowed are "1", "2", "2.x", "3", "3.x", or no version (the Compose Specification)';
/** Docker's retired ECS integration: its top-level x-aws-* keys. */
export const DOCKER_ECS_TOP_LEVEL_KEYS: KeyRule[] = [
  { key: 'x-aws-logs_retention', support: 'converted', ecs: 'log group retention', note: 'days, one of CloudWatch\'s retention values; the logRetention prop wins' },
  { key: 'x-aws-vpc', support: 'refused', ecs: '-', note: 'pass the VPC as the vpc prop (ec2.Vpc.fromLookup)' },
  { key: 'x-aws-cluster', support: 'refused', ecs: '-', note: 'pass the cluster as the cluster prop (ecs.Cluster.fromClusterAttributes)' },
  { key: 'x-aws-loadbalancer', support: 'refused', ecs: '-', note: 'the construct creates its load balancer (loadBalancer prop) or registers with existing target groups (existingTargetGroups prop)' },
  { key: 'x-aws-cloudformation', support: 'refused', ecs: '-', note: 'an untyped CloudFormation overlay: change the resources through the construct\'s members (service, taskDefinition, ...) instead' },
];

/** The compose file's top-level keys. */
export const COMPOSE_TOP_LEVEL_KEYS: KeyRule[] = [
  { key: 'version', support: 'converted', ecs: '-', note: '1 (no key, services at the top level), 2, 2.x, 3, 3.x; absent with `services`: the Compose Specification' },
  { key: 'name', support: 'converted', ecs: 'family, serviceName', note: 'the project name, unless the projectName prop is given' },
  { key: 'services', support: 'converted', ecs: 'containerDefinitions', note: `one container per service, in one task definition: ECS takes at most ${ECS_QUOTAS.containersPerTaskDefinition} (counting the init container for secrets and configs) in a task definition of at most ${ECS_QUOTAS.taskDefinitionBytes / 1024} KiB; beyond that, ComposeFargateProject (a task definition per service)` },
  { key: 'volumes', support: 'converted', ecs: 'volumes', note: 'named volumes without driver options: task storage in ComposeFargateService (VolumeStorage.EFS: an EFS file system each), EFS file systems the construct makes in ComposeFargateProject (encrypted, an access point each, backed up, retained); ecs-params efs_volumes and the fileSystems prop name existing ones; driver, driver_opts, labels and external without a file system are refused' },
  { key: 'secrets', support: 'converted', ecs: 'secrets', note: '`external: true` / `name:`: a Secrets Manager secret; `file:`, `content:`, `environment:`: a secret the construct makes with a generated value (a warning says how to set an exact one), or the secrets prop' },
  { key: 'configs', support: 'converted', ecs: 'secrets', note: '`external: true` / `name:`: an SSM parameter; `file:`, `content:`, `environment:` (its value at synth time): put into the image' },
  { key: 'networks', support: 'warned', ecs: '-', note: 'the containers of one task share one awsvpc network interface (ComposeFargateProject: the networks the services name decide which services reach which, one security group per network); driver, ipam, internal and the other network settings are warned about one by one' },
  { key: 'include', support: 'refused', ecs: '-', note: 'not read by this version: merge the files with ComposeDefinition.fromFiles([...])' },
  { key: 'models', support: 'refused', ecs: '-', note: 'compose AI models run on the local machine' },
  { key: 'x-*', support: 'converted', ecs: '-', note: 'extension blocks are not read (never a service, in a version 1 file too); the anchors in them are read where they are used; an x-aws-* key that is not one of the Docker ECS keys above is left out with a warning' },
];
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
  if (doc.networks !== undefined && version !== '1') {
    problems.warn('ignored-key', ['networks'], 'ignored on Fargate: the containers of one task share one awsvpc network interface');
    // ComposeFargateProject honours the networks (who reaches whom), not their driver settings: say which are dropped.
    for (const [network, body] of Object.entries(isPlainObject(doc.networks) ? doc.networks : {})) {
      for (const key of Object.keys(isPlainObject(body) ? body : {}).filter(k => !k.startsWith('x-'))) {
        if (!NETWORK_KEYS.includes(key)) {
          problems.error(['networks', network, key], `unknown key: allowed are ${NETWORK_KEYS.join(', ')}`);
          continue;
        }
        problems.warn('ignored-key', ['networks', network, key], key === 'internal'
          ? 'not enforced on Fargate: the services keep the outbound access of their subnets (choose private subnets without a NAT gateway to cut it)'
          : 'ignored on Fargate: tasks use awsvpc networking in the VPC\'s subnets; a compose network is the security groups of its services');
      }
    }
  }

  const services: ServiceModel[] = [];
  for (const [svcName, svcRaw] of Object.entries(servicesRaw)) {
    const at = [...servicesAt, svcName];
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(svcName)) {
      problems.error(at, `service name ${quote(svcName)} cannot be an ECS container name: use letters, digits, dashes and underscores (up to 255)`);
      continue;
    }
    const body = r.map(svcRaw, at, 'a service definition (a mapping)');
    if (!body) continue;
    const svc = readService(svcName, at, body, fullCtx, r);
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
  return { file: problems.file, version, name, services, volumes, secrets, configs, logsRetentionDays, warnings: problems.warnings };
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

function readService(name: string, at: DocPath, body: Record<string, unknown>, ctx: ComposeContext, r: Reader): ServiceModel | undefined {
  const svc: ServiceBuilder = {
    name, at, r, ctx, fields: {}, envFileVars: [], environment: [], raw: body, deferred: [],
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
