/**
 * Whole-template snapshots of what `ComposeFargateProject` makes of the project example and the
 * multi-service fixtures, and of what both constructs make of each prop that shapes the ECS
 * service (load balancers, TLS, scaling, Spot, ECS Exec, Service Connect, deployment settings):
 * moving code between planning and building must leave these templates byte-identical, and an
 * error stays the same error. A change that is meant to change them is made with
 * `npx projen test:update` and explained in its commit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { buildProjectApp } from '../../examples/project/app';
import {
  ComposeDefinition, ComposeFargateProject, ComposeFargateProjectProps, ComposeFargateService, ComposeFargateServiceProps,
  EcsParams, LoadBalancerType,
} from '../../src';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** The template, or the error the construct threw (an error is behaviour too). */
function templateOr(make: (stack: Stack) => void): unknown {
  const stack = new Stack(new App(), 'S');
  try {
    make(stack);
    return Template.fromStack(stack).toJSON();
  } catch (e) {
    // The fixtures' folder as the clone names it: the same in every checkout.
    return { error: (e as Error).message.split(FIXTURES).join('<fixtures>') };
  }
}

function compose(dir: string): ComposeDefinition {
  return ComposeDefinition.fromFile(path.join(FIXTURES, dir, 'docker-compose.yml'), { variables: { TAG: '1.0' } });
}

describe('project templates', () => {
  test('example: BlogStack', () => {
    const app = buildProjectApp(fs.mkdtempSync(path.join(os.tmpdir(), 'snap-project-'))).synth();
    expect(app.getStackByName('BlogStack').template).toMatchSnapshot();
  });

  const dirs = [
    ...fs.readdirSync(FIXTURES).filter(d => d.startsWith('project-')),
    ...fs.readdirSync(path.join(FIXTURES, 'real')).map(d => `real/${d}`),
  ].filter(d => fs.existsSync(path.join(FIXTURES, d, 'docker-compose.yml'))).sort();

  test.each(dirs)('%s', dir => {
    expect(templateOr(stack => {
      const params = path.join(FIXTURES, dir, 'ecs-params.yml');
      new ComposeFargateProject(stack, 'App', {
        compose: compose(dir),
        ecsParams: fs.existsSync(params) ? EcsParams.fromFile(params, { variables: {} }) : undefined,
      });
    })).toMatchSnapshot();
  });
});

/** Props of both constructs, each case on a web app with a database (project-three-tier). */
const SHARED_CASES: Record<string, (stack: Stack) => Partial<ComposeFargateServiceProps & ComposeFargateProjectProps>> = {
  'application load balancer with routes': () => ({
    loadBalancer: { targets: [{ service: 'proxy', containerPort: 80 }, { service: 'proxy', containerPort: 80, hostHeader: 'admin.example.com' }] },
  }),
  'network load balancer, private': () => ({
    loadBalancer: { loadBalancerType: LoadBalancerType.NETWORK, publicLoadBalancer: false, targets: [{ service: 'proxy', containerPort: 80 }] },
  }),
  'tls with a domain': stack => ({
    loadBalancer: {
      targets: [{ service: 'proxy', containerPort: 80 }],
      domainName: 'shop.example.com',
      domainZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    },
  }),
  'tls with a certificate': stack => ({
    loadBalancer: {
      targets: [{ service: 'proxy', containerPort: 80 }],
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
    },
  }),
  'auto scaling with requests and schedules': () => ({
    loadBalancer: { targets: [{ service: 'proxy', containerPort: 80 }] },
    autoScaling: {
      minCapacity: 1,
      maxCapacity: 4,
      targetCpuUtilizationPercent: 50,
      targetMemoryUtilizationPercent: 70,
      requestsPerTarget: 100,
      schedules: [{ schedule: appscaling.Schedule.cron({ hour: '20', minute: '0' }), minCapacity: 0, maxCapacity: 0 }],
    },
  }),
  'spot, exec and deployment settings': stack => ({
    capacityProviderStrategies: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }, { capacityProvider: 'FARGATE', base: 1, weight: 0 }],
    enableExecuteCommand: true,
    minHealthyPercent: 50,
    maxHealthyPercent: 150,
    desiredCount: 3,
    circuitBreaker: { enable: true, rollback: false },
    platformVersion: ecs.FargatePlatformVersion.VERSION1_4,
    deploymentAlarms: {
      alarmNames: [new cloudwatch.Alarm(stack, 'Alarm', {
        metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y' }), threshold: 1, evaluationPeriods: 1,
      }).alarmName],
    },
  }),
  'health check grace period with a load balancer': () => ({
    loadBalancer: { targets: [{ service: 'proxy', containerPort: 80 }] },
    healthCheckGracePeriod: Duration.seconds(120),
  }),
  'health check grace period without a load balancer': () => ({ healthCheckGracePeriod: Duration.seconds(120) }),
  'a given vpc and cluster': stack => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    return { cluster: new ecs.Cluster(stack, 'Cluster', { vpc }), taskSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } };
  },
  'bad auto scaling': () => ({ autoScaling: { minCapacity: -1, maxCapacity: 0, targetCpuUtilizationPercent: 120 } }),
  'bad load balancer targets': () => ({
    loadBalancer: { targets: [{ service: 'nothing', containerPort: 80 }, { service: 'proxy', containerPort: 9999 }] },
  }),
};

describe('props through both constructs', () => {
  test.each(Object.keys(SHARED_CASES))('ComposeFargateService: %s', name => {
    expect(templateOr(stack => new ComposeFargateService(stack, 'App', {
      compose: compose('project-three-tier'), ...SHARED_CASES[name](stack),
    }))).toMatchSnapshot();
  });

  test.each(Object.keys(SHARED_CASES))('ComposeFargateProject: %s', name => {
    expect(templateOr(stack => new ComposeFargateProject(stack, 'App', {
      compose: compose('project-three-tier'), ...SHARED_CASES[name](stack),
    }))).toMatchSnapshot();
  });

  test('ComposeFargateService: service connect, existing target groups', () => {
    expect(templateOr(stack => new ComposeFargateService(stack, 'App', {
      compose: compose('project-three-tier'),
      serviceConnect: {},
      existingTargetGroups: [{ targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/abc', service: 'proxy', containerPort: 80 }],
    }))).toMatchSnapshot();
  });

  test('ComposeFargateProject: options per service', () => {
    expect(templateOr(stack => new ComposeFargateProject(stack, 'App', {
      compose: compose('project-three-tier'),
      loadBalancer: { targets: [{ service: 'proxy', containerPort: 80 }] },
      desiredCount: 2,
      services: {
        proxy: {
          desiredCount: 3,
          autoScaling: { maxCapacity: 5, requestsPerTarget: 50 },
          enableExecuteCommand: true,
          healthCheckGracePeriod: Duration.seconds(30),
        },
        backend: { capacityProviderStrategies: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }], minHealthyPercent: 0 },
      },
    }))).toMatchSnapshot();
  });

  test('ComposeFargateProject: bad options per service, all at once', () => {
    expect(templateOr(stack => new ComposeFargateProject(stack, 'App', {
      compose: compose('project-three-tier'),
      services: {
        proxy: { autoScaling: { maxCapacity: 0 } },
        backend: { autoScaling: { minCapacity: 3, maxCapacity: 2 } },
        ghost: { desiredCount: 1 },
      },
    }))).toMatchSnapshot();
  });
});
