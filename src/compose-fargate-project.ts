import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { ComposeFargateBaseProps } from './base-props';
import { ComposeServiceOptions, IComposeProjectService } from './compose-project-service';
import { AutoScalingOptions, VolumeStorage } from './options';
import { constructId } from './private/dict';
import { ECS_QUOTAS } from './private/facts/ecs-limits';
import { diagramOf, DiagramModel } from './private/plan/diagram';
import { EcsServicePlan, planEcsServices } from './private/plan/ecs-service';
import { balancerPicture } from './private/plan/load-balancing';
import { dnsLabel, projectNameOf } from './private/plan/names';
import { planProject, ProjectServicePlan } from './private/plan/project';
import { checkDeployment } from './private/plan/service-options';
import { Problems } from './private/problems';
import { buildEcsService, DeploymentResources } from './resources/ecs-service';
import { buildExecutionRole, buildInfrastructure, hasVpc, importRole, planSettings, portOf, reportProblems } from './resources/infrastructure';
import { addAutoScaling, buildLoadBalancing } from './resources/load-balancer';
import { DeploymentStorage } from './resources/storage';
import { BuiltTask, LogGroupRegistry, scopeExecuteCommandLogs } from './resources/task';

/** Properties of a ComposeFargateProject. */
export interface ComposeFargateProjectProps extends ComposeFargateBaseProps {
  /**
   * How many tasks each ECS service runs, unless `services` says otherwise for one.
   *
   * @default - each service's compose `deploy.replicas`, else 1
   */
  readonly desiredCount?: number;

  /**
   * Auto scaling of each ECS service, unless `services` says otherwise for one.
   *
   * @default - each service's compose `deploy.x-aws-autoscaling`; otherwise none
   */
  readonly autoScaling?: AutoScalingOptions;

  /**
   * Options per compose service (desired count, auto scaling, capacity providers, ECS Exec, ...),
   * by compose service name. They beat the project-wide props.
   *
   * @default - the project-wide props for every service
   */
  readonly services?: { [name: string]: ComposeServiceOptions };

  /**
   * The Cloud Map namespace in which the compose services reach each other through Service Connect.
   *
   * @default - a new HTTP namespace `<project name>.local` (the default namespace of the cluster
   * the construct creates; a namespace of the project's own in a given cluster)
   */
  readonly serviceConnectNamespace?: servicediscovery.INamespace;
}

/** The construct behind IComposeProjectService: made by the project only, from its plan. */
class ProjectService extends Construct implements IComposeProjectService {
  public readonly composeServiceName: string;
  public readonly service: ecs.FargateService;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly taskRole: iam.IRole;
  public readonly executionRole: iam.IRole;
  public readonly securityGroup?: ec2.ISecurityGroup;
  public scalableTaskCount?: ecs.ScalableTaskCount;
  private readonly containers: Map<string, ecs.ContainerDefinition>;

  constructor(scope: Construct, plan: EcsServicePlan, shared: DeploymentResources) {
    super(scope, constructId(plan.key));
    this.composeServiceName = plan.key;
    const built = buildEcsService(this, plan, shared);
    this.taskDefinition = built.task.taskDefinition;
    this.taskRole = this.taskDefinition.taskRole;
    this.executionRole = this.taskDefinition.executionRole!;
    this.containers = built.task.containers;
    this.service = built.service;
    this.securityGroup = built.securityGroup;
  }

  public findContainer(name: string): ecs.ContainerDefinition | undefined {
    return this.containers.get(name);
  }
}

/**
 * Deploys a docker-compose project as `docker compose up` runs it: one Fargate service per
 * long-running compose service, each with its own task definition, security group and scaling,
 * in one cluster and VPC. The services reach each other by their compose names (`db`, `db:5432`,
 * container_name, hostname, network aliases, links) through ECS Service Connect; compose networks
 * decide who may connect to whom; `depends_on` orders creation; one-shot services (`restart: "no"`,
 * `service_completed_successfully` targets) run to completion inside the tasks that wait for them.
 *
 * @example
 * declare const stack: Stack;
 * const project = new ComposeFargateProject(stack, 'Blog', {
 *   compose: ComposeDefinition.fromFile('docker-compose.yml'),
 *   loadBalancer: { targets: [{ service: 'wordpress', containerPort: 80 }] },
 *   services: { wordpress: { desiredCount: 2 } },
 * });
 * project.service('db').taskDefinition;
 */
