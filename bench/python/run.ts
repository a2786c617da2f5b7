/**
 * The Python benchmark (issue 12): what a Python user pays to synthesize with ComposeFargateService
 * through the built wheel (and jsii), against a hand-written Python app of the same resources made
 * with aws-cdk-lib's Python bindings; with the same two apps in Node.js as the reference, and the
 * `cdk-compose-fargate synth` command as Python's console script and as `node`.
 *
 *   npx projen bench:python                      # needs the wheel: npx projen compile && npx projen package:python
 *   npx projen bench:python --reps 9             # more samples per app and case (default 5)
 *   npx projen bench:python --only tutorial      # the cases: tutorial, n=10, project
 *   npx projen bench:python --write              # put the results into BENCHMARKS.md (between its python markers)
 *
 * Steps: compile src/ and bench/ with tsc into .tmp/bench-python/js (not timed; the Node.js apps and
 * command); install the wheel from dist/python, with aws-cdk-lib and constructs from PyPI (the versions the
 * repository uses), into the venv .tmp/bench-python/venv (made once, the wheel reinstalled every time);
 * write each case's input; one untimed warm-up run per app and case (it also fills jsii's package cache,
 * .tmp/bench-python/jsii-cache, as a user's first run does); then `--reps` rounds, each running every
 * case's apps once in fresh processes, in rotating order. Medians, ratios of medians with a 90% bootstrap
 * interval, the Python apps' phases, and a check that all apps of a case synthesize the same template.
 *
 * Nothing here calls AWS: the apps are environment-agnostic and only synthesize.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPORT_PREFIX } from '../apps/harness';
import { table } from '../lib/report';
import { childEnv, compile, jsDir, log, machineBasics, npmVersion, REPO, tutorialDir, writeResults } from '../lib/setup';
import { GENERATED_PROJECT, GENERATED_SCOPE, generatedComposeYaml, generatedServices, STACK_NAME, TUTORIAL_SCOPE } from '../lib/spec';
import { median, quantile, ratio, ratioInterval } from '../lib/stats';

const WORK = path.join(REPO, '.tmp', 'bench-python');
const JS = jsDir(WORK);
const VENV = path.join(WORK, 'venv');
const PYTHON = path.join(VENV, 'bin', 'python');
const JSII_CACHE = path.join(WORK, 'jsii-cache');
const EXIT_PREFIX = 'BENCH_EXIT ';
const RUSAGE_PREFIX = 'BENCH_RUSAGE ';

/** The apps a case can run: the Python pair through the wheel, the Node.js pair, and the command both ways. */
type AppId = 'python-construct' | 'python-handwritten' | 'node-construct' | 'node-handwritten' | 'python-command' | 'node-command';
const SYNTH_APPS: AppId[] = ['python-construct', 'python-handwritten', 'node-construct', 'node-handwritten'];
const PYTHON_APPS: AppId[] = ['python-construct', 'python-handwritten'];
const COMMANDS: AppId[] = ['python-command', 'node-command'];

/**
 * What the benchmark measures: one entry per case. `kind` is what the Python apps build (`service`: one
 * ComposeFargateService; `project`: one ComposeFargateProject, whose case has no Node.js apps).
 */
interface Case {
  readonly id: string;
  readonly label: string;
  readonly kind: 'service' | 'project';
  /** `tutorial` (examples/tutorial with ecs-params-new-network.yml), or `n=<N>` generated services (bench/lib/spec.ts). */
  readonly scenario: string;
  readonly apps: AppId[];
}

const CASES: Case[] = [
  { id: 'tutorial', label: 'tutorial (ecs-params-new-network.yml)', kind: 'service', scenario: 'tutorial', apps: [...SYNTH_APPS, ...COMMANDS] },
  // 10: ECS's most containers in one task definition.
  { id: 'n=10', label: '10 generated services, one ComposeFargateService', kind: 'service', scenario: 'n=10', apps: SYNTH_APPS },
  { id: 'project', label: '20 generated services, one ComposeFargateProject', kind: 'project', scenario: 'n=20', apps: PYTHON_APPS },
];

interface Options {
  reps: number;
  write: boolean;
  only?: string[];
}

