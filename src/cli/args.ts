/**
 * The command line: commands, flags (named as ecs-cli named them), help texts and the parser.
 * Hand-written: the package has no argument-parsing dependency.
 */

import { ownValue } from '../private/dict';

export const PROGRAM = 'cdk-compose-fargate';

export type CommandName = 'synth' | 'app' | 'task-definition' | 'diagram' | 'config';

/** What the command line asked for. */
export interface ParsedArgs {
  readonly command: CommandName;
  /** `--file/-f`, in order. Empty: COMPOSE_FILE, else the default files. */
  readonly files: string[];
  readonly ecsParams?: string;
  readonly projectName?: string;
  readonly region?: string;
  readonly output?: string;
  /** `--per-service`: one ECS service per compose service (ComposeFargateProject). */
  readonly perService?: boolean;
  /** `config`: `--profile`, `--env-file` (in order), `--project-directory`, `--format`. */
  readonly profiles?: string[];
  readonly envFiles?: string[];
  readonly projectDirectory?: string;
  readonly format?: string;
  /** `--ack`: the warnings acknowledged (not printed), by id, in order. */
  readonly acks?: string[];
}

/** A command line that cannot be run: exit status 2, with the usage. */
export class UsageError extends Error {
  constructor(message: string, public readonly command?: CommandName) {
    super(message);
    this.name = 'UsageError';
    Object.setPrototypeOf(this, UsageError.prototype);
  }
}

/** The command line asks for text (help, version), not for a run. */
export interface TextRequest {
  readonly text: string;
}

interface FlagSpec {
  readonly long: string;
  readonly short?: string;
  readonly key: 'files' | 'ecsParams' | 'projectName' | 'region' | 'output' | 'perService' | RepeatedKey | 'projectDirectory' | 'format';
  /** Empty: a switch, which takes no value. */
  readonly metavar: string;
  readonly help: string;
}
/** Flags that may be given more than once, kept in order. */
type RepeatedKey = 'profiles' | 'envFiles' | 'acks';
const REPEATED: ReadonlyArray<FlagSpec['key']> = ['files', 'profiles', 'envFiles', 'acks'];

const FILE: FlagSpec = {
  long: 'file',
  short: 'f',
  key: 'files',
  metavar: 'FILE',
  help: 'a compose file; repeat to merge several in order\n'
    + '(as docker compose -f a.yml -f b.yml). Default:\n'
    + '$COMPOSE_FILE (a list separated by ":" or by\n'
    + '$COMPOSE_PATH_SEPARATOR), else docker-compose.yml\n'
    + '(or docker-compose.yaml, compose.yaml, compose.yml)\n'
    + 'and its .override file when there is one',
};
const ECS_PARAMS: FlagSpec = {
  long: 'ecs-params',
  key: 'ecsParams',
  metavar: 'FILE',
  help: 'the ecs-params file. Default: ./ecs-params.yml\n'
    + 'when it exists',
};
const PROJECT_NAME: FlagSpec = {
  long: 'project-name',
  short: 'p',
  key: 'projectName',
  metavar: 'NAME',
  help: 'the project name: task definition family, ECS\n'
    + 'service name and stack name. Default:\n'
    + '$COMPOSE_PROJECT_NAME, else the compose `name:`,\n'
    + 'else the folder of the first compose file',
};
const REGION: FlagSpec = {
  long: 'region',
  short: 'r',
  key: 'region',
  metavar: 'REGION',
  help: 'the region the stack is for. Default:\n'
    + '$CDK_DEFAULT_REGION, else none (an environment-\n'
    + 'agnostic stack). Nothing is asked of AWS',
};
const OUTPUT: FlagSpec = {
  long: 'output',
  short: 'o',
  key: 'output',
  metavar: 'DIR',
  help: 'where the cloud assembly is written.\n'
    + 'Default: cdk.out',
};

const PER_SERVICE: FlagSpec = {
  long: 'per-service',
  key: 'perService',
  metavar: '',
  help: 'one ECS service per compose service, reaching\n'
    + 'each other by their compose names (what\n'
    + '`docker compose up` means; ComposeFargateProject).\n'
    + 'Default: one task with every service (ecs-cli)',
};

const INPUT_FLAGS = [FILE, ECS_PARAMS, PROJECT_NAME, REGION, PER_SERVICE];

