/**
 * The compose model in Docker Compose's canonical shape, as `docker compose config` prints it: from
 * the loaded document (compose-load.ts), every short syntax in its long form: ports and volumes as
 * mappings (a port range as one entry per port), command and entrypoint as lists, depends_on as a
 * mapping with conditions, environment and labels as mappings, durations and sizes as compose writes
 * them. It reads without the Fargate rules: a file Fargate cannot run is printed all the same.
 */
import * as path from 'path';
import { dict, hasKey } from '../dict';
import { bool, goDuration, integer, isZero, number, text, withoutZeroSizes } from './go-values';
import { isPlainObject } from './load';
import { toSequence } from './merge';
import { parseShortPort } from '../ports';
import { DocPath, Problems, quote } from '../problems';
import { splitCommand } from '../shell-split';
import { parseBytes, parseGoDurationMs } from '../units';

export interface CanonicalOptions {
  /** The project name (`name:` in the output). */
  readonly projectName: string;
  readonly projectDirectory: string;
  /** Services at the top level (version 1). */
  readonly legacy: boolean;
  /** What `~` stands for in a host path ($HOME). */
  readonly home: string;
}

class Canonicalizer {
  constructor(private readonly options: CanonicalOptions, private readonly problems: Problems) {}

  private hostPath(source: string): string {
    if (source === '~' || source.startsWith('~/')) return path.join(this.options.home, source.slice(1));
    return path.resolve(this.options.projectDirectory, source);
  }

  private duration(value: unknown, at: DocPath): unknown {
    if (typeof value !== 'string' && typeof value !== 'number') return value;
    const r = parseGoDurationMs(String(value));
    if (r.error !== undefined) {
      this.problems.error(at, `${r.error}; got ${quote(value)}`);
      return value;
    }
    return goDuration(r.value * 1e6);
  }

  private bytes(value: unknown, at: DocPath): unknown {
    const r = parseBytes(value);
    if (r.error !== undefined) {
      this.problems.error(at, `${r.error}; got ${quote(value)}`);
      return value;
    }
    return String(r.value);
  }

  private commandList(value: unknown, at: DocPath): unknown {
    if (typeof value === 'string') return splitCommand(value, at, this.problems) ?? value;
    return Array.isArray(value) ? value.map(text) : value;
  }

  private keyValues(value: unknown, nullAs?: string): unknown {
    if (!Array.isArray(value) && !isPlainObject(value)) return value;
    const out = dict<string | null>();
    for (const entry of toSequence(value)) {
      const s = String(entry);
      const i = s.indexOf('=');
      if (i < 0) out[s] = nullAs ?? null;
      else out[s.slice(0, i)] = s.slice(i + 1);
    }
    return out;
  }

  private ports(value: unknown, at: DocPath): unknown {
    if (!Array.isArray(value)) return value;
    const out: unknown[] = [];
    value.forEach((item, i) => {
      if (isPlainObject(item)) {
        const port: Record<string, unknown> = { ...item, mode: item.mode ?? 'ingress', target: integer(item.target), protocol: item.protocol ?? 'tcp' };
        if (item.published !== undefined && item.published !== null) port.published = text(item.published);
        out.push(port);
        return;
      }
      if (typeof item !== 'string' && typeof item !== 'number') {
        out.push(item);
        return;
      }
      // the protocol is any word compose knows (tcp, udp, sctp); the rest reads as the library reads it
      const spec = String(item).trim();
      const slash = spec.lastIndexOf('/');
      const protocol = slash < 0 ? 'tcp' : spec.slice(slash + 1).toLowerCase();
      const parsed = parseShortPort(slash < 0 ? item : `${spec.slice(0, slash)}/tcp`);
      if (parsed.error !== undefined) {
        this.problems.error([...at, i], `${parsed.error}; got ${quote(item)}`);
        return;
      }
      const p = parsed.spec;
      const count = p.containerPortEnd - p.containerPort + 1;
      for (let k = 0; k < count; k++) {
        const entry: Record<string, unknown> = { mode: 'ingress' };
        if (p.hostIp !== undefined) entry.host_ip = p.hostIp;
        entry.target = p.containerPort + k;
        if (p.hostPort !== undefined) {
          const hostEnd = p.hostPortEnd ?? p.hostPort;
          // a range maps port by port; a host range for one container port stays a range
          if (hostEnd - p.hostPort + 1 === count) entry.published = String(p.hostPort + k);
          else entry.published = hostEnd === p.hostPort ? String(p.hostPort) : `${p.hostPort}-${hostEnd}`;
        }
        entry.protocol = protocol;
        out.push(entry);
      }
    });
    return out;
  }

