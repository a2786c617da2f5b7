/**
 * What the benchmark drivers share (bench/run.ts, bench/python/run.ts): compiling the sources to
 * benchmark outside the timed runs, the environment of the apps, the machine they ran on, and
 * writing a results section into BENCHMARKS.md.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..', '..');

/**
 * The context `cdk synth` gives an app by default (path metadata, asset metadata, version
 * reporting, bundling for all stacks), so that the apps synthesize as they would under the CLI.
 */
const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
};

export function log(message: string) {
  process.stderr.write(message + '\n');
}

export function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: REPO, encoding: 'utf-8' }).trim();
}

/** Where a driver compiles to: `<work>/js` (src/ and bench/apps, bench/lib), from a copy in `<work>/tree`. */
export function jsDir(work: string): string {
  return path.join(work, 'js');
}

/** The folder that holds the tutorial's files after compile(): kept in `<work>/tree`, like the sources were. */
export function tutorialDir(work: string): string {
  return path.join(work, 'tree', 'examples', 'tutorial');
}

/**
 * The sources to benchmark (working tree, or `git archive` of a revision) compiled with tsc to
 * `<work>/js` (not timed).
 */
export function compile(work: string, ref: string | undefined): { source: string; compileMs: number } {
  const tree = path.join(work, 'tree');
  const js = jsDir(work);
  fs.rmSync(tree, { recursive: true, force: true });
  fs.rmSync(js, { recursive: true, force: true });
  fs.mkdirSync(tree, { recursive: true });
  let source: string;
  if (ref) {
    const commit = git('rev-parse', ref);
    const tar = execFileSync('git', ['archive', '--format=tar', commit, 'src', 'examples/tutorial'], { cwd: REPO, maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', tree], { input: tar });
    source = `${ref} (${commit.slice(0, 12)})`;
  } else {
    fs.cpSync(path.join(REPO, 'src'), path.join(tree, 'src'), { recursive: true });
    fs.cpSync(path.join(REPO, 'examples', 'tutorial'), path.join(tree, 'examples', 'tutorial'), { recursive: true });
    const dirty = git('status', '--porcelain', '--', 'src').length > 0;
    source = `working tree at ${git('rev-parse', 'HEAD').slice(0, 12)}${dirty ? ' (src/ has uncommitted changes)' : ''}`;
  }
  for (const dir of ['apps', 'lib']) fs.cpSync(path.join(REPO, 'bench', dir), path.join(tree, 'bench', dir), { recursive: true });
  fs.writeFileSync(path.join(tree, 'tsconfig.json'), JSON.stringify({
    extends: path.relative(tree, path.join(REPO, 'tsconfig.json')),
    compilerOptions: {
      rootDir: '.',
      outDir: path.relative(tree, js),
      declaration: false,
      inlineSourceMap: false,
      inlineSources: false,
      types: ['node'],
    },
    include: ['src/**/*.ts', 'bench/**/*.ts'],
  }, null, 2));
  log(`compiling ${source} with tsc (not timed) ...`);
  const t0 = Date.now();
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(tree, 'tsconfig.json')], { cwd: REPO, encoding: 'utf-8' });
  if (tsc.status !== 0) {
    const hint = ref ? '' : '\n(the working tree does not compile: `--ref HEAD` benchmarks the committed sources)';
    throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}${hint}`);
  }
  // The entry point as the package ships it: one file (build-tools/bundle.js, a step of `compile`).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(REPO, 'build-tools', 'bundle.js')).bundle(path.join(js, 'src', 'index.js'));
  const compileMs = Date.now() - t0;
  // Keep only the tutorial's files (an input of the construct apps); the copied sources are compiled.
  fs.rmSync(path.join(tree, 'src'), { recursive: true, force: true });
  fs.rmSync(path.join(tree, 'bench'), { recursive: true, force: true });
  return { source, compileMs };
}

/** The environment of the apps: ours without CDK_* and NODE_OPTIONS, plus the CLI's context. */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('CDK_') && !k.startsWith('TS_NODE_') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  env.CDK_CONTEXT_JSON = JSON.stringify(CLI_CONTEXT);
  return env;
}

/** The version of an npm package the repository has installed. */
export function npmVersion(name: string): string {
  return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [REPO] }), 'utf-8')).version;
}

/** CPU, memory and OS of the machine. */
export function machineBasics(): { cpu: string; memoryGiB: number; os: string } {
  const cpus = os.cpus();
  let osName = `${os.type()} ${os.release()}`;
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf-8'));
    if (m) osName = `${m[1]}, kernel ${os.release()}`;
  } catch {
    // no /etc/os-release: the kernel alone
  }
  return { cpu: `${cpus[0]?.model ?? 'unknown'} x ${cpus.length}`, memoryGiB: Math.round(os.totalmem() / 2 ** 30), os: `${osName} (${os.arch()})` };
}

/** Replace what is between `<!-- <marker>:begin -->` and `<!-- <marker>:end -->` in BENCHMARKS.md. */
export function writeResults(marker: string, markdown: string) {
  const begin = `<!-- ${marker}:begin -->`;
  const end = `<!-- ${marker}:end -->`;
  const file = path.join(REPO, 'BENCHMARKS.md');
  const text = fs.readFileSync(file, 'utf-8');
  const b = text.indexOf(begin);
  const e = text.indexOf(end);
  if (b < 0 || e < b) throw new Error(`BENCHMARKS.md has no ${begin} ... ${end} section to write the results into`);
  fs.writeFileSync(file, text.slice(0, b + begin.length) + '\n\n' + markdown + '\n' + text.slice(e));
  log('results written to BENCHMARKS.md');
}
