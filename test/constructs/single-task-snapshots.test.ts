/**
 * Whole-template snapshots of what `ComposeFargateService` makes of the examples and of the fixtures:
 * moving code (planning, building) must leave these templates byte-identical. A change that is meant
 * to change them is made with `npx projen test:update` and explained in its commit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildProductionApp } from '../../examples/production/app';
import { buildTutorialApp } from '../../examples/tutorial/app';
import { ComposeDefinition, ComposeFargateService, EcsParams } from '../../src';

describe('example templates', () => {
  const tutorial = buildTutorialApp(fs.mkdtempSync(path.join(os.tmpdir(), 'snap-tutorial-'))).synth();
  const production = buildProductionApp(fs.mkdtempSync(path.join(os.tmpdir(), 'snap-production-'))).synth();

  test.each(['TutorialStack', 'TutorialNewNetworkStack'])('tutorial: %s', name => {
    expect(tutorial.getStackByName(name).template).toMatchSnapshot();
  });

  test('production: ShopProductionStack', () => {
    expect(production.getStackByName('ShopProductionStack').template).toMatchSnapshot();
  });
});

describe('fixture templates', () => {
  const fixtures = path.join(__dirname, '..', 'fixtures');
  const dirs = fs.readdirSync(fixtures)
    .filter(d => fs.existsSync(path.join(fixtures, d, 'docker-compose.yml')))
    .sort();

  test.each(dirs)('%s', dir => {
    const stack = new Stack(new App(), 'S');
    const params = path.join(fixtures, dir, 'ecs-params.yml');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromFile(path.join(fixtures, dir, 'docker-compose.yml'), { variables: { TAG: '1.0' } }),
      ecsParams: fs.existsSync(params) ? EcsParams.fromFile(params, { variables: {} }) : undefined,
    });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
