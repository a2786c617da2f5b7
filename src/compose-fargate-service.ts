import { Annotations, Arn, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr_assets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { ComposeDefinition } from './compose/compose-definition';
import { EcsParams } from './ecs-params/ecs-params';
import { addAutoScaling, addLoadBalancing } from './load-balancing';
import { AutoScalingOptions, ExistingTargetGroup, LoadBalancerOptions, ServiceConnectOptions } from './options';
import { ContainerPlan, FILE_INIT_IMAGE, holdsSensitivePort, planTask, TaskPlan } from './private/plan';
import { ComposeFargateError, formatProblem, Problems, throwAll } from './private/problems';
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
   * Target groups made elsewhere that the service registers with (ecs-cli's `--target-groups`).
   *
   * @default - none
   */
  readonly existingTargetGroups?: ExistingTargetGroup[];

  /**
   * Service auto scaling: CPU, memory and request targets, and schedules (scale to zero at night).
   *
   * @default - compose `deploy.x-aws-autoscaling` when given; otherwise none
   */
  readonly autoScaling?: AutoScalingOptions;

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
   * @default - compose `deploy.x-aws-min_percent`, else 100
   */
  readonly minHealthyPercent?: number;

  /**
   * The upper limit of running tasks during a deployment, in percent of the desired count.
   *
   * @default - compose `deploy.x-aws-max_percent`, else 200
   */
  readonly maxHealthyPercent?: number;

  /**
   * How long ECS ignores failing load balancer health checks of a new task. Needs a load balancer.
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
   * ECS Service Connect: other services in the namespace reach this one's published ports by its
   * compose service names (`http://web:8000`).
   *
   * @default - none
   */
  readonly serviceConnect?: ServiceConnectOptions;
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
  /**
   * The Application Load Balancer the construct created.
   *
   * @default - undefined without an Application Load Balancer
   */
  public readonly applicationLoadBalancer?: elbv2.ApplicationLoadBalancer;
  /**
   * The Network Load Balancer the construct created.
   *
   * @default - undefined without a Network Load Balancer
   */
  public readonly networkLoadBalancer?: elbv2.NetworkLoadBalancer;
  /** The target groups the service is registered with (created or existing). */
  public readonly targetGroups: elbv2.ITargetGroup[];
  /**
   * The service's URL (through the load balancer or the domain name).
   *
   * @default - undefined without a load balancer
   */
  public readonly url?: string;
  /**
   * The service's scalable task count, for more scaling policies.
   *
   * @default - undefined without autoScaling
   */
  public readonly scalableTaskCount?: ecs.ScalableTaskCount;

  private readonly containers = new Map<string, ecs.ContainerDefinition>();
  private readonly retention: logs.RetentionDays;
  private platform?: ecr_assets.Platform;

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
      createLogGroups: props.createLogGroups,
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
    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: props.containerInsights === false ? ecs.ContainerInsights.DISABLED : ecs.ContainerInsights.ENABLED,
    });

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
      // With a load balancer, the tasks accept traffic only from it (rules added with the targets).
      for (const ingress of props.loadBalancer || props.existingTargetGroups?.length ? [] : task.ingress) {
        const port = ingress.protocol === 'udp'
          ? (ingress.fromPort === ingress.toPort ? ec2.Port.udp(ingress.fromPort) : ec2.Port.udpRange(ingress.fromPort, ingress.toPort))
          : (ingress.fromPort === ingress.toPort ? ec2.Port.tcp(ingress.fromPort) : ec2.Port.tcpRange(ingress.fromPort, ingress.toPort));
        const label = `${ingress.fromPort === ingress.toPort ? ingress.fromPort : `${ingress.fromPort}-${ingress.toPort}`}/${ingress.protocol}`;
        const sensitive = holdsSensitivePort(ingress.fromPort, ingress.toPort);
        if (sensitive !== undefined) {
          Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:sensitive-port`, `published port ${label} holds port ${sensitive} (administration or a database): the security group admits it from the VPC only, not from the internet; add rules to securityGroup if you mean to expose it`);
        }
        sg.addIngressRule(sensitive !== undefined ? ec2.Peer.ipv4(this.vpc.vpcCidrBlock) : ec2.Peer.anyIpv4(), port, `published port ${label}`);
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
      runtimePlatform: task.pidMode || task.cpuArchitecture ? {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: task.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64
          : task.cpuArchitecture === 'X86_64' ? ecs.CpuArchitecture.X86_64 : undefined,
      } : undefined,
    });
    this.taskRole = this.taskDefinition.taskRole;
    this.platform = task.cpuArchitecture === 'ARM64' ? ecr_assets.Platform.LINUX_ARM64 : task.cpuArchitecture === 'X86_64' ? ecr_assets.Platform.LINUX_AMD64 : undefined;
    task.taskRolePolicies.forEach((doc, i) => {
      new iam.Policy(this, `TaskRolePolicy${i}`, { document: iam.PolicyDocument.fromJson(doc), roles: [this.taskRole] });
    });
    task.taskRoleManagedPolicies.forEach((arn, i) => {
      this.taskRole.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(this, `ManagedPolicy${i}`, arn));
    });
    for (const v of task.volumes) {
      this.taskDefinition.addVolume({
        name: v.name,
        efsVolumeConfiguration: v.efs ? {
          fileSystemId: v.efs.fileSystemId,
          rootDirectory: v.efs.rootDirectory,
          transitEncryption: v.efs.transitEncryption === undefined ? undefined : v.efs.transitEncryption ? 'ENABLED' : 'DISABLED',
          transitEncryptionPort: v.efs.transitEncryptionPort,
          authorizationConfig: v.efs.accessPointId !== undefined || v.efs.iam !== undefined ? {
            accessPointId: v.efs.accessPointId,
            iam: v.efs.iam === undefined ? undefined : v.efs.iam ? 'ENABLED' : 'DISABLED',
          } : undefined,
        } : undefined,
      });
    }
    for (const g of task.efsGrants) {
      this.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
        actions: g.write ? ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'] : ['elasticfilesystem:ClientMount'],
        resources: [Stack.of(this).formatArn({ service: 'elasticfilesystem', resource: 'file-system', resourceName: g.fileSystemId })],
      }));
    }

    // Log groups: one per awslogs group name; containers without logging get one each.
    const retention = this.retention =
      props.logRetention ?? (task.logRetentionDays as logs.RetentionDays | undefined) ?? logs.RetentionDays.ONE_MONTH;
    const groups = new Map<string, logs.LogGroup>();
    this.logGroups = [];
    for (const g of task.logGroups) {
      if (g.name !== undefined && props.createLogGroups === false) continue; // they exist already
      const group = new logs.LogGroup(this, `${g.containers[0]}LogGroup`, { logGroupName: g.name, retention });
      groups.set(g.key, group);
      this.logGroups.push(group);
      // Containers name their log group as the compose file wrote it; the task definition waits for it.
      if (g.name !== undefined) this.taskDefinition.node.addDependency(group);
    }

    for (const c of task.containers) {
      this.containers.set(c.name, this.addContainer(c, groups, props.serviceConnect !== undefined));
    }
    for (const c of task.containers) {
      for (const d of c.dependsOn) {
        this.containers.get(c.name)!.addContainerDependencies({
          container: this.containers.get(d.container)!,
          condition: ecs.ContainerDependencyCondition[d.condition],
        });
      }
    }
    if (task.fileInit) this.addFileInit(task);

    const createdCluster = !props.cluster;
    if (props.capacityProviderStrategies && createdCluster) (this.cluster as ecs.Cluster).enableFargateCapacityProviders();
    if (props.healthCheckGracePeriod && !props.loadBalancer && !(props.existingTargetGroups?.length)) {
      throw propError(['healthCheckGracePeriod'], 'ECS uses a health check grace period only with a load balancer: add loadBalancer or existingTargetGroups, or leave it out');
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
      minHealthyPercent: props.minHealthyPercent ?? task.minHealthyPercent ?? 100,
      maxHealthyPercent: props.maxHealthyPercent ?? task.maxHealthyPercent ?? 200,
      capacityProviderStrategies: props.capacityProviderStrategies,
      platformVersion: props.platformVersion,
      healthCheckGracePeriod: props.healthCheckGracePeriod,
      deploymentAlarms: props.deploymentAlarms,
      enableExecuteCommand: props.enableExecuteCommand,
    });
    if (props.enableExecuteCommand && task.taskRole) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:exec-task-role`, 'enableExecuteCommand: the task role comes from ecs-params task_role_arn and is not changed: it must allow ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel and OpenDataChannel');
    }
    if (task.serviceDiscovery) this.enableServiceDiscovery(task, params?.file);
    if (props.serviceConnect) this.enableServiceConnect(task, props.serviceConnect, createdCluster);

    const balancing = addLoadBalancing(this, {
      service: this.service,
      vpc: this.vpc,
      task,
      loadBalancer: props.loadBalancer,
      existingTargetGroups: props.existingTargetGroups ?? [],
      containers: this.containers,
      securityGroup: this.securityGroup,
    });
    this.applicationLoadBalancer = balancing.applicationLoadBalancer;
    this.networkLoadBalancer = balancing.networkLoadBalancer;
    this.targetGroups = balancing.targetGroups;
    this.url = balancing.url;

    const scaling = props.autoScaling ?? (task.autoscaling ? {
      minCapacity: task.autoscaling.min,
      maxCapacity: task.autoscaling.max,
      targetCpuUtilizationPercent: task.autoscaling.cpu,
      targetMemoryUtilizationPercent: task.autoscaling.memory,
    } : undefined);
    if (scaling) this.scalableTaskCount = addAutoScaling(this.service, scaling, balancing.applicationTargetGroups[0]);
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

  /** Service Connect: each published port is reachable in the namespace as <compose service>:<port>. */
  private enableServiceConnect(task: TaskPlan, options: ServiceConnectOptions, createdCluster: boolean) {
    let namespace = options.namespaceName;
    if (namespace === undefined) {
      if (createdCluster) {
        (this.cluster as ecs.Cluster).addDefaultCloudMapNamespace({
          name: `${this.projectName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.internal`,
          type: servicediscovery.NamespaceType.HTTP,
          useForServiceConnect: true,
        });
      } else if (!this.cluster.defaultCloudMapNamespace) {
        throw propError(['serviceConnect', 'namespaceName'], 'the given cluster has no default Cloud Map namespace: name the namespace');
      }
    }
    const services = task.containers.flatMap(c => c.portMappings
      .filter(p => p.containerPort === p.containerPortEnd)
      .map(p => ({ portMappingName: p.name ?? `${c.name}-${p.containerPort}`, dnsName: c.name, port: p.containerPort })));
    this.service.enableServiceConnect({ namespace, services });
  }

  /** ecs-params run_params.service_discovery: a Cloud Map service in a new or existing namespace. */
  private enableServiceDiscovery(task: TaskPlan, file: string | undefined) {
    const sd = task.serviceDiscovery!;
    const stack = Stack.of(this);
    let namespace: servicediscovery.INamespace;
    const priv = sd.privateNamespace;
    const pub = sd.publicNamespace;
    if (priv?.id !== undefined || pub?.id !== undefined) {
      const id = (priv?.id ?? pub?.id)!;
      const attrs = {
        namespaceId: id,
        namespaceName: (priv ?? pub)!.name ?? id,
        namespaceArn: stack.formatArn({ service: 'servicediscovery', resource: 'namespace', resourceName: id }),
      };
      namespace = priv
        ? servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(this, 'Namespace', attrs)
        : servicediscovery.PublicDnsNamespace.fromPublicDnsNamespaceAttributes(this, 'Namespace', attrs);
    } else if (priv) {
      const vpc = priv.vpc !== undefined
        ? ec2.Vpc.fromVpcAttributes(this, 'NamespaceVpc', { vpcId: priv.vpc, availabilityZones: ['az-of-the-namespace-vpc'] })
        : this.vpc;
      if (!vpc) {
        const problems = new Problems(file);
        problems.error([...sd.path, 'private_dns_namespace', 'vpc'], 'a new private namespace needs its VPC: give the VPC ID of the ecs-params subnets here, or pass the vpc prop');
        problems.throwIfAny();
      }
      namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', { name: priv.name!, vpc: vpc!, description: priv.description });
    } else {
      namespace = new servicediscovery.PublicDnsNamespace(this, 'Namespace', { name: pub!.name! });
    }
    const cloudMap = this.service.enableCloudMap({
      cloudMapNamespace: namespace,
      name: sd.serviceName ?? this.projectName.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63),
      dnsRecordType: sd.dnsType === 'SRV' ? servicediscovery.DnsRecordType.SRV : servicediscovery.DnsRecordType.A,
      dnsTtl: Duration.seconds(sd.dnsTtl ?? 60),
      failureThreshold: sd.failureThreshold ?? 1,
      container: sd.containerName !== undefined ? this.containers.get(sd.containerName) : undefined,
      containerPort: sd.containerPort,
    });
    if (sd.description !== undefined) (cloudMap.node.defaultChild as servicediscovery.CfnService).description = sd.description;
  }

  /**
   * The init container that writes compose secrets and configs to files: ECS reads each from
   * Secrets Manager or SSM into its environment, it writes them into the volumes the services
   * mount, and exits; the services start after it succeeded.
   */
  private addFileInit(task: TaskPlan) {
    const init = task.fileInit!;
    const secrets: Record<string, ecs.Secret> = {};
    const script = ['set -e'];
    init.files.forEach((f, i) => {
      const env = `COMPOSE_FILE_${i}`;
      secrets[env] = f.store === 'ssm' || f.name.startsWith('arn:')
        ? new ValueFromSecret(Stack.of(this), f.name)
        : ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(this, `FileSecret${i}`, f.name));
      const file = `${init.mountRoot}/${f.volume}/${f.fileName}`;
      script.push(`printf '%s' "$${env}" > '${file}'`, `chmod ${f.mode} '${file}'`);
      if (f.uid !== undefined || f.gid !== undefined) script.push(`chown ${f.uid ?? ''}${f.gid !== undefined ? `:${f.gid}` : ''} '${file}'`);
    });
    const group = new logs.LogGroup(this, 'FilesInitLogGroup', { retention: this.retention });
    this.logGroups.push(group);
    const container = this.taskDefinition.addContainer(init.containerName, {
      containerName: init.containerName,
      image: ecs.ContainerImage.fromRegistry(FILE_INIT_IMAGE),
      essential: false,
      entryPoint: ['sh', '-c'],
      command: [script.join(' && ')],
      secrets,
      logging: this.awslogs(group.logGroupName, Stack.of(this).region, init.containerName, {}),
    });
    const volumes = [...new Set(init.files.map(f => f.volume))];
    container.addMountPoints(...volumes.map(v => ({ sourceVolume: v, containerPath: `${init.mountRoot}/${v}`, readOnly: false })));
    for (const c of task.containers) {
      if (c.mountPoints.some(m => volumes.includes(m.volume))) {
        this.containers.get(c.name)!.addContainerDependencies({ container, condition: ecs.ContainerDependencyCondition.SUCCESS });
      }
    }
  }

  /**
   * An awslogs driver with the region as written (not always the stack's). No grant: the
   * execution role's AmazonECSTaskExecutionRolePolicy covers writing logs, and an imported role
   * is never changed.
   */
  private awslogs(group: string, region: string, streamPrefix: string, options: Record<string, string>, secretOptions?: Record<string, ecs.Secret>) {
    return new ecs.GenericLogDriver({
      logDriver: 'awslogs',
      options: { 'awslogs-group': group, 'awslogs-region': region, 'awslogs-stream-prefix': streamPrefix, ...options },
      secretOptions,
    });
  }

  private addContainer(c: ContainerPlan, groups: Map<string, logs.LogGroup>, namePorts: boolean): ecs.ContainerDefinition {
    const stack = Stack.of(this);
    const logSecrets: Record<string, ecs.Secret> = {};
    for (const s of c.logSecretOptions) logSecrets[s.name] = new ValueFromSecret(stack, s.valueFrom);
    const secretOptions = c.logSecretOptions.length > 0 ? logSecrets : undefined;
    let logging: ecs.LogDriver;
    if (c.logging.kind === 'awslogs') {
      const group = c.logging.groupName ?? groups.get(c.logging.group)!.logGroupName;
      logging = this.awslogs(group, c.logging.region ?? stack.region, c.logging.streamPrefix, c.logging.options, secretOptions);
    } else {
      logging = new ecs.GenericLogDriver({ logDriver: c.logging.driver, options: c.logging.options, secretOptions });
    }
    const secrets: Record<string, ecs.Secret> = {};
    for (const s of c.secrets) secrets[s.name] = new ValueFromSecret(stack, s.valueFrom);
    let linuxParameters: ecs.LinuxParameters | undefined;
    if (c.initProcessEnabled || c.capAdd.length > 0 || c.capDrop.length > 0) {
      linuxParameters = new ecs.LinuxParameters(this, `${c.name}LinuxParameters`, { initProcessEnabled: c.initProcessEnabled || undefined });
      linuxParameters.addCapabilities(...c.capAdd.map(x => x as ecs.Capability));
      linuxParameters.dropCapabilities(...c.capDrop.map(x => x as ecs.Capability));
    }
    const credentials = c.repositoryCredentials
      ? secretsmanager.Secret.fromSecretPartialArn(this, `${c.name}RepositoryCredentials`, c.repositoryCredentials)
      : undefined;
    const environment: Record<string, string> = {};
    for (const e of c.environment) environment[e.name] = e.value;

    const options: ecs.ContainerDefinitionOptions = {
      containerName: c.name,
      image: c.build
        ? ecs.ContainerImage.fromAsset(c.build.context, {
          file: c.build.dockerfile,
          buildArgs: Object.keys(c.build.args).length > 0 ? c.build.args : undefined,
          target: c.build.target,
          platform: this.platform,
        })
        : ecs.ContainerImage.fromRegistry(c.image, credentials ? { credentials } : undefined),
      essential: c.essential,
      cpu: c.cpu,
      memoryLimitMiB: c.memoryLimitMiB,
      memoryReservationMiB: c.memoryReservationMiB,
      portMappings: c.portMappings.map(p => p.containerPort === p.containerPortEnd
        ? {
          containerPort: p.containerPort,
          hostPort: p.containerPort,
          protocol: protocol(p.protocol),
          name: p.name ?? (namePorts ? `${c.name}-${p.containerPort}` : undefined),
          appProtocol: namePorts ? appProtocol(p.appProtocol) : undefined,
        }
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
      linuxParameters,
      systemControls: c.sysctls.length > 0 ? c.sysctls.map(x => ({ namespace: x.name, value: x.value })) : undefined,
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
    };
    // A service with ecs-params firelens_configuration is the task's log router (ECS allows one).
    const container = c.firelens
      ? this.taskDefinition.addFirelensLogRouter(c.name, { ...options, firelensConfig: firelensConfig(c.firelens) })
      : this.taskDefinition.addContainer(c.name, options);
    container.addMountPoints(...c.mountPoints.map(m => ({ sourceVolume: m.volume, containerPath: m.containerPath, readOnly: m.readOnly })));
    container.addVolumesFrom(...c.volumesFrom.map(v => ({ sourceContainer: v.container, readOnly: v.readOnly })));
    return container;
  }
}

function firelensConfig(f: NonNullable<ContainerPlan['firelens']>): ecs.FirelensConfig {
  const o = f.options;
  return {
    type: f.type === 'fluentd' ? ecs.FirelensLogRouterType.FLUENTD : ecs.FirelensLogRouterType.FLUENTBIT,
    options: Object.keys(o).length === 0 ? undefined : {
      enableECSLogMetadata: o['enable-ecs-log-metadata'] === undefined ? undefined : o['enable-ecs-log-metadata'] === 'true',
      configFileType: o['config-file-type'] === undefined ? undefined : ecs.FirelensConfigFileType.FILE,
      configFileValue: o['config-file-value'],
    },
  };
}

function appProtocol(p: string | undefined): ecs.AppProtocol | undefined {
  switch (p) {
    case 'http': return ecs.AppProtocol.http;
    case 'http2': return ecs.AppProtocol.http2;
    case 'grpc': return ecs.AppProtocol.grpc;
    default: return undefined;
  }
}

/** An error about a prop (not a document): the path names the prop. */
function propError(at: (string | number)[], message: string): Error {
  const problems = new Problems();
  problems.error(at, message);
  return new ComposeFargateError(problems.errors);
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
