/**
 * `extends`, as Docker Compose resolves it in each file before the files are merged: each service
 * merged over its base (in the same file or `file:`, read once), recursively, with the base's paths
 * rebased onto the project directory.
 */
import * as path from 'path';
import { deleteAt, parseComposeYaml } from './compose-yaml';
import { dict, dictOf, ownValue } from '../dict';
import { isLegacyDocument, servicesOf, taggedInServices, withoutVersion } from './document-shape';
import { interpolateTree, isPlainObject, readText } from './load';
import { mergeService } from './merge';
import { DocPath, Problems, quote } from '../problems';

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

/** Reads the files that `extends.file` names, once each. */
export class ExtendsFiles {
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
export function resolveExtends(
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
