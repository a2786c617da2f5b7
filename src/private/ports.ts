import { quote } from './problems';

/**
 * Compose `ports` entries: the short syntax `[[HOST_IP:][HOST_PORT[-END]]:]CONTAINER_PORT[-END][/PROTOCOL]`,
 * bare numbers, and the long syntax `{ target, published, host_ip, protocol, mode, name, app_protocol }`.
 */

export type Protocol = 'tcp' | 'udp';

export interface PortSpec {
  /** First container port. */
  readonly containerPort: number;
  /** Last container port of a range (equal to containerPort for one port). */
  readonly containerPortEnd: number;
  /** First published (host) port, when one was given. */
  readonly hostPort?: number;
  readonly hostPortEnd?: number;
  readonly hostIp?: string;
  readonly protocol: Protocol;
  /** Long syntax `name`. */
  readonly name?: string;
  /** Long syntax `app_protocol`. */
  readonly appProtocol?: string;
}

export type PortParse = { readonly spec: PortSpec; readonly error?: undefined } | { readonly error: string; readonly spec?: undefined };

const SHORT_HELP =
  'expected "CONTAINER", "HOST:CONTAINER" or "IP:HOST:CONTAINER" (ports 1-65535, ranges like "8000-8010", optional "/tcp" or "/udp")';

function parsePortNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = parseInt(text, 10);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** "80" or "8000-8010" -> [start, end]. */
export function parsePortRange(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const start = parsePortNumber(m[1]);
  const end = m[2] === undefined ? start : parsePortNumber(m[2]);
  if (start === undefined || end === undefined || end < start) return undefined;
  return [start, end];
}

function parseProtocol(text: string | undefined): Protocol | string {
  const p = (text ?? 'tcp').toLowerCase();
  if (p === 'tcp' || p === 'udp') return p;
  return `protocol ${JSON.stringify(text)} is not supported by ECS: use "tcp" or "udp"`;
}

export function parseShortPort(value: string | number): PortParse {
  if (typeof value === 'number') {
    const p = Number.isInteger(value) ? parsePortNumber(String(value)) : undefined;
    if (p === undefined) return { error: SHORT_HELP };
    return { spec: { containerPort: p, containerPortEnd: p, protocol: 'tcp' } };
  }
  let text = value.trim();
  let protocolText: string | undefined;
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    protocolText = text.slice(slash + 1);
    text = text.slice(0, slash);
  }
  const protocol = parseProtocol(protocolText);
  if (protocol !== 'tcp' && protocol !== 'udp') return { error: protocol };

  const colon = text.lastIndexOf(':');
  const containerText = colon < 0 ? text : text.slice(colon + 1);
  const rest = colon < 0 ? undefined : text.slice(0, colon);
  const container = parsePortRange(containerText);
  if (!container) return { error: SHORT_HELP };

  let hostIp: string | undefined;
  let hostText: string | undefined;
  if (rest !== undefined) {
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) return { error: SHORT_HELP };
      hostIp = rest.slice(1, close);
      const after = rest.slice(close + 1);
      if (after !== '' && !after.startsWith(':')) return { error: SHORT_HELP };
      hostText = after.slice(1);
    } else {
      const c2 = rest.lastIndexOf(':');
      if (c2 >= 0) {
        hostIp = rest.slice(0, c2);
        hostText = rest.slice(c2 + 1);
      } else {
        hostText = rest;
      }
    }
    if (hostIp !== undefined && !isIpAddress(hostIp)) {
      return { error: `${JSON.stringify(hostIp)} is not an IP address to bind to; ${SHORT_HELP}` };
    }
  }
  let host: [number, number] | undefined;
  if (hostText !== undefined && hostText !== '') {
    host = parsePortRange(hostText);
    if (!host) return { error: SHORT_HELP };
  }
  return {
    spec: {
      containerPort: container[0],
      containerPortEnd: container[1],
      hostPort: host?.[0],
      hostPortEnd: host?.[1],
      hostIp,
      protocol,
    },
  };
}

