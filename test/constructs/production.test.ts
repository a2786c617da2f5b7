/**
 * What a team needs in production, as typed props: load balancers, TLS and DNS, existing target
 * groups, auto scaling and scale to zero, Spot, deploy safety, ECS Exec, Service Connect, image
 * builds, and Docker's x-aws-* keys.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, ComposeFargateServiceProps, LoadBalancerType } from '../../src';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const WEB = [
  'services:',
  '  web:',
  '    image: example/web:1',
  '    ports: ["8000:8000"]',
  '    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:8000/healthz"], interval: 20s, timeout: 5s, retries: 4}',
  '  api:',
  '    image: example/api:1',
  '    ports: ["9000:9000"]',
].join('\n');

function make(composeYaml: string, props: Partial<ComposeFargateServiceProps> = {}, build?: (stack: Stack) => Partial<ComposeFargateServiceProps>) {
  const stack = new Stack(new App(), 'S');
  const svc = new ComposeFargateService(stack, 'App', {
    compose: ComposeDefinition.fromYaml(composeYaml, { variables: {}, projectDirectory: path.join(__dirname, '..', 'fixtures', 'build-app') }),
    ...props,
    ...build?.(stack),
  });
  return { stack, svc, template: validatedTemplate(stack) };
}

describe('Application Load Balancer', () => {
  test('default: one HTTP listener on 80 for the first published port, tasks reachable only from the load balancer', () => {
    const { template, svc } = make(WEB, { loadBalancer: { targets: [{ service: 'web', containerPort: 8000 }] } });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing', Type: 'application' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8000,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/healthz',
      HealthCheckIntervalSeconds: 20,
      HealthCheckTimeoutSeconds: 5,
      UnhealthyThresholdCount: 4,
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [{ ContainerName: 'web', ContainerPort: 8000, TargetGroupArn: { Ref: Match.stringLikeRegexp('TargetGroup0') } }],
      HealthCheckGracePeriodSeconds: 60,
    });
    // the task security group admits only the load balancer, on the target port
    const taskSg = Object.entries(template.findResources('AWS::EC2::SecurityGroup')).find(([id]) => id.startsWith('AppSecurityGroup'))![1];
    expect(taskSg.Properties.SecurityGroupIngress).toBeUndefined();
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 8000,
      ToPort: 8000,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LoadBalancerSecurityGroup'), 'GroupId'] },
    });
    template.hasOutput('*', { Value: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [Match.stringLikeRegexp('LoadBalancer'), 'DNSName'] }]] } });
    expect(svc.applicationLoadBalancer).toBeDefined();
    expect(svc.targetGroups).toHaveLength(1);
  });

  test('every published port by default; path and host routing on one listener', () => {
    const { template } = make(WEB, {
      loadBalancer: {
        targets: [
          { service: 'web', containerPort: 8000 },
          { service: 'api', containerPort: 9000, pathPattern: '/api/*' },
          { service: 'api', containerPort: 9000, hostHeader: 'api.example.com', listenerPort: 8080 },
        ],
      },
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } }],
    });
  });

  test('HTTPS with a DNS-validated certificate, an alias record and HTTP redirected to HTTPS', () => {
    const { template } = make(WEB, {}, stack => ({
      loadBalancer: {
        targets: [{ service: 'web', containerPort: 8000 }],
        domainName: 'shop.example.com',
        domainZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
      },
    }));
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'shop.example.com', ValidationMethod: 'DNS' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'shop.example.com.', Type: 'A' });
    template.hasOutput('*', { Value: 'https://shop.example.com' });
  });

  test('targets are checked against the compose file', () => {
    expect(errorOf(() => make(WEB, { loadBalancer: { targets: [{ service: 'db', containerPort: 5432 }, { service: 'web', containerPort: 1234 }] } })).split('\n')).toEqual([
      'loadBalancer.targets[0].service: no compose service named "db": the services are web, api',
      'loadBalancer.targets[1].containerPort: web publishes no port 1234: list it under the service\'s ports (published: 8000)',
    ]);
    expect(errorOf(() => make(WEB, { loadBalancer: {} }))).toBe(
      'loadBalancer.targets[1]: listener port 80 already sends its traffic to web:8000: give this target another listenerPort, a pathPattern or a hostHeader');
  });

  test('a VPC with private subnets: tasks run there without a public IP', () => {
    const { template } = make(WEB, {}, stack => ({
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }),
      loadBalancer: { targets: [{ service: 'web', containerPort: 8000 }] },
    }));
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED', Subnets: [{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPrivateSubnet2') }] }) },
    });
  });
});

describe('Network Load Balancer', () => {
  test('TCP and UDP listeners on the container ports, a security group in front of the tasks', () => {
    const { template, svc } = make('services:\n  dns:\n    image: example/dns:1\n    ports: ["53:53/udp", "8053:8053"]\n', {
      loadBalancer: { loadBalancerType: LoadBalancerType.NETWORK },
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network', SecurityGroups: Match.anyValue() });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 53, Protocol: 'UDP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8053, Protocol: 'TCP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 53, Protocol: 'UDP', TargetType: 'ip' });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'udp', FromPort: 53, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LoadBalancerSecurityGroup'), 'GroupId'] },
    });
    expect(svc.networkLoadBalancer).toBeDefined();
  });

  test("Docker's x-aws-protocol: tcp selects a Network Load Balancer", () => {
    const { template, stack } = make('services:\n  db:\n    image: example/db:1\n    ports:\n      - {target: 5432, published: 5432, x-aws-protocol: tcp}\n', { loadBalancer: {} });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' });
    // a database port: admitted from the VPC only, with a warning
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ FromPort: 5432, CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('Vpc'), 'CidrBlock'] } })],
    });
    Annotations.fromStack(stack).hasWarning('/S/App', Match.stringLikeRegexp('listener 5432 is an administration or database port'));
  });
});

/** The stack's outputs, each value resolved: "http://${LoadBalancer.DNSName}:8080". */
function outputs(template: ReturnType<typeof validatedTemplate>): Record<string, string> {
  const show = (v: any): string => {
    if (typeof v === 'string') return v;
    if (v['Fn::Join']) return (v['Fn::Join'][1] as any[]).map(show).join(v['Fn::Join'][0]);
    if (v['Fn::GetAtt']) return `\${${String(v['Fn::GetAtt'][0]).replace(/[0-9A-F]{8}$/, '')}.${v['Fn::GetAtt'][1]}}`;
    return JSON.stringify(v);
  };
  return Object.fromEntries(Object.entries(template.findOutputs('*')).filter(([k]) => /Url/.test(k)).map(([k, o]) => [k.replace(/[0-9A-F]{8}$/, ''), show(o.Value)]));
}

