/**
 * The `cdk-compose-fargate` command, run as a subprocess on the tutorial's files and on bad input.
 *
 * The sources are transpiled once (as ts-node --transpile-only would, per run) into .tmp/, where
 * node finds the repository's node_modules; every run then starts in well under a second, and all
 * of them run at once.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as ts from 'typescript';
import { parseArgs, UsageError } from '../../src/cli/args';
import { Renderer } from '../../src/cli/task-definition';
import { validateTemplateJson } from '../cfn-validate';
import { writeFiles } from '../util';

const ROOT = path.join(__dirname, '..', '..');
const TUTORIAL = path.join(ROOT, 'examples', 'tutorial');

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let build: string;
let scratch: string;

/** src/**.ts -> .tmp/cli-test-XXXX/src/**.js, without type checking. */
function transpileSources(): string {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const out = fs.mkdtempSync(path.join(ROOT, '.tmp', 'cli-test-'));
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  for (const file of walk(path.join(ROOT, 'src'))) {
    const js = ts.transpileModule(fs.readFileSync(file, 'utf-8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const target = path.join(out, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, js);
  }
  // What --version reads (no `name`: jest's module map must not see a second package).
  fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify({ version: '1.2.3-test' }));
  return out;
}

/** Run the command; the environment holds none of the variables it reads unless given. */
function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' };
  for (const name of ['COMPOSE_FILE', 'COMPOSE_PATH_SEPARATOR', 'COMPOSE_PROJECT_NAME', 'CDK_OUTDIR', 'CDK_DEFAULT_REGION', 'CDK_DEFAULT_ACCOUNT', 'CDK_CONTEXT_JSON']) {
    delete env[name];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(build, 'src', 'cli', 'main.js'), ...args], {
      cwd: options.cwd ?? scratch,
      env: { ...env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

/** A folder with the given files. */
function project(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  return writeFiles(dir, files);
}

/** Nine mistakes, of the load stage (env_file) and of the document (the rest). */
const NINE_MISTAKES = [
  'services:',
  '  web:',
  '    image: nginx',
  '    env_file: ./web.env',
  '    ports: ["80:80", "eighty"]',
  '    depends_on: [cache]',
  '    mem_limit: lots',
  '    cpus: many',
  '  db:',
  '    image: postgres:16',
  '    env_file: [./db.env]',
  '    healthcheck:',
  '      interval: forever',
  '    secrets: [db_password]',
  '    imagee: typo',
  '',
].join('\n');
const TWO_PARAMS_MISTAKES = 'version: 1\ntask_definition:\n  task_size:\n    cpu_limit: lots\n  servces: {}\n';
const BAD_COMPOSE = 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80/sctp"\n';
/** A file with two warnings: restart (ignored-key) and a host port (host-port). */
const TWO_WARNINGS = 'name: shop\nservices:\n  web:\n    image: web:1\n    restart: always\n    ports: ["8080:80"]\n    mem_limit: 512m\n';
const BAD_PARAMS = 'version: 1\ntask_definition:\n  task_sise:\n    cpu_limit: 256\n';

/** Every run, started at once in beforeAll. */
const RUNS = {
  // Defaults, as ecs-cli: ./docker-compose.yml, ./ecs-params.yml, the folder's name.
  synthTutorial: () => cli(['synth', '-o', path.join(scratch, 'tutorial.out')], { cwd: TUTORIAL }),
  synthNewNetwork: () => cli(['synth', '--file', path.join(TUTORIAL, 'docker-compose.yml'), '--ecs-params', path.join(TUTORIAL, 'ecs-params-new-network.yml'),
    '--project-name', 'my_project', '--region', 'us-west-1', '--output', 'new-network.out']),
  taskDefinition: () => cli(['task-definition', '-f', 'docker-compose.yml', '--ecs-params', 'ecs-params.yml', '-p', 'tutorial'], { cwd: TUTORIAL }),
  app: () => cli(['app', '-f', path.join(TUTORIAL, 'docker-compose.yml'), '--ecs-params', path.join(TUTORIAL, 'ecs-params.yml')],
    { env: { CDK_OUTDIR: path.join(scratch, 'app.out'), CDK_DEFAULT_REGION: 'us-west-1', CDK_DEFAULT_ACCOUNT: '123456789012' } }),
  appOtherRegion: () => cli(['app', '-f', path.join(TUTORIAL, 'docker-compose.yml')],
    { env: { CDK_OUTDIR: path.join(scratch, 'app-other-region.out'), CDK_DEFAULT_REGION: 'eu-west-1' } }),
  appWithoutCdk: () => cli(['app', '-f', path.join(TUTORIAL, 'docker-compose.yml')]),
  badSynth: () => cli(['synth', '-o', 'bad.out'], { cwd: project('bad', { 'docker-compose.yml': BAD_COMPOSE, 'ecs-params.yml': BAD_PARAMS }) }),
  badTaskDefinition: () => cli(['task-definition', '-f', path.join(scratch, 'bad-td', 'docker-compose.yml')], { cwd: project('bad-td', { 'docker-compose.yml': BAD_COMPOSE }) }),
  missingFile: () => cli(['synth', '-o', 'missing.out'], { cwd: project('empty', {}) }),
  // A newcomer's first files, in a folder below the one the command runs in: every mistake of both at once.
  newcomer: () => cli(['synth', '-o', 'newcomer.out', '-f', 'ghost/docker-compose.yml', '--ecs-params', './ghost/ecs-params.yml'], {
    cwd: project('newcomer', { 'ghost/docker-compose.yml': NINE_MISTAKES, 'ghost/ecs-params.yml': TWO_PARAMS_MISTAKES }),
  }),
  // COMPOSE_FILE and COMPOSE_PROJECT_NAME, as compose reads them.
  composeEnv: () => cli(['task-definition'], {
    cwd: project('env', {
      'base.yml': 'services:\n  api:\n    image: api:1\n    ports: ["8080"]\n',
      'prod.yml': 'services:\n  api:\n    image: api:2\n',
    }),
    env: { COMPOSE_FILE: 'base.yml;prod.yml', COMPOSE_PATH_SEPARATOR: ';', COMPOSE_PROJECT_NAME: 'from-env' },
  }),
  // The default file and its override; the compose name; a warning.
  overrideAndWarning: () => cli(['synth', '-o', 'out'], {
    cwd: project('Some Folder', {
      'docker-compose.yml': 'name: shop\nservices:\n  web:\n    image: web:1\n    restart: always\n',
      'docker-compose.override.yml': 'services:\n  web:\n    image: web:2\n    mem_limit: 512m\n',
    }),
  }),
  // --ack: a warning acknowledged with or without the prefix, an id no warning has, in each command that prints warnings.
  ackSynth: () => cli(['synth', '-o', 'out', '--ack', 'ignored-key'], { cwd: project('ack-synth', { 'docker-compose.yml': TWO_WARNINGS }) }),
  ackUnknown: () => cli(['synth', '-o', 'out', '--ack', 'ignored-keys', '--ack', '@aws-cdk/core:nothing'], { cwd: project('ack-unknown', { 'docker-compose.yml': TWO_WARNINGS }) }),
  taskDefinitionWarnings: () => cli(['task-definition'], { cwd: project('td-warnings', { 'docker-compose.yml': TWO_WARNINGS }) }),
  ackTaskDefinition: () => cli(['task-definition', '--ack', 'cdk-compose-fargate:host-port'], { cwd: project('ack-td', { 'docker-compose.yml': TWO_WARNINGS }) }),
  ackApp: () => cli(['app', '--ack', 'host-port', '--ack', 'ignored-key'], { cwd: project('ack-app', { 'docker-compose.yml': TWO_WARNINGS }), env: { CDK_OUTDIR: path.join(scratch, 'ack-app.out') } }),
  ackDiagram: () => cli(['diagram', '--ack', 'host-port']),
  folderName: () => cli(['task-definition'], { cwd: project('My.App', { 'compose.yaml': 'services:\n  web:\n    image: web\n' }) }),
  // One ECS service per compose service (ComposeFargateProject).
  synthPerService: () => cli(['synth', '--per-service', '-o', path.join(scratch, 'per-service.out')], { cwd: path.join(ROOT, 'examples', 'project') }),
  taskDefinitionPerService: () => cli(['task-definition', '--per-service'], { cwd: path.join(ROOT, 'examples', 'project') }),
  perServiceWithValue: () => cli(['synth', '--per-service=yes']),
  diagramPerService: () => cli(['diagram', '--per-service'], { cwd: path.join(ROOT, 'examples', 'project') }),
  diagramBad: () => cli(['diagram'], { cwd: path.join(scratch, 'bad') }),
  helpDiagram: () => cli(['diagram', '--help']),
  // config: the tutorial as docker compose config prints it; flags; a file Fargate refuses; bad input.
  configTutorial: () => cli(['config'], { cwd: TUTORIAL }),
  configJson: () => cli(['config', '-f', 'base.yml', '-f', 'prod.yml', '--profile', 'debug', '--env-file', 'custom.env', '--format', 'json'], {
    cwd: project('config-flags', {
      'base.yml': 'services:\n  api:\n    image: "api:${TAG}"\n    command: serve --port 80\n    ports: ["80"]\n  debug:\n    image: busybox\n    profiles: [debug]\n  tools:\n    image: tools\n    profiles: [tools]\n',
      'prod.yml': 'services:\n  api:\n    environment: [PRICE=$$5, COST=cost $ 5]\n',
      'custom.env': 'TAG=custom\n',
      '.env': 'TAG=dotenv\n',
    }),
  }),
  configFargateRefuses: () => cli(['config', '--project-directory', '.'], { cwd: project('config-refused', { 'docker-compose.yml': BAD_COMPOSE }) }),
  configBad: () => cli(['config'], { cwd: project('config-bad', { 'docker-compose.yml': 'services:\n  web:\n    image: "${NOPE:?set NOPE}"\n    command: echo "open\n' }) }),
  configBadFormat: () => cli(['config', '--format', 'toml']),
  helpConfig: () => cli(['config', '--help']),
  helpProgram: () => cli(['--help']),
  helpSynth: () => cli(['synth', '--help']),
  helpApp: () => cli(['app', '-h']),
  helpTaskDefinition: () => cli(['help', 'task-definition']),
  version: () => cli(['--version']),
  unknownFlag: () => cli(['synth', '--bogus']),
  ecsCliFlag: () => cli(['synth', '--cluster-config', 'tutorial-config']),
  noCommand: () => cli([]),
};

let results: Record<keyof typeof RUNS, Result>;

beforeAll(async () => {
  build = transpileSources();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
  const entries = await Promise.all(Object.entries(RUNS).map(async ([name, run]) => [name, await run()] as const));
  results = Object.fromEntries(entries) as typeof results;
}, 240_000); // some 30 runs of the command, in parallel; a busy 2-core machine needs minutes

afterAll(() => {
  for (const dir of [build, scratch]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

function resourcesOfType(template: any, type: string): any[] {
  return Object.values(template.Resources).filter((r: any) => r.Type === type);
}

describe('synth', () => {
  test('writes the tutorial\'s cloud assembly, with the files ecs-cli would have read', () => {
    const r = results.synthTutorial;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = path.join(scratch, 'tutorial.out');
    expect(readJson(path.join(out, 'manifest.json')).artifacts.tutorial.type).toBe('aws:cloudformation:stack');
    const template = readJson(path.join(out, 'tutorial.template.json'));
    expect(resourcesOfType(template, 'AWS::ECS::TaskDefinition')[0].Properties).toMatchObject({ Family: 'tutorial', Cpu: '256', Memory: '512' });
    // The tutorial's ecs-params names the subnets, security group and role: none is created.
    expect(resourcesOfType(template, 'AWS::EC2::VPC')).toHaveLength(0);
    expect(validateTemplateJson(template)).toEqual([]);
  });

  test('prints the containers, image, ports, cpu/memory, log groups and warnings', () => {
    const out = results.synthTutorial.stdout;
    // 5 of the tutorial's own, and the custom resources that make the tutorial log group (issue 19): their
    // two calls, their role, its two policies, the function, and the execution role's grant on the group.
    expect(out).toContain('Stack tutorial (environment-agnostic): 10 resources');
    expect(out).toContain('Task definition tutorial: cpu 256 / memory 512 MiB, awsvpc, FARGATE');
    expect(out).toMatch(/CONTAINER +IMAGE +PORTS +CPU +MEMORY +LOG GROUP/);
    expect(out).toMatch(/\n {2}web +amazon\/amazon-ecs-sample +80\/tcp +- +- +tutorial\n/);
    expect(out).toContain('Log groups created:\n  tutorial, events kept 30 days (created when missing, kept on destroy)');
    expect(out).toContain('Warnings (1):');
    expect(out).toContain('Deploy it: npx cdk deploy --app');
  });

  test('flags: -f, --ecs-params, --project-name, --region and --output', () => {
    const r = results.synthNewNetwork;
    expect(r.code).toBe(0);
    // The stack is named after the project (a stack name has no underscores); the family keeps it.
    expect(r.stdout).toContain('Stack my-project (aws://unknown-account/us-west-1): ');
    expect(r.stdout).toContain('Task definition my_project: cpu 256 / memory 512 MiB');
    const template = readJson(path.join(scratch, 'new-network.out', 'my-project.template.json'));
    expect(resourcesOfType(template, 'AWS::EC2::VPC')).toHaveLength(1);
    expect(Object.keys(template.Outputs)).toEqual(['ClusterName', 'ServiceName']);
    expect(validateTemplateJson(template)).toEqual([]);
  });

  test('the default compose file with its override, the compose name, and every warning', () => {
    const r = results.overrideAndWarning;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Stack shop (');
    expect(r.stdout).toMatch(/\n {2}web +web:2 +- +- +512 +\$\{ComposewebLogGroup[0-9A-F]+\}\n/);
    expect(r.stdout).toMatch(/\nWarnings \(1\):\n {2}docker-compose\.yml \+ docker-compose\.override\.yml: services\.web\.restart: .*\[ack: cdk-compose-fargate:ignored-key\]\n/);
  });

  test('bad input: every problem of both files on stderr, exit status 1, nothing written', () => {
    const r = results.badSynth;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^docker-compose\.yml: services\.web\.ports\[0\]: protocol "sctp" is not supported by ECS/));
    expect(lines).toContainEqual(expect.stringMatching(/^ecs-params\.yml: task_definition\.task_sise: /));
    expect(r.stderr).toContain('nothing was written');
    expect(fs.existsSync(path.join(scratch, 'bad', 'bad.out'))).toBe(false);
  });

  test('synthesized twice in the folder of `build: .`: the image leaves out the first cdk.out, so its asset stays the same', async () => {
    const dir = project('build-dot', {
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    ports: ["80:80"]\n',
      'Dockerfile': 'FROM public.ecr.aws/docker/library/nginx:1.27\nCOPY index.html /usr/share/nginx/html/\n',
      'index.html': '<h1>hello</h1>\n',
    });
    const images = () => JSON.stringify(resourcesOfType(readJson(path.join(dir, 'cdk.out', 'build-dot.template.json')), 'AWS::ECS::TaskDefinition')[0].Properties.ContainerDefinitions[0].Image);
    expect((await cli(['synth'], { cwd: dir })).code).toBe(0);
    const first = images();
    const second = await cli(['synth'], { cwd: dir });
    expect(second.stderr).toBe('');
    expect(images()).toBe(first);
    const assets = fs.readdirSync(path.join(dir, 'cdk.out')).filter(f => f.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, 'cdk.out', assets[0])).sort()).toEqual(['Dockerfile', 'docker-compose.yml', 'index.html']);
  }, 120_000);

  test('no compose file: the file ecs-cli would have read is named', () => {
    const r = results.missingFile;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^docker-compose\.yml: file not found \(looked for \/.*\/empty\/docker-compose\.yml\)\n/);
    expect(fs.existsSync(path.join(scratch, 'empty', 'missing.out'))).toBe(false);
  });
});

describe('what a newcomer meets', () => {
  test('every problem of both files in one run, each under the file\'s name as given, a missing file as "file not found"', () => {
    const r = results.newcomer;
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.pop()).toBe('cdk-compose-fargate synth: nothing was written');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ghost\/docker-compose\.yml: services\.web\.env_file: env_file "\.\/web\.env": file not found \(looked for \/.*\/newcomer\/ghost\/web\.env\)$/),
      expect.stringMatching(/^ghost\/docker-compose\.yml: services\.db\.env_file\[0\]: env_file "\.\/db\.env": file not found/),
      expect.stringMatching(/^ghost\/docker-compose\.yml: services\.web\.ports\[1\]: .*got "eighty"$/),
      'ghost/docker-compose.yml: services.web.depends_on[0]: no service "cache" to depend on: the services are web, db',
      expect.stringMatching(/^ghost\/docker-compose\.yml: services\.web\.mem_limit: .*got "lots"$/),
      'ghost/docker-compose.yml: services.web.cpus: expected a number, got "many"',
      expect.stringMatching(/^ghost\/docker-compose\.yml: services\.db\.healthcheck\.interval: .*got "forever"$/),
      'ghost/docker-compose.yml: services.db.secrets[0]: no top-level secret named "db_password": declare it under the top-level secrets',
      expect.stringMatching(/^ghost\/docker-compose\.yml: services\.db\.imagee: unknown service key "imagee": did you mean "image"\?$/),
      expect.stringMatching(/^ghost\/ecs-params\.yml: task_definition\.task_size\.cpu_limit: .*"lots"/),
      expect.stringMatching(/^ghost\/ecs-params\.yml: task_definition\.servces: unknown task_definition key "servces"/),
    ]));
    expect(lines).toHaveLength(11);
    expect(fs.existsSync(path.join(scratch, 'newcomer', 'newcomer.out'))).toBe(false);
  });
});

