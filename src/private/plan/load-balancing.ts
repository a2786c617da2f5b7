/**
 * The load balancing plan: which container ports the load balancer (or target groups made
 * elsewhere) send traffic to, on which listeners, with which health checks, and what the URL is.
 * Every user error of the loadBalancer and existingTargetGroups props is found here, each at its
 * path (`loadBalancer.targets[1].containerPort`), before any resource exists. Pure: the props are
 * read through their types only.
 */
import type { ExistingTargetGroup, LoadBalancerOptions, LoadBalancerTarget } from '../../options';
import { ECS_QUOTAS } from '../facts/ecs-limits';
import { DocPath, Problems } from '../problems';
import { ContainerPlan, holdsSensitivePort, TaskPlan } from './model';

/** The load balancer type the props and the compose file choose: the prop, else Docker's x-aws-protocol, else Application. */
export function balancesNetwork(options: LoadBalancerOptions, protocols: string[]): boolean {
  // LoadBalancerType is an enum of the public API (not imported here: the plan has no CDK at run time).
  if (options.loadBalancerType !== undefined) return String(options.loadBalancerType) === 'NETWORK';
  return protocols.length > 0 && protocols.every(p => p === 'tcp' || p === 'udp' || p === 'tls');
}

/**
 * The targets a load balancer without a `targets` list gets: every single port published over TCP
 * (any protocol for a Network Load Balancer) by the containers it may name.
 */
export function defaultTargets(containers: ContainerPlan[], network: boolean): Pick<LoadBalancerTarget, 'service' | 'containerPort'>[] {
  return containers.flatMap(c => c.portMappings
    .filter(p => !p.exposed && p.containerPort === p.containerPortEnd && (network || p.protocol === 'tcp'))
    .map(p => ({ service: c.name, containerPort: p.containerPort })));
}

/** An ECS service a load balancer may send traffic to. */
export interface BalanceableService {
  /** Names the ECS service in the plan (the compose service in a project, the project in one task). */
  readonly key: string;
  readonly task: TaskPlan;
  /** The containers a target may name (one task: all but an added log router; a project: the compose service's own). */
  readonly targetable: string[];
}

/** The load balancer's health check of a target, derived from the container's compose healthcheck. */
export interface TargetHealthCheckPlan {
  readonly path: string;
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly unhealthyThresholdCount?: number;
}

/** A target of the load balancer: a container port of one ECS service behind one listener. */
export interface TargetPlan extends LoadBalancerTarget {
  readonly listenerPort: number;
  readonly protocol: 'tcp' | 'udp';
  /** The key of the ECS service whose task holds the container. */
  readonly owner: string;
  /** From the compose healthcheck, where it probes this port on localhost (the prop's health check beats it). */
  readonly derivedHealthCheck?: TargetHealthCheckPlan;
  /** A Network Load Balancer listener on an administration or database port: admitted from the VPC only. */
  readonly sensitiveListener: boolean;
}

/** A listener, as its URL shows it. */
export interface ListenerPlan {
  readonly scheme: 'http' | 'https' | 'tcp' | 'tls' | 'udp';
  readonly port: number;
  /** Application Load Balancer: the targets on this listener, by index in `targets`. */
  readonly targets: number[];
  /** The target of its default action (one without path or host); none: a 404, only rules forward. */
  readonly defaultTarget?: number;
}

export interface LoadBalancerPlan {
  readonly network: boolean;
  readonly tls: boolean;
  readonly internetFacing: boolean;
  readonly targets: TargetPlan[];
  /** In the order of their first target. */
  readonly listeners: ListenerPlan[];
  /** The listener whose URL is the service's: the first that forwards every request, else the first. */
  readonly mainListener: number;
  /** An HTTPS Application Load Balancer without a listener on 80 redirects 80 to 443. */
  readonly redirectHttp: boolean;
}

/** A target group made elsewhere that an ECS service registers with. */
export interface ExistingTargetPlan {
  readonly targetGroupArn: string;
  readonly network: boolean;
  readonly service: string;
  readonly containerPort: number;
  readonly owner: string;
}

export interface LoadBalancingPlan {
  readonly existing: ExistingTargetPlan[];
  readonly balancer?: LoadBalancerPlan;
}

export interface LoadBalancingInput {
  readonly services: BalanceableService[];
  readonly loadBalancer?: LoadBalancerOptions;
  readonly existingTargetGroups: ExistingTargetGroup[];
  /** Whether the deployment has a VPC object (not only ecs-params subnet IDs). */
  readonly hasVpc: boolean;
}

/** The ports a scheme implies: a URL names any other. TCP, TLS and UDP imply none. */
const DEFAULT_PORTS: Partial<Record<ListenerPlan['scheme'], number>> = { http: 80, https: 443 };

