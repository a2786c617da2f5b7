/**
 * ECS's hard quotas, checked before anything is deployed, each refused with the limit named and the
 * path: containers per task definition (10, counting the init container the construct adds), the
 * size of a task definition (64 KiB), target groups per service (5), security groups (5) and
 * subnets (16) in a service's network configuration.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams } from '../../src';
import { ECS_QUOTAS } from '../../src/private/facts/ecs-limits';
import { estimateTaskDefinitionBytes } from '../../src/private/plan/limits';
import { planTask } from '../../src/private/plan/task';
import { formatProblem, Problems } from '../../src/private/problems';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const ELEVEN = path.join(__dirname, '..', 'fixtures', 'refused', 'eleven-services', 'docker-compose.yml');

const BUILD_APP = path.join(__dirname, '..', 'fixtures', 'build-app');

function service(compose: string, extra: Record<string, unknown> = {}, params?: string): Stack {
  const stack = new Stack(new App(), 'S');
  new ComposeFargateService(stack, 'App', {
    compose: ComposeDefinition.fromYaml(compose, { variables: {}, projectDirectory: BUILD_APP }),
    ecsParams: params === undefined ? undefined : EcsParams.fromYaml(params, { variables: {} }),
    ...extra,
  });
  return stack;
}

/** n services, each a container of its own. */
function services(n: number, extra = ''): string {
  return `services:\n${Array.from({ length: n }, (_, i) => `  s${i}:\n    image: busybox\n${i === 0 ? extra : ''}`).join('')}`;
}

describe('containers per task definition (10)', () => {
  test('the quota', () => expect(ECS_QUOTAS.containersPerTaskDefinition).toBe(10));

  test('ComposeFargateService refuses eleven services, naming the count and ComposeFargateProject', () => {
    expect(errorOf(() => new ComposeFargateService(new Stack(new App(), 'S'), 'App', { compose: ComposeDefinition.fromFile(ELEVEN, { variables: {} }) })))
      .toBe('docker-compose.yml: services: 11 containers in one task definition (the 11 compose services): ECS allows at most 10 containers in a task definition; deploy the file with ComposeFargateProject, which gives each compose service a task definition of its own');
  });

  test('ComposeFargateProject deploys the same file: eleven task definitions', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromFile(ELEVEN, { variables: {} }) });
    expect(Object.keys(validatedTemplate(stack).findResources('AWS::ECS::TaskDefinition'))).toHaveLength(11);
  });

  test('ten services are ten containers: fine', () => {
    const template = validatedTemplate(service(services(10)));
    expect(Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions).toHaveLength(10);
  });

  test('the init container the construct adds for secrets and configs counts', () => {
    const secret = '    secrets: [token]\n';
    const compose = `${services(10, secret)}secrets:\n  token:\n    external: true\n`;
    expect(errorOf(() => service(compose))).toBe(
      'services: 11 containers in one task definition (the 10 compose services and compose-files-init, the container that writes the secrets and configs to files): ECS allows at most 10 containers in a task definition; deploy the file with ComposeFargateProject, which gives each compose service a task definition of its own');
  });

  test('in ComposeFargateProject, a service waiting for ten one-shot services is refused at its path', () => {
    const oneShots = Array.from({ length: 10 }, (_, i) => `  job${i}:\n    image: busybox\n    restart: "no"\n`).join('');
    const deps = Array.from({ length: 10 }, (_, i) => `      job${i}: {condition: service_completed_successfully}\n`).join('');
    const compose = `services:\n  web:\n    image: nginx\n    depends_on:\n${deps}${oneShots}`;
    expect(errorOf(() => new ComposeFargateProject(new Stack(new App(), 'S'), 'App', { compose: ComposeDefinition.fromYaml(compose, { variables: {} }) })))
      .toBe('services.web: its task definition would hold 11 containers (web, the one-shot services it waits for: job0, job1, job2, job3, job4, job5, job6, job7, job8, job9): ECS allows at most 10 containers in a task definition');
  });
});

describe('the size of a task definition (64 KiB)', () => {
  const env = (n: number) => `    environment:\n${Array.from({ length: n }, (_, i) => `      SETTING_${String(i).padStart(4, '0')}: value-of-setting-${i}\n`).join('')}`;

  test('2,000 environment variables are refused, with the limit named and the service they are in', () => {
    expect(errorOf(() => service(`services:\n  web:\n    image: nginx\n${env(2000)}  worker:\n    image: busybox\n`)))
      .toMatch(/^services\.web: the task definition would be about (\d+) KiB as ECS receives it: ECS accepts a task definition of at most 64 KiB; most of it is the environment of web \(2000 variables, about \d+ KiB\): /);
  });

  test('the estimate follows the template: within a few percent of the rendered container definitions, and under the limit there', () => {
    const compose = `services:\n  web:\n    image: nginx\n${env(800)}    healthcheck: {test: ["CMD", "true"], interval: 10s}\n  worker:\n    build: ./app\n`;
    const stack = service(compose);
    const td = Object.values(validatedTemplate(stack).findResources('AWS::ECS::TaskDefinition'))[0].Properties;
    const rendered = Buffer.byteLength(JSON.stringify(td.ContainerDefinitions));
    const cp = new Problems();
    const plan = planTask({ compose: ComposeDefinition.fromYaml(compose, { variables: {}, projectDirectory: BUILD_APP })._model, family: 'app' }, cp, new Problems())!;
    const estimate = estimateTaskDefinitionBytes(plan).total;
    expect(estimate).toBeLessThan(ECS_QUOTAS.taskDefinitionBytes);
    expect(Math.abs(estimate - rendered) / rendered).toBeLessThan(0.1);
  });

  test('a project service with a large environment is refused the same way', () => {
    const compose = `services:\n  web:\n    image: nginx\n${env(2000)}`;
    expect(errorOf(() => new ComposeFargateProject(new Stack(new App(), 'S'), 'App', { compose: ComposeDefinition.fromYaml(compose, { variables: {} }) })))
      .toMatch(/^services\.web: the task definition would be about \d+ KiB as ECS receives it: ECS accepts a task definition of at most 64 KiB/);
  });
});