describe('--per-service', () => {
  test('synth: one ECS service per compose service, reachable by name, validator-clean', () => {
    const r = results.synthPerService;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const template = readJson(path.join(scratch, 'per-service.out', 'blog.template.json'));
    expect(resourcesOfType(template, 'AWS::ECS::Service').map(s => s.Properties.ServiceName).sort()).toEqual(['blog-db', 'blog-wordpress']);
    expect(validateTemplateJson(template)).toEqual([]);
    expect(r.stdout).toContain('Task definition blog-db:');
    expect(r.stdout).toContain('Task definition blog-wordpress:');
    // what cdk destroy keeps, said at synth
    expect(r.stdout).toMatch(/\nEFS file systems created \(kept on cdk destroy; a deploy after a destroy makes new, empty ones: to keep the data,\npass the old ones with the fileSystems prop, README "Deploying the first time, and again after cdk destroy"\):\n  \S+\n  \S+\n/);
  });

  test('task-definition: one request per task definition', () => {
    const r = results.taskDefinitionPerService;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((t: any) => t.family).sort()).toEqual(['blog-db', 'blog-wordpress']);
  });

  test('takes no value', () => {
    expect(results.perServiceWithValue.code).toBe(2);
    expect(results.perServiceWithValue.stderr).toContain('--per-service takes no value');
    expect(parseArgs(['app', '--per-service', '-f', 'x.yml'], '1')).toMatchObject({ command: 'app', perService: true, files: ['x.yml'] });
    expect(() => parseArgs(['synth', '--per-service', '--per-service'], '1')).toThrow('--per-service given twice');
  });
});

