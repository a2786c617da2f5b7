/**
 * `build:`: the Docker image asset a service's image is built as, and the configuration files its
 * build context copies into the image (for the names of other services in them).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ServiceBuilder } from './builder';
import { dict } from '../dict';
import { builtImage, builtStage, dockerfileInstructions, dockerfileStages } from '../dockerfile';
import { fileExists } from './files';
import { DocPath, quote } from '../problems';

const BUILD_IGNORED = ['cache_from', 'cache_to', 'no_cache', 'labels', 'network', 'pull', 'shm_size', 'extra_hosts', 'isolation',
  'ssh', 'secrets', 'tags', 'ulimits', 'platforms', 'entitlements', 'privileged', 'additional_contexts'];

export function readBuild(svc: ServiceBuilder, v: unknown, at: DocPath) {
  const r = svc.r;
  let spec: Record<string, unknown>;
  const short = typeof v === 'string';
  if (typeof v === 'string') {
    spec = { context: v };
  } else {
    const m = r.map(v, at, 'a build context path or a mapping with context');
    if (!m) return undefined;
    spec = m;
  }
  for (const key of Object.keys(spec)) {
    if (BUILD_IGNORED.includes(key)) {
      r.problems.warn('ignored-key', [...at, key], 'ignored: the CDK image asset builds with context, dockerfile, args and target');
    } else if (!['context', 'dockerfile', 'args', 'target', 'dockerfile_inline'].includes(key) && !key.startsWith('x-')) {
      r.problems.error([...at, key], 'unknown build key: allowed are context, dockerfile, args, target');
    }
  }
  if (spec.dockerfile_inline !== undefined) {
    r.problems.error([...at, 'dockerfile_inline'], 'cannot be honoured: a CDK image asset builds from a Dockerfile in the context: write it to a file and give dockerfile');
    return undefined;
  }
  const contextText = spec.context === undefined ? '.' : r.string(spec.context, [...at, 'context'], 'a folder');
  if (contextText === undefined) return undefined;
  if (/^[a-z]+:\/\//i.test(contextText) || contextText.startsWith('git@')) {
    r.problems.error(spec.context === undefined || short ? at : [...at, 'context'], `cannot be honoured: a CDK image asset builds from a local folder, not ${quote(contextText)}`);
    return undefined;
  }
  const context = path.resolve(svc.ctx.projectDirectory, contextText);
  const dockerfile = spec.dockerfile === undefined ? undefined : r.string(spec.dockerfile, [...at, 'dockerfile'], 'a file in the context');
  const target = spec.target === undefined ? undefined : r.string(spec.target, [...at, 'target'], 'a build stage');
  const args = dict<string>();
  for (const kv of spec.args === undefined || spec.args === null ? [] : r.keyValues(spec.args, [...at, 'args']) ?? []) {
    const value = kv.value ?? svc.ctx.variables.get(kv.name);
    if (value !== undefined) args[kv.name] = value;
  }
  let isDir = false;
  try {
    isDir = fs.statSync(context).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    r.problems.error(spec.context === undefined || short ? at : [...at, 'context'], `the build context ${quote(contextText)} is not a folder (looked in ${context})`);
    return undefined;
  }
  if (!fileExists(path.resolve(context, dockerfile ?? 'Dockerfile'))) {
    r.problems.error(dockerfile === undefined ? at : [...at, 'dockerfile'], `no ${quote(dockerfile ?? 'Dockerfile')} in the build context ${context}`);
    return undefined;
  }
  const text = fs.readFileSync(path.resolve(context, dockerfile ?? 'Dockerfile'), 'utf-8');
  const instructions = dockerfileInstructions(text);
  const open = instructions.find(i => i.unterminated);
  if (open) {
    // BuildKit refuses the file at deploy time: say so now.
    r.problems.error(dockerfile === undefined ? at : [...at, 'dockerfile'], `${dockerfile ?? 'Dockerfile'} line ${open.firstLine + 1}: the heredoc of \`${open.keyword} ${open.args}\` never ends: `
      + 'its delimiter must stand alone on a line');
    return undefined;
  }
  if (target !== undefined) {
    // A target the Dockerfile does not name fails the build at deploy time: say so now.
    const stages = dockerfileStages(text, instructions);
    if (!stages.some(s => s.name?.includes('$')) && !builtStage(stages, target)) {
      const names = stages.flatMap(s => s.name === undefined ? [] : [s.name]);
      r.problems.error([...at, 'target'], `no stage ${quote(target)} in ${dockerfile ?? 'Dockerfile'}: ${names.length === 0 ? 'its stages have no names (FROM image AS name)' : `its stages are ${names.join(', ')}`}`);
      return undefined;
    }
  }
  return { context, dockerfile, args, target, dockerfileText: text, texts: copiedConfigTexts(context, text, target, args), path: at };
}

/** File names that hold configuration, where the names of other services stand. */
const CONFIG_FILE = /(?:\.(?:properties|ya?ml|conf|cfg|cnf|ini|toml|json|xml|env|config)|^\.env(?:\..*)?|^nginx\.conf.*)$/i;
/** Folders of a build context that hold dependencies or build output, not the project's configuration. */
const NOT_CONFIG_FOLDERS = ['node_modules', 'vendor', 'target', 'build', 'dist', 'out', 'bin', 'obj', 'venv', '__pycache__', 'test', 'tests'];

/**
 * The configuration files a build copies from its context (COPY/ADD sources without wildcards; `.`
 * for the whole context), at most 40 files of 64 KiB: what the image's programs read at start.
 */
function copiedConfigTexts(
  context: string, dockerfileText: string, target: string | undefined, args: Record<string, string>,
): { file: string; text: string }[] {
  let copies: { sources: string[] }[];
  try {
    copies = builtImage(dockerfileText, target, args).copies;
  } catch {
    return [];
  }
  const sources = [...new Set(copies.flatMap(c => c.sources).filter(src => !/[*?[$]/.test(src)))]
    .map(src => path.resolve(context, src))
    .filter(abs => !path.relative(context, abs).startsWith('..'));
  const out: { file: string; text: string }[] = [];
  const seen = new Set<string>();
  const visit = (p: string, depth: number, top: boolean) => {
    if (out.length >= 40 || seen.has(p)) return;
    seen.add(p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    const base = path.basename(p);
    if (stat.isDirectory()) {
      if (depth > 6 || (!top && (base.startsWith('.') || NOT_CONFIG_FOLDERS.includes(base)))) return;
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name), depth + 1, false);
    } else if (stat.isFile() && stat.size <= 65536 && (top || CONFIG_FILE.test(base)) && base !== 'package-lock.json') {
      const text = fs.readFileSync(p, 'utf-8');
      if (!text.includes('\0')) out.push({ file: path.relative(context, p).split(path.sep).join('/'), text });
    }
  };
  for (const abs of sources) visit(abs, 0, true);
  return out;
}
