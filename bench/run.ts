/**
 * The synthesis benchmark (issues 7 and 20): what ComposeFargateService and ComposeFargateProject
 * cost in a `cdk synth` beyond the resources they create, against a hand-written aws-cdk-lib app that
 * synthesizes the same template.
 *
 *   npm run bench                      # or: npx ts-node --project bench/tsconfig.json bench/run.ts
 *   npm run bench -- --reps 25         # more samples per app and scenario (default 15)
 *   npm run bench -- --ref HEAD        # benchmark src/ as committed at a revision, not the working tree
 *   npm run bench -- --profile         # also take one CPU profile per app (tutorial, n=10, project) and say where the time goes
 *   npm run bench -- --what-if         # also time the construct with js-yaml in place of yaml (see BENCHMARKS.md)
 *   npm run bench -- --write           # put the results into BENCHMARKS.md (between its markers)
 *   npm run bench -- --only tutorial,n=10
 *
 * Steps: compile src/ and bench/ with tsc into .tmp/bench/js (not timed); write the generated
 * compose files; one untimed warm-up run per app and scenario; then `--reps` rounds, each running
 * every scenario's two apps once in fresh `node` processes, in alternating order; then the
 * load/normalize/plan stage alone, in process (ComposeDefinition.fromYaml, then planTask on the
 * 10-service file and planProject on the project's). Medians, ratios of
 * medians, resource counts by type and a check that both apps' templates are the same.
 *
 * Nothing here calls AWS: the apps are environment-agnostic and only synthesize.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPORT_PREFIX, type AppReport } from './apps/harness';
import type { PipelineReport } from './apps/pipeline';
import { summarizeProfile, ProfileSummary } from './lib/profile';
import { renderReport, Results, ScenarioResult, Sample, TemplateComparison, AppName } from './lib/report';
import { childEnv, compile, jsDir, log, machineBasics, npmVersion, REPO, tutorialDir, writeResults } from './lib/setup';
import { GENERATED_SIZES, generatedComposeYaml, PROJECT_SERVICES, STACK_NAME } from './lib/spec';

const WORK = path.join(REPO, '.tmp', 'bench');
const JS = jsDir(WORK);
const OUT = path.join(WORK, 'out');
const PROF = path.join(WORK, 'prof');

interface Options {
  reps: number;
  ref?: string;
  profile: boolean;
  whatIf: boolean;
  write: boolean;
  only?: string[];
  pipelineSeconds: number;
}

interface Scenario {
  readonly id: string;
  readonly label: string;
  /** The first argument of the apps. */
  readonly arg: string;
  /** The construct app's input: the tutorial folder or the generated compose file. */
  readonly input: string;
  readonly containers: number;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { reps: 15, profile: false, whatIf: false, write: false, pipelineSeconds: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--reps') o.reps = Number(value());
    else if (a === '--ref') o.ref = value();
    else if (a === '--profile') o.profile = true;
    else if (a === '--what-if') o.whatIf = true;
    else if (a === '--write') o.write = true;
    else if (a === '--only') o.only = value().split(',');
    else if (a === '--pipeline-seconds') o.pipelineSeconds = Number(value());
    else throw new Error(`unknown option ${a}: see the comment at the top of bench/run.ts`);
  }
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error('--reps takes a whole number, 1 or more');
  return o;
}