describe('--ack: acknowledged warnings are not printed', () => {
  const RESTART = 'docker-compose.yml: services.web.restart: ignored on Fargate: ECS replaces stopped tasks itself [ack: cdk-compose-fargate:ignored-key]';
  const HOST_PORT = /^docker-compose\.yml: services\.web\.ports\[0\]: publishes container port 80\/tcp on host port 8080: .*\[ack: cdk-compose-fargate:host-port\]$/;
  /** The warnings the assembly keeps for the CDK CLI to print. */
  const assemblyWarnings = (dir: string) => new cxapi.CloudAssembly(dir).stacks
    .flatMap(stack => stack.messages.filter(m => m.level === cxapi.SynthesisMessageLevel.WARNING).map(m => String(m.entry.data)));

  test('synth: the id without its prefix; the other warning stays, and the summary says what was acknowledged', () => {
    const r = results.ackSynth;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const warnings = r.stdout.slice(r.stdout.indexOf('\nWarnings'));
    expect(warnings).toMatch(/^\nWarnings \(1\):\n {2}docker-compose\.yml: services\.web\.ports\[0\]: .*\[ack: cdk-compose-fargate:host-port\]\n {2}\(--ack ID acknowledges the warnings that end with \[ack: ID\]\)\nAcknowledged \(--ack\): cdk-compose-fargate:ignored-key \(1\)\n/);
    const kept = assemblyWarnings(path.join(scratch, 'ack-synth', 'out'));
    expect(kept).toEqual([expect.stringMatching(HOST_PORT)]);
  });

  test('an id no warning has: a note on stderr naming the ids there are; nothing else changes', () => {
    const r = results.ackUnknown;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe([
      'cdk-compose-fargate: --ack ignored-keys: no warning here has the id cdk-compose-fargate:ignored-keys; the warnings\' ids are cdk-compose-fargate:host-port, cdk-compose-fargate:ignored-key',
      'cdk-compose-fargate: --ack @aws-cdk/core:nothing: no warning here has the id @aws-cdk/core:nothing; the warnings\' ids are cdk-compose-fargate:host-port, cdk-compose-fargate:ignored-key',
      '',
    ].join('\n'));
    expect(r.stdout).toContain('\nWarnings (2):\n');
    expect(assemblyWarnings(path.join(scratch, 'ack-unknown', 'out'))).toHaveLength(2);
  });

  test('task-definition: the warnings on stderr (the JSON alone on stdout), --ack with the prefix', () => {
    const all = results.taskDefinitionWarnings;
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).family).toBe('shop');
    const lines = all.stderr.trimEnd().split('\n');
    expect(lines).toEqual([`warning: ${RESTART}`, expect.stringMatching(/^warning: docker-compose\.yml: services\.web\.ports\[0\]: .*host-port\]$/)]);
    const acked = results.ackTaskDefinition;
    expect(acked.code).toBe(0);
    expect(acked.stderr).toBe(`warning: ${RESTART}\n`);
    expect(acked.stdout).toBe(all.stdout);
  });

  test('app: the acknowledged warnings are not in the assembly the CDK CLI prints them from', () => {
    const r = results.ackApp;
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(assemblyWarnings(path.join(scratch, 'ack-app.out'))).toEqual([]);
  });

  test('the flag: in the help of synth, app and task-definition; repeated; not a flag of diagram or config', () => {
    for (const help of [results.helpSynth, results.helpApp, results.helpTaskDefinition]) {
      expect(help.stdout).toContain('--ack ID');
      expect(help.stdout).toContain('[--ack ID]...');
    }
    expect(parseArgs(['synth', '--ack', 'a', '--ack=cdk-compose-fargate:b'], '0')).toEqual({ command: 'synth', files: [], acks: ['a', 'cdk-compose-fargate:b'] });
    expect(() => parseArgs(['synth', '--ack'], '0')).toThrow('--ack needs a value (ID)');
    expect(() => parseArgs(['config', '--ack', 'a'], '0')).toThrow('unknown flag --ack');
    expect(results.ackDiagram.code).toBe(2);
    expect(results.ackDiagram.stderr).toContain('unknown flag --ack');
  });
});