export class ComposeFargateProject extends Construct {
  /** The project name: prefix of every ECS service name and task definition family. */
  public readonly projectName: string;
  /** The cluster the services run in. */
  public readonly cluster: ecs.ICluster;
  /**
   * The VPC, when the construct made one or was given one (through `vpc` or `cluster`).
   *
   * @default - undefined when the network comes from ecs-params subnet IDs
   */
  public readonly vpc?: ec2.IVpc;
  /** The Cloud Map namespace of Service Connect. */
  public readonly namespace: servicediscovery.INamespace;
  /** The CloudWatch log groups the construct created. */
  public readonly logGroups: logs.ILogGroup[];
  /** The compose services that run as ECS services, in the compose file's order. */
  public readonly serviceNames: string[];
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
  /** The target groups of the load balancer. */
  public readonly targetGroups: elbv2.ITargetGroup[];
  /**
   * The URL of the load balancer (or of the domain name).
   *
   * With the listener's port unless the scheme implies it (`http://...:8080`, `https://...` on 443,
   * `tcp://...:5432`): of the first listener that forwards every request, else of the first. The stack's
   * `Url` output holds it; each other listener's URL is an output `Url<port>`.
   *
   * @default - undefined without a load balancer
   */
  public readonly url?: string;

  /** @internal what the files became, for `cdk-compose-fargate diagram` */
  public readonly _diagram: DiagramModel;
  private readonly byName = new Map<string, ProjectService>();
  private readonly oneShots = new Map<string, ecs.FargateTaskDefinition>();
  /** One-shot services that run inside the tasks of others: name -> those services. */
  private readonly hosts = new Map<string, string[]>();

