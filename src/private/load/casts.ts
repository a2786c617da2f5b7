/**
 * What Docker Compose makes of a file's services while it loads them: text cast to the type the key
 * has, after interpolation (`read_only: "yes"`, `replicas: "${N}"`); and the checks of the merged
 * services (a key left empty, an entry repeated in a list that must not repeat).
 */
import { hasKey } from '../dict';
import { isPlainObject } from './load';
import { DocPath, Problems, quote } from '../problems';

type Cast = (text: string) => unknown;

class CastError extends Error {}

/** compose's boolean: true, yes, y, on / false, no, n, off (any case). */
export const toBoolean: Cast = text => {
  const t = text.toLowerCase();
  if (['true', 'yes', 'y', 'on'].includes(t)) return true;
  if (['false', 'no', 'n', 'off'].includes(t)) return false;
  throw new CastError(`expected true or false (or yes, no, on, off), got ${quote(text)}`);
};
/** Go's strconv.Atoi: decimal digits with an optional sign. */
const toInt: Cast = text => {
  if (!/^[-+]?\d+$/.test(text)) throw new CastError(`expected a whole number, got ${quote(text)}`);
  return parseInt(text, 10);
};
const toFloat: Cast = text => {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new CastError(`expected a number, got ${quote(text)}`);
  return Number(text);
};

/** Where compose casts text (service-relative; `*` is any key, `[]` any list item). */
const SERVICE_CASTS: [string, Cast][] = [
  ['read_only', toBoolean], ['tty', toBoolean], ['stdin_open', toBoolean], ['init', toBoolean], ['privileged', toBoolean],
  ['oom_kill_disable', toBoolean], ['healthcheck.disable', toBoolean], ['volumes.[].read_only', toBoolean],
  ['volumes.[].volume.nocopy', toBoolean], ['deploy.replicas', toInt], ['healthcheck.retries', toInt], ['ports.[].target', toInt],
  ['ulimits.*', toInt], ['ulimits.*.soft', toInt], ['ulimits.*.hard', toInt], ['scale', toInt], ['cpu_shares', toInt],
  ['pids_limit', toInt], ['oom_score_adj', toInt], ['cpus', toFloat], ['cpu_percent', toFloat],
];

/** Cast the text at `pattern` (dotted, with `*` and `[]`) under `node`, in place. */
export function castAt(node: unknown, pattern: string[], cast: Cast, at: DocPath, problems: Problems): void {
  const [head, ...rest] = pattern;
  const children: [string | number, unknown][] = head === '[]'
    ? (Array.isArray(node) ? node.map((v, i) => [i, v] as [number, unknown]) : [])
    : isPlainObject(node) ? (head === '*' ? Object.entries(node) : hasKey(node, head) ? [[head, node[head]]] : []) : [];
  for (const [key, value] of children) {
    if (rest.length > 0) {
      castAt(value, rest, cast, [...at, key], problems);
    } else if (typeof value === 'string') {
      try {
        (node as Record<string | number, unknown>)[key] = cast(value);
      } catch (e) {
        if (!(e instanceof CastError)) throw e;
        problems.error([...at, key], e.message);
      }
    }
  }
}

/** Text where compose wants a boolean or a number, cast as compose casts it (`read_only: "yes"`, `replicas: "${N}"`). */
export function castTypes(services: Record<string, unknown>, servicesAt: DocPath, problems: Problems): void {
  for (const [name, body] of Object.entries(services)) {
    for (const [pattern, cast] of SERVICE_CASTS) castAt(body, pattern.split('.'), cast, [...servicesAt, name], problems);
  }
}

/** The service keys compose lets be null (`command:` with nothing after it); `x-` keys too. */
const NULLABLE_KEYS = ['command', 'entrypoint', 'deploy', 'develop'];

/** Lists compose wants without repeated entries (and does not make so itself). */
const UNIQUE_ITEMS = ['volumes_from', 'external_links', 'security_opt', 'group_add', 'device_cgroup_rules'];

/**
 * As compose checks the document after each file is merged in: a service key left empty (`ports:`,
 * `environment: null`) is an error (an override file's null keeps the value of the files before it),
 * and so is an entry repeated in a list that must not repeat.
 */
export function checkMerged(services: Record<string, unknown>, servicesAt: DocPath, problems: Problems): void {
  for (const [name, body] of Object.entries(services)) {
    if (body === null) {
      problems.error([...servicesAt, name], 'the service is empty: give it at least an image');
      continue;
    }
    if (!isPlainObject(body)) continue;
    for (const [key, value] of Object.entries(body)) {
      if (value === null && !NULLABLE_KEYS.includes(key) && !key.startsWith('x-')) {
        problems.error([...servicesAt, name, key], 'has no value (null): give one, or leave the key out');
      }
      if (UNIQUE_ITEMS.includes(key) && Array.isArray(value)) {
        const seen = value.map(v => JSON.stringify(v));
        seen.forEach((v, i) => {
          const first = seen.indexOf(v);
          if (first < i) problems.error([...servicesAt, name, key, i], `repeats ${key}[${first}] (${quote(value[i])}): give each once`);
        });
      }
    }
  }
}
