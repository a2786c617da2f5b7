/**
 * The deploy-readiness check (deploy-readiness.ts) that validatedTemplate runs on every template: each
 * rule passes on what the constructs make and fails on a template broken the way AWS would refuse it.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService } from '../../src';
import { validateTemplateJson } from '../cfn-validate';
import { creationOrderProblems, deployReadinessProblems, ecsRequestProblems, permissionProblems } from '../deploy-readiness';

/** A template the construct makes: one web container with a secret, logging to a group the stack makes. */
function madeTemplate(configure?: (stack: Stack, service: ComposeFargateService) => void): any {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const service = new ComposeFargateService(stack, 'App', {
    compose: ComposeDefinition.fromYaml([
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    ports: ["80:80"]',
      '    mem_limit: 512m',
      '    secrets: [api_key]',
      'secrets:',
      '  api_key:',
      '    external: true',
      '    name: prod/api-key',
      '',
    ].join('\n'), { variables: {} }),
  });
  configure?.(stack, service);
  return Template.fromStack(stack).toJSON();
}

const byType = (t: any, type: string) => Object.entries<any>(t.Resources).filter(([, r]) => r.Type === type);

describe('the ECS requests against botocore\'s API model', () => {
  test('what the construct makes is a valid RegisterTaskDefinition and CreateService request', () => {
    const t = madeTemplate();
    expect(validateTemplateJson(t)).toEqual([]);
    expect(deployReadinessProblems(t)).toEqual([]);
  });

  test('a member the API does not have, an enum value it does not take, a type it does not read, a missing required member', () => {
    const t = madeTemplate();
    const [[taskId, task]] = byType(t, 'AWS::ECS::TaskDefinition');
    const c = task.Properties.ContainerDefinitions[0];
    c.PortMappings[0].Protocol = 'sctp';
    c.Memorys = 512;
    c.Ulimits = [{ Name: 'nofile', SoftLimit: 'many', HardLimit: 1024 }];
    delete task.Properties.Family;
    const [[serviceId, service]] = byType(t, 'AWS::ECS::Service');
    service.Properties.DeploymentConfiguration.Alarms = { Enable: false };
    expect(ecsRequestProblems(t.Resources)).toEqual([
      `${taskId} (RegisterTaskDefinition).ContainerDefinitions[0].PortMappings[0].Protocol: "sctp" is not one of tcp, udp (TransportProtocol)`,
      expect.stringMatching(new RegExp(`^${taskId} \\(RegisterTaskDefinition\\)\\.ContainerDefinitions\\[0\\]\\.Memorys: not a member of ContainerDefinition`)),
      `${taskId} (RegisterTaskDefinition).ContainerDefinitions[0].Ulimits[0].SoftLimit: expected an integer (Integer), got "many"`,
      `${taskId} (RegisterTaskDefinition): RegisterTaskDefinitionRequest requires family`,
      `${serviceId} (CreateService).DeploymentConfiguration.Alarms: DeploymentAlarms requires alarmNames`,
      `${serviceId} (CreateService).DeploymentConfiguration.Alarms: DeploymentAlarms requires rollback`,
    ]);
  });
});

