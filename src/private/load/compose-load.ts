/**
 * The load stage of a compose project, in Docker Compose's order: each file parsed and interpolated
 * on its own, its `extends` resolved, then the files merged in order (with `!reset` / `!override`);
 * then the services whose profiles are not active left out, and each service's `env_file` read into
 * its `environment` (and `KEY`-only entries taken from the variables). What comes out is still a
 * compose document: the Fargate mapping (normalize) and the `config` command both read it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ComposeYaml, deleteAt, parseComposeYaml } from './compose-yaml';
import { dict, dictOf, hasKey, ownValue } from '../dict';
import { parseEnvFile } from './dotenv';
import { buildVariables, displayName, interpolateTree, isPlainObject, readText } from './load';
import { enforceDocumentUnicity, mergeDocuments, mergeService, scalarText, toSequence } from './merge';
import { DocPath, Problems, quote, throwAll } from '../problems';

/** One compose document to load, in merge order. */
export interface ComposeSource {
  /** The name used in messages (the file's name). */
  readonly name: string;
  /** The folder its `extends.file` paths are relative to. */
  readonly directory: string;
  readonly yaml: ComposeYaml;
}

export interface ComposeLoadOptions {
  /** The variables; default: the process environment. */
  readonly variables?: { [name: string]: string };
  /** Where `.env`, `env_file` and `build` paths are resolved (absolute). */
  readonly projectDirectory: string;
  /** The env files that fill the variables, instead of the project directory's `.env` (`--env-file`). */
  readonly envFiles?: string[];
  /** The active profiles, instead of COMPOSE_PROFILES (`--profile`). */
  readonly profiles?: string[];
}

export interface LoadedCompose {
  /** The document: interpolated, merged, with `extends`, profiles and `env_file` resolved. */
  readonly document: Record<string, unknown>;
  /** The variables it was interpolated with (the environment, filled from `.env`). */
  readonly variables: Map<string, string>;
  /** The strings into which interpolation put the value of a variable that is set. */
  readonly substituted: Set<string>;
  readonly projectDirectory: string;
  /** Services at the top level (version 1, as ecs-cli read it), not under `services`. */
  readonly legacy: boolean;
}

/** Keys of key-value mappings, read as compose reads them (list or mapping, values as text). */
const KEY_VALUE_KEYS = ['environment', 'labels', 'annotations', 'sysctls'];

/** True for a version 1 document: no `services`, and no version or version 1. */
export function isLegacyDocument(doc: Record<string, unknown>): boolean {
  if (doc.services !== undefined) return false;
  const v = doc.version;
  return v === undefined || v === null || /^1(\.0)?$/.test(String(v).trim());
}

/** The services map of a document (and where it is), or undefined when it has none. */
function servicesOf(doc: Record<string, unknown>): Record<string, unknown> | undefined {
  return isPlainObject(doc.services) ? doc.services : undefined;
}

function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as unknown as T;
  if (isPlainObject(value)) {
    const out = dict();
    for (const [k, v] of Object.entries(value)) out[k] = clone(v);
    return out as T;
  }
  return value;
}

interface FileContext {
  readonly name: string;
  readonly directory: string;
  readonly problems: Problems;
  /** The file's `!reset` and `!override` paths inside its services map (`[service, key, ...]`). */
  readonly tagged: DocPath[];
}

/** The `!reset` and `!override` paths of a file, relative to its services map. */
function taggedInServices(yaml: ComposeYaml, legacy: boolean): DocPath[] {
  return [...yaml.resets, ...yaml.overrides].flatMap(at => (legacy ? [at] : at[0] === 'services' && at.length > 1 ? [at.slice(1)] : []));
}

/** Reads the files that `extends.file` names, once each. */
class ExtendsFiles {
  private readonly cache = new Map<string, { services: Record<string, unknown>; tagged: DocPath[] } | undefined>();
  constructor(private readonly vars: Map<string, string>, private readonly substituted?: Set<string>) {}

