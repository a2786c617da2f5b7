import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ComposeDefinition, ComposeFargateService, EcsParams } from '../../src';
import { validatedTemplate } from '../cfn-validate';

const WEB = 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n';
const opts = { variables: {} };

type Extra = Partial<ConstructorParameters<typeof ComposeFargateService>[2]>;

function make(composeYaml: string, paramsYaml?: string, extra: Extra = {}, env?: { region: string }) {
  const stack = new Stack(new App(), 'S', { env });
  const svc = new ComposeFargateService(stack, 'App', {
    compose: ComposeDefinition.fromYaml(composeYaml, opts),
    ecsParams: paramsYaml === undefined ? undefined : EcsParams.fromYaml(paramsYaml, opts),
    ...extra,
  });
  return { stack, svc };
}

describe('project name', () => {
  test('props, then the compose name:, then the construct id', () => {
    expect(make(WEB, undefined, { projectName: 'given' }).svc.projectName).toBe('given');
    expect(make('name: shop\n' + WEB).svc.projectName).toBe('shop');
    expect(make(WEB).svc.projectName).toBe('App');
  });
  test('an invalid projectName is an error naming the prop', () => {
    expect(() => make(WEB, undefined, { projectName: 'no spaces' })).toThrow(/^projectName: "no spaces" cannot name a task definition family/);
  });
});

describe('precedence: props, then ecs-params, then compose', () => {
  const PARAMS = [
    'version: 1',
    'run_params:',
    '  network_configuration:',
    '    awsvpc_configuration:',
    '      subnets: [subnet-0a1b2c3d4e5f60718]',
    '      security_groups: [sg-0acd34feae1cd3bb6]',
    '      assign_public_ip: ENABLED',
  ].join('\n');

  test('ecs-params network over the defaults', () => {
    const { stack } = make(WEB, PARAMS);
    validatedTemplate(stack).hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED', Subnets: ['subnet-0a1b2c3d4e5f60718'], SecurityGroups: ['sg-0acd34feae1cd3bb6'] } },
    });
  });

  test('props over ecs-params: assignPublicIp, desiredCount, vpc subnets, security groups', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromYaml(WEB + '    deploy:\n      replicas: 3\n', opts),
      ecsParams: EcsParams.fromYaml(PARAMS, opts),
      vpc,
      taskSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [sg],
      assignPublicIp: false,
      desiredCount: 2,
    });
    const t = validatedTemplate(stack);
    t.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 2,
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: 'DISABLED',
          Subnets: [{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPrivateSubnet2') }],
          SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Sg'), 'GroupId'] }],
        },
      },
    });
    t.resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  test('compose deploy.replicas is the desired count when no prop says otherwise; 0 is valid', () => {
    validatedTemplate(make(WEB + '    deploy:\n      replicas: 0\n').stack).hasResourceProperties('AWS::ECS::Service', { DesiredCount: 0 });
  });

  test('an existing cluster: its VPC, no new cluster or VPC', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const svc = new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(WEB, opts), cluster });
    const t = validatedTemplate(stack);
    t.resourceCountIs('AWS::ECS::Cluster', 1);
    t.resourceCountIs('AWS::EC2::VPC', 1);
    expect(svc.vpc).toBe(vpc);
    // public subnets only: a public IP by default
    t.hasResourceProperties('AWS::ECS::Service', { NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } } });
  });
});