describe('the order of creation', () => {
  const spot = (dependsOn?: string[]) => ({
    Cluster: { Type: 'AWS::ECS::Cluster', Properties: {} },
    Providers: { Type: 'AWS::ECS::ClusterCapacityProviderAssociations', Properties: { Cluster: { Ref: 'Cluster' }, CapacityProviders: ['FARGATE', 'FARGATE_SPOT'], DefaultCapacityProviderStrategy: [] } },
    Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Volumes: [{ Name: 'data', EFSVolumeConfiguration: { FilesystemId: { Ref: 'Files' } } }] } },
    Files: { Type: 'AWS::EFS::FileSystem', Properties: {} },
    Target1: { Type: 'AWS::EFS::MountTarget', Properties: { FileSystemId: { Ref: 'Files' } } },
    Target2: { Type: 'AWS::EFS::MountTarget', Properties: { FileSystemId: { Ref: 'Files' } } },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: { Cluster: { Ref: 'Cluster' }, TaskDefinition: { Ref: 'Task' }, CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] },
      ...(dependsOn ? { DependsOn: dependsOn } : {}),
    },
  });

  test('a Spot service before its cluster\'s capacity providers, an EFS service before its mount targets: each is named', () => {
    expect(creationOrderProblems(spot())).toEqual([
      'Service: has a capacity provider strategy but is not created after Providers, the capacity providers of its cluster: ECS may reject it',
      'Service: mounts Files but is not created after its mount target Target1: the first tasks cannot resolve the file system',
      'Service: mounts Files but is not created after its mount target Target2: the first tasks cannot resolve the file system',
    ]);
  });

  test('waiting for them, directly or through another resource, is ready', () => {
    expect(creationOrderProblems(spot(['Providers', 'Target1', 'Target2']))).toEqual([]);
    const through = spot(['Listener']);
    (through as any).Listener = { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: {}, DependsOn: ['Providers', 'Target1', 'Target2'] };
    expect(creationOrderProblems(through)).toEqual([]);
  });
});

describe('the order of creation: Service Connect endpoints and log groups', () => {
  const project = (dependsOn: boolean, cycle = false) => ({
    Api: {
      Type: 'AWS::ECS::Service',
      Properties: { TaskDefinition: { Ref: 'ApiTask' }, ServiceConnectConfiguration: { Enabled: true, Services: [{ PortName: 'api', ClientAliases: [{ DnsName: 'api', Port: 8080 }] }] } },
      ...(cycle ? { DependsOn: ['Web'] } : {}),
    },
    ApiTask: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Name: 'api', Environment: [{ Name: 'PEER', Value: 'http://web/' }] }] } },
    Web: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'WebTask' } }, ...(dependsOn ? { DependsOn: ['Api'] } : {}) },
    WebTask: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: { ContainerDefinitions: [{ Name: 'web', Command: ['serve', '--upstream', 'api:8080'], Environment: [{ Name: 'DOCS', Value: 'the api is at http://api.example.com' }] }] },
    },
  });

  test('a service that names another\'s endpoint (host:port, a URL\'s host) is created after it', () => {
    expect(creationOrderProblems(project(false))).toEqual(['Web: names api:8080 of Api ("api:8080") but is not created after it: its first tasks cannot reach it']);
    expect(creationOrderProblems(project(true))).toEqual([]);
    // two services that name each other: one is first whatever the order
    expect(creationOrderProblems(project(false, true))).toEqual([]);
  });

  test('a log group of a fixed name is named; one CloudFormation names is not', () => {
    const t = { Named: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: 'tutorial' }, DeletionPolicy: 'Retain' }, Generated: { Type: 'AWS::Logs::LogGroup', Properties: {} } };
    expect(creationOrderProblems(t)).toEqual(['Named: the log group "tutorial" has a fixed name: a deploy into an account that has it, or after a destroy that kept it, fails with "already exists"']);
  });
});

