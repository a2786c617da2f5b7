/**
 * The project plan: what `docker compose up` means on ECS. One ECS service per long-running
 * compose service, each with its own task plan (made by the same planTask as one task); one-shot
 * services run inside the tasks of the services that wait for them; the names services use for
 * each other become Service Connect endpoints; compose networks become security group rules.
 * Pure data, no CDK: every rule and user error is settled here.
 */
import { ComposeModel, EcsParamsModel, ServiceModel } from '../model';
import { Problems, quote } from '../problems';
import { creationOrder, planEndpoints, servedPorts } from './connect';
import { IngressPlan, PlanSettings, portMappingName, TaskPlan } from './model';
import { findHostReferences, HostReference, isOneShot, serviceNames } from './names';
import { planTask } from './task';
import { planVolumeOwners, VolumeOwnerPlan } from './volume-owners';

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
export interface ProjectServicePlan {
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
  /** The networks of the compose service itself, on which it admits the others to its ports. */
  readonly ownNetworks: string[];
}

/** A one-shot service that no service waits for: a task definition to run by hand, no ECS service. */
export interface StandaloneTaskPlan {
  readonly name: string;
  readonly task: TaskPlan;
}

export interface ProjectPlan {
  readonly services: ProjectServicePlan[];
  readonly standaloneTasks: StandaloneTaskPlan[];
  /** Where services use each other's names (for warnings and pictures). */
  readonly references: HostReference[];
  /** Who owns the folder of each EFS volume the construct makes, decided over all the services that mount it. */
  readonly volumeOwners: VolumeOwnerPlan[];
}

export interface ProjectPlanInput extends PlanSettings {
  readonly compose: ComposeModel;
  readonly ecsParams?: EcsParamsModel;
  readonly projectName: string;
  /** The compose services whose options (the services prop) set minHealthyPercent or maxHealthyPercent. */
  readonly percentsGivenFor?: string[];
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

export function planProject(input: ProjectPlanInput, composeProblems: Problems, paramsProblems: Problems): ProjectPlan | undefined {
  const { compose, ecsParams } = input;
  const oneShots = new Set(compose.services.filter(s => isOneShot(s, compose)).map(s => s.name));
  for (const svc of compose.services) {
    if (oneShots.has(svc.name) && svc.replicas !== undefined && svc.replicas !== 1) {
      composeProblems.warn('ignored-key', [...svc.path, 'deploy', 'replicas'], `a service that runs once runs one task here, not ${svc.replicas}: run more with \`aws ecs run-task --count\``);
    }
  }
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

  const services: ProjectServicePlan[] = [];
  const standaloneTasks: StandaloneTaskPlan[] = [];
  const mains = compose.services.filter(s => !oneShots.has(s.name));
  const waitedFor = new Set(mains.flatMap(m => groupOf(m, compose, oneShots).slice(1).map(s => s.name)));
  // The ports each service serves, and the names and ports it answers at.
  const served = new Map(mains.map(s => [s.name, servedPorts(s, references, composeProblems)]));
  const planGroup = (main: ServiceModel, group: ServiceModel[], standalone = false): TaskPlan | undefined => {
    const inGroup = new Set(group.map(s => s.name));
    const family = `${input.projectName}-${main.name}`;
    // A project name that cannot be a family itself is refused at projectName (projectNameOf).
    if (!SERVICE_NAME.test(family) && SERVICE_NAME.test(input.projectName)) {
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
      volumeStorage: input.volumeStorage,
      existingFileSystems: input.existingFileSystems,
      existingSecrets: input.existingSecrets,
      percentsGiven: input.percentsGiven === true || (input.percentsGivenFor ?? []).includes(main.name),
      runOnce: group.filter(g => g !== main && oneShots.has(g.name)).map(g => g.name),
      otherServices: compose.services.filter(s => !inGroup.has(s.name)),
      // The main container also listens on the ports other services reach it on.
      served: standalone ? undefined : { service: main.name, ports: served.get(main.name)!.endpoints },
      reserved: standalone ? undefined : SERVICE_CONNECT_PROXY,
      perService: true,
    }, composeProblems, paramsProblems);
    return task;
  };

