/**
 * Fargate's valid task sizes (Linux): CPU units -> allowed memory in MiB.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export const FARGATE_TASK_SIZES: ReadonlyArray<{ readonly cpu: number; readonly memory: readonly number[] }> = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
  { cpu: 8192, memory: range(16384, 61440, 4096) },
  { cpu: 16384, memory: range(32768, 122880, 8192) },
];

export const FARGATE_CPU_VALUES = FARGATE_TASK_SIZES.map(s => s.cpu);

/** The memory values Fargate allows for a CPU value, or undefined if the CPU value is not valid. */
export function allowedMemory(cpu: number): readonly number[] | undefined {
  return FARGATE_TASK_SIZES.find(s => s.cpu === cpu)?.memory;
}

/** Describe a list of MiB values compactly: "512, 1024, 2048" or "2048 to 8192 in steps of 1024". */
export function describeMemory(values: readonly number[]): string {
  if (values.length <= 3) return values.join(', ');
  const step = values[1] - values[0];
  return `${values[0]} to ${values[values.length - 1]} in steps of ${step}`;
}

/**
 * The smallest valid size with cpu >= minCpu and memory >= minMemory, optionally with a fixed
 * cpu or memory. Smallest CPU first, then smallest memory.
 */
export function smallestTaskSize(
  minCpu: number, minMemory: number, fixedCpu?: number, fixedMemory?: number,
): { cpu: number; memory: number } | undefined {
  for (const size of FARGATE_TASK_SIZES) {
    if (fixedCpu !== undefined ? size.cpu !== fixedCpu : size.cpu < minCpu) continue;
    const mem = size.memory.find(m => (fixedMemory !== undefined ? m === fixedMemory : m >= minMemory));
    if (mem !== undefined) return { cpu: size.cpu, memory: mem };
  }
  return undefined;
}
