import { Annotations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { ComposeFargateBaseProps } from './base-props';
import { buildExecutionRole, buildInfrastructure, buildSecurityGroups, dependOnCapacityProviders, importRole, planSettings, portOf, reportProblems, resolveProjectName, WARNING_PREFIX } from './build/infrastructure';
import { DeploymentStorage } from './build/storage';
import { BuiltTask, grantExecuteCommandLogs, LogGroupRegistry, scopeExecuteCommandLogs } from './build/task';
import { ComposeServiceOptions, IComposeProjectService } from './compose-project-service';
import { addAutoScaling, addLoadBalancing, BalancedService } from './load-balancing';
import { AutoScalingOptions, VolumeStorage } from './options';
import { constructId, ownValue } from './private/dict';
import { ECS_QUOTAS } from './private/facts/ecs-limits';
import { diagramOf, DiagramModel } from './private/plan/diagram';
import { EcsServicePlan, planProject } from './private/plan/project';
import {
  autoScalingOf, balancedContainers, balancesNetwork, checkAutoScaling, checkGracePeriod, requestCountsFor, warnExecWithGivenTaskRole,
} from './private/plan/service-options';
import { Problems } from './private/problems';

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

/** The construct behind IComposeProjectService: made by the project only. */
class ProjectService extends Construct implements IComposeProjectService {
  public readonly composeServiceName: string;
  public readonly service: ecs.FargateService;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly taskRole: iam.IRole;
  public readonly executionRole: iam.IRole;
  public readonly securityGroup?: ec2.ISecurityGroup;
  public scalableTaskCount?: ecs.ScalableTaskCount;
  private readonly containers: Map<string, ecs.ContainerDefinition>;

  constructor(scope: Construct, composeServiceName: string, parts: ProjectServiceParts) {
    super(scope, constructId(composeServiceName));
    this.composeServiceName = composeServiceName;
    this.taskDefinition = parts.build(this).taskDefinition;
    this.taskRole = this.taskDefinition.taskRole;
    this.executionRole = this.taskDefinition.executionRole!;
    this.containers = parts.containers;
    const made = parts.service(this);
    this.service = made.service;
    this.securityGroup = made.securityGroup;
  }

  public findContainer(name: string): ecs.ContainerDefinition | undefined {
    return this.containers.get(name);
  }
}

interface ProjectServiceParts {
  readonly containers: Map<string, ecs.ContainerDefinition>;
  readonly build: (scope: Construct) => BuiltTask;
  readonly service: (scope: Construct) => { service: ecs.FargateService; securityGroup?: ec2.ISecurityGroup };
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
    this.projectName = resolveProjectName(props.projectName, compose.name, id);

    const composeProblems = new Problems(compose.file);
    const paramsProblems = new Problems(params?.file);
    const propProblems = new Problems();
    const settings = planSettings(this, props, VolumeStorage.EFS);
    const percentsGivenFor = Object.entries(props.services ?? {})
      .filter(([, o]) => o.minHealthyPercent !== undefined || o.maxHealthyPercent !== undefined).map(([name]) => name);
    const input = { compose, ecsParams: params, projectName: this.projectName, ...settings, percentsGivenFor };
    const plan = planProject(input, composeProblems, paramsProblems);
    for (const name of Object.keys(props.services ?? {})) {
      if (plan && !plan.services.some(s => s.name === name)) {
        propProblems.error(['services', name], `no long-running compose service named ${JSON.stringify(name)}: the ECS services are ${plan.services.map(s => s.name).join(', ')}`);
      }
    }
    const givenTaskRole = params?.taskRole !== undefined;
    const balancedNames = plan ? checkProjectProps(props, plan.services, propProblems, paramsProblems, givenTaskRole) : new Set<string>();
    const documentWarnings = [...compose.warnings, ...(params?.warnings ?? [])];
    reportProblems(this, documentWarnings, composeProblems, paramsProblems, propProblems);
    const project = plan!;
    const network = params?.network;
    this.serviceNames = project.services.map(s => s.name);

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
      volumeOwners: project.volumeOwners,
    });
    const taskRole = params?.taskRole ? importRole(this, 'TaskRole', params.taskRole, this.cluster) : undefined;
    const retention = props.logRetention ?? (compose.logsRetentionDays as logs.RetentionDays | undefined) ?? logs.RetentionDays.ONE_MONTH;
    const logGroups = new LogGroupRegistry(this, retention, props.createLogGroups !== false);
    this.logGroups = logGroups.created;
    this.namespace = props.serviceConnectNamespace ?? (infra.createdCluster
      ? (this.cluster as ecs.Cluster).addDefaultCloudMapNamespace({
        name: `${this.projectName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.local`,
        type: servicediscovery.NamespaceType.HTTP,
        useForServiceConnect: true,
      })
      // A given cluster may hold other projects: this one gets a namespace of its own, so names do not collide.
      : new servicediscovery.HttpNamespace(this, 'Namespace', {
        name: `${this.projectName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.local`,
      }));
    const usesSpot = (props.capacityProviderStrategies?.length ?? 0) > 0 ||
      Object.values(props.services ?? {}).some(o => (o.capacityProviderStrategies?.length ?? 0) > 0);
    if (usesSpot && infra.createdCluster) (this.cluster as ecs.Cluster).enableFargateCapacityProviders();
    const taskOptions = (scope: Construct) => ({
      executionRole: sharedExecutionRole ?? buildExecutionRole(scope, undefined, this.cluster), taskRole, logGroups, namePorts: true, storage,
    });
    const behindLoadBalancer = props.loadBalancer !== undefined;

    for (const s of project.services) {
      const options = ownValue(props.services, s.name) ?? {};
      let built: BuiltTask | undefined;
      const containers = new Map<string, ecs.ContainerDefinition>();
      const child = new ProjectService(this, s.name, {
        containers,
        build: scope => {
          built = new BuiltTask(scope, s.task, taskOptions(scope));
          built.containers.forEach((c, k) => containers.set(k, c));
          return built;
        },
        service: scope => {
          const groups = buildSecurityGroups(scope, {
            network,
            vpc: this.vpc,
            description: `${this.projectName}/${s.name}: published ports and the project services that reach it`,
            ingress: behindLoadBalancer ? [] : s.task.ingress,
          });
          const service = new ecs.FargateService(scope, 'Service', {
            serviceName: s.serviceName,
            cluster: this.cluster,
            taskDefinition: built!.taskDefinition,
            desiredCount: options.desiredCount ?? props.desiredCount ?? s.desiredCount ?? 1,
            assignPublicIp: infra.assignPublicIp,
            vpcSubnets: infra.vpcSubnets,
            securityGroups: groups.securityGroups,
            circuitBreaker: props.circuitBreaker ?? { enable: true, rollback: true },
            minHealthyPercent: options.minHealthyPercent ?? props.minHealthyPercent ?? s.task.minHealthyPercent ?? 100,
            maxHealthyPercent: options.maxHealthyPercent ?? props.maxHealthyPercent ?? s.task.maxHealthyPercent ?? 200,
            capacityProviderStrategies: options.capacityProviderStrategies ?? props.capacityProviderStrategies,
            platformVersion: props.platformVersion,
            healthCheckGracePeriod: options.healthCheckGracePeriod ?? (balancedNames.has(s.name) ? props.healthCheckGracePeriod : undefined),
            deploymentAlarms: options.deploymentAlarms ?? props.deploymentAlarms,
            enableExecuteCommand: options.enableExecuteCommand ?? props.enableExecuteCommand,
          });
          const strategies = options.capacityProviderStrategies ?? props.capacityProviderStrategies ?? [];
          if (strategies.length > 0) dependOnCapacityProviders(service, this.cluster);
          if ((options.enableExecuteCommand ?? props.enableExecuteCommand) && !params?.taskRole) grantExecuteCommandLogs(built!);
          // Every service is a Service Connect client; one that answers on ports is a server too, under each of its names.
          service.enableServiceConnect({
            namespace: this.namespace.namespaceArn,
            services: s.endpoints.length > 0 ? s.endpoints.map(e => ({
              portMappingName: e.portMappingName, dnsName: e.dnsName, port: e.port, discoveryName: e.discoveryName,
            })) : undefined,
          });
          if (groups.useVpcDefault) {
            (service.node.defaultChild as ecs.CfnService).addPropertyDeletionOverride('NetworkConfiguration.AwsvpcConfiguration.SecurityGroups');
          }
          storage.admit(service, s.task.managedEfsGrants.map(g => g.volume));
          return { service, securityGroup: groups.created };
        },
      });
      this.byName.set(s.name, child);
    }
    for (const s of project.services) {
      const child = this.byName.get(s.name)!;
      // depends_on: the ECS service is created after the services it needs are stable.
      for (const other of s.after) child.service.node.addDependency(this.byName.get(other)!.service);
    }
    this.connectNetworks(project.services);
    for (const s of project.services) {
      for (const c of s.task.containers) {
        const oneShot = !c.addedLogRouter && c.name !== s.name && project.services.every(x => x.name !== c.name);
        if (oneShot) this.hosts.set(c.name, [...(this.hosts.get(c.name) ?? []), s.name]);
      }
    }
    for (const t of project.standaloneTasks) {
      const scope = new Construct(this, constructId(t.name));
      this.oneShots.set(t.name, new BuiltTask(scope, t.task, taskOptions(scope)).taskDefinition);
    }

    const balanced: BalancedService[] = project.services.map(s => ({
      service: this.byName.get(s.name)!.service,
      task: s.task,
      targetable: [s.name],
      securityGroup: this.byName.get(s.name)!.securityGroup,
    }));
    const balancing = addLoadBalancing(this, {
      vpc: this.vpc,
      services: balanced,
      loadBalancer: props.loadBalancer,
      existingTargetGroups: [],
      portProtocols: [...new Set(project.services.flatMap(s => s.task.portProtocols))],
    });
    this._diagram = diagramOf({
      model: 'project',
      services: project.services,
      compose,
      references: project.references,
      balancer: balancing.picture,
      closed: (network?.securityGroups.length ?? 0) > 0,
    });
    this.applicationLoadBalancer = balancing.applicationLoadBalancer;
    this.networkLoadBalancer = balancing.networkLoadBalancer;
    this.targetGroups = balancing.targetGroups;
    this.url = balancing.url;
    for (const s of project.services) {
      const child = this.byName.get(s.name)!;
      const options = ownValue(props.services, s.name) ?? {};
      const scaling = autoScalingOf(options.autoScaling ?? props.autoScaling, s.task);
      if (scaling) child.scalableTaskCount = addAutoScaling(child.service, scaling, balancing.applicationTargetGroups.get(child.service)?.[0]);
      if (props.loadBalancer && s.task.ingress.length > 0 && !balancing.targetServices.has(child.service)) {
        Annotations.of(child).addWarningV2(`${WARNING_PREFIX}:not-published`, `${s.task.ingress[0]?.at ? `${s.task.ingress[0].at}: ` : ''}${s.name} publishes ${s.task.ingress.map(i => `${i.fromPort}/${i.protocol}`).join(', ')}, which stay closed: with loadBalancer the load balancer is the only way in; add a target for it, or reach it from the other services by name`);
      }
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
  private connectNetworks(services: EcsServicePlan[]): void {
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

/**
 * The props of each ECS service, checked before any resource exists, each problem at the path of the
 * prop that holds it: `services.<name>.autoScaling...` for an option of one service, `autoScaling...`
 * (once, naming the services it fails for) for a project-wide one.
 */
function checkProjectProps(
  props: ComposeFargateProjectProps, services: EcsServicePlan[], problems: Problems, paramsProblems: Problems, givenTaskRole: boolean,
): Set<string> {
  const tasks = services.map(s => s.task);
  const names = new Set(services.map(s => s.name));
  const balanced = balancedContainers(props.loadBalancer, tasks, name => names.has(name));
  const network = props.loadBalancer !== undefined && balancesNetwork(props.loadBalancer, [...new Set(tasks.flatMap(t => t.portProtocols))]);
  const shared = new Problems();
  for (const s of services) {
    const own = ownValue(props.services, s.name);
    const at = own?.autoScaling ? ['services', s.name, 'autoScaling'] : ['autoScaling'];
    const scaling = autoScalingOf(own?.autoScaling ?? props.autoScaling, s.task);
    if (scaling) {
      const requests = requestCountsFor(s.name, balanced.has(s.name), props.loadBalancer, network);
      checkAutoScaling(scaling, at, requests, own?.autoScaling ? problems : shared);
    }
    if (own?.healthCheckGracePeriod) checkGracePeriod(['services', s.name, 'healthCheckGracePeriod'], s.name, balanced.has(s.name), problems);
  }
  // Project-wide, it is for the services behind the load balancer (ECS refuses it for the others).
  if (props.healthCheckGracePeriod) checkGracePeriod(['healthCheckGracePeriod'], undefined, props.loadBalancer !== undefined, problems);
  // A project-wide prop wrong for several services is one problem: the first service's words.
  const seen = new Set<string>();
  for (const e of shared.errors) {
    const key = e.path.join('.');
    if (seen.has(key)) continue;
    seen.add(key);
    problems.error(e.path, e.message);
  }
  const exec = props.enableExecuteCommand === true || Object.values(props.services ?? {}).some(o => o.enableExecuteCommand === true);
  if (exec && givenTaskRole) warnExecWithGivenTaskRole(paramsProblems);
  return balanced;
}
