/**
 * The load balancer, its listeners, target groups, DNS record and URL outputs, and the existing
 * target groups, from the load balancing plan; and service auto scaling. Only resources: the
 * targets, listeners and every user error were settled in the plan (plan/load-balancing.ts).
 */
import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { AutoScalingOptions, LoadBalancerOptions } from '../options';
import { listenerUrl, LoadBalancingPlan, TargetHealthCheckPlan, TargetPlan } from '../private/plan/load-balancing';

/** The ECS service of a plan key, and the security group made for it. */
export interface BalancedService {
  readonly service: ecs.FargateService;
  readonly securityGroup?: ec2.ISecurityGroup;
}

export interface LoadBalancing {
  readonly applicationLoadBalancer?: elbv2.ApplicationLoadBalancer;
  readonly networkLoadBalancer?: elbv2.NetworkLoadBalancer;
  readonly targetGroups: elbv2.ITargetGroup[];
  /** The first Application Load Balancer target group of each ECS service, by plan key (for request count scaling). */
  readonly requestTargetGroups: Map<string, elbv2.ApplicationTargetGroup>;
  readonly url?: string;
}

function healthCheckOf(plan: TargetHealthCheckPlan | undefined): elbv2.HealthCheck | undefined {
  return plan && {
    path: plan.path,
    interval: plan.intervalSeconds !== undefined ? Duration.seconds(plan.intervalSeconds) : undefined,
    timeout: plan.timeoutSeconds !== undefined ? Duration.seconds(plan.timeoutSeconds) : undefined,
    unhealthyThresholdCount: plan.unhealthyThresholdCount,
  };
}

