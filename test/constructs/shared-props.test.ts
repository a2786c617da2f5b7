/**
 * Both constructs agree on every prop they share. On a compose file of one service,
 * ComposeFargateService (the file as one task) and ComposeFargateProject (an ECS service per compose
 * service) make the same ECS service: each shared prop must shape it, its load balancer, scaling,
 * cluster and logs the same way in both, and a bad value must be refused with the same words.
 * (Names differ by design: `shop` against `shop-web`; the project adds Service Connect.)
 */
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  AutoScalingOptions, ComposeDefinition, ComposeFargateBaseProps, ComposeFargateProject, ComposeFargateService, LoadBalancerType,
} from '../../src';
import { validatedTemplate } from '../cfn-validate';

const FILE = path.join(__dirname, '..', 'fixtures', 'shared-props', 'docker-compose.yml');

/** The props both constructs take (the base props, and desiredCount and autoScaling, which each declares). */
type Shared = Omit<ComposeFargateBaseProps, 'compose'> & { readonly desiredCount?: number; readonly autoScaling?: AutoScalingOptions };

/** Each prop of ComposeFargateBaseProps (and desiredCount, autoScaling) that shapes what is deployed. */
const CASES: Record<string, (stack: Stack) => Shared> = {
  'desiredCount': () => ({ desiredCount: 3 }),
  'minHealthyPercent and maxHealthyPercent': () => ({ minHealthyPercent: 50, maxHealthyPercent: 150 }),
  'circuitBreaker': () => ({ circuitBreaker: { enable: true, rollback: false } }),
  'capacityProviderStrategies': () => ({
    capacityProviderStrategies: [{ capacityProvider: 'FARGATE_SPOT', weight: 3 }, { capacityProvider: 'FARGATE', base: 1, weight: 1 }],
  }),
  'platformVersion': () => ({ platformVersion: ecs.FargatePlatformVersion.VERSION1_4 }),
  'enableExecuteCommand': () => ({ enableExecuteCommand: true }),
  'deploymentAlarms': () => ({ deploymentAlarms: { alarmNames: ['shop-5xx'], behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM } }),
  'containerInsights': () => ({ containerInsights: false }),
  'logRetention': () => ({ logRetention: logs.RetentionDays.ONE_WEEK }),
  'assignPublicIp and taskSubnets in a given VPC': stack => ({
    vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }),
    taskSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    assignPublicIp: false,
  }),
  'loadBalancer: Application, default targets': () => ({ loadBalancer: {} }),
  'loadBalancer: Application with routes and its health check': () => ({
    loadBalancer: {
      targets: [{ service: 'web', containerPort: 8000, hostHeader: 'admin.example.com' }, { service: 'web', containerPort: 8000, listenerPort: 8080 }],
    },
  }),
  'loadBalancer: Network, internal': () => ({ loadBalancer: { loadBalancerType: LoadBalancerType.NETWORK, publicLoadBalancer: false } }),
  'loadBalancer: TLS by domain': stack => ({
    loadBalancer: {
      domainName: 'shop.example.com',
      domainZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    },
  }),
  'loadBalancer: TLS by certificate': stack => ({
    loadBalancer: { certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc') },
  }),
  'healthCheckGracePeriod behind a load balancer': () => ({ loadBalancer: {}, healthCheckGracePeriod: Duration.seconds(90) }),
  'autoScaling on CPU, memory, requests, with schedules': () => ({
    loadBalancer: {},
    autoScaling: {
      minCapacity: 2,
      maxCapacity: 6,
      targetCpuUtilizationPercent: 60,
      targetMemoryUtilizationPercent: 75,
      requestsPerTarget: 200,
      scaleInCooldown: Duration.minutes(10),
      schedules: [{ schedule: appscaling.Schedule.cron({ hour: '22', minute: '0' }), minCapacity: 0, maxCapacity: 0 }],
    },
  }),
};

