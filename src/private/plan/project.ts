/**
 * The project plan: what `docker compose up` means on ECS. One ECS service per long-running
 * compose service, each with its own task plan (made by the same planTask as one task); one-shot
 * services run inside the tasks of the services that wait for them; the names services use for
 * each other become Service Connect endpoints; compose networks become security group rules.
 * Pure data, no CDK: every rule and user error is settled here.
 */
import { ComposeModel, EcsParamsModel, ServiceModel } from '../model';
import { DocPath, formatPath, Problems, quote } from '../problems';
import { knownImagePorts } from './known-ports';
import { findHostReferences, HostReference, isOneShot, serviceNames } from './names';
import { IngressPlan, planTask, portMappingName, PortMappingPlan, TaskPlan } from './task';

/** One Service Connect endpoint: clients reach `dnsName:port`. */
export interface ConnectEndpointPlan {
  /** The named port mapping of the main container. */
  readonly portMappingName: string;
  readonly port: number;
  readonly dnsName: string;
  /** The Cloud Map service name: unique in the namespace. */
  readonly discoveryName: string;
}

/** One ECS service of the project: a long-running compose service and the one-shots it waits for. */
export interface EcsServicePlan {
  /** The compose service. */
  readonly name: string;
  /** `<project>-<service>`. */
  readonly serviceName: string;
  readonly task: TaskPlan;
  /** Compose `deploy.replicas`. */
  readonly desiredCount?: number;
  /** The Service Connect endpoints it serves (none: a client only). */
  readonly endpoints: ConnectEndpointPlan[];
  /** The ECS services created (and stable) before this one. */
  readonly after: string[];
  /** Other project services admitted on these ports (they share a compose network). */
  readonly peers: { readonly from: string; readonly ports: IngressPlan[] }[];
  /** The compose networks it is on. */
  readonly networks: string[];
}

/** A one-shot service that no service waits for: a task definition to run by hand, no ECS service. */
export interface StandaloneTaskPlan {
  readonly name: string;
  readonly task: TaskPlan;
}

export interface ProjectPlan {
  readonly services: EcsServicePlan[];
  readonly standaloneTasks: StandaloneTaskPlan[];
  /** Where services use each other's names (for warnings and pictures). */
  readonly references: HostReference[];
}

export interface ProjectPlanInput {
  readonly compose: ComposeModel;
  readonly ecsParams?: EcsParamsModel;
  readonly projectName: string;
  readonly region?: string;
  readonly createLogGroups?: boolean;
}

/** Keys one task ignores with a warning and the project honours: those warnings are dropped. */
export const PROJECT_HONOURED_KEYS = ['restart', 'container_name', 'expose', 'links', 'hostname', 'networks'];

/** Whether a warning is about a key the project honours (`services.x.networks`, top-level `networks`). */
export function honouredByProject(path: DocPath): boolean {
  const key = path[0] === 'services' ? path[2] : path.length === 1 ? path[0] : path[1];
  return typeof key === 'string' && PROJECT_HONOURED_KEYS.includes(key) && (path[0] === 'services' ? path.length === 3 : key === 'networks');
}

/**
 * Room every task leaves for the Service Connect proxy ECS adds to it: ECS recommends 256 CPU
 * units and 64 MiB on top of the application's containers.
 */
export const SERVICE_CONNECT_PROXY = { cpu: 256, memoryMiB: 64 };

const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** The compose networks a service is on (`default` when it names none). */
function networksOf(svc: ServiceModel): string[] {
  return svc.networks && svc.networks.length > 0 ? svc.networks.map(n => n.name) : ['default'];
}

/** The compose services a long-running service's task holds: itself and the one-shots it waits for, transitively. */
function groupOf(main: ServiceModel, compose: ComposeModel, oneShots: Set<string>): ServiceModel[] {
  const group = [main];
  for (let i = 0; i < group.length; i++) {
    for (const d of group[i].dependsOn) {
      const target = compose.services.find(s => s.name === d.container);
      if (target && oneShots.has(target.name) && !group.includes(target)) group.push(target);
    }
  }
  return group;
}

/** Lower case, and only what Cloud Map takes in a service name. */
function discoveryName(name: string, port: number): string {
  return `${name.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^-+/, '')}-${port}`.slice(0, 64);
}