const GHOST = 'services:\n  ghost:\n    image: ghost:5\n    ports: ["8080:2368"]\n';
const DNS = '${AppLoadBalancer.DNSName}';

describe('the URL (output and url member): the listener port unless the scheme implies it', () => {
  test('a compose host port other than 80 is the listener, and the URL carries it', () => {
    const { template, svc, stack } = make(GHOST, { loadBalancer: {} });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8080, Protocol: 'HTTP' });
    expect(outputs(template)).toEqual({ AppUrl: `http://${DNS}:8080` });
    expect(stack.resolve(svc.url)).toEqual(template.findOutputs('*')[Object.keys(template.findOutputs('*')).find(k => k.startsWith('AppUrl'))!].Value);
  });

  test('port 80 over HTTP and 443 over HTTPS are left out; other ports are named', () => {
    expect(outputs(make(WEB, { loadBalancer: { targets: [{ service: 'web', containerPort: 8000, listenerPort: 80 }] } }).template)).toEqual({ AppUrl: `http://${DNS}` });
    expect(outputs(make(WEB, { loadBalancer: { targets: [{ service: 'web', containerPort: 8000, listenerPort: 443 }] } }).template)).toEqual({ AppUrl: `http://${DNS}:443` });
    const zone = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
    const https = (listenerPort?: number) => make(WEB, {}, stack => ({
      loadBalancer: { targets: [{ service: 'web', containerPort: 8000, listenerPort }], domainName: 'shop.example.com', domainZone: zone(stack) },
    })).template;
    // "8000:8000" publishes no other host port: the listener is HTTPS's own
    expect(outputs(https())).toEqual({ AppUrl: 'https://shop.example.com' });
    expect(outputs(https(8000))).toEqual({ AppUrl: 'https://shop.example.com:8000' });
    expect(outputs(https(8443))).toEqual({ AppUrl: 'https://shop.example.com:8443' });
    // port 80 stays HTTP next to a certificate
    expect(outputs(https(80))).toEqual({ AppUrl: 'http://shop.example.com' });
  });

  test('several listeners: the URL is the first that answers every request; each other listener has an output of its own', () => {
    const { template, svc, stack } = make(WEB, {
      loadBalancer: {
        targets: [
          { service: 'api', containerPort: 9000, hostHeader: 'api.example.com', listenerPort: 8443 },
          { service: 'web', containerPort: 8000 },
          { service: 'api', containerPort: 9000, listenerPort: 9000 },
        ],
      },
    });
    expect(outputs(template)).toEqual({ AppUrl: `http://${DNS}`, AppUrl8443: `http://${DNS}:8443`, AppUrl9000: `http://${DNS}:9000` });
    expect(stack.resolve(svc.url)).toEqual({ 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [expect.stringMatching(/^AppLoadBalancer/), 'DNSName'] }]] });
  });

  test('a Network Load Balancer: the scheme implies no port, so the URL always names it', () => {
    const { template } = make('services:\n  dns:\n    image: example/dns:1\n    ports: ["53:53/udp", "8053:8053"]\n', {
      loadBalancer: { loadBalancerType: LoadBalancerType.NETWORK },
    });
    expect(outputs(template)).toEqual({ AppUrl: `udp://${DNS}:53`, AppUrl8053: `tcp://${DNS}:8053` });
  });

  test('ComposeFargateProject: the same URL', () => {
    const stack = new Stack(new App(), 'S');
    const project = new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromYaml(GHOST, { variables: {} }), loadBalancer: {} });
    const template = validatedTemplate(stack);
    expect(outputs(template)).toEqual({ AppUrl: `http://${DNS}:8080` });
    expect(JSON.stringify(stack.resolve(project.url))).toContain('":8080"');
  });
});

