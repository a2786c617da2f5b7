/**
 * A service after the merge: its `env_file` and `label_file` read (later files win, the service's own
 * entries over them), and the `KEY`-only entries of its key-value mappings given the variables' values.
 */
import * as fs from 'fs';
import * as path from 'path';
import { dict, dictOf, hasKey } from '../dict';
import { parseEnvFile } from './dotenv';
import { isPlainObject, readText } from './load';
import { scalarText } from './merge';
import { DocPath, Problems, quote } from '../problems';

/** Keys of key-value mappings, read as compose reads them (list or mapping, values as text). */
const KEY_VALUE_KEYS = ['environment', 'labels', 'annotations', 'sysctls'];

/**
 * Read a service's `env_file` entries into a map (later files win); problems at the entries. As in
 * compose, a value's `${VAR}` and a `KEY` statement look in the variables first, then in the
 * service's `environment`; a value's `${VAR}` then in what the files above (and the lines above) set.
 */
function readServiceEnvFiles(
  value: unknown, at: DocPath, vars: Map<string, string>, projectDirectory: string, problems: Problems,
  environment: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const out = new Map<string, string>();
  const above = new Map<string, string>(environment);
  const single = typeof value === 'string' || isPlainObject(value);
  const items = single ? [value] : Array.isArray(value) ? value : undefined;
  if (items === undefined) {
    problems.error(at, `expected a path or a list of paths, got ${quote(value)}`);
    return out;
  }
  items.forEach((item, i) => {
    const itemAt = single ? at : [...at, i];
    let file: string | undefined;
    let required = true;
    if (isPlainObject(item)) {
      if (typeof item.path === 'string') file = item.path;
      else problems.error([...itemAt, 'path'], `expected a path, got ${quote(item.path)}`);
      const req = item.required;
      if (req !== undefined) {
        if (typeof req === 'boolean' || /^(true|false)$/i.test(String(req))) required = String(req).toLowerCase() === 'true';
        else problems.error([...itemAt, 'required'], `expected true or false, got ${quote(req)}`);
      }
      if (item.format !== undefined && item.format !== null) {
        problems.error([...itemAt, 'format'], `env_file format ${quote(item.format)} is not read: only the default dotenv format is`);
        return;
      }
    } else if (typeof item === 'string') {
      file = item;
    } else {
      problems.error(itemAt, `expected a path, got ${quote(item)}`);
    }
    if (file === undefined) return;
    const abs = path.resolve(projectDirectory, file);
    if (!required && !fs.existsSync(abs)) return;
    const text = readText(abs, problems, itemAt, 'env_file', file);
    if (text === undefined) return;
    const parsed = parseEnvFile(text, name => vars.get(name) ?? environment.get(name), above);
    for (const err of parsed.errors) problems.error(itemAt, `${file} line ${err.line}: ${err.message}`);
    for (const e of parsed.entries) {
      if (e.value === undefined) continue;
      out.set(e.name, e.value);
      above.set(e.name, e.value);
    }
  });
  return out;
}

/** A list_or_dict as an ordered mapping of text values (null for a name without a value). */
function keyValueMap(value: unknown): Record<string, string | null> | undefined {
  if (!Array.isArray(value) && !isPlainObject(value)) return undefined;
  if (Array.isArray(value) && value.some(v => typeof v !== 'string')) return undefined;
  if (isPlainObject(value) && Object.values(value).some(v => isPlainObject(v) || Array.isArray(v))) return undefined;
  const out = dict<string | null>();
  const entries: [string, unknown][] = Array.isArray(value)
    ? (value as string[]).map(s => {
      const i = s.indexOf('=');
      return i < 0 ? [s, null] : [s.slice(0, i), s.slice(i + 1)];
    })
    : Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) out[k] = v === null || v === undefined ? null : scalarText(v);
  return out;
}

/**
 * A list_or_dict with its values as compose reads them: a mapping's numbers and booleans as text;
 * a name without a value (`KEY` in a list, `KEY:` in a mapping) given `resolve`'s value, or left
 * without one (null; `drop`: left out) when it has none. The syntax the file used is kept, so that
 * problems found later name the entry as written.
 */
