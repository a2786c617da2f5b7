/**
 * `deploy:`: resources, replicas, the rolling update's percentages, and the one-shot modes.
 */
import { noteDeploymentKey, ServiceBuilder } from './builder';
import { cpus, memory, setSize } from './container';
import { readAwsAutoscaling } from './docker-ecs';
import { isPlainObject } from '../load/load';
import { DocPath, formatPath, quote } from '../problems';
import { parseCpusAsUnits, parseInteger } from '../units';

/** Deployment percentages as the file gives them, and update_config.parallelism. */
interface RollingUpdate {
  min?: { value: number; at: DocPath };
  max?: { value: number; at: DocPath };
  parallelism?: { value: number; at: DocPath };
}

/** x-aws-min_percent / x-aws-max_percent, under deploy or (as Docker's ECS integration read them) under deploy.update_config. */
function readPercent(svc: ServiceBuilder, key: string, value: unknown, at: DocPath, update: RollingUpdate) {
  const n = svc.r.inRange(svc.r.parsed(value, at, x => parseInteger(x, 'a percentage')), at, 0, 200, key);
  if (n === undefined) return;
  const which = key === 'x-aws-min_percent' ? 'min' : 'max';
  const given = update[which];
  if (given && given.value !== n) svc.r.problems.error(at, `${n}% conflicts with the ${given.value}% at ${formatPath(given.at)}: give one`);
  else update[which] = { value: n, at };
}

const UPDATE_CONFIG_IGNORED = ['delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'];

function readUpdateConfig(svc: ServiceBuilder, v: unknown, at: DocPath, update: RollingUpdate) {
  const r = svc.r;
  for (const [key, value] of Object.entries(r.map(v, at) ?? {})) {
    const kAt = [...at, key];
    if (key === 'x-aws-min_percent' || key === 'x-aws-max_percent') {
      readPercent(svc, key, value, kAt, update);
    } else if (key === 'parallelism') {
      const n = r.inRange(r.parsed(value, kAt, x => parseInteger(x, 'a number of tasks')), kAt, 0, Number.MAX_SAFE_INTEGER, 'parallelism');
      if (n !== undefined) update.parallelism = { value: n, at: kAt };
    } else if (UPDATE_CONFIG_IGNORED.includes(key)) {
      r.problems.warn('ignored-key', kAt, 'ignored on Fargate: an ECS rolling update has no such setting (the circuitBreaker, minHealthyPercent and maxHealthyPercent props set how it goes)');
    } else if (!key.startsWith('x-')) {
      r.problems.error(kAt, `unknown update_config key: allowed are parallelism, ${UPDATE_CONFIG_IGNORED.join(', ')}, x-aws-min_percent, x-aws-max_percent`);
    }
  }
}

/**
 * The deployment percentages, as Docker's ECS integration computed them: x-aws-min_percent and
 * x-aws-max_percent as given; from update_config.parallelism (p tasks of the R replicas at a time)
 * the ones not given are (R - p) * 100 / R and (R + p) * 100 / R, in whole percents. Where Docker
 * stopped, a file compose takes still deploys: no replicas is compose's 1, a parallelism of 0 (all at
 * once) or above the replicas is R (with a warning for the latter).
 */
function applyRollingUpdate(svc: ServiceBuilder, update: RollingUpdate) {
  let min = update.min;
  let max = update.max;
  const p = update.parallelism;
  const replicas = svc.fields.replicas ?? 1;
  if (p && (!min || !max) && replicas > 0) {
    let parallelism = p.value === 0 ? replicas : p.value;
    if (parallelism > replicas) {
      svc.r.problems.warn('adjusted-value', p.at, `${p.value} is more than the ${replicas} replica${replicas > 1 ? 's' : ''}${svc.fields.replicas === undefined ? ' (deploy.replicas is not set: 1)' : ''}: the update replaces ${replicas} at a time`);
      parallelism = replicas;
    }
    min ??= { value: Math.trunc((replicas - parallelism) * 100 / replicas), at: p.at };
    max ??= { value: Math.trunc((replicas + parallelism) * 100 / replicas), at: p.at };
  }
  if (min) svc.fields.awsMinPercent = { value: min.value, path: min.at };
  if (max) svc.fields.awsMaxPercent = { value: max.value, path: max.at };
}