describe('listeners get their default action once (no aws-cdk-lib warning that one was replaced)', () => {
  const replaced = (stack: Stack) => [
    ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('default Action already existed')),
    ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('listenerExistingDefaultActionReplaced')),
  ];
  const cases: [string, string, Partial<ComposeFargateServiceProps>][] = [
    ['one target', GHOST, { loadBalancer: {} }],
    ['a default target and routed ones on one listener', WEB, {
      loadBalancer: { targets: [{ service: 'api', containerPort: 9000, pathPattern: '/api/*' }, { service: 'web', containerPort: 8000 }, { service: 'api', containerPort: 9000, hostHeader: 'api.example.com' }] },
    }],
    ['routed targets only (a 404 by default)', WEB, { loadBalancer: { targets: [{ service: 'api', containerPort: 9000, pathPattern: '/api/*' }] } }],
    ['a Network Load Balancer', WEB, { loadBalancer: { loadBalancerType: LoadBalancerType.NETWORK } }],
  ];
  test.each(cases)('ComposeFargateService: %s', (_name, yaml, props) => {
    const { stack, template } = make(yaml, props);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    expect(replaced(stack)).toEqual([]);
  });
  test.each(cases)('ComposeFargateProject: %s', (_name, yaml, props) => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromYaml(yaml, { variables: {} }), loadBalancer: props.loadBalancer });
    validatedTemplate(stack).resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    expect(replaced(stack)).toEqual([]);
  });
  test('HTTPS with the redirect from 80', () => {
    const { stack } = make(WEB, {}, s => ({
      loadBalancer: {
        targets: [{ service: 'web', containerPort: 8000, listenerPort: 443 }],
        domainName: 'shop.example.com',
        domainZone: route53.HostedZone.fromHostedZoneAttributes(s, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
      },
    }));
    expect(replaced(stack)).toEqual([]);
  });
});