const LONG_KEYS = new Set(['target', 'published', 'host_ip', 'protocol', 'mode', 'name', 'app_protocol']);

/** The long syntax. Returns the spec or the problems (key -> message). */
export function parseLongPort(value: Record<string, unknown>): { spec?: PortSpec; errors: [string | undefined, string][] } {
  const errors: [string | undefined, string][] = [];
  for (const key of Object.keys(value)) {
    if (!LONG_KEYS.has(key) && !key.startsWith('x-')) {
      errors.push([key, `unknown key: a port is ${[...LONG_KEYS].join(', ')}`]);
    }
  }
  let target: number | undefined;
  const t = value.target;
  if (t === undefined) {
    errors.push([undefined, 'the long syntax needs "target", the container port']);
  } else {
    target = typeof t === 'number' || typeof t === 'string' ? parsePortNumber(String(t).trim()) : undefined;
    if (target === undefined) errors.push(['target', `expected a port number from 1 to 65535, got ${quote(t)}`]);
  }
  let host: [number, number] | undefined;
  const pub = value.published;
  if (pub !== undefined && pub !== null && pub !== '') {
    host = typeof pub === 'number' || typeof pub === 'string' ? parsePortRange(String(pub)) : undefined;
    if (!host) errors.push(['published', `expected a port number from 1 to 65535 or a range "8000-8010", got ${quote(pub)}`]);
  }
  let protocol: Protocol = 'tcp';
  if (value.protocol !== undefined) {
    const p = typeof value.protocol === 'string' ? parseProtocol(value.protocol) : `expected "tcp" or "udp", got ${quote(value.protocol)}`;
    if (p === 'tcp' || p === 'udp') protocol = p;
    else errors.push(['protocol', p]);
  }
  if (value.mode !== undefined && value.mode !== 'host' && value.mode !== 'ingress') {
    errors.push(['mode', `expected "host" or "ingress", got ${quote(value.mode)}`]);
  }
  for (const key of ['host_ip', 'name', 'app_protocol']) {
    if (value[key] !== undefined && typeof value[key] !== 'string') {
      errors.push([key, `expected a string, got ${quote(value[key])}`]);
    }
  }
  if (typeof value.host_ip === 'string' && !isIpAddress(value.host_ip)) {
    errors.push(['host_ip', `expected an IPv4 or IPv6 address, got ${quote(value.host_ip)}`]);
  }
  if (errors.length > 0 || target === undefined) return { errors };
  return {
    errors,
    spec: {
      containerPort: target,
      containerPortEnd: target,
      hostPort: host?.[0],
      hostPortEnd: host?.[1],
      hostIp: value.host_ip as string | undefined,
      protocol,
      name: value.name as string | undefined,
      appProtocol: value.app_protocol as string | undefined,
    },
  };
}

/** "80" or "8000-8010". */
export function describePorts(first: number, last: number): string {
  return first === last ? `${first}` : `${first}-${last}`;
}

/** An IPv4 or IPv6 address (what docker accepts as a port's host IP). */
export function isIpAddress(text: string): boolean {
  if (isIpv4(text)) return true;
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return false;
  const doubleColons = text.split('::').length - 1;
  if (doubleColons > 1) return false;
  const groups = text.split(':').filter(g => g !== '');
  let count = groups.length;
  // an embedded IPv4 address ("::ffff:192.0.2.1") takes the last two groups
  if (groups.length > 0 && groups[groups.length - 1].includes('.')) {
    if (!isIpv4(groups.pop()!)) return false;
    count++;
  }
  if (groups.some(g => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return doubleColons === 1 ? count < 8 : count === 8;
}

function isIpv4(text: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  return v4 !== null && v4.slice(1).every(o => parseInt(o, 10) <= 255);
}

/** A loopback address: a port bound to it was meant to be reachable only from the host. */
export function isLoopback(ip: string): boolean {
  return ip === '::1' || /^127\./.test(ip);
}