describe('diagram', () => {
  test('prints the Mermaid flowchart of what the files become; synth writes it next to the assembly', () => {
    const r = results.diagramPerService;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flowchart LR\n/);
    expect(r.stdout).toContain('["ECS service blog-db"]');
    expect(r.stdout).toContain('c_wordpress__wordpress -->|"db:3306"| c_db__db');
    expect(fs.readFileSync(path.join(scratch, 'per-service.out', 'diagram.mmd'), 'utf-8')).toBe(r.stdout);
  });

  test('a bad file gives the same errors as synth', () => {
    const r = results.diagramBad;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(results.badSynth.stderr.replace('cdk-compose-fargate synth: nothing was written\n', ''));
  });

  test('--help says what it draws', () => {
    expect(results.helpDiagram.stdout).toContain('usage: cdk-compose-fargate diagram [-f FILE]... [--ecs-params FILE] [-p NAME] [-r REGION] [--per-service]');
    expect(results.helpProgram.stdout).toContain('diagram          print a Mermaid flowchart of what the files become');
  });
});

describe('task-definition', () => {
  test('prints the register-task-definition request of the tutorial', () => {
    const r = results.taskDefinition;
    expect(r.code).toBe(0);
    const td = JSON.parse(r.stdout);
    expect(Object.keys(td)).toEqual(['family', 'taskRoleArn', 'executionRoleArn', 'networkMode', 'containerDefinitions', 'requiresCompatibilities', 'cpu', 'memory', 'runtimePlatform']);
    expect(td.runtimePlatform).toEqual({ cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' });
    expect(td).toMatchObject({
      family: 'tutorial',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      // ecs-params names the role; the ARN's partition and account are known at deploy time.
      executionRoleArn: 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ecsTaskExecutionRole',
    });
    expect(td.taskRoleArn).toMatch(/^\$\{ComposeTaskDefinitionTaskRole[0-9A-F]+\.Arn\}$/);
    expect(td.containerDefinitions).toEqual([{
      name: 'web',
      image: 'amazon/amazon-ecs-sample',
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
      essential: true,
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': 'tutorial', 'awslogs-region': '${AWS::Region}', 'awslogs-stream-prefix': 'web' },
      },
    }]);
  });

  test('COMPOSE_FILE (with COMPOSE_PATH_SEPARATOR) and COMPOSE_PROJECT_NAME', () => {
    const r = results.composeEnv;
    expect(r.code).toBe(0);
    const td = JSON.parse(r.stdout);
    expect(td.family).toBe('from-env');
    expect(td.containerDefinitions[0]).toMatchObject({ name: 'api', image: 'api:2', portMappings: [{ containerPort: 8080 }] });
    // A log group the stack names itself: its logical ID.
    expect(td.containerDefinitions[0].logConfiguration.options['awslogs-group']).toMatch(/^\$\{ComposeapiLogGroup[0-9A-F]+\}$/);
    expect(td.containerDefinitions[0].logConfiguration.options['awslogs-region']).toBe('${AWS::Region}');
  });

  test('the folder name, without what a family cannot hold, and compose.yaml', () => {
    const r = results.folderName;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).family).toBe('MyApp');
  });

  test('bad input: the library\'s messages, exit status 1, no JSON', () => {
    const r = results.badTaskDefinition;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^docker-compose\.yml: services\.web\.ports\[0\]: /);
  });
});