function scenarios(only: string[] | undefined): Scenario[] {
  const all: Scenario[] = [{
    id: 'tutorial',
    label: 'tutorial (ecs-params-new-network.yml)',
    arg: 'tutorial',
    input: tutorialDir(WORK),
    containers: 1,
  }];
  const write = (name: string, yaml: string) => {
    const file = path.join(WORK, 'compose', name, 'docker-compose.yml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, yaml);
    return file;
  };
  for (const n of GENERATED_SIZES) {
    const file = write(`n${String(n).padStart(3, '0')}`, generatedComposeYaml(n));
    all.push({ id: `n=${n}`, label: `${n} generated container${n === 1 ? '' : 's'}`, arg: `n=${n}`, input: file, containers: n });
  }
  all.push({
    id: 'project',
    label: `${PROJECT_SERVICES} generated services, one ComposeFargateProject`,
    arg: `project=${PROJECT_SERVICES}`,
    input: write(`project${PROJECT_SERVICES}`, generatedComposeYaml(PROJECT_SERVICES, true)),
    containers: PROJECT_SERVICES,
  });
  const chosen = only ? all.filter(s => only.includes(s.id)) : all;
  if (chosen.length === 0) throw new Error(`--only: no such scenario; the scenarios are ${all.map(s => s.id).join(', ')}`);
  return chosen;
}

function outdirOf(s: Scenario, app: AppName): string {
  return path.join(OUT, `${s.id.replace('=', '')}-${app}`);
}

function runNode(args: string[], env: NodeJS.ProcessEnv): { wallMs: number; report: unknown } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const line = r.stdout.split('\n').find(l => l.startsWith(REPORT_PREFIX));
  if (!line) throw new Error(`node ${args.join(' ')} printed no report:\n${r.stdout}\n${r.stderr}`);
  return { wallMs, report: JSON.parse(line.slice(REPORT_PREFIX.length)) };
}

/** The what-if preload: js-yaml in place of yaml. */
const JS_YAML_SHIM = () => ['-r', path.join(JS, 'bench', 'apps', 'js-yaml-shim.js')];

