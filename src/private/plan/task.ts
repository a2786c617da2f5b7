/**
 * The plan stage: pure functions from the two models to a TaskPlan. No CDK here; the construct
 * builds resources from the plan. Cross-document checks (ecs-params naming a service compose
 * lacks, task size against the containers, dependencies) are made here.
 */
import { dict } from '../dict';
import {
  ECS_HEALTHCHECK_BOUNDS, ECS_HEALTHCHECK_DEFAULTS, FARGATE_STOP_TIMEOUT_BOUNDS, intoBounds, MIN_CONTAINER_MEMORY_MIB, tooLittleMemory,
} from '../facts/ecs-limits';
import { allowedMemory, describeMemory, FARGATE_CPU_VALUES, smallestTaskSize } from '../facts/fargate';
import { ComposeModel, DependencyCondition, EcsParamsModel, EcsServiceParamsModel, HealthCheckModel, ServiceModel } from '../model';
import { noServiceToDependOn } from '../normalize/normalize-compose';
import { describePorts, isLoopback } from '../ports';
import { DocPath, formatPath, formatProblem, Problems, quote } from '../problems';
import { checkNetworkLimits, checkTaskDefinitionLimits } from './limits';
import {
  AWSLOGS_OPTIONS, ContainerPlan, FARGATE_LOG_DRIVERS, FirelensLogGrantPlan, HealthCheckPlan, IngressPlan, LOG_ROUTER_IMAGE,
  LOG_ROUTER_MEMORY_MIB, LogGroupPlan, LogPlan, MAX_EXPANDED_PORT_RANGE, PlanInput, PortMappingPlan, TaskPlan, TmpfsPlan,
} from './model';
import { statefulDeployment } from './stateful';
import { EfsMountPlan, planVolumeOwners, runAsUser } from './volume-owners';
import { planFileInit, planVolumes } from './volumes';


/**
 * The container's health check: ecs-params overrides compose field by field; each timing the
 * container gets is moved into ECS's bounds (with a warning), and the interval is at least the
 * timeout, as ECS needs.
 */
function mergeHealthCheck(
  compose: HealthCheckModel | undefined, params: HealthCheckModel | undefined, problems: Problems, paramsProblems: Problems,
): HealthCheckPlan | undefined {
  if (!compose && !params) return undefined;
  if (compose?.disabled && !params) return undefined;
  const from = <K extends keyof HealthCheckModel>(k: K) =>
    (params?.[k] !== undefined ? { hc: params, problems: paramsProblems } : !compose || compose.disabled ? undefined : { hc: compose, problems });
  const command = from('command')?.hc.command;
  if (!command) {
    const at = params?.path ?? compose!.path;
    (params ? paramsProblems : problems).error(at, 'a health check needs a command: give "test" (ECS does not read the image\'s HEALTHCHECK)');
    return undefined;
  }
  const timing = (field: 'intervalSeconds' | 'timeoutSeconds' | 'retries' | 'startPeriodSeconds', key: string, bounds: readonly [number, number], what: string) => {
    const src = from(field);
    const value = src?.hc[field];
    if (src === undefined || value === undefined) return undefined;
    return {
      value: intoBounds(value, bounds, src.problems, [...src.hc.path, key], src.hc.written?.[key] ?? value, what, field === 'retries' ? '' : ' s'),
      at: [...src.hc.path, key],
      problems: src.problems,
    };
  };
  const interval = timing('intervalSeconds', 'interval', ECS_HEALTHCHECK_BOUNDS.interval, 'a health check interval');
  const timeout = timing('timeoutSeconds', 'timeout', ECS_HEALTHCHECK_BOUNDS.timeout, 'a health check timeout');
  let intervalSeconds = interval?.value;
  // ECS needs timeout <= interval (Docker runs a slow check to its timeout): the interval grows to the timeout.
  const effectiveInterval = intervalSeconds ?? ECS_HEALTHCHECK_DEFAULTS.interval;
  if (timeout && timeout.value > effectiveInterval) {
    const where = interval ?? timeout;
    where.problems.warn('adjusted-value', where.at, interval
      ? `the interval ${interval.value} s is shorter than the timeout (${timeout.value} s), and ECS needs the timeout to be at most the interval: ${timeout.value} s is used`
      : `the timeout ${timeout.value} s is longer than ECS's default interval (${effectiveInterval} s), and ECS needs the timeout to be at most the interval: the interval is ${timeout.value} s`);
    intervalSeconds = timeout.value;
  }
  return {
    command,
    intervalSeconds,
    timeoutSeconds: timeout?.value,
    retries: timing('retries', 'retries', ECS_HEALTHCHECK_BOUNDS.retries, 'health check retries')?.value,
    startPeriodSeconds: timing('startPeriodSeconds', 'start_period', ECS_HEALTHCHECK_BOUNDS.startPeriod, 'a health check start period')?.value,
  };
}