describe('existing target groups (ecs-cli --target-groups)', () => {
  test('the service registers with them; the port is open to the VPC', () => {
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
    const { template } = make(WEB, { existingTargetGroups: [{ targetGroupArn: arn, service: 'web', containerPort: 8000 }], healthCheckGracePeriod: Duration.seconds(30) });
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [{ ContainerName: 'web', ContainerPort: 8000, TargetGroupArn: arn }],
      HealthCheckGracePeriodSeconds: 30,
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
  });

  test('a health check grace period needs a load balancer', () => {
    expect(errorOf(() => make(WEB, { healthCheckGracePeriod: Duration.seconds(30) }))).toBe(
      'healthCheckGracePeriod: ECS uses a health check grace period only with a load balancer: add loadBalancer or existingTargetGroups, or leave it out');
  });
});

describe('auto scaling and scale to zero', () => {
  test('CPU, memory and request targets, and schedules that scale to zero at night', () => {
    const { template, svc } = make(WEB, {
      desiredCount: 0,
      loadBalancer: { targets: [{ service: 'web', containerPort: 8000 }] },
      autoScaling: {
        minCapacity: 1,
        maxCapacity: 10,
        targetCpuUtilizationPercent: 60,
        targetMemoryUtilizationPercent: 75,
        requestsPerTarget: 500,
        schedules: [
          { schedule: appscaling.Schedule.cron({ hour: '20', minute: '0' }), minCapacity: 0, maxCapacity: 0 },
          { schedule: appscaling.Schedule.cron({ hour: '7', minute: '0' }), minCapacity: 1, maxCapacity: 10 },
        ],
      },
    });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 0 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 10,
      ScheduledActions: [
        { ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 }, Schedule: 'cron(0 20 * * ? *)', ScheduledActionName: Match.anyValue() },
        { ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 10 }, Schedule: 'cron(0 7 * * ? *)', ScheduledActionName: Match.anyValue() },
      ],
    });
    template.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'TargetTrackingScaling' }, 3);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }), TargetValue: 500 }),
    });
    expect(svc.scalableTaskCount).toBeDefined();
  });

  test('scale to zero without a load balancer', () => {
    const { template } = make(WEB, {
      autoScaling: { minCapacity: 0, maxCapacity: 2, schedules: [{ schedule: appscaling.Schedule.rate(Duration.hours(12)), maxCapacity: 0 }] },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 2 });
  });

  test('bad ranges and request scaling without an Application Load Balancer are refused', () => {
    expect(errorOf(() => make(WEB, { autoScaling: { minCapacity: 3, maxCapacity: 2, requestsPerTarget: 10, schedules: [{ schedule: appscaling.Schedule.rate(Duration.hours(1)) }] } })).split('\n')).toEqual([
      'autoScaling.maxCapacity: expected a whole number of tasks, at least 1 and at least minCapacity (3), got 2',
      'autoScaling.requestsPerTarget: request counts come from an Application Load Balancer: add loadBalancer (type APPLICATION)',
      'autoScaling.schedules[0]: a schedule changes minCapacity, maxCapacity or both: give at least one',
    ]);
  });

  test("Docker's deploy.x-aws-autoscaling", () => {
    const { template } = make('services:\n  web:\n    image: x\n    deploy:\n      x-aws-autoscaling: {min: 1, max: 4, cpu: 70}\n');
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 70 }),
    });
  });
});