/** The load balancer and target groups of the plan, registering the services (by plan key). */
export function buildLoadBalancing(
  scope: Construct, plan: LoadBalancingPlan, options: LoadBalancerOptions | undefined,
  services: Map<string, BalancedService>, vpc: ec2.IVpc | undefined,
): LoadBalancing {
  const targetGroups: elbv2.ITargetGroup[] = [];
  const requestTargetGroups = new Map<string, elbv2.ApplicationTargetGroup>();
  plan.existing.forEach((e, i) => {
    const owner = services.get(e.owner)!;
    const target = owner.service.loadBalancerTarget({ containerName: e.service, containerPort: e.containerPort });
    if (!e.network) {
      const tg = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(scope, `ExistingTargetGroup${i}`, { targetGroupArn: e.targetGroupArn });
      tg.addTarget(target);
      targetGroups.push(tg);
    } else {
      const tg = elbv2.NetworkTargetGroup.fromTargetGroupAttributes(scope, `ExistingTargetGroup${i}`, { targetGroupArn: e.targetGroupArn });
      tg.addTarget(target);
      targetGroups.push(tg);
    }
    // The load balancer is not known here: admit the port from within the VPC.
    if (owner.securityGroup && vpc) {
      owner.securityGroup.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(e.containerPort), `${e.service}:${e.containerPort} from the VPC (existing target group)`);
    }
  });
  const balancer = plan.balancer;
  if (!options || !balancer) return { targetGroups, requestTargetGroups };
  // The plan refused a load balancer without a VPC.
  const lbVpc = vpc!;
  const certificate = options.certificate ?? (options.domainName && options.domainZone
    ? new acm.Certificate(scope, 'Certificate', {
      domainName: options.domainName,
      validation: acm.CertificateValidation.fromDns(options.domainZone),
    })
    : undefined);
  const internetFacing = balancer.internetFacing;
  const registered = (t: TargetPlan, protocol?: ecs.Protocol) =>
    services.get(t.owner)!.service.loadBalancerTarget({ containerName: t.service, containerPort: t.containerPort, protocol });

  let lb: elbv2.ApplicationLoadBalancer | elbv2.NetworkLoadBalancer;
  if (!balancer.network) {
    const alb = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', { vpc: lbVpc, internetFacing });
    lb = alb;
    const groups = balancer.targets.map((t, i) => {
      const tg = new elbv2.ApplicationTargetGroup(scope, `TargetGroup${i}`, {
        vpc: lbVpc,
        port: t.containerPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        healthCheck: options.healthCheck ?? healthCheckOf(t.derivedHealthCheck),
        targets: [registered(t)],
      });
      targetGroups.push(tg);
      if (!requestTargetGroups.has(t.owner)) requestTargetGroups.set(t.owner, tg);
      return tg;
    });
    // Each listener gets its default action once, when it is made: the target without conditions, else a 404.
    const listeners = new Map<number, elbv2.ApplicationListener>();
    for (const l of balancer.listeners) {
      const https = l.scheme === 'https';
      const listener = alb.addListener(`Listener${l.port}`, {
        port: l.port,
        protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
        certificates: https ? [certificate!] : undefined,
        open: internetFacing,
        defaultAction: l.defaultTarget !== undefined
          ? elbv2.ListenerAction.forward([groups[l.defaultTarget]])
          : elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not Found' }),
      });
      if (!internetFacing) listener.connections.allowDefaultPortFrom(ec2.Peer.ipv4(lbVpc.vpcCidrBlock));
      listeners.set(l.port, listener);
    }
    // The rules in the order of the targets, so that their priorities follow it.
    let priority = 1;
    balancer.targets.forEach((t, i) => {
      const conditions = [
        ...(t.pathPattern !== undefined ? [elbv2.ListenerCondition.pathPatterns([t.pathPattern])] : []),
        ...(t.hostHeader !== undefined ? [elbv2.ListenerCondition.hostHeaders([t.hostHeader])] : []),
      ];
      if (conditions.length === 0) return;
      listeners.get(t.listenerPort)!.addTargetGroups(`Rule${i}`, { targetGroups: [groups[i]], conditions, priority: priority++ });
    });
    if (balancer.redirectHttp) {
      alb.addRedirect({
        sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443, targetProtocol: elbv2.ApplicationProtocol.HTTPS,
      });
    }
  } else {
    const sg = new ec2.SecurityGroup(scope, 'LoadBalancerSecurityGroup', {
      vpc: lbVpc,
      description: 'Network Load Balancer of the service',
      allowAllOutbound: false,
    });
    const nlb = new elbv2.NetworkLoadBalancer(scope, 'LoadBalancer', { vpc: lbVpc, internetFacing, securityGroups: [sg] });
    lb = nlb;
    balancer.targets.forEach((t, i) => {
      const udp = t.protocol === 'udp';
      const listener = nlb.addListener(`Listener${t.listenerPort}`, {
        port: t.listenerPort,
        protocol: udp ? elbv2.Protocol.UDP : certificate ? elbv2.Protocol.TLS : elbv2.Protocol.TCP,
        certificates: !udp && certificate ? [elbv2.ListenerCertificate.fromCertificateManager(certificate)] : undefined,
      });
      const tg = new elbv2.NetworkTargetGroup(scope, `TargetGroup${i}`, {
        vpc: lbVpc,
        port: t.containerPort,
        protocol: udp ? elbv2.Protocol.UDP : elbv2.Protocol.TCP,
        targetType: elbv2.TargetType.IP,
        healthCheck: options.healthCheck,
        targets: [registered(t, udp ? ecs.Protocol.UDP : ecs.Protocol.TCP)],
      });
      listener.addTargetGroups(`Default${i}`, tg);
      const listenerPort = udp ? ec2.Port.udp(t.listenerPort) : ec2.Port.tcp(t.listenerPort);
      sg.addIngressRule(internetFacing && !t.sensitiveListener ? ec2.Peer.anyIpv4() : ec2.Peer.ipv4(lbVpc.vpcCidrBlock), listenerPort, `listener ${t.listenerPort}`);
      const containerPort = udp ? ec2.Port.udp(t.containerPort) : ec2.Port.tcp(t.containerPort);
      sg.addEgressRule(ec2.Peer.ipv4(lbVpc.vpcCidrBlock), containerPort, `to ${t.service}:${t.containerPort}`);
      services.get(t.owner)!.service.connections.allowFrom(sg, containerPort, `from the load balancer to ${t.service}:${t.containerPort}`);
      targetGroups.push(tg);
    });
  }

  if (options.domainName && options.domainZone) {
    new route53.ARecord(scope, 'DnsRecord', {
      zone: options.domainZone,
      recordName: options.domainName,
      target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(lb)),
    });
  }
  const host = options.domainName ?? lb.loadBalancerDnsName;
  const main = balancer.listeners[balancer.mainListener];
  const url = listenerUrl(main, host);
  new CfnOutput(scope, 'Url', { value: url, description: 'The URL of the service' });
  for (const l of balancer.listeners.filter(x => x !== main)) {
    new CfnOutput(scope, `Url${l.port}`, { value: listenerUrl(l, host), description: `The URL of the service's listener on port ${l.port}` });
  }
  return {
    applicationLoadBalancer: lb instanceof elbv2.ApplicationLoadBalancer ? lb : undefined,
    networkLoadBalancer: lb instanceof elbv2.NetworkLoadBalancer ? lb : undefined,
    targetGroups,
    requestTargetGroups,
    url,
  };
}

/** Service auto scaling: targets and schedules (checked in the plan: see checkAutoScaling). */
export function addAutoScaling(
  service: ecs.FargateService, options: AutoScalingOptions, requestTargetGroup?: elbv2.ApplicationTargetGroup,
): ecs.ScalableTaskCount {
  const min = options.minCapacity ?? 1;
  const scaling = service.autoScaleTaskCount({ minCapacity: min, maxCapacity: options.maxCapacity });
  const cooldowns = {
    scaleInCooldown: options.scaleInCooldown ?? Duration.minutes(5),
    scaleOutCooldown: options.scaleOutCooldown ?? Duration.minutes(1),
  };
  if (options.targetCpuUtilizationPercent !== undefined) {
    scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: options.targetCpuUtilizationPercent, ...cooldowns });
  }
  if (options.targetMemoryUtilizationPercent !== undefined) {
    scaling.scaleOnMemoryUtilization('MemoryScaling', { targetUtilizationPercent: options.targetMemoryUtilizationPercent, ...cooldowns });
  }
  if (options.requestsPerTarget !== undefined && requestTargetGroup) {
    scaling.scaleOnRequestCount('RequestScaling', { requestsPerTarget: options.requestsPerTarget, targetGroup: requestTargetGroup, ...cooldowns });
  }
  (options.schedules ?? []).forEach((s, i) => {
    scaling.scaleOnSchedule(`Schedule${i}`, { schedule: s.schedule, minCapacity: s.minCapacity, maxCapacity: s.maxCapacity, timeZone: s.timeZone });
  });
  return scaling;
}

