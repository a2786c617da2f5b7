/**
 * A container's port mappings: its published ports (a range one mapping a port), the ports the other
 * services reach it on, and the host ports Fargate cannot honour.
 */
import { ServiceModel } from '../model';
import { describePorts } from '../ports';
import { Problems } from '../problems';
import { MAX_EXPANDED_PORT_RANGE, PlanInput, PortMappingPlan } from './model';

/**
 * The host port a container port is published on, when it differs: a host range maps port by port
 * onto a container range of its length; with one container port, its first port stands.
 */
export function hostPortOf(port: ServiceModel['ports'][number], containerPort: number): number | undefined {
  if (port.hostPort === undefined) return undefined;
  const sameLength = port.hostPortEnd! - port.hostPort === port.containerPortEnd - port.containerPort;
  const host = port.hostPort + (sameLength ? containerPort - port.containerPort : 0);
  return host === containerPort ? undefined : host;
}

/** What a published host port means on Fargate, said once per port entry whose host port differs. */
export function warnHostPorts(svc: ServiceModel, problems: Problems) {
  for (const port of svc.ports) {
    if (port.hostPort === undefined || (port.hostPort === port.containerPort && port.hostPortEnd === port.containerPortEnd)) continue;
    const many = port.containerPortEnd > port.containerPort;
    const container = describePorts(port.containerPort, port.containerPortEnd);
    const host = describePorts(port.hostPort, port.hostPortEnd!);
    problems.warn('host-port', port.path,
      `publishes container port${many ? 's' : ''} ${container}/${port.protocol} on host port${port.hostPortEnd! > port.hostPort ? 's' : ''} ${host}: a Fargate task has no host ports, so the task opens the container port${many ? 's' : ''}, ${container} (port mapping and security group), and clients reach ${many ? 'them' : 'it'} there; with a load balancer, ${host} is the default listener port of ${many ? 'their targets' : 'its target'}`);
  }
}

/**
 * A container's port mappings: its published ports (a range one mapping a port, as ecs-cli did; a very
 * long one stays a containerPortRange), then the ports the other services reach it on that no published
 * TCP port covers (mapped, not published).
 */
export function portMappingsOf(svc: ServiceModel, served: PlanInput['served']): PortMappingPlan[] {
  const published = svc.ports.flatMap(port => {
    const count = port.containerPortEnd - port.containerPort + 1;
    const single = (n: number): PortMappingPlan => ({
      containerPort: n,
      containerPortEnd: n,
      protocol: port.protocol,
      name: count === 1 ? port.name : undefined,
      appProtocol: port.appProtocol,
      hostPort: hostPortOf(port, n),
    });
    if (count === 1) return [single(port.containerPort)];
    return count > MAX_EXPANDED_PORT_RANGE
      ? [{ ...single(port.containerPort), containerPortEnd: port.containerPortEnd, name: port.name, hostPort: undefined }]
      : Array.from({ length: count }, (_, k) => single(port.containerPort + k));
  });
  if (served?.service !== svc.name) return published;
  const reached = served.ports
    .filter(p => !published.some(m => m.protocol === 'tcp' && m.containerPort <= p && p <= m.containerPortEnd))
    .map((p): PortMappingPlan => ({ containerPort: p, containerPortEnd: p, protocol: 'tcp', exposed: true }));
  return [...published, ...reached];
}