describe('Spot, platform version, deploy safety, ECS Exec', () => {
  test('FARGATE_SPOT with a FARGATE base; the created cluster gets both capacity providers', () => {
    const { template } = make(WEB, {
      capacityProviderStrategies: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }],
      platformVersion: undefined,
    });
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', { CapacityProviders: ['FARGATE', 'FARGATE_SPOT'] });
    template.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 1, Weight: 1 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 3 }],
      LaunchType: Match.absent(),
    });
  });

  test('circuit breaker with rollback by default; deployment percentages from props or x-aws-*; alarms', () => {
    const { template } = make('services:\n  web:\n    image: x\n    deploy:\n      x-aws-min_percent: 50\n      x-aws-max_percent: 150\n', {
      deploymentAlarms: { alarmNames: ['web-5xx'] },
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 50,
        MaximumPercent: 150,
        Alarms: { AlarmNames: ['web-5xx'], Enable: true, Rollback: true },
      },
    });
  });

  test('ECS Exec: enabled on the service, with the task role permissions it needs', () => {
    const { template } = make(WEB, { enableExecuteCommand: true });
    template.hasResourceProperties('AWS::ECS::Service', { EnableExecuteCommand: true });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ssmmessages:CreateControlChannel']) })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('TaskRole') }],
    });
  });

  test('ECS Exec: session logs go to the containers\' log groups only; "*" only where AWS takes no resource', () => {
    const { template } = make(WEB, { enableExecuteCommand: true });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter(p => p.Properties.Roles.some((r: any) => /TaskRole/.test(r.Ref)))
      .flatMap(p => p.Properties.PolicyDocument.Statement);
    const onEverything = statements.filter((s: any) => JSON.stringify(s.Resource) === '"*"').flatMap((s: any) => [s.Action].flat());
    expect(onEverything.sort()).toEqual(['logs:DescribeLogGroups', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel',
      'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel']);
    const write = statements.find((s: any) => [s.Action].flat().includes('logs:PutLogEvents'));
    const groups = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    expect([write.Resource].flat()).toEqual(groups.map(g => ({ 'Fn::GetAtt': [g, 'Arn'] })));
  });

  test('ECS Exec in a project: each service\'s task role writes to its own log groups', () => {
    const stack = new Stack(new App(), 'P');
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromYaml(WEB, { variables: {} }), enableExecuteCommand: true });
    const template = validatedTemplate(stack);
    const writes = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().includes('logs:PutLogEvents')).map((s: any) => [p.Properties.Roles[0].Ref, s.Resource]));
    expect(writes.length).toBeGreaterThan(1);
    for (const [role, resources] of writes) {
      const service = /^App(\w+?)TaskDefinitionTaskRole/.exec(role)![1];
      for (const r of [resources].flat()) expect(r['Fn::GetAtt'][0]).toMatch(new RegExp(`^App${service}`));
    }
  });
});

describe('Service Connect', () => {
  test('each published port is reachable in the namespace by the compose service name', () => {
    const { template } = make(WEB, { serviceConnect: {} });
    template.hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', { Name: 'app.internal' });
    template.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 0);
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: {
        Enabled: true,
        Namespace: 'app.internal',
        Services: [
          { PortName: 'web-8000', ClientAliases: [{ DnsName: 'web', Port: 8000 }] },
          { PortName: 'api-9000', ClientAliases: [{ DnsName: 'api', Port: 9000 }] },
        ],
      },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'web', PortMappings: [Match.objectLike({ Name: 'web-8000', ContainerPort: 8000 })] })]),
    });
  });
});

describe('compose build', () => {
  test('becomes a Docker image asset (built at deploy time; no Docker needed to synthesize)', () => {
    const { template, stack } = make('services:\n  app:\n    build:\n      context: ./app\n      args: {NODE_ENV: production}\n      target: runtime\n      cache_from: [x]\n    ports: ["3000:3000"]\n');
    const app = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
    expect(JSON.stringify(app.Image)).toContain('cdk-hnb659fds-container-assets');
    const assembly = (stack.node.root as App).synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'S.assets.json'), 'utf-8'));
    const images = Object.values(manifest.dockerImages) as any[];
    expect(images).toHaveLength(1);
    expect(images[0].source).toMatchObject({ dockerBuildArgs: { NODE_ENV: 'production' }, dockerBuildTarget: 'runtime' });
    Annotations.fromStack(stack).hasWarning('/S/App', Match.stringLikeRegexp('services\\.app\\.build\\.cache_from: ignored'));
  });

  test('a missing context or Dockerfile is an error naming it', () => {
    expect(errorOf(() => make('services:\n  app:\n    build: ./nope\n'))).toMatch(/^services\.app\.build: the build context "\.\/nope" is not a folder/);
    expect(errorOf(() => make('services:\n  app:\n    build: {context: ./app, dockerfile: Other.Dockerfile}\n'))).toMatch(/^services\.app\.build\.dockerfile: no "Other\.Dockerfile" in the build context/);
  });
});

