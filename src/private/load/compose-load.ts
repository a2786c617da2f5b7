/**
 * The load stage of a compose project, in Docker Compose's order: each file parsed and interpolated
 * on its own, its `extends` resolved, then the files merged in order (with `!reset` / `!override`);
 * then the services whose profiles are not active left out, and each service's `env_file` read into
 * its `environment` (and `KEY`-only entries taken from the variables). What comes out is still a
 * compose document: the Fargate mapping (normalize) and the `config` command both read it.
 */
import * as path from 'path';
import { castAt, castTypes, checkMerged, toBoolean } from './casts';
import { ComposeYaml, deleteAt, parseComposeYaml } from './compose-yaml';
import { dict, dictOf } from '../dict';
import { isLegacyDocument, servicesOf, taggedInServices, wrapLegacy } from './document-shape';
import { resolveService } from './env-files';
import { ExtendsFiles, resolveExtends } from './extends';
import { buildVariables, displayName, interpolateTree, isPlainObject, readText } from './load';
import { enforceDocumentUnicity, mergeDocuments, toSequence } from './merge';
import { Problems, quote, throwAll } from '../problems';

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

/** The active profiles: the given list, else COMPOSE_PROFILES (comma-separated). */
function activeProfiles(options: ComposeLoadOptions, vars: Map<string, string>): Set<string> {
  const list = options.profiles ?? (vars.get('COMPOSE_PROFILES') ?? '').split(',');
  return new Set(list.map(s => s.trim()).filter(s => s !== ''));
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
