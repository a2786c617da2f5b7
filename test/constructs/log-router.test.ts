/**
 * awsfirelens logging without a log router service: the plan adds the router (AWS for Fluent Bit),
 * in both constructs, and the task role may write the CloudWatch Logs groups the options name.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams } from '../../src';
import { validatedTemplate } from '../cfn-validate';
import { warningsWithId } from '../util';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'real', 'firelens-cloudwatch', 'docker-compose.yml');
const ROUTER_IMAGE = 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable';
const opts = { variables: {} };

const taskDefs = (t: Template): any[] => Object.values(t.findResources('AWS::ECS::TaskDefinition')).map((r: any) => r.Properties);
const containersOf = (t: Template): any[] => taskDefs(t).flatMap(d => d.ContainerDefinitions);
/** The statements of the policies attached to the task roles. */
const taskRoleStatements = (t: Template): any[] => Object.values(t.findResources('AWS::IAM::Policy'))
  .filter((p: any) => p.Properties.Roles.some((r: any) => /TaskRole/.test(r.Ref)))
  .flatMap((p: any) => p.Properties.PolicyDocument.Statement);

function single(compose: string | ComposeDefinition, params?: string) {
  const stack = new Stack(new App(), 'S');
  new ComposeFargateService(stack, 'App', {
    compose: typeof compose === 'string' ? ComposeDefinition.fromYaml(compose, opts) : compose,
    ecsParams: params === undefined ? undefined : EcsParams.fromYaml(params, opts),
  });
  return { stack, template: validatedTemplate(stack) };
}

describe('the FireLens lab file (real/firelens-cloudwatch), one task', () => {
  const { stack, template } = single(ComposeDefinition.fromFile(FIXTURE, opts));
  const containers = containersOf(template);
  const router = containers.find(c => c.Name === 'log_router');

  test('a log router is added: AWS for Fluent Bit, essential, FireLens fluentbit with ECS metadata, 50 MiB reserved', () => {
    expect(containers.map(c => c.Name)).toEqual(['web', 'cats', 'dogs', 'log_router']);
    expect(router).toMatchObject({
      Image: ROUTER_IMAGE,
      Essential: true,
      MemoryReservation: 50,
      FirelensConfiguration: { Type: 'fluentbit', Options: { 'enable-ecs-log-metadata': 'true' } },
    });
  });

  test('the router logs to a log group of its own with awslogs', () => {
    expect(router.LogConfiguration.LogDriver).toBe('awslogs');
    expect(router.LogConfiguration.Options['awslogs-stream-prefix']).toBe('log_router');
    const group = router.LogConfiguration.Options['awslogs-group'];
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup'))).toContain(group.Ref);
    const others = containers.filter(c => c.Name !== 'log_router' && c.LogConfiguration.LogDriver === 'awslogs');
    expect(others.map(c => c.LogConfiguration.Options['awslogs-group'])).not.toContainEqual(group);
  });

  test('the awsfirelens containers start after the router; their options pass through; the others are as they were', () => {
    const web = containers.find(c => c.Name === 'web');
    const cats = containers.find(c => c.Name === 'cats');
    const dogs = containers.find(c => c.Name === 'dogs');
    expect(web.DependsOn).toEqual([
      { ContainerName: 'cats', Condition: 'START' }, { ContainerName: 'dogs', Condition: 'START' }, { ContainerName: 'log_router', Condition: 'START' },
    ]);
    expect(cats.DependsOn).toEqual([{ ContainerName: 'log_router', Condition: 'START' }]);
    expect(dogs.DependsOn).toBeUndefined();
    expect(web.LogConfiguration).toEqual({
      LogDriver: 'awsfirelens',
      Options: { Name: 'cloudwatch', region: 'ap-northeast-2', log_group_name: 'ecs-demogo-log', log_stream_prefix: 'from-fluent-bit', auto_create_group: 'true' },
    });
    expect(cats.LogConfiguration.Options).toEqual({ Name: 'cloudwatch_logs', region: 'ap-northeast-2', log_group_name: 'ecs-demogo-log', log_stream_prefix: 'cats-' });
    expect(dogs.LogConfiguration.LogDriver).toBe('awslogs');
  });

  test('the task role may write the group the options name, in their region; create it only where auto_create_group is true', () => {
    const arn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:ap-northeast-2:', { Ref: 'AWS::AccountId' }, `:log-group:ecs-demogo-log${suffix}`]] });
    const statements = taskRoleStatements(template).filter(s => JSON.stringify(s).includes('ecs-demogo-log'));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Resource: [arn(''), arn(':*')] },
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [arn(''), arn(':*')] },
    ]);
  });

  test('a warning names the first awsfirelens logging and the image', () => {
    expect(warningsWithId(stack, 'log-router-added')).toEqual([
      `docker-compose.yml: services.web.logging.driver: the awsfirelens log driver sends the logs of web, cats through a FireLens log router, and no service is one: a container log_router (${ROUTER_IMAGE}, 50 MiB reserved) is added to the task, logging to a log group of its own; to run your own router, give one service firelens_configuration in ecs-params`,
    ]);
  });
});