function planLogging(
  svc: ServiceModel, problems: Problems, groups: Map<string, LogGroupPlan>, stackRegion: string | undefined, createGroups: boolean,
): LogPlan {
  const newGroup = (name: string | undefined): string => {
    const key = name ?? `container:${svc.name}`;
    const g = groups.get(key);
    if (g) g.containers.push(svc.name);
    else groups.set(key, { key, name, containers: [svc.name] });
    return key;
  };
  const logging = svc.logging;
  if (!logging || !FARGATE_LOG_DRIVERS.includes(logging.driver)) {
    if (logging) {
      problems.warn('log-driver', [...logging.path, 'driver'], `the ${quote(logging.driver)} log driver is not available on Fargate (allowed: ${FARGATE_LOG_DRIVERS.join(', ')}): the container logs to CloudWatch Logs (awslogs) instead`);
    }
    return { kind: 'awslogs', group: newGroup(undefined), streamPrefix: svc.name, options: {} };
  }
  if (logging.driver !== 'awslogs') {
    return { kind: 'driver', driver: logging.driver, options: logging.options };
  }
  const options = dict<string>();
  for (const [k, v] of Object.entries(logging.options)) {
    if (!AWSLOGS_OPTIONS.includes(k)) {
      problems.error([...logging.path, 'options', k], `unknown awslogs option: allowed are ${AWSLOGS_OPTIONS.join(', ')}`);
    } else if (!['awslogs-group', 'awslogs-region', 'awslogs-stream-prefix'].includes(k)) {
      options[k] = v;
    }
  }
  const name = logging.options['awslogs-group'];
  if (name !== undefined && !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name) && !name.includes('${Token[')) {
    problems.error([...logging.path, 'options', 'awslogs-group'], `${quote(name)} is not a valid log group name: use letters, digits and . - _ / # (up to 512)`);
  }
  // Logs go where the log group is: a group the construct creates is in the stack's region, so the
  // containers log there; a group that exists already (createLogGroups: false) is where the file says.
  let region: string | undefined = logging.options['awslogs-region'];
  if (region !== undefined && (createGroups || name === undefined) && region !== stackRegion) {
    problems.warn('log-region', [...logging.path, 'options', 'awslogs-region'],
      `${quote(region)} is not used: the construct creates the log group in the stack's region${stackRegion !== undefined ? ` (${stackRegion})` : ''}, and the containers log there; `
      + `to log to a group that exists in ${region}, set createLogGroups: false`);
    region = undefined;
  }
  return {
    kind: 'awslogs',
    group: newGroup(name),
    groupName: name,
    region,
    streamPrefix: logging.options['awslogs-stream-prefix'] ?? svc.name,
    options,
  };
}

/** The place of a path as a problem names it: `docker-compose.yml: services.web.ports[0]`. */
export function placeOf(problems: Problems, at: DocPath): string {
  return formatProblem({ file: problems.file, path: at, message: '' });
}

function pathOf(problems: Problems, at: DocPath): string {
  return `${problems.file ? `${problems.file} ` : ''}${formatPath(at)}`;
}

/** Resolve the task size: ecs-params when given (validated), else the smallest that fits. */
function planTaskSize(
  containers: ContainerPlan[], params: EcsParamsModel | undefined, paramsProblems: Problems, reserved = { cpu: 0, memoryMiB: 0 },
): { cpu: number; memory: number } | undefined {
  // The containers' needs, at least the smallest Fargate size (what ecs-cli gave a task), plus what the task reserves.
  const cpuNeed = containers.reduce((s, c) => s + (c.cpu ?? 0), 0) + reserved.cpu;
  const memNeed = containers.reduce((s, c) => s + (c.memoryReservationMiB ?? c.memoryLimitMiB ?? 0), 0) + reserved.memoryMiB;
  const maxLimit = containers.reduce((m, c) => Math.max(m, c.memoryLimitMiB ?? 0, c.memoryReservationMiB ?? 0), 0);
  const minMemory = Math.max(512 + reserved.memoryMiB, memNeed, maxLimit);
  const cpuAt: DocPath = ['task_definition', 'task_size', 'cpu_limit'];
  const memAt: DocPath = ['task_definition', 'task_size', 'mem_limit'];
  const cpu = params?.taskCpu;
  const mem = params?.taskMemoryMiB;
  let ok = true;
  if (cpu !== undefined && !allowedMemory(cpu)) {
    paramsProblems.error(cpuAt, `Fargate does not offer ${cpu} CPU units: allowed are ${FARGATE_CPU_VALUES.join(', ')}`);
    ok = false;
  }
  if (cpu !== undefined && mem !== undefined && ok) {
    const allowed = allowedMemory(cpu)!;
    if (!allowed.includes(mem)) {
      paramsProblems.error(memAt, `Fargate does not offer ${mem} MiB with ${cpu} CPU units: allowed memory for cpu ${cpu} is ${describeMemory(allowed)} MiB`);
      ok = false;
    }
  }
  if (mem !== undefined && cpu === undefined && !smallestTaskSize(0, 0, undefined, mem)) {
    paramsProblems.error(memAt, `Fargate does not offer ${mem} MiB at any CPU size: allowed are 512, 1024, 2048 (cpu 256) up to 122880 (cpu 16384)`);
    ok = false;
  }
  if (!ok) return undefined;
  if (cpu !== undefined && cpuNeed > cpu) {
    paramsProblems.error(cpuAt, `${cpu} CPU units is less than the ${cpuNeed} the containers declare (${containers.filter(c => c.cpu).map(c => `${c.name}: ${c.cpu}`).join(', ')})`);
    ok = false;
  }
  if (mem !== undefined && memNeed > mem) {
    paramsProblems.error(memAt, `${mem} MiB is less than the ${memNeed} MiB the containers reserve (${containers.filter(c => c.memoryReservationMiB ?? c.memoryLimitMiB).map(c => `${c.name}: ${c.memoryReservationMiB ?? c.memoryLimitMiB}`).join(', ')})`);
    ok = false;
  } else if (mem !== undefined && maxLimit > mem) {
    const c = containers.find(x => (x.memoryLimitMiB ?? 0) === maxLimit)!;
    paramsProblems.error(memAt, `${mem} MiB is less than the ${maxLimit} MiB memory limit of container ${c.name}`);
    ok = false;
  }
  if (!ok) return undefined;
  const size = smallestTaskSize(Math.max(256 + reserved.cpu, cpuNeed), minMemory, cpu, mem);
  if (!size) {
    const at = cpu !== undefined ? cpuAt : mem !== undefined ? memAt : ['task_definition', 'task_size'];
    paramsProblems.error(at, `no Fargate task size fits the containers (${cpuNeed} CPU units, ${minMemory} MiB)${cpu !== undefined ? ` with cpu ${cpu} (allowed memory ${describeMemory(allowedMemory(cpu)!)} MiB)` : ''}: the largest is 16384 CPU units with 122880 MiB`);
    return undefined;
  }
  return size;
}