describe("Docker's x-aws-* keys", () => {
  test('x-aws-role, x-aws-policies, x-aws-pull_credentials and x-aws-logs_retention', () => {
    const { template } = make([
      'x-aws-logs_retention: 14',
      'services:',
      '  web:',
      '    image: private.example.com/web:1',
      '    x-aws-pull_credentials: "arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub-AbCdEf"',
      '    x-aws-policies: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]',
      '    x-aws-role:',
      '      Version: "2012-10-17"',
      '      Statement:',
      '        - Effect: Allow',
      '          Action: ["sqs:SendMessage"]',
      '          Resource: "arn:aws:sqs:us-east-1:123456789012:jobs"',
    ].join('\n'));
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ RepositoryCredentials: { CredentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub-AbCdEf' } })],
    });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:jobs' }] },
      Roles: [{ Ref: Match.stringLikeRegexp('TaskRole') }],
    });
  });

  test('x-aws-cloudformation and friends are refused by name, with what to do instead', () => {
    expect(errorOf(() => ComposeDefinition.fromYaml('x-aws-cloudformation: {}\nx-aws-vpc: vpc-123\nx-aws-bogus: 1\nservices:\n  web:\n    image: x\n', { variables: {} })).split('\n')).toEqual([
      'x-aws-cloudformation: cannot be honoured: an untyped CloudFormation overlay: change the resources through the construct\'s members (service, taskDefinition, ...) instead',
      'x-aws-vpc: cannot be honoured: pass the VPC as the vpc prop (ec2.Vpc.fromLookup)',
    ]);
  });

  test('an x-aws-* key the construct does not read is an extension like any x- key: a warning, its anchors read where used', () => {
    const yaml = 'x-aws-s3-env: &s3\n  BUCKET: uploads\nservices:\n  web:\n    image: nginx\n    environment: *s3\n    x-aws-autoscale: {max: 3}\n';
    const model = ComposeDefinition.fromYaml(yaml, { variables: {} })._model;
    expect(model.services[0].environment).toEqual([expect.objectContaining({ name: 'BUCKET', value: 'uploads' })]);
    expect(model.warnings.filter(w => w.id === 'unknown-extension').map(w => [w.path.join('.'), w.message])).toEqual([
      ['x-aws-s3-env', 'not read: "x-aws-s3-env" is not one of the Docker ECS top-level keys this construct reads (x-aws-logs_retention, x-aws-vpc, x-aws-cluster, x-aws-loadbalancer, x-aws-cloudformation), so it is left out as an extension; its anchors are read where they are used'],
      ['services.web.x-aws-autoscale', 'not read: "x-aws-autoscale" is not one of the Docker ECS service keys this construct reads (x-aws-role, x-aws-policies, x-aws-pull_credentials), so it is left out as an extension; its anchors are read where they are used'],
    ]);
    // other x- blocks are extensions without a word, as in Docker Compose
    expect(ComposeDefinition.fromYaml('x-common: &c\n  image: nginx\nservices:\n  web:\n    <<: *c\n', { variables: {} })._model.warnings).toEqual([]);
  });

  test('a logs retention CloudWatch does not offer is an error', () => {
    expect(errorOf(() => ComposeDefinition.fromYaml('x-aws-logs_retention: 10\nservices:\n  web:\n    image: x\n', { variables: {} })))
      .toMatch(/^x-aws-logs_retention: CloudWatch Logs keeps events for 1, 3, 5, 7, 14, 30/);
  });
});

