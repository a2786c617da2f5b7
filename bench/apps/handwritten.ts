/**
 * The baseline: what one writes with aws-cdk-lib alone to get the resources ComposeFargateService
 * (or, for the project scenario, ComposeFargateProject) makes, with the values of the files written
 * into the code (the tutorial), or built in a loop from the same data the generated compose file was
 * written from. Same stack name, same construct ids: the benchmark checks that both apps synthesize
 * the same template.
 *
 * The awslogs driver is a GenericLogDriver, as in the construct: `LogDrivers.awsLogs` would also
 * grant the execution role write access (an AWS::IAM::Policy), which
 * AmazonECSTaskExecutionRolePolicy already gives. The tutorial's log group has a fixed name, so it
 * is made as the construct makes it (a stack with an `AWS::Logs::LogGroup` of a fixed name cannot be
 * deployed again after a destroy that kept the group): CreateLogGroup and PutRetentionPolicy through
 * AwsCustomResource, the group imported by name, and the execution role allowed to write it.
 */
import type * as cdkLib from 'aws-cdk-lib';
import type * as ec2Lib from 'aws-cdk-lib/aws-ec2';
import type * as ecsLib from 'aws-cdk-lib/aws-ecs';
import type * as iamLib from 'aws-cdk-lib/aws-iam';
import type * as logsLib from 'aws-cdk-lib/aws-logs';
import type * as sdLib from 'aws-cdk-lib/aws-servicediscovery';
import type * as crLib from 'aws-cdk-lib/custom-resources';
import type * as constructsLib from 'constructs';
import { Marks, parseArgs } from './harness';
import { GENERATED_PROJECT, GENERATED_SCOPE, GeneratedService, generatedServices, STACK_NAME, TUTORIAL_SCOPE } from '../lib/spec';

const marks = new Marks();
const args = parseArgs();

/* eslint-disable @typescript-eslint/no-require-imports */
const cdk: typeof cdkLib = require('aws-cdk-lib');
const ec2: typeof ec2Lib = require('aws-cdk-lib/aws-ec2');
const ecs: typeof ecsLib = require('aws-cdk-lib/aws-ecs');
const iam: typeof iamLib = require('aws-cdk-lib/aws-iam');
const logs: typeof logsLib = require('aws-cdk-lib/aws-logs');
const servicediscovery: typeof sdLib = require('aws-cdk-lib/aws-servicediscovery');
const cr: typeof crLib = require('aws-cdk-lib/custom-resources');
const { Construct }: typeof constructsLib = require('constructs');
/* eslint-enable @typescript-eslint/no-require-imports */
marks.markLoaded();

const app = new cdk.App({ outdir: args.outdir });
const stack = new cdk.Stack(app, STACK_NAME);

/** VPC (two public subnets, no NAT) and cluster. */
function vpcAndCluster(scope: constructsLib.Construct) {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
  });
  const cluster = new ecs.Cluster(scope, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  return { vpc, cluster };
}

/** The security group: all outbound, the published ports open to anyone. */
function securityGroupOf(scope: constructsLib.Construct, vpc: ec2Lib.IVpc, description: string, ports: number[]) {
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description, allowAllOutbound: true });
  for (const port of ports) {
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `published port ${port}/tcp`);
  }
  return securityGroup;
}

function executionRoleOf(scope: constructsLib.Construct) {
  return new iam.Role(scope, 'ExecutionRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonECSTaskExecutionRolePolicy')],
  });
}

/** A Fargate task definition for x86-64 Linux (the images are built or pulled for it). */
function taskDefinitionOf(scope: constructsLib.Construct, family: string, cpu: number, memoryLimitMiB: number, executionRole: iamLib.IRole) {
  return new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    family,
    cpu,
    memoryLimitMiB,
    executionRole,
    runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
  });
}