function parseOptions(argv: string[]): Options {
  const o: Options = { reps: 5, write: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reps') o.reps = Number(argv[++i]);
    else if (a === '--write') o.write = true;
    else if (a === '--only') o.only = (argv[++i] ?? '').split(',');
    else throw new Error(`unknown option ${a}: see the comment at the top of bench/python/run.ts`);
  }
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error('--reps takes a whole number, 1 or more');
  return o;
}

/** A case with its input written: the case file of the Python apps, and the input of the Node.js apps. */
interface PreparedCase extends Case {
  readonly caseFile: string;
  /** The tutorial's folder, or the generated compose file. */
  readonly input: string;
}

function prepare(c: Case): PreparedCase {
  const dir = path.join(WORK, 'cases', c.id.replace('=', ''));
  fs.mkdirSync(dir, { recursive: true });
  let data: Record<string, unknown>;
  let input: string;
  if (c.scenario === 'tutorial') {
    input = tutorialDir(WORK);
    data = { kind: c.kind, scenario: 'tutorial', stack: STACK_NAME, scope: TUTORIAL_SCOPE, project: 'tutorial', input };
  } else {
    const m = /^n=(\d+)$/.exec(c.scenario);
    if (!m) throw new Error(`${c.id}: unknown scenario ${c.scenario}`);
    const n = Number(m[1]);
    input = path.join(dir, 'docker-compose.yml');
    fs.writeFileSync(input, generatedComposeYaml(n, c.kind === 'project'));
    data = { kind: c.kind, scenario: 'generated', stack: STACK_NAME, scope: GENERATED_SCOPE, project: GENERATED_PROJECT, input, services: generatedServices(n) };
  }
  const caseFile = path.join(dir, 'case.json');
  fs.writeFileSync(caseFile, JSON.stringify(data, null, 2));
  return { ...c, caseFile, input };
}

/** The template an app writes (in its outdir), and the command line that runs it. */
function appCommand(app: AppId, c: PreparedCase, outdir: string): { argv: string[]; template: string } {
  const synth = ['synth', '-f', path.join(c.input, 'docker-compose.yml'), '--ecs-params', path.join(c.input, 'ecs-params-new-network.yml'),
    '-p', 'tutorial', '-o', outdir];
  switch (app) {
    case 'python-construct': return { argv: [PYTHON, path.join(__dirname, 'construct.py'), c.caseFile, outdir], template: STACK_NAME };
    case 'python-handwritten': return { argv: [PYTHON, path.join(__dirname, 'handwritten.py'), c.caseFile, outdir], template: STACK_NAME };
    case 'node-construct': return { argv: [process.execPath, path.join(JS, 'bench', 'apps', 'construct.js'), c.scenario, outdir, c.input], template: STACK_NAME };
    case 'node-handwritten': return { argv: [process.execPath, path.join(JS, 'bench', 'apps', 'handwritten.js'), c.scenario, outdir, c.input], template: STACK_NAME };
    // The console script as pip installed it (run by command.py, which adds the marks): jsii-pacmak's launcher
    // turns jsii's package cache off unless the environment says otherwise, so every run unpacks the packages.
    case 'python-command': return { argv: [PYTHON, path.join(__dirname, 'command.py'), path.join(VENV, 'bin', 'cdk-compose-fargate'), ...synth], template: 'tutorial' };
    case 'node-command': return { argv: [process.execPath, path.join(JS, 'src', 'cli', 'main.js'), ...synth], template: 'tutorial' };
  }
}

/**
 * The phases of the Python processes, between the marks they take (bench/python/harness.py), in order: what
 * each mark ends. `python` (spawn to the first mark), `stop` (last mark to the exit hook that runs after jsii
 * stopped its kernel) and `shutdown` (to the end of the process) are common to all.
 */
const APP_PHASES = [
  ['python', 'Python start-up'],
  ['kernel', 'jsii kernel start'],
  ['aws-cdk-lib', 'import aws-cdk-lib'],
  ['library', 'import cdk-compose-fargate'],
  ['read', 'read the files'],
  ['built', 'build the constructs'],
  ['end', 'app.synth()'],
  ['stop', 'kernel stop'],
  ['shutdown', 'Python shutdown'],
] as const;
const COMMAND_PHASES = [
  ['python', 'Python start-up'],
  ['loaded', 'import the package, start the kernel, load the packages'],
  ['ran', 'the command (node)'],
  ['stop', 'kernel stop'],
  ['shutdown', 'Python shutdown'],
] as const;

