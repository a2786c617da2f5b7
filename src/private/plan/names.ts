/**
 * The names compose services reach each other by, and where a file uses them: in the environment,
 * the command and the entry point (`DB_HOST: db`, `postgres://app@db:5432/app`,
 * `proxy_pass http://backend:8000`). Pure functions, no CDK.
 */
import { ComposeModel, ServiceModel } from '../model';
import { DocPath, Problems, quote } from '../problems';

/** A name another service answers to, and where it comes from. */
export interface ServiceName {
  readonly name: string;
  readonly service: string;
  /** compose name, container_name, hostname, network alias, links alias. */
  readonly kind: 'service' | 'container_name' | 'hostname' | 'alias' | 'link';
  /** The networks the name is valid on; undefined: every network of the service. */
  readonly network?: string;
}

/** A use of another service's name as a host, in a service's environment or command. */
export interface HostReference {
  /** The service that uses the name. */
  readonly from: string;
  /** The service the name stands for. */
  readonly target: string;
  readonly name: string;
  /** The port written with it (`db:5432`, `http://backend:8000`), if any. */
  readonly port?: number;
  readonly path: DocPath;
  readonly value: string;
}

/** Every name each service answers to, compose name first. Lower case: DNS names are. */
export function serviceNames(compose: ComposeModel): ServiceName[] {
  const out: ServiceName[] = [];
  const add = (n: ServiceName) => {
    if (!out.some(x => x.name === n.name && x.service === n.service)) out.push(n);
  };
  for (const s of compose.services) add({ name: s.name.toLowerCase(), service: s.name, kind: 'service' });
  for (const s of compose.services) {
    if (s.containerName) add({ name: s.containerName.toLowerCase(), service: s.name, kind: 'container_name' });
    if (s.hostname) add({ name: s.hostname.toLowerCase(), service: s.name, kind: 'hostname' });
    for (const n of s.networks ?? []) for (const a of n.aliases) add({ name: a.toLowerCase(), service: s.name, kind: 'alias', network: n.name });
    for (const l of s.links ?? []) {
      if (compose.services.some(x => x.name === l.service)) add({ name: l.alias.toLowerCase(), service: l.service, kind: 'link' });
    }
  }
  return out;
}

// Variable names whose value is a host when it is a bare name.
const HOST_VARIABLE = /HOST|ADDR|SERVER|URL|URI|ENDPOINT|DSN|BROKER|UPSTREAM|BACKEND|PEERS?$|NODES?$|SERVICE$|CONNECT/i;
// Options that take a host as their next argument or after "=".
const HOST_OPTION = /^(?:-h|--host|--hostname|--server|--addr|--address|--broker|--upstream|--db-host)$/i;
const NAME = '[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?';

