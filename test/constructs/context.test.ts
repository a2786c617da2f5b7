/**
 * Tests synthesize with real availability zones: a stack with an explicit account and region needs
 * the zones as context (`cdk deploy` looks them up; cdk.context.json keeps them), and without it gets
 * placeholder subnets in dummy1a and dummy1b. validatedTemplate fails on such a stack; the VPC the
 * constructs make needs no such context (its zones are chosen at deploy time).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService } from '../../src';
import { missingContext, validatedTemplate } from '../cfn-validate';
import { TEST_ENV, testStack } from '../util';

const YAML = 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n  db:\n    image: postgres:16\n    volumes: ["data:/var/lib/postgresql/data"]\nvolumes:\n  data: {}\n';
const compose = () => ComposeDefinition.fromYaml(YAML, { variables: {} });
const ZONES = [0, 1].map(i => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] }));

function subnetZones(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::EC2::Subnet')).map(r => r.Properties.AvailabilityZone);
}

test('a VPC in a stack with an account and region but no zones in context: placeholders, and validatedTemplate fails', () => {
  const stack = new Stack(new App(), 'S', { env: TEST_ENV });
  new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
  expect(missingContext(stack)).toEqual([`availability-zones:account=${TEST_ENV.account}:region=${TEST_ENV.region}`]);
  expect(subnetZones(Template.fromStack(stack)).sort()).toEqual(['dummy1a', 'dummy1b']);
  expect(() => validatedTemplate(stack)).toThrow();
});

test('testStack holds the zones of its region: a VPC made in it has subnets in real zones', () => {
  const stack = testStack();
  new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
  expect(missingContext(stack)).toEqual([]);
  expect(subnetZones(Template.fromStack(stack)).sort()).toEqual(['us-east-1a', 'us-east-1b']);
});

describe.each([
  ['ComposeFargateService', (s: Stack) => new ComposeFargateService(s, 'App', { compose: compose() })],
  ['ComposeFargateProject', (s: Stack) => new ComposeFargateProject(s, 'App', { compose: compose() })],
])('%s', (_name, make) => {
  test('with an account and region and no context: the VPC it makes takes the first two zones at deploy time, not placeholders', () => {
    const stack = new Stack(new App(), 'S', { env: TEST_ENV });
    make(stack);
    // ec2.Vpc still asks for the zones (to check the given ones against them), which `cdk deploy` looks up; the template does not use them.
    expect(subnetZones(Template.fromStack(stack))).toEqual(ZONES);
  });

  test('the same template with or without an account and region, in testStack too', () => {
    const agnostic = new Stack(new App(), 'S');
    make(agnostic);
    const specific = testStack();
    make(specific);
    expect(subnetZones(validatedTemplate(specific))).toEqual(subnetZones(validatedTemplate(agnostic)));
  });
});
