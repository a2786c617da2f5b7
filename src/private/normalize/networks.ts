/**
 * How a service is reached: its published ports, exposed ports, links and networks, and the
 * top-level networks.
 */
import { Mutable, noteDeploymentKey, ServiceBuilder, set } from './builder';
import { isPlainObject, isToken } from '../load/load';
import { DeploymentKey, PortModel, ServiceModel } from '../model';
import { describePorts, isLoopback, parseLongPort, parsePortRange, parseShortPort, Protocol } from '../ports';
import { DocPath, formatPath, Problems, quote } from '../problems';

export function readExpose(svc: ServiceBuilder, value: unknown, at: DocPath): ServiceModel['expose'] {
  const out: Mutable<ServiceModel>['expose'] = [];
  (svc.r.list(value, at) ?? []).forEach((item, i) => {
    const text = typeof item === 'number' ? String(item) : svc.r.string(item, [...at, i], 'a port ("5432" or "5432/tcp")');
    if (text === undefined) return;
    const m = /^(\d+(?:-\d+)?)(?:\/(tcp|udp))?$/i.exec(text.trim());
    const range = m ? parsePortRange(m[1]) : undefined;
    if (!m || !range) {
      svc.r.problems.error([...at, i], `${quote(item)} is not a port: expected a port or range (1-65535) with an optional "/tcp" or "/udp"`);
      return;
    }
    out.push({ containerPort: range[0], containerPortEnd: range[1], protocol: (m[2] ?? 'tcp').toLowerCase() as Protocol, path: [...at, i] });
  });
  return out;
}

export function readLinks(svc: ServiceBuilder, value: unknown, at: DocPath): ServiceModel['links'] {
  const out: Mutable<ServiceModel>['links'] = [];
  (svc.r.list(value, at) ?? []).forEach((item, i) => {
    const text = svc.r.string(item, [...at, i], 'a link ("service" or "service:alias")');
    if (text === undefined) return;
    const [service, alias] = text.split(':', 2);
    out.push({ service, alias: alias ?? service, path: [...at, i] });
  });
  return out;
}

/** The settings of a service's attachment to a network, as the Compose Specification lists them (besides aliases). */
const SERVICE_NETWORK_KEYS = ['ipv4_address', 'ipv6_address', 'link_local_ips', 'mac_address', 'driver_opts', 'priority', 'gw_priority', 'interface_name'];

/** The settings of a top-level network, as the Compose Specification lists them. */
const NETWORK_KEYS = ['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'enable_ipv4', 'enable_ipv6', 'attachable', 'labels'];

export function readServiceNetworks(svc: ServiceBuilder, value: unknown, at: DocPath): ServiceModel['networks'] {
  const out: Mutable<ServiceModel>['networks'] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const name = svc.r.string(item, [...at, i], 'a network name');
      if (name !== undefined) out.push({ name, aliases: [], path: [...at, i] });
    });
    return out;
  }
  const networks = svc.r.map(value, at, 'a list of network names or a mapping of network names to settings');
  for (const [name, settings] of Object.entries(networks ?? {})) {
    const nAt = [...at, name];
    const body = settings === null ? {} : svc.r.map(settings, nAt, 'the network\'s settings (aliases, ...)');
    const aliases = body?.aliases === undefined ? [] : svc.r.stringOrList(body.aliases, [...nAt, 'aliases']) ?? [];
    for (const key of Object.keys(body ?? {}).filter(k => k !== 'aliases' && !k.startsWith('x-'))) {
      if (SERVICE_NETWORK_KEYS.includes(key)) {
        svc.r.problems.warn('ignored-key', [...nAt, key], 'ignored on Fargate: a task gets its address from its subnet, and a compose network is the security groups of its services');
      } else {
        svc.r.problems.error([...nAt, key], `unknown key: allowed are aliases, ${SERVICE_NETWORK_KEYS.join(', ')}`);
      }
    }
    out.push({ name, aliases, path: nAt });
  }
  return out;
}