/** The URL of a listener on a host. */
export function listenerUrl(listener: ListenerPlan, host: string): string {
  return DEFAULT_PORTS[listener.scheme] === listener.port ? `${listener.scheme}://${host}` : `${listener.scheme}://${host}:${listener.port}`;
}

/** The keys of the ECS services some target group sends traffic to. */
export function targetOwners(plan: LoadBalancingPlan | undefined): Set<string> {
  return new Set([...plan?.existing ?? [], ...plan?.balancer?.targets ?? []].map(t => t.owner));
}

/** The load balancing of the services, or undefined when the props have a problem (recorded in problems). */
export function planLoadBalancing(input: LoadBalancingInput, problems: Problems): LoadBalancingPlan | undefined {
  const before = problems.errors.length;
  const existing: ExistingTargetPlan[] = [];
  input.existingTargetGroups.forEach((e, i) => {
    const found = findTarget(input.services, e.service, e.containerPort, ['existingTargetGroups', i], problems);
    if (!found) return;
    existing.push({
      targetGroupArn: e.targetGroupArn,
      network: e.loadBalancerType !== undefined && String(e.loadBalancerType) === 'NETWORK',
      service: e.service,
      containerPort: e.containerPort,
      owner: found.owner.key,
    });
  });
  const options = input.loadBalancer;
  let balancer: LoadBalancerPlan | undefined;
  if (options) {
    if (!input.hasVpc) problems.error(['loadBalancer'], 'a load balancer needs the VPC, and the ecs-params subnets do not name it: pass the vpc prop');
    if ((options.domainName === undefined) !== (options.domainZone === undefined)) {
      problems.error(['loadBalancer', options.domainName === undefined ? 'domainName' : 'domainZone'], 'domainName and domainZone go together');
    }
    const network = balancesNetwork(options, [...new Set(input.services.flatMap(s => s.task.portProtocols))]);
    const tls = options.certificate !== undefined || options.domainZone !== undefined;
    const internetFacing = options.publicLoadBalancer ?? true;
    const targets = resolveTargets(options, network, input.services, tls, internetFacing, problems);
    checkTargetGroupsPerService([...existing, ...targets], options.targets !== undefined, problems);
    const listeners = network ? networkListeners(targets, tls) : applicationListeners(targets, tls);
    const main = listeners.findIndex(l => l.defaultTarget !== undefined);
    balancer = {
      network,
      tls,
      internetFacing,
      targets,
      listeners,
      mainListener: Math.max(main, 0),
      redirectHttp: !network && tls && !listeners.some(l => l.port === 80),
    };
  }
  return problems.errors.length > before ? undefined : { existing, balancer };
}

/** A target must name a container of the services that publishes the port. */
function findTarget(services: BalanceableService[], service: string, port: number, at: DocPath, problems: Problems) {
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
  options: LoadBalancerOptions, network: boolean, services: BalanceableService[], tls: boolean, internetFacing: boolean, problems: Problems,
): TargetPlan[] {
  // The host port compose publishes the container port on ("8080:80"), else the load balancer's usual port.
  const defaultListener = (containerPort: number, hostPort: number | undefined) => {
    if (hostPort !== undefined) return tls && hostPort === 80 && !network ? 443 : hostPort;
    return network ? containerPort : tls ? 443 : 80;
  };
  const given: LoadBalancerTarget[] = options.targets ??
    defaultTargets(services.flatMap(s => s.task.containers.filter(c => s.targetable.includes(c.name))), network);
  if (given.length === 0) {
    problems.error(['loadBalancer', 'targets'], 'nothing to balance: the compose file publishes no port; list targets or publish one under a service\'s ports');
  }
  const out: (TargetPlan & { at: DocPath })[] = [];
  given.forEach((t, i) => {
    const at = ['loadBalancer', 'targets', i];
    const found = findTarget(services, t.service, t.containerPort, at, problems);
    if (!found) return;
    if (!network && found.protocol === 'udp') {
      problems.error([...at, 'containerPort'], `${t.service} publishes ${t.containerPort} as udp: an Application Load Balancer carries HTTP over TCP; use LoadBalancerType.NETWORK`);
      return;
    }
    if (network && (t.pathPattern !== undefined || t.hostHeader !== undefined)) {
      problems.error([...at], 'pathPattern and hostHeader route HTTP requests: they need LoadBalancerType.APPLICATION');
      return;
    }
    const listenerPort = t.listenerPort ?? defaultListener(t.containerPort, found.hostPort);
    if (!Number.isInteger(listenerPort) || listenerPort < 1 || listenerPort > 65535) {
      problems.error([...at, 'listenerPort'], `expected a port from 1 to 65535, got ${listenerPort}`);
      return;
    }
    out.push({
      ...t,
      listenerPort,
      protocol: found.protocol,
      owner: found.owner.key,
      derivedHealthCheck: network ? undefined : deriveHealthCheck(found.container, t.containerPort),
      sensitiveListener: network && holdsSensitivePort(listenerPort, listenerPort) !== undefined,
      at,
    });
  });
  // One default action per listener: targets sharing a listener need path or host conditions.
  const byListener = new Map<number, (TargetPlan & { at: DocPath })[]>();
  for (const t of out) byListener.set(t.listenerPort, [...(byListener.get(t.listenerPort) ?? []), t]);
  for (const [port, targets] of byListener) {
    const plain = targets.filter(t => t.pathPattern === undefined && t.hostHeader === undefined);
    if (plain.length > 1 || (network && targets.length > 1)) {
      problems.error(plain[1]?.at ?? targets[1].at, `listener port ${port} already sends its traffic to ${plain[0]?.service ?? targets[0].service}:${plain[0]?.containerPort ?? targets[0].containerPort}: give this target another listenerPort${network ? '' : ', a pathPattern or a hostHeader'}`);
    }
  }
  for (const t of out) {
    if (t.sensitiveListener && internetFacing) {
      problems.warn('sensitive-port', ['loadBalancer'], `listener ${t.listenerPort} is an administration or database port: its security group admits it from the VPC only, not from the internet; add rules to networkLoadBalancer.connections if you mean to expose it`);
    }
  }
  return out.map(({ at, ...t }) => t);
}

