/** The benchmark's results as Markdown (the section of BENCHMARKS.md that `--write` replaces). */
import type { InclusiveKind, ProfileSummary } from './profile';
import { median, percent, quantile, ratio, ratioInterval } from './stats';
import type { AppReport } from '../apps/harness';
import type { PipelineReport } from '../apps/pipeline';

/** The apps: the construct, the hand-written baseline, and (--what-if) the construct with js-yaml for yaml. */
export type AppName = 'construct' | 'handwritten' | 'whatif';

export interface Sample extends AppReport {
  /** Spawn to exit, as the parent saw it, ms. */
  readonly wallMs: number;
}

export interface TemplateComparison {
  /** Resources by type. */
  readonly construct: Record<string, number>;
  readonly handwritten: Record<string, number>;
  /** The two templates are the same, to the byte once parsed. */
  readonly identical: boolean;
  /** Logical IDs (with type) only one template has. */
  readonly onlyConstruct: string[];
  readonly onlyHandwritten: string[];
  /** Logical IDs in both whose definitions differ. */
  readonly differing: string[];
}

export interface ScenarioResult {
  readonly id: string;
  readonly label: string;
  readonly containers: number;
  readonly samples: { construct: Sample[]; handwritten: Sample[]; whatif?: Sample[] };
  readonly templates: TemplateComparison;
}

