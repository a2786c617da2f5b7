/**
 * A container's own settings: command, CPU and memory, health check, logging, platform, ulimits and
 * the services it depends on.
 */
import { ServiceBuilder, set } from './builder';
import { dict, ownValue } from '../dict';
import { isPlainObject, isToken } from '../load/load';
import { DependencyCondition, DependencyModel, HealthCheckModel, LoggingModel, UlimitModel } from '../model';
import { DocPath, formatPath, quote } from '../problems';
import { Reader } from './read';
import { splitCommand } from '../shell-split';
import { MIB, parseBytes, parseCpusAsUnits, Parsed, parseDurationSeconds, parseInteger } from '../units';

// Limits that ECS or Fargate enforce at deploy time, checked here instead.
export const ULIMIT_NAMES = [
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss',
  'rtprio', 'rttime', 'sigpending', 'stack',
];
/** Fargate raises nofile up to this hard limit. */
export const FARGATE_MAX_NOFILE = 1048576;

export function commandList(svc: ServiceBuilder, value: unknown, at: DocPath): string[] | undefined {
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
export function memory(svc: ServiceBuilder, value: unknown, at: DocPath): number | undefined {
  const bytes = svc.r.parsed(value, at, parseBytes);
  return bytes === undefined || bytes === 0 ? undefined : Math.floor(bytes / MIB);
}

/** CPU units from a number of CPUs; 0 is Docker's "no limit", which Docker Compose leaves out: unset. */
export function cpus(svc: ServiceBuilder, value: unknown, at: DocPath): number | undefined {
  return svc.r.parsed(value, at, parseCpusAsUnits) || undefined;
}

export function setSize(svc: ServiceBuilder, field: 'memoryLimitMiB' | 'memoryReservationMiB' | 'cpu', value: number | undefined, at: DocPath, written?: unknown) {
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

export function readLogging(
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

/** Compose `logging`: a driver and its options. */
export function readLoggingKey(svc: ServiceBuilder, v: unknown, at: DocPath): void {
  const m = svc.r.map(v, at);
  if (!m) return;
  for (const key of Object.keys(m)) {
    if (key !== 'driver' && key !== 'options') svc.r.problems.error([...at, key], 'unknown logging key: allowed are driver, options');
  }
  set(svc, 'logging', readLogging(svc, m.driver, m.options, at, [...at, 'driver'], [...at, 'options']));
}

/** Compose `platform`: the CPU architecture of the task. */
export function readPlatform(svc: ServiceBuilder, v: unknown, at: DocPath): void {
  const text = svc.r.string(v, at, 'a platform like "linux/amd64"');
  if (text === undefined) return;
  const arch = PLATFORMS[text.trim().toLowerCase()];
  if (!arch) {
    svc.r.problems.error(at, `cannot be honoured on Fargate (got ${quote(text)}): Fargate runs linux/amd64 and linux/arm64`);
    return;
  }
  set(svc, 'platform', { architecture: arch, path: at });
}

const PLATFORMS: Record<string, 'X86_64' | 'ARM64'> = {
  'linux/amd64': 'X86_64',
  'linux/x86_64': 'X86_64',
  'linux/arm64': 'ARM64',
  'linux/arm64/v8': 'ARM64',
  'linux/aarch64': 'ARM64',
};

export function readUlimits(svc: ServiceBuilder, v: unknown, at: DocPath): UlimitModel[] | undefined {
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

export function readDependsOn(svc: ServiceBuilder, v: unknown, at: DocPath): DependencyModel[] | undefined {
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
