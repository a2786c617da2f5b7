/**
 * Merging compose documents as `docker compose -f base.yml -f override.yml` does (and `extends`,
 * which merges a service over its base with the same rules):
 *
 * - mappings merge key by key; a single value, `command`, `entrypoint` and `healthcheck.test` are replaced;
 * - `environment`, `labels`, `annotations`, `sysctls`, `build.args`, `deploy.labels`, `env_file`,
 *   `label_file`, `dns*` and `tmpfs` are appended whichever syntax each file uses, then an entry
 *   given again (same variable name, same path...) replaces the earlier one in its place;
 * - `depends_on` and `networks` merge as mappings (a list is a mapping with default values);
 *   `build` as a mapping (a string is its context); `logging` merges when the driver is the same, and
 *   is replaced otherwise; each `ulimits` entry is replaced;
 * - other lists are appended; `ports`, `volumes` (by mount target), `secrets` and `configs` (by
 *   target), `expose`, `links`, `profiles`, `cap_add`, `cap_drop` and `devices` then keep one entry
 *   per key, as in the previous rule;
 * - a later file's `null` keeps the earlier value.
 */
import { goText } from './compose-yaml';
import { dict, dictOf, hasKey, ownValue } from '../dict';
import { isPlainObject } from './load';
import { parseShortPort } from '../ports';

type Merger = (base: unknown, over: unknown, path: string) => unknown;

const TO_SEQUENCE = [
  'annotations', 'build.args', 'build.additional_contexts', 'build.labels', 'deploy.labels', 'dns', 'dns_opt', 'dns_search',
  'env_file', 'label_file', 'environment', 'labels', 'sysctls', 'tmpfs',
];
const REPLACED = ['command', 'entrypoint', 'healthcheck.test'];