export interface Results {
  readonly machine: {
    cpu: string;
    memoryGiB: number;
    os: string;
    node: string;
    awsCdkLib: string;
    constructs: string;
    yaml: string;
    source: string;
    reps: number;
    compileMs: number;
    loadBefore: number;
    loadAfter: number;
    date: string;
  };
  readonly scenarios: ScenarioResult[];
  readonly pipeline?: PipelineReport;
  /** The same stage with js-yaml in place of yaml (--what-if). */
  readonly pipelineWhatIf?: PipelineReport;
  readonly profiles?: { scenario: string; construct: ProfileSummary; handwritten: ProfileSummary }[];
  readonly totalSeconds: number;
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const ms1 = (x: number) => `${x.toFixed(1)} ms`;
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const med = (xs: Sample[], f: (s: Sample) => number) => median(xs.map(f));
const range = (xs: Sample[], f: (s: Sample) => number) => `${quantile(xs.map(f), 0).toFixed(0)}–${quantile(xs.map(f), 1).toFixed(0)}`;

export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

export function renderReport(r: Results): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`Measured ${m.date} by \`npm run bench\` (${m.reps} runs per app and scenario, ${r.totalSeconds.toFixed(0)} s in all).\n`);
  out.push(table(['machine', ''], [
    ['CPU', m.cpu],
    ['memory', `${m.memoryGiB} GiB`],
    ['OS', m.os],
    ['Node.js', m.node],
    ['aws-cdk-lib / constructs / yaml', `${m.awsCdkLib} / ${m.constructs} / ${m.yaml}`],
    ['construct library', `${m.source}, compiled with tsc (${(m.compileMs / 1000).toFixed(0)} s, not timed)`],
    ['1-minute load average, start / end', `${m.loadBefore.toFixed(2)} / ${m.loadAfter.toFixed(2)}`],
  ]));

  out.push('### Synthesis: the constructs against the hand-written app\n');
  out.push('Medians over fresh `node` processes, each building the app and running `app.synth()` into its own cdk.out. '
    + 'Wall: spawn to exit, as the parent saw it (min–max in brackets). Wall ratio: construct / hand-written, ratio of the medians, '
    + 'with a 90% bootstrap interval. CPU: user + system time of the process (less disturbed than wall time by other load on the machine). '
    + 'Peak RSS: getrusage `ru_maxrss` of the process.\n');
  out.push(table(
    ['scenario', 'construct wall', 'hand-written wall', 'wall ratio (90% interval)', 'extra wall', 'CPU ratio (90% interval)', 'construct peak RSS', 'hand-written peak RSS', 'RSS ratio'],
    r.scenarios.map(s => {
      const c = s.samples.construct;
      const h = s.samples.handwritten;
      const cw = med(c, x => x.wallMs);
      const hw = med(h, x => x.wallMs);
      const interval = (f: (x: Sample) => number) => ratioInterval(c.map(f), h.map(f)).map(x => x.toFixed(2)).join('–');
      return [
        s.label,
        `${ms(cw)} (${range(c, x => x.wallMs)})`,
        `${ms(hw)} (${range(h, x => x.wallMs)})`,
        `**${ratio(cw, hw)}** (${interval(x => x.wallMs)})`,
        `${(cw - hw).toFixed(0)} ms (${percent(cw, hw)})`,
        `${ratio(med(c, x => x.cpuMs), med(h, x => x.cpuMs))} (${interval(x => x.cpuMs)})`,
        mib(med(c, x => x.maxRssKiB)),
        mib(med(h, x => x.maxRssKiB)),
        ratio(med(c, x => x.maxRssKiB), med(h, x => x.maxRssKiB)),
      ];
    }),
  ));

  out.push('Where the time goes, medians (from marks the apps take with `performance.now()`; aws-cdk-lib loads its '
    + 'modules lazily, so part of its loading falls in the later phases; "read the files" is ComposeDefinition.fromFile and '
    + 'EcsParams.fromFile: load and normalize; the plan is made in the construct\'s constructor):\n');
  out.push(table(
    ['scenario', 'app', 'node start-up', 'require', 'read the files', 'build constructs', 'app.synth()', 'CPU (user+sys)'],
    r.scenarios.flatMap(s => (['construct', 'handwritten'] as const).map(app => {
      const xs = s.samples[app];
      return [s.id, app === 'construct' ? 'construct' : 'hand-written', ms(med(xs, x => x.startedMs)), ms(med(xs, x => x.requireMs)),
        app === 'construct' ? ms(med(xs, x => x.readMs)) : '-', ms(med(xs, x => x.buildMs)), ms(med(xs, x => x.synthMs)), ms(med(xs, x => x.cpuMs))];
    })),
  ));

  if (r.scenarios.some(s => s.samples.whatif)) {
    out.push('### What-if: js-yaml in place of yaml\n');
    out.push('The same compiled construct library, run with `bench/apps/js-yaml-shim.ts` preloaded: the library\'s `require(\'yaml\')` gets a '
      + '`parseDocument` made on js-yaml (core schema plus merge keys). Same template as the construct\'s (checked). Medians, interleaved with the runs above.\n');
    out.push(table(
      ['scenario', 'construct (yaml)', 'construct (js-yaml)', 'hand-written', 'js-yaml / hand-written (90% interval)', 'js-yaml / yaml', 'require: yaml → js-yaml', 'read the files: yaml → js-yaml'],
      r.scenarios.filter(s => s.samples.whatif).map(s => {
        const c = s.samples.construct;
        const w = s.samples.whatif!;
        const h = s.samples.handwritten;
        const [lo, hi] = ratioInterval(w.map(x => x.wallMs), h.map(x => x.wallMs));
        return [s.id, ms(med(c, x => x.wallMs)), ms(med(w, x => x.wallMs)), ms(med(h, x => x.wallMs)),
          `**${ratio(med(w, x => x.wallMs), med(h, x => x.wallMs))}** (${lo.toFixed(2)}–${hi.toFixed(2)})`,
          ratio(med(w, x => x.wallMs), med(c, x => x.wallMs)),
          `${ms(med(c, x => x.requireMs))} → ${ms(med(w, x => x.requireMs))}`,
          `${ms(med(c, x => x.readMs))} → ${ms(med(w, x => x.readMs))}`];
      }),
    ));
  }

  out.push('### CloudFormation resources\n');
  out.push(table(
    ['scenario', 'construct', 'hand-written', 'same template', 'resources only the construct makes'],
    r.scenarios.map(s => {
      const t = s.templates;
      const total = (x: Record<string, number>) => Object.values(x).reduce((a, b) => a + b, 0);
      const diff = t.identical ? 'yes' : `no (${t.differing.length} differ: ${t.differing.join(', ') || 'none'})`;
      return [s.label, String(total(t.construct)), String(total(t.handwritten)), diff, t.onlyConstruct.join(', ') || 'none'];
    }),
  ));
  const types = [...new Set(r.scenarios.flatMap(s => [...Object.keys(s.templates.construct), ...Object.keys(s.templates.handwritten)]))].sort();
  out.push('By type (one number where both apps make the same count, "construct / hand-written" where they differ):\n');
  out.push(table(
    ['type', ...r.scenarios.map(s => s.id)],
    types.map(type => [`\`${type}\``, ...r.scenarios.map(s => {
      const c = s.templates.construct[type] ?? 0;
      const h = s.templates.handwritten[type] ?? 0;
      return c === h ? String(c) : `**${c} / ${h}**`;
    })]),
  ));

  const p = r.pipeline;
  if (p) {
    const w = r.pipelineWhatIf;
    out.push('### Load / normalize / plan alone (no construct)\n');
    out.push('In one process, the route the constructs take before any resource exists: `ComposeDefinition.fromYaml` (YAML parse, variables and '
      + 'interpolation, the load stage, normalization), then `planTask` (one task, as ComposeFargateService) or `planProject` (as ComposeFargateProject); '
      + `the first call of each, then warm calls (median). Requiring the stage's modules took ${ms(p.requireMs)}; the project's first call follows the task's, `
      + 'so its code is partly warm.\n');
    const names = { read: 'ComposeDefinition.fromYaml', plan: 'plan', total: '**total per call**' };
    const rows: string[][] = [];
    for (const kind of ['task', 'project'] as const) {
      const t = p[kind];
      const label = kind === 'task' ? `${t.services} containers, planTask` : `${t.services} services, planProject`;
      for (const k of ['read', 'plan', 'total'] as const) {
        rows.push([label, k === 'plan' ? (kind === 'task' ? 'planTask' : 'planProject') : names[k], ms1(t.cold[k]), ms1(t.warm[k]),
          ...(w ? [ms1(w[kind].cold[k]), ms1(w[kind].warm[k])] : [])]);
      }
    }
    out.push(table(['file', 'stage', 'first call (cold)', 'warm, per call', ...(w ? ['first call, js-yaml (what-if)', 'warm, js-yaml (what-if)'] : [])], rows));
  }

  if (r.profiles) {
    out.push('### CPU profiles (`node --cpu-prof`, one run per app)\n');
    const kinds: [InclusiveKind, string][] = [['require', 'inside require()'], ['constructLibrary', 'inside the construct library (and what it calls)'],
      ['yaml', 'inside yaml'], ['synth', 'inside app.synth()']];
    for (const prof of r.profiles) {
      out.push(`${prof.scenario}: sampled ${ms(prof.construct.totalMs)} (construct) and ${ms(prof.handwritten.totalMs)} (hand-written).\n`);
      out.push(table(['inclusive', 'construct', 'hand-written'], kinds.map(([k, label]) => [label, ms(prof.construct.inclusive[k]), ms(prof.handwritten.inclusive[k])])));
      const owners = [...new Set([...prof.construct.selfByOwner.slice(0, 10), ...prof.handwritten.selfByOwner.slice(0, 10)].map(x => x[0]))];
      const self = (sum: ProfileSummary, owner: string) => sum.selfByOwner.find(x => x[0] === owner)?.[1];
      out.push(table(['self time by owner', 'construct', 'hand-written'],
        owners.map(o => [o, self(prof.construct, o) === undefined ? '-' : ms(self(prof.construct, o)!), self(prof.handwritten, o) === undefined ? '-' : ms(self(prof.handwritten, o)!)])));
    }
  }
  return out.join('\n');
}
