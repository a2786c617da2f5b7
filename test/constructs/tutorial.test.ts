import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateService, EcsParams } from '../../src';
import { validatedTemplate } from '../cfn-validate';

const TUTORIAL = path.join(__dirname, '..', '..', 'examples', 'tutorial');

function tutorialStack(ecsParamsFile: string): { stack: Stack; svc: ComposeFargateService; template: Template } {
  const app = new App();
  const stack = new Stack(app, 'TutorialStack');
  const svc = new ComposeFargateService(stack, 'Tutorial', {
    compose: ComposeDefinition.fromFile(path.join(TUTORIAL, 'docker-compose.yml'), { variables: {} }),
    ecsParams: EcsParams.fromFile(path.join(ecsParamsFile), { variables: {} }),
  });
  return { stack, svc, template: validatedTemplate(stack) };
}

describe('the tutorial with ecs-params-new-network.yml (nothing pre-existing)', () => {
  const { svc, template } = tutorialStack(path.join(TUTORIAL, 'ecs-params-new-network.yml'));

  test('creates an ECS cluster', () => {
    template.resourceCountIs('AWS::ECS::Cluster', 1);
  });

  test('creates a VPC with exactly two public subnets in two AZs, an internet gateway and no NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.resourceCountIs('AWS::EC2::InternetGateway', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    for (const s of subnets) expect(s.Properties.MapPublicIpOnLaunch).toBe(true);
    const azs = subnets.map(s => JSON.stringify(s.Properties.AvailabilityZone));
    expect(new Set(azs).size).toBe(2);
    // every subnet routes 0.0.0.0/0 to the internet gateway
    template.resourcePropertiesCountIs('AWS::EC2::Route', {
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: Match.anyValue(),
    }, 2);
  });

  test('creates a security group that admits tcp 80 from anywhere and nothing else', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    const sg = Object.values(template.findResources('AWS::EC2::SecurityGroup'))[0];
    expect(sg.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80 }),
    ]);
    expect(svc.securityGroup).toBeDefined();
  });

  test('creates an execution role for ecs-tasks.amazonaws.com with AmazonECSTaskExecutionRolePolicy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } })],
      },
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy']] },
      ],
    });
  });

  test('makes the log group "tutorial" as ecs-cli --create-log-groups did: created when missing, kept on delete, the default retention', () => {
    // No AWS::Logs::LogGroup: one with a fixed name fails the next deploy after `cdk destroy` ("already exists").
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    const create = Object.values(template.findResources('Custom::LogGroup')) as any[];
    expect(create).toHaveLength(1);
    // The SDK call, as the custom resource's Create property holds it (JSON text, joined when it holds references).
    const call = (v: any) => JSON.parse(typeof v === 'string' ? v : v['Fn::Join'][1].map((x: unknown) => (typeof x === 'string' ? x : '')).join(''));
    const createCall = call(create[0].Properties.Create);
    expect(createCall).toMatchObject({
      service: 'CloudWatchLogs',
      action: 'CreateLogGroup',
      parameters: { logGroupName: 'tutorial' },
      physicalResourceId: { id: 'tutorial' },
      ignoreErrorCodesMatching: 'ResourceAlreadyExistsException',
    });
    // Nothing on delete: the group and its logs stay.
    expect(create[0].Properties.Delete).toBeUndefined();
    const retention = Object.values(template.findResources('Custom::LogGroupRetention')) as any[];
    expect(call(retention[0].Properties.Create)).toMatchObject({
      action: 'PutRetentionPolicy', parameters: { logGroupName: 'tutorial', retentionInDays: 30 },
    });
    expect(retention[0].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^TutorialwebLogGroupCreate[0-9A-F]{8}$/)]));
  });

  test('the custom resources may create that group and set its retention, nothing else; the task definition waits for them', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    const statements = policies.flatMap(p => p.Properties.PolicyDocument.Statement).filter((st: any) => /^logs:(CreateLogGroup|PutRetentionPolicy)$/.test(st.Action));
    expect(statements.map((st: any) => st.Action).sort()).toEqual(['logs:CreateLogGroup', 'logs:PutRetentionPolicy']);
    for (const st of statements) {
      expect(JSON.stringify(st.Resource)).toContain(':log-group:tutorial"');
      expect(JSON.stringify(st.Resource)).toContain(':log-group:tutorial:*"');
      expect(JSON.stringify(st.Resource)).not.toMatch(/"\*"/);
    }
    const td = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0] as any;
    expect(td.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^TutorialwebLogGroupCreate/), expect.stringMatching(/^TutorialwebLogGroupRetention/)]));
  });

  test('the execution role may write the tutorial group (as awsLogDriver grants)', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    const write = policies.flatMap(p => p.Properties.PolicyDocument.Statement).find((st: any) => JSON.stringify(st.Action) === JSON.stringify(['logs:CreateLogStream', 'logs:PutLogEvents']));
    expect(JSON.stringify(write.Resource)).toContain(':log-group:tutorial:*');
  });

  test('creates one Fargate task definition: family = project name, awsvpc, 256 CPU, 512 MiB, one container "web"', () => {
    template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'Tutorial',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
      Cpu: '256',
      Memory: '512',
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'web',
          Image: 'amazon/amazon-ecs-sample',
          Essential: true,
          PortMappings: [{ ContainerPort: 80, HostPort: 80, Protocol: 'tcp' }],
          LogConfiguration: {
            LogDriver: 'awslogs',
            // The construct creates the tutorial log group in the stack's region: the containers log there.
            Options: { 'awslogs-group': 'tutorial', 'awslogs-region': { Ref: 'AWS::Region' }, 'awslogs-stream-prefix': 'web' },
          },
        }),
      ],
    });
    const td = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0];
    expect(td.Properties.ContainerDefinitions).toHaveLength(1);
  });

  test('creates one Fargate service: desired count 1, public IP, in the two public subnets', () => {
    template.resourceCountIs('AWS::ECS::Service', 1);
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 1,
      ServiceName: 'Tutorial',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: 'ENABLED',
          Subnets: [
            { Ref: Match.stringLikeRegexp('PublicSubnet1Subnet') },
            { Ref: Match.stringLikeRegexp('PublicSubnet2Subnet') },
          ],
          SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('TutorialSecurityGroup'), 'GroupId'] }],
        },
      },
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    });
  });

  test('exposes what it made', () => {
    expect(svc.vpc).toBeDefined();
    expect(svc.cluster).toBeDefined();
    expect(svc.logGroups).toHaveLength(1);
    expect(svc.findContainer('web')?.containerName).toBe('web');
    expect(svc.findContainer('db')).toBeUndefined();
    expect(svc.projectName).toBe('Tutorial');
  });
});

