import { Annotations, Arn, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ComposeDefinition } from './compose/compose-definition';
import { EcsParams } from './ecs-params/ecs-params';
import { ContainerPlan, planTask } from './private/plan';
import { formatProblem, Problems, throwAll } from './private/problems';
import { ValueFromSecret } from './private/value-from-secret';

/**
 * Properties of a ComposeFargateService. Everything not in the two files is a prop; props beat
 * ecs-params, and ecs-params beat compose.
 */
export interface ComposeFargateServiceProps {
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
   * How many tasks to run.
   *
   * @default - compose `deploy.replicas` when the file sets it, else 1
   */
  readonly desiredCount?: number;

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
   * Security groups for the tasks.
   *
   * @default - ecs-params `security_groups` when given; otherwise a new security group that admits
   * the compose file's published ports from anywhere
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The deployment circuit breaker: a deployment whose tasks keep failing stops, and rolls back.
   *
   * @default - enabled, with rollback
   */
  readonly circuitBreaker?: ecs.DeploymentCircuitBreaker;

  /**
   * How long the log groups the construct creates keep their events.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

const FAMILY_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const WARNING_PREFIX = 'cdk-compose-fargate';

/**
 * Deploys a docker-compose project (and its ecs-params file) to ECS on Fargate: one task
 * definition with one container per compose service, run by one Fargate service, with the
 * cluster, network, security group, IAM roles and log groups it needs.
 *
 * @example
 * declare const stack: Stack;
 * new ComposeFargateService(stack, 'Tutorial', {
 *   compose: ComposeDefinition.fromFile('docker-compose.yml'),
 *   ecsParams: EcsParams.fromFile('ecs-params.yml'),
 * });
 */
export class ComposeFargateService extends Construct {
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** The task definition (family = project name). */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The cluster the service runs in. */
  public readonly cluster: ecs.ICluster;
  /**
   * The VPC, when the construct made one or was given one (through `vpc` or `cluster`).
   *
   * @default - undefined when the network comes from ecs-params subnet IDs
   */
  public readonly vpc?: ec2.IVpc;
  /** The task execution role (created, or imported from ecs-params `task_execution_role`). */
  public readonly executionRole: iam.IRole;
  /** The task role (created, or imported from ecs-params `task_role_arn`). */
  public readonly taskRole: iam.IRole;
  /**
   * The security group the construct created.
   *
   * @default - undefined when security groups come from props or ecs-params
   */
  public readonly securityGroup?: ec2.ISecurityGroup;
  /** The CloudWatch log groups the construct created. */
  public readonly logGroups: logs.ILogGroup[];
  /** The project name: task definition family and ECS service name. */
  public readonly projectName: string;

  private readonly containers = new Map<string, ecs.ContainerDefinition>();

