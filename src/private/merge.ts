/**
 * Merging compose documents as `docker compose -f base.yml -f override.yml` does
 * (Compose Specification, "Merge and override"): mappings merge key by key, single values and
 * `command`, `entrypoint`, `healthcheck.test` are replaced, `environment` and `labels` merge by
 * variable name whichever syntax each file uses, `volumes` merge by mount target, other lists are
 * concatenated without duplicates.
 */
import { isPlainObject } from './load';

const REPLACED_LISTS = new Set(['command', 'entrypoint', 'test']);
const KEY_VALUE_LISTS = new Set(['environment', 'labels', 'annotations', 'sysctls', 'extra_hosts', 'args']);

/** list_or_dict -> dict, so two files in different syntaxes merge by key. */
function toDict(value: unknown, key: string): unknown {
  if (!Array.isArray(value)) return value;
  const sep = key === 'extra_hosts' ? /[:=]/ : /=/;
  const out: Record<string, unknown> = {};
  for (const item of value) {
    if (typeof item !== 'string') return value; // leave odd shapes for the normalizer to report
    const m = sep.exec(item);
    if (m) out[item.slice(0, m.index)] = item.slice(m.index + 1);
    else out[item] = null;
  }
  return out;
}

/** The mount target of a service volume entry, used as its merge key. */
function volumeTarget(entry: unknown): string {
  if (isPlainObject(entry) && typeof entry.target === 'string') return entry.target;
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    if (parts.length === 1) return parts[0];
    // SOURCE:TARGET[:MODE]
    return parts[1];
  }
  return JSON.stringify(entry);
}

function mergeLists(key: string, base: unknown[], over: unknown[]): unknown[] {
  if (key === 'volumes') {
    const byTarget = new Map<string, unknown>();
    for (const v of base) byTarget.set(volumeTarget(v), v);
    for (const v of over) byTarget.set(volumeTarget(v), v);
    return [...byTarget.values()];
  }
  const seen = new Set(base.map(v => JSON.stringify(v)));
  return [...base, ...over.filter(v => !seen.has(JSON.stringify(v)))];
}

const STRING_OR_LIST = new Set(['env_file', 'dns', 'dns_search', 'tmpfs', 'expose']);

export function mergeValue(key: string, base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (STRING_OR_LIST.has(key)) {
    if (typeof base === 'string') base = [base];
    if (typeof over === 'string') over = [over];
  }
  if (base === undefined || base === null || over === null) return over;
  if (REPLACED_LISTS.has(key)) return over;
  if (KEY_VALUE_LISTS.has(key)) {
    const b = toDict(base, key);
    const o = toDict(over, key);
    if (isPlainObject(b) && isPlainObject(o)) return { ...b, ...o };
    return over;
  }
  if (key === 'logging' && isPlainObject(base) && isPlainObject(over)) {
    // A different driver replaces the whole logging block; the same driver merges options.
    if (over.driver !== undefined && base.driver !== undefined && over.driver !== base.driver) return over;
  }
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeValue(k, base[k], v);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) return mergeLists(key, base, over);
  // a string and a list (command, env_file, dns...): the later file's value replaces
  return over;
}

/** Merge whole documents, base first. */
export function mergeComposeDocuments(docs: unknown[]): unknown {
  return docs.reduce((acc, doc) => mergeValue('', acc, doc));
}
