/**
 * The ecs-cli Fargate tutorial as a CDK app: the tutorial's docker-compose.yml and ecs-params.yml,
 * deployed with one construct.
 *
 * - `TutorialStack` uses the tutorial's own ecs-params.yml: the subnets, security group and
 *   execution role it names already exist, so only the cluster, log group, task definition and
 *   service are created.
 * - `TutorialNewNetworkStack` uses ecs-params-new-network.yml: the construct also creates the VPC,
 *   the security group and the execution role.
 *
 * Run: `npx projen tutorial` (synthesizes to cdk.out and prints a summary), or
 * `npx cdk synth --app "npx ts-node --prefer-ts-exts examples/tutorial/app.ts"`.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// In your own app: import { ... } from 'cdk-compose-fargate';
import { ComposeDefinition, ComposeFargateService, EcsParams } from '../../src';
import { summarizeAssembly } from '../summary';

export function buildTutorialApp(outdir?: string): App {
  const app = new App({ outdir });
  const here = __dirname;
  // The tutorial's compose file reads no variables: keep synthesis independent of the shell.
  const options = { variables: {} };

  const existing = new Stack(app, 'TutorialStack');
  new ComposeFargateService(existing, 'Tutorial', {
    projectName: 'tutorial',
    compose: ComposeDefinition.fromFile(path.join(here, 'docker-compose.yml'), options),
    ecsParams: EcsParams.fromFile(path.join(here, 'ecs-params.yml'), options),
  });

  const fresh = new Stack(app, 'TutorialNewNetworkStack');
  new ComposeFargateService(fresh, 'Tutorial', {
    projectName: 'tutorial',
    compose: ComposeDefinition.fromFile(path.join(here, 'docker-compose.yml'), options),
    ecsParams: EcsParams.fromFile(path.join(here, 'ecs-params-new-network.yml'), options),
  });
  return app;
}

if (require.main === module) {
  const app = buildTutorialApp(process.env.CDK_OUTDIR ?? 'cdk.out');
  const assembly = app.synth();
  process.stdout.write(summarizeAssembly(assembly));
}