  private volumes(value: unknown, at: DocPath): unknown {
    if (!Array.isArray(value)) return value;
    return value.map((item, i) => {
      if (isPlainObject(item)) {
        const v: Record<string, unknown> = { ...item, type: item.type ?? 'volume' };
        if (v.type === 'bind' && typeof v.source === 'string') v.source = this.hostPath(v.source);
        if (v.type === 'bind' && (v.source === undefined || v.source === '')) this.problems.error([...at, i], 'a bind mount needs a source: the host path to mount');
        if (v.read_only !== undefined) v.read_only = bool(v.read_only);
        if (v.read_only === false) delete v.read_only;
        return v;
      }
      if (typeof item !== 'string') return item;
      return this.shortVolume(item, [...at, i]);
    });
  }

  /** `[SOURCE:]TARGET[:MODE]`, as compose splits it (a Windows drive letter belongs to the source). */
  private shortVolume(spec: string, at: DocPath): unknown {
    const parts = spec.split(':');
    if (parts.length > 2 && /^[A-Za-z]$/.test(parts[0]) && /^[\\/]/.test(parts[1])) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
    let source: string | undefined;
    let target: string;
    let modes: string[] = [];
    if (parts.length === 1) {
      [target] = parts;
    } else if (parts.length === 2) {
      [source, target] = parts;
    } else if (parts.length === 3) {
      [source, target] = parts;
      modes = parts[2].split(',');
    } else {
      this.problems.error(at, `expected "TARGET", "SOURCE:TARGET" or "SOURCE:TARGET:MODE", got ${quote(spec)}`);
      return spec;
    }
    const isPath = source !== undefined && (/^[./~]/.test(source) || /^[A-Za-z]:[\\/]/.test(source));
    const out: Record<string, unknown> = { type: isPath ? 'bind' : 'volume' };
    if (source !== undefined && source !== '') out.source = isPath ? this.hostPath(source) : source;
    out.target = target;
    if (modes.includes('ro')) out.read_only = true;
    // the bind options (propagation, SELinux label) are kept whatever the type, as compose keeps them
    const bind: Record<string, unknown> = isPath ? { create_host_path: true } : {};
    const propagation = modes.find(m => ['shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate'].includes(m));
    if (propagation) bind.propagation = propagation;
    const selinux = modes.find(m => m === 'z' || m === 'Z');
    if (selinux) bind.selinux = selinux;
    if (Object.keys(bind).length > 0) out.bind = bind;
    if (!isPath) out.volume = modes.includes('nocopy') ? { nocopy: true } : {};
    return out;
  }

  private healthcheck(value: unknown, at: DocPath): unknown {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = { ...value };
    if (typeof out.test === 'string') out.test = ['CMD-SHELL', out.test];
    for (const key of ['interval', 'timeout', 'start_period', 'start_interval']) {
      if (out[key] !== undefined && out[key] !== null) out[key] = this.duration(out[key], [...at, key]);
    }
    if (out.retries !== undefined) out.retries = integer(out.retries);
    if (out.disable !== undefined) out.disable = bool(out.disable);
    return out;
  }

  private dependsOn(value: unknown): unknown {
    if (Array.isArray(value)) {
      const out = dict();
      for (const name of value) out[String(name)] = { condition: 'service_started', required: true };
      return out;
    }
    if (!isPlainObject(value)) return value;
    const out = dict();
    for (const [name, dep] of Object.entries(value)) {
      const d = isPlainObject(dep) ? dep : {};
      out[name] = { ...d, condition: d.condition ?? 'service_started', required: d.required === undefined ? true : bool(d.required) };
      if (d.restart !== undefined) (out[name] as Record<string, unknown>).restart = bool(d.restart);
    }
    return out;
  }

  private resources(value: unknown, at: DocPath): unknown {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = { ...value };
    for (const kind of ['limits', 'reservations']) {
      const r = out[kind];
      if (!isPlainObject(r)) continue;
      const c: Record<string, unknown> = { ...r };
      if (c.cpus !== undefined) c.cpus = number(c.cpus);
      if (c.memory !== undefined) c.memory = this.bytes(c.memory, [...at, kind, 'memory']);
      if (c.pids !== undefined) c.pids = integer(c.pids);
      out[kind] = c;
    }
    return out;
  }