const ACK: FlagSpec = {
  long: 'ack',
  key: 'acks',
  metavar: 'ID',
  help: 'acknowledge a warning: it is not printed. ID is\n'
    + 'what the warning ends with, [ack: ID], with or\n'
    + 'without "cdk-compose-fargate:"; repeat for\n'
    + 'several. An ID no warning has is reported on stderr',
};

/** The flags of the commands that print warnings. */
const WARNING_FLAGS = [...INPUT_FLAGS, ACK];

const CONFIG_FLAGS: FlagSpec[] = [FILE, {
  long: 'profile',
  key: 'profiles',
  metavar: 'NAME',
  help: 'activate a profile; repeat for several. Default:\n$COMPOSE_PROFILES (comma-separated)',
}, {
  long: 'env-file',
  key: 'envFiles',
  metavar: 'FILE',
  help: 'read the variables from FILE instead of the\nproject directory\'s .env; repeat for several',
}, {
  long: 'project-directory',
  key: 'projectDirectory',
  metavar: 'DIR',
  help: 'where .env, env_file and build paths are read.\nDefault: the folder of the first compose file',
}, PROJECT_NAME, {
  long: 'format',
  key: 'format',
  metavar: 'yaml|json',
  help: 'the output format. Default: yaml',
}];

interface CommandSpec {
  readonly name: CommandName;
  readonly summary: string;
  readonly flags: FlagSpec[];
  readonly description: string;
  readonly examples: string[];
}

const COMMANDS: CommandSpec[] = [
  {
    name: 'synth',
    summary: 'write the CloudFormation (a cloud assembly) and print what it makes',
    flags: [...WARNING_FLAGS, OUTPUT],
    description: 'Reads the compose and ecs-params files, writes a cloud assembly (the stack\'s\n'
      + 'CloudFormation template) to --output, and prints the containers, images, ports,\n'
      + 'cpu/memory, log groups and every warning (each ends with [ack: ID]; --ack ID\n'
      + 'acknowledges it, and it is neither printed nor kept in the assembly). Bad input:\n'
      + 'every problem, each with its file and path, on stderr; exit status 1; nothing is\n'
      + 'written.\n'
      + 'Deploy what it wrote with `npx cdk deploy --app cdk.out`.',
    examples: [
      `${PROGRAM} synth`,
      `${PROGRAM} synth -f docker-compose.yml --ecs-params ecs-params.yml -p tutorial -r us-west-1`,
      `${PROGRAM} synth --ack ignored-key --ack host-port`,
    ],
  },
  {
    name: 'app',
    summary: 'be the CDK app of `cdk deploy` / `cdk destroy` (replaces compose service up/down)',
    flags: WARNING_FLAGS,
    description: 'The CDK app for the CDK CLI, which runs it and writes the cloud assembly to\n'
      + '$CDK_OUTDIR. One stack, named after the project, holds everything ecs-cli up and\n'
      + 'ecs-cli compose service up made: `cdk deploy` creates or updates it, `cdk destroy`\n'
      + 'removes it. Account and region: $CDK_DEFAULT_ACCOUNT and $CDK_DEFAULT_REGION (set\n'
      + 'by the CDK CLI), --region wins; none: an environment-agnostic stack.\n'
      + 'The CDK CLI prints the warnings; --ack ID acknowledges one (ID: the [ack: ID] it\n'
      + 'ends with), so that it is not printed.\n'
      + 'Put it in cdk.json ({"app": "npx cdk-compose-fargate app"}) to type it once.',
    examples: [
      `npx cdk deploy --app "npx ${PROGRAM} app -f docker-compose.yml -p tutorial"`,
      `npx cdk destroy --app "npx ${PROGRAM} app -f docker-compose.yml -p tutorial"`,
    ],
  },
  {
    name: 'task-definition',
    summary: 'print the ECS task definition JSON (the register-task-definition request)',
    flags: WARNING_FLAGS,
    description: 'Prints the task definition the files make, in the shape of ECS\'s\n'
      + 'RegisterTaskDefinition request (camelCase keys, as `aws ecs register-task-definition\n'
      + '--cli-input-json` reads it), for diffing against what ecs-cli registered\n'
      + '(`aws ecs describe-task-definition --task-definition FAMILY --query taskDefinition`).\n'
      + 'Nothing is written and nothing is asked of AWS, so values CloudFormation only knows\n'
      + 'at deploy time cannot be resolved: they are shown as in Fn::Sub, ${LogicalId}\n'
      + '(a resource of the stack), ${LogicalId.Attribute} or ${AWS::AccountId}.\n'
      + 'Warnings go to stderr (--ack ID acknowledges one, as in synth).',
    examples: [
      `${PROGRAM} task-definition > new.json`,
      'aws ecs describe-task-definition --task-definition tutorial --query taskDefinition > old.json',
    ],
  },
  {
    name: 'diagram',
    summary: 'print a Mermaid flowchart of what the files become',
    flags: INPUT_FLAGS,
    description: 'Prints a Mermaid flowchart (https://mermaid.js.org) of what the files become, drawn\n'
      + 'from the same plan as the template: the internet or the load balancer and its\n'
      + 'listeners, each ECS service (or the one task) with its containers and ports, an\n'
      + 'arrow for each name a service uses to reach another (dotted: depends_on), the\n'
      + 'volumes (EFS or task storage) and the secrets. Paste it into a ```mermaid block\n'
      + '(GitHub renders it) or the Mermaid live editor. `synth` writes it next to the\n'
      + 'cloud assembly as diagram.mmd. Bad input: the same errors as synth, exit status 1.',
    examples: [
      `${PROGRAM} diagram > diagram.mmd`,
      `${PROGRAM} diagram --per-service -f docker-compose.yml`,
    ],
  },
  {
    name: 'config',
    summary: 'print the compose model the files make, as `docker compose config` does',
    flags: CONFIG_FLAGS,
    description: 'Reads the compose files as Docker Compose reads them (YAML, ${VAR} interpolation, .env,\n'
      + 'env_file, extends, profiles, several files merged) and prints the result in the shape\n'
      + '`docker compose config` prints: ports and volumes in long syntax, command and entrypoint\n'
      + 'as lists, depends_on with conditions, environment as a mapping, sizes in bytes and\n'
      + 'durations as Go writes them; a "$" is printed "$$". This is what the constructs read. A\n'
      + 'file Fargate cannot run is printed too: synth says what Fargate refuses. Warnings go to\n'
      + 'stderr; bad input: every problem on stderr, exit status 1.',
    examples: [
      `${PROGRAM} config`,
      `${PROGRAM} config -f docker-compose.yml -f docker-compose.prod.yml --profile debug --format json`,
      `diff <(docker compose config --format json) <(${PROGRAM} config --format json)`,
    ],
  },
];

