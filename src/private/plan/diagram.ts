/**
 * A picture of what the files become, from the plan the constructs build from: a Mermaid
 * flowchart with the internet or the load balancer, each ECS service (or the one task) with its
 * containers and ports, the names services use to reach each other and `depends_on`, volumes and
 * secrets. Pure data and text, no CDK.
 */
import { ComposeModel } from '../model';
import { TaskPlan } from './model';
import { HostReference } from './names';

export interface DiagramContainer {
  readonly name: string;
  readonly image: string;
  readonly ports: string[];
}

export interface DiagramModel {
  /** 'task': ComposeFargateService (one task); 'project': one ECS service per compose service. */
  readonly model: 'task' | 'project';
  readonly services: {
    /** The compose service (project) or the project name (one task). */
    readonly name: string;
    /** The ECS service name. */
    readonly serviceName: string;
    readonly containers: DiagramContainer[];
    /** Ports open to the internet (no load balancer). */
    readonly published: string[];
  }[];
  readonly balancer?: {
    readonly type: string;
    readonly routes: { readonly listenerPort: number; readonly service: string; readonly containerPort: number; readonly route?: string }[];
  };
  /** From the container that uses a name (or depends on another) to the container it reaches. */
  readonly edges: { readonly from: string; readonly to: string; readonly label: string; readonly kind: 'name' | 'depends_on' }[];
  readonly volumes: { readonly name: string; readonly storage: string; readonly users: string[] }[];
  readonly secrets: { readonly name: string; readonly users: string[] }[];
}

function id(kind: string, ...parts: string[]): string {
  return `${kind}_${parts.map(p => p.replace(/[^A-Za-z0-9]/g, '_')).join('__')}`;
}

function text(s: string): string {
  return `"${s.replace(/"/g, '#quot;')}"`;
}

