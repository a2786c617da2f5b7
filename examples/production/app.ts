/**
 * The same compose file, run as a team runs it in production: an Application Load Balancer in
 * front (tasks accept traffic only from it), auto scaling on CPU and requests, scaled to zero at
 * night and back in the morning, Spot capacity with an on-demand base, deploy safety (circuit
 * breaker with rollback, min/max healthy percent) and ECS Exec.
 *
 * Run: `npx ts-node --project examples/tsconfig.json examples/production/app.ts` (writes cdk.out).
 */
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as logs from 'aws-cdk-lib/aws-logs';
// In your own app: import { ... } from 'cdk-compose-fargate';
import { ComposeDefinition, ComposeFargateService } from '../../src';

export function buildProductionApp(outdir?: string): App {
  const app = new App({ outdir });
  const stack = new Stack(app, 'ShopProductionStack');
  new ComposeFargateService(stack, 'Shop', {
    compose: ComposeDefinition.fromFile(path.join(__dirname, 'docker-compose.yml'), { variables: {} }),
    desiredCount: 2,
    loadBalancer: {
      targets: [{ service: 'web', containerPort: 80 }],
    },
    autoScaling: {
      minCapacity: 2,
      maxCapacity: 8,
      targetCpuUtilizationPercent: 60,
      requestsPerTarget: 1000,
      schedules: [
        // Nobody shops at night: scale to zero at 22:00 and back at 06:00 (UTC).
        { schedule: appscaling.Schedule.cron({ hour: '22', minute: '0' }), minCapacity: 0, maxCapacity: 0 },
        { schedule: appscaling.Schedule.cron({ hour: '6', minute: '0' }), minCapacity: 2, maxCapacity: 8 },
      ],
    },
    capacityProviderStrategies: [
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
    ],
    minHealthyPercent: 50,
    maxHealthyPercent: 200,
    healthCheckGracePeriod: Duration.seconds(30),
    enableExecuteCommand: true,
    logRetention: logs.RetentionDays.THREE_MONTHS,
  });
  return app;
}

if (require.main === module) {
  buildProductionApp(process.env.CDK_OUTDIR ?? 'cdk.out').synth();
}