/**
 * ecs-cli flags with no counterpart here, and what to do instead: a user who pastes an ecs-cli
 * command line learns why, not just that the flag is unknown.
 */
const ECS_CLI_FLAGS: Record<string, string> = {
  'cluster-config': 'the stack creates its own cluster (to use an existing one, pass `cluster` to ComposeFargateService in a CDK app)',
  'cluster': 'the stack creates its own cluster (to use an existing one, pass `cluster` to ComposeFargateService in a CDK app)',
  'ecs-profile': 'this command never calls AWS: give the profile to the CDK CLI (`cdk deploy --profile NAME`)',
  'aws-profile': 'this command never calls AWS: give the profile to the CDK CLI (`cdk deploy --profile NAME`)',
  'create-log-groups': 'not needed: the stack always creates the log groups the compose file names',
  'launch-type': 'not needed: the task and the service are always FARGATE',
  'task-role-arn': 'set task_definition.task_role_arn in ecs-params.yml',
  'registry-creds': 'set services.<name>.repository_credentials.credentials_parameter in ecs-params.yml',
  'timeout': 'the CDK CLI waits for the deployment (`cdk deploy`); the circuit breaker rolls back one that fails',
};

function flagHelp(flags: FlagSpec[]): string {
  const names = flags.map(f => `${f.short ? `-${f.short}, ` : '    '}--${f.long}${f.metavar ? ` ${f.metavar}` : ''}`);
  const width = Math.max(...names.map(n => n.length), '-h, --help'.length) + 2;
  const lines: string[] = [];
  flags.forEach((f, i) => {
    f.help.split('\n').forEach((line, j) => lines.push(`  ${(j === 0 ? names[i] : '').padEnd(width)}${line}`));
  });
  lines.push(`  ${'-h, --help'.padEnd(width)}this help`);
  return lines.join('\n');
}

function usageLine(spec: CommandSpec): string {
  const parts = spec.flags.map(f => {
    const name = f.short ? `-${f.short}` : `--${f.long}`;
    if (!f.metavar) return `[${name}]`;
    return REPEATED.includes(f.key) ? `[${name} ${f.metavar}]...` : `[${name} ${f.metavar}]`;
  });
  return `usage: ${PROGRAM} ${spec.name} ${parts.join(' ')}`;
}