/**
 * A task whose containers name no size (cpus, mem_limit, deploy.resources, ecs-params cpu_shares,
 * mem_limit or task_size) gets the smallest Fargate size that holds it: said, with how to choose one.
 */
function warnDefaultTaskSize(input: PlanInput, containers: ContainerPlan[], size: { cpu: number; memory: number }, problems: Problems) {
  const sized = containers.some(c => !c.addedLogRouter
    && (c.cpu !== undefined || c.memoryLimitMiB !== undefined || c.memoryReservationMiB !== undefined));
  if (sized || input.ecsParams?.taskCpu !== undefined || input.ecsParams?.taskMemoryMiB !== undefined) return;
  const services = input.compose.services;
  const at = input.perService ? services[0].path : input.compose.version === '1' ? [] : ['services'];
  const proxy = input.reserved && (input.reserved.cpu > 0 || input.reserved.memoryMiB > 0)
    ? `, the smallest Fargate size that also holds the Service Connect proxy (${input.reserved.cpu} CPU units, ${input.reserved.memoryMiB} MiB)` : ', the smallest Fargate size';
  const how = input.perService
    ? 'give the service deploy.resources.limits (cpus, memory), or cpus and mem_limit (ComposeFargateProject sizes each task for its containers)'
    : 'give ecs-params task_definition.task_size (cpu_limit, mem_limit), or the services deploy.resources.limits (cpus, memory) or cpus and mem_limit';
  problems.warn('task-size', at, `no container ${input.perService ? 'of this service ' : ''}sets a CPU or memory size: the task gets ${size.cpu} CPU units (${size.cpu / 1024} vCPU) and ${size.memory} MiB${proxy}; to size it, ${how}`);
}

/**
 * A service's tmpfs mounts, sized as ECS needs (MiB, at least 1): the size given, at most the task's
 * memory (a tmpfs holds its files in it); a percentage of the task's memory; without one, half the
 * task's memory, as the kernel sizes a tmpfs on a machine of that memory.
 */
function planTmpfs(svc: ServiceModel, taskMemoryMiB: number, problems: Problems): TmpfsPlan[] {
  return svc.tmpfs.map(t => {
    let sizeMiB: number;
    if (t.size === undefined) {
      sizeMiB = Math.max(1, Math.floor(taskMemoryMiB / 2));
      problems.warn('tmpfs-size', t.path, `the tmpfs at ${t.target} gives no size: it may hold ${sizeMiB} MiB, half the task's ${taskMemoryMiB} MiB, as the kernel sizes a tmpfs (its files use the container's memory); give size= (\`${t.target}:size=64m\`) to choose`);
    } else if ('percent' in t.size) {
      sizeMiB = Math.max(1, Math.floor(taskMemoryMiB * t.size.percent / 100));
    } else {
      sizeMiB = Math.ceil(t.size.bytes / (1024 * 1024));
      if (sizeMiB > taskMemoryMiB) {
        problems.warn('adjusted-value', t.path, `the tmpfs at ${t.target} asks for ${sizeMiB} MiB, more than the task's ${taskMemoryMiB} MiB of memory that holds its files: ${taskMemoryMiB} MiB is used`);
        sizeMiB = taskMemoryMiB;
      }
    }
    return { containerPath: t.target, sizeMiB, mountOptions: t.options };
  });
}