describe('the tutorial with its own ecs-params.yml (existing network and role)', () => {
  const { svc, template } = tutorialStack(path.join(TUTORIAL, 'ecs-params.yml'));

  test('creates no VPC resources and no security group', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::InternetGateway', 'AWS::EC2::RouteTable',
      'AWS::EC2::Route', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress']) {
      template.resourceCountIs(type, 0);
    }
    expect(svc.vpc).toBeUndefined();
    expect(svc.securityGroup).toBeUndefined();
  });

  test('runs in exactly the listed subnets and security group, with a public IP', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: 'ENABLED',
          Subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b2c3d4e5f6071829'],
          SecurityGroups: ['sg-0acd34feae1cd3bb6'],
        },
      },
    });
  });

  test('uses the existing ecsTaskExecutionRole (an ARN built from the name) and creates no execution role', () => {
    const td = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0];
    const arn = JSON.stringify(td.Properties.ExecutionRoleArn);
    expect(arn).toContain(':role/ecsTaskExecutionRole');
    expect(arn).toContain('iam');
    // The roles: the task role CDK creates for the task definition, and the role of the custom resources
    // that make the log group; the only policies are theirs (the imported execution role is not changed).
    const roles = Object.entries(template.findResources('AWS::IAM::Role'));
    expect(roles.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['AWS679f53fac002430cb0da5b7982bd2287ServiceRole', 'TutorialTaskDefinitionTaskRole']);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(policies.flatMap(p => p.Properties.PolicyDocument.Statement.map((st: any) => st.Action)).sort()).toEqual(['logs:CreateLogGroup', 'logs:PutRetentionPolicy']);
    for (const p of policies) expect(JSON.stringify(p.Properties.Roles)).toContain('AWS679f53fac002430cb0da5b7982bd2287ServiceRole');
  });

  test('still creates the cluster, the log group, the task definition and the service', () => {
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.resourceCountIs('Custom::LogGroup', 1);
    template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
    template.resourceCountIs('AWS::ECS::Service', 1);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
  });
});

describe('ecs-params with subnets but no security groups (ecs-cli e2e)', () => {
  const { template, svc } = tutorialStack(path.join(__dirname, '..', 'fixtures', 'tutorial-subnets-only.ecs-params.yml'));

  test('the service gets the VPC default security group: none is named or created', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    const service = Object.values(template.findResources('AWS::ECS::Service'))[0];
    expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration).toEqual({
      AssignPublicIp: 'ENABLED',
      Subnets: ['subnet-0a1b2c3d4e5f60718'],
    });
    expect(svc.securityGroup).toBeUndefined();
  });
});