  private deploy(value: unknown, at: DocPath): unknown {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = { ...value };
    if (out.replicas !== undefined) out.replicas = integer(out.replicas);
    if (out.resources !== undefined) out.resources = this.resources(out.resources, [...at, 'resources']);
    if (out.labels !== undefined) out.labels = this.keyValues(out.labels, '');
    return out;
  }

  private build(value: unknown): unknown {
    const b: Record<string, unknown> = typeof value === 'string' ? { context: value } : isPlainObject(value) ? { ...value } : {};
    if (!isPlainObject(value) && typeof value !== 'string') return value;
    const context = typeof b.context === 'string' ? b.context : '.';
    b.context = /^[a-z]+:\/\//i.test(context) || context.startsWith('git@') ? context : this.hostPath(context);
    if (b.dockerfile === undefined && b.dockerfile_inline === undefined) b.dockerfile = 'Dockerfile';
    if (b.args !== undefined) b.args = this.keyValues(b.args);
    return b;
  }

  private mounts(value: unknown, defaultFolder?: string): unknown {
    if (!Array.isArray(value)) return value;
    return value.map(item => {
      const m: Record<string, unknown> = typeof item === 'string' ? { source: item } : isPlainObject(item) ? { ...item } : { source: item };
      if (defaultFolder !== undefined && m.target === undefined) m.target = `${defaultFolder}/${String(m.source)}`;
      if (m.uid !== undefined) m.uid = text(m.uid);
      if (m.gid !== undefined) m.gid = text(m.gid);
      if (m.mode !== undefined) {
        // a number is the mode itself (YAML reads 0440 as octal), text is octal digits; printed "0440"
        const mode = typeof m.mode === 'string' && /^[0-7]+$/.test(m.mode) ? parseInt(m.mode, 8) : m.mode;
        if (typeof mode === 'number' && Number.isInteger(mode)) m.mode = `0${mode.toString(8)}`;
      }
      return m;
    });
  }

  private ulimits(value: unknown): unknown {
    if (!isPlainObject(value)) return value;
    const out = dict();
    for (const [k, v] of Object.entries(value)) {
      out[k] = isPlainObject(v) ? { soft: integer(v.soft), hard: integer(v.hard) } : integer(v);
    }
    return out;
  }

  public service(name: string, body: unknown, at: DocPath): unknown {
    if (!isPlainObject(body)) return body;
    const s: Record<string, unknown> = { ...body };
    const convert = (key: string, f: (v: unknown, kAt: DocPath) => unknown) => {
      if (s[key] !== undefined && s[key] !== null) s[key] = f(s[key], [...at, key]);
    };
    convert('command', (v, a) => this.commandList(v, a));
    convert('entrypoint', (v, a) => this.commandList(v, a));
    convert('environment', v => this.keyValues(v));
    convert('labels', v => this.keyValues(v, ''));
    convert('annotations', v => this.keyValues(v, ''));
    convert('sysctls', v => this.keyValues(v, ''));
    convert('ports', (v, a) => this.ports(v, a));
    convert('expose', v => (Array.isArray(v) ? v.map(text) : v));
    convert('volumes', (v, a) => this.volumes(v, a));
    convert('healthcheck', (v, a) => this.healthcheck(v, a));
    convert('depends_on', v => this.dependsOn(v));
    convert('deploy', (v, a) => this.deploy(v, a));
    convert('build', v => this.build(v));
    convert('secrets', v => this.mounts(v, '/run/secrets'));
    convert('configs', v => this.mounts(v));
    convert('ulimits', v => this.ulimits(v));
    convert('mem_limit', (v, a) => this.bytes(v, a));
    convert('mem_reservation', (v, a) => this.bytes(v, a));
    convert('memswap_limit', (v, a) => this.bytes(v, a));
    convert('shm_size', (v, a) => this.bytes(v, a));
    convert('cpus', number);
    convert('cpu_shares', integer);
    convert('scale', integer);
    convert('stop_grace_period', (v, a) => this.duration(v, a));
    convert('profiles', v => toSequence(v));
    convert('tmpfs', v => (typeof v === 'string' ? [v] : v));
    convert('networks', v => (Array.isArray(v) ? dict(v.map(n => [String(n), null])) : v));
    for (const key of ['read_only', 'tty', 'stdin_open', 'init', 'privileged', 'oom_kill_disable']) convert(key, bool);
    // compose leaves these out when false (its default)
    for (const key of ['read_only', 'tty', 'stdin_open', 'privileged', 'oom_kill_disable']) if (s[key] === false) delete s[key];
    for (const key of ['image', 'user', 'working_dir', 'platform', 'hostname', 'container_name']) convert(key, text);
    if (s.log_driver !== undefined || s.log_opt !== undefined) {
      // version 1's spelling of logging
      s.logging = { ...(s.log_driver !== undefined ? { driver: s.log_driver } : {}), ...(s.log_opt !== undefined ? { options: s.log_opt } : {}) };
      delete s.log_driver;
      delete s.log_opt;
    }
    if (isPlainObject(s.logging) && s.logging.options !== undefined) s.logging = { ...s.logging, options: this.keyValues(s.logging.options, '') };
    delete s.extends;
    // compose leaves out what is empty
    for (const [key, v] of Object.entries(s)) {
      if (key !== 'command' && key !== 'entrypoint' && ((Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0 && key !== 'healthcheck'))) delete s[key];
    }
    // a service that names no network (and no network_mode) is on the project's default network
    if (s.networks === undefined && s.network_mode === undefined && s.provider === undefined) s.networks = dict([['default', null]]);
    if (isPlainObject(s.logging) && isPlainObject(s.logging.options) && Object.keys(s.logging.options).length === 0) {
      const { options: _o, ...logging } = s.logging;
      s.logging = logging;
    }
    this.checkSizes(s, at);
    withoutZeroSizes(s);
    if (s.image === undefined && s.build === undefined) {
      this.problems.error(at, `service ${quote(name)} has neither an image nor a build context`);
    }
    return sortKeys(s);
  }