function runApp(s: Scenario, app: AppName, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Sample {
  const outdir = outdirOf(s, app);
  fs.rmSync(outdir, { recursive: true, force: true });
  const script = path.join(JS, 'bench', 'apps', app === 'handwritten' ? 'handwritten.js' : 'construct.js');
  const preload = app === 'whatif' ? JS_YAML_SHIM() : [];
  const { wallMs, report } = runNode([...preload, ...nodeArgs, script, s.arg, outdir, s.input], env);
  return { wallMs, ...(report as AppReport) };
}

/** Both templates by resource type, and whether they are the same. */
function compareTemplates(s: Scenario, whatIf: boolean): TemplateComparison {
  const read = (app: AppName) => JSON.parse(fs.readFileSync(path.join(outdirOf(s, app), `${STACK_NAME}.template.json`), 'utf-8'));
  const construct = read('construct');
  const handwritten = read('handwritten');
  const countTypes = (t: any) => {
    const m: Record<string, number> = {};
    for (const r of Object.values<any>(t.Resources ?? {})) m[r.Type] = (m[r.Type] ?? 0) + 1;
    return m;
  };
  const cRes = construct.Resources ?? {};
  const hRes = handwritten.Resources ?? {};
  const onlyConstruct = Object.keys(cRes).filter(k => !(k in hRes)).map(k => `${k} (${cRes[k].Type})`);
  const onlyHandwritten = Object.keys(hRes).filter(k => !(k in cRes)).map(k => `${k} (${hRes[k].Type})`);
  const differing = Object.keys(cRes).filter(k => k in hRes && JSON.stringify(cRes[k]) !== JSON.stringify(hRes[k]));
  // The what-if must make the same template, or its timing says nothing.
  if (whatIf && JSON.stringify(read('whatif')) !== JSON.stringify(construct)) {
    throw new Error(`${s.id}: the what-if (js-yaml) template differs from the construct's`);
  }
  return {
    construct: countTypes(construct),
    handwritten: countTypes(handwritten),
    identical: JSON.stringify(construct) === JSON.stringify(handwritten),
    onlyConstruct,
    onlyHandwritten,
    differing,
  };
}

function machine(source: string, reps: number, compileMs: number): Results['machine'] {
  return {
    ...machineBasics(),
    node: process.version,
    awsCdkLib: npmVersion('aws-cdk-lib'),
    constructs: npmVersion('constructs'),
    yaml: npmVersion('yaml'),
    source,
    reps,
    compileMs,
    loadBefore: os.loadavg()[0],
    loadAfter: 0,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

function profileApps(list: Scenario[], env: NodeJS.ProcessEnv): Results['profiles'] {
  const profiles: Results['profiles'] = [];
  fs.rmSync(PROF, { recursive: true, force: true });
  for (const s of list) {
    const entry: Partial<Record<AppName, ProfileSummary>> = {};
    for (const app of ['construct', 'handwritten'] as const) {
      const dir = path.join(PROF, `${s.id.replace('=', '')}-${app}`);
      runApp(s, app, env, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250']);
      const file = fs.readdirSync(dir).find(f => f.endsWith('.cpuprofile'))!;
      entry[app] = summarizeProfile(path.join(dir, file));
      log(`profile ${s.id} ${app}: ${path.relative(REPO, path.join(dir, file))}`);
    }
    profiles.push({ scenario: s.id, construct: entry.construct!, handwritten: entry.handwritten! });
  }
  return profiles;
}

function main() {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const { source, compileMs } = compile(WORK, options.ref);
  const list = scenarios(options.only);
  const env = childEnv();
  const info = machine(source, options.reps, compileMs);
  const apps: AppName[] = options.whatIf ? ['construct', 'handwritten', 'whatif'] : ['construct', 'handwritten'];

  log('warm-up: one untimed run per app and scenario ...');
  for (const s of list) for (const app of apps) runApp(s, app, env);

  const samples = new Map<string, Partial<Record<AppName, Sample[]>>>(list.map(s => [s.id, {}]));
  for (let rep = 0; rep < options.reps; rep++) {
    for (const s of list) {
      // Rotate which app goes first, so that none always follows another.
      const order = apps.map((_, i) => apps[(i + rep) % apps.length]);
      const line: string[] = [];
      for (const app of order) {
        const sample = runApp(s, app, env);
        (samples.get(s.id)![app] ??= []).push(sample);
        line.push(`${app} ${sample.wallMs.toFixed(0)} ms`);
      }
      log(`round ${rep + 1}/${options.reps} ${s.id.padEnd(8)} ${line.join(', ')}`);
    }
  }

  const results: ScenarioResult[] = list.map(s => ({
    id: s.id,
    label: s.label,
    containers: s.containers,
    samples: samples.get(s.id)! as ScenarioResult['samples'],
    templates: compareTemplates(s, options.whatIf),
  }));

  const [task, projectScenario] = scenarios([`n=${Math.max(...GENERATED_SIZES)}`, 'project']);
  log(`load/normalize/plan alone on ${path.relative(REPO, task.input)} and ${path.relative(REPO, projectScenario.input)} (${options.pipelineSeconds} s of warm calls each) ...`);
  const pipelineArgs = [path.join(JS, 'bench', 'apps', 'pipeline.js'), task.input, projectScenario.input, String(options.pipelineSeconds)];
  const pipeline = runNode(pipelineArgs, env).report as PipelineReport;
  const pipelineWhatIf = options.whatIf ? runNode([...JS_YAML_SHIM(), ...pipelineArgs], env).report as PipelineReport : undefined;

  const profiles = options.profile ? profileApps(list.filter(s => ['tutorial', 'n=10', 'project'].includes(s.id)), env) : undefined;
  info.loadAfter = os.loadavg()[0];
  const all: Results = { machine: info, scenarios: results, pipeline, pipelineWhatIf, profiles, totalSeconds: (Date.now() - started) / 1000 };
  fs.writeFileSync(path.join(WORK, 'results.json'), JSON.stringify(all, null, 2));
  const markdown = renderReport(all);
  process.stdout.write(markdown);
  if (options.write) writeResults('bench:results', markdown);
  log(`done in ${all.totalSeconds.toFixed(0)} s; raw results in ${path.relative(REPO, path.join(WORK, 'results.json'))}`);
}

main();