describe('config', () => {
  test('prints the compose model the constructs read, as `docker compose config` prints it (YAML)', () => {
    const r = results.configTutorial;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'name: tutorial',
      'services:',
      '  web:',
      '    image: amazon/amazon-ecs-sample',
      '    logging:',
      '      driver: awslogs',
      '      options:',
      '        awslogs-group: tutorial',
      '        awslogs-region: us-west-1',
      '        awslogs-stream-prefix: web',
      '    networks:',
      '      default: null',
      '    ports:',
      '      - mode: ingress',
      '        target: 80',
      '        published: "80"',
      '        protocol: tcp',
      'networks:',
      '  default:',
      '    name: tutorial_default',
      '',
    ].join('\n'));
  });

  test('-f merged in order, --profile, --env-file, --format json; a "$" printed "$$"', () => {
    const r = results.configJson;
    expect(r.stderr).toBe('warning: base.yml + prod.yml: services.tools: left out: its profiles (tools) are not active; set COMPOSE_PROFILES to include it\n');
    const model = JSON.parse(r.stdout);
    expect(model.name).toBe('config-flags');
    expect(Object.keys(model.services)).toEqual(['api', 'debug']);
    expect(model.services.api).toEqual({
      command: ['serve', '--port', '80'],
      entrypoint: null,
      environment: { COST: 'cost $$ 5', PRICE: '$$5' },
      image: 'api:custom',
      networks: { default: null },
      ports: [{ mode: 'ingress', target: 80, protocol: 'tcp' }],
    });
  });

  test('a file Fargate cannot run is printed (synth says what Fargate refuses)', () => {
    const r = results.configFargateRefuses;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('protocol: sctp');
  });

  test('bad input: every problem on stderr, exit status 1', () => {
    const r = results.configBad;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('docker-compose.yml: services.web.image: cannot interpolate "${NOPE:?set NOPE}": required variable NOPE is not set: set NOPE\n');
  });
});

