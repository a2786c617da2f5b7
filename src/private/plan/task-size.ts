/**
 * The size of a task: its CPU and memory (ecs-params task_size, else the smallest Fargate size that
 * holds its containers), each container's CPU units, and tmpfs mounts within the task's memory.
 */
import { allowedMemory, describeMemory, FARGATE_CPU_VALUES, smallestTaskSize } from '../facts/fargate';
import { EcsParamsModel, EcsServiceParamsModel, ServiceModel } from '../model';
import { DocPath, Problems } from '../problems';
import { ContainerPlan, PlanInput, TmpfsPlan } from './model';

/** Resolve the task size: ecs-params when given (validated), else the smallest that fits. */
export function planTaskSize(
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
export function warnDefaultTaskSize(input: PlanInput, containers: ContainerPlan[], size: { cpu: number; memory: number }, problems: Problems) {
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
export function planTmpfs(svc: ServiceModel, taskMemoryMiB: number, problems: Problems): TmpfsPlan[] {
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

/** The container's CPU units: ecs-params' when given, else compose's, which may not exceed the largest Fargate task. */
export function containerCpu(svc: ServiceModel, p: EcsServiceParamsModel | undefined, problems: Problems): number | undefined {
  if (p?.cpu !== undefined) return p.cpu;
  const max = Math.max(...FARGATE_CPU_VALUES);
  if (svc.cpu !== undefined && svc.cpu > max) {
    problems.error(svc.sizePaths.cpu ?? svc.path, `${svc.cpu} CPU units is more than the largest Fargate task has (${max}, 16 vCPU)`);
    return undefined;
  }
  return svc.cpu;
}
