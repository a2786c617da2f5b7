#!/usr/bin/env node
/**
 * `cdk-compose-fargate`: the library as a command, for people who ran `ecs-cli compose service up`
 * or `docker compose up` on ECS and have never written a CDK app.
 *
 * - `synth`: write the cloud assembly and print what it makes;
 * - `app`: be the app of `cdk deploy --app "..."` / `cdk destroy`;
 * - `task-definition`: print the ECS task definition the files make;
 * - `config`: print the compose model the files make, as `docker compose config` does;
 * - `diagram`: print a Mermaid flowchart of what the files become.
 *
 * Exit status: 0 done, 1 bad input (every problem on stderr, nothing written), 2 bad command line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { CommandName, parseArgs, ParsedArgs, PROGRAM, UsageError, usageHint } from './args';
import { config } from './config';
import { Acknowledged, buildProject, resolveInputs } from './project';
import { environmentOf, summarize } from './summary';
import { registerTaskDefinitionRequests } from './task-definition';
import { ComposeFargateProject } from '../compose-fargate-project';
import { ComposeFargateService } from '../compose-fargate-service';
import { renderMermaid } from '../private/plan/diagram';

function version(): string {
  try {
    // The same from src/cli and lib/cli.
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Synthesize in a folder of its own, so that nothing reaches the user's output unless all went
 * well; the folder is removed afterwards.
 */
function withScratchAssembly<T>(args: ParsedArgs, use: (assembly: cxapi.CloudAssembly, picture: string, acks: Acknowledged) => T): T {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${PROGRAM}-`));
  try {
    const built = buildProject(resolveInputs(args, process.env, process.cwd()), scratch);
    const assembly = built.app.synth();
    const errors = assembly.stacks.flatMap(s => s.messages.filter(m => m.level === cxapi.SynthesisMessageLevel.ERROR));
    if (errors.length > 0) throw new Error(errors.map(m => `${m.id}: ${String(m.entry.data)}`).join('\n'));
    printNotes(built);
    return use(assembly, diagramOfApp(built.app), built);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function synth(args: ParsedArgs): number {
  const output = args.output ?? 'cdk.out';
  const summary = withScratchAssembly(args, (assembly, picture, acks) => {
    fs.mkdirSync(output, { recursive: true });
    fs.cpSync(assembly.directory, output, { recursive: true, force: true });
    fs.writeFileSync(path.join(output, 'diagram.mmd'), picture);
    return summarize(assembly, output, acks.acknowledged);
  });
  process.stdout.write(summary);
  process.stdout.write(`\nDeploy it: npx cdk deploy --app ${/\s/.test(output) ? JSON.stringify(output) : output}\n`);
  return 0;
}

function taskDefinition(args: ParsedArgs): number {
  const requests = withScratchAssembly(args, assembly => assembly.stacks.flatMap(stack => {
    for (const w of stack.messages.filter(m => m.level === cxapi.SynthesisMessageLevel.WARNING)) process.stderr.write(`warning: ${String(w.entry.data)}\n`);
    return registerTaskDefinitionRequests(stack.template, environmentOf(stack));
  }));
  process.stdout.write(JSON.stringify(requests.length === 1 ? requests[0] : requests, undefined, 2) + '\n');
  return 0;
}

function app(args: ParsedArgs): number {
  if (!process.env[cxapi.OUTDIR_ENV]) {
    throw new UsageError(`${cxapi.OUTDIR_ENV} is not set: \`app\` is run by the CDK CLI (npx cdk deploy --app "npx ${PROGRAM} app ..."); `
      + `to write a cloud assembly yourself, run \`${PROGRAM} synth --output DIR\``, 'app');
  }
  // new App() reads the output folder and the context from the environment the CDK CLI sets.
  const built = buildProject(resolveInputs(args, process.env, process.cwd()));
  built.app.synth();
  printNotes(built);
  return 0;
}

/** What --ack did not find, on stderr. */
function printNotes(acks: Acknowledged): void {
  for (const note of acks.notes) process.stderr.write(`${note}\n`);
}

/** The Mermaid flowchart of the construct the app holds. */
function diagramOfApp(root: App): string {
  const construct = root.node.findAll().find((c): c is ComposeFargateService | ComposeFargateProject =>
    c instanceof ComposeFargateService || c instanceof ComposeFargateProject);
  return construct ? renderMermaid(construct._diagram) : '';
}

function diagram(args: ParsedArgs): number {
  process.stdout.write(withScratchAssembly(args, (_assembly, picture) => picture));
  return 0;
}

const RUN: Record<CommandName, (args: ParsedArgs) => number> = {
  'synth': synth, 'app': app, 'task-definition': taskDefinition, 'diagram': diagram, 'config': config,
};

/**
 * Run the command line (without `node` and the script name).
 *
 * @returns the exit status
 */
export async function main(argv: string[]): Promise<number> {
  let command: CommandName | undefined;
  try {
    const parsed = parseArgs(argv, version());
    if ('text' in parsed) {
      process.stdout.write(parsed.text);
      return 0;
    }
    command = parsed.command;
    return RUN[parsed.command](parsed);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${PROGRAM}${e.command ? ` ${e.command}` : ''}: ${e.message}\n${usageHint(e.command)}`);
      return 2;
    }
    const err = e as Error;
    // A TypeError and its kin are bugs: their stack helps the report.
    const bug = err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError;
    process.stderr.write(`${bug ? err.stack : err.message}\n`);
    if (command === 'synth') process.stderr.write(`${PROGRAM} synth: nothing was written\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
}
