/**
 * Parsers for the units compose and ecs-params files use: memory sizes, durations, CPU.
 * Pure functions: each returns the value or the reason it cannot be read.
 */

export type Parsed<T> = { readonly value: T; readonly error?: undefined } | { readonly error: string; readonly value?: undefined };

const ok = <T>(value: T): Parsed<T> => ({ value });
const fail = <T>(error: string): Parsed<T> => ({ error });

export const MIB = 1024 * 1024;

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  'k': 1024,
  'm': 1024 ** 2,
  'g': 1024 ** 3,
  't': 1024 ** 4,
  'p': 1024 ** 5,
};

// docker/go-units RAMInBytes: binary multipliers, case-insensitive, optional "i" and "b".
const MEMORY_RE = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i;

const MEMORY_HELP = 'a size like "512m", "0.5GB", "1g" or a number of bytes';

/**
 * A container memory size (compose `mem_limit`, `mem_reservation`, `shm_size`,
 * `deploy.resources.*.memory`, ecs-params `mem_limit`): a YAML integer is bytes, a string takes
 * binary units (k, m, g, t, p; "b" and "i" optional). Returned in bytes.
 */
export function parseBytes(value: unknown): Parsed<number> {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      return fail(`expected ${MEMORY_HELP}`);
    }
    return ok(value);
  }
  if (typeof value !== 'string') return fail(`expected ${MEMORY_HELP}`);
  const m = MEMORY_RE.exec(value.trim());
  if (!m) return fail(`expected ${MEMORY_HELP}`);
  const bytes = Math.floor(parseFloat(m[1]) * MULTIPLIERS[m[2].toLowerCase()]);
  if (!Number.isSafeInteger(bytes)) return fail(`${JSON.stringify(value)} is too large`);
  return ok(bytes);
}

/** A container memory size, floored to MiB as ecs-cli did. */
export function parseMemoryMiB(value: unknown): Parsed<number> {
  const bytes = parseBytes(value);
  if (bytes.error !== undefined) return fail(bytes.error);
  return ok(Math.floor(bytes.value / MIB));
}

const TASK_MEMORY_RE = /^(\d+(?:\.\d+)?) ?([kmgtp]?)(i?b?)$/i;

/**
 * ecs-params `task_size.mem_limit`: a number without a unit is MiB (as ECS reads it);
 * with a unit it is a binary size ("0.5GB", "1 GB", "2048MiB"). Returned in MiB.
 */
export function parseTaskMemoryMiB(value: unknown): Parsed<number> {
  const help = 'MiB as a number ("512") or a size with a unit ("0.5GB", "2 GB")';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value <= 0) return fail(`expected ${help}`);
    return ok(value);
  }
  if (typeof value !== 'string') return fail(`expected ${help}`);
  const m = TASK_MEMORY_RE.exec(value.trim());
  if (!m) return fail(`expected ${help}`);
  const unit = m[2].toLowerCase();
  const n = parseFloat(m[1]);
  if (unit === '' && !m[3]) {
    if (!Number.isSafeInteger(n) || n <= 0) return fail(`expected ${help}`);
    return ok(n);
  }
  const mib = Math.floor((n * MULTIPLIERS[unit]) / MIB);
  if (!Number.isSafeInteger(mib)) return fail(`${JSON.stringify(value)} is too large`);
  if (mib <= 0) return fail(`expected ${help}, at least 1 MiB`);
  return ok(mib);
}

const VCPU_RE = /^(\d+(?:\.\d+)?) ?vcpus?$/i;