export function commandHelp(name: CommandName): string {
  const spec = COMMANDS.find(c => c.name === name)!;
  return [
    usageLine(spec),
    '',
    spec.description,
    '',
    'Flags:',
    flagHelp(spec.flags),
    '',
    'Examples:',
    ...spec.examples.map(e => `  ${e}`),
    '',
  ].join('\n');
}

export function programHelp(): string {
  const width = Math.max(...COMMANDS.map(c => c.name.length)) + 2;
  return [
    `usage: ${PROGRAM} <command> [flags]`,
    '',
    'Deploys a docker-compose.yml (and the ecs-params.yml of ecs-cli) to ECS on Fargate with',
    'the AWS CDK. Nothing here calls AWS: deploy with the CDK CLI.',
    '',
    'Commands:',
    ...COMMANDS.map(c => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}help on a command`,
    '',
    `Run \`${PROGRAM} <command> --help\` for a command's flags. Migrating from ecs-cli or`,
    'Docker Compose ECS: docs/migrating.md.',
    '',
  ].join('\n');
}

/** The short usage printed with a usage error. */
export function usageHint(command?: CommandName): string {
  if (command === undefined) return `usage: ${PROGRAM} <command> [flags]; commands: ${COMMANDS.map(c => c.name).join(', ')}\nRun \`${PROGRAM} --help\`.\n`;
  return `${usageLine(COMMANDS.find(c => c.name === command)!)}\nRun \`${PROGRAM} ${command} --help\`.\n`;
}

/**
 * Parse the command line (without `node` and the script). Returns the run to make, or the text
 * to print (help, version); throws UsageError.
 */
export function parseArgs(argv: string[], version: string): ParsedArgs | TextRequest {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === '-h' || first === '--help') return { text: programHelp() };
  if (first === '--version' || first === '-v') return { text: `${version}\n` };
  if (first === 'help') {
    if (rest.length === 0) return { text: programHelp() };
    const spec = COMMANDS.find(c => c.name === rest[0]);
    if (!spec || rest.length > 1) throw new UsageError(`help: unknown command ${JSON.stringify(rest.join(' '))}`);
    return { text: commandHelp(spec.name) };
  }
  const spec = COMMANDS.find(c => c.name === first);
  if (!spec) {
    const hint = first.startsWith('-') ? 'give the command first' : `unknown command ${JSON.stringify(first)}`;
    throw new UsageError(hint);
  }
  const command = spec.name;
  const values: Record<string, string | string[] | boolean | undefined> = { files: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h' || arg === '--help') return { text: commandHelp(command) };
    if (!arg.startsWith('-') || arg === '-') throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`, command);
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(2, eq) : arg.replace(/^--?/, '');
    const flag = arg.startsWith('--')
      ? spec.flags.find(f => f.long === name)
      : spec.flags.find(f => f.short === name);
    if (!flag) {
      const advice = arg.startsWith('--') ? ownValue(ECS_CLI_FLAGS, name) : (name === 'c' ? ECS_CLI_FLAGS.cluster : undefined);
      throw new UsageError(advice ? `${arg} (an ecs-cli flag) is not a flag of ${command}: ${advice}` : `unknown flag ${arg}`, command);
    }
    if (!flag.metavar) {
      if (eq > 0) throw new UsageError(`--${flag.long} takes no value`, command);
      if (values[flag.key] !== undefined) throw new UsageError(`--${flag.long} given twice`, command);
      values.perService = true;
      continue;
    }
    let value: string | undefined;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      value = rest[++i];
      if (value === undefined || value.startsWith('-')) throw new UsageError(`${arg} needs a value (${flag.metavar})`, command);
    }
    if (value === '') throw new UsageError(`${arg} needs a value (${flag.metavar})`, command);
    if (REPEATED.includes(flag.key)) {
      values[flag.key] = [...(values[flag.key] as string[] | undefined ?? []), value];
    } else if (values[flag.key] !== undefined) {
      throw new UsageError(`--${flag.long} given twice`, command);
    } else {
      values[flag.key as 'ecsParams' | 'projectName' | 'region' | 'output'] = value;
    }
  }
  if (values.format !== undefined && values.format !== 'yaml' && values.format !== 'json') {
    throw new UsageError(`--format must be yaml or json, got ${JSON.stringify(values.format)}`, command);
  }
  return { command, ...values } as ParsedArgs;
}