/** Compose `ports`, short and long syntax: one mapping per container port. */
export function readPorts(svc: ServiceBuilder, v: unknown, at: DocPath): void {
  const list = svc.r.list(v, at, 'a list of ports');
  const ports: PortModel[] = [];
  (list ?? []).forEach((item, i) => {
    const pAt = [...at, i];
    if (isToken(item)) {
      svc.r.problems.error(pAt, 'must be a literal value: a CDK token cannot be parsed at synth time');
      return;
    }
    let spec;
    if (typeof item === 'string' || typeof item === 'number') {
      const parsed = parseShortPort(item);
      if (parsed.error !== undefined) {
        svc.r.problems.error(pAt, `${parsed.error}; got ${quote(item)}`);
        return;
      }
      spec = parsed.spec;
    } else if (isPlainObject(item)) {
      const parsed = parseLongPort(item);
      for (const [key, msg] of parsed.errors) svc.r.problems.error(key ? [...pAt, key] : pAt, msg);
      spec = parsed.spec;
      if (!spec) return;
    } else {
      svc.r.problems.error(pAt, `expected a port like "80:80" or a mapping with "target", got ${quote(item)}`);
      return;
    }
    // As Docker: a host range goes with a container range of the same length, or with one container port.
    const hostCount = spec.hostPort === undefined ? 0 : spec.hostPortEnd! - spec.hostPort + 1;
    const containerCount = spec.containerPortEnd - spec.containerPort + 1;
    if (hostCount > 0 && containerCount > 1 && hostCount !== containerCount) {
      svc.r.problems.error(pAt, `${quote(item)} publishes ${containerCount} container ports on ${hostCount} host port${hostCount > 1 ? 's' : ''}: a range of container ports needs a host range of the same length (or no host port)`);
      return;
    }
    const overlap = ports.find(p => p.protocol === spec.protocol &&
      p.containerPort <= spec.containerPortEnd && spec.containerPort <= p.containerPortEnd);
    if (overlap && overlap.containerPort === spec.containerPort && overlap.containerPortEnd === spec.containerPortEnd) {
      // Compose publishes one container port on several host ports; the task opens it once.
      svc.r.problems.warn('host-port', pAt, `${quote(item)} publishes container port ${describePorts(spec.containerPort, spec.containerPortEnd)}/${spec.protocol} again (see ${formatPath(overlap.path)}): on Fargate the task opens each container port once, and clients reach it on the container port`);
      return;
    }
    if (overlap) {
      svc.r.problems.error(pAt, `${quote(item)} maps container port ${spec.containerPort}/${spec.protocol} again (see ${formatPath(overlap.path)}): each port may be mapped once`);
      return;
    }
    if (spec.hostIp !== undefined) {
      svc.r.problems.warn('port-host-ip', pAt, `the host IP ${quote(spec.hostIp)} has no meaning under awsvpc and is dropped${isLoopback(spec.hostIp) ? '; the port is mapped but the security group does not open it' : ''}`);
    }
    if (spec.name !== undefined && !/^[a-z0-9_][a-z0-9_-]{0,63}$/.test(spec.name)) {
      svc.r.problems.error([...pAt, 'name'], `ECS names a port mapping with up to 64 lowercase letters, digits, _ and - (not first), got ${quote(spec.name)}`);
      return;
    }
    const awsProtocol = isPlainObject(item) && item['x-aws-protocol'] !== undefined
      ? svc.r.string(item['x-aws-protocol'], [...pAt, 'x-aws-protocol'], 'http, https, tcp, udp or tls') : undefined;
    if (awsProtocol !== undefined && !['http', 'https', 'tcp', 'udp', 'tls'].includes(awsProtocol)) {
      svc.r.problems.error([...pAt, 'x-aws-protocol'], `expected http, https, tcp, udp or tls, got ${quote(awsProtocol)}`);
    }
    ports.push({ ...spec, path: pAt, awsProtocol });
  });
  set(svc, 'ports', ports);
}

/** The top-level networks: ComposeFargateProject honours them (who reaches whom), not their driver settings. */
export function readTopLevelNetworks(networks: unknown, problems: Problems, deploymentKeys: DeploymentKey[]): void {
  noteDeploymentKey(deploymentKeys, problems, 'networks', ['networks']);
  // ComposeFargateProject honours the networks (who reaches whom), not their driver settings: say which are dropped.
  for (const [network, body] of Object.entries(isPlainObject(networks) ? networks : {})) {
    for (const key of Object.keys(isPlainObject(body) ? body : {}).filter(k => !k.startsWith('x-'))) {
      if (!NETWORK_KEYS.includes(key)) {
        problems.error(['networks', network, key], `unknown key: allowed are ${NETWORK_KEYS.join(', ')}`);
        continue;
      }
      problems.warn('ignored-key', ['networks', network, key], key === 'internal'
        ? 'not enforced on Fargate: the services keep the outbound access of their subnets (choose private subnets without a NAT gateway to cut it)'
        : 'ignored on Fargate: tasks use awsvpc networking in the VPC\'s subnets; a compose network is the security groups of its services');
    }
  }
}