  constructor(scope: Construct, id: string, props: ComposeFargateServiceProps) {
    super(scope, id);
    const compose = props.compose._model;
    const params = props.ecsParams?._model;

    this.projectName = resolveProjectName(props.projectName, compose.name, id);

    const composeProblems = new Problems(compose.file);
    const paramsProblems = new Problems(params?.file);
    const region = Stack.of(this).region;
    const plan = planTask({
      compose,
      ecsParams: params,
      family: this.projectName,
      region: Token.isUnresolved(region) ? undefined : region,
    }, composeProblems, paramsProblems);
    throwAll(composeProblems, paramsProblems);
    for (const w of [...compose.warnings, ...(params?.warnings ?? []), ...composeProblems.warnings, ...paramsProblems.warnings]) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:${w.id}`, formatProblem(w));
    }
    const task = plan!;

    // Network: props, then ecs-params, then a new VPC.
    const paramSubnets = task.network?.subnets ?? [];
    const createVpc = !props.vpc && !props.cluster && paramSubnets.length === 0;
    if (createVpc) {
      this.vpc = new ec2.Vpc(this, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
      });
    } else {
      this.vpc = props.vpc ?? props.cluster?.vpc;
    }
    const vpc = this.vpc ?? ec2.Vpc.fromVpcAttributes(this, 'SubnetsVpc', {
      // Stands for the VPC of the ecs-params subnets, which the files do not name: the cluster
      // needs a VPC object, and the service uses only the subnet and security group IDs.
      vpcId: 'vpc-of-ecs-params-subnets',
      availabilityZones: ['az-of-ecs-params-subnets'],
    });
    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc });

    let vpcSubnets: ec2.SubnetSelection | undefined = props.taskSubnets;
    if (!vpcSubnets && paramSubnets.length > 0) {
      vpcSubnets = {
        subnets: paramSubnets.map((subnetId, i) => {
          const subnet = ec2.Subnet.fromSubnetId(this, `Subnet${i}`, subnetId);
          Annotations.of(subnet).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId', 'subnets from ecs-params are only referenced by ID');
          return subnet;
        }),
      };
    } else if (!vpcSubnets && createVpc) {
      vpcSubnets = { subnetType: ec2.SubnetType.PUBLIC };
    }
    const assignPublicIp = props.assignPublicIp ?? task.network?.assignPublicIp ??
      (this.vpc ? this.vpc.selectSubnets(vpcSubnets).hasPublic : false);

    let securityGroups = props.securityGroups;
    let removeSecurityGroups = false;
    if (!securityGroups && (task.network?.securityGroups.length ?? 0) > 0) {
      securityGroups = task.network!.securityGroups.map((sgId, i) =>
        ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i}`, sgId, { mutable: false }));
    } else if (!securityGroups && this.vpc) {
      const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: this.vpc,
        description: `${this.projectName}: published ports of the compose file`,
        allowAllOutbound: true,
      });
      for (const ingress of task.ingress) {
        const port = ingress.protocol === 'udp'
          ? (ingress.fromPort === ingress.toPort ? ec2.Port.udp(ingress.fromPort) : ec2.Port.udpRange(ingress.fromPort, ingress.toPort))
          : (ingress.fromPort === ingress.toPort ? ec2.Port.tcp(ingress.fromPort) : ec2.Port.tcpRange(ingress.fromPort, ingress.toPort));
        sg.addIngressRule(ec2.Peer.anyIpv4(), port, `published port ${ingress.fromPort === ingress.toPort ? ingress.fromPort : `${ingress.fromPort}-${ingress.toPort}`}/${ingress.protocol}`);
      }
      this.securityGroup = sg;
      securityGroups = [sg];
    } else if (!securityGroups) {
      // ecs-params subnets without security groups: ECS uses the VPC's default security group,
      // which the construct cannot name without the VPC; the service is rendered without any.
      securityGroups = [ec2.SecurityGroup.fromSecurityGroupId(this, 'DefaultSecurityGroup', 'sg-vpc-default', { mutable: false })];
      removeSecurityGroups = true;
    }

    // IAM: roles named in ecs-params are imported, never modified.
    this.executionRole = task.executionRole
      ? importRole(this, 'ExecutionRole', task.executionRole, this.cluster)
      : new iam.Role(this, 'ExecutionRole', {
        assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonECSTaskExecutionRolePolicy')],
      });
    const taskRole = task.taskRole ? importRole(this, 'TaskRole', task.taskRole, this.cluster) : undefined;

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family: task.family,
      cpu: task.cpu,
      memoryLimitMiB: task.memoryMiB,
      executionRole: this.executionRole,
      taskRole,
      pidMode: task.pidMode ? ecs.PidMode.TASK : undefined,
      runtimePlatform: task.pidMode ? { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX } : undefined,
    });
    this.taskRole = this.taskDefinition.taskRole;

    // Log groups: one per awslogs group name; containers without logging get one each.
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const groups = new Map<string, logs.LogGroup>();
    for (const g of task.logGroups) {
      groups.set(g.key, new logs.LogGroup(this, `${g.containers[0]}LogGroup`, {
        logGroupName: g.name,
        retention,
      }));
    }
    this.logGroups = [...groups.values()];
    // Containers name their log group as the compose file wrote it; the task definition waits for it.
    for (const g of task.logGroups) {
      if (g.name !== undefined) this.taskDefinition.node.addDependency(groups.get(g.key)!);
    }

    for (const c of task.containers) {
      this.containers.set(c.name, this.addContainer(c, groups));
    }
    for (const c of task.containers) {
      for (const d of c.dependsOn) {
        this.containers.get(c.name)!.addContainerDependencies({
          container: this.containers.get(d.container)!,
          condition: ecs.ContainerDependencyCondition[d.condition],
        });
      }
    }

    this.service = new ecs.FargateService(this, 'Service', {
      serviceName: this.projectName,
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount ?? task.desiredCount ?? 1,
      assignPublicIp,
      vpcSubnets,
      securityGroups,
      circuitBreaker: props.circuitBreaker ?? { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });
    if (removeSecurityGroups) {
      (this.service.node.defaultChild as ecs.CfnService).addPropertyDeletionOverride('NetworkConfiguration.AwsvpcConfiguration.SecurityGroups');
    }
  }

  /**
   * The container made from a compose service.
   *
   * @param name the compose service name
   * @returns the container definition, or undefined when the compose file has no such service
   */
  public findContainer(name: string): ecs.ContainerDefinition | undefined {
    return this.containers.get(name);
  }

  private addContainer(c: ContainerPlan, groups: Map<string, logs.LogGroup>): ecs.ContainerDefinition {
    const stack = Stack.of(this);
    let logging: ecs.LogDriver;
    if (c.logging.kind === 'awslogs') {
      logging = new ecs.GenericLogDriver({
        logDriver: 'awslogs',
        options: {
          'awslogs-group': c.logging.groupName ?? groups.get(c.logging.group)!.logGroupName,
          'awslogs-region': c.logging.region ?? stack.region,
          'awslogs-stream-prefix': c.logging.streamPrefix,
          ...c.logging.options,
        },
      });
    } else {
      logging = new ecs.GenericLogDriver({ logDriver: c.logging.driver, options: c.logging.options });
    }
    const secrets: Record<string, ecs.Secret> = {};
    for (const s of c.secrets) secrets[s.name] = new ValueFromSecret(stack, s.valueFrom);
    const environment: Record<string, string> = {};
    for (const e of c.environment) environment[e.name] = e.value;

    return this.taskDefinition.addContainer(c.name, {
      containerName: c.name,
      image: ecs.ContainerImage.fromRegistry(c.image),
      essential: c.essential,
      cpu: c.cpu,
      memoryLimitMiB: c.memoryLimitMiB,
      memoryReservationMiB: c.memoryReservationMiB,
      portMappings: c.portMappings.map(p => p.containerPort === p.containerPortEnd
        ? { containerPort: p.containerPort, hostPort: p.containerPort, protocol: protocol(p.protocol), name: p.name }
        : { containerPort: ecs.ContainerDefinition.CONTAINER_PORT_USE_RANGE, containerPortRange: `${p.containerPort}-${p.containerPortEnd}`, protocol: protocol(p.protocol), name: p.name }),
      environment: c.environment.length > 0 ? environment : undefined,
      secrets: c.secrets.length > 0 ? secrets : undefined,
      command: c.command,
      entryPoint: c.entryPoint,
      workingDirectory: c.workingDirectory,
      user: c.user,
      dockerLabels: Object.keys(c.dockerLabels).length > 0 ? c.dockerLabels : undefined,
      readonlyRootFilesystem: c.readonlyRootFilesystem,
      pseudoTerminal: c.pseudoTerminal,
      interactive: c.interactive,
      linuxParameters: c.initProcessEnabled
        ? new ecs.LinuxParameters(this, `${c.name}LinuxParameters`, { initProcessEnabled: true })
        : undefined,
      stopTimeout: c.stopTimeoutSeconds !== undefined ? Duration.seconds(c.stopTimeoutSeconds) : undefined,
      healthCheck: c.healthCheck ? {
        command: c.healthCheck.command,
        interval: seconds(c.healthCheck.intervalSeconds),
        timeout: seconds(c.healthCheck.timeoutSeconds),
        retries: c.healthCheck.retries,
        startPeriod: seconds(c.healthCheck.startPeriodSeconds),
      } : undefined,
      logging,
      ulimits: c.ulimits.length > 0
        ? c.ulimits.map(u => ({ name: u.name as ecs.UlimitName, softLimit: u.soft, hardLimit: u.hard }))
        : undefined,
    });
  }
}

