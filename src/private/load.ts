/**
 * The load stage: YAML text to a plain document, the variables it is interpolated with
 * (the given map or the process environment, filled from `.env`), and interpolation itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { parseDocument, YAMLError } from 'yaml';
import { asData, dict } from './dict';
import { parseEnvFile } from './dotenv';
import { interpolate, Lookup } from './interpolate';
import { DocPath, Problems } from './problems';

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
  try {
    return asData(doc.toJS({ maxAliasCount: 1000 }));
  } catch (e) {
    problems.error([], `cannot read the YAML: ${(e as Error).message}`);
    return undefined;
  }
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

/** Read a file as text, recording a problem (not throwing) when it cannot be read. */
export function readText(file: string, problems: Problems, where: DocPath, what: string): string | undefined {
  // A file that cannot be read is reported at the key that names it, or on its own.
  const report = (message: string) => (where.length > 0 ? problems.error(where, message) : problems.errorAt('', message));
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      report(`cannot read ${what} ${JSON.stringify(file)}: not a regular file`);
      return undefined;
    }
    if (stat.size > MAX_FILE_BYTES) {
      report(`cannot read ${what} ${JSON.stringify(file)}: ${stat.size} bytes is more than the ${MAX_FILE_BYTES} allowed`);
      return undefined;
    }
    return fs.readFileSync(file, 'utf-8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    report(`cannot read ${what} ${JSON.stringify(file)}${code ? ` (${code})` : ''}`);
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
    const text = readText(file, problems, [], explicit ? 'env file' : '.env file');
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