describe('a service\'s network configuration: 16 subnets, 5 security groups', () => {
  const subnets = (n: number) => Array.from({ length: n }, (_, i) => `subnet-${(i + 1).toString(16).padStart(8, '0')}`);
  const sgs = (n: number) => Array.from({ length: n }, (_, i) => `sg-${(i + 1).toString(16).padStart(8, '0')}`);
  const params = (s: string[], g: string[]) =>
    `version: 1\nrun_params:\n  network_configuration:\n    awsvpc_configuration:\n      subnets: [${s.join(', ')}]\n      security_groups: [${g.join(', ')}]\n`;

  test('ecs-params with 17 subnets and 6 security groups: both refused, at their paths', () => {
    const cp = new Problems('docker-compose.yml');
    const pp = new Problems('ecs-params.yml');
    planTask({
      compose: ComposeDefinition.fromYaml('services:\n  web:\n    image: nginx\n', { variables: {} })._model,
      ecsParams: EcsParams.fromYaml(params(subnets(17), sgs(6)))._model,
      family: 'app',
    }, cp, pp);
    expect(pp.errors.map(formatProblem)).toEqual([
      'ecs-params.yml: run_params.network_configuration.awsvpc_configuration.subnets: 17 subnets: ECS takes at most 16 subnets in a service\'s network configuration (awsvpcConfiguration)',
      'ecs-params.yml: run_params.network_configuration.awsvpc_configuration.security_groups: 6 security groups: ECS takes at most 5 security groups in a service\'s network configuration (awsvpcConfiguration)',
    ]);
  });

  test('16 subnets and 5 security groups: fine', () => {
    validatedTemplate(service('services:\n  web:\n    image: nginx\n', {}, params(subnets(16), sgs(5))));
  });

  test('the securityGroups prop with six groups is refused', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const groups = Array.from({ length: 6 }, (_, i) => new ec2.SecurityGroup(stack, `Sg${i}`, { vpc }));
    expect(errorOf(() => new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml('services:\n  web:\n    image: nginx\n', { variables: {} }), vpc, securityGroups: groups })))
      .toBe('securityGroups: 6 security groups: ECS takes at most 5 security groups in a service\'s network configuration (awsvpcConfiguration)');
  });

  test('a VPC whose public subnets number 18: refused at vpc when the app is synthesized, fine with taskSubnets selecting fewer', () => {
    const make = (taskSubnets?: ec2.SubnetSelection) => {
      const stack = new Stack(new App(), 'S');
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        natGateways: 0,
        subnetConfiguration: Array.from({ length: 9 }, (_, i) => ({ name: `Public${i}`, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 })),
      });
      for (const kind of [ComposeFargateService, ComposeFargateProject]) {
        new kind(stack, kind.name, { compose: ComposeDefinition.fromYaml('services:\n  web:\n    image: nginx\n', { variables: {} }), vpc, taskSubnets });
      }
      return stack;
    };
    const refusal = 'vpc: 18 subnets: ECS takes at most 16 subnets in a service\'s network configuration (awsvpcConfiguration): the VPC has that many of the kind the service uses; select some with taskSubnets (subnetGroupName, availabilityZones, or onePerAz: true)';
    // Each construct, at its path.
    expect(errorOf(() => Template.fromStack(make()))).toBe(
      `Validation failed with the following errors:\n  [S/ComposeFargateService] ${refusal}\n  [S/ComposeFargateProject] ${refusal}`);
    expect(errorOf(() => Template.fromStack(make({ subnetType: ec2.SubnetType.PUBLIC })))).toMatch(/\[S\/ComposeFargateService\] taskSubnets: 18 subnets: .*: select fewer/);
    validatedTemplate(make({ subnetGroupName: 'Public0' }));
  });
});

describe('target groups per service (5)', () => {
  // Each on a host port of its own: the load balancer's listener ports.
  const ports = (n: number) => `services:\n  web:\n    image: nginx\n    ports: [${Array.from({ length: n }, (_, i) => `"${9000 + i}:${8000 + i}"`).join(', ')}]\n`;

  test('six published ports behind a load balancer are six target groups for one service: refused, naming them', () => {
    expect(errorOf(() => service(ports(6), { loadBalancer: {} }))).toBe(
      'loadBalancer: 6 target groups for one ECS service (web:8000, web:8001, web:8002, web:8003, web:8004, web:8005): ECS registers a service with at most 5 target groups; by default every published port is a target: list the ones the load balancer serves in targets');
  });

  test('five: fine; listing five of the six targets: fine', () => {
    validatedTemplate(service(ports(5), { loadBalancer: {} }));
    validatedTemplate(service(ports(6), { loadBalancer: { targets: [0, 1, 2, 3, 4].map(i => ({ service: 'web', containerPort: 8000 + i, listenerPort: 80 + i })) } }));
  });

  test('existing target groups count with the load balancer\'s', () => {
    const existing = [0, 1].map(i => ({ targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg${i}/0123456789abcdef`, service: 'web', containerPort: 8000 }));
    expect(errorOf(() => service(ports(4), { loadBalancer: {}, existingTargetGroups: existing }))).toMatch(/^loadBalancer: 6 target groups for one ECS service \(web:8000, web:8000, web:8000, web:8001, web:8002, web:8003\): ECS registers a service with at most 5 target groups/);
  });
});