describe('app', () => {
  test('writes the assembly to $CDK_OUTDIR, for the account and region the CDK CLI gives', () => {
    const r = results.app;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const manifest = readJson(path.join(scratch, 'app.out', 'manifest.json'));
    expect(manifest.artifacts.tutorial.environment).toBe('aws://123456789012/us-west-1');
    const template = readJson(path.join(scratch, 'app.out', 'tutorial.template.json'));
    expect(resourcesOfType(template, 'AWS::ECS::Service')).toHaveLength(1);
  });

  test('in a region other than the file\'s awslogs-region: the tutorial deploys there and logs there', () => {
    const r = results.appOtherRegion;
    expect(r.code).toBe(0);
    const template = readJson(path.join(scratch, 'app-other-region.out', 'tutorial.template.json'));
    const options = resourcesOfType(template, 'AWS::ECS::TaskDefinition')[0].Properties.ContainerDefinitions[0].LogConfiguration.Options;
    expect(options['awslogs-region']).toBe('eu-west-1');
  });

  test('synth without a region reports the awslogs-region it does not use', () => {
    expect(results.synthTutorial.stdout).toContain('awslogs-region: "us-west-1" is not used: the construct creates the log group in the stack\'s region');
  });
});

describe('the command line', () => {
  test('--help names every flag as ecs-cli named it', () => {
    for (const flag of ['-f, --file FILE', '--ecs-params FILE', '-p, --project-name NAME', '-r, --region REGION', '-o, --output DIR']) {
      expect(results.helpSynth.stdout).toContain(flag);
    }
    expect(results.helpTaskDefinition.stdout).toContain('${LogicalId.Attribute}');
  });

  test('--version', () => {
    expect(results.version).toEqual({ code: 0, stdout: '1.2.3-test\n', stderr: '' });
  });

  // Help: exit status 0, on stdout. A bad command line: exit status 2, the error and the usage on stderr.
  test.each([
    ['helpSynth', 0, 'usage: cdk-compose-fargate synth [-f FILE]... [--ecs-params FILE] [-p NAME] [-r REGION] [--per-service] [--ack ID]... [-o DIR]\n'],
    ['helpApp', 0, 'usage: cdk-compose-fargate app [-f FILE]... [--ecs-params FILE] [-p NAME] [-r REGION] [--per-service] [--ack ID]...\n'],
    ['helpTaskDefinition', 0, 'usage: cdk-compose-fargate task-definition [-f FILE]...'],
    ['helpConfig', 0, 'usage: cdk-compose-fargate config [-f FILE]... [--profile NAME]... [--env-file FILE]... [--project-directory DIR] [-p NAME] [--format yaml|json]\n'],
    ['configBadFormat', 2, 'cdk-compose-fargate config: --format must be yaml or json, got "toml"\nusage: cdk-compose-fargate config '],
    ['helpProgram', 0, 'usage: cdk-compose-fargate <command> [flags]\n'],
    ['unknownFlag', 2, 'cdk-compose-fargate synth: unknown flag --bogus\nusage: cdk-compose-fargate synth '],
    // An ecs-cli flag with no counterpart: what to do instead.
    ['ecsCliFlag', 2, 'cdk-compose-fargate synth: --cluster-config (an ecs-cli flag) is not a flag of synth: the stack creates its own cluster'],
    ['noCommand', 2, 'cdk-compose-fargate: no command given\nusage: cdk-compose-fargate <command>'],
    // `app` run without the CDK CLI: what to run instead.
    ['appWithoutCdk', 2, 'cdk-compose-fargate app: CDK_OUTDIR is not set: `app` is run by the CDK CLI'],
  ] as const)('%s: exit status %d', (run, code, text) => {
    const r = results[run];
    expect(r.code).toBe(code);
    const [shown, silent] = code === 0 ? [r.stdout, r.stderr] : [r.stderr, r.stdout];
    expect(shown.slice(0, text.length)).toBe(text);
    expect(silent).toBe('');
  });

  test('parseArgs: --flag=value, repeated -f, and values that are missing or given twice', () => {
    expect(parseArgs(['synth', '-f', 'a.yml', '--file=b.yml', '-p', 'x', '--output=o'], '0')).toEqual({ command: 'synth', files: ['a.yml', 'b.yml'], projectName: 'x', output: 'o' });
    expect(() => parseArgs(['synth', '-f'], '0')).toThrow(new UsageError('-f needs a value (FILE)'));
    expect(() => parseArgs(['synth', '-p', '-f', 'a'], '0')).toThrow('-p needs a value (NAME)');
    expect(() => parseArgs(['synth', '-p', 'a', '-p', 'b'], '0')).toThrow('--project-name given twice');
    expect(() => parseArgs(['task-definition', '-o', 'x'], '0')).toThrow('unknown flag -o');
    expect(() => parseArgs(['synth', 'docker-compose.yml'], '0')).toThrow('unexpected argument "docker-compose.yml"');
    expect(parseArgs(['config', '--profile', 'a', '--profile=b', '--env-file', 'x.env', '--format', 'json'], '0'))
      .toEqual({ command: 'config', files: [], profiles: ['a', 'b'], envFiles: ['x.env'], format: 'json' });
    expect(() => parseArgs(['synth', '--profile', 'a'], '0')).toThrow('unknown flag --profile');
  });
});

