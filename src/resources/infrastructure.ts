/**
 * What every ECS service of a deployment shares: the VPC, the cluster, the subnets, the task
 * execution role; and the security group of one ECS service. Only resources here.
 */
import { Annotations, Arn, ArnFormat, CfnResource, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, Dependable, IConstruct } from 'constructs';
import { ComposeFargateBaseProps } from '../base-props';
import { VolumeStorage } from '../options';
import { ECS_QUOTAS, tooMany } from '../private/facts/ecs-limits';
import { NetworkParamsModel } from '../private/model';
import { holdsSensitivePort, IngressPlan, PlanSettings } from '../private/plan/model';
import { formatProblem, Problems, throwAll, Warning } from '../private/problems';

export const WARNING_PREFIX = 'cdk-compose-fargate';

/** The props both constructs read to place their tasks. */
export interface InfrastructureInput {
  readonly vpc?: ec2.IVpc;
  readonly cluster?: ecs.ICluster;
  readonly taskSubnets?: ec2.SubnetSelection;
  readonly assignPublicIp?: boolean;
  readonly containerInsights?: boolean;
  /** ecs-params run_params.network_configuration. */
  readonly network?: NetworkParamsModel;
}

export interface Infrastructure {
  /** The VPC made or given; undefined with ecs-params subnets. */
  readonly vpc?: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  readonly createdCluster: boolean;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly assignPublicIp: boolean;
}

/** Whether the construct makes a VPC: without the vpc and cluster props and ecs-params subnets. */
function createsVpc(input: InfrastructureInput): boolean {
  return !input.vpc && !input.cluster && (input.network?.subnets ?? []).length === 0;
}

/** Whether the deployment has a VPC object (made, given, or the cluster's), not only ecs-params subnet IDs. */
export function hasVpc(input: InfrastructureInput): boolean {
  return createsVpc(input) || input.vpc !== undefined || input.cluster !== undefined;
}

/** Network: props, then ecs-params, then a new VPC with two public subnets (what `ecs-cli up` made). */
export function buildInfrastructure(scope: Construct, input: InfrastructureInput): Infrastructure {
  const paramSubnets = input.network?.subnets ?? [];
  const createVpc = createsVpc(input);
  const vpc = createVpc
    ? new ec2.Vpc(scope, 'Vpc', {
      // The region's first two zones, chosen at deploy time (Fn::GetAZs), as in a stack without an
      // account and region: the template needs no availability-zones context, which a stack with an
      // account and region would otherwise look up, and without which it gets placeholder subnets in
      // dummy1a and dummy1b.
      availabilityZones: [0, 1].map(i => Fn.select(i, Fn.getAzs())),
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    })
    : input.vpc ?? input.cluster?.vpc;
  const clusterVpc = vpc ?? ec2.Vpc.fromVpcAttributes(scope, 'SubnetsVpc', {
    // Stands for the VPC of the ecs-params subnets, which the files do not name: the cluster
    // needs a VPC object, and the service uses only the subnet and security group IDs.
    vpcId: 'vpc-of-ecs-params-subnets',
    availabilityZones: ['az-of-ecs-params-subnets'],
  });
  const cluster = input.cluster ?? new ecs.Cluster(scope, 'Cluster', {
    vpc: clusterVpc,
    containerInsightsV2: input.containerInsights === false ? ecs.ContainerInsights.DISABLED : ecs.ContainerInsights.ENABLED,
  });

  let vpcSubnets: ec2.SubnetSelection | undefined = input.taskSubnets;
  if (!vpcSubnets && paramSubnets.length > 0) {
    vpcSubnets = {
      subnets: paramSubnets.map((subnetId, i) => {
        const subnet = ec2.Subnet.fromSubnetId(scope, `Subnet${i}`, subnetId);
        Annotations.of(subnet).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId', 'subnets from ecs-params are only referenced by ID');
        return subnet;
      }),
    };
  } else if (!vpcSubnets && createVpc) {
    vpcSubnets = { subnetType: ec2.SubnetType.PUBLIC };
  }
  const assignPublicIp = input.assignPublicIp ?? input.network?.assignPublicIp ??
    (vpc ? vpc.selectSubnets(vpcSubnets).hasPublic : false);
  if (vpc && paramSubnets.length === 0) {
    scope.node.addValidation({ validate: () => subnetCountProblems(vpc, vpcSubnets, assignPublicIp, input.taskSubnets !== undefined) });
  }
  return { vpc, cluster, createdCluster: !input.cluster, vpcSubnets, assignPublicIp };
}

/**
 * The subnets the service will be placed in, as the ECS service selects them (without a selection:
 * the public subnets with a public IP, else the private ones): ECS takes at most 16. Checked when the
 * app is synthesized, as the subnets of an imported VPC are known only then.
 */
function subnetCountProblems(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, publicIp: boolean, given: boolean): string[] {
  const count = vpc.selectSubnets(selection ?? (publicIp ? { subnetType: ec2.SubnetType.PUBLIC } : {})).subnetIds.length;
  const max = ECS_QUOTAS.subnetsPerNetworkConfiguration;
  if (count <= max) return [];
  const problems = new Problems();
  problems.error([given ? 'taskSubnets' : 'vpc'], `${tooMany(count, 'subnets', max)}: ${given ? 'select fewer' : 'the VPC has that many of the kind the service uses; select some with taskSubnets'} (subnetGroupName, availabilityZones, or onePerAz: true)`);
  return problems.errors.map(formatProblem);
}

