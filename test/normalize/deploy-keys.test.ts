/**
 * `deploy` keys found in real files: Docker's ECS integration read x-aws-min_percent and
 * x-aws-max_percent under deploy.update_config and computed the deployment percentages from
 * update_config.parallelism and the replicas (docker/compose-cli ecs/cloudformation.go,
 * computeRollingUpdateLimits); resources.reservations.devices and generic_resources ask for GPUs,
 * which Fargate does not have.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService } from '../../src';
import { formatProblem } from '../../src/private/problems';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const web = (deploy: string) => `services:\n  web:\n    image: nginx\n    deploy:\n${deploy}`;

function percents(yaml: string) {
  const s = ComposeDefinition.fromYaml(yaml, { variables: {} })._model.services[0];
  return [s.awsMinPercent?.value, s.awsMaxPercent?.value];
}

describe('deployment percentages, as Docker\'s ECS integration read them', () => {
  test('x-aws-min_percent / x-aws-max_percent under update_config (Docker\'s own test: 25 and 125)', () => {
    expect(percents(web('      update_config:\n        x-aws-min_percent: 25\n        x-aws-max_percent: 125\n'))).toEqual([25, 125]);
  });

  test('directly under deploy, as before', () => {
    expect(percents(web('      x-aws-min_percent: 50\n      x-aws-max_percent: 150\n'))).toEqual([50, 150]);
  });

  test.each([
    // Docker's own test: 4 replicas, 2 at a time.
    [4, 2, 50, 150],
    [3, 1, 66, 133],
    [10, 3, 70, 130],
    [1, 1, 0, 200],
  ])('%d replicas, parallelism %d: %d%% and %d%%', (replicas, parallelism, min, max) => {
    expect(percents(web(`      replicas: ${replicas}\n      update_config:\n        parallelism: ${parallelism}\n        order: start-first\n`))).toEqual([min, max]);
  });

  test('a percentage given wins over the one parallelism gives; the other is computed', () => {
    expect(percents(web('      replicas: 4\n      update_config:\n        parallelism: 1\n        x-aws-min_percent: 100\n'))).toEqual([100, 125]);
    expect(percents(web('      replicas: 4\n      x-aws-max_percent: 200\n      update_config:\n        parallelism: 1\n'))).toEqual([75, 200]);
  });

  test('where Docker stopped, a file compose takes still deploys: no replicas is 1; parallelism 0 (all at once) is all of them', () => {
    expect(percents(web('      update_config:\n        parallelism: 1\n'))).toEqual([0, 200]);
    expect(percents(web('      replicas: 3\n      update_config:\n        parallelism: 0\n'))).toEqual([0, 200]);
  });

  test('parallelism above the replicas: all of them, with a warning', () => {
    const m = ComposeDefinition.fromYaml(web('      replicas: 2\n      update_config:\n        parallelism: 3\n'), { variables: {} })._model;
    expect([m.services[0].awsMinPercent?.value, m.services[0].awsMaxPercent?.value]).toEqual([0, 200]);
    expect(m.warnings.filter(w => w.id === 'adjusted-value').map(formatProblem)).toEqual([
      'services.web.deploy.update_config.parallelism: 3 is more than the 2 replicas: the update replaces 2 at a time',
    ]);
  });

  test('the other update_config keys are ignored with a warning; an unknown one, and two different percentages, are errors', () => {
    const m = ComposeDefinition.fromYaml(web('      update_config:\n        delay: 10s\n        failure_action: rollback\n        monitor: 30s\n        max_failure_ratio: 0.1\n        order: start-first\n'), { variables: {} })._model;
    expect(m.warnings.filter(w => w.id === 'ignored-key').map(w => w.path.join('.'))).toEqual(
      ['delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'].map(k => `services.web.deploy.update_config.${k}`));
    expect(errorOf(() => ComposeDefinition.fromYaml(web('      x-aws-min_percent: 50\n      update_config:\n        x-aws-min_percent: 25\n        paralelism: 2\n'), { variables: {} })).split('\n')).toEqual([
      'services.web.deploy.update_config.x-aws-min_percent: 25% conflicts with the 50% at services.web.deploy.x-aws-min_percent: give one',
      'services.web.deploy.update_config.paralelism: unknown update_config key: allowed are parallelism, delay, failure_action, monitor, max_failure_ratio, order, x-aws-min_percent, x-aws-max_percent',
    ]);
  });

  const FILE = web('      replicas: 4\n      update_config:\n        parallelism: 2\n        failure_action: rollback\n');

  test('ComposeFargateService: the ECS service\'s deployment configuration; the props still win', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(FILE, { variables: {} }) });
    validatedTemplate(stack).hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 4, DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 50, MaximumPercent: 150 }),
    });
    const props = new Stack(new App(), 'P');
    new ComposeFargateService(props, 'App', { compose: ComposeDefinition.fromYaml(FILE, { variables: {} }), minHealthyPercent: 100 });
    validatedTemplate(props).hasResourceProperties('AWS::ECS::Service', { DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 100, MaximumPercent: 150 }) });
  });

  test('ComposeFargateProject: the same, on the compose service\'s ECS service', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromYaml(`${FILE}  db:\n    image: postgres:16\n`, { variables: {} }) });
    const template = validatedTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'App-web', DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 50, MaximumPercent: 150 }),
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'App-db', DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 100, MaximumPercent: 200 }),
    });
  });

  test('in one task, two services with different percentages are an error naming both places', () => {
    const yaml = `${FILE}  worker:\n    image: busybox\n    deploy:\n      replicas: 4\n      update_config:\n        x-aws-min_percent: 75\n`;
    expect(errorOf(() => new ComposeFargateService(new Stack(new App(), 'S'), 'App', { compose: ComposeDefinition.fromYaml(yaml, { variables: {} }) })))
      .toBe('services.worker.deploy.update_config.x-aws-min_percent: differs from services.web.deploy.update_config.parallelism: the services run in one ECS service, so they share one setting');
  });
});

describe('resources.reservations.devices and generic_resources: a GPU request, refused with Fargate\'s reason', () => {
  test.each([
    ['generic_resources', '[{discrete_resource_spec: {kind: gpu, value: 2}}]', '[{"discrete_resource_spec":{"kind":"gpu","value":2}}]', 'generic resources (GPUs and the like)'],
    ['devices', '[{driver: nvidia, count: 1, capabilities: [gpu]}]', '[{"driver":"nvidia","count":1,"capabilities":["gpu"]}]', 'devices (GPUs and the like)'],
  ])('%s', (key, value, shown, what) => {
    const yaml = web(`      resources:\n        reservations:\n          ${key}: ${value}\n`);
    expect(errorOf(() => ComposeDefinition.fromYaml(yaml, { variables: {} }))).toBe(
      `services.web.deploy.resources.reservations.${key}: cannot be honoured on Fargate (got ${shown}): a request for ${what}, and Fargate gives a task no GPUs or other devices`);
  });

  test('a key compose does not have there is still an unknown key', () => {
    expect(errorOf(() => ComposeDefinition.fromYaml(web('      resources:\n        limits:\n          generic_resources: []\n'), { variables: {} })))
      .toBe('services.web.deploy.resources.limits.generic_resources: unknown limits key: allowed are cpus, memory, pids');
  });
});

test('warnings reach the construct', () => {
  const stack = new Stack(new App(), 'S');
  new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(web('      replicas: 2\n      update_config:\n        parallelism: 3\n'), { variables: {} }) });
  Annotations.fromStack(stack).hasWarning('/S/App', Match.stringLikeRegexp('^services\\.web\\.deploy\\.update_config\\.parallelism: 3 is more than the 2 replicas'));
});

describe('deploy.restart_policy', () => {
  test('one task: ignored with a warning, its condition none too (ECS replaces stopped tasks)', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(web('      restart_policy:\n        condition: none\n        delay: 5s\n'), { variables: {} }) });
    validatedTemplate(stack);
    const warned = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
    expect(warned.some(w => w.startsWith('services.web.deploy.restart_policy: ignored on Fargate: ECS replaces stopped tasks itself'))).toBe(true);
    expect(warned.some(w => w.startsWith('services.web.deploy.restart_policy.delay: ignored on Fargate'))).toBe(true);
  });

  test('a condition other than none (Docker Compose accepts any string) keeps the service running', () => {
    const stack = new Stack(new App(), 'S');
    const project = new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromYaml(web('      restart_policy:\n        condition: always\n'), { variables: {} }) });
    validatedTemplate(stack);
    expect(project.oneShotTaskDefinition('web')).toBeUndefined();
    expect(project.service('web')).toBeDefined();
  });
});
