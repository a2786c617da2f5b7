/**
 * From the command line to a CDK app: which files (ecs-cli's and compose's defaults), which
 * project name, which environment; then the files read and checked, the stack built.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { IConstruct } from 'constructs';
import { ParsedArgs, PROGRAM } from './args';
import { ComposeDefinition } from '../compose/compose-definition';
import { ComposeFargateProject } from '../compose-fargate-project';
import { ComposeFargateService } from '../compose-fargate-service';
import { EcsParams } from '../ecs-params/ecs-params';
import { WARNING_PREFIX } from '../resources/infrastructure';

/** The compose file names looked for when none is given: ecs-cli's first, then compose's. */
const DEFAULT_COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.yaml', 'compose.yaml', 'compose.yml'];
const DEFAULT_ECS_PARAMS = 'ecs-params.yml';

/** The construct's id in the stack: the prefix of every logical ID. */
const CONSTRUCT_ID = 'Compose';

export interface ProjectInputs {
  readonly composeFiles: string[];
  readonly ecsParamsFile?: string;
  /** From the flag or COMPOSE_PROJECT_NAME; undefined: the compose `name:` or the folder. */
  readonly projectName?: string;
  readonly region?: string;
  readonly account?: string;
  /** One ECS service per compose service (ComposeFargateProject). */
  readonly perService?: boolean;
  /** The warnings to acknowledge (`--ack`), as given. */
  readonly acks?: string[];
}

/** Where the files and the names come from: flags, then the environment, then the defaults. */
export function resolveInputs(args: ParsedArgs, env: NodeJS.ProcessEnv, cwd: string): ProjectInputs {
  return {
    composeFiles: args.files.length > 0 ? args.files : composeFilesFromEnv(env) ?? defaultComposeFiles(cwd),
    ecsParamsFile: args.ecsParams ?? (fs.existsSync(path.join(cwd, DEFAULT_ECS_PARAMS)) ? DEFAULT_ECS_PARAMS : undefined),
    projectName: args.projectName ?? nonEmpty(env.COMPOSE_PROJECT_NAME),
    region: args.region ?? nonEmpty(env.CDK_DEFAULT_REGION),
    account: nonEmpty(env.CDK_DEFAULT_ACCOUNT),
    perService: args.perService,
    acks: args.acks,
  };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}

/** COMPOSE_FILE, as compose reads it: a list separated by COMPOSE_PATH_SEPARATOR (":", ";" on Windows). */
function composeFilesFromEnv(env: NodeJS.ProcessEnv): string[] | undefined {
  const value = nonEmpty(env.COMPOSE_FILE);
  if (value === undefined) return undefined;
  const separator = nonEmpty(env.COMPOSE_PATH_SEPARATOR) ?? path.delimiter;
  const files = value.split(separator).filter(f => f !== '');
  return files.length > 0 ? files : undefined;
}

/** The first default file that exists, then its override file when it exists (docker-compose.override.yml). */
function defaultComposeFiles(cwd: string): string[] {
  const base = DEFAULT_COMPOSE_FILES.find(f => fs.existsSync(path.join(cwd, f)));
  // None: the loader reports the file ecs-cli would have read as missing.
  if (base === undefined) return [DEFAULT_COMPOSE_FILES[0]];
  const ext = path.extname(base);
  const override = `${path.basename(base, ext)}.override${ext}`;
  return fs.existsSync(path.join(cwd, override)) ? [base, override] : [base];
}

/**
 * The folder name as a project name: as ecs-cli, the folder of the first compose file, case kept;
 * as compose, without the characters a task family cannot hold.
 */
export function projectNameFromFolder(firstComposeFile: string): string {
  const name = path.basename(path.dirname(path.resolve(firstComposeFile))).replace(/[^A-Za-z0-9_-]/g, '').replace(/^[-_]+/, '');
  return name === '' ? 'compose' : name.slice(0, 255);
}

/** A CloudFormation stack name from the project name: letters, digits and dashes, starting with a letter. */
function stackNameOf(projectName: string): string {
  const name = projectName.replace(/[^A-Za-z0-9-]/g, '-');
  return (/^[A-Za-z]/.test(name) ? name : `compose-${name}`).slice(0, 128);
}

/**
 * Read the files and build the app and its one stack. Every problem of both files is thrown at once, before
 * anything is synthesized.
 *
 * @param outdir where the app synthesizes (undefined: $CDK_OUTDIR, as `new App()` reads it)
 */
