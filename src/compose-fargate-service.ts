import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { ComposeFargateBaseProps } from './base-props';
import { AutoScalingOptions, ExistingTargetGroup, ServiceConnectOptions, VolumeStorage } from './options';
import { diagramOf, DiagramModel } from './private/plan/diagram';
import { planEcsServices } from './private/plan/ecs-service';
import { balancerPicture } from './private/plan/load-balancing';
import { portMappingName } from './private/plan/model';
import { dnsLabel, projectNameOf, warnHostReferences } from './private/plan/names';
import { checkDeployment, checkServiceConnectNamespace } from './private/plan/service-options';
import { singleTaskWarnings } from './private/plan/single-task-warnings';
import { planTask } from './private/plan/task';
import { Problems } from './private/problems';
import { buildEcsService } from './resources/ecs-service';
import { buildInfrastructure, hasVpc, importRole, planSettings, reportProblems } from './resources/infrastructure';
import { addAutoScaling, buildLoadBalancing } from './resources/load-balancer';
import { DeploymentStorage } from './resources/storage';
import { LogGroupRegistry, scopeExecuteCommandLogs } from './resources/task';

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

    // The plan: every problem of the files and the props, at once, before any resource exists.
    const composeProblems = new Problems(compose.file);
    const paramsProblems = new Problems(params?.file);
    const propProblems = new Problems();
    this.projectName = projectNameOf(props.projectName, Token.isUnresolved(props.projectName), compose.name, id, propProblems);
    const settings = planSettings(this, props, VolumeStorage.TASK);
    const task = planTask({ compose, ecsParams: params, family: this.projectName, ...settings }, composeProblems, paramsProblems);
    const references = warnHostReferences(compose, composeProblems);
    const vpcKnown = hasVpc({ ...props, network: params?.network });
    const connectEndpoints = task?.containers.flatMap(c => c.portMappings
      .filter(p => p.containerPort === p.containerPortEnd)
      .map(p => ({ portMappingName: portMappingName(c.name, p), dnsName: c.name, port: p.containerPort })));
    const plan = task && planEcsServices([{
      key: this.projectName,
      serviceName: this.projectName,
      task,
      desiredCount: task.desiredCount,
      targetable: task.containers.filter(c => !c.addedLogRouter).map(c => c.name),
      securityGroupDescription: `${this.projectName}: published ports of the compose file`,
      serviceConnect: props.serviceConnect ? { endpoints: connectEndpoints } : undefined,
    }], { props, hasVpc: vpcKnown }, { compose: composeProblems, params: paramsProblems, props: propProblems });
    if (task) checkDeployment({ hasVpc: vpcKnown, securityGroupCount: props.securityGroups?.length }, [task], propProblems, paramsProblems);
    if (props.serviceConnect) {
      checkServiceConnectNamespace(props.serviceConnect.namespaceName !== undefined, props.cluster === undefined,
        props.cluster?.defaultCloudMapNamespace !== undefined, propProblems);
    }
    reportProblems(this, [...singleTaskWarnings(compose), ...(params?.warnings ?? [])], composeProblems, paramsProblems, propProblems);
    const [service] = plan!.services;
    const loadBalancing = plan!.loadBalancing!;

    // The resources, as planned.
    const infra = buildInfrastructure(this, { ...props, network: params?.network });
    this.vpc = infra.vpc;
    this.cluster = infra.cluster;
    if (props.capacityProviderStrategies && infra.createdCluster) (this.cluster as ecs.Cluster).enableFargateCapacityProviders();
    if (props.serviceConnect && props.serviceConnect.namespaceName === undefined && infra.createdCluster) {
      (this.cluster as ecs.Cluster).addDefaultCloudMapNamespace({
        name: `${dnsLabel(this.projectName)}.internal`,
        type: servicediscovery.NamespaceType.HTTP,
        useForServiceConnect: true,
      });
    }
    const retention = props.logRetention ?? (service.task.logRetentionDays as logs.RetentionDays | undefined) ?? logs.RetentionDays.ONE_MONTH;
    const logGroups = new LogGroupRegistry(this, retention, props.createLogGroups !== false);
    const storage = new DeploymentStorage(this, {
      vpc: this.vpc,
      subnets: infra.vpcSubnets,
      fileSystems: props.fileSystems,
      secrets: props.secrets,
      projectName: this.projectName,
      volumeOwners: service.task.volumeOwners,
    });
    // IAM: roles named in ecs-params are imported, never modified.
    const built = buildEcsService(this, service, {
      infrastructure: infra,
      logGroups,
      storage,
      taskRole: service.task.taskRole ? importRole(this, 'TaskRole', service.task.taskRole, this.cluster) : undefined,
      securityGroups: props.securityGroups,
      network: params?.network,
      circuitBreaker: props.circuitBreaker,
      platformVersion: props.platformVersion,
      serviceConnectNamespace: props.serviceConnect?.namespaceName,
    });
    this.service = built.service;
    this.securityGroup = built.securityGroup;
    this.taskDefinition = built.task.taskDefinition;
    this.executionRole = this.taskDefinition.executionRole!;
    this.taskRole = this.taskDefinition.taskRole;
    this.containers = built.task.containers;
    this.logGroups = logGroups.created;

    const balancing = buildLoadBalancing(this, loadBalancing, props.loadBalancer,
      new Map([[service.key, { service: this.service, securityGroup: this.securityGroup }]]), this.vpc);
    this.applicationLoadBalancer = balancing.applicationLoadBalancer;
    this.networkLoadBalancer = balancing.networkLoadBalancer;
    this.targetGroups = balancing.targetGroups;
    this.url = balancing.url;
    if (service.autoScaling) {
      this.scalableTaskCount = addAutoScaling(this.service, service.autoScaling, balancing.requestTargetGroups.get(service.key));
    }

    this._diagram = diagramOf({
      model: 'task',
      services: [{ name: this.projectName, serviceName: this.projectName, task: service.task }],
      compose,
      references,
      balancer: balancerPicture(loadBalancing),
      closed: props.securityGroups !== undefined || (params?.network?.securityGroups.length ?? 0) > 0 || plan!.behindLoadBalancer,
    });
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
}
