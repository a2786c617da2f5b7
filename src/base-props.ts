import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ComposeDefinition } from './compose/compose-definition';
import { EcsParams } from './ecs-params/ecs-params';
import { LoadBalancerOptions, VolumeStorage } from './options';

/**
 * What both constructs read: the two files, and the props that mean the same whether the compose
 * services run in one task (ComposeFargateService) or in one ECS service each
 * (ComposeFargateProject). Props beat ecs-params, and ecs-params beat compose.
 */
export interface ComposeFargateBaseProps {
  /** The compose document: one container per compose service. */
  readonly compose: ComposeDefinition;

  /**
   * The ecs-params document (task size, roles, per-container settings, network configuration).
   *
   * @default - none: task size from the containers, roles and network created by the construct
   */
  readonly ecsParams?: EcsParams;

  /**
   * The project name: the task definition family and the ECS service name.
   *
   * @default - the compose file's `name:`, else the construct id
   */
  readonly projectName?: string;

  /**
   * The VPC to run in.
   *
   * @default - the cluster's VPC when `cluster` is given; the VPC of the ecs-params subnets when
   * they are given; otherwise a new VPC with two public subnets in two AZs and no NAT gateway
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The ECS cluster to run in.
   *
   * @default - a new cluster
   */
  readonly cluster?: ecs.ICluster;

  /**
   * Whether tasks get a public IP address.
   *
   * @default - ecs-params `assign_public_ip` when given; true when the tasks run in public subnets
   * (as in the VPC this construct creates); false otherwise
   */
  readonly assignPublicIp?: boolean;

  /**
   * The subnets the tasks run in.
   *
   * @default - ecs-params `subnets` when given; the public subnets of a VPC this construct creates;
   * otherwise the VPC's private subnets (public ones when it has none)
   */
  readonly taskSubnets?: ec2.SubnetSelection;

  /**
   * The deployment circuit breaker: a deployment whose tasks keep failing stops, and rolls back.
   *
   * @default - enabled, with rollback
   */
  readonly circuitBreaker?: ecs.DeploymentCircuitBreaker;

  /**
   * Whether to create the log groups the compose file names (`awslogs-group`), as ecs-cli's
   * `--create-log-groups` did. Set false when they exist already (made by ecs-cli, or kept from an
   * earlier deployment): the containers log to them by name. Containers without a logging
   * configuration always get a log group the construct creates.
   *
   * @default true
   */
  readonly createLogGroups?: boolean;

  /**
   * CloudWatch Container Insights on the cluster the construct creates (ignored with `cluster`).
   *
   * @default true
   */
  readonly containerInsights?: boolean;

  /**
   * How long the log groups the construct creates keep their events.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * A load balancer in front of the service (Application or Network), with optional TLS and DNS.
   * Tasks then accept traffic only from it, and get no public IP when the VPC has private subnets.
   *
   * @default - no load balancer: the published ports are open to the internet in the security group
   */
  readonly loadBalancer?: LoadBalancerOptions;

  /**
   * Capacity provider strategies, for example FARGATE_SPOT with a FARGATE base. The cluster the
   * construct creates has both Fargate capacity providers enabled.
   *
   * @default - the FARGATE launch type
   */
  readonly capacityProviderStrategies?: ecs.CapacityProviderStrategy[];

  /**
   * The Fargate platform version.
   *
   * @default - LATEST
   */
  readonly platformVersion?: ecs.FargatePlatformVersion;

  /**
   * The lower limit of running tasks during a deployment, in percent of the desired count.
   *
   * @default - compose `deploy.x-aws-min_percent` (or `update_config.parallelism`); else 0 for a task
   * that runs a database (or another stateful image) on an EFS volume, so that two servers never share
   * its data directory; else 100
   */
  readonly minHealthyPercent?: number;

  /**
   * The upper limit of running tasks during a deployment, in percent of the desired count.
   *
   * @default - compose `deploy.x-aws-max_percent` (or `update_config.parallelism`); else 100 for a task
   * that runs a database (or another stateful image) on an EFS volume; else 200
   */
  readonly maxHealthyPercent?: number;

  /**
   * How long ECS ignores failing load balancer health checks of a new task. Needs a load balancer
   * (ECS refuses it for a service without one): in a ComposeFargateProject it applies to the services
   * the load balancer sends traffic to.
   *
   * @default - 60 seconds with a load balancer
   */
  readonly healthCheckGracePeriod?: Duration;

  /**
   * CloudWatch alarms that stop (and roll back) a deployment.
   *
   * @default - none
   */
  readonly deploymentAlarms?: ecs.DeploymentAlarmConfig;

  /**
   * ECS Exec (`aws ecs execute-command`): the task role gets the permissions it needs.
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Where the compose file's named volumes keep their data (volumes that ecs-params `efs_volumes` or
   * `fileSystems` name always use those file systems).
   *
   * @default - ComposeFargateService: VolumeStorage.TASK (ecs-cli's behaviour, with a warning);
   * ComposeFargateProject: VolumeStorage.EFS
   */
  readonly volumeStorage?: VolumeStorage;

  /**
   * Existing EFS file systems for named volumes, by volume name (for `external: true` volumes, or to
   * keep data in a file system made elsewhere). The task role is granted the client actions it needs.
   *
   * @default - none
   */
  readonly fileSystems?: { [volume: string]: efs.IFileSystem };

  /**
   * Existing Secrets Manager secrets for the compose file's project secrets (`file:`, `content:`,
   * `environment:`), by secret name. Their values reach `/run/secrets/<target>` as under compose.
   *
   * @default - a secret with a generated value for each, made by the construct
   */
  readonly secrets?: { [name: string]: secretsmanager.ISecret };
}