describe('what the containers get', () => {
  test('the whole container definition', () => {
    const { stack } = make([
      'version: "3.8"',
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    command: ["nginx", "-g", "daemon off;"]',
      '    entrypoint: /docker-entrypoint.sh',
      '    environment: {MODE: prod}',
      '    ports: ["80:80", "8000-8002:8000-8002", "53/udp"]',
      '    working_dir: /usr/share/nginx',
      '    user: nginx',
      '    labels: {team: web}',
      '    read_only: true',
      '    tty: true',
      '    init: true',
      '    stop_grace_period: 30s',
      '    ulimits: {nofile: {soft: 1024, hard: 4096}}',
      '    healthcheck: {test: "curl -f http://localhost/", interval: 15s, timeout: 5s, retries: 3, start_period: 1m}',
      '    deploy:',
      '      resources:',
      '        limits: {cpus: "0.25", memory: 256M}',
      '        reservations: {memory: 128M}',
    ].join('\n'));
    validatedTemplate(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Name: 'web',
        Image: 'nginx:1.27',
        Command: ['nginx', '-g', 'daemon off;'],
        EntryPoint: ['/docker-entrypoint.sh'],
        Environment: [{ Name: 'MODE', Value: 'prod' }],
        PortMappings: [
          { ContainerPort: 80, HostPort: 80, Protocol: 'tcp' },
          // a range is one mapping per port, as ecs-cli made it
          { ContainerPort: 8000, HostPort: 8000, Protocol: 'tcp' },
          { ContainerPort: 8001, HostPort: 8001, Protocol: 'tcp' },
          { ContainerPort: 8002, HostPort: 8002, Protocol: 'tcp' },
          { ContainerPort: 53, HostPort: 53, Protocol: 'udp' },
        ],
        WorkingDirectory: '/usr/share/nginx',
        User: 'nginx',
        DockerLabels: { team: 'web' },
        ReadonlyRootFilesystem: true,
        PseudoTerminal: true,
        LinuxParameters: { InitProcessEnabled: true },
        StopTimeout: 30,
        Ulimits: [{ Name: 'nofile', SoftLimit: 1024, HardLimit: 4096 }],
        HealthCheck: { Command: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 15, Timeout: 5, Retries: 3, StartPeriod: 60 },
        Cpu: 256,
        Memory: 256,
        MemoryReservation: 128,
        LogConfiguration: {
          LogDriver: 'awslogs',
          Options: { 'awslogs-group': { Ref: Match.stringLikeRegexp('AppwebLogGroup') }, 'awslogs-region': { Ref: 'AWS::Region' }, 'awslogs-stream-prefix': 'web' },
        },
      })],
    });
  });

  test('the security group opens the published ports (ranges, udp) but not loopback-bound ones', () => {
    const { stack } = make('services:\n  web:\n    image: x\n    ports: ["80:80", "8000-8002:8000-8002", "53/udp", "127.0.0.1:9000:9000"]\n');
    const t = validatedTemplate(stack);
    const sg = Object.values(t.findResources('AWS::EC2::SecurityGroup'))[0];
    expect(sg.Properties.SecurityGroupIngress.map((r: any) => `${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIp}`)).toEqual([
      'tcp 80-80 0.0.0.0/0', 'tcp 8000-8002 0.0.0.0/0', 'udp 53-53 0.0.0.0/0',
    ]);
  });

  test('no ports: a security group that admits nothing', () => {
    const t = validatedTemplate(make('services:\n  worker:\n    image: busybox\n').stack);
    const sg = Object.values(t.findResources('AWS::EC2::SecurityGroup'))[0];
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('container dependencies and essential flags', () => {
    const { stack } = make(
      'services:\n  web:\n    image: x\n    depends_on: {migrate: {condition: service_completed_successfully}}\n  migrate:\n    image: y\n',
      'version: 1\ntask_definition:\n  services:\n    migrate:\n      essential: false\n');
    validatedTemplate(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ Name: 'web', Essential: true, DependsOn: [{ ContainerName: 'migrate', Condition: 'SUCCESS' }] }),
        Match.objectLike({ Name: 'migrate', Essential: false }),
      ],
    });
  });

  test('secrets: valueFrom as written; the created execution role may read exactly those', () => {
    const { stack } = make(WEB, [
      'version: 1',
      'task_definition:',
      '  services:',
      '    web:',
      '      secrets:',
      '        - {name: DB_PASSWORD, value_from: /app/db-password}',
      '        - {name: API_KEY, value_from: "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-key"}',
      '        - {name: TOKEN, value_from: "arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf:json-key::"}',
    ].join('\n'));
    const t = validatedTemplate(stack);
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Secrets: [
          { Name: 'DB_PASSWORD', ValueFrom: '/app/db-password' },
          { Name: 'API_KEY', ValueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:api-key' },
          { Name: 'TOKEN', ValueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf:json-key::' },
        ],
      })],
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'ssm:GetParameters',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/app/db-password']] },
          },
          { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:api-key-??????' },
          {
            // "token-AbCdEf" may be the complete ARN or a name that ends like one: both readings are granted
            Action: 'secretsmanager:GetSecretValue',
            Effect: 'Allow',
            Resource: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf-??????'],
          },
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('AppExecutionRole') }],
    });
  });

  test('logRetention sets the retention of the groups it creates', () => {
    validatedTemplate(make(WEB, undefined, { logRetention: logs.RetentionDays.ONE_WEEK }).stack)
      .hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('ecs-params task_role_arn: imported, not created', () => {
    const { stack, svc } = make(WEB, 'version: 1\ntask_definition:\n  task_role_arn: app-task-role\n');
    const t = validatedTemplate(stack);
    const td = Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0];
    expect(JSON.stringify(td.Properties.TaskRoleArn)).toContain(':role/app-task-role');
    expect(svc.taskRole.roleArn).toBeDefined();
    // only the execution role is created
    t.resourceCountIs('AWS::IAM::Role', 1);
  });
});

