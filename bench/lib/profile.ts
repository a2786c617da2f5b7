/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: self time by owner
 * (node's module loader, each aws-cdk-lib module, yaml, each file of the construct library, ...),
 * and inclusive time in a few places that matter here (inside require(), inside the construct
 * library's code and what it calls, inside the YAML parser, inside app.synth()).
 */
import * as fs from 'fs';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface ProfileSummary {
  /** Sampled time in ms. */
  readonly totalMs: number;
  /** Self time by owner, ms, largest first. */
  readonly selfByOwner: [string, number][];
  /** Self time by function (owner: name:line), ms, largest first. */
  readonly selfByFunction: [string, number][];
  /** Inclusive time, ms: samples with at least one frame of the kind on the stack. */
  readonly inclusive: Record<InclusiveKind, number>;
}

export type InclusiveKind = 'require' | 'constructLibrary' | 'yaml' | 'synth';

/** Who a frame belongs to. */
export function ownerOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:internal/modules') || url.startsWith('node:internal/fs')) return 'node: module loader';
  if (url.startsWith('node:')) return 'node: other';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    if (pkg === 'aws-cdk-lib') {
      const sub = rest[1] === 'core' || rest[1].startsWith('aws-') || rest[1] === 'cx-api' || rest[1] === 'cloud-assembly-schema' ? rest[1] : '(other)';
      return `aws-cdk-lib/${sub}`;
    }
    return pkg;
  }
  const src = url.indexOf('/js/src/');
  if (src >= 0) return `src/${url.slice(src + '/js/src/'.length).replace(/\.js$/, '.ts')}`;
  const bench = url.indexOf('/js/bench/');
  if (bench >= 0) return `bench/${url.slice(bench + '/js/bench/'.length).replace(/\.js$/, '.ts')}`;
  return url;
}

function kindsOf(frame: CallFrame): InclusiveKind[] {
  const kinds: InclusiveKind[] = [];
  const owner = ownerOf(frame);
  // Module.require: a require() call made by a module (the entry point is loaded without one).
  if (owner === 'node: module loader' && frame.functionName === 'Module.require') kinds.push('require');
  if (owner.startsWith('src/')) kinds.push('constructLibrary');
  if (owner === 'yaml') kinds.push('yaml');
  if (frame.functionName === 'synth' && owner.startsWith('aws-cdk-lib/')) kinds.push('synth');
  return kinds;
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile: CpuProfile = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The kinds on each node's stack (memoized: a node's stack is its parent's plus itself).
  const stackKinds = new Map<number, Set<InclusiveKind>>();
  const kindsOnStack = (id: number): Set<InclusiveKind> => {
    const known = stackKinds.get(id);
    if (known) return known;
    const p = parent.get(id);
    const set = new Set<InclusiveKind>(p === undefined ? [] : kindsOnStack(p));
    for (const k of kindsOf(byId.get(id)!.callFrame)) set.add(k);
    stackKinds.set(id, set);
    return set;
  };
  const selfOwner = new Map<string, number>();
  const selfFunction = new Map<string, number>();
  const inclusive: Record<InclusiveKind, number> = { require: 0, constructLibrary: 0, yaml: 0, synth: 0 };
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    const owner = ownerOf(node.callFrame);
    if (owner === '(idle)') return;
    total += ms;
    selfOwner.set(owner, (selfOwner.get(owner) ?? 0) + ms);
    const fn = `${owner}: ${node.callFrame.functionName || '(anonymous)'}:${node.callFrame.lineNumber + 1}`;
    selfFunction.set(fn, (selfFunction.get(fn) ?? 0) + ms);
    for (const k of kindsOnStack(id)) inclusive[k] += ms;
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalMs: total, selfByOwner: sorted(selfOwner), selfByFunction: sorted(selfFunction), inclusive };
}
