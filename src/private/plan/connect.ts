/**
 * How the ECS services of a project reach each other: the ports each one serves, the Service
 * Connect endpoints it answers at (names unique in the namespace), the security group rules between
 * services on a shared compose network, and the order of creation. Pure functions, no CDK.
 */
import { builtImage } from '../dockerfile';
import { imageNamePorts, knownImagePorts, NamedImagePorts } from '../facts/known-ports';
import { ServiceModel } from '../model';
import { DocPath, formatPath, Problems, quote } from '../problems';
import { IngressPlan, shortHash } from './model';
import { HostReference, ServiceName } from './names';

/** What a service serves to the others. */
export interface ServedPorts {
  /** Single TCP ports: Service Connect endpoints (Service Connect carries TCP only). */
  readonly endpoints: number[];
  /** Every port other services may connect to (TCP and UDP, ranges kept whole): security group rules. */
  readonly ranges: IngressPlan[];
}

/** Adjacent and overlapping ranges of one protocol become one (fewer security group rules). */
export function mergeRanges(ranges: IngressPlan[]): IngressPlan[] {
  const out: IngressPlan[] = [];
  for (const protocol of ['tcp', 'udp'] as const) {
    const sorted = ranges.filter(r => r.protocol === protocol).sort((a, b) => a.fromPort - b.fromPort);
    for (const r of sorted) {
      const last = out[out.length - 1];
      if (last && last.protocol === protocol && r.fromPort <= last.toPort + 1) {
        out[out.length - 1] = { ...last, toPort: Math.max(last.toPort, r.toPort) };
      } else {
        out.push({ ...r });
      }
    }
  }
  return out;
}

/** A built service's Dockerfile as messages name it. */
function dockerfileName(svc: ServiceModel): string {
  return svc.build?.dockerfile ?? 'Dockerfile';
}

/**
 * The ports a service's image listens on, as far as the plan can tell: a pulled image's from the
 * table of known images; a built image's from its Dockerfile: the EXPOSE instructions of the stage
 * the build ends with and of the stages it is built FROM (variables filled from ARG, ENV and the
 * compose build args), and the known ports of the image the first of them starts FROM (an image
 * inherits its base image's EXPOSE).
 */
export function imagePorts(svc: ServiceModel): ImagePorts {
  if (!svc.build) {
    const image = svc.image ?? '';
    return { known: [...knownImagePorts(image)?.ports ?? []], exposed: [], unread: [], named: imageNamePorts(image) };
  }
  const built = builtImage(svc.build.dockerfileText, svc.build.target, svc.build.args);
  const known = [...knownImagePorts(built.baseImage ?? '')?.ports ?? []];
  const exposed = built.exposes.map(e => ({ containerPort: e.port, containerPortEnd: e.portEnd, protocol: e.protocol }));
  return { known, exposed, unread: built.unreadExposes, base: built.baseImage, named: imageNamePorts(built.baseImage ?? '') };
}

/** What a service's image says about its ports. */
export interface ImagePorts {
  readonly known: number[];
  readonly exposed: PortSpecLike[];
  readonly unread: string[];
  readonly base?: string;
  readonly named?: NamedImagePorts;
}

/** The part of a port declaration the plan reads. */
interface PortSpecLike {
  readonly containerPort: number;
  readonly containerPortEnd: number;
  readonly protocol: 'tcp' | 'udp';
}

/**
 * The ports a service serves: those it publishes or exposes, else those its Dockerfile EXPOSEs;
 * its image's well-known ports; and the ports other services write with its name (under compose
 * every port is reachable on a network).
 */