/** A list_or_dict (or a string) as a list: `KEY=VALUE`, or `KEY` for a null value; a mapping's entries sorted. */
export function toSequence(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  if (!isPlainObject(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) out.push(k);
    else if (Array.isArray(v)) v.forEach(item => out.push(`${k}=${scalarText(item)}`));
    else out.push(`${k}=${scalarText(v)}`);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A scalar as compose writes it into text (Go's %v). */
export function scalarText(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return goText(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A list of names, or a mapping, as a mapping (each list entry getting `defaults`). */
function toMapping(value: unknown, defaults?: Record<string, unknown>): unknown {
  if (!Array.isArray(value)) return value;
  const out = dict();
  for (const item of value) out[String(item)] = defaults ? dictOf(defaults) : null;
  return out;
}

const SERVICE_MERGERS: Record<string, Merger> = {
  'logging': (base, over, path) => {
    if (!isPlainObject(base) || !isPlainObject(over)) return over;
    const sameDriver = !hasKey(over, 'driver') || !hasKey(base, 'driver') || over.driver === base.driver;
    return sameDriver ? mergeMappings(base, over, path) : over;
  },
  'build': (base, over, path) => {
    const asMap = (v: unknown) => (typeof v === 'string' ? { context: v } : v);
    return mergeAt(asMap(base), asMap(over), path, true);
  },
  'depends_on': (base, over, path) => {
    const defaults = { condition: 'service_started', required: true };
    return mergeAt(toMapping(base, defaults), toMapping(over, defaults), path, true);
  },
  'networks': (base, over, path) => mergeAt(toMapping(base), toMapping(over), path, true),
  'extra_hosts': (base, over) => {
    const b = toSequence(base);
    return [...b, ...toSequence(over).filter(v => !b.includes(v))];
  },
  'build.extra_hosts': (base, over) => SERVICE_MERGERS.extra_hosts(base, over, ''),
};
for (const key of TO_SEQUENCE) SERVICE_MERGERS[key] = (base, over) => [...toSequence(base), ...toSequence(over)];
for (const key of REPLACED) SERVICE_MERGERS[key] = (_base, over) => over;

/** The merger for a path inside a service (`ports`, `build.args`, `ulimits.nofile`...), if it has one. */
function serviceMerger(inService: string): Merger | undefined {
  if (/^ulimits\.[^.]+$/.test(inService)) return (_base, over) => over;
  if (/^volumes\.\d+\.volume\.labels$/.test(inService)) return SERVICE_MERGERS.labels;
  return ownValue(SERVICE_MERGERS, inService);
}

function specialMerger(path: string): Merger | undefined {
  const service = /^services\.[^.]+\.(.+)$/.exec(path);
  if (service) return serviceMerger(service[1]);
  if (/^(networks|volumes)\.[^.]+\.labels$/.test(path)) return SERVICE_MERGERS.labels;
  return undefined;
}

function mergeMappings(base: Record<string, unknown>, over: Record<string, unknown>, path: string): Record<string, unknown> {
  const out = dictOf(base);
  for (const [k, v] of Object.entries(over)) {
    out[k] = hasKey(base, k) ? mergeAt(base[k], v, path === '' ? k : `${path}.${k}`) : v;
  }
  return out;
}

/** Merge `over` onto `base` at a dotted path (`services.web.ports`). */
function mergeAt(base: unknown, over: unknown, path: string, skipSpecial = false): unknown {
  const special = skipSpecial ? undefined : specialMerger(path);
  if (special) return special(base, over, path);
  if (over === null || over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) return mergeMappings(base, over, path);
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  return over;
}

// ---------------------------------------------------------------------------------------------
// One entry per key
// ---------------------------------------------------------------------------------------------

type Indexer = (entry: unknown) => string;

const keyOfKeyValue: Indexer = e => (typeof e === 'string' ? e.split('=')[0] : JSON.stringify(e));

/** The mount target of a service volume entry. */
export function volumeTarget(entry: unknown): string {
  if (isPlainObject(entry)) return String(entry.target);
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    // SOURCE:TARGET[:MODE], or TARGET alone
    return parts.length === 1 ? parts[0] : parts[1];
  }
  return JSON.stringify(entry);
}

const mountTarget = (defaultFolder: string): Indexer => e => {
  if (typeof e === 'string') return `${defaultFolder}/${e}`;
  if (isPlainObject(e)) return e.target !== undefined ? String(e.target) : `${defaultFolder}/${String(e.source)}`;
  return JSON.stringify(e);
};

const UNIQUE: Record<string, Indexer> = {
  'annotations': keyOfKeyValue,
  'build.args': keyOfKeyValue,
  'build.additional_contexts': keyOfKeyValue,
  'build.labels': keyOfKeyValue,
  'build.tags': keyOfKeyValue,
  'cap_add': keyOfKeyValue,
  'cap_drop': keyOfKeyValue,
  'configs': mountTarget(''),
  'deploy.labels': keyOfKeyValue,
  'dns': keyOfKeyValue,
  'dns_opt': keyOfKeyValue,
  'dns_search': keyOfKeyValue,
  'environment': keyOfKeyValue,
  'env_file': e => (isPlainObject(e) ? String(e.path) : String(e)),
  'expose': e => String(e),
  'labels': keyOfKeyValue,
  'links': keyOfKeyValue,
  'ports': portKey,
  'profiles': keyOfKeyValue,
  'secrets': mountTarget('/run/secrets'),
  'sysctls': keyOfKeyValue,
  'tmpfs': keyOfKeyValue,
  'volumes': volumeTarget,
  'devices': e => (isPlainObject(e) ? String(e.target) : volumeTarget(e)),
};

/**
 * A port entry's identity, the same in short and long syntax ("8080:80" and {target: 80,
 * published: "8080"}): compose keeps one entry per host IP, published port, container port and
 * protocol. A range stays as written.
 */
function portKey(entry: unknown): string {
  const key = (ip: unknown, published: unknown, target: unknown, protocol: unknown) =>
    `${String(ip ?? '0.0.0.0')}:${published === undefined || published === null ? '' : String(published)}:${String(target)}/${String(protocol ?? 'tcp').toLowerCase()}`;
  if (isPlainObject(entry)) return key(entry.host_ip, entry.published, entry.target, entry.protocol);
  const text = String(entry).trim();
  const slash = text.lastIndexOf('/');
  const parsed = parseShortPort(slash < 0 ? text : `${text.slice(0, slash)}/tcp`);
  const p = parsed.spec;
  if (!p || p.containerPort !== p.containerPortEnd) return text;
  const published = p.hostPort === undefined ? undefined : p.hostPort === p.hostPortEnd ? p.hostPort : `${p.hostPort}-${p.hostPortEnd}`;
  return key(p.hostIp, published, p.containerPort, slash < 0 ? 'tcp' : text.slice(slash + 1));
}

/** A list with one entry per key: an entry given again replaces the earlier one, in its place. */
function unique(list: unknown[], indexer: Indexer): unknown[] {
  const out: unknown[] = [];
  const at = new Map<string, number>();
  for (const entry of list) {
    const key = indexer(entry);
    const i = at.get(key);
    if (i === undefined) {
      at.set(key, out.length);
      out.push(entry);
    } else {
      out[i] = entry;
    }
  }
  return out;
}

/** Keep one entry per key in the lists of a service that compose keeps unique. */
export function enforceUnicity(service: Record<string, unknown>): Record<string, unknown> {
  const out = dictOf(service);
  for (const [key, indexer] of Object.entries(UNIQUE)) {
    const [first, second] = key.split('.');
    const holder = second === undefined ? out : out[first];
    const name = second ?? first;
    if (!isPlainObject(holder) || !Array.isArray(holder[name])) continue;
    const list = unique(holder[name] as unknown[], indexer);
    if (second === undefined) out[name] = list;
    else out[first] = dictOf(holder, dict([[name, list]]));
  }
  return out;
}

/** Merge a service over the service it `extends`. */
export function mergeService(base: unknown, over: unknown): unknown {
  return mergeAt(base, over, 'services.*', true);
}

/** Merge two whole documents, the later over the earlier. */
export function mergeDocuments(base: unknown, over: unknown): unknown {
  return mergeAt(base, over, '');
}

/** Keep one entry per key in the lists of every service of a document (in place). */
export function enforceDocumentUnicity(doc: unknown): void {
  if (!isPlainObject(doc) || !isPlainObject(doc.services)) return;
  const services = doc.services;
  for (const [name, body] of Object.entries(services)) if (isPlainObject(body)) services[name] = enforceUnicity(body);
}

/** Merge whole documents, base first (each merge followed by the one-entry-per-key rule). */
export function mergeComposeDocuments(docs: unknown[]): unknown {
  return docs.reduce((acc, doc) => {
    const merged = mergeDocuments(acc, doc);
    enforceDocumentUnicity(merged);
    return merged;
  });
}