/** VPC, cluster, security group, execution role, task definition: one task for all containers. */
/** The network, the cluster and the task definition, in the construct's order: the security group comes after the containers. */
function foundation(scope: constructsLib.Construct, project: string) {
  const { vpc, cluster } = vpcAndCluster(scope);
  const executionRole = executionRoleOf(scope);
  const taskDefinition = taskDefinitionOf(scope, project, 256, 512, executionRole);
  return { vpc, cluster, taskDefinition, executionRole };
}

const singleTaskGroup = (scope: constructsLib.Construct, vpc: ec2Lib.IVpc, project: string, ports: number[]) =>
  securityGroupOf(scope, vpc, `${project}: published ports of the compose file`, ports);

interface ServiceParts {
  readonly cluster: ecsLib.ICluster;
  readonly taskDefinition: ecsLib.TaskDefinition;
  readonly securityGroup: ec2Lib.ISecurityGroup;
}

function service(scope: constructsLib.Construct, project: string, parts: ServiceParts) {
  return new ecs.FargateService(scope, 'Service', {
    serviceName: project,
    cluster: parts.cluster,
    taskDefinition: parts.taskDefinition,
    desiredCount: 1,
    assignPublicIp: true,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    securityGroups: [parts.securityGroup],
    circuitBreaker: { enable: true, rollback: true },
    minHealthyPercent: 100,
    maxHealthyPercent: 200,
  });
}

/** The container of one generated service, logging to its own log group. */
function generatedContainer(scope: constructsLib.Construct, taskDefinition: ecsLib.TaskDefinition, s: GeneratedService, portMappingName?: string) {
  const logGroup = new logs.LogGroup(scope, `${s.name}LogGroup`, { retention: logs.RetentionDays.ONE_MONTH });
  const environment: Record<string, string> = {};
  for (const e of s.environment) environment[e.name] = e.value;
  taskDefinition.addContainer(s.name, {
    containerName: s.name,
    image: ecs.ContainerImage.fromRegistry(s.image),
    essential: true,
    portMappings: [{ containerPort: s.port, hostPort: s.port, protocol: ecs.Protocol.TCP, name: portMappingName }],
    environment,
    command: s.command,
    healthCheck: {
      command: s.healthCheck.command,
      interval: cdk.Duration.seconds(s.healthCheck.intervalSeconds),
      retries: s.healthCheck.retries,
    },
    logging: new ecs.GenericLogDriver({
      logDriver: 'awslogs',
      options: { 'awslogs-group': logGroup.logGroupName, 'awslogs-region': stack.region, 'awslogs-stream-prefix': s.name },
    }),
  });
}

/**
 * A log group of a fixed name, created if it is missing and kept on delete: CreateLogGroup (an
 * existing group is fine) and PutRetentionPolicy from aws-cdk-lib's AwsCustomResource function.
 */
function namedLogGroup(scope: constructsLib.Construct, id: string, logGroupName: string, retentionInDays: number) {
  const group = new Construct(scope, id);
  const arn = (name: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: cdk.ArnFormat.COLON_RESOURCE_NAME });
  const resources = [arn(logGroupName), arn(`${logGroupName}:*`)];
  const call = (action: string, parameters: Record<string, unknown>, ignoreErrorCodesMatching?: string) => ({
    service: 'CloudWatchLogs', action, parameters, physicalResourceId: cr.PhysicalResourceId.of(logGroupName), ignoreErrorCodesMatching,
  });
  const create = new cr.AwsCustomResource(group, 'Create', {
    resourceType: 'Custom::LogGroup',
    onCreate: call('CreateLogGroup', { logGroupName }, 'ResourceAlreadyExistsException'),
    onUpdate: call('CreateLogGroup', { logGroupName }, 'ResourceAlreadyExistsException'),
    policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources })]),
    installLatestAwsSdk: false,
  });
  const retention = new cr.AwsCustomResource(group, 'Retention', {
    resourceType: 'Custom::LogGroupRetention',
    onCreate: call('PutRetentionPolicy', { logGroupName, retentionInDays }),
    onUpdate: call('PutRetentionPolicy', { logGroupName, retentionInDays }),
    policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['logs:PutRetentionPolicy'], resources })]),
    installLatestAwsSdk: false,
  });
  retention.node.addDependency(create);
  // The shared function's role is ordered by the GetAtt already: its DependsOn goes (validator W3005).
  (stack.node.findChild('AWS679f53fac002430cb0da5b7982bd2287').node.defaultChild as cdkLib.CfnResource).addDeletionOverride('DependsOn');
  return { ready: group, logGroup: logs.LogGroup.fromLogGroupName(group, 'Group', logGroupName) };
}

