/**
 * Scalars as Docker Compose's Go types hold them after loading, for the canonical model (canonical.ts):
 * Go's duration text, booleans and numbers from interpolated text, and the sizes of 0 that Go's
 * omitempty leaves out.
 */
import { goText } from './compose-yaml';
import { isPlainObject } from './load';

/** A Go time.Duration as Go prints it: "1m30s", "500ms", "1h0m0s", "0s". */
export function goDuration(nanoseconds: number): string {
  let ns = Math.round(nanoseconds);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  const fraction = (value: number, digits: number) => {
    const whole = Math.floor(value / 10 ** digits);
    const rest = String(value % 10 ** digits).padStart(digits, '0').replace(/0+$/, '');
    return rest === '' ? String(whole) : `${whole}.${rest}`;
  };
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${fraction(ns, 3)}µs`;
  if (ns < 1e9) return `${sign}${fraction(ns, 6)}ms`;
  const hours = Math.floor(ns / 3600e9);
  const minutes = Math.floor((ns % 3600e9) / 60e9);
  const seconds = fraction(ns % 60e9, 9);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** A boolean as compose reads it (YAML booleans, and "true"/"false" text from interpolation). */
export function bool(value: unknown): unknown {
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return value;
}

/** A whole number as compose reads it (numbers, and numeric text from interpolation). */
export function integer(value: unknown): unknown {
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return parseInt(value, 10);
  return value;
}

export function number(value: unknown): unknown {
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/** Text, as compose converts a scalar where it wants text. */
export function text(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? goText(value) : value;
}

/** A size of 0, as compose reads it after conversion (a number, or bytes as text). */
export function isZero(value: unknown): boolean {
  return value === 0 || value === '0';
}

/** Sizes of 0 are Docker's "no limit": compose leaves them out (Go's zero value, omitempty). */
const ZERO_IS_UNSET = ['cpus', 'cpu_shares', 'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota', 'mem_limit', 'mem_reservation',
  'memswap_limit', 'shm_size', 'pids_limit', 'oom_score_adj'];

export function withoutZeroSizes(s: Record<string, unknown>): void {
  for (const key of ZERO_IS_UNSET) if (isZero(number(s[key]))) delete s[key];
  const resources = isPlainObject(s.deploy) && isPlainObject(s.deploy.resources) ? s.deploy.resources : {};
  for (const kind of ['limits', 'reservations']) {
    const r = resources[kind];
    if (!isPlainObject(r)) continue;
    for (const field of ['cpus', 'memory', 'pids']) if (isZero(number(r[field]))) delete r[field];
  }
}