  public services(file: string, from: FileContext, at: DocPath): { services: Record<string, unknown>; context: FileContext } | undefined {
    const abs = path.resolve(from.directory, file);
    if (!this.cache.has(abs)) {
      const fileProblems = new Problems(file);
      const text = readText(abs, fileProblems, [], 'compose file', file);
      let found: { services: Record<string, unknown>; tagged: DocPath[] } | undefined;
      if (text !== undefined) {
        const yaml = parseComposeYaml(text, fileProblems);
        const doc = yaml === undefined ? undefined : interpolateTree(yaml.document, this.vars, fileProblems, this.substituted);
        if (isPlainObject(doc)) {
          const legacy = servicesOf(doc) === undefined && isLegacyDocument(doc);
          const services = legacy ? withoutVersion(doc) : servicesOf(doc);
          if (services) found = { services, tagged: taggedInServices(yaml!, legacy) };
        }
      }
      for (const p of fileProblems.errors) from.problems.error(at, `${file}: ${p.location ? `${p.location}: ` : ''}${p.message}`);
      if (!found && fileProblems.ok) from.problems.error(at, `${file} defines no services`);
      this.cache.set(abs, found);
    }
    const found = this.cache.get(abs);
    if (!found) return undefined;
    return { services: found.services, context: { name: file, directory: path.dirname(abs), problems: from.problems, tagged: found.tagged } };
  }
}

function withoutVersion(doc: Record<string, unknown>): Record<string, unknown> {
  const rest = dictOf(doc);
  delete rest.version;
  return rest;
}

/** A version 1 document as a `services:` one: its top-level `x-` blocks stay extensions, never services. */
function wrapLegacy(doc: Record<string, unknown>): Record<string, unknown> {
  const services = dict();
  const out = dict<unknown>([['services', services]]);
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'version' || k.startsWith('x-')) out[k] = v;
    else services[k] = v;
  }
  return out;
}

/**
 * Paths in a service taken from a file in another folder are relative to that folder: rewrite them
 * relative to the project directory (build context, env_file, label_file, bind mount sources).
 */
