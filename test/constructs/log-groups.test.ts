/**
 * Log groups the compose file names (issue 19, item 5): made as ecs-cli's --create-log-groups made
 * them, so that a stack deploys, is destroyed and deploys again, and deploys into an account that has
 * the group already, keeping the logs on `cdk destroy`. Groups the construct names stay AWS::Logs::LogGroup.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService } from '../../src';
import { validatedTemplate } from '../cfn-validate';

/** The SDK call of a custom resource's Create (JSON text, joined when it holds references). */
function sdkCall(resource: any): any {
  const v = resource.Properties.Create;
  if (typeof v === 'string') return JSON.parse(v);
  return JSON.parse(v['Fn::Join'][1].map((x: unknown) => (typeof x === 'string' ? x : '<ref>')).join(''));
}

function of(template: Template, type: string): any[] {
  return Object.values(template.findResources(type));
}

/** An App with eu-west-1's availability zones, as cdk.context.json holds them after a first synth. */
const irelandApp = () => new App({ context: { 'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] } });

const NAMED = (group: string, extra = '') =>
  `services:\n  web:\n    image: nginx\n    logging:\n      driver: awslogs\n      options: {awslogs-group: ${group}, awslogs-stream-prefix: web${extra}}\n  worker:\n    image: busybox\n`;

describe('a log group the compose file names', () => {
  const stack = new Stack(irelandApp(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const svc = new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(NAMED('/ecs/shop'), { variables: {} }) });
  const template = validatedTemplate(stack);

  test('is created when missing and taken as it is when it exists: no AWS::Logs::LogGroup of that name', () => {
    expect(of(template, 'AWS::Logs::LogGroup').map(g => g.Properties.LogGroupName)).toEqual([undefined]);
    const [create] = of(template, 'Custom::LogGroup');
    expect(sdkCall(create)).toEqual({
      service: 'CloudWatchLogs',
      action: 'CreateLogGroup',
      parameters: { logGroupName: '/ecs/shop' },
      physicalResourceId: { id: '/ecs/shop' },
      ignoreErrorCodesMatching: 'ResourceAlreadyExistsException',
    });
    expect(create.Properties.Update).toEqual(create.Properties.Create);
    expect(create.Properties.Delete).toBeUndefined();
    expect(create.DeletionPolicy).toBe('Delete');
  });

  test('gets the retention, after it exists', () => {
    const [retention] = of(template, 'Custom::LogGroupRetention');
    expect(sdkCall(retention)).toMatchObject({ action: 'PutRetentionPolicy', parameters: { logGroupName: '/ecs/shop', retentionInDays: 30 } });
    expect(retention.Properties.Delete).toBeUndefined();
  });

  test('the custom resources may create it and set its retention, on its ARN only', () => {
    const statements = of(template, 'AWS::IAM::Policy').flatMap(p => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'].includes(st.Action));
    expect(statements).toHaveLength(2);
    for (const st of statements) {
      expect(st.Resource).toEqual([
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:123456789012:log-group:/ecs/shop']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:123456789012:log-group:/ecs/shop:*']] },
      ]);
    }
  });

  test('the container logs to it by name; the execution role may write it; the task definition waits for it', () => {
    const [td] = of(template, 'AWS::ECS::TaskDefinition');
    const web = td.Properties.ContainerDefinitions.find((c: any) => c.Name === 'web');
    expect(web.LogConfiguration.Options['awslogs-group']).toBe('/ecs/shop');
    expect(td.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^AppwebLogGroupCreate[0-9A-F]{8}$/), expect.stringMatching(/^AppwebLogGroupRetention[0-9A-F]{8}$/)]));
    const write = of(template, 'AWS::IAM::Policy').find(p => JSON.stringify(p.Properties.Roles).includes('AppExecutionRole'));
    expect(write.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:123456789012:log-group:/ecs/shop:*']] },
    })]));
  });

  test('the worker, which names none, keeps a group the construct makes (and names)', () => {
    expect(of(template, 'AWS::Logs::LogGroup')).toHaveLength(1);
    expect(svc.logGroups).toHaveLength(2);
    expect(svc.logGroups[0].logGroupName).toBe('/ecs/shop');
  });
});

describe('where the named group is and how long it keeps events', () => {
  test('awslogs-region elsewhere: the group is still made in the stack\'s region, where the containers log (warned, as before)', () => {
    const stack = new Stack(irelandApp(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(NAMED('shop', ', awslogs-region: us-east-1'), { variables: {} }) });
    const template = validatedTemplate(stack);
    expect(sdkCall(of(template, 'Custom::LogGroup')[0]).region).toBeUndefined();
    expect(JSON.stringify(of(template, 'AWS::IAM::Policy'))).toContain(':logs:eu-west-1:123456789012:log-group:shop:*');
    expect(JSON.stringify(of(template, 'AWS::IAM::Policy'))).not.toContain('us-east-1');
    expect(of(template, 'AWS::ECS::TaskDefinition')[0].Properties.ContainerDefinitions[0].LogConfiguration.Options['awslogs-region']).toBe('eu-west-1');
  });

  test('logRetention INFINITE: the group is created and its retention left as it is', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(NAMED('shop'), { variables: {} }), logRetention: logs.RetentionDays.INFINITE });
    const template = validatedTemplate(stack);
    expect(of(template, 'Custom::LogGroup')).toHaveLength(1);
    expect(of(template, 'Custom::LogGroupRetention')).toHaveLength(0);
  });

  test('createLogGroups false: nothing creates the group', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(NAMED('shop'), { variables: {} }), createLogGroups: false });
    const template = validatedTemplate(stack);
    expect(of(template, 'Custom::LogGroup')).toHaveLength(0);
    expect(of(template, 'AWS::Lambda::Function')).toHaveLength(0);
  });

  test('a project: one group for the services that share its name, every task definition waits for it', () => {
    const stack = new Stack(new App(), 'S');
    const yaml = 'services:\n'
      + '  web:\n    image: nginx\n    logging: {driver: awslogs, options: {awslogs-group: shop, awslogs-stream-prefix: web}}\n'
      + '  api:\n    image: busybox\n    logging: {driver: awslogs, options: {awslogs-group: shop, awslogs-stream-prefix: api}}\n';
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromYaml(yaml, { variables: {} }) });
    const template = validatedTemplate(stack);
    expect(of(template, 'Custom::LogGroup')).toHaveLength(1);
    expect(of(template, 'AWS::Lambda::Function')).toHaveLength(1);
    for (const td of of(template, 'AWS::ECS::TaskDefinition')) expect(td.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/LogGroupCreate[0-9A-F]{8}$/)]));
  });
});