/** Application Load Balancer: a listener per port, HTTPS with a certificate (but on 80); its default action is the target without conditions. */
function applicationListeners(targets: TargetPlan[], tls: boolean): ListenerPlan[] {
  const ports = [...new Set(targets.map(t => t.listenerPort))];
  return ports.map(port => {
    const mine = targets.map((t, i) => ({ t, i })).filter(x => x.t.listenerPort === port);
    const plain = mine.find(x => x.t.pathPattern === undefined && x.t.hostHeader === undefined);
    return { scheme: tls && port !== 80 ? 'https' : 'http', port, targets: mine.map(x => x.i), defaultTarget: plain?.i };
  });
}

/** Network Load Balancer: a listener per target, TLS with a certificate (but for UDP). */
function networkListeners(targets: TargetPlan[], tls: boolean): ListenerPlan[] {
  return targets.map((t, i) => ({
    scheme: t.protocol === 'udp' ? 'udp' : tls ? 'tls' : 'tcp',
    port: t.listenerPort,
    targets: [i],
    defaultTarget: i,
  }));
}

/** ECS registers a service with at most 5 target groups: existing ones and the load balancer's together. */
function checkTargetGroupsPerService(groups: { owner: string; service: string; containerPort: number }[], listed: boolean, problems: Problems) {
  const max = ECS_QUOTAS.targetGroupsPerService;
  for (const owner of new Set(groups.map(g => g.owner))) {
    const mine = groups.filter(g => g.owner === owner).map(g => `${g.service}:${g.containerPort}`);
    if (mine.length <= max) continue;
    problems.error(listed ? ['loadBalancer', 'targets'] : ['loadBalancer'],
      `${mine.length} target groups for one ECS service (${mine.join(', ')}): ECS registers a service with at most ${max} target groups${listed ? '' : '; by default every published port is a target: list the ones the load balancer serves in targets'}`);
  }
}

/** The health check of a target: from the container's compose healthcheck where it probes a local URL on the target's port. */
export function deriveHealthCheck(container: ContainerPlan, containerPort: number): TargetHealthCheckPlan | undefined {
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
    intervalSeconds: useTimes ? interval : undefined,
    timeoutSeconds: useTimes ? timeout : undefined,
    unhealthyThresholdCount: hc.retries !== undefined && hc.retries >= 2 ? hc.retries : undefined,
  };
}

/** The load balancer and its routes, as the diagram draws them. */
export function balancerPicture(plan: LoadBalancingPlan | undefined): BalancerPicture | undefined {
  const balancer = plan?.balancer;
  return balancer && {
    type: balancer.network ? 'Network Load Balancer' : 'Application Load Balancer',
    routes: balancer.targets.map(t => ({
      listenerPort: t.listenerPort,
      service: t.service,
      containerPort: t.containerPort,
      route: [t.hostHeader, t.pathPattern].filter(x => x !== undefined).join(' ') || undefined,
    })),
  };
}

export interface BalancerPicture {
  readonly type: string;
  readonly routes: { listenerPort: number; service: string; containerPort: number; route?: string }[];
}