export function readDeploy(svc: ServiceBuilder, v: unknown, at: DocPath) {
  const r = svc.r;
  const d = r.map(v, at);
  if (!d) return;
  const update: RollingUpdate = {};
  for (const [key, value] of Object.entries(d)) {
    const kAt = [...at, key];
    if (key === 'resources') {
      const res = r.map(value, kAt);
      for (const [kind, spec] of Object.entries(res ?? {})) {
        const rAt = [...kAt, kind];
        if (kind !== 'limits' && kind !== 'reservations') {
          r.problems.error(rAt, 'unknown resources key: allowed are limits, reservations');
          continue;
        }
        const s = r.map(spec, rAt);
        for (const [field, fv] of Object.entries(s ?? {})) {
          const fAt = [...rAt, field];
          if (field === 'memory') {
            setSize(svc, kind === 'limits' ? 'memoryLimitMiB' : 'memoryReservationMiB', memory(svc, fv, fAt), fAt, fv);
          } else if (field === 'cpus') {
            // limits.cpus is the container's CPU; reservations.cpus is used when no limit is given (0 is none).
            const units = cpus(svc, fv, fAt);
            const limit = isPlainObject(res?.limits) ? (res!.limits as Record<string, unknown>).cpus : undefined;
            if (kind === 'limits' || limit === undefined || parseCpusAsUnits(limit).value === 0) {
              setSize(svc, 'cpu', units, fAt);
            } else if (units !== undefined) {
              r.problems.warn('ignored-key', fAt, 'ignored: an ECS container has one cpu value, and deploy.resources.limits.cpus gives it');
            }
          } else if (field === 'devices' || (field === 'generic_resources' && kind === 'reservations')) {
            r.problems.error(fAt, `cannot be honoured on Fargate (got ${quote(fv)}): a request for ${field === 'devices' ? 'devices (GPUs and the like)' : 'generic resources (GPUs and the like)'}, and Fargate gives a task no GPUs or other devices`);
          } else if (field === 'pids') {
            r.problems.warn('ignored-key', fAt, 'ignored on Fargate: the pids limit is not settable');
          } else if (!field.startsWith('x-')) {
            r.problems.error(fAt, `unknown ${kind} key: allowed are cpus, memory, pids${kind === 'reservations' ? ', devices, generic_resources' : ''}`);
          }
        }
      }
    } else if (key === 'replicas') {
      const n = r.inRange(r.parsed(value, kAt, x => parseInteger(x)), kAt, 0, 5000, 'replicas');
      if (n !== undefined) svc.fields.replicas = n;
    } else if (key === 'mode') {
      if (value === 'replicated-job') {
        // A job runs to completion once: a one-shot service, as restart: "no".
        svc.fields.job = true;
      } else if (value !== 'replicated') {
        r.problems.error(kAt, `Fargate services are replicated: got ${quote(value)}, allowed are "replicated" and "replicated-job" (a service that runs once)`);
      }
    } else if (key === 'update_config') {
      readUpdateConfig(svc, value, kAt, update);
    } else if (key === 'restart_policy' && isPlainObject(value)) {
      // The condition decides over `restart`, as in Docker Compose: none is a one-shot service in
      // ComposeFargateProject. Its other keys tune restarts, which ECS does on its own schedule.
      // Docker Compose passes a condition it does not map (none, on-failure, any) on as written.
      const condition = value.condition === undefined ? undefined : r.string(value.condition, [...kAt, 'condition'], 'none, on-failure or any');
      if (condition !== undefined) svc.fields.restartCondition = condition;
      noteDeploymentKey(svc.deploymentKeys, r.problems, 'deploy.restart_policy', kAt);
      for (const k of Object.keys(value).filter(name => name !== 'condition' && !name.startsWith('x-'))) {
        r.problems.warn('ignored-key', [...kAt, k], 'ignored on Fargate: ECS restarts tasks on its own schedule');
      }
    } else if (['restart_policy', 'rollback_config', 'placement', 'labels', 'endpoint_mode'].includes(key)) {
      r.problems.warn('ignored-key', kAt, 'ignored on Fargate: the ECS service has its own deployment and placement settings (see the construct props)');
    } else if (key === 'x-aws-autoscaling') {
      readAwsAutoscaling(svc, value, kAt);
    } else if (key === 'x-aws-min_percent' || key === 'x-aws-max_percent') {
      readPercent(svc, key, value, kAt, update);
    } else if (!key.startsWith('x-')) {
      r.problems.error(kAt, 'unknown deploy key: allowed are resources, replicas, mode, restart_policy, update_config, rollback_config, placement, labels, endpoint_mode');
    }
  }
  applyRollingUpdate(svc, update);
}