describe('Renderer', () => {
  const template = {
    Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster' },
      Group: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: 'named' } },
    },
  };
  const clusterArnPart = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Cluster', 'Arn'] }] }] });

  test('intrinsics as Fn::Sub placeholders; what the environment fixes is filled in', () => {
    const agnostic = new Renderer(template);
    expect(agnostic.value({ Ref: 'Cluster' })).toBe('${Cluster}');
    expect(agnostic.value({ Ref: 'Group' })).toBe('named');
    expect(agnostic.value({ 'Fn::GetAtt': ['Cluster', 'Arn'] })).toBe('${Cluster.Arn}');
    expect(agnostic.value({ 'Fn::Join': ['', ['arn:', clusterArnPart(1), ':iam::', clusterArnPart(4), ':role/x']] }))
      .toBe('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x');
    expect(agnostic.value({ 'Fn::Sub': ['${A}-${AWS::Region}-${Cluster.Arn}', { A: { Ref: 'Group' } }] })).toBe('named-${AWS::Region}-${Cluster.Arn}');
    const pinned = new Renderer(template, { region: 'eu-west-1', account: '111122223333' });
    expect(pinned.value([{ Ref: 'AWS::Region' }, clusterArnPart(3), clusterArnPart(4)])).toEqual(['eu-west-1', 'eu-west-1', '111122223333']);
  });
});

describe('the compiled command', () => {
  // The jsii runtime runs a package's command file directly (the Python package's console script asks it for the
  // path inside the npm tarball that jsii-pacmak packed), so the compiled file must be executable, as `npm pack`
  // keeps the mode it has on disk: the compile task makes it so (build-tools/bin-executable.js).
  test('every bin of package.json is compiled, starts with a node shebang, and is executable', () => {
    const { bin } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    expect(Object.keys(bin)).toEqual(['cdk-compose-fargate']);
    for (const file of Object.values<string>(bin)) {
      const compiled = path.join(ROOT, file);
      expect(fs.readFileSync(compiled, 'utf-8').split('\n')[0]).toBe('#!/usr/bin/env node');
      // executable by owner, group and others: each of the last three octal digits is odd
      expect(fs.statSync(compiled).mode.toString(8)).toMatch(/[1357]{3}$/);
    }
  });
});
