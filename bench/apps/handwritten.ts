/**
 * The baseline: what one writes with aws-cdk-lib alone to get the resources ComposeFargateService
 * makes, with the values of the files written into the code (the tutorial), or built in a loop from
 * the same data the generated compose file was written from. Same stack name, same construct ids:
 * the benchmark checks that both apps synthesize the same template.
 *
 * The awslogs driver is a GenericLogDriver, as in the construct: `LogDrivers.awsLogs` would also
 * grant the execution role write access (an AWS::IAM::Policy), which
 * AmazonECSTaskExecutionRolePolicy already gives.
 */
import type * as cdkLib from 'aws-cdk-lib';
import type * as ec2Lib from 'aws-cdk-lib/aws-ec2';
import type * as ecsLib from 'aws-cdk-lib/aws-ecs';
import type * as iamLib from 'aws-cdk-lib/aws-iam';
import type * as logsLib from 'aws-cdk-lib/aws-logs';
import type * as constructsLib from 'constructs';
import { Marks, parseArgs } from './harness';
import { GENERATED_PROJECT, GENERATED_SCOPE, generatedServices, STACK_NAME, TUTORIAL_SCOPE } from '../lib/spec';

const marks = new Marks();
const args = parseArgs();

/* eslint-disable @typescript-eslint/no-require-imports */
const cdk: typeof cdkLib = require('aws-cdk-lib');
const ec2: typeof ec2Lib = require('aws-cdk-lib/aws-ec2');
const ecs: typeof ecsLib = require('aws-cdk-lib/aws-ecs');
const iam: typeof iamLib = require('aws-cdk-lib/aws-iam');
const logs: typeof logsLib = require('aws-cdk-lib/aws-logs');
const { Construct }: typeof constructsLib = require('constructs');
/* eslint-enable @typescript-eslint/no-require-imports */
marks.markLoaded();

const app = new cdk.App({ outdir: args.outdir });
const stack = new cdk.Stack(app, STACK_NAME);

/** VPC (two public subnets, no NAT), cluster, security group, execution role, task definition. */
function foundation(scope: constructsLib.Construct, project: string, ports: number[]) {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
  });
  const cluster = new ecs.Cluster(scope, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    description: `${project}: published ports of the compose file`,
    allowAllOutbound: true,
  });
  for (const port of ports) {
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `published port ${port}/tcp`);
  }
  const executionRole = new iam.Role(scope, 'ExecutionRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonECSTaskExecutionRolePolicy')],
  });
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    family: project,
    cpu: 256,
    memoryLimitMiB: 512,
    executionRole,
  });
  return { cluster, securityGroup, taskDefinition };
}

function service(scope: constructsLib.Construct, project: string, parts: ReturnType<typeof foundation>) {
  new ecs.FargateService(scope, 'Service', {
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

if (args.scenario === 'tutorial') {
  const scope = new Construct(stack, TUTORIAL_SCOPE);
  const parts = foundation(scope, 'tutorial', [80]);
  const logGroup = new logs.LogGroup(scope, 'webLogGroup', { logGroupName: 'tutorial', retention: logs.RetentionDays.ONE_MONTH });
  parts.taskDefinition.node.addDependency(logGroup);
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
  service(scope, 'tutorial', parts);
} else {
  const scope = new Construct(stack, GENERATED_SCOPE);
  const services = generatedServices(args.n);
  const parts = foundation(scope, GENERATED_PROJECT, services.map(s => s.port));
  for (const s of services) {
    const logGroup = new logs.LogGroup(scope, `${s.name}LogGroup`, { retention: logs.RetentionDays.ONE_MONTH });
    const environment: Record<string, string> = {};
    for (const e of s.environment) environment[e.name] = e.value;
    parts.taskDefinition.addContainer(s.name, {
      containerName: s.name,
      image: ecs.ContainerImage.fromRegistry(s.image),
      essential: true,
      portMappings: [{ containerPort: s.port, hostPort: s.port, protocol: ecs.Protocol.TCP }],
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
  service(scope, GENERATED_PROJECT, parts);
}
marks.markBuilt();
app.synth();
marks.report();
