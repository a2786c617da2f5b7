/**
 * `cdk-compose-fargate config`: the compose model the files make, printed as `docker compose config`
 * prints it. The files go through the same load stage as the constructs' (compose-load.ts); the
 * canonical shape is compose's (canonical.ts); nothing of the Fargate mapping runs.
 */
import * as os from 'os';
import * as path from 'path';
import { ParsedArgs } from './args';
import { projectNameFromFolder, resolveInputs } from './project';
import { dict } from '../private/dict';
import { canonicalCompose, escapeDollars } from '../private/load/canonical';
import { loadComposeProject, readComposeFiles } from '../private/load/compose-load';
import { printComposeJson, printComposeYaml } from '../private/load/compose-print';
import { formatProblem } from '../private/problems';

/** What `config` prints, and the warnings found on the way. */
export interface ConfigOutput {
  readonly text: string;
  readonly warnings: string[];
}

/** Read the files and render the canonical model; throws the problems of bad input. */
export function renderConfig(args: ParsedArgs, env: NodeJS.ProcessEnv, cwd: string): ConfigOutput {
  const inputs = resolveInputs(args, env, cwd);
  const { sources, problems } = readComposeFiles(inputs.composeFiles, cwd);
  const firstFile = path.resolve(cwd, inputs.composeFiles[0]);
  const projectDirectory = path.resolve(cwd, args.projectDirectory ?? path.dirname(firstFile));
  const variables = dict<string>();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) variables[k] = v;
  const loaded = loadComposeProject(sources, {
    variables,
    projectDirectory,
    envFiles: args.envFiles?.map(f => path.resolve(cwd, f)),
    profiles: args.profiles,
  }, problems);
  problems.throwIfAny();
  const doc = loaded!.document;
  const declared = !loaded!.legacy && typeof doc.name === 'string' && doc.name !== '' ? doc.name : undefined;
  if (declared !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(declared)) {
    problems.error(['name'], `project name ${JSON.stringify(declared)} must be lowercase letters, digits, dashes and underscores, starting with a letter or digit`);
  }
  const projectName = inputs.projectName ?? nonEmpty(loaded!.variables.get('COMPOSE_PROJECT_NAME')) ?? declared ?? projectNameFromFolder(firstFile);
  const home = nonEmpty(loaded!.variables.get('HOME')) ?? os.homedir();
  const model = canonicalCompose(doc, { projectName, projectDirectory, legacy: loaded!.legacy, home }, problems);
  problems.throwIfAny();
  const printed = escapeDollars(model);
  const text = args.format === 'json' ? printComposeJson(printed as Record<string, unknown>) : printComposeYaml(printed as Record<string, unknown>);
  return { text, warnings: problems.warnings.map(w => `warning: ${formatProblem(w)}`) };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}

export function config(args: ParsedArgs): number {
  const out = renderConfig(args, process.env, process.cwd());
  for (const w of out.warnings) process.stderr.write(`${w}\n`);
  process.stdout.write(out.text);
  return 0;
}
