import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { ComposeFargateBaseProps } from './base-props';
import {
  buildExecutionRole, buildInfrastructure, buildSecurityGroups, checkSecurityGroupCount, dependOnCapacityProviders, importRole, planSettings,
  reportProblems, resolveProjectName,
} from './build/infrastructure';
import { DeploymentStorage } from './build/storage';
import { BuiltTask, grantExecuteCommandLogs, LogGroupRegistry, scopeExecuteCommandLogs } from './build/task';
import { addAutoScaling, addLoadBalancing } from './load-balancing';
import { AutoScalingOptions, ExistingTargetGroup, ServiceConnectOptions, VolumeStorage } from './options';
import { diagramOf, DiagramModel } from './private/plan/diagram';
import { portMappingName, TaskPlan } from './private/plan/model';
import { warnHostReferences } from './private/plan/names';
import {
  autoScalingOf, balancedContainers, balancesNetwork, checkAutoScaling, checkGracePeriod, requestCountsFor, warnExecWithGivenTaskRole,
} from './private/plan/service-options';
import { singleTaskWarnings } from './private/plan/single-task-warnings';
import { planTask } from './private/plan/task';
import { ComposeFargateError, Problems } from './private/problems';

/**
 * Properties of a ComposeFargateService. Everything not in the two files is a prop; props beat
 * ecs-params, and ecs-params beat compose.
 */
export interface ComposeFargateServiceProps extends ComposeFargateBaseProps {
  /**
   * How many tasks to run.
   *
   * @default - compose `deploy.replicas` when the file sets it, else 1
   */
  readonly desiredCount?: number;