export function servedPorts(svc: ServiceModel, references: HostReference[], problems: Problems): ServedPorts {
  const image = imagePorts(svc);
  const own: PortSpecLike[] = [...svc.ports, ...(svc.expose ?? [])];
  const declared = own.length > 0 ? own : image.exposed;
  const named = image.named;
  const imageName = svc.build ? image.base : svc.image;
  // An image the table does not know whose name is a known image's (`mysql/mysql-server`) listens where that one does.
  const byName = declared.length === 0 && image.known.length === 0 && named?.revealed === true;
  const known = byName ? [...named.ports] : image.known;
  if (byName) {
    problems.warn('image-name-port', svc.path,
      `answers on ${known.join(', ')}: its ${svc.build ? 'base image' : 'image'} ${quote(imageName ?? '')} is not in the table of known images, but its name says ${named.matched}, which is ${named.image} (${named.source}); `
      + 'if it listens elsewhere, say so with `expose: ["PORT"]`');
  }
  const hint = named && !named.revealed
    ? ` (its name holds ${named.matched}, but more: if it listens where ${named.image} does, that is \`expose: [${named.ports.map(p => `"${p}"`).join(', ')}]\`)`
    : '';
  const described = (svc.build
    ? `its ${dockerfileName(svc)} EXPOSEs no port${image.base ? ` and its base image ${quote(image.base)} is not one whose port is known` : ''}`
      + (image.unread.length > 0 ? ` (EXPOSE ${image.unread.join(' ')} reads as no port)` : '')
    : `its image ${quote(svc.image ?? '')} is not one whose port is known`);
  const used = references.filter(r => r.target === svc.name);
  const referenced = used.filter(r => r.port !== undefined).map(r => r.port!);
  const covered = (p: number) => declared.some(d => d.protocol === 'tcp' && d.containerPort <= p && p <= d.containerPortEnd) || known.includes(p);
  const inferred = [...new Set(referenced.filter(p => !covered(p)))];
  if (inferred.length > 0) {
    const fromDockerfile = own.length === 0 ? declared.map(d => (d.containerPort === d.containerPortEnd ? `${d.containerPort}` : `${d.containerPort}-${d.containerPortEnd}`) + (d.protocol === 'udp' ? '/udp' : '')) : [];
    const note = fromDockerfile.length > 0 ? ` (its ${dockerfileName(svc)} EXPOSEs ${fromDockerfile.join(' ')})` : known.length === 0 && declared.length === 0 ? ` (${described})` : '';
    problems.warn('inferred-port', svc.path,
      `answers on ${inferred.join(', ')}: the port${inferred.length > 1 ? 's' : ''} ${used.filter(r => r.port !== undefined && inferred.includes(r.port)).map(r => `${r.from} writes at ${formatPath(r.path)}`).join(' and ')}, which it neither publishes nor exposes${note}; add \`expose\` to say so`);
  }
  const ranges = mergeRanges([
    ...declared.map(d => ({ fromPort: d.containerPort, toPort: d.containerPortEnd, protocol: d.protocol })),
    ...[...known, ...inferred].map(p => ({ fromPort: p, toPort: p, protocol: 'tcp' as const })),
  ]);
  const singles = [
    ...declared.filter(d => d.protocol === 'tcp' && d.containerPort === d.containerPortEnd).map(d => d.containerPort),
    ...known, ...inferred,
  ];
  const endpoints = [...new Set(singles)];
  if (endpoints.length === 0 && used.length > 0) {
    const udp = declared.filter(d => d.protocol === 'udp');
    problems.warn('unknown-port', svc.path, udp.length > 0 && declared.every(d => d.protocol === 'udp')
      ? `${used.map(r => `${r.from} (${formatPath(r.path)})`).join(', ')} reach${used.length === 1 ? 'es' : ''} this service by name, but it serves UDP only, and Service Connect carries TCP: the name does not resolve (the security group admits the UDP ports)`
      : `${used.map(r => `${r.from} (${formatPath(r.path)})`).join(', ')} reach${used.length === 1 ? 'es' : ''} this service by name, but it publishes and exposes no port, and ${described}: add \`expose: ["PORT"]\` so that it answers on that port${hint}`);
  }
  return { endpoints, ranges };
}

/** One Service Connect endpoint. */
export interface Endpoint {
  readonly service: string;
  readonly port: number;
  readonly dnsName: string;
  readonly discoveryName: string;
}

/** A Cloud Map service name: lower case, what Cloud Map takes, at most 64 characters, with the port. */
function discoveryNameOf(name: string, port: number): string {
  const suffix = `-${port}`;
  const base = name.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^-+/, '') || 'service';
  return base.length + suffix.length <= 64 ? `${base}${suffix}` : `${base.slice(0, 64 - suffix.length - 9)}-${shortHash(name)}${suffix}`;
}

/**
 * Every endpoint of the project: each name a service answers to, on each port it serves. A name and
 * port reach one service in the namespace, and Cloud Map names are unique: a links alias that another
 * service's name already takes is left out with a warning (under compose it was the linking
 * container's own view).
 */
export function planEndpoints(
  services: { name: string; path: DocPath; ports: number[] }[], names: ServiceName[], problems: Problems,
): Map<string, Endpoint[]> {
  const taken = new Map<string, string>();
  const discovery = new Set<string>();
  const out = new Map<string, Endpoint[]>(services.map(s => [s.name, []]));
  // Own names first (compose name, container_name, hostname, aliases), links aliases last.
  const ordered = [...names.filter(n => n.kind !== 'link'), ...names.filter(n => n.kind === 'link')];
  for (const n of ordered) {
    const svc = services.find(s => s.name === n.service);
    if (!svc) continue;
    for (const port of svc.ports) {
      const key = `${n.name}:${port}`;
      const owner = taken.get(key);
      if (owner === n.service) continue;
      if (owner !== undefined) {
        problems.warn('name-taken', svc.path, `${key} already reaches ${owner}: in one Service Connect namespace a name and port reach one service, so the links alias ${n.name} of ${n.service} is left out`);
        continue;
      }
      taken.set(key, n.service);
      let dn = discoveryNameOf(n.name, port);
      for (let i = 2; discovery.has(dn); i++) dn = discoveryNameOf(`${n.name}-${i}`, port);
      discovery.add(dn);
      out.get(n.service)!.push({ service: n.service, port, dnsName: n.name, discoveryName: dn });
    }
  }
  return out;
}

/**
 * The order of creation: a service after those it depends on, links, takes volumes from, or names
 * (a Service Connect client resolves only the endpoints that exist when its task starts). A name
 * that would close a cycle does not order; depends_on cycles are compose errors already.
 */
export function creationOrder(
  edges: Map<string, { target: string; hard: boolean }[]>, problems: Problems, pathOf: (name: string) => DocPath,
): Map<string, string[]> {
  const after = new Map<string, string[]>([...edges.keys()].map(k => [k, []]));
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x === to) return true;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...(after.get(x) ?? []));
    }
    return false;
  };
  // Hard edges (depends_on) first, then the ones names imply.
  for (const hard of [true, false]) {
    for (const [name, list] of edges) {
      for (const e of list.filter(x => x.hard === hard)) {
        if (e.target === name || !after.has(e.target) || after.get(name)!.includes(e.target)) continue;
        if (reaches(e.target, name)) {
          if (!hard) problems.warn('creation-order', pathOf(name), `${name} and ${e.target} name each other: ${name} is not created after ${e.target}; if ${name} starts first, redeploy it once ${e.target} is up (a Service Connect client resolves the endpoints that exist when its task starts)`);
          continue;
        }
        after.get(name)!.push(e.target);
      }
    }
  }
  return after;
}