export function buildProject(inputs: ProjectInputs, outdir?: string): BuiltProject {
  const failures: string[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (e) {
      failures.push((e as Error).message);
      return undefined;
    }
  };
  const compose = attempt(() => ComposeDefinition.fromFiles(inputs.composeFiles));
  const ecsParams = inputs.ecsParamsFile === undefined ? undefined : attempt(() => EcsParams.fromFile(inputs.ecsParamsFile!));
  if (failures.length > 0 || compose === undefined) throw new Error(failures.join('\n'));

  const projectName = inputs.projectName ?? compose.projectName ?? projectNameFromFolder(inputs.composeFiles[0]);
  // autoSynth off: an app that failed half-way must not be synthesized when the process exits.
  const app = new App({ outdir, autoSynth: false });
  const env = inputs.region !== undefined || inputs.account !== undefined
    ? { region: inputs.region, account: inputs.account }
    : undefined;
  const stack = new Stack(app, stackNameOf(projectName), {
    env,
    description: `docker-compose project ${projectName}, deployed to ECS on Fargate by cdk-compose-fargate`,
  });
  // What `aws ecs` and `aws logs` commands need, printed by `cdk deploy`.
  if (inputs.perService) {
    const project = new ComposeFargateProject(stack, CONSTRUCT_ID, { compose, ecsParams, projectName });
    new CfnOutput(stack, 'ClusterName', { value: project.cluster.clusterName, description: 'the ECS cluster' });
    for (const name of project.serviceNames) {
      new CfnOutput(stack, `ServiceName${name.replace(/[^A-Za-z0-9]/g, '')}`, { value: project.service(name).service.serviceName, description: `the ECS service of ${name}` });
    }
  } else {
    const service = new ComposeFargateService(stack, CONSTRUCT_ID, { compose, ecsParams, projectName });
    new CfnOutput(stack, 'ClusterName', { value: service.cluster.clusterName, description: 'the ECS cluster' });
    new CfnOutput(stack, 'ServiceName', { value: service.service.serviceName, description: 'the ECS service' });
  }
  return { app, ...acknowledgeWarnings(stack, inputs.acks ?? []) };
}

/** The app, and what acknowledging its warnings did. */
export interface BuiltProject extends Acknowledged {
  readonly app: App;
}

export interface Acknowledged {
  /** The warnings acknowledged: id and how many there were. */
  readonly acknowledged: [string, number][];
  /** What to tell the user: an id no warning has. */
  readonly notes: string[];
}

/** A warning's id: what aws-cdk-lib's addWarningV2 ends its text with, `[ack: ID]`. */
const ACK_TAG = /\[ack: ([^\]]+)\]$/;

/** The ids of the warnings under a construct, with how many there are of each. */
function warningIds(root: IConstruct): Map<string, number> {
  const ids = new Map<string, number>();
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      const id = m.type === cxschema.ArtifactMetadataEntryType.WARN ? ACK_TAG.exec(String(m.data))?.[1] : undefined;
      if (id !== undefined) ids.set(id, (ids.get(id) ?? 0) + 1);
    }
  }
  return ids;
}

/**
 * Acknowledge warnings on the stack, so that they are neither printed nor written to the assembly. An id
 * without a colon is the library's (`ignored-key`: `cdk-compose-fargate:ignored-key`); one with a colon is
 * taken as it is (aws-cdk-lib's `@aws-cdk/aws-elbv2:...`). An id no warning of the stack has is a note.
 */
export function acknowledgeWarnings(stack: Stack, given: string[]): Acknowledged {
  const present = warningIds(stack);
  const acknowledged: [string, number][] = [];
  const notes: string[] = [];
  for (const id of new Set(given)) {
    const full = id.includes(':') ? id : `${WARNING_PREFIX}:${id}`;
    const count = present.get(full);
    if (count === undefined) {
      const known = [...present.keys()].sort();
      notes.push(`${PROGRAM}: --ack ${id}: no warning here has the id ${full}; ${known.length === 0 ? 'there are no warnings' : `the warnings' ids are ${known.join(', ')}`}`);
      continue;
    }
    Annotations.of(stack).acknowledgeWarning(full);
    acknowledged.push([full, count]);
  }
  return { acknowledged, notes };
}