function checkDependencies(containers: ContainerPlan[], sources: Map<string, { problems: Problems; at: DocPath }[]>) {
  const byName = new Map(containers.map(c => [c.name, c]));
  for (const c of containers) {
    const where = sources.get(c.name) ?? [];
    c.dependsOn.forEach((d, i) => {
      const src = where[i];
      if (!src) return;
      const target = byName.get(d.container);
      if (d.container === c.name) {
        src.problems.error(src.at, `container ${c.name} cannot depend on itself`);
      } else if (!target) {
        src.problems.error(src.at, noServiceToDependOn(d.container, containers.map(x => x.name)));
      } else if (d.condition === 'HEALTHY' && !target.healthCheck) {
        src.problems.error(src.at, `the HEALTHY condition needs a health check on ${d.container}, which has none`);
      } else if ((d.condition === 'SUCCESS' || d.condition === 'COMPLETE') && target.essential) {
        src.problems.error(src.at, `the ${d.condition} condition waits for ${d.container} to exit, so ${d.container} must not be essential (set essential: false for it in ecs-params)`);
      }
    });
  }
  // Cycles: ECS rejects them at deploy time.
  const state = new Map<string, number>();
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (state.get(name) === 2) return undefined;
    if (state.get(name) === 1) return [...trail.slice(trail.indexOf(name)), name];
    state.set(name, 1);
    for (const d of byName.get(name)?.dependsOn ?? []) {
      if (!byName.has(d.container) || d.container === name) continue;
      const cycle = visit(d.container, [...trail, name]);
      if (cycle) return cycle;
    }
    state.set(name, 2);
    return undefined;
  };
  for (const c of containers) {
    const cycle = visit(c.name, []);
    if (cycle) {
      const src = (sources.get(cycle[0]) ?? [])[0];
      src?.problems.error(src.at, `the containers depend on each other in a cycle: ${cycle.join(' -> ')}`);
      break;
    }
  }
}

/**
 * The host port a container port is published on, when it differs: a host range maps port by port
 * onto a container range of its length; with one container port, its first port stands.
 */
function hostPortOf(port: ServiceModel['ports'][number], containerPort: number): number | undefined {
  if (port.hostPort === undefined) return undefined;
  const sameLength = port.hostPortEnd! - port.hostPort === port.containerPortEnd - port.containerPort;
  const host = port.hostPort + (sameLength ? containerPort - port.containerPort : 0);
  return host === containerPort ? undefined : host;
}

/** What a published host port means on Fargate, said once per port entry whose host port differs. */
function warnHostPorts(svc: ServiceModel, problems: Problems) {
  for (const port of svc.ports) {
    if (port.hostPort === undefined || (port.hostPort === port.containerPort && port.hostPortEnd === port.containerPortEnd)) continue;
    const many = port.containerPortEnd > port.containerPort;
    const container = describePorts(port.containerPort, port.containerPortEnd);
    const host = describePorts(port.hostPort, port.hostPortEnd!);
    problems.warn('host-port', port.path,
      `publishes container port${many ? 's' : ''} ${container}/${port.protocol} on host port${port.hostPortEnd! > port.hostPort ? 's' : ''} ${host}: a Fargate task has no host ports, so the task opens the container port${many ? 's' : ''}, ${container} (port mapping and security group), and clients reach ${many ? 'them' : 'it'} there; with a load balancer, ${host} is the default listener port of ${many ? 'their targets' : 'its target'}`);
  }
}

/** The container's CPU units: ecs-params' when given, else compose's, which may not exceed the largest Fargate task. */
function containerCpu(svc: ServiceModel, p: EcsServiceParamsModel | undefined, problems: Problems): number | undefined {
  if (p?.cpu !== undefined) return p.cpu;
  const max = Math.max(...FARGATE_CPU_VALUES);
  if (svc.cpu !== undefined && svc.cpu > max) {
    problems.error(svc.sizePaths.cpu ?? svc.path, `${svc.cpu} CPU units is more than the largest Fargate task has (${max}, 16 vCPU)`);
    return undefined;
  }
  return svc.cpu;
}