function protocol(p: 'tcp' | 'udp'): ecs.Protocol {
  return p === 'udp' ? ecs.Protocol.UDP : ecs.Protocol.TCP;
}

function seconds(n: number | undefined): Duration | undefined {
  return n === undefined ? undefined : Duration.seconds(n);
}

/**
 * Import a role named in ecs-params, immutably (as ecs-cli, the construct never changes a role it
 * did not create). A role name becomes an ARN in the cluster's partition and account: built from
 * the cluster's ARN rather than from pseudo parameters, so the template holds no hard-coded ARN.
 */
function importRole(scope: Construct, id: string, nameOrArn: string, cluster: ecs.ICluster): iam.IRole {
  if (nameOrArn.startsWith('arn:') || Token.isUnresolved(nameOrArn)) {
    return iam.Role.fromRoleArn(scope, id, nameOrArn, { mutable: false });
  }
  const parts = Arn.split(cluster.clusterArn, ArnFormat.SLASH_RESOURCE_NAME);
  const arn = Arn.format({
    partition: parts.partition,
    account: parts.account,
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: nameOrArn,
  });
  return iam.Role.fromRoleArn(scope, id, arn, { mutable: false });
}

function resolveProjectName(fromProps: string | undefined, fromCompose: string | undefined, id: string): string {
  if (fromProps !== undefined) {
    if (!Token.isUnresolved(fromProps) && !FAMILY_NAME.test(fromProps)) {
      throw new Error(`projectName: ${JSON.stringify(fromProps)} cannot name a task definition family and an ECS service: use up to 255 letters, digits, dashes and underscores`);
    }
    return fromProps;
  }
  if (fromCompose !== undefined) return fromCompose;
  const fromId = id.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255);
  return fromId === '' ? 'compose' : fromId;
}
