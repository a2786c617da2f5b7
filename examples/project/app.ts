/**
 * A WordPress blog with its MariaDB database, deployed as `docker compose up` runs it: one ECS
 * service per compose service. WordPress reaches the database as `db:3306`, the name its compose
 * file uses, through ECS Service Connect; the database admits WordPress only; an Application Load
 * Balancer is the only way in.
 *
 * Run: `npx ts-node --project examples/tsconfig.json examples/project/app.ts` (writes cdk.out).
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// In your own app: import { ... } from 'cdk-compose-fargate';
import { ComposeDefinition, ComposeFargateProject } from '../../src';

export function buildProjectApp(outdir?: string): App {
  const app = new App({ outdir });
  const stack = new Stack(app, 'BlogStack');
  const blog = new ComposeFargateProject(stack, 'Blog', {
    // The password comes from the .env file next to the compose file, as with docker compose.
    compose: ComposeDefinition.fromFile(path.join(__dirname, 'docker-compose.yml'), { variables: {} }),
    loadBalancer: { targets: [{ service: 'wordpress', containerPort: 80 }] },
    services: {
      wordpress: { desiredCount: 2, autoScaling: { minCapacity: 2, maxCapacity: 6, targetCpuUtilizationPercent: 60 } },
    },
  });
  // Each compose service's ECS service is there to fine-tune in code.
  blog.service('db').taskDefinition.node.addMetadata('note', 'one task: the database keeps a single writer');
  return app;
}

if (require.main === module) {
  buildProjectApp(process.env.CDK_OUTDIR ?? 'cdk.out').synth();
}