interface PhaseTime {
  readonly wallMs: number;
  /** CPU time (user + system) of Python, and of Node.js (the jsii kernel, and the command's node). */
  readonly pythonCpuMs: number;
  readonly nodeCpuMs: number;
  /** Messages to the jsii kernel. */
  readonly calls: number;
}

interface Sample {
  readonly wallMs: number;
  /** CPU time of the process and of those it waited for (the jsii kernel, node), ms. */
  readonly cpuMs: number;
  /** Python processes: by the name of the mark that ends the phase. */
  readonly phases?: Record<string, PhaseTime>;
}

interface Mark { name: string; at: number; calls: number; pythonCpuMs: number; nodeCpuMs: number }
type Stopped = Omit<Mark, 'name' | 'calls'>;

/** From the marks of a process (and its exit hook, and what measure.py saw of it): how long each phase took. */
function phasesOf(spawnedAt: number, marks: Mark[], stopped: Stopped, total: { wallMs: number; cpuMs: number }): Record<string, PhaseTime> {
  const between = (from: Stopped, to: Stopped, calls: number): PhaseTime =>
    ({ wallMs: to.at - from.at, pythonCpuMs: to.pythonCpuMs - from.pythonCpuMs, nodeCpuMs: to.nodeCpuMs - from.nodeCpuMs, calls });
  const spawned = { at: spawnedAt, pythonCpuMs: 0, nodeCpuMs: 0 };
  const last = marks[marks.length - 1];
  const out: Record<string, PhaseTime> = { python: between(spawned, marks[0], 0) };
  for (let i = 1; i < marks.length; i++) out[marks[i].name] = between(marks[i - 1], marks[i], marks[i].calls - marks[i - 1].calls);
  out.stop = between(last, stopped, 0);
  // After the exit hook, measure.py's totals tell the rest (as Python CPU: the kernel has ended).
  const rest = { at: spawnedAt + total.wallMs, pythonCpuMs: total.cpuMs - stopped.nodeCpuMs, nodeCpuMs: stopped.nodeCpuMs };
  out.shutdown = between(stopped, rest, 0);
  return out;
}

function outdirOf(c: Case, app: AppId): string {
  return path.join(WORK, 'out', `${c.id.replace('=', '')}-${app}`);
}

