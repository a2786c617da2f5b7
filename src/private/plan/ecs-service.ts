/**
 * The ECS services of a deployment, with every prop that shapes them settled: one for
 * ComposeFargateService (the project as one task), one per long-running compose service for
 * ComposeFargateProject. The same rules for both: a per-service option beats the project-wide
 * prop, which beats the compose file; the load balancing plan decides which services are targets;
 * every problem is collected at the path of the prop that holds it
 * (`services.web.autoScaling.maxCapacity`). Pure: the props are read through their types only.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { ComposeServiceOptions } from '../../compose-project-service';
import type { AutoScalingOptions, ExistingTargetGroup, LoadBalancerOptions } from '../../options';
import { ownValue } from '../dict';
import { DocPath, Problems } from '../problems';
import { planLoadBalancing, LoadBalancingPlan, targetOwners } from './load-balancing';
import { IngressPlan, TaskPlan } from './model';
import { autoScalingOf, checkAutoScaling, checkGracePeriod, requestCountsFor, warnExecWithGivenTaskRole } from './service-options';

/** A Service Connect endpoint: clients in the namespace reach `dnsName:port`. */
export interface ServiceConnectEndpointPlan {
  /** The named port mapping of the container that answers. */
  readonly portMappingName: string;
  readonly port: number;
  readonly dnsName: string;
  /** The Cloud Map service name, unique in the namespace (default: the port mapping's name). */
  readonly discoveryName?: string;
}

/** What the planner knows of one ECS service before its props are applied. */
export interface EcsServiceCandidate {
  /** The compose service (a project) or the project (one task): the key of `services` and of the load balancing plan. */
  readonly key: string;
  readonly serviceName: string;
  readonly task: TaskPlan;
  /** The compose file's `deploy.replicas`. */
  readonly desiredCount?: number;
  /** The containers a load balancer target may name. */
  readonly targetable: string[];
  readonly securityGroupDescription: string;
  /** Service Connect: undefined for none; `endpoints` undefined: a client only. */
  readonly serviceConnect?: { readonly endpoints?: ServiceConnectEndpointPlan[] };
}

/** One ECS service, ready to build. */
export interface EcsServicePlan {
  readonly key: string;
  readonly serviceName: string;
  readonly task: TaskPlan;
  readonly desiredCount: number;
  readonly minHealthyPercent: number;
  readonly maxHealthyPercent: number;
  readonly capacityProviderStrategies?: ecs.CapacityProviderStrategy[];
  readonly healthCheckGracePeriod?: Duration;
  readonly deploymentAlarms?: ecs.DeploymentAlarmConfig;
  readonly enableExecuteCommand?: boolean;
  /** ECS Exec on a task role the construct made: it may write the session logs. */
  readonly grantExecuteCommandLogs: boolean;
  readonly autoScaling?: AutoScalingOptions;
  /** The ports its own security group opens (none behind a load balancer: the rules come with the targets). */
  readonly ingress: IngressPlan[];
  readonly securityGroupDescription: string;
  readonly serviceConnect?: { readonly endpoints?: ServiceConnectEndpointPlan[] };
}

/** The props that apply to every ECS service, and where the project's per-service options are. */
export interface EcsServicesInput {
  /** The construct's props: the options of every service. */
  readonly props: ComposeServiceOptions & {
    readonly loadBalancer?: LoadBalancerOptions;
    readonly existingTargetGroups?: ExistingTargetGroup[];
  };
  /** The project's `services` prop: options by compose service name. */
  readonly perService?: { readonly [name: string]: ComposeServiceOptions };
  /** Whether the deployment has a VPC object (not only ecs-params subnet IDs). */
  readonly hasVpc: boolean;
}

export interface EcsServicesPlan {
  readonly services: EcsServicePlan[];
  /** A load balancer or target groups made elsewhere send the traffic: no port is open to the internet. */
  readonly behindLoadBalancer: boolean;
  readonly loadBalancing?: LoadBalancingPlan;
}

/** Where the problems of each document go. */
export interface ProblemCollectors {
  readonly compose: Problems;
  readonly params: Problems;
  /** The props' (no file). */
  readonly props: Problems;
}

/**
 * The ECS services with their props applied, and the load balancing, or undefined when a prop has
 * a problem: every one recorded, each at its path.
 */
