/**
 * The load / normalize / plan stage alone, in process, no construct created: the route the
 * constructs take before any CDK resource exists. `ComposeDefinition.fromYaml` (YAML parse,
 * variables and interpolation, the load stage's merge, profiles and env_file, normalization), then
 * `planTask` as ComposeFargateService calls it, or `planProject` as ComposeFargateProject does.
 *
 * Run as `node pipeline.js <task-compose-file> <project-compose-file> <seconds>`; prints one
 * `BENCH_REPORT` line: the time to require the stage's modules, then for each file the first (cold)
 * call and the median of warm calls, per stage.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { REPORT_PREFIX } from './harness';
import type * as definitionLib from '../../src/compose/compose-definition';
import type * as projectLib from '../../src/private/plan/project';
import type * as planLib from '../../src/private/plan/task';
import type * as problemsLib from '../../src/private/problems';

export const STAGES = ['read', 'plan'] as const;
export type Stage = typeof STAGES[number];

export interface StageTimes {
  readonly services: number;
  /** The first call in the process, ms per stage (what one `cdk synth` pays). */
  readonly cold: Record<Stage | 'total', number>;
  /** Warm calls: how many, and the median ms per stage and in total. */
  readonly warmCalls: number;
  readonly warm: Record<Stage | 'total', number>;
  /** Warm total per call, 10th and 90th percentile, ms. */
  readonly warmP10: number;
  readonly warmP90: number;
}

export interface PipelineReport {
  /** ms to require ComposeDefinition, planTask, planProject and Problems. */
  readonly requireMs: number;
  /** One task (planTask). */
  readonly task: StageTimes;
  /** One ECS service per compose service (planProject); its cold call follows the task's. */
  readonly project: StageTimes;
}

const [taskFile, projectFile, secondsArg] = process.argv.slice(2);
if (!taskFile || !projectFile) throw new Error('usage: node pipeline.js <task-compose-file> <project-compose-file> [seconds]');
const budgetMs = Number(secondsArg ?? '3') * 1000;

const t0 = performance.now();
/* eslint-disable @typescript-eslint/no-require-imports */
const { ComposeDefinition }: typeof definitionLib = require('../../src/compose/compose-definition');
const { planProject }: typeof projectLib = require('../../src/private/plan/project');
const { planTask }: typeof planLib = require('../../src/private/plan/task');
const { Problems }: typeof problemsLib = require('../../src/private/problems');
/* eslint-enable @typescript-eslint/no-require-imports */
const requireMs = performance.now() - t0;

/** One pass over a file; returns ms per stage and the services planned. */
function once(file: string, text: string, kind: 'task' | 'project'): { times: Record<Stage, number>; services: number } {
  const options = { variables: {}, projectDirectory: path.dirname(path.resolve(file)) };
  const a = performance.now();
  const compose = ComposeDefinition.fromYaml(text, options)._model;
  const b = performance.now();
  const composeProblems = new Problems('docker-compose.yml');
  const paramsProblems = new Problems('ecs-params.yml');
  const services = kind === 'task'
    ? planTask({ compose, family: 'bench', volumeStorage: 'task' }, composeProblems, paramsProblems)?.containers.length
    : planProject({ compose, projectName: 'bench', volumeStorage: 'efs' }, composeProblems, paramsProblems)?.services.length;
  const c = performance.now();
  if (services === undefined || !composeProblems.ok || !paramsProblems.ok) {
    throw new Error(`${file}: the plan has problems: ${JSON.stringify([...composeProblems.errors, ...paramsProblems.errors].slice(0, 3))}`);
  }
  return { times: { read: b - a, plan: c - b }, services };
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

function measure(file: string, kind: 'task' | 'project'): StageTimes {
  const text = fs.readFileSync(file, 'utf-8');
  const first = once(file, text, kind);
  const cold = withTotal(first.times);
  for (let i = 0; i < 20; i++) once(file, text, kind);
  const samples: Record<Stage | 'total', number[]> = { read: [], plan: [], total: [] };
  const start = performance.now();
  while (performance.now() - start < budgetMs || samples.total.length < 50) {
    const s = withTotal(once(file, text, kind).times);
    for (const k of [...STAGES, 'total'] as const) samples[k].push(s[k]);
  }
  for (const k of Object.keys(samples) as (Stage | 'total')[]) samples[k].sort((x, y) => x - y);
  const warm = {} as Record<Stage | 'total', number>;
  for (const k of Object.keys(samples) as (Stage | 'total')[]) warm[k] = quantile(samples[k], 0.5);
  const [warmP10, warmP90] = [quantile(samples.total, 0.1), quantile(samples.total, 0.9)];
  return { services: first.services, cold, warmCalls: samples.total.length, warm, warmP10, warmP90 };
}

const task = measure(taskFile, 'task');
const project = measure(projectFile, 'project');
const report: PipelineReport = { requireMs, task, project };
process.stdout.write(REPORT_PREFIX + JSON.stringify(report) + '\n');