describe('warnings and errors', () => {
  test('ignored keys become CDK warnings with stable ids, naming the path', () => {
    const { stack } = make(WEB + '    restart: always\n');
    Annotations.fromStack(stack).hasWarning('/S/App', Match.stringLikeRegexp('^services\\.web\\.restart: ignored on Fargate: ECS replaces stopped tasks itself \\[ack: cdk-compose-fargate:ignored-key\\]$'));
  });

  test('problems in both documents are thrown together, each line with its file', () => {
    const compose = ComposeDefinition.fromYaml('services:\n  web:\n    image: x\n', opts);
    const params = EcsParams.fromYaml('version: 1\ntask_definition:\n  task_size: {cpu_limit: 256, mem_limit: 8GB}\n  services:\n    db: {essential: true}\n', opts);
    expect(() => new ComposeFargateService(new Stack(new App(), 'S'), 'App', { compose, ecsParams: params })).toThrow(
      'task_definition.services.db: no compose service named "db": the compose file defines web\n' +
      'task_definition.task_size.mem_limit: Fargate does not offer 8192 MiB with 256 CPU units: allowed memory for cpu 256 is 512, 1024, 2048 MiB');
  });

  test('logs go where the log group is: the stack\'s region when the construct creates it, the file\'s otherwise', () => {
    const yaml = 'services:\n  web:\n    image: x\n    logging: {driver: awslogs, options: {awslogs-group: g, awslogs-region: us-west-1}}\n';
    const options = (m: { stack: Stack }) => Object.values(validatedTemplate(m.stack).findResources('AWS::ECS::TaskDefinition'))[0]
      .Properties.ContainerDefinitions[0].LogConfiguration.Options;
    // A stack in another region: the group is created there, and the containers log there, with a warning.
    const other = make(yaml, undefined, {}, { region: 'eu-west-1' });
    expect(options(other)['awslogs-region']).toBe('eu-west-1');
    expect(Annotations.fromStack(other.stack).findWarning('*', Match.stringLikeRegexp('awslogs-region: "us-west-1" is not used: the construct creates the log group in the stack\'s region \\(eu-west-1\\)'))).toHaveLength(1);
    // An environment-agnostic stack: the region of the deployment.
    expect(options(make(yaml))['awslogs-region']).toEqual({ Ref: 'AWS::Region' });
    // createLogGroups: false: the group exists in the file's region, which stands.
    expect(options(make(yaml, undefined, { createLogGroups: false }, { region: 'eu-west-1' }))['awslogs-region']).toBe('us-west-1');
  });
});

describe('published administration and database ports', () => {
  test('are admitted from the VPC only, with a warning', () => {
    const { stack } = make('services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n  web:\n    image: x\n    ports: ["80:80"]\n');
    const t = validatedTemplate(stack);
    const sg = Object.values(t.findResources('AWS::EC2::SecurityGroup'))[0];
    expect(sg.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ FromPort: 5432, CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^AppVpc/), 'CidrBlock'] } }),
      expect.objectContaining({ FromPort: 80, CidrIp: '0.0.0.0/0' }),
    ]);
    Annotations.fromStack(stack).hasWarning('/S/App', Match.stringLikeRegexp('published port 5432/tcp holds port 5432 \\(administration or a database\\): the security group admits it from the VPC only'));
  });
});

describe('createLogGroups (ecs-cli --create-log-groups)', () => {
  test('false: the named log groups exist already; containers without logging still get one', () => {
    const { stack, svc } = make(
      'services:\n  web:\n    image: x\n    logging: {driver: awslogs, options: {awslogs-group: tutorial, awslogs-stream-prefix: web}}\n  worker:\n    image: y\n',
      undefined, { createLogGroups: false });
    const t = validatedTemplate(stack);
    t.resourceCountIs('AWS::Logs::LogGroup', 1);
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ Name: 'web', LogConfiguration: Match.objectLike({ Options: Match.objectLike({ 'awslogs-group': 'tutorial' }) }) }),
        Match.objectLike({ Name: 'worker', LogConfiguration: Match.objectLike({ Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('workerLogGroup') } }) }) }),
      ],
    });
    expect(svc.logGroups).toHaveLength(1);
  });
});

describe('port ranges', () => {
  test('a very long range stays one containerPortRange mapping', () => {
    const { stack } = make('services:\n  rtp:\n    image: x\n    ports: ["10000-10999:10000-10999/udp"]\n');
    validatedTemplate(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ PortMappings: [{ ContainerPortRange: '10000-10999', Protocol: 'udp' }] })],
    });
  });

  test('a port published by two services of the task is an error naming both', () => {
    expect(() => make('services:\n  a:\n    image: x\n    ports: ["80:80"]\n  b:\n    image: y\n    ports: ["80"]\n')).toThrow(
      'services.b.ports[0]: container port 80/tcp is also opened by a (services.a.ports[0]): the containers of one task share one network interface, so each container port is opened once; change the port one of them listens on, or deploy with ComposeFargateProject (a task per compose service)');
  });
});