export function planProject(input: ProjectPlanInput, composeProblems: Problems, paramsProblems: Problems): ProjectPlan | undefined {
  const { compose, ecsParams } = input;
  const oneShots = new Set(compose.services.filter(s => isOneShot(s, compose)).map(s => s.name));
  const names = serviceNames(compose);
  const references = findHostReferences(compose, names);

  // ecs-params settles things for one task: what the project cannot take is said, by path.
  for (const p of ecsParams?.services ?? []) {
    if (!compose.services.some(s => s.name === p.name)) {
      paramsProblems.error(p.path, `no compose service named ${quote(p.name)}: the compose file defines ${compose.services.map(s => s.name).join(', ')}`);
    }
  }
  if (ecsParams?.serviceDiscovery) {
    paramsProblems.error(ecsParams.serviceDiscovery.path, 'registers one ECS service in Cloud Map: ComposeFargateProject makes every compose service answer to its names through Service Connect; remove it');
  }
  if (ecsParams?.taskCpu !== undefined || ecsParams?.taskMemoryMiB !== undefined) {
    paramsProblems.warn('ignored-key', ['task_definition', 'task_size'], 'ignored by ComposeFargateProject: each compose service gets a task sized for its own containers (set cpu_shares and mem_limit per service to size them)');
  }
  // Two services may not answer to one name.
  for (const n of names) {
    const other = names.find(x => x.name === n.name && x.service !== n.service && x.kind !== 'link');
    if (other && n.kind !== 'link' && compose.services.findIndex(s => s.name === n.service) < compose.services.findIndex(s => s.name === other.service)) {
      composeProblems.error(compose.services.find(s => s.name === other.service)!.path,
        `answers to the name ${quote(n.name)} (${other.kind}), which is also a name of ${n.service} (${n.kind}): in one namespace a name reaches one service`);
    }
  }

  const services: EcsServicePlan[] = [];
  const standaloneTasks: StandaloneTaskPlan[] = [];
  const mains = compose.services.filter(s => !oneShots.has(s.name));
  const waitedFor = new Set(mains.flatMap(m => groupOf(m, compose, oneShots).slice(1).map(s => s.name)));
  const planGroup = (main: ServiceModel, group: ServiceModel[]): TaskPlan | undefined => {
    const inGroup = new Set(group.map(s => s.name));
    const family = `${input.projectName}-${main.name}`;
    if (!SERVICE_NAME.test(family)) {
      composeProblems.error(main.path, `the ECS service and task family ${quote(family)} (project name and service name) must be 1 to 255 letters, digits, dashes and underscores`);
    }
    const task = planTask({
      compose: {
        ...compose,
        // Dependencies on services of other ECS services become the order of creation.
        services: group.map(s => ({
          ...s,
          dependsOn: s.dependsOn.filter(d => inGroup.has(d.container) || !compose.services.some(x => x.name === d.container)),
        })),
      },
      ecsParams: ecsParams ? {
        ...ecsParams,
        taskCpu: undefined,
        taskMemoryMiB: undefined,
        serviceDiscovery: undefined,
        services: ecsParams.services.filter(p => inGroup.has(p.name)),
      } : undefined,
      family: family.slice(0, 255),
      region: input.region,
      createLogGroups: input.createLogGroups,
      reserved: SERVICE_CONNECT_PROXY,
      perService: true,
    }, composeProblems, paramsProblems);
    return task;
  };

  // The ports each service answers on: published and exposed TCP ports, else its image's well-known ports,
  // else the ports other services write with its name.
  const serverPorts = new Map<string, number[]>();
  for (const s of mains) {
    const declared = [...s.ports, ...(s.expose ?? [])]
      .filter(p => p.protocol === 'tcp')
      .flatMap(p => Array.from({ length: Math.min(p.containerPortEnd - p.containerPort + 1, 100) }, (_, k) => p.containerPort + k));
    const referenced = references.filter(r => r.target === s.name && r.port !== undefined).map(r => r.port!);
    const ports = declared.length > 0 ? declared : [...(s.build ? [] : knownImagePorts(s.image ?? '')?.ports ?? []), ...referenced];
    serverPorts.set(s.name, [...new Set(ports)]);
    const used = references.filter(r => r.target === s.name);
    if (declared.length === 0 && ports.length > 0 && !knownImagePorts(s.image ?? '')) {
      const from = used.filter(r => r.port !== undefined);
      composeProblems.warn('inferred-port', s.path,
        `publishes and exposes no port, and its image ${quote(s.image ?? 'built from build')} is not one whose port is known: it answers on ${ports.join(', ')}, the port${ports.length > 1 ? 's' : ''} ${from.map(r => `${r.from} writes at ${formatPath(r.path)}`).join(' and ')}; add \`expose\` to say so`);
    }
    if (ports.length === 0 && used.length > 0) {
      composeProblems.warn('unknown-port', s.path,
        `${used.map(r => `${r.from} (${formatPath(r.path)})`).join(', ')} reach${used.length === 1 ? 'es' : ''} this service by name, but it publishes and exposes no port, and its image ${quote(s.image ?? 'built from build')} is not one whose port is known: add \`expose: ["PORT"]\` so that it answers on that port`);
    }
  }

  for (const main of mains) {
    const group = groupOf(main, compose, oneShots);
    const planned = planGroup(main, group);
    if (!planned) continue;
    // The main container also listens on the ports other services reach it on.
    const ports = serverPorts.get(main.name) ?? [];
    const mainPlan = planned.containers.find(c => c.name === main.name)!;
    const extra: PortMappingPlan[] = ports
      .filter(p => !mainPlan.portMappings.some(m => m.protocol === 'tcp' && m.containerPort <= p && p <= m.containerPortEnd))
      .map(p => ({ containerPort: p, containerPortEnd: p, protocol: 'tcp', exposed: true }));
    const mappings = [...mainPlan.portMappings, ...extra];
    const task: TaskPlan = { ...planned, containers: planned.containers.map(c => (c.name === main.name ? { ...c, portMappings: mappings } : c)) };
    const endpoints: ConnectEndpointPlan[] = [];
    const own = names.filter(n => n.service === main.name && n.kind !== 'link');
    const linked = names.filter(n => n.service === main.name && n.kind === 'link' && !own.some(o => o.name === n.name));
    for (const port of ports) {
      const mapping = mappings.find(m => m.protocol === 'tcp' && m.containerPort === port && m.containerPortEnd === port);
      if (!mapping) continue; // inside a long range: Service Connect needs a single port mapping
      for (const n of [...own, ...linked]) {
        endpoints.push({ portMappingName: portMappingName(main.name, mapping), port, dnsName: n.name, discoveryName: discoveryName(n.name, port) });
      }
    }
    const networks = [...new Set(group.flatMap(networksOf))];
    services.push({
      name: main.name,
      serviceName: `${input.projectName}-${main.name}`.slice(0, 255),
      task,
      desiredCount: main.replicas,
      endpoints,
      after: [...new Set(group.flatMap(s => s.dependsOn.map(d => d.container)))].filter(n => mains.some(m => m.name === n) && n !== main.name),
      peers: [],
      networks,
    });
  }
  // A service admits the others that share a compose network with it, on the ports it serves.
  for (const s of services) {
    const ports = serverPorts.get(s.name) ?? [];
    if (ports.length === 0) continue;
    const own = new Set(networksOf(compose.services.find(x => x.name === s.name)!));
    for (const other of services) {
      if (other === s || !other.networks.some(n => own.has(n))) continue;
      s.peers.push({ from: other.name, ports: ports.map(p => ({ fromPort: p, toPort: p, protocol: 'tcp' as const })) });
    }
  }
  // A reference across networks cannot connect: say so where it is written.
  for (const r of references) {
    const from = services.find(s => groupOf(compose.services.find(x => x.name === s.name)!, compose, oneShots).some(g => g.name === r.from));
    const to = services.find(s => s.name === r.target);
    if (from && to && !to.peers.some(p => p.from === from.name)) {
      composeProblems.warn('unreachable-service', r.path, `${quote(r.value)} names ${r.target}, which shares no network with ${r.from} (${to.networks.join(', ')} against ${from.networks.join(', ')}): the connection is refused, as under compose`);
    }
  }
  for (const name of oneShots) {
    if (waitedFor.has(name)) continue;
    const svc = compose.services.find(s => s.name === name)!;
    const task = planGroup(svc, groupOf(svc, compose, oneShots));
    if (task) {
      composeProblems.warn('one-shot', svc.path, `runs once (restart: "no") and no service waits for it: it gets a task definition (family ${input.projectName}-${name}) and no ECS service; run it with \`aws ecs run-task\``);
      standaloneTasks.push({ name, task });
    }
  }
  for (const name of waitedFor) {
    composeProblems.warn('one-shot', compose.services.find(s => s.name === name)!.path,
      `runs once: a non-essential container in the tasks of ${mains.filter(m => groupOf(m, compose, oneShots).some(g => g.name === name)).map(m => m.name).join(', ')}, which start after it succeeded (it runs again whenever such a task starts)`);
  }
  if (!composeProblems.ok || !paramsProblems.ok) return undefined;
  return { services, standaloneTasks, references };
}
