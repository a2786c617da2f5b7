/**
 * A short, human summary of a synthesized cloud assembly: per stack, the resources by type,
 * the containers (image, ports, cpu/memory, logs), and the warnings.
 */
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';

export function summarizeAssembly(assembly: cxapi.CloudAssembly): string {
  const lines: string[] = [];
  for (const stack of assembly.stacks) {
    const resources: Record<string, any> = stack.template.Resources ?? {};
    lines.push(`${stack.stackName}: ${Object.keys(resources).length} resources -> ${path.relative(process.cwd(), path.join(assembly.directory, stack.templateFile))}`);
    const byType = new Map<string, number>();
    for (const r of Object.values(resources)) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
    for (const [type, n] of [...byType.entries()].sort()) lines.push(`  ${String(n).padStart(3)}  ${type}`);
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::ECS::TaskDefinition') continue;
      const p = r.Properties;
      lines.push(`  task ${JSON.stringify(p.Family)}: cpu ${p.Cpu}, memory ${p.Memory} MiB, ${p.NetworkMode}`);
      for (const c of p.ContainerDefinitions ?? []) {
        const ports = (c.PortMappings ?? []).map((m: any) => `${m.ContainerPort ?? m.ContainerPortRange}/${m.Protocol}`).join(', ') || 'none';
        const log = c.LogConfiguration?.Options ?? {};
        const group = typeof log['awslogs-group'] === 'string' ? log['awslogs-group'] : '(created)';
        lines.push(`    container ${c.Name}: image ${c.Image}, ports ${ports}, logs ${c.LogConfiguration?.LogDriver ?? 'none'} ${group}`);
      }
    }
    for (const msg of stack.messages) {
      if (msg.level === 'warning' || msg.level === 'error') lines.push(`  ${msg.level}: ${msg.entry.data}`);
    }
  }
  return lines.join('\n') + '\n';
}
