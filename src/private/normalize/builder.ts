/**
 * What the readers of a compose service share: the service being read (its fields so far, the
 * reader that records problems), the context of the file, and the rule of one key.
 */
import { ComposeModel, DeploymentKey, EnvVar, ServiceModel } from '../model';
import { DocPath, Problems, quote } from '../problems';
import { Reader } from './read';

/** What the construct does with a compose key. */
export type Support = 'converted' | 'warned' | 'refused';

export interface KeyRule {
  readonly key: string;
  readonly support: Support;
  /** The ECS field it becomes, or what happens instead. */
  readonly ecs: string;
  /** Why a key is warned or refused, or the conditions of its conversion. */
  readonly note: string;
  /**
   * For a key one task drops and ComposeFargateProject reads (a deployment key): why one task drops
   * it, which the single-task plan says in its warning.
   */
  readonly oneTask?: string;
  readonly handle?: (svc: ServiceBuilder, value: unknown, at: DocPath) => void;
}

/** Mutable state while one service is read. */
export interface ServiceBuilder {
  readonly name: string;
  readonly at: DocPath;
  readonly r: Reader;
  readonly ctx: ComposeContext;
  fields: Partial<Mutable<ServiceModel>>;
  environment: EnvVar[];
  raw: Record<string, unknown>;
  /** Checks that need the whole service read (its environment, all its mounts). */
  deferred: (() => void)[];
  /** The deployment keys of the file so far (shared by its services). */
  readonly deploymentKeys: DeploymentKey[];
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ComposeContext {
  readonly version: ComposeModel['version'];
  readonly variables: Map<string, string>;
  readonly projectDirectory: string;
  /** The strings into which interpolation put the value of a variable that is set (see interpolateTree). */
  readonly substituted?: ReadonlySet<string>;
}

/** Set a variable: a later value replaces an earlier one and moves to the end. */
export function setVar(vars: EnvVar[], name: string, value: string): EnvVar[] {
  return [...vars.filter(e => e.name !== name), { name, value }];
}

export function set<K extends keyof ServiceModel>(svc: ServiceBuilder, key: K, value: ServiceModel[K] | undefined) {
  if (value !== undefined) (svc.fields as Record<string, unknown>)[key] = value;
}

/** Note a key whose meaning depends on the deployment model, in document order among the warnings. */
export function noteDeploymentKey(keys: DeploymentKey[], problems: Problems, key: string, at: DocPath): void {
  keys.push({ key, path: [...at], warningsBefore: problems.warnings.length });
}

export function warnIgnored(note: string) {
  return (svc: ServiceBuilder, _value: unknown, at: DocPath) => {
    svc.r.problems.warn('ignored-key', at, `ignored on Fargate: ${note}`);
  };
}

export function refuse(note: string) {
  return (svc: ServiceBuilder, value: unknown, at: DocPath) => {
    svc.r.problems.error(at, `cannot be honoured on Fargate (got ${quote(value)}): ${note}`);
  };
}
