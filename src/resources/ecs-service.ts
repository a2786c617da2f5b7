/**
 * One ECS service from its plan: the task definition, the security group, the Fargate service,
 * its Service Connect or Cloud Map registration, its access to the deployment's file systems.
 * ComposeFargateService builds one, ComposeFargateProject one per long-running compose service,
 * both through here. Only resources: every decision and user error was settled while planning.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { buildExecutionRole, buildSecurityGroups, dependOnCapacityProviders, Infrastructure } from './infrastructure';
import { DeploymentStorage } from './storage';
import { BuiltTask, grantExecuteCommandLogs, LogGroupRegistry } from './task';
import { NetworkParamsModel, ServiceDiscoveryModel } from '../private/model';
import { EcsServicePlan } from '../private/plan/ecs-service';
import { dnsLabel } from '../private/plan/names';

/** What the ECS services of a deployment share. */
export interface DeploymentResources {
  readonly infrastructure: Infrastructure;
  readonly logGroups: LogGroupRegistry;
  readonly storage: DeploymentStorage;
  /** The execution role of every task (ecs-params names one); undefined: each task gets its own. */
  readonly executionRole?: iam.IRole;
  /** The task role of every task (ecs-params names one); undefined: each task definition makes its own. */
  readonly taskRole?: iam.IRole;
  /** The securityGroups prop. */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** ecs-params run_params.network_configuration. */
  readonly network?: NetworkParamsModel;
  readonly circuitBreaker?: ecs.DeploymentCircuitBreaker;
  readonly platformVersion?: ecs.FargatePlatformVersion;
  /** The Service Connect namespace (name or ARN); undefined: the cluster's default. */
  readonly serviceConnectNamespace?: string;
}

/** An ECS service made from its plan. */
export interface BuiltService {
  readonly task: BuiltTask;
  readonly service: ecs.FargateService;
  /** The security group made for it (none when the groups come from the props or ecs-params). */
  readonly securityGroup?: ec2.SecurityGroup;
}

/** The task definition and the Fargate service of one plan, in `scope`. */
export function buildEcsService(scope: Construct, plan: EcsServicePlan, shared: DeploymentResources): BuiltService {
  const { infrastructure: infra, storage } = shared;
  const task = new BuiltTask(scope, plan.task, {
    executionRole: shared.executionRole ?? buildExecutionRole(scope, plan.task.executionRole, infra.cluster),
    taskRole: shared.taskRole,
    logGroups: shared.logGroups,
    // Service Connect finds the ports by their names.
    namePorts: plan.serviceConnect !== undefined,
    storage,
  });
  const groups = buildSecurityGroups(scope, {
    given: shared.securityGroups,
    network: shared.network,
    vpc: infra.vpc,
    description: plan.securityGroupDescription,
    ingress: plan.ingress,
  });
  const service = new ecs.FargateService(scope, 'Service', {
    serviceName: plan.serviceName,
    cluster: infra.cluster,
    taskDefinition: task.taskDefinition,
    desiredCount: plan.desiredCount,
    assignPublicIp: infra.assignPublicIp,
    vpcSubnets: infra.vpcSubnets,
    securityGroups: groups.securityGroups,
    circuitBreaker: shared.circuitBreaker ?? { enable: true, rollback: true },
    minHealthyPercent: plan.minHealthyPercent,
    maxHealthyPercent: plan.maxHealthyPercent,
    capacityProviderStrategies: plan.capacityProviderStrategies,
    platformVersion: shared.platformVersion,
    healthCheckGracePeriod: plan.healthCheckGracePeriod,
    deploymentAlarms: plan.deploymentAlarms,
    enableExecuteCommand: plan.enableExecuteCommand,
  });
  if ((plan.capacityProviderStrategies?.length ?? 0) > 0) dependOnCapacityProviders(service, infra.cluster);
  if (plan.grantExecuteCommandLogs) grantExecuteCommandLogs(task);
  if (plan.task.serviceDiscovery) registerInCloudMap(scope, service, plan, task, infra.vpc);
  if (plan.serviceConnect) {
    // A client of the namespace; one that answers on ports is a server too, under each of its names.
    service.enableServiceConnect({
      namespace: shared.serviceConnectNamespace,
      services: plan.serviceConnect.endpoints?.map(e => ({
        portMappingName: e.portMappingName, dnsName: e.dnsName, port: e.port, discoveryName: e.discoveryName,
      })),
    });
  }
  if (groups.useVpcDefault) {
    (service.node.defaultChild as ecs.CfnService).addPropertyDeletionOverride('NetworkConfiguration.AwsvpcConfiguration.SecurityGroups');
  }
  storage.admit(service, plan.task.managedEfsGrants.map(g => g.volume));
  return { task, service, securityGroup: groups.created };
}

/** ecs-params run_params.service_discovery: a Cloud Map service in a new or existing namespace. */
function registerInCloudMap(scope: Construct, service: ecs.FargateService, plan: EcsServicePlan, task: BuiltTask, vpc: ec2.IVpc | undefined) {
  const sd: ServiceDiscoveryModel = plan.task.serviceDiscovery!;
  const stack = Stack.of(scope);
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
      ? servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(scope, 'Namespace', attrs)
      : servicediscovery.PublicDnsNamespace.fromPublicDnsNamespaceAttributes(scope, 'Namespace', attrs);
  } else if (priv) {
    // The plan made sure there is a VPC (planServiceDiscovery).
    const namespaceVpc = priv.vpc !== undefined
      ? ec2.Vpc.fromVpcAttributes(scope, 'NamespaceVpc', { vpcId: priv.vpc, availabilityZones: ['az-of-the-namespace-vpc'] })
      : vpc!;
    namespace = new servicediscovery.PrivateDnsNamespace(scope, 'Namespace', { name: priv.name!, vpc: namespaceVpc, description: priv.description });
  } else {
    namespace = new servicediscovery.PublicDnsNamespace(scope, 'Namespace', { name: pub!.name! });
  }
  const cloudMap = service.enableCloudMap({
    cloudMapNamespace: namespace,
    name: sd.serviceName ?? dnsLabel(plan.serviceName).slice(0, 63),
    dnsRecordType: sd.dnsType === 'SRV' ? servicediscovery.DnsRecordType.SRV : servicediscovery.DnsRecordType.A,
    dnsTtl: Duration.seconds(sd.dnsTtl ?? 60),
    failureThreshold: sd.failureThreshold ?? 1,
    container: sd.containerName !== undefined ? task.containers.get(sd.containerName) : undefined,
    containerPort: sd.containerPort,
  });
  if (sd.description !== undefined) (cloudMap.node.defaultChild as servicediscovery.CfnService).description = sd.description;
}

