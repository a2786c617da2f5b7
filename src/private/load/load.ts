/**
 * The load stage: YAML text to a plain document, the variables it is interpolated with
 * (the given map or the process environment, filled from `.env`), and interpolation itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { Alias, Document, isAlias, isMap, isScalar, isSeq, Node, parseDocument, visit as visitYaml, YAMLError } from 'yaml';
import { asData, dict } from '../dict';
import { parseEnvFile } from './dotenv';
import { interpolate, Lookup } from './interpolate';
import { DocPath, Problems } from '../problems';

export interface SourceOptions {
  readonly variables?: { [name: string]: string };
  readonly projectDirectory?: string;
}

/** True for a CDK token (a value resolved at deploy time), which is passed through, never parsed. */
export function isToken(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value);
}

/** Parse YAML (1.2, with anchors and `<<` merge keys). Problems are recorded with line and column. */
export function parseYaml(text: string, problems: Problems): unknown {
  if (typeof text !== 'string') {
    problems.error([], `expected YAML text, got ${typeof text}`);
    return undefined;
  }
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length > 0) {
    reportYamlErrors(doc.errors, problems);
    return undefined;
  }
  return documentData(doc, problems);
}

/**
 * What a parsed YAML document holds, as prototype-less data, with its aliases expanded. A document
 * whose aliases expand beyond what go-yaml (Docker Compose's YAML reader) allows is refused with
 * go-yaml's reason, before anything is expanded.
 */
export function documentData(doc: Document.Parsed, problems: Problems): unknown {
  const refused = aliasingRefusal(doc);
  if (refused !== undefined) {
    problems.error([], `cannot read the YAML: ${refused}`);
    return undefined;
  }
  try {
    // The check above bounds the expansion.
    return asData(doc.toJS({ maxAliasCount: -1 }));
  } catch (e) {
    problems.error([], `cannot read the YAML: ${(e as Error).message}`);
    return undefined;
  }
}

/** go-yaml v3 (decode.go, allowedAliasRatio): 99% of small documents may come from aliases, 10% of large ones. */
function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodeCount <= low) return 0.99;
  if (decodeCount >= high) return 0.10;
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}

/**
 * go-yaml v3's defence against alias bombs, counted as its decoder counts: one decode per node
 * reached (aliases expanded, `<<` keys not counted), an alias decode when inside an alias; beyond
 * 100 alias decodes and 1,000 decodes, more than the allowed ratio is "excessive aliasing". An
 * alias inside the node it names is refused as go-yaml refuses it. A document that passes expands
 * to at most a few hundred thousand nodes more than it has.
 */