export function planEcsServices(
  candidates: EcsServiceCandidate[], input: EcsServicesInput, collectors: ProblemCollectors,
): EcsServicesPlan | undefined {
  const { props: problems, params: paramsProblems } = collectors;
  const { props, perService } = input;
  const before = problems.errors.length;
  for (const name of Object.keys(perService ?? {})) {
    if (!candidates.some(c => c.key === name)) {
      problems.error(['services', name], `no long-running compose service named ${JSON.stringify(name)}: the ECS services are ${candidates.map(s => s.key).join(', ')}`);
    }
  }
  const existingTargetGroups = props.existingTargetGroups ?? [];
  const loadBalancing = planLoadBalancing({
    services: candidates.map(c => ({ key: c.key, task: c.task, targetable: c.targetable })),
    loadBalancer: props.loadBalancer,
    existingTargetGroups,
    hasVpc: input.hasVpc,
  }, problems);
  const targets = targetOwners(loadBalancing);
  const network = loadBalancing?.balancer?.network ?? false;
  const behindLoadBalancer = props.loadBalancer !== undefined || existingTargetGroups.length > 0;
  const balancer = loadBalancing?.balancer;
  const requestTargets = new Set(balancer && !balancer.network ? balancer.targets.map(t => t.owner) : []);

  // A project-wide prop wrong for several services is one problem, in the words of the first.
  const shared = new Problems();
  const services = candidates.map((c): EcsServicePlan => {
    const own = ownValue(perService, c.key);
    const at: DocPath = own?.autoScaling ? ['services', c.key, 'autoScaling'] : ['autoScaling'];
    const autoScaling = autoScalingOf(own?.autoScaling ?? props.autoScaling, c.task);
    if (autoScaling) {
      const requests = requestCountsFor(c.key, loadBalancing === undefined || requestTargets.has(c.key), props.loadBalancer, network);
      checkAutoScaling(autoScaling, at, requests, own?.autoScaling ? problems : shared);
    }
    if (own?.healthCheckGracePeriod) checkGracePeriod(['services', c.key, 'healthCheckGracePeriod'], c.key, targets.has(c.key), problems);
    const enableExecuteCommand = own?.enableExecuteCommand ?? props.enableExecuteCommand;
    if (enableExecuteCommand && c.task.taskRole) warnExecWithGivenTaskRole(paramsProblems);
    if (props.loadBalancer && loadBalancing && c.task.ingress.length > 0 && !targets.has(c.key)) {
      collectors.compose.warn('not-published', c.task.ingress[0].path ?? [], `${c.key} publishes ${c.task.ingress.map(i => `${i.fromPort}/${i.protocol}`).join(', ')}, which stay closed: with loadBalancer the load balancer is the only way in; add a target for it, or reach it from the other services by name`);
    }
    return {
      key: c.key,
      serviceName: c.serviceName,
      task: c.task,
      desiredCount: own?.desiredCount ?? props.desiredCount ?? c.desiredCount ?? 1,
      minHealthyPercent: own?.minHealthyPercent ?? props.minHealthyPercent ?? c.task.minHealthyPercent ?? 100,
      maxHealthyPercent: own?.maxHealthyPercent ?? props.maxHealthyPercent ?? c.task.maxHealthyPercent ?? 200,
      capacityProviderStrategies: own?.capacityProviderStrategies ?? props.capacityProviderStrategies,
      // Project-wide, it is for the load balancer's services (ECS refuses it for the others).
      healthCheckGracePeriod: own?.healthCheckGracePeriod ?? (targets.has(c.key) ? props.healthCheckGracePeriod : undefined),
      deploymentAlarms: own?.deploymentAlarms ?? props.deploymentAlarms,
      enableExecuteCommand,
      grantExecuteCommandLogs: enableExecuteCommand === true && !c.task.taskRole,
      autoScaling,
      ingress: behindLoadBalancer ? [] : c.task.ingress,
      securityGroupDescription: c.securityGroupDescription,
      serviceConnect: c.serviceConnect,
    };
  });
  if (props.healthCheckGracePeriod) checkGracePeriod(['healthCheckGracePeriod'], undefined, behindLoadBalancer, problems);
  const seen = new Set<string>();
  for (const e of shared.errors) {
    const key = e.path.join('.');
    if (seen.has(key)) continue;
    seen.add(key);
    problems.error(e.path, e.message);
  }
  return problems.errors.length > before ? undefined : { services, loadBalancing, behindLoadBalancer };
}