/**
 * A service with a capacity provider strategy (FARGATE, FARGATE_SPOT) is created after its cluster's
 * AWS::ECS::ClusterCapacityProviderAssociations: without the DependsOn, CloudFormation may create the
 * service first, and ECS refuses a strategy naming a provider the cluster does not have yet (AWS's
 * advice is an explicit dependency). The Cluster makes its association in an aspect at synthesis, so
 * the dependency is found then. A cluster of another stack is deployed before this one anyway.
 */
export function dependOnCapacityProviders(service: ecs.FargateService, cluster: ecs.ICluster): void {
  const resource = service.node.defaultChild as CfnResource;
  const associations = {};
  Dependable.implement(associations, {
    get dependencyRoots(): IConstruct[] {
      if (Stack.of(cluster) !== Stack.of(service)) return [];
      return cluster.node.children.filter(c => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::ECS::ClusterCapacityProviderAssociations');
    },
  });
  resource.node.addDependency(associations);
}

export interface SecurityGroupsInput {
  /** The securityGroups prop. */
  readonly given?: ec2.ISecurityGroup[];
  readonly network?: NetworkParamsModel;
  readonly vpc?: ec2.IVpc;
  readonly description: string;
  /** Ports open to the internet (database and SSH ports: to the VPC only). */
  readonly ingress: IngressPlan[];
}

export interface SecurityGroups {
  readonly securityGroups: ec2.ISecurityGroup[];
  /** The security group made here. */
  readonly created?: ec2.SecurityGroup;
  /** ecs-params subnets without security groups: the service is rendered without any. */
  readonly useVpcDefault: boolean;
}

/** The security groups of one ECS service: props, then ecs-params, then one made here. */
export function buildSecurityGroups(scope: Construct, input: SecurityGroupsInput): SecurityGroups {
  if (input.given) return { securityGroups: input.given, useVpcDefault: false };
  const fromParams = input.network?.securityGroups ?? [];
  if (fromParams.length > 0) {
    return {
      securityGroups: fromParams.map((sgId, i) => ec2.SecurityGroup.fromSecurityGroupId(scope, `SecurityGroup${i}`, sgId, { mutable: false })),
      useVpcDefault: false,
    };
  }
  if (!input.vpc) {
    // ecs-params subnets without security groups: ECS uses the VPC's default security group,
    // which the construct cannot name without the VPC.
    return {
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(scope, 'DefaultSecurityGroup', 'sg-vpc-default', { mutable: false })],
      useVpcDefault: true,
    };
  }
  const vpc = input.vpc;
  const sg = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description: input.description, allowAllOutbound: true });
  for (const ingress of input.ingress) {
    const port = portOf(ingress.protocol, ingress.fromPort, ingress.toPort);
    const label = `${ingress.fromPort === ingress.toPort ? ingress.fromPort : `${ingress.fromPort}-${ingress.toPort}`}/${ingress.protocol}`;
    const sensitive = holdsSensitivePort(ingress.fromPort, ingress.toPort);
    if (sensitive !== undefined) {
      Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}:sensitive-port`, `${ingress.at ? `${ingress.at}: ` : ''}published port ${label} holds port ${sensitive} (administration or a database): the security group admits it from the VPC only, not from the internet; add rules to securityGroup if you mean to expose it`);
    }
    sg.addIngressRule(sensitive !== undefined ? ec2.Peer.ipv4(vpc.vpcCidrBlock) : ec2.Peer.anyIpv4(), port, `published port ${label}`);
  }
  return { securityGroups: [sg], created: sg, useVpcDefault: false };
}

/** An EC2 port (range) of a protocol. */
export function portOf(protocol: 'tcp' | 'udp', from: number, to: number): ec2.Port {
  if (protocol === 'udp') return from === to ? ec2.Port.udp(from) : ec2.Port.udpRange(from, to);
  return from === to ? ec2.Port.tcp(from) : ec2.Port.tcpRange(from, to);
}

/** The task execution role: ecs-params' (imported, never modified), else a new one. */
export function buildExecutionRole(scope: Construct, fromParams: string | undefined, cluster: ecs.ICluster): iam.IRole {
  return fromParams
    ? importRole(scope, 'ExecutionRole', fromParams, cluster)
    : new iam.Role(scope, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonECSTaskExecutionRolePolicy')],
    });
}

/**
 * Import a role named in ecs-params, immutably (as ecs-cli, the construct never changes a role it
 * did not create). A role name becomes an ARN in the cluster's partition and account: built from
 * the cluster's ARN rather than from pseudo parameters, so the template holds no hard-coded ARN.
 */
export function importRole(scope: Construct, id: string, nameOrArn: string, cluster: ecs.ICluster): iam.IRole {
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

/** What planning takes from the props and the stack: the same for both constructs but the storage default. */
export function planSettings(scope: Construct, props: ComposeFargateBaseProps, defaultStorage: VolumeStorage): PlanSettings {
  const region = Stack.of(scope).region;
  return {
    region: Token.isUnresolved(region) ? undefined : region,
    createLogGroups: props.createLogGroups,
    volumeStorage: (props.volumeStorage ?? defaultStorage) === VolumeStorage.EFS ? 'efs' : 'task',
    existingFileSystems: Object.keys(props.fileSystems ?? {}),
    existingSecrets: Object.keys(props.secrets ?? {}),
    percentsGiven: props.minHealthyPercent !== undefined || props.maxHealthyPercent !== undefined,
  };
}

/**
 * Every problem the files and props have, thrown at once; otherwise every warning (the documents'
 * own, then those of planning) put on the construct with its stable id.
 */
export function reportProblems(scope: Construct, documentWarnings: Warning[], ...collectors: Problems[]): void {
  throwAll(...collectors);
  for (const w of [...documentWarnings, ...collectors.flatMap(c => c.warnings)]) {
    Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}:${w.id}`, formatProblem(w));
  }
}