/**
 * What ComposeFargateProject makes of services that each have a network of their own and reference
 * none of the others: per service a task of its own (execution role, task role, log group), a
 * security group open on its published port, and an ECS service that is a Service Connect client
 * and serves its one port under its name. (Sharing no network, no service admits another.)
 */
function projectOf(scope: constructsLib.Construct, name: string, services: GeneratedService[]) {
  const { vpc, cluster } = vpcAndCluster(scope);
  const namespace = cluster.addDefaultCloudMapNamespace({ name: `${name}.local`, type: servicediscovery.NamespaceType.HTTP, useForServiceConnect: true });
  for (const s of services) {
    const child = new Construct(scope, s.name);
    // Room for the Service Connect proxy: 256 CPU units and 64 MiB on top of the container.
    const taskDefinition = taskDefinitionOf(child, `${name}-${s.name}`, 512, 1024, executionRoleOf(child));
    const portMappingName = `${s.name}-${s.port}`;
    generatedContainer(child, taskDefinition, s, portMappingName);
    const securityGroup = securityGroupOf(child, vpc, `${name}/${s.name}: published ports and the project services that reach it`, [s.port]);
    service(child, `${name}-${s.name}`, { cluster, taskDefinition, securityGroup }).enableServiceConnect({
      namespace: namespace.namespaceArn,
      services: [{ portMappingName, dnsName: s.name, port: s.port, discoveryName: portMappingName }],
    });
  }
}

if (args.scenario === 'tutorial') {
  const scope = new Construct(stack, TUTORIAL_SCOPE);
  const parts = foundation(scope, 'tutorial');
  const log = namedLogGroup(scope, 'webLogGroup', 'tutorial', logs.RetentionDays.ONE_MONTH);
  parts.taskDefinition.node.addDependency(log.ready);
  log.logGroup.grantWrite(parts.executionRole);
  parts.taskDefinition.addContainer('web', {
    containerName: 'web',
    image: ecs.ContainerImage.fromRegistry('amazon/amazon-ecs-sample'),
    essential: true,
    portMappings: [{ containerPort: 80, hostPort: 80, protocol: ecs.Protocol.TCP }],
    logging: new ecs.GenericLogDriver({
      logDriver: 'awslogs',
      options: { 'awslogs-group': 'tutorial', 'awslogs-region': stack.region, 'awslogs-stream-prefix': 'web' },
    }),
  });
  service(scope, 'tutorial', { ...parts, securityGroup: singleTaskGroup(scope, parts.vpc, 'tutorial', [80]) });
} else if (args.scenario === 'project') {
  projectOf(new Construct(stack, GENERATED_SCOPE), GENERATED_PROJECT, generatedServices(args.n));
} else {
  const scope = new Construct(stack, GENERATED_SCOPE);
  const services = generatedServices(args.n);
  const parts = foundation(scope, GENERATED_PROJECT);
  for (const s of services) generatedContainer(scope, parts.taskDefinition, s);
  service(scope, GENERATED_PROJECT, { ...parts, securityGroup: singleTaskGroup(scope, parts.vpc, GENERATED_PROJECT, services.map(s => s.port)) });
}
marks.markBuilt();
app.synth();
marks.report();