  /** As compose: a size given twice (`cpus` and `deploy.resources.limits.cpus`...) must be the same. */
  private checkSizes(s: Record<string, unknown>, at: DocPath): void {
    const resources = isPlainObject(s.deploy) && isPlainObject(s.deploy.resources) ? s.deploy.resources : {};
    const pairs: [string, string, string][] = [['cpus', 'limits', 'cpus'], ['mem_limit', 'limits', 'memory'], ['mem_reservation', 'reservations', 'memory']];
    for (const [key, kind, field] of pairs) {
      const other = isPlainObject(resources[kind]) ? resources[kind][field] : undefined;
      // a zero is unset (Go's zero value), so it differs from nothing
      if (s[key] !== undefined && !isZero(s[key]) && other !== undefined && String(s[key]) !== String(other)) {
        this.problems.error([...at, key], `${quote(s[key])} differs from deploy.resources.${kind}.${field} (${quote(other)}): give one value`);
      }
    }
  }

  /** Top-level volumes, secrets or configs: each with the name compose gives it. */
  private declarations(value: unknown, kind: 'volumes' | 'secrets' | 'configs' | 'networks'): unknown {
    if (!isPlainObject(value)) return value;
    const out = dict();
    for (const [key, decl] of Object.entries(value)) {
      const d: Record<string, unknown> = isPlainObject(decl) ? { ...decl } : {};
      if (d.external !== undefined) d.external = bool(d.external);
      if (isPlainObject(d.external)) {
        // the legacy `external: {name: x}`
        if (d.name === undefined && d.external.name !== undefined) d.name = d.external.name;
        d.external = true;
      }
      if (d.name === undefined) d.name = d.external === true ? key : `${this.options.projectName}_${key}`;
      if ((kind === 'secrets' || kind === 'configs') && typeof d.file === 'string') d.file = this.hostPath(d.file);
      out[key] = sortKeys(d);
    }
    return out;
  }