/** Resource type for a logical ID: what a reference points at, whatever the construct path. */
function comparable(template: Template): unknown {
  const json = template.toJSON();
  const resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> = json.Resources;
  const typeOf = (id: string) => resources[id]?.Type ?? id;
  const normalize = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalize);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string') return { Ref: typeOf(o.Ref) };
      if (Array.isArray(o['Fn::GetAtt'])) return { 'Fn::GetAtt': [typeOf((o['Fn::GetAtt'] as string[])[0]), (o['Fn::GetAtt'] as string[])[1]] };
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, normalize(x)]));
    }
    return v;
  };
  const pick = (type: string, keys: string[]) => Object.values(resources).filter(r => r.Type === type)
    .map(r => normalize(Object.fromEntries(keys.filter(k => r.Properties?.[k] !== undefined).map(k => [k, r.Properties![k]]))));
  const ecsService = pick('AWS::ECS::Service', ['DesiredCount', 'DeploymentConfiguration', 'CapacityProviderStrategy', 'LaunchType',
    'PlatformVersion', 'HealthCheckGracePeriodSeconds', 'EnableExecuteCommand', 'LoadBalancers', 'NetworkConfiguration']);
  return {
    ecsService,
    cluster: pick('AWS::ECS::Cluster', ['ClusterSettings']),
    capacityProviders: pick('AWS::ECS::ClusterCapacityProviderAssociations', ['CapacityProviders', 'DefaultCapacityProviderStrategy']),
    loadBalancers: pick('AWS::ElasticLoadBalancingV2::LoadBalancer', ['Scheme', 'Type']),
    listeners: pick('AWS::ElasticLoadBalancingV2::Listener', ['Port', 'Protocol', 'DefaultActions', 'Certificates']),
    rules: pick('AWS::ElasticLoadBalancingV2::ListenerRule', ['Conditions', 'Priority']),
    targetGroups: pick('AWS::ElasticLoadBalancingV2::TargetGroup', ['Port', 'Protocol', 'TargetType', 'HealthCheckPath',
      'HealthCheckIntervalSeconds', 'HealthCheckTimeoutSeconds', 'UnhealthyThresholdCount']),
    dns: pick('AWS::Route53::RecordSet', ['Name', 'Type']),
    certificates: pick('AWS::CertificateManager::Certificate', ['DomainName', 'ValidationMethod']),
    scalableTargets: pick('AWS::ApplicationAutoScaling::ScalableTarget', ['MinCapacity', 'MaxCapacity', 'ScheduledActions']),
    scalingPolicies: pick('AWS::ApplicationAutoScaling::ScalingPolicy', ['PolicyType', 'TargetTrackingScalingPolicyConfiguration']),
    logRetention: pick('AWS::Logs::LogGroup', ['RetentionInDays']),
    // ECS Exec: what the task role may do (the project's tasks have their own role each).
    taskRolePolicies: pick('AWS::IAM::Policy', ['PolicyDocument']),
    outputs: Object.keys(json.Outputs ?? {}).filter(k => k.includes('Url')).length,
  };
}

function both(make: (stack: Stack) => Shared) {
  return [ComposeFargateService, ComposeFargateProject].map(Construct => {
    const stack = new Stack(new App(), 'S');
    const props = make(stack);
    new Construct(stack, 'App', { compose: ComposeDefinition.fromFile(FILE, { variables: {} }), ...props });
    return comparable(validatedTemplate(stack));
  });
}

describe('a prop shapes the ECS service the same way in both constructs', () => {
  test.each(Object.keys(CASES))('%s', name => {
    const [service, project] = both(CASES[name]);
    expect(project).toEqual(service);
  });

  test('the cases are not vacuous: each changes what the constructs make', () => {
    const [plain] = both(() => ({}));
    for (const [name, make] of Object.entries(CASES)) {
      expect({ name, differs: JSON.stringify(both(make)[0]) !== JSON.stringify(plain) }).toEqual({ name, differs: true });
    }
  });
});

describe('a bad prop is refused with the same words by both', () => {
  const BAD: Record<string, (stack: Stack) => Shared> = {
    'auto scaling': () => ({ autoScaling: { minCapacity: -1, maxCapacity: 0, targetCpuUtilizationPercent: 120 } }),
    'request counts without a load balancer': () => ({ autoScaling: { maxCapacity: 2, requestsPerTarget: 10 } }),
    'a grace period without a load balancer': () => ({ healthCheckGracePeriod: Duration.seconds(60) }),
    'load balancer targets': () => ({ loadBalancer: { targets: [{ service: 'api', containerPort: 80 }, { service: 'web', containerPort: 9999 }] } }),
    'a domain name without its zone': () => ({ loadBalancer: { domainName: 'shop.example.com' } }),
    'a project name': () => ({ projectName: 'shop web' }),
  };
  test.each(Object.keys(BAD))('%s', name => {
    const messages = [ComposeFargateService, ComposeFargateProject].map(Construct => {
      const stack = new Stack(new App(), 'S');
      try {
        new Construct(stack, 'App', { compose: ComposeDefinition.fromFile(FILE, { variables: {} }), ...BAD[name](stack) });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    });
    expect(messages[0]).not.toBe('no error');
    expect(messages[1]).toBe(messages[0]);
  });
});