describe('the FireLens lab file, one ECS service per compose service', () => {
  const stack = new Stack(new App(), 'P');
  new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromFile(FIXTURE, opts) });
  const template = validatedTemplate(stack);

  test('each task with awsfirelens logging gets its own router; the others get none', () => {
    const byFamily = Object.fromEntries(taskDefs(template).map(d => [d.Family, d.ContainerDefinitions.map((c: any) => c.Name)]));
    expect(byFamily).toEqual({
      'App-web': ['web', 'log_router'],
      'App-cats': ['cats', 'log_router'],
      'App-dogs': ['dogs'],
    });
    for (const r of containersOf(template).filter(c => c.Name === 'log_router')) {
      expect(r).toMatchObject({ Image: ROUTER_IMAGE, Essential: true, MemoryReservation: 50, FirelensConfiguration: { Type: 'fluentbit' } });
    }
    const web = containersOf(template).find(c => c.Name === 'web');
    expect(web.DependsOn).toEqual([{ ContainerName: 'log_router', Condition: 'START' }]);
  });

  test('one warning per task that gets a router, each naming its own service', () => {
    expect(warningsWithId(stack, 'log-router-added').map(w => w.split(': the ')[0])).toEqual([
      'docker-compose.yml: services.web.logging.driver', 'docker-compose.yml: services.cats.logging.driver',
    ]);
  });
});

describe('when the router is not added, or named otherwise', () => {
  test('a service named log_router: the router takes the next free name', () => {
    const { template } = single('services:\n  log_router:\n    image: x\n    logging: {driver: awsfirelens, options: {Name: datadog, Host: http-intake.logs.datadoghq.com}}\n');
    const names = containersOf(template).map(c => c.Name);
    expect(names).toEqual(['log_router', 'log_router_2']);
    expect(containersOf(template)[0].DependsOn).toEqual([{ ContainerName: 'log_router_2', Condition: 'START' }]);
    // Datadog is no CloudWatch output: nothing for the task role
    expect(taskRoleStatements(template).filter(s => JSON.stringify(s.Action).includes('logs:'))).toEqual([]);
  });

  test('a service with ecs-params firelens_configuration is the router: none is added, the grant still is', () => {
    const { stack, template } = single(
      'services:\n  app:\n    image: x\n    logging: {driver: awsfirelens, options: {Name: cloudwatch_logs, log_group_name: /app/logs}}\n  router:\n    image: my/fluent-bit:1\n',
      'version: 1\ntask_definition:\n  services:\n    router:\n      firelens_configuration: {type: fluentbit}\n');
    expect(containersOf(template).map(c => c.Name)).toEqual(['app', 'router']);
    expect(warningsWithId(stack, 'log-router-added')).toEqual([]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('TaskRole') }],
    });
  });

  test('the router\'s reservation does not count as a size the file gives: the default-size warning stays', () => {
    const { stack, template } = single('services:\n  app:\n    image: x\n    logging: {driver: awsfirelens, options: {Name: datadog}}\n');
    expect(warningsWithId(stack, 'task-size')).toHaveLength(1);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
  });
});