function resolveKeyValues(value: unknown, resolve: (name: string) => string | undefined, drop = false): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (typeof item !== 'string' || item.includes('=')) {
        out.push(item);
        continue;
      }
      const v = resolve(item);
      if (v !== undefined) out.push(`${item}=${v}`);
      else if (!drop) out.push(item);
    }
    return out;
  }
  if (!isPlainObject(value)) return value;
  const out = dict();
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) {
      const r = resolve(k);
      if (r !== undefined) out[k] = r;
      else if (!drop) out[k] = null;
    } else {
      out[k] = typeof v === 'number' || typeof v === 'boolean' ? scalarText(v) : v;
    }
  }
  return out;
}

/**
 * One service after the merge: variables given to names without values, env_file and label_file read.
 * The environment entries that did not come from the file itself (a variable's value, an env file's
 * line) are added to `substituted` as `NAME=value`.
 */
export function resolveService(
  body: Record<string, unknown>, at: DocPath, vars: Map<string, string>, projectDirectory: string, problems: Problems, substituted: Set<string>,
): Record<string, unknown> {
  const out = dictOf(body);
  const none = () => undefined;
  const fromVariables = (n: string) => {
    const v = vars.get(n);
    if (v !== undefined) substituted.add(`${n}=${v}`);
    return v;
  };
  for (const key of KEY_VALUE_KEYS) {
    if (out[key] !== undefined && out[key] !== null) out[key] = resolveKeyValues(out[key], key === 'environment' ? fromVariables : none);
  }
  if (isPlainObject(out.build) && out.build.args !== undefined && out.build.args !== null) {
    // a build argument without a value takes the variable's; unset, it is left out
    out.build = dictOf(out.build, { args: resolveKeyValues(out.build.args, n => vars.get(n), true) });
  }
  if (out.env_file !== undefined && out.env_file !== null) {
    const env = out.environment === undefined || out.environment === null ? dict<string | null>() : keyValueMap(out.environment);
    if (env) {
      const known = new Map(Object.entries(env).filter((e): e is [string, string] => e[1] !== null));
      const fromFiles = readServiceEnvFiles(out.env_file, [...at, 'env_file'], vars, projectDirectory, problems, known);
      const merged = dict<string | null>();
      for (const [k, v] of fromFiles) {
        if (hasKey(env, k)) continue;
        merged[k] = v;
        substituted.add(`${k}=${v}`);
      }
      out.environment = Object.assign(merged, env);
      delete out.env_file;
    }
  }
  if (out.label_file !== undefined && out.label_file !== null) {
    // the labels of the files (later ones win), under the service's own
    const labels = out.labels === undefined || out.labels === null ? dict<string | null>() : keyValueMap(out.labels);
    if (labels) {
      const fromFiles = readLabelFiles(out.label_file, [...at, 'label_file'], projectDirectory, problems);
      out.labels = dictOf(dict<string | null>(fromFiles), labels);
      delete out.label_file;
    }
  }
  return out;
}

/** `label_file` entries read as compose reads them: env files whose values see only the labels above. */
function readLabelFiles(value: unknown, at: DocPath, projectDirectory: string, problems: Problems): Map<string, string> {
  const out = new Map<string, string>();
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (list === undefined) {
    problems.error(at, `expected a path or a list of paths, got ${quote(value)}`);
    return out;
  }
  list.forEach((file, i) => {
    const itemAt = typeof value === 'string' ? at : [...at, i];
    if (typeof file !== 'string') {
      problems.error(itemAt, `expected a path, got ${quote(file)}`);
      return;
    }
    const text = readText(path.resolve(projectDirectory, file), problems, itemAt, 'label_file', file);
    if (text === undefined) return;
    const parsed = parseEnvFile(text, () => undefined, out);
    for (const err of parsed.errors) problems.error(itemAt, `${file} line ${err.line}: ${err.message}`);
    for (const e of parsed.entries) if (e.value !== undefined) out.set(e.name, e.value);
  });
  return out;
}