  /**
   * Security groups for the tasks.
   *
   * @default - ecs-params `security_groups` when given; otherwise a new security group that admits
   * the compose file's published ports from anywhere
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

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
   * ECS Service Connect: other services in the namespace reach this one's published ports by its
   * compose service names (`http://web:8000`).
   *
   * @default - none
   */
  readonly serviceConnect?: ServiceConnectOptions;
}


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
   * With the listener's port unless the scheme implies it (`http://...:8080`, `https://...` on 443,
   * `tcp://...:5432`): of the first listener that forwards every request, else of the first. The stack's
   * `Url` output holds it; each other listener's URL is an output `Url<port>`.
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

  /** @internal what the files became, for `cdk-compose-fargate diagram` */
  public readonly _diagram: DiagramModel;
  private readonly containers: Map<string, ecs.ContainerDefinition>;

  constructor(scope: Construct, id: string, props: ComposeFargateServiceProps) {
    super(scope, id);
    scopeExecuteCommandLogs(this);
    const compose = props.compose._model;
    const params = props.ecsParams?._model;

    this.projectName = resolveProjectName(props.projectName, compose.name, id);

    const composeProblems = new Problems(compose.file);
    const paramsProblems = new Problems(params?.file);
    const settings = planSettings(this, props, VolumeStorage.TASK);
    const plan = planTask({ compose, ecsParams: params, family: this.projectName, ...settings }, composeProblems, paramsProblems);
    const references = warnHostReferences(compose, composeProblems);
    const propProblems = new Problems();
    const behindLoadBalancer = props.loadBalancer !== undefined || (props.existingTargetGroups?.length ?? 0) > 0;
    if (plan) checkServiceProps(props, plan, behindLoadBalancer, propProblems, paramsProblems);
    reportProblems(this, [...singleTaskWarnings(compose), ...(params?.warnings ?? [])], composeProblems, paramsProblems, propProblems);
    const task = plan!;

    checkSecurityGroupCount(props.securityGroups);
    const infra = buildInfrastructure(this, { ...props, network: task.network });
    this.vpc = infra.vpc;
    this.cluster = infra.cluster;
    const groups = buildSecurityGroups(this, {
      given: props.securityGroups,
      network: task.network,
      vpc: this.vpc,
      description: `${this.projectName}: published ports of the compose file`,
      // With a load balancer, the tasks accept traffic only from it (rules added with the targets).
      ingress: behindLoadBalancer ? [] : task.ingress,
    });
    this.securityGroup = groups.created;

    // IAM: roles named in ecs-params are imported, never modified.
    this.executionRole = buildExecutionRole(this, task.executionRole, this.cluster);
    const taskRole = task.taskRole ? importRole(this, 'TaskRole', task.taskRole, this.cluster) : undefined;
    const retention = props.logRetention ?? (task.logRetentionDays as logs.RetentionDays | undefined) ?? logs.RetentionDays.ONE_MONTH;
    const logGroups = new LogGroupRegistry(this, retention, props.createLogGroups !== false);
    const storage = new DeploymentStorage(this, {
      vpc: this.vpc,
      subnets: infra.vpcSubnets,
      fileSystems: props.fileSystems,
      secrets: props.secrets,
      projectName: this.projectName,
      volumeOwners: task.volumeOwners,
    });
    const built = new BuiltTask(this, task, {
      executionRole: this.executionRole, taskRole, logGroups, namePorts: props.serviceConnect !== undefined, storage,
    });
    this.taskDefinition = built.taskDefinition;
    this.taskRole = this.taskDefinition.taskRole;
    this.containers = built.containers;
    this.logGroups = logGroups.created;

    if (props.capacityProviderStrategies && infra.createdCluster) (this.cluster as ecs.Cluster).enableFargateCapacityProviders();
    this.service = new ecs.FargateService(this, 'Service', {
      serviceName: this.projectName,
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount ?? task.desiredCount ?? 1,
      assignPublicIp: infra.assignPublicIp,
      vpcSubnets: infra.vpcSubnets,
      securityGroups: groups.securityGroups,
      circuitBreaker: props.circuitBreaker ?? { enable: true, rollback: true },
      minHealthyPercent: props.minHealthyPercent ?? task.minHealthyPercent ?? 100,
      maxHealthyPercent: props.maxHealthyPercent ?? task.maxHealthyPercent ?? 200,
      capacityProviderStrategies: props.capacityProviderStrategies,
      platformVersion: props.platformVersion,
      healthCheckGracePeriod: props.healthCheckGracePeriod,
      deploymentAlarms: props.deploymentAlarms,
      enableExecuteCommand: props.enableExecuteCommand,
    });
    if ((props.capacityProviderStrategies?.length ?? 0) > 0) dependOnCapacityProviders(this.service, this.cluster);
    if (props.enableExecuteCommand && !task.taskRole) grantExecuteCommandLogs(built);
    if (task.serviceDiscovery) this.enableServiceDiscovery(task, params?.file);
    if (props.serviceConnect) this.enableServiceConnect(task, props.serviceConnect, infra.createdCluster);

    const balancing = addLoadBalancing(this, {
      vpc: this.vpc,
      services: [{
        service: this.service, task, targetable: task.containers.filter(c => !c.addedLogRouter).map(c => c.name), securityGroup: this.securityGroup,
      }],
      loadBalancer: props.loadBalancer,
      existingTargetGroups: props.existingTargetGroups ?? [],
      portProtocols: task.portProtocols,
    });
    this.applicationLoadBalancer = balancing.applicationLoadBalancer;
    this.networkLoadBalancer = balancing.networkLoadBalancer;
    this.targetGroups = balancing.targetGroups;
    this.url = balancing.url;

    const scaling = autoScalingOf(props.autoScaling, task);
    this._diagram = diagramOf({
      model: 'task',
      services: [{ name: this.projectName, serviceName: this.projectName, task }],
      compose,
      references,
      balancer: balancing.picture,
      closed: props.securityGroups !== undefined || (task.network?.securityGroups.length ?? 0) > 0 || behindLoadBalancer,
    });
    if (scaling) this.scalableTaskCount = addAutoScaling(this.service, scaling, balancing.applicationTargetGroups.get(this.service)?.[0]);
    if (groups.useVpcDefault) {
      (this.service.node.defaultChild as ecs.CfnService).addPropertyDeletionOverride('NetworkConfiguration.AwsvpcConfiguration.SecurityGroups');
    }
    storage.admit(this.service, task.managedEfsGrants.map(g => g.volume));
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
      .map(p => ({ portMappingName: portMappingName(c.name, p), dnsName: c.name, port: p.containerPort })));
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

}

/**
 * The props checked before any resource exists: auto scaling (request counts need an Application
 * Load Balancer target), the grace period (needs a load balancer), ECS Exec with ecs-params' role.
 */
function checkServiceProps(
  props: ComposeFargateServiceProps, task: TaskPlan, behindLoadBalancer: boolean, problems: Problems, paramsProblems: Problems,
): void {
  const scaling = autoScalingOf(props.autoScaling, task);
  if (scaling) {
    const network = props.loadBalancer !== undefined && balancesNetwork(props.loadBalancer, task.portProtocols);
    const balanced = balancedContainers(props.loadBalancer, [task], () => true).size > 0;
    checkAutoScaling(scaling, ['autoScaling'], requestCountsFor(task.family, balanced, props.loadBalancer, network), problems);
  }
  if (props.healthCheckGracePeriod) checkGracePeriod(['healthCheckGracePeriod'], undefined, behindLoadBalancer, problems);
  if (props.enableExecuteCommand && task.taskRole) warnExecWithGivenTaskRole(paramsProblems);
}

/** An error about a prop (not a document): the path names the prop. */
function propError(at: (string | number)[], message: string): Error {
  const problems = new Problems();
  problems.error(at, message);
  return new ComposeFargateError(problems.errors);
}
