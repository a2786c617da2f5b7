/**
 * The load / normalize / plan stage alone, in process, no construct created: the pipeline
 * ComposeDefinition.fromYaml and ComposeFargateService run before any CDK resource exists
 * (YAML parse, variables, interpolation, normalization, then planTask).
 *
 * Run as `node pipeline.js <compose-file> <seconds>`; prints one `BENCH_REPORT` line: the time to
 * require the stage's modules, the first (cold) call, then the median of many warm calls, per stage.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { REPORT_PREFIX } from './harness';
import type * as loadLib from '../../src/private/load/load';
import type * as normalizeLib from '../../src/private/normalize/normalize-compose';
import type * as planLib from '../../src/private/plan/task';
import type * as problemsLib from '../../src/private/problems';

const STAGES = ['parse', 'interpolate', 'normalize', 'plan'] as const;
type Stage = typeof STAGES[number];

export interface PipelineReport {
  readonly services: number;
  /** ms to require load, normalize-compose, plan and problems (load.ts pulls in aws-cdk-lib's core for Token). */
  readonly requireMs: number;
  /** The first call in the process, ms per stage (what one `cdk synth` pays). */
  readonly cold: Record<Stage | 'total', number>;
  /** Warm calls: how many, and the median ms per stage and in total. */
  readonly warmCalls: number;
  readonly warm: Record<Stage | 'total', number>;
  /** Warm total per call, 10th and 90th percentile, ms. */
  readonly warmP10: number;
  readonly warmP90: number;
}

const [file, secondsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node pipeline.js <compose-file> [seconds]');
const budgetMs = Number(secondsArg ?? '3') * 1000;

const t0 = performance.now();
/* eslint-disable @typescript-eslint/no-require-imports */
const { buildVariables, interpolateTree, parseYaml }: typeof loadLib = require('../../src/private/load/load');
const { normalizeCompose }: typeof normalizeLib = require('../../src/private/normalize/normalize-compose');
const { planTask }: typeof planLib = require('../../src/private/plan/task');
const { Problems }: typeof problemsLib = require('../../src/private/problems');
/* eslint-enable @typescript-eslint/no-require-imports */
const requireMs = performance.now() - t0;

const text = fs.readFileSync(file, 'utf-8');
const projectDirectory = path.dirname(path.resolve(file));
let services = 0;

/** One pass of the stage; returns ms per stage. */
function once(): Record<Stage, number> {
  const problems = new Problems('docker-compose.yml');
  const a = performance.now();
  const raw = parseYaml(text, problems);
  const b = performance.now();
  const variables = buildVariables({ variables: {}, projectDirectory }, problems);
  const doc = interpolateTree(raw, variables, problems);
  const c = performance.now();
  const model = normalizeCompose(doc, { variables, projectDirectory }, problems);
  const d = performance.now();
  if (!model || !problems.ok) throw new Error(`the document has problems: ${JSON.stringify(problems.errors.slice(0, 3))}`);
  const paramsProblems = new Problems('ecs-params.yml');
  const plan = planTask({ compose: model, family: 'bench' }, problems, paramsProblems);
  const e = performance.now();
  if (!plan || !problems.ok || !paramsProblems.ok) throw new Error('the plan has problems');
  services = plan.containers.length;
  return { parse: b - a, interpolate: c - b, normalize: d - c, plan: e - d };
}

function withTotal(x: Record<Stage, number>): Record<Stage | 'total', number> {
  return { ...x, total: STAGES.reduce((s, k) => s + x[k], 0) };
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

const cold = withTotal(once());
for (let i = 0; i < 20; i++) once();
const samples: Record<Stage | 'total', number[]> = { parse: [], interpolate: [], normalize: [], plan: [], total: [] };
const start = performance.now();
while (performance.now() - start < budgetMs || samples.total.length < 50) {
  const s = withTotal(once());
  for (const k of [...STAGES, 'total'] as const) samples[k].push(s[k]);
}
for (const k of Object.keys(samples) as (Stage | 'total')[]) samples[k].sort((x, y) => x - y);
const warm = {} as Record<Stage | 'total', number>;
for (const k of Object.keys(samples) as (Stage | 'total')[]) warm[k] = quantile(samples[k], 0.5);

const report: PipelineReport = {
  services,
  requireMs,
  cold,
  warmCalls: samples.total.length,
  warm,
  warmP10: quantile(samples.total, 0.1),
  warmP90: quantile(samples.total, 0.9),
};
process.stdout.write(REPORT_PREFIX + JSON.stringify(report) + '\n');
