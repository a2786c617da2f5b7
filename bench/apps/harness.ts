/**
 * What both benchmark apps share: how they are called, when they take their time marks, and the
 * one line they report. An app is run as `node <app>.js <scenario> <outdir> [input]`, once
 * per sample, in a fresh process; `scenario` is `tutorial`, `n=<containers>` (one task) or
 * `project=<services>` (one ECS service per compose service, each on a network of its own).
 *
 * Time marks are `performance.now()`: milliseconds since the process started.
 */
import { performance } from 'perf_hooks';

export interface AppArgs {
  readonly scenario: 'tutorial' | 'generated' | 'project';
  /** Containers (`generated`) or services (`project`). */
  readonly n: number;
  readonly outdir: string;
  /** Construct app: the folder of the tutorial's files, or the generated compose file. */
  readonly input?: string;
}

export interface AppReport {
  /** ms from process start to the first line of the app (node's own start-up). */
  readonly startedMs: number;
  /** ms spent requiring aws-cdk-lib (and the construct library). */
  readonly requireMs: number;
  /** ms spent reading and checking the two files (ComposeDefinition / EcsParams): construct app only, else 0. */
  readonly readMs: number;
  /** ms spent creating the constructs (for the construct app: ComposeFargateService, which plans, then builds). */
  readonly buildMs: number;
  /** ms spent in app.synth() (writing cdk.out). */
  readonly synthMs: number;
  /** CPU time of the process so far (user + system), ms: less sensitive than wall time to other load. */
  readonly cpuMs: number;
  /** Peak resident set size of the process so far, KiB (getrusage ru_maxrss). */
  readonly maxRssKiB: number;
  /** Heap in use at the end, KiB. */
  readonly heapUsedKiB: number;
}

export const REPORT_PREFIX = 'BENCH_REPORT ';

export function parseArgs(argv: string[] = process.argv.slice(2)): AppArgs {
  const [scenario, outdir, input] = argv;
  if (!scenario || !outdir) throw new Error('usage: node <app>.js tutorial|n=<containers>|project=<services> <outdir> [input]');
  if (scenario === 'tutorial') return { scenario: 'tutorial', n: 1, outdir, input };
  const m = /^(n|project)=(\d+)$/.exec(scenario);
  if (!m) throw new Error(`unknown scenario ${JSON.stringify(scenario)}`);
  return { scenario: m[1] === 'n' ? 'generated' : 'project', n: Number(m[2]), outdir, input };
}

/** Time marks, taken by the app as it goes. */
export class Marks {
  public readonly started = performance.now();
  private loaded = 0;
  private read = 0;
  private built = 0;

  public markLoaded() { this.loaded = performance.now(); }
  /** After the files are read (construct app only). */
  public markRead() { this.read = performance.now(); }
  public markBuilt() { this.built = performance.now(); }

  /** Print the report line: call right after app.synth(). */
  public report() {
    const done = performance.now();
    const usage = process.resourceUsage();
    const report: AppReport = {
      startedMs: this.started,
      requireMs: this.loaded - this.started,
      readMs: this.read === 0 ? 0 : this.read - this.loaded,
      buildMs: this.built - (this.read === 0 ? this.loaded : this.read),
      synthMs: done - this.built,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      maxRssKiB: usage.maxRSS,
      heapUsedKiB: Math.round(process.memoryUsage().heapUsed / 1024),
    };
    process.stdout.write(REPORT_PREFIX + JSON.stringify(report) + '\n');
  }
}
