/**
 * The production side of the construct, built from props: load balancers, existing target
 * groups and auto scaling. Not part of the public API.
 */
import { Annotations, CfnOutput, Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { AutoScalingOptions, ExistingTargetGroup, LoadBalancerOptions, LoadBalancerTarget, LoadBalancerType } from './options';
import { ECS_QUOTAS } from './private/facts/ecs-limits';
import { ContainerPlan, holdsSensitivePort, TaskPlan } from './private/plan/model';
import { balancesNetwork, defaultTargets } from './private/plan/service-options';
import { DocPath, Problems } from './private/problems';

/** An ECS service a load balancer may send traffic to. */
export interface BalancedService {
  readonly service: ecs.FargateService;
  readonly task: TaskPlan;
  /** The containers a target may name (one task: all; a project: the compose service's own). */
  readonly targetable: string[];
  /** The security group the construct made for it. */
  readonly securityGroup?: ec2.ISecurityGroup;
}

export interface LoadBalancingInput {
  readonly vpc?: ec2.IVpc;
  readonly services: BalancedService[];
  readonly loadBalancer?: LoadBalancerOptions;
  readonly existingTargetGroups: ExistingTargetGroup[];
  /** The Docker ECS x-aws-protocol values of the published ports. */
  readonly portProtocols: string[];
}

export interface LoadBalancing {
  readonly applicationLoadBalancer?: elbv2.ApplicationLoadBalancer;
  readonly networkLoadBalancer?: elbv2.NetworkLoadBalancer;
  readonly targetGroups: elbv2.ITargetGroup[];
  /** The Application Load Balancer target groups, by ECS service (for request count scaling). */
  readonly applicationTargetGroups: Map<ecs.FargateService, elbv2.ApplicationTargetGroup[]>;
  /** The ECS services a target group sends traffic to. */
  readonly targetServices: Set<ecs.FargateService>;
  /** The load balancer and its routes, for the diagram. */
  readonly picture?: { readonly type: string; readonly routes: { listenerPort: number; service: string; containerPort: number; route?: string }[] };
  readonly url?: string;
}

interface ResolvedTarget extends LoadBalancerTarget {
  readonly listenerPort: number;
  readonly protocol: 'tcp' | 'udp';
  readonly container: ContainerPlan;
  readonly owner: BalancedService;
  readonly at: DocPath;
}

/** A listener, as its URL shows it. */
interface Endpoint {
  readonly scheme: 'http' | 'https' | 'tcp' | 'tls' | 'udp';
  readonly port: number;
  /** Whether its default action forwards (rather than only rules on paths or hosts). */
  readonly answers: boolean;
}

/** The ports a scheme implies: a URL names any other. TCP, TLS and UDP imply none. */
const DEFAULT_PORTS: Partial<Record<Endpoint['scheme'], number>> = { http: 80, https: 443 };

function endpointUrl(e: Endpoint, host: string): string {
  return DEFAULT_PORTS[e.scheme] === e.port ? `${e.scheme}://${host}` : `${e.scheme}://${host}:${e.port}`;
}

/** The load balancer type: the prop, else Docker's x-aws-protocol, else Application. */
function balancerType(options: LoadBalancerOptions, protocols: string[]): LoadBalancerType {
  return balancesNetwork(options, protocols) ? LoadBalancerType.NETWORK : LoadBalancerType.APPLICATION;
}

/** Check a target against the containers: it must name a compose service that publishes the port. */
function findContainer(services: BalancedService[], service: string, port: number, at: DocPath, problems: Problems) {
  const owner = services.find(s => s.targetable.includes(service));
  const container = owner?.task.containers.find(c => c.name === service);
  if (!owner || !container) {
    problems.error([...at, 'service'], `no compose service named ${JSON.stringify(service)}: the services are ${services.flatMap(s => s.targetable).join(', ')}`);
    return undefined;
  }
  const mapping = container.portMappings.find(p => p.containerPort <= port && port <= p.containerPortEnd);
  if (!mapping) {
    problems.error([...at, 'containerPort'], `${service} publishes no port ${port}: list it under the service's ports (published: ${container.portMappings.map(p => p.containerPort).join(', ') || 'none'})`);
    return undefined;
  }
  return { container, owner, protocol: mapping.protocol, hostPort: mapping.containerPort === port ? mapping.hostPort : undefined };
}

function resolveTargets(
  options: LoadBalancerOptions, type: LoadBalancerType, services: BalancedService[], tls: boolean, problems: Problems,
): ResolvedTarget[] {
  // The host port compose publishes the container port on ("8080:80"), else the load balancer's usual port.
  const defaultListener = (containerPort: number, hostPort: number | undefined) => {
    if (hostPort !== undefined) return tls && hostPort === 80 && type === LoadBalancerType.APPLICATION ? 443 : hostPort;
    return type === LoadBalancerType.NETWORK ? containerPort : tls ? 443 : 80;
  };
  const given: LoadBalancerTarget[] = options.targets ??
    defaultTargets(services.flatMap(s => s.task.containers.filter(c => s.targetable.includes(c.name))), type === LoadBalancerType.NETWORK);
  if (given.length === 0) {
    problems.error(['loadBalancer', 'targets'], 'nothing to balance: the compose file publishes no port; list targets or publish one under a service\'s ports');
  }
  const out: ResolvedTarget[] = [];
  given.forEach((t, i) => {
    const at = ['loadBalancer', 'targets', i];
    const found = findContainer(services, t.service, t.containerPort, at, problems);
    if (!found) return;
    if (type === LoadBalancerType.APPLICATION && found.protocol === 'udp') {
      problems.error([...at, 'containerPort'], `${t.service} publishes ${t.containerPort} as udp: an Application Load Balancer carries HTTP over TCP; use LoadBalancerType.NETWORK`);
      return;
    }
    if (type === LoadBalancerType.NETWORK && (t.pathPattern !== undefined || t.hostHeader !== undefined)) {
      problems.error([...at], 'pathPattern and hostHeader route HTTP requests: they need LoadBalancerType.APPLICATION');
      return;
    }
    const listenerPort = t.listenerPort ?? defaultListener(t.containerPort, found.hostPort);
    if (!Number.isInteger(listenerPort) || listenerPort < 1 || listenerPort > 65535) {
      problems.error([...at, 'listenerPort'], `expected a port from 1 to 65535, got ${listenerPort}`);
      return;
    }
    out.push({ ...t, listenerPort, protocol: found.protocol, container: found.container, owner: found.owner, at });
  });
  // One default action per listener: targets sharing a listener need path or host conditions.
  const byListener = new Map<number, ResolvedTarget[]>();
  for (const t of out) byListener.set(t.listenerPort, [...(byListener.get(t.listenerPort) ?? []), t]);
  for (const [port, targets] of byListener) {
    const plain = targets.filter(t => t.pathPattern === undefined && t.hostHeader === undefined);
    if (plain.length > 1 || (type === LoadBalancerType.NETWORK && targets.length > 1)) {
      problems.error(plain[1]?.at ?? targets[1].at, `listener port ${port} already sends its traffic to ${plain[0]?.service ?? targets[0].service}:${plain[0]?.containerPort ?? targets[0].containerPort}: give this target another listenerPort${type === LoadBalancerType.APPLICATION ? ', a pathPattern or a hostHeader' : ''}`);
    }
  }
  return out;
}

/** ECS registers a service with at most 5 target groups: existing ones and the load balancer's together. */
function checkTargetGroupsPerService(groups: { owner: BalancedService; label: string }[], listed: boolean, problems: Problems) {
  const max = ECS_QUOTAS.targetGroupsPerService;
  for (const owner of new Set(groups.map(g => g.owner))) {
    const mine = groups.filter(g => g.owner === owner).map(g => g.label);
    if (mine.length <= max) continue;
    problems.error(listed ? ['loadBalancer', 'targets'] : ['loadBalancer'],
      `${mine.length} target groups for one ECS service (${mine.join(', ')}): ECS registers a service with at most ${max} target groups${listed ? '' : '; by default every published port is a target: list the ones the load balancer serves in targets'}`);
  }
}

/** The health check of a target: from the container's compose healthcheck where it probes a local URL. */
export function deriveHealthCheck(container: ContainerPlan, containerPort: number): elbv2.HealthCheck | undefined {
  const hc = container.healthCheck;
  if (!hc) return undefined;
  const text = hc.command.slice(1).join(' ');
  const m = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::(\d+))?(\/[^\s'"]*)?/.exec(text);
  if (!m) return undefined;
  const port = m[1] === undefined ? (text.includes('https://') ? 443 : 80) : parseInt(m[1], 10);
  if (port !== containerPort) return undefined;
  const interval = hc.intervalSeconds;
  const timeout = hc.timeoutSeconds;
  // The load balancer's limits: interval 5-300 s, timeout 2-120 s and below the interval.
  const useTimes = interval !== undefined && timeout !== undefined && timeout < interval;
  return {
    path: m[2] ?? '/',
    interval: useTimes ? Duration.seconds(interval) : undefined,
    timeout: useTimes ? Duration.seconds(timeout) : undefined,
    unhealthyThresholdCount: hc.retries !== undefined && hc.retries >= 2 ? hc.retries : undefined,
  };
}

export function addLoadBalancing(scope: Construct, input: LoadBalancingInput): LoadBalancing {
  const { services, loadBalancer: options } = input;
  const targetGroups: elbv2.ITargetGroup[] = [];
  const applicationTargetGroups = new Map<ecs.FargateService, elbv2.ApplicationTargetGroup[]>();
  const problems = new Problems();
  const existing = input.existingTargetGroups.map((e, i) => ({ e, found: findContainer(services, e.service, e.containerPort, ['existingTargetGroups', i], problems) }));
  problems.throwIfAny();
  existing.forEach(({ e, found }, i) => {
    const owner = found!.owner;
    const target = owner.service.loadBalancerTarget({ containerName: e.service, containerPort: e.containerPort });
    if ((e.loadBalancerType ?? LoadBalancerType.APPLICATION) === LoadBalancerType.APPLICATION) {
      const tg = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(scope, `ExistingTargetGroup${i}`, { targetGroupArn: e.targetGroupArn });
      tg.addTarget(target);
      targetGroups.push(tg);
    } else {
      const tg = elbv2.NetworkTargetGroup.fromTargetGroupAttributes(scope, `ExistingTargetGroup${i}`, { targetGroupArn: e.targetGroupArn });
      tg.addTarget(target);
      targetGroups.push(tg);
    }
    // The load balancer is not known here: admit the port from within the VPC.
    if (owner.securityGroup && input.vpc) {
      owner.securityGroup.addIngressRule(ec2.Peer.ipv4(input.vpc.vpcCidrBlock), ec2.Port.tcp(e.containerPort), `${e.service}:${e.containerPort} from the VPC (existing target group)`);
    }
  });
  const targetServices = new Set(existing.map(x => x.found!.owner.service));
  if (!options) return { targetGroups, applicationTargetGroups, targetServices };

  if (!input.vpc) {
    problems.error(['loadBalancer'], 'a load balancer needs the VPC, and the ecs-params subnets do not name it: pass the vpc prop');
    problems.throwIfAny();
  }
  const vpc = input.vpc!;
  if ((options.domainName === undefined) !== (options.domainZone === undefined)) {
    problems.error(['loadBalancer', options.domainName === undefined ? 'domainName' : 'domainZone'], 'domainName and domainZone go together');
  }
  const type = balancerType(options, input.portProtocols);
  const tls = options.certificate !== undefined || options.domainZone !== undefined;
  const targets = resolveTargets(options, type, services, tls, problems);
  checkTargetGroupsPerService([...existing.map(x => ({ owner: x.found!.owner, label: `${x.e.service}:${x.e.containerPort}` })),
    ...targets.map(t => ({ owner: t.owner, label: `${t.service}:${t.containerPort}` }))], options.targets !== undefined, problems);
  problems.throwIfAny();
  for (const t of targets) targetServices.add(t.owner.service);

  const internetFacing = options.publicLoadBalancer ?? true;
  const certificate = options.certificate ?? (options.domainName && options.domainZone
    ? new acm.Certificate(scope, 'Certificate', {
      domainName: options.domainName,
      validation: acm.CertificateValidation.fromDns(options.domainZone),
    })
    : undefined);

  let lb: elbv2.ApplicationLoadBalancer | elbv2.NetworkLoadBalancer;
  /** The listeners, in the order of their first target. */
  const endpoints: Endpoint[] = [];
  if (type === LoadBalancerType.APPLICATION) {
    const alb = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', { vpc, internetFacing });
    lb = alb;
    // Each listener gets its default action once, when it is made: the target without conditions, else a 404.
    const byListener = new Map<number, { target: ResolvedTarget; group: elbv2.ApplicationTargetGroup; index: number }[]>();
    targets.forEach((t, i) => {
      const tg = new elbv2.ApplicationTargetGroup(scope, `TargetGroup${i}`, {
        vpc,
        port: t.containerPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        healthCheck: options.healthCheck ?? deriveHealthCheck(t.container, t.containerPort),
        targets: [t.owner.service.loadBalancerTarget({ containerName: t.service, containerPort: t.containerPort })],
      });
      byListener.set(t.listenerPort, [...(byListener.get(t.listenerPort) ?? []), { target: t, group: tg, index: i }]);
      targetGroups.push(tg);
      applicationTargetGroups.set(t.owner.service, [...(applicationTargetGroups.get(t.owner.service) ?? []), tg]);
    });
    const listeners = new Map<number, elbv2.ApplicationListener>();
    for (const [port, routed] of byListener) {
      const https = certificate !== undefined && port !== 80;
      const plain = routed.find(r => r.target.pathPattern === undefined && r.target.hostHeader === undefined);
      const listener = alb.addListener(`Listener${port}`, {
        port,
        protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
        certificates: https ? [certificate!] : undefined,
        open: internetFacing,
        defaultAction: plain
          ? elbv2.ListenerAction.forward([plain.group])
          : elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not Found' }),
      });
      if (!internetFacing) listener.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock));
      listeners.set(port, listener);
      endpoints.push({ scheme: https ? 'https' : 'http', port, answers: plain !== undefined });
    }
    // The rules in the order of the targets, so that their priorities follow it.
    let priority = 1;
    for (const { target: t, group, index } of [...byListener.values()].flat().sort((a, b) => a.index - b.index)) {
      const conditions = [
        ...(t.pathPattern !== undefined ? [elbv2.ListenerCondition.pathPatterns([t.pathPattern])] : []),
        ...(t.hostHeader !== undefined ? [elbv2.ListenerCondition.hostHeaders([t.hostHeader])] : []),
      ];
      if (conditions.length === 0) continue;
      listeners.get(t.listenerPort)!.addTargetGroups(`Rule${index}`, { targetGroups: [group], conditions, priority: priority++ });
    }
    if (certificate && !listeners.has(80)) {
      alb.addRedirect({
        sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443, targetProtocol: elbv2.ApplicationProtocol.HTTPS,
      });
    }
  } else {
    const sg = new ec2.SecurityGroup(scope, 'LoadBalancerSecurityGroup', {
      vpc,
      description: 'Network Load Balancer of the service',
      allowAllOutbound: false,
    });
    const nlb = new elbv2.NetworkLoadBalancer(scope, 'LoadBalancer', { vpc, internetFacing, securityGroups: [sg] });
    lb = nlb;
    targets.forEach((t, i) => {
      const udp = t.protocol === 'udp';
      const listener = nlb.addListener(`Listener${t.listenerPort}`, {
        port: t.listenerPort,
        protocol: udp ? elbv2.Protocol.UDP : certificate ? elbv2.Protocol.TLS : elbv2.Protocol.TCP,
        certificates: !udp && certificate ? [elbv2.ListenerCertificate.fromCertificateManager(certificate)] : undefined,
      });
      const tg = new elbv2.NetworkTargetGroup(scope, `TargetGroup${i}`, {
        vpc,
        port: t.containerPort,
        protocol: udp ? elbv2.Protocol.UDP : elbv2.Protocol.TCP,
        targetType: elbv2.TargetType.IP,
        healthCheck: options.healthCheck,
        targets: [t.owner.service.loadBalancerTarget({
          containerName: t.service, containerPort: t.containerPort, protocol: udp ? ecs.Protocol.UDP : ecs.Protocol.TCP,
        })],
      });
      listener.addTargetGroups(`Default${i}`, tg);
      endpoints.push({ scheme: udp ? 'udp' : certificate ? 'tls' : 'tcp', port: t.listenerPort, answers: true });
      const listenerPort = udp ? ec2.Port.udp(t.listenerPort) : ec2.Port.tcp(t.listenerPort);
      const sensitive = holdsSensitivePort(t.listenerPort, t.listenerPort) !== undefined;
      if (sensitive && internetFacing) {
        Annotations.of(scope).addWarningV2('cdk-compose-fargate:sensitive-port', `loadBalancer listener ${t.listenerPort} is an administration or database port: its security group admits it from the VPC only, not from the internet; add rules to networkLoadBalancer.connections if you mean to expose it`);
      }
      sg.addIngressRule(internetFacing && !sensitive ? ec2.Peer.anyIpv4() : ec2.Peer.ipv4(vpc.vpcCidrBlock), listenerPort, `listener ${t.listenerPort}`);
      const containerPort = udp ? ec2.Port.udp(t.containerPort) : ec2.Port.tcp(t.containerPort);
      sg.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), containerPort, `to ${t.service}:${t.containerPort}`);
      t.owner.service.connections.allowFrom(sg, containerPort, `from the load balancer to ${t.service}:${t.containerPort}`);
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
  // The URL: of the first listener that answers every request (not only routed paths or hosts), else of the first.
  const main = endpoints.find(e => e.answers) ?? endpoints[0];
  const url = endpointUrl(main, host);
  new CfnOutput(scope, 'Url', { value: url, description: 'The URL of the service' });
  for (const e of endpoints.filter(x => x !== main)) {
    new CfnOutput(scope, `Url${e.port}`, { value: endpointUrl(e, host), description: `The URL of the service's listener on port ${e.port}` });
  }
  return {
    applicationLoadBalancer: lb instanceof elbv2.ApplicationLoadBalancer ? lb : undefined,
    networkLoadBalancer: lb instanceof elbv2.NetworkLoadBalancer ? lb : undefined,
    targetGroups,
    applicationTargetGroups,
    targetServices,
    url,
    picture: {
      type: type === LoadBalancerType.NETWORK ? 'Network Load Balancer' : 'Application Load Balancer',
      routes: targets.map(t => ({
        listenerPort: t.listenerPort,
        service: t.service,
        containerPort: t.containerPort,
        route: [t.hostHeader, t.pathPattern].filter(x => x !== undefined).join(' ') || undefined,
      })),
    },
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