  const endpoints = planEndpoints(mains.map(s => ({ name: s.name, path: s.path, ports: served.get(s.name)!.endpoints })), names, composeProblems);
  // depends_on (of the service and its one-shots), links, volumes_from and the names it uses order creation.
  const groups = new Map(mains.map(m => [m.name, groupOf(m, compose, oneShots)]));
  // A one-shot it waits for runs in its own task (groupOf takes them all in): no order for that.
  const edges = new Map(mains.map(m => [m.name, [
    ...groups.get(m.name)!.flatMap(g => g.dependsOn.map(d => ({ target: d.container, hard: true }))),
    ...groups.get(m.name)!.flatMap(g => [...(g.links ?? []).map(l => l.service), ...g.volumesFrom.map(v => v.container)])
      .map(t => ({ target: t, hard: false })),
    ...references.filter(r => groups.get(m.name)!.some(g => g.name === r.from)).map(r => ({ target: r.target, hard: false })),
  ]]));
  const order = creationOrder(edges, composeProblems, name => compose.services.find(s => s.name === name)!.path);

  for (const main of mains) {
    const group = groups.get(main.name)!;
    const task = planGroup(main, group);
    if (!task) continue;
    const mappings = task.containers.find(c => c.name === main.name)!.portMappings;
    const own: ConnectEndpointPlan[] = [];
    for (const e of endpoints.get(main.name)!) {
      const mapping = mappings.find(m => m.protocol === 'tcp' && m.containerPort === e.port && m.containerPortEnd === e.port);
      if (!mapping) continue; // inside a range of more than 100 ports: Service Connect needs a single port mapping
      own.push({ portMappingName: portMappingName(main.name, mapping), port: e.port, dnsName: e.dnsName, discoveryName: e.discoveryName });
    }
    services.push({
      name: main.name,
      serviceName: `${input.projectName}-${main.name}`.slice(0, 255),
      task,
      desiredCount: main.replicas,
      endpoints: own,
      after: order.get(main.name)!,
      peers: [],
      networks: [...new Set(group.flatMap(networksOf))],
      ownNetworks: networksOf(main),
    });
  }
  // A service admits the others that share a compose network with it, on the ports it serves.
  for (const s of services) {
    const ranges = served.get(s.name)!.ranges;
    if (ranges.length === 0) continue;
    const own = new Set(networksOf(compose.services.find(x => x.name === s.name)!));
    for (const other of services) {
      if (other === s || !other.networks.some(n => own.has(n))) continue;
      s.peers.push({ from: other.name, ports: ranges });
    }
  }
  // A reference across networks cannot connect: say so where it is written.
  for (const r of references) {
    const from = services.find(s => groupOf(compose.services.find(x => x.name === s.name)!, compose, oneShots).some(g => g.name === r.from));
    const to = services.find(s => s.name === r.target);
    // Whether they share a network, whatever ports the target serves (one that serves none is warned about as such).
    if (from && to && from !== to && !from.networks.some(n => to.ownNetworks.includes(n))) {
      composeProblems.warn('unreachable-service', r.path, `${quote(r.value)} names ${r.target}, which shares no network with ${r.from} (${to.ownNetworks.join(', ')} against ${from.networks.join(', ')}): the connection is refused, as under compose`);
    }
  }
  for (const name of oneShots) {
    if (waitedFor.has(name)) continue;
    const svc = compose.services.find(s => s.name === name)!;
    const task = planGroup(svc, groupOf(svc, compose, oneShots), true);
    if (task) {
      const named = [...new Set(references.filter(r => r.from === name).map(r => r.target))];
      composeProblems.warn('one-shot', svc.path, `runs once (${svc.job ? 'deploy.mode: replicated-job' : svc.restartCondition === 'none' ? 'deploy.restart_policy.condition: none' : 'restart: "no"'}) and no service waits for it: it gets a task definition (family ${input.projectName}-${name}) and no ECS service; run it with \`aws ecs run-task\``
        + (named.length > 0 ? `. It names ${named.join(', ')}, which a task started by run-task cannot resolve (Service Connect serves the tasks of ECS services): make it a dependency of a service (condition: service_completed_successfully) to run it there` : ''));
      standaloneTasks.push({ name, task });
    }
  }
  for (const name of waitedFor) {
    composeProblems.warn('one-shot', compose.services.find(s => s.name === name)!.path,
      `runs once: a non-essential container in the tasks of ${mains.filter(m => groupOf(m, compose, oneShots).some(g => g.name === name)).map(m => m.name).join(', ')}, which start after it succeeded (it runs again whenever such a task starts)`);
  }
  // Volumes are shared by the whole project: their owners are decided over every task that mounts them.
  const volumeOwners = planVolumeOwners([...services, ...standaloneTasks].flatMap(s => s.task.efsMounts), composeProblems);
  if (!composeProblems.ok || !paramsProblems.ok) return undefined;
  return { services, standaloneTasks, references, volumeOwners };
}