describe('the permissions of each container', () => {
  test('the awslogs writes, the image pulls and the secret the container reads are each needed', () => {
    const t = madeTemplate();
    const [[taskId]] = byType(t, 'AWS::ECS::TaskDefinition');
    expect(permissionProblems(t.Resources)).toEqual([]);
    for (const [, p] of byType(t, 'AWS::IAM::Policy')) p.Properties.PolicyDocument.Statement = [];
    for (const [, role] of byType(t, 'AWS::IAM::Role')) delete role.Properties.ManagedPolicyArns;
    const problems = permissionProblems(t.Resources).map(p => p.replace(/"Ref":"[A-Za-z]+LogGroup[0-9A-F]{8}"/, '"Ref":"<group>"'));
    expect(problems).toEqual([
      `${taskId}: container web (awslogs to {"Ref":"<group>"}) needs logs:CreateLogStream on the execution role`,
      `${taskId}: container web (awslogs to {"Ref":"<group>"}) needs logs:PutLogEvents on the execution role`,
      // the compose secret is read by the init container that writes it into the web container's /run/secrets
      `${taskId}: container compose-files-init (awslogs to {"Ref":"<group>"}) needs logs:CreateLogStream on the execution role`,
      `${taskId}: container compose-files-init (awslogs to {"Ref":"<group>"}) needs logs:PutLogEvents on the execution role`,
      expect.stringMatching(new RegExp(`^${taskId}: container compose-files-init \\(the secret .*:secretsmanager:.*\\) needs secretsmanager:GetSecretValue on the execution role$`)),
    ]);
  });

  test('an image from ECR (a build) needs the pulls on the execution role', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(__dirname, '..', 'fixtures', 'build-app', 'docker-compose.yml'), { variables: {} }) });
    const t = Template.fromStack(stack).toJSON();
    expect(permissionProblems(t.Resources)).toEqual([]);
    for (const [, p] of byType(t, 'AWS::IAM::Policy')) {
      p.Properties.PolicyDocument.Statement = p.Properties.PolicyDocument.Statement.filter((x: any) => ![x.Action].flat().some((a: string) => a.startsWith('ecr:')));
    }
    // (AWS's managed execution role policy allows the pulls too)
    for (const [, role] of byType(t, 'AWS::IAM::Role')) delete role.Properties.ManagedPolicyArns;
    expect(permissionProblems(t.Resources)).toEqual(expect.arrayContaining([
      expect.stringMatching(/: container \S+ \(an image from ECR\) needs ecr:GetAuthorizationToken on the execution role$/),
      expect.stringMatching(/: container \S+ \(an image from ECR\) needs ecr:BatchGetImage on the execution role$/),
    ]));
  });

  test('a container that runs as a user and writes an EFS volume can write the folder its access point creates', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', {
      compose: ComposeDefinition.fromYaml('services:\n  db:\n    image: postgres:16\n    user: "999:999"\n    volumes: ["pgdata:/var/lib/postgresql/data"]\nvolumes:\n  pgdata:\n', { variables: {} }),
    });
    const t = Template.fromStack(stack).toJSON();
    expect(permissionProblems(t.Resources)).toEqual([]);
    const [[, ap]] = byType(t, 'AWS::EFS::AccessPoint');
    expect(ap.Properties.RootDirectory.CreationInfo).toEqual({ OwnerUid: '999', OwnerGid: '999', Permissions: '755' });
    // the folder as EFS makes it without an owner: root's, 755
    ap.Properties.RootDirectory.CreationInfo = { OwnerUid: '0', OwnerGid: '0', Permissions: '755' };
    expect(permissionProblems(t.Resources)).toEqual([
      expect.stringMatching(/: container db runs as 999:999 and writes volume \S+, whose access point creates its folder as 0:0 mode 755: it cannot write there$/),
    ]);
    ap.Properties.RootDirectory.CreationInfo = { OwnerUid: '0', OwnerGid: '999', Permissions: '775' };
    expect(permissionProblems(t.Resources)).toEqual([]);
  });

  test('a statement on "*" for an action AWS authorizes on a resource is named; what AWS allows on "*" only is not', () => {
    const t = madeTemplate((stack, service) => {
      service.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 'ssmmessages:CreateControlChannel', 'ssmmessages:*'], resources: ['*'] }));
      service.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
      void stack;
    });
    expect(permissionProblems(t.Resources)).toEqual([
      expect.stringMatching(/^AppTaskDefinitionTaskRoleDefaultPolicy[0-9A-F]+: allows s3:GetObject on "\*"; AWS authorizes it on a resource: name it$/),
      expect.stringMatching(/^AppTaskDefinitionTaskRoleDefaultPolicy[0-9A-F]+: allows \* on "\*"; AWS authorizes it on a resource: name it$/),
    ]);
  });
});