  constructor(parent: Construct, id: string, props: ComposeFargateProjectProps) {
    super(parent, id);
    scopeExecuteCommandLogs(this);
    const compose = props.compose._model;
    const params = props.ecsParams?._model;
    const network = params?.network;

    // The plan: every problem of the files and the props, at once, before any resource exists.
    const composeProblems = new Problems(compose.file);
    const paramsProblems = new Problems(params?.file);
    const propProblems = new Problems();
    this.projectName = projectNameOf(props.projectName, Token.isUnresolved(props.projectName), compose.name, id, propProblems);
    const settings = planSettings(this, props, VolumeStorage.EFS);
    const percentsGivenFor = Object.entries(props.services ?? {})
      .filter(([, o]) => o.minHealthyPercent !== undefined || o.maxHealthyPercent !== undefined).map(([name]) => name);
    const projectInput = { compose, ecsParams: params, projectName: this.projectName, ...settings, percentsGivenFor };
    const project = planProject(projectInput, composeProblems, paramsProblems);
    const vpcKnown = hasVpc({ ...props, network });
    const collectors = { compose: composeProblems, params: paramsProblems, props: propProblems };
    const plan = project && planEcsServices(project.services.map(s => ({
      key: s.name,
      serviceName: s.serviceName,
      task: s.task,
      desiredCount: s.desiredCount,
      targetable: [s.name],
      securityGroupDescription: `${this.projectName}/${s.name}: published ports and the project services that reach it`,
      // Every service is a Service Connect client; one that answers on ports is a server too, under each of its names.
      serviceConnect: { endpoints: s.endpoints.length > 0 ? s.endpoints : undefined },
    })), { props, perService: props.services, hasVpc: vpcKnown }, collectors);
    const tasks = [...project?.services ?? [], ...project?.standaloneTasks ?? []].map(s => s.task);
    checkDeployment({ hasVpc: vpcKnown }, tasks, propProblems, paramsProblems);
    const documentWarnings = [...compose.warnings, ...(params?.warnings ?? [])];
    reportProblems(this, documentWarnings, composeProblems, paramsProblems, propProblems);
    const { services, loadBalancing } = plan!;
    this.serviceNames = services.map(s => s.key);

    // The resources, as planned.
    const infra = buildInfrastructure(this, { ...props, network });
    this.vpc = infra.vpc;
    this.cluster = infra.cluster;
    // One execution role per ECS service (unless ecs-params names one): each reads only its own secrets.
    const sharedExecutionRole = params?.taskExecutionRole ? buildExecutionRole(this, params.taskExecutionRole, this.cluster) : undefined;
    const storage = new DeploymentStorage(this, {
      vpc: this.vpc,
      subnets: infra.vpcSubnets,
      fileSystems: props.fileSystems,
      secrets: props.secrets,
      projectName: this.projectName,
      volumeOwners: project!.volumeOwners,
    });
    const taskRole = params?.taskRole ? importRole(this, 'TaskRole', params.taskRole, this.cluster) : undefined;
    const retention = props.logRetention ?? (compose.logsRetentionDays as logs.RetentionDays | undefined) ?? logs.RetentionDays.ONE_MONTH;
    const logGroups = new LogGroupRegistry(this, retention, props.createLogGroups !== false);
    this.logGroups = logGroups.created;
    const namespaceName = `${dnsLabel(this.projectName)}.local`;
    this.namespace = props.serviceConnectNamespace ?? (infra.createdCluster
      ? (this.cluster as ecs.Cluster).addDefaultCloudMapNamespace({
        name: namespaceName,
        type: servicediscovery.NamespaceType.HTTP,
        useForServiceConnect: true,
      })
      // A given cluster may hold other projects: this one gets a namespace of its own, so names do not collide.
      : new servicediscovery.HttpNamespace(this, 'Namespace', { name: namespaceName }));
    if (infra.createdCluster && services.some(s => (s.capacityProviderStrategies?.length ?? 0) > 0)) {
      (this.cluster as ecs.Cluster).enableFargateCapacityProviders();
    }
    const shared: DeploymentResources = {
      infrastructure: infra,
      logGroups,
      storage,
      executionRole: sharedExecutionRole,
      taskRole,
      network,
      circuitBreaker: props.circuitBreaker,
      platformVersion: props.platformVersion,
      serviceConnectNamespace: this.namespace.namespaceArn,
    };
    for (const s of services) this.byName.set(s.key, new ProjectService(this, s, shared));
    for (const s of project!.services) {
      const child = this.byName.get(s.name)!;
      // depends_on: the ECS service is created after the services it needs are stable.
      for (const other of s.after) child.service.node.addDependency(this.byName.get(other)!.service);
    }
    this.connectNetworks(project!.services);
    for (const s of project!.services) {
      for (const c of s.task.containers) {
        const oneShot = !c.addedLogRouter && c.name !== s.name && project!.services.every(x => x.name !== c.name);
        if (oneShot) this.hosts.set(c.name, [...(this.hosts.get(c.name) ?? []), s.name]);
      }
    }
    for (const t of project!.standaloneTasks) {
      const scope = new Construct(this, constructId(t.name));
      this.oneShots.set(t.name, new BuiltTask(scope, t.task, {
        executionRole: sharedExecutionRole ?? buildExecutionRole(scope, undefined, this.cluster), taskRole, logGroups, namePorts: true, storage,
      }).taskDefinition);
    }

    const balancing = buildLoadBalancing(this, loadBalancing!, props.loadBalancer,
      new Map([...this.byName].map(([name, child]) => [name, { service: child.service, securityGroup: child.securityGroup }])), this.vpc);
    this._diagram = diagramOf({
      model: 'project',
      services: project!.services,
      compose,
      references: project!.references,
      balancer: balancerPicture(loadBalancing),
      closed: (network?.securityGroups.length ?? 0) > 0,
    });
    this.applicationLoadBalancer = balancing.applicationLoadBalancer;
    this.networkLoadBalancer = balancing.networkLoadBalancer;
    this.targetGroups = balancing.targetGroups;
    this.url = balancing.url;
    for (const s of services) {
      const child = this.byName.get(s.key)!;
      if (s.autoScaling) child.scalableTaskCount = addAutoScaling(child.service, s.autoScaling, balancing.requestTargetGroups.get(s.key));
    }
  }

