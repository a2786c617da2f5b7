/**
 * ECS's hard limits on one task definition (how many containers, how large) and on a service's
 * network configuration, checked on the plan before anything is deployed. The numbers are in
 * facts/ecs-limits.ts.
 */
import { ECS_QUOTAS, tooMany } from '../facts/ecs-limits';
import { NetworkParamsModel } from '../model';
import { DocPath, Problems } from '../problems';
import type { ContainerPlan, FileInitPlan, VolumePlan } from './model';

/** Where the plan stands for a value known only at deploy time, at its usual length. */
const DEPLOY_TIME = {
  /** An image built from `build:`, in the CDK assets repository. */
  assetImage: '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-ap-southeast-2:'.padEnd(160, '0'),
  logGroup: 'Stack-AppTaskDefinitionwebLogGroup0123ABCD-0123456789AB',
  region: 'ap-southeast-2',
  arn: 'arn:aws:iam::123456789012:role/Stack-AppTaskDefinitionTaskRole0123ABCD-0123456789AB',
};

/** A task's plan as far as its limits need. */
export interface SizedTask {
  readonly family: string;
  readonly containers: readonly ContainerPlan[];
  readonly volumes: readonly VolumePlan[];
  readonly fileInit?: FileInitPlan;
}

/** A part of a container's definition, and its size. */
export interface SizePart {
  readonly container: string;
  readonly part: 'environment' | 'secrets';
  readonly bytes: number;
  /** How many variables or secrets. */
  readonly count: number;
}

/** Bytes of a value as JSON (UTF-8). */
function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * About how many bytes the task definition is as ECS receives it: the plan rendered with ECS's
 * field names, deploy-time values (asset images, log group names, role ARNs) at their usual length.
 */
export function estimateTaskDefinitionBytes(task: SizedTask): { total: number; parts: SizePart[] } {
  const parts: SizePart[] = [];
  const containers: object[] = task.containers.map(c => {
    const { name, image, build, environment, secrets, logging, ...rest } = c;
    const rendered = {
      ...rest,
      name,
      image: build !== undefined ? DEPLOY_TIME.assetImage : image,
      environment: environment.map(e => ({ name: e.name, value: e.value })),
      secrets: secrets.map(s => ({ name: s.name, valueFrom: s.valueFrom })),
      logConfiguration: logging.kind === 'awslogs'
        ? { logDriver: 'awslogs', options: { 'awslogs-group': logging.groupName ?? DEPLOY_TIME.logGroup, 'awslogs-region': DEPLOY_TIME.region, ...logging.options } }
        : { logDriver: logging.driver, options: logging.options },
    };
    parts.push({ container: name, part: 'environment', bytes: jsonBytes(rendered.environment), count: environment.length });
    parts.push({ container: name, part: 'secrets', bytes: jsonBytes(rendered.secrets), count: secrets.length });
    return rendered;
  });
  if (task.fileInit) {
    // The init container: a shell line and a secret per file.
    containers.push({
      name: task.fileInit.containerName,
      command: task.fileInit.files.map((f, i) => `printf '%s' "$COMPOSE_FILE_${i}" > '/compose-files/${f.volume}/${f.fileName}' && chmod 0444 '/compose-files/${f.volume}/${f.fileName}'`).join(' && '),
      secrets: task.fileInit.files.map((f, i) => ({ name: `COMPOSE_FILE_${i}`, valueFrom: `${DEPLOY_TIME.arn}:${f.name}` })),
    });
  }
  const total = jsonBytes({
    family: task.family,
    taskRoleArn: DEPLOY_TIME.arn,
    executionRoleArn: DEPLOY_TIME.arn,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    containerDefinitions: containers,
    volumes: task.volumes,
  });
  return { total, parts: parts.sort((a, b) => b.bytes - a.bytes) };
}

/** KiB, rounded up, for messages. */
function kib(bytes: number): number {
  return Math.ceil(bytes / 1024);
}

export interface TaskLimitsContext {
  /** The compose services of the task, in order: the first is the project's service in a project task. */
  readonly services: ReadonlyArray<{ readonly name: string; readonly path: DocPath }>;
  /** Where the compose file's services are (`services`, or the top level of version 1). */
  readonly servicesAt: DocPath;
  /** A task of ComposeFargateProject (one compose service and the one-shots it waits for). */
  readonly perService: boolean;
}

/** ECS's hard limits on one task definition: how many containers, how large. */
export function checkTaskDefinitionLimits(task: SizedTask, context: TaskLimitsContext, problems: Problems): void {
  const max = ECS_QUOTAS.containersPerTaskDefinition;
  const count = task.containers.length + (task.fileInit ? 1 : 0);
  const router = task.containers.find(c => c.addedLogRouter);
  const init = (router ? ` and ${router.name}, the log router for awsfirelens logging` : '')
    + (task.fileInit ? ` and ${task.fileInit.containerName}, the container that writes the secrets and configs to files` : '');
  if (count > max) {
    if (context.perService) {
      const [main, ...oneShots] = context.services;
      problems.error(main.path, `its task definition would hold ${count} containers (${main.name}, the one-shot services it waits for: ${oneShots.map(s => s.name).join(', ')}${init}): ECS allows at most ${max} containers in a task definition`);
    } else {
      problems.error(context.servicesAt, `${count} containers in one task definition (the ${context.services.length} compose services${init}): ECS allows at most ${max} containers in a task definition; deploy the file with ComposeFargateProject, which gives each compose service a task definition of its own`);
    }
  }
  const size = estimateTaskDefinitionBytes(task);
  if (size.total > ECS_QUOTAS.taskDefinitionBytes) {
    // Name the part that makes most of it, at its service, when one does.
    const largest = size.parts.find(p => p.bytes > size.total / 4);
    const service = largest && context.services.find(s => s.name === largest.container);
    const what = largest
      ? `; most of it is the ${largest.part} of ${largest.container} (${largest.count} ${largest.part === 'environment' ? 'variables' : 'secrets'}, about ${kib(largest.bytes)} KiB): fewer or shorter values, or values the containers read from Secrets Manager or SSM Parameter Store (ecs-params secrets), bring it under the limit`
      : '';
    problems.error(service?.path ?? context.servicesAt,
      `the task definition would be about ${kib(size.total)} KiB as ECS receives it: ECS accepts a task definition of at most ${kib(ECS_QUOTAS.taskDefinitionBytes)} KiB${what}`);
  }
}

/** ECS's limits on a service's network configuration, for subnets and security groups from ecs-params. */
export function checkNetworkLimits(network: NetworkParamsModel | undefined, problems: Problems): void {
  if (!network) return;
  if (network.subnets.length > ECS_QUOTAS.subnetsPerNetworkConfiguration) {
    problems.error([...network.path, 'subnets'], tooMany(network.subnets.length, 'subnets', ECS_QUOTAS.subnetsPerNetworkConfiguration));
  }
  if (network.securityGroups.length > ECS_QUOTAS.securityGroupsPerNetworkConfiguration) {
    problems.error([...network.path, 'security_groups'], tooMany(network.securityGroups.length, 'security groups', ECS_QUOTAS.securityGroupsPerNetworkConfiguration));
  }
}