/** ecs-params `task_size.cpu_limit`: CPU units ("256", 1024) or vCPUs ("1 vCPU", "0.5vcpu"). */
export function parseTaskCpuUnits(value: unknown): Parsed<number> {
  const help = 'CPU units ("256", 1024) or vCPUs ("0.25 vCPU", "1vcpu")';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value <= 0) return fail(`expected ${help}`);
    return ok(value);
  }
  if (typeof value !== 'string') return fail(`expected ${help}`);
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const n = parseInt(text, 10);
    return Number.isSafeInteger(n) && n > 0 ? ok(n) : fail(`expected ${help}`);
  }
  const m = VCPU_RE.exec(text);
  if (!m) return fail(`expected ${help}`);
  const units = parseFloat(m[1]) * 1024;
  if (!(units > 0)) return fail(`expected ${help}`);
  if (!Number.isInteger(units)) return fail(`${JSON.stringify(value)} is not a whole number of CPU units (1 vCPU = 1024)`);
  return ok(units);
}

/**
 * Compose `cpus` ("0.5", 1.5): a number of CPUs, returned as ECS CPU units (1 CPU = 1024). 0 is
 * Docker's "no limit" (and Docker Compose leaves it out): it is returned as 0, which callers read as unset.
 */
export function parseCpusAsUnits(value: unknown): Parsed<number> {
  const help = 'a number of CPUs like 0.5 or "1.5" (0: no limit)';
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) n = parseFloat(value);
  else return fail(`expected ${help}`);
  if (n === 0) return ok(0);
  if (!Number.isFinite(n) || n < 0) return fail(`expected ${help}, not negative`);
  const units = Math.round(n * 1024);
  if (units < 1) return fail(`${JSON.stringify(value)} is less than one CPU unit (1/1024 of a CPU)`);
  return ok(units);
}

/** An integer given as a YAML number or a numeric string (cpu_shares, retries...); callers check the range. */
export function parseInteger(value: unknown, help = 'a whole number'): Parsed<number> {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return ok(value);
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
    const n = parseInt(value, 10);
    if (Number.isSafeInteger(n)) return ok(n);
  }
  return fail(`expected ${help}`);
}

// in nanoseconds, as Go's time.ParseDuration counts
const DURATION_UNITS_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** A Go duration string as compose writes it ("1m30s", "10s", "500ms"), in milliseconds. */
export function parseGoDurationMs(value: string): Parsed<number> {
  const help = 'a duration like "30s", "1m30s" or "500ms"';
  const text = value.trim();
  if (text === '0') return ok(0);
  if (text === '') return fail(`expected ${help}`);
  let totalNs = 0;
  DURATION_PART.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(text);
    if (!m) return fail(`expected ${help}`);
    // Whole and fraction apart, as Go does: parseFloat("2.05") * 60000 is 122999.99..., not 123000.
    const unit = DURATION_UNITS_NS[m[2]];
    const [whole, fraction = ''] = m[1].split('.');
    const digits = fraction.slice(0, 15);
    totalNs += Number(whole || '0') * unit + Math.trunc(Number(digits || '0') * (unit / 10 ** digits.length));
    pos = DURATION_PART.lastIndex;
  }
  if (!Number.isFinite(totalNs)) return fail(`${JSON.stringify(value)} is too long`);
  return ok(totalNs / 1e6);
}

/**
 * A duration in whole seconds, truncated as ecs-cli did. Compose wants a unit ("10s");
 * ecs-params also takes integer seconds (`allowBareSeconds`).
 */
export function parseDurationSeconds(value: unknown, allowBareSeconds: boolean): Parsed<number> {
  const help = allowBareSeconds
    ? 'a duration like "30s" or "1m30s", or whole seconds'
    : 'a duration with a unit, like "30s", "1m30s" or "500ms"';
  if (typeof value === 'number') {
    if (allowBareSeconds && Number.isSafeInteger(value) && value >= 0) return ok(value);
    if (value === 0) return ok(0);
    return fail(`expected ${help}`);
  }
  if (typeof value !== 'string') return fail(`expected ${help}`);
  if (allowBareSeconds && /^\s*\d+\s*$/.test(value)) return ok(parseInt(value, 10));
  const ms = parseGoDurationMs(value);
  if (ms.error !== undefined) return fail(`expected ${help}`);
  return ok(Math.floor(ms.value / 1000));
}