/** A `key = value` or `key: value` line of a configuration file (properties, YAML, INI, .env), the value unquoted. */
const SETTING = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?([^"'\s,;]+)["']?\s*[,;]?\s*$/;

interface Candidate {
  readonly name: string;
  readonly port?: number;
}

// Variable names whose value is an image reference (`AIRFLOW_IMAGE_NAME: apache/airflow:2.9.2`, `DB_IMAGE`).
const IMAGE_VARIABLE = /IMAGE(?:_?(?:NAME|REF|REFERENCE|TAG|URI))?$/i;
// URL schemes that name an image, not a host (`docker://node:16-bullseye` in a runner's labels).
const IMAGE_SCHEMES = ['docker', 'docker-image', 'oci', 'container-image'];
/**
 * What comes right before an image reference on a line: an `image` key (YAML `image: postgres:16`,
 * JSON `"image": "postgres:16"`, Python `image="postgres:16"`, TOML `image = "..."`), a Dockerfile
 * FROM (flags and all), or `docker run|create|pull` and its options.
 */
const IMAGE_BEFORE = new RegExp([
  '\\bimage[\\w-]*["\']?\\s*[:=]\\s*["\']?$',
  '^\\s*(?:FROM|from)\\s+(?:--\\S+\\s+)*$',
  '\\bdocker\\s+(?:container\\s+|image\\s+)?(?:run|create|pull)\\s+(?:--?[A-Za-z][\\w-]*(?:[= ](?!-)\\S+)?\\s+)*$',
].join('|'));

/**
 * Hosts written in a text: URLs, `name:port`, `host=name`; a bare name when `bare` says it is a host.
 * A `name:tag` where an image goes is an image reference, not a host and port (`image: postgres:16`,
 * `FROM postgres:16`, `docker run redis:7`, the value of an `*IMAGE*` variable when `image` says so);
 * so are `docker://` URLs.
 */
export function hostsIn(text: string, bare: boolean, image = false): Candidate[] {
  const out: Candidate[] = [];
  const push = (name: string, port?: string) => out.push({ name: name.toLowerCase(), port: port === undefined ? undefined : parseInt(port, 10) });
  // scheme://[user[:password]@]host[:port]
  for (const m of text.matchAll(new RegExp(`([A-Za-z][A-Za-z0-9+.-]*)://(?:[^\\s/@]*@)?(${NAME})(?::(\\d{1,5}))?`, 'g'))) {
    const scheme = m[1].toLowerCase();
    if (scheme !== 'file' && !IMAGE_SCHEMES.includes(scheme)) push(m[2], m[3]);
  }
  // user@host:port (without a scheme), host:port, host=name (libpq and many CLIs)
  for (const m of text.matchAll(new RegExp(`(^|[\\s,;"'(=@])(${NAME}):(\\d{1,5})(?=$|[\\s,;"')/])`, 'g'))) {
    const before = text.slice(0, m.index! + m[1].length);
    if (image || IMAGE_BEFORE.test(before)) continue;
    push(m[2], m[3]);
  }
  for (const m of text.matchAll(new RegExp(`(?:^|[\\s,;?&])(?:host|hostname|server|addr|address)=(${NAME})(?=$|[\\s,;&])`, 'gi'))) push(m[1]);
  if (bare && new RegExp(`^${NAME}$`).test(text.trim())) push(text.trim());
  return out;
}

/**
 * Where each service uses another service's name as a host. A bare name counts only where the
 * variable or option says it is a host (`DB_HOST: db`, `--host db`), so `MYSQL_USER: wordpress`
 * next to a service named wordpress is not taken for one.
 */
export function findHostReferences(compose: ComposeModel, names = serviceNames(compose)): HostReference[] {
  const byName = new Map<string, ServiceName[]>();
  for (const n of names) byName.set(n.name, [...(byName.get(n.name) ?? []), n]);
  const out: HostReference[] = [];
  for (const svc of compose.services) {
    const seen = new Set<string>();
    const consider = (text: string, bare: boolean, path: DocPath, image = false) => {
      for (const c of hostsIn(text, bare, image)) {
        const targets = (byName.get(c.name) ?? []).filter(n => n.service !== svc.name);
        const target = targets.find(n => n.kind === 'link' ? (svc.links ?? []).some(l => l.alias.toLowerCase() === c.name) : true);
        if (!target) continue;
        const key = `${path.join('.')}|${c.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ from: svc.name, target: target.service, name: c.name, port: c.port, path, value: text });
      }
    };
    for (const e of svc.environment) consider(e.value, HOST_VARIABLE.test(e.name), [...svc.path, 'environment', e.name], IMAGE_VARIABLE.test(e.name));
    // Files of the project the container reads: mounted (development mounts too: the image holds the
    // same files), put in as configs, or copied by its build (configuration: nginx, prometheus,
    // application.properties, ...).
    const considerText = (text: string, at: DocPath) => {
      for (const line of text.split('\n')) {
        if (/^\s*(?:#|\/\/|;|--)/.test(line)) continue;
        const setting = SETTING.exec(line);
        // `spring.redis.host=redis`, `host: db`: a bare name where the key says it is a host.
        if (setting) consider(setting[2], HOST_VARIABLE.test(setting[1]), at, IMAGE_VARIABLE.test(setting[1]));
        else consider(line.trim(), false, at);
      }
    };
    for (const m of svc.volumes) for (const t of m.bind?.texts ?? []) considerText(t.text, [...m.path]);
    for (const c of svc.configFiles) {
      const content = compose.configs.find(x => x.key === c.source)?.local?.content;
      if (content !== undefined) considerText(content, [...c.path]);
    }
    for (const t of svc.build?.texts ?? []) considerText(t.text, [...svc.build!.path]);
    for (const [key, list] of [['command', svc.command], ['entrypoint', svc.entryPoint]] as const) {
      (list ?? []).forEach((arg, i) => {
        const option = /^(--?[A-Za-z-]+)=(.*)$/.exec(arg);
        if (option && HOST_OPTION.test(option[1])) consider(option[2], true, [...svc.path, key]);
        else consider(arg, i > 0 && HOST_OPTION.test(list![i - 1]), [...svc.path, key]);
      });
    }
  }
  return out;
}

/**
 * One task: the containers share localhost, and no compose name resolves. Warn where a service
 * uses another's name as a host.
 */
export function warnHostReferences(compose: ComposeModel, problems: Problems): HostReference[] {
  const refs = findHostReferences(compose);
  for (const r of refs) {
    const local = r.port !== undefined ? `localhost:${r.port}` : 'localhost';
    problems.warn('service-name-host', r.path,
      `${quote(r.value)} names the compose service ${r.target}${r.name !== r.target.toLowerCase() ? ` (as ${r.name})` : ''}, which does not resolve inside one task: `
      + `the containers of one task share localhost, so write ${quote(local)}, or deploy with ComposeFargateProject, where each compose service answers to its name`);
  }
  return refs;
}

/** Whether the service runs once to completion instead of being kept running. */
export function isOneShot(svc: ServiceModel, compose: ComposeModel): boolean {
  if (svc.job) return true;
  // deploy.restart_policy.condition decides over restart, as Docker Compose applies them.
  if (svc.restartCondition !== undefined ? svc.restartCondition === 'none' : svc.restart === 'no' || svc.restart === 'false') return true;
  return compose.services.some(x => x.dependsOn.some(d => d.container === svc.name && d.condition === 'SUCCESS'));
}

/** A name as DNS spells it: lower case letters, digits and dashes (a Cloud Map namespace or service name). */
export function dnsLabel(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

const FAMILY_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * The project name: the prop (checked: it names a task definition family and an ECS service), else
 * the compose file's `name:`, else the construct id made into one.
 */
export function projectNameOf(
  fromProps: string | undefined, isToken: boolean, fromCompose: string | undefined, id: string, problems: Problems,
): string {
  if (fromProps !== undefined) {
    if (!isToken && !FAMILY_NAME.test(fromProps)) {
      problems.error(['projectName'], `${JSON.stringify(fromProps)} cannot name a task definition family and an ECS service: use up to 255 letters, digits, dashes and underscores`);
    }
    return fromProps;
  }
  if (fromCompose !== undefined) return fromCompose;
  const fromId = id.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255);
  return fromId === '' ? 'compose' : fromId;
}
