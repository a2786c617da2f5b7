/**
 * What a ComposeFargateProject makes for one long-running compose service (an ECS service with its
 * task definition and security group), and the options a compose service may have.
 */
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { AutoScalingOptions } from './options';

/** Options for the ECS service of one compose service in a ComposeFargateProject. */
export interface ComposeServiceOptions {
  /**
   * How many tasks to run.
   *
   * @default - the project's `desiredCount`, else compose `deploy.replicas`, else 1
   */
  readonly desiredCount?: number;

  /**
   * Service auto scaling: CPU, memory and request targets, and schedules.
   *
   * @default - the project's `autoScaling`; otherwise none
   */
  readonly autoScaling?: AutoScalingOptions;

  /**
   * Capacity provider strategies, for example FARGATE_SPOT with a FARGATE base.
   *
   * @default - the project's `capacityProviderStrategies`; otherwise the FARGATE launch type
   */
  readonly capacityProviderStrategies?: ecs.CapacityProviderStrategy[];

  /**
   * ECS Exec (`aws ecs execute-command`) into this service's tasks.
   *
   * @default - the project's `enableExecuteCommand`
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * The lower limit of running tasks during a deployment, in percent of the desired count.
   *
   * @default - the project's `minHealthyPercent`, else the compose file's, else 0 for a database on an EFS volume, else 100
   */
  readonly minHealthyPercent?: number;

  /**
   * The upper limit of running tasks during a deployment, in percent of the desired count.
   *
   * @default - the project's `maxHealthyPercent`, else the compose file's, else 100 for a database on an EFS volume, else 200
   */
  readonly maxHealthyPercent?: number;

  /**
   * How long ECS ignores failing load balancer health checks of a new task. Needs a load balancer target.
   *
   * @default - the project's `healthCheckGracePeriod`; 60 seconds for a load balancer target
   */
  readonly healthCheckGracePeriod?: Duration;

  /**
   * CloudWatch alarms that stop (and roll back) a deployment of this service.
   *
   * @default - the project's `deploymentAlarms`
   */
  readonly deploymentAlarms?: ecs.DeploymentAlarmConfig;
}

/**
 * The ECS service made for one long-running compose service of a ComposeFargateProject: its own
 * task definition, security group and log groups, under the construct id of the compose service.
 */
export interface IComposeProjectService extends IConstruct {
  /** The compose service's name. */
  readonly composeServiceName: string;
  /** The Fargate service (named `<project>-<compose service>`). */
  readonly service: ecs.FargateService;
  /** The task definition (family `<project>-<compose service>`). */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The task role. */
  readonly taskRole: iam.IRole;
  /** The task execution role (its own, or the one ecs-params names). */
  readonly executionRole: iam.IRole;
  /**
   * The security group the construct created.
   *
   * @default - undefined when security groups come from ecs-params
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * The service's scalable task count, for more scaling policies.
   *
   * @default - undefined without autoScaling
   */
  readonly scalableTaskCount?: ecs.ScalableTaskCount;

  /**
   * The container made from a compose service: this one, or a one-shot service it waits for.
   *
   * @param name the compose service name
   * @returns the container definition, or undefined when this task has no such container
   */
  findContainer(name: string): ecs.ContainerDefinition | undefined;
}