export function aliasingRefusal(doc: Document.Parsed): string | undefined {
  // What each alias names: the last node before it with that anchor (one pass, in document order).
  const named = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  visitYaml(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, named.get(node.source));
      else if (node.anchor) named.set(node.anchor, node);
    },
  });
  let decodes = 1; // the document node
  let aliasDecodes = 0;
  let depth = 0;
  const expanding = new Set<Node>();
  const visit = (node: unknown): string | undefined => {
    decodes++;
    if (depth > 0) aliasDecodes++;
    if (aliasDecodes > 100 && decodes > 1000 && aliasDecodes / decodes > allowedAliasRatio(decodes)) {
      return `document contains excessive aliasing: its aliases expand to more than ${aliasDecodes} of ${decodes} nodes read, `
        + 'beyond what go-yaml (Docker Compose\'s YAML reader) allows (99% of the nodes of a document up to 400,000 nodes, down to 10% from 4,000,000)';
    }
    if (isAlias(node)) {
      if (expanding.has(node)) return `anchor '${node.source}' value contains itself`;
      expanding.add(node);
      depth++;
      const found = visit(targets.get(node));
      depth--;
      expanding.delete(node);
      return found;
    }
    if (isSeq(node)) {
      for (const item of node.items) {
        const found = visit(item);
        if (found) return found;
      }
    } else if (isMap(node)) {
      const merges: unknown[] = [];
      for (const pair of node.items) {
        if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
          // a `<<` key: its value (an alias, a mapping, or a list of them) is merged after the other keys
          merges.push(...(isSeq(pair.value) ? pair.value.items : [pair.value]));
          continue;
        }
        const found = visit(pair.key) ?? visit(pair.value);
        if (found) return found;
      }
      for (const merged of merges) {
        const found = visit(merged);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(doc.contents);
}

/** YAML syntax errors, each at its line and column. */
export function reportYamlErrors(errors: ReadonlyArray<YAMLError>, problems: Problems): void {
  for (const e of errors) {
    const pos = e.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}` : '(document)';
    problems.errorAt(where, e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
  }
}

/** The largest file the loaders read (compose, ecs-params, env_file, label_file). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * A file's name in messages: a relative path as the user gave it (`ghost/docker-compose.yml`, without
 * `./`), an absolute one by its name (a program's own path, often to a temporary folder, is noise).
 */
export function displayName(file: string): string {
  return path.isAbsolute(file) ? path.basename(file) : path.normalize(file);
}

/**
 * Read a file as text, recording a problem (not throwing) when it cannot be read: at the key that names
 * it (`where`), or on its own. `shown` is the path as the user wrote it (default: `file`).
 */
export function readText(file: string, problems: Problems, where: DocPath, what: string, shown: string = file): string | undefined {
  const report = (reason: string) => {
    // The file whose problems these are need not be named again.
    const message = where.length === 0 && problems.file === shown ? reason : `${what} ${JSON.stringify(shown)}: ${reason}`;
    if (where.length > 0) problems.error(where, message);
    else problems.errorAt('', message);
  };
  const resolved = path.resolve(file);
  // A path with a line break or another control character is shown quoted: a problem is one line.
  const lookedFor = resolved !== shown ? ` (looked for ${/[\u0000-\u001f\u007f]/.test(resolved) ? JSON.stringify(resolved) : resolved})` : '';
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      report(`${stat.isDirectory() ? 'a folder' : 'not a regular file'}, not a ${what}${lookedFor}`);
      return undefined;
    }
    if (stat.size > MAX_FILE_BYTES) {
      report(`${stat.size} bytes is more than the ${MAX_FILE_BYTES} a ${what} may have`);
      return undefined;
    }
    return fs.readFileSync(file, 'utf-8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'file not found'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : `cannot be read (${code ?? (e as Error).message})`;
    report(`${reason}${lookedFor}`);
    return undefined;
  }
}

/**
 * The variables for interpolation: `variables` when given, else the process environment; the env
 * files (default: the `.env` file in the project directory, when there is one) fill only what they
 * lack, as compose does. A value in an env file may use the variables and the entries above it.
 */
export function buildVariables(options: SourceOptions & { readonly envFiles?: string[] }, problems: Problems): Map<string, string> {
  const vars = new Map<string, string>();
  const base = options.variables ?? (process.env as Record<string, string | undefined>);
  for (const [k, v] of Object.entries(base)) {
    if (typeof v === 'string') vars.set(k, v);
  }
  const dir = options.projectDirectory ?? process.cwd();
  const explicit = options.envFiles !== undefined;
  const fromFiles = new Map<string, string>();
  for (const given of options.envFiles ?? ['.env']) {
    const file = path.resolve(dir, given);
    if (!explicit && !fs.existsSync(file)) continue;
    const label = explicit ? given : '.env';
    const text = readText(file, problems, [], explicit ? 'env file' : '.env file', label);
    if (text === undefined) continue;
    const parsed = parseEnvFile(text, name => vars.get(name) ?? fromFiles.get(name));
    for (const err of parsed.errors) problems.errorAt(`${label} line ${err.line}`, err.message);
    for (const e of parsed.entries) {
      if (e.value !== undefined) fromFiles.set(e.name, e.value);
    }
  }
  for (const [k, v] of fromFiles) {
    if (!vars.has(k)) vars.set(k, v);
  }
  return vars;
}

/**
 * Interpolate every string value of a document (keys stay as written). CDK tokens pass through.
 * Unset variables become "" with one warning each.
 */
export function interpolateTree(doc: unknown, vars: Map<string, string>, problems: Problems, substituted?: Set<string>): unknown {
  const warned = new Set<string>();
  let used = false;
  // A variable with a value put into the string: it is not written in the file (a secret kept out of it).
  const lookup: Lookup = name => {
    const v = vars.get(name);
    if (v !== undefined && v !== '') used = true;
    return v;
  };
  const walk = (node: unknown, at: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      if (isToken(node) || !node.includes('$')) return node;
      used = false;
      const r = interpolate(node, lookup);
      if (used && r.value !== undefined) substituted?.add(r.value);
      for (const name of r.unset) {
        if (!warned.has(name)) {
          warned.add(name);
          problems.warn('unset-variable', at, `variable ${name} is not set: using an empty string`);
        }
      }
      if (r.error !== undefined) {
        problems.error(at, `cannot interpolate ${JSON.stringify(node)}: ${r.error}`);
        return node;
      }
      return r.value;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...at, i]));
    if (isPlainObject(node)) {
      const out = dict();
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, [...at, k]);
      return out;
    }
    return node;
  };
  return walk(doc, []);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