function run(c: PreparedCase, app: AppId, env: NodeJS.ProcessEnv): Sample {
  const outdir = outdirOf(c, app);
  fs.rmSync(outdir, { recursive: true, force: true });
  const { argv } = appCommand(app, c, outdir);
  const r = spawnSync(PYTHON, [path.join(__dirname, 'measure.py'), ...argv], { env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  const line = (prefix: string) => {
    const found = r.stdout.split('\n').find(l => l.startsWith(prefix));
    if (!found) throw new Error(`${argv.join(' ')} printed no ${prefix.trim()} line:\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(found.slice(prefix.length));
  };
  const total = line(RUSAGE_PREFIX) as { wallMs: number; cpuMs: number };
  if (!app.startsWith('python-')) return total;
  const { spawnedAt, marks } = line(REPORT_PREFIX) as { spawnedAt: number; marks: Mark[] };
  return { ...total, phases: phasesOf(spawnedAt, marks, line(EXIT_PREFIX) as Stopped, total) };
}

/** The templates of a case's apps that make the same stack: the same, all of them (the CDK metadata aside)? */
function compareTemplates(c: PreparedCase): string[] {
  const findings: string[] = [];
  for (const group of [SYNTH_APPS, COMMANDS]) {
    const apps = group.filter(a => c.apps.includes(a));
    if (apps.length < 2) continue;
    const read = (app: AppId) => JSON.parse(fs.readFileSync(path.join(outdirOf(c, app), `${appCommand(app, c, '').template}.template.json`), 'utf-8'));
    // The SDK calls of an AwsCustomResource are JSON text in the template, their keys in the order the
    // call object had: the Python bindings send a struct's keys in their own order. Compared as data.
    const sortedKeys = (v: unknown): unknown => Array.isArray(v) ? v.map(sortedKeys)
      : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map(k => [k, sortedKeys((v as any)[k])])) : v;
    const calls = (r: any) => (r.Type?.startsWith('Custom::') && r.Properties ? {
      ...r,
      Properties: Object.fromEntries(Object.entries<any>(r.Properties).map(([k, v]) =>
        [k, ['Create', 'Update', 'Delete'].includes(k) && typeof v === 'string' ? sortedKeys(JSON.parse(v)) : v])),
    } : r);
    const withoutMetadata = (t: any) => JSON.stringify({
      ...t,
      Resources: Object.fromEntries(Object.entries<any>(t.Resources).filter(([, r]) => r.Type !== 'AWS::CDK::Metadata').map(([id, r]) => [id, calls(r)])),
    });
    const [first, ...rest] = apps.map(read);
    const resources = Object.keys(first.Resources).length;
    const same = rest.every(t => JSON.stringify(t) === JSON.stringify(first));
    const sameButMetadata = rest.every(t => withoutMetadata(t) === withoutMetadata(first));
    if (!sameButMetadata) throw new Error(`${c.id}: ${apps.join(', ')} do not synthesize the same template: the timings would compare different work`);
    findings.push(`${apps.join(', ')}: ${resources} resources, ${same ? 'the same template' : 'the same template but for the CDK metadata resource (it names the language), custom resources\' SDK calls compared as data'}`);
  }
  return findings;
}

function pythonVersions(): { python: string; jsii: string; awsCdkLib: string; constructs: string; wheel: string } {
  const code = 'import json, platform; from importlib import metadata as m; print(json.dumps({"python": platform.python_version(), '
    + '"jsii": m.version("jsii"), "awsCdkLib": m.version("aws-cdk-lib"), "constructs": m.version("constructs"), "wheel": m.version("cdk-compose-fargate")}))';
  return JSON.parse(spawnSync(PYTHON, ['-c', code], { encoding: 'utf-8' }).stdout);
}

/** The venv: made once; aws-cdk-lib and constructs at the repository's versions; the wheel from dist/python, every time. */
function installWheel(): string {
  const dist = path.join(REPO, 'dist', 'python');
  const wheels = fs.existsSync(dist) ? fs.readdirSync(dist).filter(f => f.endsWith('.whl')) : [];
  if (wheels.length !== 1) {
    throw new Error(`${path.relative(REPO, dist)} holds ${wheels.length} wheels, not one: run \`npx projen compile && npx projen package:python\` first`);
  }
  const wheel = path.join(dist, wheels[0]);
  const sh = (file: string, args: string[]) => {
    const r = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed`);
  };
  if (!fs.existsSync(PYTHON)) {
    log(`making the venv ${path.relative(REPO, VENV)} ...`);
    sh('python3', ['-m', 'venv', VENV]);
  }
  const pip = [PYTHON, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
  sh(pip[0], [...pip.slice(1), `aws-cdk-lib==${npmVersion('aws-cdk-lib')}`, `constructs==${npmVersion('constructs')}`]);
  sh(pip[0], [...pip.slice(1), '--no-deps', '--force-reinstall', wheel]);
  return path.relative(REPO, wheel);
}

const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;

type Samples = Map<string, Map<AppId, Sample[]>>;

function render(prepared: PreparedCase[], samples: Samples, templates: Map<string, string[]>, info: Record<string, string>): string {
  const out: string[] = [];
  const wall = (c: Case, app: AppId) => samples.get(c.id)!.get(app)!.map(s => s.wallMs);
  const cell = (xs: number[]) => `${ms(median(xs))} (${ms(quantile(xs, 0)).replace(' s', '')}–${ms(quantile(xs, 1))})`;
  const ratioCell = (a: number[], b: number[], bold = false) => {
    const [lo, hi] = ratioInterval(a, b);
    const r = ratio(median(a), median(b));
    return `${bold ? `**${r}**` : r} (${lo.toFixed(2)}–${hi.toFixed(2)})`;
  };
  out.push(`Measured ${info.date} by \`npx projen bench:python${info.args}\` (${info.reps} runs per app and case, ${info.seconds} s in all).\n`);
  out.push(table(['machine', ''], [
    ['CPU', info.cpu], ['memory', info.memory], ['OS', info.os],
    ['Python / jsii (PyPI)', `${info.python} / ${info.jsii}`],
    ['Node.js (the kernel\'s and the Node.js apps\')', info.node],
    ['aws-cdk-lib / constructs', `${info.awsCdkLib} / ${info.constructs} (PyPI and npm)`],
    ['construct library', `Python: ${info.wheel}; Node.js: ${info.source}, compiled with tsc`],
    ['1-minute load average, start / end', info.load],
  ]));

  const synthCases = prepared.filter(c => PYTHON_APPS.every(a => c.apps.includes(a)));
  const has = (c: Case, app: AppId) => c.apps.includes(app);
  const cpu = (c: Case, app: AppId) => samples.get(c.id)!.get(app)!.map(s => s.cpuMs);
  const appLabel: Record<AppId, string> = {
    'python-construct': 'Python: construct',
    'python-handwritten': 'Python: hand-written',
    'node-construct': 'Node.js: construct',
    'node-handwritten': 'Node.js: hand-written',
    'python-command': 'Python console script',
    'node-command': 'node',
  };
  out.push('### Synthesis: Python through the wheel, against hand-written Python, and both in Node.js\n');
  out.push('Medians over fresh processes, min–max in brackets. Wall: spawn to exit. CPU: user + system time of the process and of '
    + 'the processes it waited for (for Python, the jsii kernel), which other load on the machine disturbs less than the wall time.\n');
  out.push(table(['case', 'app', 'wall', 'CPU'], synthCases.flatMap(c => SYNTH_APPS.filter(app => has(c, app)).map(app =>
    [c.id, appLabel[app], cell(wall(c, app)), cell(cpu(c, app))]))));
  const nodeRatios = (c: Case) => (has(c, 'node-construct') && has(c, 'node-handwritten')
    ? [ratioCell(wall(c, 'node-construct'), wall(c, 'node-handwritten')), ratioCell(cpu(c, 'node-construct'), cpu(c, 'node-handwritten')),
      ratio(median(cpu(c, 'python-construct')), median(cpu(c, 'node-construct'))),
      ratio(median(cpu(c, 'python-handwritten')), median(cpu(c, 'node-handwritten')))]
    : ['-', '-', '-', '-']);
  out.push('Ratios of the medians, with a 90% bootstrap interval (- where a case has no Node.js apps):\n');
  out.push(table(
    ['case', 'Python, construct / hand-written: wall', 'CPU', 'Node.js, construct / hand-written: wall', 'CPU',
      'Python / Node.js, construct: CPU', 'Python / Node.js, hand-written: CPU'],
    synthCases.map(c => [c.label,
      ratioCell(wall(c, 'python-construct'), wall(c, 'python-handwritten'), true), ratioCell(cpu(c, 'python-construct'), cpu(c, 'python-handwritten'), true),
      ...nodeRatios(c)]),
  ));

  out.push('Where the Python apps\' time goes, medians. Each phase runs from one mark of the app to the next (`bench/python/harness.py`): '
    + 'its wall time, then the CPU time of Python and of Node.js (the jsii kernel: unpacking and loading assemblies, running the '
    + 'JavaScript) in it, and the messages sent to the kernel. Python start-up is from spawn to the app\'s first line; kernel stop is '
    + 'jsii\'s exit hook (it ends the node process and waits for it); Python shutdown is the rest, to the end of the process.\n');
  const phaseCell = (xs: Sample[], p: string) => {
    const m = (f: (t: PhaseTime) => number) => median(xs.map(s => f(s.phases![p])));
    const calls = m(t => t.calls);
    const node = m(t => t.nodeCpuMs);
    const parts = [`Python ${ms(m(t => t.pythonCpuMs))}`, ...(node >= 5 ? [`node ${ms(node)}`] : [])];
    return `${ms(m(t => t.wallMs))} (CPU ${parts.join(', ')}${calls > 0 ? `; ${calls.toFixed(0)} message${calls === 1 ? '' : 's'}` : ''})`;
  };
  out.push(table(
    ['case', 'app', ...APP_PHASES.map(([, label]) => label), 'wall'],
    synthCases.flatMap(c => (['python-construct', 'python-handwritten'] as const).map(app => {
      const xs = samples.get(c.id)!.get(app)!;
      return [c.id, app === 'python-construct' ? 'construct' : 'hand-written',
        ...APP_PHASES.map(([p]) => (app === 'python-handwritten' && (p === 'library' || p === 'read') ? '-' : phaseCell(xs, p))),
        ms(median(xs.map(s => s.wallMs)))];
    })),
  ));

  const commandCases = prepared.filter(c => COMMANDS.every(a => c.apps.includes(a)));
  if (commandCases.length > 0) {
    out.push('### The command: `cdk-compose-fargate synth`\n');
    out.push('The Python package\'s console script (jsii-pacmak\'s launcher: it imports the Python package, which starts the kernel and '
      + 'loads the packages with jsii\'s package cache off, asks the kernel for the npm package\'s command and runs it with the kernel\'s '
      + 'Node.js), run by `bench/python/command.py` with the marks of the apps, against `node` running the same command. Same cloud '
      + 'assembly (checked). Medians, min–max in brackets.\n');
    out.push(table(['case', 'app', 'wall', 'CPU'], commandCases.flatMap(c => COMMANDS.map(app =>
      [c.id, appLabel[app], cell(wall(c, app)), cell(cpu(c, app))]))));
    out.push(table(['case', 'console script / node: wall', 'CPU'], commandCases.map(c => [c.label,
      ratioCell(wall(c, 'python-command'), wall(c, 'node-command'), true), ratioCell(cpu(c, 'python-command'), cpu(c, 'node-command'), true)])));
    out.push('Where the console script\'s time goes, medians, as above:\n');
    out.push(table(['case', ...COMMAND_PHASES.map(([, label]) => label), 'wall'], commandCases.map(c => {
      const xs = samples.get(c.id)!.get('python-command')!;
      return [c.id, ...COMMAND_PHASES.map(([p]) => phaseCell(xs, p)), ms(median(xs.map(s => s.wallMs)))];
    })));
  }

  out.push('### Same templates\n');
  out.push(prepared.flatMap(c => templates.get(c.id)!.map(t => `- ${c.id}: ${t}`)).join('\n') + '\n');
  return out.join('\n');
}

function main() {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const started = Date.now();
  const cases = options.only ? CASES.filter(c => options.only!.includes(c.id)) : CASES;
  if (cases.length === 0) throw new Error(`--only: no such case; the cases are ${CASES.map(c => c.id).join(', ')}`);

  const { source } = compile(WORK, undefined);
  const wheel = installWheel();
  const prepared = cases.map(prepare);
  const env: NodeJS.ProcessEnv = { ...childEnv(), JSII_RUNTIME_PACKAGE_CACHE_ROOT: JSII_CACHE, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
  const loadBefore = os.loadavg()[0];

  log('warm-up: one untimed run per app and case ...');
  for (const c of prepared) for (const app of c.apps) run(c, app, env);

  const samples = new Map(prepared.map(c => [c.id, new Map<AppId, Sample[]>(c.apps.map(a => [a, []]))]));
  for (let rep = 0; rep < options.reps; rep++) {
    for (const c of prepared) {
      // Rotate which app goes first, so that none always follows another.
      const order = c.apps.map((_, i) => c.apps[(i + rep) % c.apps.length]);
      const line: string[] = [];
      for (const app of order) {
        const sample = run(c, app, env);
        samples.get(c.id)!.get(app)!.push(sample);
        line.push(`${app} ${(sample.wallMs / 1000).toFixed(2)} s`);
      }
      log(`round ${rep + 1}/${options.reps} ${c.id.padEnd(8)} ${line.join(', ')}`);
    }
  }
  const templates = new Map(prepared.map(c => [c.id, compareTemplates(c)]));

  const versions = pythonVersions();
  const basics = machineBasics();
  const info: Record<string, string> = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    args: argv.filter(a => a !== '--write').map(a => ` ${a}`).join(''),
    reps: String(options.reps),
    seconds: ((Date.now() - started) / 1000).toFixed(0),
    cpu: basics.cpu,
    memory: `${basics.memoryGiB} GiB`,
    os: basics.os,
    python: versions.python,
    jsii: versions.jsii,
    node: spawnSync('node', ['--version'], { encoding: 'utf-8' }).stdout.trim(),
    awsCdkLib: versions.awsCdkLib,
    constructs: versions.constructs,
    wheel: `${wheel}, version ${versions.wheel}`,
    source,
    load: `${loadBefore.toFixed(2)} / ${os.loadavg()[0].toFixed(2)}`,
  };
  const markdown = render(prepared, samples, templates, info);
  fs.writeFileSync(path.join(WORK, 'results.json'), JSON.stringify({ info, samples: Object.fromEntries([...samples].map(([k, v]) => [k, Object.fromEntries(v)])) }, null, 2));
  process.stdout.write(markdown);
  if (options.write) writeResults('bench:python', markdown);
  log(`done in ${info.seconds} s; raw results in ${path.relative(REPO, path.join(WORK, 'results.json'))}`);
}

main();