function rebasePaths(service: Record<string, unknown>, from: string, projectDirectory: string): Record<string, unknown> {
  if (path.resolve(from) === path.resolve(projectDirectory)) return service;
  const rebase = (p: string) => {
    if (path.isAbsolute(p) || p.startsWith('~') || /^[a-z]+:\/\//i.test(p) || p.startsWith('git@')) return p;
    const rel = path.relative(projectDirectory, path.resolve(from, p)) || '.';
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  const out = dictOf(service);
  if (typeof out.build === 'string') out.build = rebase(out.build);
  else if (isPlainObject(out.build) && typeof out.build.context === 'string') out.build = { ...out.build, context: rebase(out.build.context) };
  for (const key of ['env_file', 'label_file']) {
    const v = out[key];
    const one = (e: unknown) => (typeof e === 'string' ? rebase(e) : isPlainObject(e) && typeof e.path === 'string' ? { ...e, path: rebase(e.path) } : e);
    if (Array.isArray(v)) out[key] = v.map(one);
    else if (v !== undefined) out[key] = one(v);
  }
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map(v => {
      if (typeof v === 'string' && v.startsWith('.')) {
        const i = v.indexOf(':');
        return i < 0 ? v : `${rebase(v.slice(0, i))}${v.slice(i)}`;
      }
      if (isPlainObject(v) && v.type === 'bind' && typeof v.source === 'string') return { ...v, source: rebase(v.source) };
      return v;
    });
  }
  return out;
}

/** Resolve `extends` in the services of one file: each service merged over its base, recursively. */
function resolveExtends(
  services: Record<string, unknown>, servicesAt: DocPath, file: FileContext, files: ExtendsFiles, projectDirectory: string,
): Record<string, unknown> {
  const problems = file.problems;
  const resolved = new Map<string, unknown>();
  const resolveIn = (map: Record<string, unknown>, mapAt: DocPath, ctx: FileContext, name: string, trail: string[]): unknown => {
    const key = `${ctx.directory}/${ctx.name}#${name}`;
    if (resolved.has(key)) return resolved.get(key);
    const body = ownValue(map, name);
    if (!isPlainObject(body) || body.extends === undefined || body.extends === null) return body;
    const at = [...mapAt, name, 'extends'];
    if (trail.includes(key)) {
      problems.error(at, `extends forms a cycle: ${[...trail, key].map(k => k.split('#')[1]).join(' -> ')}`);
      return body;
    }
    let baseName: string | undefined;
    let baseFile: string | undefined;
    const ext = body.extends;
    if (typeof ext === 'string') {
      baseName = ext;
    } else if (isPlainObject(ext)) {
      for (const k of Object.keys(ext)) {
        if (k !== 'service' && k !== 'file') problems.error([...at, k], 'unknown extends key: allowed are service, file');
      }
      if (typeof ext.service === 'string') baseName = ext.service;
      else problems.error([...at, 'service'], `expected the name of the service to extend, got ${quote(ext.service)}`);
      if (ext.file !== undefined) {
        if (typeof ext.file === 'string') baseFile = ext.file;
        else problems.error([...at, 'file'], `expected a compose file path, got ${quote(ext.file)}`);
      }
    } else {
      problems.error(at, `expected a service name or {service, file}, got ${quote(ext)}`);
    }
    const own = dictOf(body);
    delete own.extends;
    if (baseName === undefined) return own;
    let baseMap = map;
    let baseAt = mapAt;
    let baseCtx = ctx;
    if (baseFile !== undefined) {
      const other = files.services(baseFile, ctx, at);
      if (!other) return own;
      baseMap = other.services;
      baseCtx = other.context;
      baseAt = [`(${baseFile})`];
    }
    if (!isPlainObject(ownValue(baseMap, baseName))) {
      problems.error(at, `no service ${quote(baseName)} to extend${baseFile ? ` in ${baseFile}` : ''}`);
      return own;
    }
    let base = clone(resolveIn(baseMap, baseAt, baseCtx, baseName, [...trail, key])) as Record<string, unknown>;
    if (baseCtx.directory !== ctx.directory) base = rebasePaths(base, baseCtx.directory, projectDirectory);
    // what the service tags !reset or !override replaces the base's value, as over an earlier file
    for (const tagged of ctx.tagged) if (tagged[0] === name && tagged.length > 1) deleteAt(base, tagged.slice(1));
    const merged = mergeService(base, own);
    resolved.set(key, merged);
    return merged;
  };
  const out = dict();
  for (const name of Object.keys(services)) out[name] = resolveIn(services, servicesAt, file, name, []);
  return out;
}

/** The active profiles: the given list, else COMPOSE_PROFILES (comma-separated). */
function activeProfiles(options: ComposeLoadOptions, vars: Map<string, string>): Set<string> {
  const list = options.profiles ?? (vars.get('COMPOSE_PROFILES') ?? '').split(',');
  return new Set(list.map(s => s.trim()).filter(s => s !== ''));
}

/**
 * Read a service's `env_file` entries into a map (later files win); problems at the entries. As in
 * compose, a value's `${VAR}` and a `KEY` statement look in the variables first, then in the
 * service's `environment`; a value's `${VAR}` then in what the files above (and the lines above) set.
 */
export function readServiceEnvFiles(
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
function resolveService(
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

// ---------------------------------------------------------------------------------------------
// Text to the type the key has, as compose casts it after interpolation
// ---------------------------------------------------------------------------------------------

type Cast = (text: string) => unknown;

class CastError extends Error {}

/** compose's boolean: true, yes, y, on / false, no, n, off (any case). */
const toBoolean: Cast = text => {
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
function castAt(node: unknown, pattern: string[], cast: Cast, at: DocPath, problems: Problems): void {
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
function castTypes(services: Record<string, unknown>, servicesAt: DocPath, problems: Problems): void {
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
function checkMerged(services: Record<string, unknown>, servicesAt: DocPath, problems: Problems): void {
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

/** Apply one file's `!reset` and `!override` paths to what the files before it made. */
function applyTags(acc: Record<string, unknown>, yaml: ComposeYaml): void {
  for (const at of [...yaml.resets, ...yaml.overrides]) deleteAt(acc, at);
}

/**
 * Load a compose project from its parsed documents. Problems are recorded (interpolation, extends,
 * env files); returns undefined when the documents are not mappings.
 */
export function loadComposeProject(sources: ComposeSource[], options: ComposeLoadOptions, problems: Problems): LoadedCompose | undefined {
  const projectDirectory = path.resolve(options.projectDirectory);
  const vars = buildVariables({ ...options, projectDirectory }, problems);
  const substituted = new Set<string>();
  const files = new ExtendsFiles(vars, substituted);
  let acc: Record<string, unknown> | undefined;
  let legacy = true;
  for (const source of sources) {
    const fileProblems = sources.length === 1 ? problems : new Problems(source.name);
    let doc = interpolateTree(source.yaml.document ?? {}, vars, fileProblems, substituted);
    if (!isPlainObject(doc)) {
      fileProblems.error([], `expected a compose document (a mapping with "services"), got ${quote(doc)}`);
    } else if (doc.include !== undefined) {
      fileProblems.error(['include'], 'is not read by this version: give the files to merge instead (-f a.yml -f b.yml, ComposeDefinition.fromFiles([...]))');
    } else {
      const isLegacy = isLegacyDocument(doc);
      legacy = legacy && isLegacy;
      const wrapped: Record<string, unknown> = isLegacy ? wrapLegacy(doc) : { ...doc };
      const services = servicesOf(wrapped);
      if (services) castTypes(services, isLegacy ? [] : ['services'], fileProblems);
      for (const kind of ['volumes', 'secrets', 'configs', 'networks']) {
        if (!isLegacy) castAt(wrapped[kind], ['*', 'external'], toBoolean, [kind], fileProblems);
      }
      if (services) {
        const ctx = { name: source.name, directory: source.directory, problems: fileProblems, tagged: taggedInServices(source.yaml, isLegacy) };
        wrapped.services = resolveExtends(services, isLegacy ? [] : ['services'], ctx, files, projectDirectory);
      }
      doc = wrapped;
      if (acc === undefined) {
        acc = doc as Record<string, unknown>;
      } else {
        applyTags(acc, source.yaml);
        acc = mergeDocuments(acc, doc) as Record<string, unknown>;
      }
      enforceDocumentUnicity(acc);
      // as compose, the merged document is checked after each file
      const merged = servicesOf(acc!);
      if (merged) checkMerged(merged, isLegacy ? [] : ['services'], fileProblems);
    }
    if (fileProblems !== problems) {
      problems.errors.push(...fileProblems.errors);
      problems.warnings.push(...fileProblems.warnings);
    }
  }
  if (acc === undefined) return undefined;

  const services = servicesOf(acc);
  const servicesAt = legacy ? [] : ['services'];
  if (services) {
    const profiles = activeProfiles(options, vars);
    const active = dict();
    for (const [name, body] of Object.entries(services)) {
      const at = [...servicesAt, name];
      if (!isPlainObject(body)) {
        active[name] = body;
        continue;
      }
      const own = body.profiles === undefined || body.profiles === null ? [] : toSequence(body.profiles).map(String);
      if (own.length > 0 && !profiles.has('*') && !own.some(p => profiles.has(p))) {
        problems.warn('inactive-profile', at, `left out: its profiles (${own.join(', ')}) are not active; set COMPOSE_PROFILES to include it`);
        continue;
      }
      active[name] = resolveService(body, at, vars, projectDirectory, problems, substituted);
    }
    acc.services = active;
  }
  const document = legacy ? dictOf(acc.version !== undefined ? dict([['version', acc.version]]) : dict(), services ? acc.services as Record<string, unknown> : undefined) : acc;
  return { document, variables: vars, substituted, projectDirectory, legacy };
}

/**
 * Read and parse compose files (paths as the user gave them, relative to `cwd`). Every file's problems
 * are thrown at once, each under the file's name as given; else the sources, and the problems of what
 * they make together, named after them all.
 */
export function readComposeFiles(files: string[], cwd = process.cwd()): { sources: ComposeSource[]; problems: Problems } {
  const sources: ComposeSource[] = [];
  const failed: Problems[] = [];
  for (const file of files) {
    const name = displayName(file);
    const abs = path.resolve(cwd, file);
    const fileProblems = new Problems(name);
    const text = readText(abs, fileProblems, [], 'compose file', name);
    const yaml = text === undefined ? undefined : parseComposeYaml(text, fileProblems);
    if (yaml && fileProblems.ok) sources.push({ name, directory: path.dirname(abs), yaml });
    else failed.push(fileProblems);
  }
  throwAll(...failed);
  return { sources, problems: new Problems(sources.map(s => s.name).join(' + ')) };
}
