/**
 * The plan stage: pure functions from the two models to a TaskPlan. No CDK here; the construct
 * builds resources from the plan. Cross-document checks (ecs-params naming a service compose
 * lacks, task size against the containers, dependencies) are made here.
 */
import {
  ECS_HEALTHCHECK_BOUNDS, ECS_HEALTHCHECK_DEFAULTS, FARGATE_STOP_TIMEOUT_BOUNDS, intoBounds, MIN_CONTAINER_MEMORY_MIB, tooLittleMemory,
} from '../facts/ecs-limits';
import { ComposeModel, DependencyCondition, EcsParamsModel, EcsServiceParamsModel, HealthCheckModel, ServiceModel } from '../model';
import { noServiceToDependOn } from '../normalize/normalize-compose';
import { isLoopback } from '../ports';
import { DocPath, formatPath, formatProblem, Problems, quote } from '../problems';
import { portMappingsOf, warnHostPorts } from './container-ports';
import { checkNetworkLimits, checkTaskDefinitionLimits } from './limits';
import { planLogging, planLogRouter } from './logging';
import { ContainerPlan, HealthCheckPlan, IngressPlan, LogGroupPlan, PlanInput, TaskPlan } from './model';
import { statefulDeployment } from './stateful';
import { containerCpu, planTaskSize, planTmpfs, warnDefaultTaskSize } from './task-size';
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

/** The place of a path as a problem names it: `docker-compose.yml: services.web.ports[0]`. */
export function placeOf(problems: Problems, at: DocPath): string {
  return formatProblem({ file: problems.file, path: at, message: '' });
}

function pathOf(problems: Problems, at: DocPath): string {
  return `${problems.file ? `${problems.file} ` : ''}${formatPath(at)}`;
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
      // Only from a container of this task: another service's volumes are mounted directly (planVolumes).
      volumesFrom: svc.volumesFrom.filter(v => compose.services.some(x => x.name === v.container))
        .map(v => ({ container: v.container, readOnly: v.readOnly })),
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
      portMappings: portMappingsOf(svc, input.served),
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