/** The port mappings of a service's published ports: a range becomes one mapping per port, as ecs-cli did; a very long one stays a containerPortRange. */
function portMappingsOf(svc: ServiceModel): PortMappingPlan[] {
  return svc.ports.flatMap(port => {
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
}

/** The ports the other services reach it on that no published TCP port covers: mapped, not published. */
function servedMappings(svc: ServiceModel, served: PlanInput['served']): PortMappingPlan[] {
  if (served?.service !== svc.name) return [];
  const published = portMappingsOf(svc);
  return served.ports
    .filter(p => !published.some(m => m.protocol === 'tcp' && m.containerPort <= p && p <= m.containerPortEnd))
    .map(p => ({ containerPort: p, containerPortEnd: p, protocol: 'tcp', exposed: true }));
}

/**
 * Build the task plan. Problems go to the collector of the document they are in; the caller
 * throws them together.
 */
export function planTask(input: PlanInput, composeProblems: Problems, paramsProblems: Problems): TaskPlan | undefined {
  const { compose, ecsParams } = input;
  const params = new Map<string, EcsServiceParamsModel>();
  for (const p of ecsParams?.services ?? []) {
    if (!compose.services.some(s => s.name === p.name)) {
      paramsProblems.error(p.path, `no compose service named ${quote(p.name)}: the compose file defines ${compose.services.map(s => s.name).join(', ')}`);
    } else {
      params.set(p.name, p);
    }
  }

  // A service others wait on to finish (SUCCESS, COMPLETE) exits by design: unless ecs-params says
  // otherwise it is not essential (its exit must not stop the task).
  // So is a one-shot service that the project runs inside another service's task.
  const completionTargets = new Set<string>(input.runOnce ?? []);
  for (const d of [...compose.services.flatMap(x => x.dependsOn), ...(ecsParams?.services ?? []).flatMap(x => x.dependsOn)]) {
    if (d.condition === 'SUCCESS' || d.condition === 'COMPLETE') completionTargets.add(d.container);
  }
  for (const name of completionTargets) {
    const svc = compose.services.find(x => x.name === name);
    if (svc && params.get(name)?.essential === undefined) {
      composeProblems.warn('not-essential', svc.path, 'not essential: other services wait for it to exit, so its exit must not stop the task (set essential in ecs-params to change this)');
    }
  }
  const groups = new Map<string, LogGroupPlan>();
  const depSources = new Map<string, { problems: Problems; at: DocPath }[]>();
  const containers: ContainerPlan[] = compose.services.map(svc => {
    const p = params.get(svc.name);
    // A compose value that ecs-params replaces is not used, so it is not checked against ECS.
    const memory = (key: 'memoryLimit' | 'memoryReservation') => {
      const mib = p?.[`${key}MiB`] ?? svc[`${key}MiB`];
      if (p?.[`${key}MiB`] === undefined && mib !== undefined && mib < MIN_CONTAINER_MEMORY_MIB) {
        composeProblems.error(svc.sizePaths[key] ?? svc.path, tooLittleMemory(svc.sizeWritten?.[key] ?? `${mib}m`, mib));
        return undefined;
      }
      return mib;
    };
    const memoryLimitMiB = memory('memoryLimit');
    const memoryReservationMiB = memory('memoryReservation');
    if (memoryLimitMiB !== undefined && memoryReservationMiB !== undefined && memoryLimitMiB < memoryReservationMiB) {
      const fromParams = p?.memoryLimitMiB !== undefined || p?.memoryReservationMiB !== undefined;
      const at = fromParams ? [...p!.path, p!.memoryLimitMiB !== undefined ? 'mem_limit' : 'mem_reservation'] : svc.sizePaths.memoryLimit ?? svc.path;
      (fromParams ? paramsProblems : composeProblems).error(at, `the memory limit (${memoryLimitMiB} MiB) is below the reservation (${memoryReservationMiB} MiB): mem_limit must be greater than or equal to mem_reservation`);
    }
    // ecs-params depends_on replaces compose's entry for the same container.
    const deps = new Map<string, { container: string; condition: DependencyCondition; problems: Problems; at: DocPath }>();
    for (const d of svc.dependsOn) {
      if (d.required === false && !compose.services.some(x => x.name === d.container)) {
        composeProblems.warn('optional-dependency', d.path, `no service ${quote(d.container)}: the dependency is not required, so it is dropped`);
        continue;
      }
      deps.set(d.container, { ...d, problems: composeProblems, at: d.path });
    }
    for (const d of p?.dependsOn ?? []) deps.set(d.container, { ...d, problems: paramsProblems, at: d.path });
    depSources.set(svc.name, [...deps.values()].map(d => ({ problems: d.problems, at: d.at })));
    return {
      name: svc.name,
      mountPoints: [],
      volumesFrom: svc.volumesFrom.map(v => ({ container: v.container, readOnly: v.readOnly })),
      capAdd: svc.capAdd,
      capDrop: svc.capDrop,
      sysctls: svc.sysctls.map(x => ({ name: x.name, value: x.value })),
      tmpfs: [],
      firelens: p?.firelens ? { type: p.firelens.type, options: p.firelens.options } : undefined,
      repositoryCredentials: p?.repositoryCredentials?.arn ?? svc.awsPullCredentials?.arn,
      build: svc.build,
      projectFiles: [],
      logSecretOptions: p?.logSecretOptions ?? [],
      image: svc.image ?? '',
      essential: p?.essential ?? !completionTargets.has(svc.name),
      cpu: containerCpu(svc, p, composeProblems),
      memoryLimitMiB,
      memoryReservationMiB,
      portMappings: [...portMappingsOf(svc), ...servedMappings(svc, input.served)],
      environment: svc.environment,

      secrets: p?.secrets ?? [],
      command: svc.command,
      entryPoint: svc.entryPoint,
      workingDirectory: svc.workingDirectory,
      user: svc.user,
      dockerLabels: svc.labels,
      readonlyRootFilesystem: svc.readOnly,
      pseudoTerminal: svc.tty,
      interactive: svc.interactive,
      initProcessEnabled: p?.initProcessEnabled ?? svc.init,
      ulimits: svc.ulimits,
      stopTimeoutSeconds: svc.stopTimeoutSeconds === undefined ? undefined
        : intoBounds(svc.stopTimeoutSeconds, FARGATE_STOP_TIMEOUT_BOUNDS, composeProblems, svc.stopGracePeriod?.path ?? [...svc.path, 'stop_grace_period'],
          svc.stopGracePeriod?.written ?? svc.stopTimeoutSeconds, 'a container\'s stop timeout on Fargate', ' s'),
      healthCheck: mergeHealthCheck(svc.healthCheck, p?.healthCheck, composeProblems, paramsProblems),
      logging: planLogging(svc, composeProblems, groups, input.region, input.createLogGroups !== false),
      dependsOn: [...deps.values()].map(d => ({ container: d.container, condition: d.condition })),
    };
  });

  for (const svc of compose.services) warnHostPorts(svc, composeProblems);

  // Secrets may not shadow an environment variable of the same container.
  for (const c of containers) {
    for (const s of c.secrets) {
      if (c.environment.some(e => e.name === s.name)) {
        paramsProblems.error([...s.path, 'name'], `${s.name} is also set in the compose environment of ${c.name}: ECS refuses a name that is both a variable and a secret`);
      }
    }
  }

  // The containers of a task share one network interface: a port may be published once per task.
  const published: { svc: string; port: ServiceModel['ports'][number] }[] = [];
  for (const svc of compose.services) {
    for (const port of svc.ports) {
      const other = published.find(x => x.svc !== svc.name && x.port.protocol === port.protocol &&
        x.port.containerPort <= port.containerPortEnd && port.containerPort <= x.port.containerPortEnd);
      if (other) {
        const shared = Math.max(port.containerPort, other.port.containerPort);
        composeProblems.error(port.path, `container port ${shared}/${port.protocol} is also opened by ${other.svc} (${formatPath(other.port.path)}): the containers of one task share one network interface, so each container port is opened once; change the port one of them listens on${input.perService ? '' : ', or deploy with ComposeFargateProject (a task per compose service)'}`);
      }
      published.push({ svc: svc.name, port });
    }
  }
  if (ecsParams?.taskRole) {
    for (const svc of compose.services) {
      if (svc.awsRole) composeProblems.error(svc.awsRole.path, 'x-aws-role needs the task role the construct creates, but ecs-params task_role_arn names an existing one');
      if (svc.awsPolicies.length > 0) composeProblems.error([...svc.path, 'x-aws-policies'], 'x-aws-policies needs the task role the construct creates, but ecs-params task_role_arn names an existing one');
    }
  }

  if (containers.length > 0 && !containers.some(c => c.essential)) {
    paramsProblems.error(['task_definition', 'services'], `every container is marked essential: false (${containers.map(c => c.name).join(', ')}): at least one must be essential`);
  }
  checkDependencies(containers, depSources);
  const firelensLogGrants = planLogRouter(compose, ecsParams, containers, groups, composeProblems);

  const efsMounts: EfsMountPlan[] = [];
  const volumes = planVolumes(input, containers, composeProblems, efsMounts);
  const fileInit = planFileInit(input, containers, volumes, composeProblems);
  checkTaskWide(compose, ecsParams, containers, composeProblems, paramsProblems);

  const replicas = compose.services.filter(s => s.replicas !== undefined);
  let desiredCount: number | undefined;
  if (replicas.length > 0) {
    desiredCount = replicas[0].replicas;
    const other = replicas.find(s => s.replicas !== desiredCount);
    if (other) {
      composeProblems.error([...other.path, 'deploy', 'replicas'], `${other.replicas} differs from the ${desiredCount} of ${pathOf(composeProblems, [...replicas[0].path, 'deploy', 'replicas'])}: all services run in one ECS service, so they share one desired count`);
    }
  }

  const size = planTaskSize(containers, ecsParams, paramsProblems, input.reserved);
  if (size) {
    warnDefaultTaskSize(input, containers, size, composeProblems);
    compose.services.forEach((svc, i) => containers[i].tmpfs.push(...planTmpfs(svc, size.memory, composeProblems)));
  }

  const ingress: IngressPlan[] = [];
  for (const svc of compose.services) {
    for (const port of svc.ports) {
      if (port.hostIp !== undefined && isLoopback(port.hostIp)) continue;
      if (!ingress.some(i => i.protocol === port.protocol && i.fromPort === port.containerPort && i.toPort === port.containerPortEnd)) {
        const at = placeOf(composeProblems, port.path);
        ingress.push({ fromPort: port.containerPort, toPort: port.containerPortEnd, protocol: port.protocol, at, path: port.path });
      }
    }
  }

  for (const x of compose.services) {
    if (x.awsPullCredentials && params.get(x.name)?.repositoryCredentials) {
      composeProblems.warn('ignored-key', x.awsPullCredentials.path, 'ecs-params repository_credentials for this service wins');
    }
  }
  checkTaskDefinitionLimits({ family: input.family, containers, volumes, fileInit }, {
    services: compose.services, servicesAt: compose.version === '1' ? [] : ['services'], perService: input.perService === true,
  }, composeProblems);
  checkNetworkLimits(ecsParams?.network, paramsProblems);
  if (!composeProblems.ok || !paramsProblems.ok || !size) return undefined;
  const secretsToRead = [...new Set(containers.flatMap(c => c.secrets.map(s => s.valueFrom)))];
  const platforms = compose.services.filter(x => x.platform);
  const efsGrants: { fileSystemId: string; write: boolean }[] = [];
  for (const v of volumes) {
    if (!v.efs?.iam) continue;
    const write = containers.some(c => c.mountPoints.some(m => m.volume === v.name && !m.readOnly));
    const existing = efsGrants.find(g => g.fileSystemId === v.efs!.fileSystemId);
    if (existing) existing.write ||= write;
    else efsGrants.push({ fileSystemId: v.efs.fileSystemId, write });
  }
  const managedEfsGrants = volumes.filter(v => v.managedEfs).map(v => {
    const users = containers.filter(c => c.mountPoints.some(m => m.volume === v.name));
    return {
      volume: v.managedEfs!.volume,
      write: users.some(c => c.mountPoints.some(m => m.volume === v.name && !m.readOnly)),
      // Root access only for a container that acts as root (or whose user is not known): not for grafana's 472.
      root: users.some(c => {
        const svc = compose.services.find(s => s.name === c.name);
        return svc ? runAsUser(svc).root : c.user === undefined || /^(0|root)(:|$)/.test(c.user);
      }),
    };
  });
  const minPercent = oneValue(compose, x => x.awsMinPercent, 'deploy.x-aws-min_percent', composeProblems)?.value;
  const maxPercent = oneValue(compose, x => x.awsMaxPercent, 'deploy.x-aws-max_percent', composeProblems)?.value;
  const fileGivesPercents = minPercent !== undefined || maxPercent !== undefined;
  const percentsGiven = input.percentsGiven === true;
  const stateful = statefulDeployment({ services: compose.services, containers, volumes, percentsGiven, fileGivesPercents }, composeProblems);
  return {
    family: input.family,
    cpu: size.cpu,
    memoryMiB: size.memory,
    pidMode: ecsParams?.pidMode,
    containers,
    logGroups: [...groups.values()],
    ingress,
    desiredCount,
    executionRole: ecsParams?.taskExecutionRole,
    taskRole: ecsParams?.taskRole,
    network: ecsParams?.network,
    secretsToRead,
    volumes,
    cpuArchitecture: platforms[0]?.platform?.architecture ?? 'X86_64',
    fileInit,
    efsGrants,
    managedEfsGrants,
    efsMounts,
    // One task: its mounts are all the volume's users. A project decides over all its services (planProject).
    volumeOwners: input.perService ? [] : planVolumeOwners(efsMounts, composeProblems),
    serviceDiscovery: ecsParams?.serviceDiscovery,
    taskRolePolicies: compose.services.flatMap(x => (x.awsRole ? [x.awsRole.document] : [])),
    taskRoleManagedPolicies: [...new Set(compose.services.flatMap(x => x.awsPolicies))],
    autoscaling: oneValue(compose, x => x.awsAutoscaling, 'deploy.x-aws-autoscaling', composeProblems),
    // A database on a shared volume: the old task stops before the new one starts (see stateful.ts).
    minHealthyPercent: minPercent ?? stateful?.min,
    maxHealthyPercent: maxPercent ?? stateful?.max,
    logRetentionDays: compose.logsRetentionDays,
    portProtocols: [...new Set(compose.services.flatMap(x => x.ports.flatMap(pt => (pt.awsProtocol ? [pt.awsProtocol] : []))))],
    firelensLogGrants,
  };
}

/**
 * awsfirelens logging needs a FireLens log router in the task. When no service is one (ecs-params
 * firelens_configuration), the plan adds one, as Compose-X does: AWS for Fluent Bit, essential,
 * logging to a log group of its own (so its own problems are visible), and the awsfirelens
 * containers start after it. Returns the log groups the router writes to for CloudWatch outputs.
 */
function planLogRouter(
  compose: ComposeModel, params: EcsParamsModel | undefined, containers: ContainerPlan[], groups: Map<string, LogGroupPlan>, problems: Problems,
): FirelensLogGrantPlan[] {
  const users = compose.services.filter(svc => svc.logging?.driver === 'awsfirelens');
  if (users.length === 0) return [];
  const grants = users.flatMap(svc => firelensLogGrant(svc.logging!.options));
  const inTask = new Set(compose.services.map(x => x.name));
  if ((params?.services ?? []).some(p => p.firelens && inTask.has(p.name))) return grants;
  let name = 'log_router';
  for (let i = 2; containers.some(c => c.name === name); i++) name = `log_router_${i}`;
  const key = `container:${name}`;
  groups.set(key, { key, containers: [name] });
  containers.push({
    name,
    mountPoints: [],
    volumesFrom: [],
    capAdd: [],
    capDrop: [],
    sysctls: [],
    tmpfs: [],
    firelens: { type: 'fluentbit', options: { 'enable-ecs-log-metadata': 'true' } },
    addedLogRouter: true,
    logSecretOptions: [],
    image: LOG_ROUTER_IMAGE,
    projectFiles: [],
    essential: true,
    memoryReservationMiB: LOG_ROUTER_MEMORY_MIB,
    portMappings: [],
    environment: [],
    secrets: [],
    dockerLabels: {},
    ulimits: [],
    logging: { kind: 'awslogs', group: key, streamPrefix: name, options: {} },
    dependsOn: [],
  });
  for (const c of containers) {
    if (users.some(u => u.name === c.name) && !c.dependsOn.some(d => d.container === name)) c.dependsOn.push({ container: name, condition: 'START' });
  }
  const names = users.map(u => u.name).join(', ');
  problems.warn('log-router-added', [...users[0].logging!.path, 'driver'],
    `the awsfirelens log driver sends the logs of ${names} through a FireLens log router, and no service is one: a container ${name} (${LOG_ROUTER_IMAGE}, ${LOG_ROUTER_MEMORY_MIB} MiB reserved) is added to the task, logging to a log group of its own; to run your own router, give one service firelens_configuration in ecs-params`);
  return grants;
}

/** What the task role needs for the CloudWatch Logs output of awsfirelens options, when they name one. */
function firelensLogGrant(options: Record<string, string>): FirelensLogGrantPlan[] {
  // Fluent Bit reads its keys in any case.
  const opt = (key: string) => Object.entries(options).find(([k]) => k.toLowerCase() === key)?.[1];
  const output = opt('name');
  if (output !== 'cloudwatch' && output !== 'cloudwatch_logs') return [];
  const group = opt('log_group_name');
  if (group === undefined || group === '') return [];
  const yes = (v: string | undefined) => v !== undefined && /^(true|on|yes)$/i.test(v);
  const retention = opt('log_retention_days');
  return [{
    logGroupName: group.replace(/\$\([^)]*\)/g, '*'),
    region: opt('region'),
    actions: [
      ...(yes(opt('auto_create_group')) ? ['logs:CreateLogGroup'] : []),
      'logs:CreateLogStream',
      // The Go plugin (cloudwatch) looks its streams up; the C one (cloudwatch_logs) does not.
      ...(output === 'cloudwatch' ? ['logs:DescribeLogStreams'] : []),
      'logs:PutLogEvents',
      ...(retention !== undefined && Number(retention) > 0 ? ['logs:PutRetentionPolicy'] : []),
    ],
  }];
}

/** Settings ECS applies to the whole task: one value each. */
function checkTaskWide(
  compose: ComposeModel, params: EcsParamsModel | undefined, containers: ContainerPlan[], problems: Problems, paramsProblems: Problems,
) {
  const sysctl = new Map<string, { value: string; path: DocPath }>();
  for (const svc of compose.services) {
    for (const x of svc.sysctls) {
      const prev = sysctl.get(x.name);
      if (prev && prev.value !== x.value) {
        problems.error(x.path, `${quote(x.value)} differs from ${quote(prev.value)} at ${formatPath(prev.path)}: under awsvpc a sysctl applies to every container of the task, so it takes one value`);
      } else {
        sysctl.set(x.name, { value: x.value, path: x.path });
      }
    }
  }
  const platforms = compose.services.filter(x => x.platform);
  const other = platforms.find(x => x.platform!.architecture !== platforms[0].platform!.architecture);
  if (other) {
    const first = platforms[0];
    problems.error(other.platform!.path, `${other.name} runs on ${platformName(other.platform!.architecture)} and ${first.name} on ${platformName(first.platform!.architecture)} `
      + `(${formatPath(first.platform!.path)}): a Fargate task runs on one CPU architecture; give them one platform, or deploy them as separate ECS services with ComposeFargateProject`);
  }
  const routers = (params?.services ?? []).filter(p => p.firelens);
  if (routers.length > 1) {
    paramsProblems.error(routers[1].firelens!.path, `a task has one FireLens log router, and ${routers[0].name} is already one`);
  }
  const sd = params?.serviceDiscovery;
  if (sd?.containerName !== undefined) {
    const port = sd.containerPort ?? 0;
    const c = containers.find(x => x.name === sd.containerName);
    if (!c) {
      paramsProblems.error([...sd.path, 'container_name'], `no compose service named ${quote(sd.containerName)}: the services are ${containers.map(x => x.name).join(', ')}`);
    } else if (sd.containerPort !== undefined && !c.portMappings.some(p => p.containerPort <= port && port <= p.containerPortEnd)) {
      paramsProblems.error([...sd.path, 'container_port'], `${sd.containerName} publishes no port ${sd.containerPort}: list it under the service's ports`);
    }
  }
}

/** A setting every service may carry but the one ECS service takes once: all that set it must agree. */
function oneValue<T>(compose: ComposeModel, get: (s: ServiceModel) => T | undefined, what: string, problems: Problems): T | undefined {
  const withValue = compose.services.filter(x => get(x) !== undefined);
  if (withValue.length === 0) return undefined;
  const key = (v: T | undefined) => JSON.stringify(typeof v === 'object' && v !== null ? { ...v, path: undefined } : v);
  // Where a value is: its own path when it carries one, else `what` in the service.
  const at = (x: ServiceModel): DocPath => {
    const v = get(x) as { path?: DocPath } | undefined;
    return typeof v === 'object' && v !== null && Array.isArray(v.path) ? v.path : [...x.path, ...what.split('.')];
  };
  const first = get(withValue[0]);
  const other = withValue.find(x => key(get(x)) !== key(first));
  if (other) {
    problems.error(at(other), `differs from ${formatPath(at(withValue[0]))}: the services run in one ECS service, so they share one setting`);
  }
  return first;
}

/** The compose platform of an ECS CPU architecture. */
function platformName(architecture: 'X86_64' | 'ARM64'): string {
  return architecture === 'ARM64' ? 'linux/arm64' : 'linux/amd64';
}
