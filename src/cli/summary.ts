/**
 * What `synth` prints: per stack, the resources by type, the task, a table of the containers
 * (image, ports, cpu/memory, log group), the log groups created, and every warning.
 */
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { RenderContext, Renderer, Template } from './task-definition';

/** Columns padded to their widest cell. */
function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  return [header, ...rows].map(r => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

/** The SDK call of an AwsCustomResource (JSON text, or joined with references, which read as `?`). */
function sdkCallOf(value: unknown): Record<string, any> | undefined {
  try {
    if (typeof value === 'string') return JSON.parse(value);
    const join = (value as any)?.['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) return JSON.parse(join[1].map((x: unknown) => (typeof x === 'string' ? x : '?')).join(''));
  } catch {
    // not a call this summary reads
  }
  return undefined;
}

/** The region and account the stack is for (undefined where it is environment-agnostic). */
export function environmentOf(stack: cxapi.CloudFormationStackArtifact): RenderContext {
  const { region, account } = stack.environment;
  return {
    region: region === cxapi.UNKNOWN_REGION ? undefined : region,
    account: account === cxapi.UNKNOWN_ACCOUNT ? undefined : account,
  };
}

/**
 * The summary of every stack of the assembly.
 *
 * @param shownDir the assembly's folder as the user should see it (it may have been synthesized elsewhere)
 */
export function summarize(assembly: cxapi.CloudAssembly, shownDir: string, acknowledged: [string, number][] = []): string {
  const lines: string[] = [];
  for (const stack of assembly.stacks) {
    const template = stack.template as Template;
    const resources = Object.values(template.Resources ?? {});
    const env = environmentOf(stack);
    const render = new Renderer(template, env);
    lines.push(`Stack ${stack.stackName} (${env.region ?? env.account ? stack.environment.name : 'environment-agnostic'}): ${resources.length} resources -> ${path.join(shownDir, stack.templateFile)}`);
    const byType = new Map<string, number>();
    for (const r of resources) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
    for (const [type, n] of [...byType.entries()].sort()) lines.push(`  ${String(n).padStart(3)}  ${type}`);

    for (const task of resources.filter(r => r.Type === 'AWS::ECS::TaskDefinition')) {
      const p = task.Properties ?? {};
      const compat = Array.isArray(p.RequiresCompatibilities) ? p.RequiresCompatibilities.join(', ') : '';
      lines.push('', `Task definition ${render.text(p.Family)}: cpu ${render.text(p.Cpu)} / memory ${render.text(p.Memory)} MiB, ${render.text(p.NetworkMode)}, ${compat}`);
      const containers = (Array.isArray(p.ContainerDefinitions) ? p.ContainerDefinitions : []) as Record<string, any>[];
      lines.push(...formatTable(['CONTAINER', 'IMAGE', 'PORTS', 'CPU', 'MEMORY', 'LOG GROUP'], containers.map(c => [
        String(c.Name),
        render.text(c.Image),
        (c.PortMappings ?? []).map((m: any) => `${m.ContainerPortRange ?? m.ContainerPort}/${m.Protocol ?? 'tcp'}`).join(', ') || '-',
        c.Cpu === undefined ? '-' : String(c.Cpu),
        [c.Memory === undefined ? '' : `${c.Memory}`, c.MemoryReservation === undefined ? '' : `${c.MemoryReservation} reserved`].filter(x => x).join(', ') || '-',
        logGroupOf(c, render),
      ])).map(l => `  ${l}`));
    }

    const groups = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
    // The groups a compose file names, made by a custom resource (resources/log-groups.ts): its SDK calls say the name and retention.
    const calls = (type: string) => resources.filter(r => r.Type === type).map(r => sdkCallOf(r.Properties?.Create)).filter(c => c !== undefined);
    const retentions = calls('Custom::LogGroupRetention');
    const named = calls('Custom::LogGroup');
    if (groups.length > 0 || named.length > 0) {
      lines.push('', 'Log groups created:');
      const kept = (days: unknown) => (days === undefined ? ', kept forever' : `, events kept ${days} days`);
      for (const [id, g] of groups) {
        const name = g.Properties?.LogGroupName === undefined ? `\${${id}} (named by CloudFormation)` : render.text(g.Properties.LogGroupName);
        lines.push(`  ${name}${kept(g.Properties?.RetentionInDays)}`);
      }
      for (const c of named) {
        const name = c.parameters?.logGroupName;
        const days = retentions.find(r => r.parameters?.logGroupName === name)?.parameters?.retentionInDays;
        lines.push(`  ${name}${days === undefined ? ', its retention as it is' : `, events kept ${days} days`} (created when missing, kept on destroy)`);
      }
    }

    // The file systems the stack makes stay on `cdk destroy`, and a deploy after it makes new, empty ones.
    const fileSystems = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::EFS::FileSystem');
    if (fileSystems.length > 0) {
      lines.push('', 'EFS file systems created (kept on cdk destroy; a deploy after a destroy makes new, empty ones: to keep the data,');
      lines.push('pass the old ones with the fileSystems prop, README "Deploying the first time, and again after cdk destroy"):');
      for (const [id, f] of fileSystems) {
        const tags: { Key: string; Value: unknown }[] = Array.isArray(f.Properties?.FileSystemTags) ? f.Properties.FileSystemTags : [];
        const name = tags.find(t => t.Key === 'Name')?.Value;
        lines.push(`  ${name === undefined ? id : render.text(name)}${(f as any).DeletionPolicy === 'Retain' ? '' : ' (deleted on destroy)'}`);
      }
    }

    const warnings = stack.messages.filter(m => m.level === cxapi.SynthesisMessageLevel.WARNING);
    lines.push('', warnings.length === 0 ? 'Warnings: none' : `Warnings (${warnings.length}):`);
    for (const w of warnings) lines.push(`  ${String(w.entry.data)}`);
    if (warnings.length > 0) lines.push('  (--ack ID acknowledges the warnings that end with [ack: ID])');
    if (acknowledged.length > 0) lines.push(`Acknowledged (--ack): ${acknowledged.map(([id, n]) => `${id} (${n})`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

function logGroupOf(c: Record<string, any>, render: Renderer): string {
  const log = c.LogConfiguration;
  if (log === undefined) return '-';
  if (log.LogDriver !== 'awslogs') return `(${log.LogDriver} driver)`;
  return render.text(log.Options?.['awslogs-group']);
}