/** The Mermaid flowchart of a diagram model. */
export function renderMermaid(d: DiagramModel): string {
  const lines = ['flowchart LR'];
  const containerId = (name: string) => {
    const owner = d.services.find(s => s.containers.some(c => c.name === name));
    return id('c', owner?.name ?? '', name);
  };
  const internet = 'internet';
  const anyPublic = d.services.some(s => s.published.length > 0) || d.balancer !== undefined;
  if (anyPublic) lines.push(`  ${internet}((Internet))`);
  if (d.balancer) lines.push(`  lb{{${text(d.balancer.type)}}}`);
  for (const s of d.services) {
    lines.push(`  subgraph ${id('s', s.name)}[${text(`ECS service ${s.serviceName}`)}]`);
    for (const c of s.containers) {
      lines.push(`    ${id('c', s.name, c.name)}[${text([c.name, c.image, ...(c.ports.length > 0 ? [c.ports.join(', ')] : [])].join('<br/>'))}]`);
    }
    lines.push('  end');
  }
  if (d.balancer) {
    for (const port of [...new Set(d.balancer.routes.map(r => r.listenerPort))]) lines.push(`  ${internet} -->|${text(`:${port}`)}| lb`);
    for (const r of d.balancer.routes) {
      lines.push(`  lb -->|${text(`${r.route ? `${r.route} ` : ''}:${r.listenerPort} to ${r.containerPort}`)}| ${containerId(r.service)}`);
    }
  }
  for (const s of d.services) {
    if (s.published.length > 0 && !d.balancer) {
      const main = s.containers[0];
      lines.push(`  ${internet} -->|${text(s.published.join(', '))}| ${d.model === 'task' ? id('s', s.name) : id('c', s.name, main.name)}`);
    }
  }
  for (const e of d.edges) {
    lines.push(`  ${containerId(e.from)} ${e.kind === 'name' ? '-->' : '-.->'}|${text(e.label)}| ${containerId(e.to)}`);
  }
  for (const v of d.volumes) {
    lines.push(`  ${id('v', v.name)}[(${text(`${v.name}<br/>${v.storage}`)})]`);
    for (const u of v.users) lines.push(`  ${containerId(u)} --- ${id('v', v.name)}`);
  }
  for (const x of d.secrets) {
    lines.push(`  ${id('x', x.name)}[/${text(`secret ${x.name}`)}/]`);
    for (const u of x.users) lines.push(`  ${id('x', x.name)} -.-> ${containerId(u)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What the diagram of a deployment is made from: its ECS services' plans and the compose model. */
export interface DiagramInput {
  readonly model: 'task' | 'project';
  readonly services: { readonly name: string; readonly serviceName: string; readonly task: TaskPlan }[];
  readonly compose: ComposeModel;
  readonly references: HostReference[];
  readonly balancer?: DiagramModel['balancer'];
  /** No port is open to the internet (a load balancer, or security groups given). */
  readonly closed: boolean;
}

/** The containers of a task that mount a volume, once each. */
function addUsers(users: string[], task: TaskPlan, volume: string): void {
  for (const c of task.containers) if (c.mountPoints.some(m => m.volume === volume) && !users.includes(c.name)) users.push(c.name);
}

/** The diagram of a deployment, from the same plans its resources are built from. */
export function diagramOf(input: DiagramInput): DiagramModel {
  const containerNames = new Set(input.services.flatMap(s => s.task.containers.map(c => c.name)));
  const edges: DiagramModel['edges'][number][] = [];
  for (const r of input.references) {
    const label = r.port !== undefined ? `${r.name}:${r.port}` : r.name;
    const known = containerNames.has(r.from) && containerNames.has(r.target);
    if (known && !edges.some(e => e.from === r.from && e.to === r.target && e.label === label)) {
      edges.push({ from: r.from, to: r.target, label, kind: 'name' });
    }
  }
  for (const svc of input.compose.services) {
    for (const d of svc.dependsOn) {
      if (!containerNames.has(svc.name) || !containerNames.has(d.container) || edges.some(e => e.from === svc.name && e.to === d.container)) continue;
      edges.push({ from: svc.name, to: d.container, label: `depends_on (${d.condition.toLowerCase()})`, kind: 'depends_on' });
    }
  }
  const volumes = new Map<string, { name: string; storage: string; users: string[] }>();
  const secrets = new Map<string, { name: string; users: string[] }>();
  for (const s of input.services) {
    const fileVolumes = new Set((s.task.fileInit?.files ?? []).map(f => f.volume));
    for (const v of s.task.volumes) {
      if (fileVolumes.has(v.name)) continue;
      const storage = v.efs ? `EFS ${v.efs.fileSystemId}` : v.managedEfs ? (v.managedEfs.existing ? 'EFS (given)' : 'EFS') : 'task storage';
      const entry = volumes.get(v.name) ?? { name: v.name, storage, users: [] };
      addUsers(entry.users, s.task, v.name);
      volumes.set(v.name, entry);
    }
    for (const f of s.task.fileInit?.files ?? []) {
      const entry = secrets.get(f.name) ?? { name: f.name, users: [] };
      addUsers(entry.users, s.task, f.volume);
      secrets.set(f.name, entry);
    }
    for (const c of s.task.containers) {
      for (const x of c.secrets) {
        const entry = secrets.get(x.valueFrom) ?? { name: x.valueFrom, users: [] };
        if (!entry.users.includes(c.name)) entry.users.push(c.name);
        secrets.set(x.valueFrom, entry);
      }
    }
  }
  return {
    model: input.model,
    services: input.services.map(s => ({
      name: s.name,
      serviceName: s.serviceName,
      containers: s.task.containers.map(c => ({
        name: c.name,
        image: c.build ? 'built from build:' : c.image,
        ports: c.portMappings.map(p => `${p.containerPort === p.containerPortEnd ? p.containerPort : `${p.containerPort}-${p.containerPortEnd}`}/${p.protocol}`),
      })),
      published: input.closed || input.balancer ? [] : s.task.ingress.map(i => `${i.fromPort === i.toPort ? i.fromPort : `${i.fromPort}-${i.toPort}`}/${i.protocol}`),
    })),
    balancer: input.balancer,
    edges,
    volumes: [...volumes.values()],
    secrets: [...secrets.values()],
  };
}
