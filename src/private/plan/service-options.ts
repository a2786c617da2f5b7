/**
 * The props of an ECS service, checked in the plan, before any resource exists, the same way for
 * both constructs: auto scaling, the health check grace period, ECS Exec with a role from
 * ecs-params. Every problem is collected with the path of the prop that holds it
 * (`services.web.autoScaling.maxCapacity` for a project's per-service options). Pure: the props
 * are read through their types only.
 */
import type { AutoScalingOptions, LoadBalancerOptions } from '../../options';
import { ECS_QUOTAS, tooMany } from '../facts/ecs-limits';
import { DocPath, Problems } from '../problems';
import { TaskPlan } from './model';

/** Auto scaling: capacities, utilization targets, request counts (they need an Application Load Balancer target) and schedules. */
export function checkAutoScaling(
  options: AutoScalingOptions, at: DocPath, requestCounts: { readonly ok: boolean; readonly why: string }, problems: Problems,
): void {
  const min = options.minCapacity ?? 1;
  if (!Number.isInteger(min) || min < 0) problems.error([...at, 'minCapacity'], `expected a whole number of tasks, 0 or more, got ${min}`);
  if (!Number.isInteger(options.maxCapacity) || options.maxCapacity < Math.max(1, min)) {
    problems.error([...at, 'maxCapacity'], `expected a whole number of tasks, at least 1 and at least minCapacity (${min}), got ${options.maxCapacity}`);
  }
  for (const key of ['targetCpuUtilizationPercent', 'targetMemoryUtilizationPercent'] as const) {
    const v = options[key];
    if (v !== undefined && !(v > 0 && v <= 100)) problems.error([...at, key], `expected a percentage above 0 and at most 100, got ${v}`);
  }
  if (options.requestsPerTarget !== undefined) {
    if (!requestCounts.ok) problems.error([...at, 'requestsPerTarget'], requestCounts.why);
    else if (!(options.requestsPerTarget > 0)) problems.error([...at, 'requestsPerTarget'], `expected a number above 0, got ${options.requestsPerTarget}`);
  }
  (options.schedules ?? []).forEach((s, i) => {
    if (s.minCapacity === undefined && s.maxCapacity === undefined) {
      problems.error([...at, 'schedules', i], 'a schedule changes minCapacity, maxCapacity or both: give at least one');
    } else if (s.minCapacity !== undefined && s.maxCapacity !== undefined && s.minCapacity > s.maxCapacity) {
      problems.error([...at, 'schedules', i], `minCapacity (${s.minCapacity}) is above maxCapacity (${s.maxCapacity})`);
    }
    for (const key of ['minCapacity', 'maxCapacity'] as const) {
      const v = s[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) problems.error([...at, 'schedules', i, key], `expected a whole number of tasks, 0 or more, got ${v}`);
    }
  });
}

/** The request-count rule of an ECS service: it needs a target group of an Application Load Balancer. */
export function requestCountsFor(
  service: string, balanced: boolean, loadBalancer: LoadBalancerOptions | undefined, network: boolean,
): { ok: boolean; why: string } {
  if (!loadBalancer || network) return { ok: false, why: 'request counts come from an Application Load Balancer: add loadBalancer (type APPLICATION)' };
  return { ok: balanced, why: `request counts come from an Application Load Balancer target: ${service} is not one of loadBalancer's targets; add it, or scale ${service} on CPU or memory` };
}

/** ECS uses a health check grace period only for a service behind a load balancer. */
export function checkGracePeriod(at: DocPath, service: string | undefined, behindLoadBalancer: boolean, problems: Problems): void {
  if (behindLoadBalancer) return;
  problems.error(at, `ECS uses a health check grace period only with a load balancer${service !== undefined ? `, and ${service} is not one of its targets` : ''}: add loadBalancer or existingTargetGroups${service !== undefined ? ' (a target for it)' : ''}, or leave it out`);
}

/** ECS Exec with the task role of ecs-params: the role is not changed, so it must allow the SSM channels itself. */
export function warnExecWithGivenTaskRole(problems: Problems): void {
  problems.warn('exec-task-role', ['task_definition', 'task_role_arn'],
    'enableExecuteCommand: the task role comes from ecs-params task_role_arn and is not changed: it must allow ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel and OpenDataChannel');
}

/** The auto scaling of an ECS service: the props', else the compose file's `deploy.x-aws-autoscaling`. */
export function autoScalingOf(given: AutoScalingOptions | undefined, task: TaskPlan): AutoScalingOptions | undefined {
  if (given) return given;
  const fromFile = task.autoscaling;
  return fromFile ? {
    minCapacity: fromFile.min,
    maxCapacity: fromFile.max,
    targetCpuUtilizationPercent: fromFile.cpu,
    targetMemoryUtilizationPercent: fromFile.memory,
  } : undefined;
}

/** What the props of a deployment need from the resources they name, known before any is made. */
export interface DeploymentFacts {
  /** Whether the deployment has a VPC object (a new one, the vpc prop or the cluster's): not only ecs-params subnet IDs. */
  readonly hasVpc: boolean;
  /** How many groups the securityGroups prop lists. */
  readonly securityGroupCount?: number;
}

/**
 * The checks of a deployment's props against its tasks: the security groups a service carries, and
 * the resources that need the VPC (EFS file systems for named volumes, a new private Cloud Map
 * namespace).
 */
export function checkDeployment(facts: DeploymentFacts, tasks: TaskPlan[], problems: Problems, paramsProblems: Problems): void {
  const max = ECS_QUOTAS.securityGroupsPerNetworkConfiguration;
  if (facts.securityGroupCount !== undefined && facts.securityGroupCount > max) {
    problems.error(['securityGroups'], tooMany(facts.securityGroupCount, 'security groups', max));
  }
  if (facts.hasVpc) return;
  for (const volume of new Set(tasks.flatMap(t => t.volumes.flatMap(v => (v.managedEfs && !v.managedEfs.existing ? [v.managedEfs.volume] : []))))) {
    problems.error(['volumes', volume], 'an EFS file system needs its VPC, and the ecs-params subnets do not name it: pass the vpc prop, or map the volume to a file system in ecs-params efs_volumes or the fileSystems prop');
  }
  for (const sd of new Set(tasks.map(t => t.serviceDiscovery))) {
    const priv = sd?.privateNamespace;
    if (sd && priv && priv.id === undefined && priv.vpc === undefined) {
      paramsProblems.error([...sd.path, 'private_dns_namespace', 'vpc'], 'a new private namespace needs its VPC: give the VPC ID of the ecs-params subnets here, or pass the vpc prop');
    }
  }
}

/** Service Connect in a given cluster needs a namespace: named, or the cluster's default. */
export function checkServiceConnectNamespace(named: boolean, createsCluster: boolean, clusterHasNamespace: boolean, problems: Problems): void {
  if (!named && !createsCluster && !clusterHasNamespace) {
    problems.error(['serviceConnect', 'namespaceName'], 'the given cluster has no default Cloud Map namespace: name the namespace');
  }
}