  /**
   * The construct made for one long-running compose service.
   *
   * @param name the compose service name
   */
  public service(name: string): IComposeProjectService {
    const found = this.byName.get(name);
    if (!found) {
      throw new Error(`service(${JSON.stringify(name)}): no ECS service for that compose service; the project's ECS services are ${[...this.byName.keys()].join(', ')}`
        + (this.oneShots.has(name) ? ` (${name} runs once: see oneShotTaskDefinition)` : '')
        + (this.hosts.has(name) ? ` (${name} runs once, in the tasks of ${this.hosts.get(name)!.join(', ')}: findContainer on those)` : ''));
    }
    return found;
  }

  /**
   * The task definition of a one-shot compose service that no service waits for (run it with
   * `aws ecs run-task`).
   *
   * @param name the compose service name
   * @returns the task definition, or undefined when the project has no such one-shot service
   */
  public oneShotTaskDefinition(name: string): ecs.FargateTaskDefinition | undefined {
    return this.oneShots.get(name);
  }

  /**
   * A compose network: the services on it reach each other on the ports they serve. Each network
   * with two services or more gets a security group its members carry; a service admits that group
   * on its ports: the rules grow with services and networks, not with pairs of services (20
   * services on one network would otherwise need 380 rules). A service on more networks than ECS
   * lets it carry groups for is admitted by its own group instead.
   */
  private connectNetworks(services: ProjectServicePlan[]): void {
    const own = (name: string) => this.byName.get(name)!.securityGroup as ec2.SecurityGroup | undefined;
    const created = services.filter(s => own(s.name) !== undefined);
    const shared = new Map<string, string[]>();
    for (const s of created) for (const n of s.networks) shared.set(n, [...(shared.get(n) ?? []), s.name]);
    const joins = new Map<string, string[]>();
    for (const s of created) {
      const nets = s.networks.filter(n => shared.get(n)!.length > 1);
      // The service's own group and one per network, within ECS's groups per service.
      if (nets.length > 0 && nets.length < ECS_QUOTAS.securityGroupsPerNetworkConfiguration) joins.set(s.name, nets);
    }
    const groups = new Map<string, ec2.SecurityGroup>();
    const groupOf = (network: string) => {
      let group = groups.get(network);
      if (!group) {
        let id = `Network${network.replace(/[^A-Za-z0-9]/g, '')}`;
        for (let i = 2; this.node.tryFindChild(id); i++) id = `Network${network.replace(/[^A-Za-z0-9]/g, '')}${i}`;
        group = new ec2.SecurityGroup(this, id, {
          vpc: this.vpc!,
          description: `${this.projectName}: the services on the compose network ${network}`,
          allowAllOutbound: true,
        });
        groups.set(network, group);
      }
      return group;
    };
    for (const [name, nets] of joins) {
      const cfn = this.byName.get(name)!.service.node.defaultChild as ecs.CfnService;
      // Carried by the task, not part of the service's connections: rules for a load balancer stay on its own group.
      cfn.addPropertyOverride('NetworkConfiguration.AwsvpcConfiguration.SecurityGroups',
        [own(name)!.securityGroupId, ...nets.map(n => groupOf(n).securityGroupId)]);
    }
    for (const s of services) {
      const target = this.byName.get(s.name)!.service.connections;
      const sources = new Map<string, { peer: ec2.IConnectable; label: string }>();
      for (const peer of s.peers) {
        const nets = joins.get(peer.from);
        // Only the networks of the service itself: those of one-shots in its task admit no one to its ports.
        const common = nets?.filter(n => s.ownNetworks.includes(n)) ?? [];
        if (common.length > 0) {
          if (!common.some(n => sources.has(`network:${n}`))) sources.set(`network:${common[0]}`, { peer: groupOf(common[0]), label: `the ${common[0]} network` });
        } else {
          sources.set(`service:${peer.from}`, { peer: this.byName.get(peer.from)!.service, label: peer.from });
        }
      }
      const ports = s.peers[0]?.ports ?? [];
      for (const { peer, label } of sources.values()) {
        for (const port of ports) target.allowFrom(peer, portOf(port.protocol, port.fromPort, port.toPort), `${label} to ${s.name}:${port.fromPort}`);
      }
    }
  }
}
