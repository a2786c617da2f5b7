/**
 * What ECS and Fargate bound, in one place: the ranges a compose-valid value is moved into (with
 * a warning), and the hard quotas a task definition or a service may not exceed (an error before
 * anything is deployed). Each number is from the ECS API reference or the ECS service quotas.
 */
import { DocPath, Problems, quote } from '../problems';

/**
 * A container health check (ECS API HealthCheck): interval 5-300 s, timeout 2-60 s, retries 1-10,
 * start period 0-300 s. ECS also needs the timeout to be at most the interval.
 */
export const ECS_HEALTHCHECK_BOUNDS = {
  interval: [5, 300],
  timeout: [2, 60],
  retries: [1, 10],
  startPeriod: [0, 300],
} as const;

/** ECS's health check timings when the task definition gives none. */
export const ECS_HEALTHCHECK_DEFAULTS = { interval: 30, timeout: 5 } as const;

/** A container's stopTimeout on Fargate: 2-120 s (ContainerDefinition stopTimeout). */
export const FARGATE_STOP_TIMEOUT_BOUNDS = [2, 120] as const;

/** The least memory ECS accepts for a container (MiB). */
export const MIN_CONTAINER_MEMORY_MIB = 6;

/** The error for a container memory value below ECS's minimum. */
export function tooLittleMemory(written: unknown, mib: number): string {
  return `${quote(written)} is ${mib} MiB: ECS needs at least ${MIN_CONTAINER_MEMORY_MIB} MiB for a container (a bare number is bytes: write "512m" for 512 MiB)`;
}

/**
 * Move a number into ECS's bounds: the nearest value ECS takes, with a `adjusted-value` warning at
 * the path that names the value the file gave and the value used.
 *
 * @param written the value as the file wrote it ("3s"); a number is shown with the unit
 * @param what what the value is ("a health check interval")
 * @param unit appended to numbers (" s"; "" for a count)
 */
export function intoBounds(
  value: number, bounds: readonly [number, number], problems: Problems, at: DocPath, written: unknown, what: string, unit: string,
): number {
  const [min, max] = bounds;
  if (value >= min && value <= max) return value;
  const used = value < min ? min : max;
  problems.warn('adjusted-value', at,
    `${shown(written, unit)} is ${value < min ? 'below' : 'above'} what ECS allows for ${what} (${min} to ${max}${unit}): ${used}${unit} is used`);
  return used;
}

/** A value as the file wrote it: strings quoted, numbers with their unit. */
export function shown(written: unknown, unit: string): string {
  return typeof written === 'number' ? `${written}${unit}` : quote(written);
}

/**
 * ECS's hard quotas (not adjustable) that a compose file, ecs-params or the props can exceed
 * (ECS service quotas; AwsVpcConfiguration in the ECS API reference).
 */
export const ECS_QUOTAS = {
  /** Containers per task definition. */
  containersPerTaskDefinition: 10,
  /** The size of a task definition, in bytes (64 KiB). */
  taskDefinitionBytes: 64 * 1024,
  /** Target groups per service. */
  targetGroupsPerService: 5,
  /** Security groups per awsvpcConfiguration. */
  securityGroupsPerNetworkConfiguration: 5,
  /** Subnets per awsvpcConfiguration. */
  subnetsPerNetworkConfiguration: 16,
} as const;

/** The message for a list longer than ECS takes in a service's network configuration. */
export function tooMany(count: number, what: 'subnets' | 'security groups', max: number): string {
  return `${count} ${what}: ECS takes at most ${max} ${what} in a service's network configuration (awsvpcConfiguration)`;
}