  public project(doc: Record<string, unknown>): Record<string, unknown> {
    const services = this.options.legacy
      ? dict(Object.entries(doc).filter(([k]) => k !== 'version'))
      : isPlainObject(doc.services) ? doc.services : dict();
    const servicesAt = this.options.legacy ? [] : ['services'];
    const out = dict<unknown>([['name', this.options.projectName]]);
    const canonical = dict();
    for (const name of Object.keys(services).sort()) canonical[name] = this.service(name, services[name], [...servicesAt, name]);
    out.services = canonical;
    this.checkDependencies(canonical, servicesAt);
    // as compose: the networks the active services are on, with the implicit default one
    const declared = !this.options.legacy && isPlainObject(doc.networks) ? doc.networks : dict();
    const networks = dict();
    for (const body of Object.values(canonical)) {
      for (const n of isPlainObject(body) && isPlainObject(body.networks) ? Object.keys(body.networks) : []) {
        if (hasKey(declared, n)) networks[n] = declared[n];
        else if (n === 'default') networks[n] = null;
      }
    }
    if (Object.keys(networks).length > 0) out.networks = this.declarations(networks, 'networks');
    if (!this.options.legacy) {
      const used = usedDeclarations(canonical);
      for (const [key, value] of Object.entries(doc)) {
        if (key === 'version' || key === 'services' || key === 'name' || key === 'networks') continue;
        if (key === 'volumes' || key === 'secrets' || key === 'configs') {
          // as compose, only what an active service uses
          const kept = isPlainObject(value) ? dict(Object.entries(value).filter(([k]) => used[key].has(k))) : value;
          if (!isPlainObject(kept) || Object.keys(kept).length > 0) out[key] = this.declarations(kept, key);
        } else {
          out[key] = value;
        }
      }
    }
    return out;
  }

  /**
   * As in compose: a required dependency on a service that is not there (or not active) is an error,
   * and so is a cycle of dependencies (depends_on, and the services volumes_from and links name).
   */
  private checkDependencies(services: Record<string, unknown>, servicesAt: DocPath): void {
    const edges = new Map<string, string[]>();
    for (const [name, body] of Object.entries(services)) {
      if (!isPlainObject(body)) continue;
      const deps = isPlainObject(body.depends_on) ? body.depends_on : dict();
      for (const [dep, spec] of Object.entries(deps)) {
        const required = !isPlainObject(spec) || spec.required !== false;
        if (required && !hasKey(services, dep)) {
          this.problems.error([...servicesAt, name, 'depends_on', dep], `depends on ${quote(dep)}, which is not a service of the project (or its profiles are not active)`);
        }
      }
      const named = [...(Array.isArray(body.volumes_from) ? body.volumes_from : []), ...(Array.isArray(body.links) ? body.links : [])]
        .map(v => String(v).split(':')[0]).filter(v => v !== 'container');
      edges.set(name, [...Object.keys(deps), ...named].filter(d => hasKey(services, d)));
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, trail: string[]): boolean => {
      if (state.get(name) === 'done') return false;
      if (state.get(name) === 'visiting') {
        const cycle = [...trail.slice(trail.indexOf(name)), name];
        this.problems.error([...servicesAt, cycle[0]], `the dependencies form a cycle: ${cycle.join(' -> ')}`);
        return true;
      }
      state.set(name, 'visiting');
      const found = (edges.get(name) ?? []).some(dep => visit(dep, [...trail, name]));
      state.set(name, 'done');
      return found;
    };
    for (const name of edges.keys()) if (visit(name, [])) return;
  }
}

/** The named volumes, secrets and configs the services use. */
function usedDeclarations(services: Record<string, unknown>): Record<'volumes' | 'secrets' | 'configs', Set<string>> {
  const used = { volumes: new Set<string>(), secrets: new Set<string>(), configs: new Set<string>() };
  for (const body of Object.values(services)) {
    if (!isPlainObject(body)) continue;
    for (const v of Array.isArray(body.volumes) ? body.volumes : []) {
      if (isPlainObject(v) && v.type === 'volume' && typeof v.source === 'string') used.volumes.add(v.source);
    }
    for (const kind of ['secrets', 'configs'] as const) {
      for (const m of Array.isArray(body[kind]) ? body[kind] as unknown[] : []) {
        if (isPlainObject(m) && m.source !== undefined) used[kind].add(String(m.source));
      }
    }
  }
  return used;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out = dict();
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

/** The loaded document in compose's canonical shape. Problems (unreadable values) are recorded. */
export function canonicalCompose(doc: Record<string, unknown>, options: CanonicalOptions, problems: Problems): Record<string, unknown> {
  return new Canonicalizer(options, problems).project(doc);
}

/** Every string with its "$" written "$$", as `docker compose config` prints it (so that it reads back the same). */
export function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (isPlainObject(value)) {
    const out = dict();
    for (const [k, v] of Object.entries(value)) out[k] = escapeDollars(v);
    return out;
  }
  return value;
}
