/**
 * The plan on its own: models read from fixture files through the entry points the constructs use
 * (ComposeDefinition.fromFile, EcsParams.fromFile), then planProject or planTask called directly, as
 * the constructs call them, with no stack.
 */
import * as path from 'path';
import { ComposeDefinition } from '../../src/compose/compose-definition';
import { EcsParams } from '../../src/ecs-params/ecs-params';
import { ComposeModel, EcsParamsModel } from '../../src/private/model';
import { PlanSettings, TaskPlan } from '../../src/private/plan/model';
import { planProject, ProjectPlan, ProjectPlanInput } from '../../src/private/plan/project';
import { planTask } from '../../src/private/plan/task';
import { formatPath, formatProblem, Problems } from '../../src/private/problems';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** A compose file under test/fixtures, read as ComposeDefinition.fromFile reads it. */
export function composeFixture(file: string, variables: Record<string, string> = {}): ComposeModel {
  const at = path.join(FIXTURES, file.endsWith('.yml') || file.endsWith('.yaml') ? file : path.join(file, 'docker-compose.yml'));
  return ComposeDefinition.fromFile(at, { variables })._model;
}

/** An ecs-params file under test/fixtures, read as EcsParams.fromFile reads it. */
export function paramsFixture(file: string): EcsParamsModel {
  return EcsParams.fromFile(path.join(FIXTURES, file), { variables: {} })._model;
}

/** One warning: its id, where, and what. */
export interface PlanWarning {
  readonly id: string;
  readonly at: string;
  readonly message: string;
}

export interface Planned<T> {
  readonly plan?: T;
  /** Errors, formatted as the constructs throw them (`file: path: message`). */
  readonly errors: string[];
  readonly warnings: PlanWarning[];
  /** The warnings of one id, as `path: message`. */
  warned(id: string): string[];
}

function collect<T>(plan: T | undefined, ...problems: Problems[]): Planned<T> {
  const warnings = problems.flatMap(p => p.warnings).map(w => ({ id: w.id, at: formatPath(w.path), message: w.message }));
  return {
    plan,
    errors: problems.flatMap(p => p.errors).map(formatProblem),
    warnings,
    warned: id => warnings.filter(w => w.id === id).map(w => `${w.at}: ${w.message}`),
  };
}

/** planProject as ComposeFargateProject calls it (named volumes on EFS by default). */
export function project(compose: ComposeModel, extra: Partial<ProjectPlanInput> = {}): Planned<ProjectPlan> {
  const composeProblems = new Problems(compose.file);
  const paramsProblems = new Problems(extra.ecsParams?.file);
  const input: ProjectPlanInput = { compose, projectName: compose.name ?? 'app', volumeStorage: 'efs', ...extra };
  return collect(planProject(input, composeProblems, paramsProblems), composeProblems, paramsProblems);
}

/** planTask as ComposeFargateService calls it (named volumes on task storage by default). */
export function task(compose: ComposeModel, extra: Partial<PlanSettings> & { ecsParams?: EcsParamsModel } = {}): Planned<TaskPlan> {
  const composeProblems = new Problems(compose.file);
  const paramsProblems = new Problems(extra.ecsParams?.file);
  const plan = planTask({ compose, family: compose.name ?? 'app', volumeStorage: 'task', ...extra }, composeProblems, paramsProblems);
  return collect(composeProblems.ok && paramsProblems.ok ? plan : undefined, composeProblems, paramsProblems);
}

/** The ECS service plan of a compose service; fails when the project has none for it. */
export function ecsService(plan: ProjectPlan | undefined, name: string) {
  const found = plan?.services.find(s => s.name === name);
  if (!found) throw new Error(`no ECS service for ${name}: the plan has ${plan?.services.map(s => s.name).join(', ')}`);
  return found;
}
