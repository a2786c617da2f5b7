/**
 * A service's mounts: named, anonymous and project-file volumes, volumes_from, tmpfs, develop.watch,
 * and the top-level volume declarations.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ServiceBuilder, set } from './builder';
import { isPlainObject } from '../load/load';
import { MountModel, ProjectBindModel, TmpfsModel, VolumeDeclarationModel, VolumesFromModel, WatchModel } from '../model';
import { DocPath, quote } from '../problems';
import { Reader } from './read';
import { parseBytes } from '../units';

/** The tmpfs mount options ECS takes (without a value): flags of mount(8). */
export const ECS_TMPFS_FLAGS = ['defaults', 'ro', 'rw', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'sync', 'async', 'dirsync',
  'remount', 'mand', 'nomand', 'atime', 'noatime', 'diratime', 'nodiratime', 'bind', 'rbind', 'unbindable', 'runbindable', 'private',
  'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'relatime', 'norelatime', 'strictatime', 'nostrictatime'];

/** A host path in a volume source: starts with ".", "/" or "~" (or a Windows drive). */
function isHostPath(source: string): boolean {
  return /^[./~]/.test(source) || /^[A-Za-z]:[\\/]/.test(source);
}

const VOLUME_MODES = ['ro', 'rw', 'z', 'Z', 'nocopy', 'consistent', 'cached', 'delegated', 'shared', 'slave', 'private',
  'rshared', 'rslave', 'rprivate'];

export function readVolumes(svc: ServiceBuilder, v: unknown, at: DocPath) {
  const r = svc.r;
  const out: MountModel[] = [];
  (r.list(v, at, 'a list of volumes') ?? []).forEach((item, i) => {
    const vAt = [...at, i];
    let source: string | undefined;
    let target: string | undefined;
    let readOnly = false;
    let type = 'volume';
    if (typeof item === 'string') {
      const parts = item.split(':');
      // a Windows drive letter in the source ("C:\\data:/data") belongs to the source
      if (parts.length > 2 && /^[A-Za-z]$/.test(parts[0]) && /^[\\/]/.test(parts[1])) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
      let modeText = '';
      if (parts.length === 1) {
        [target] = parts;
      } else if (parts.length === 2 && !parts[1].startsWith('/')) {
        [target, modeText] = parts; // TARGET:MODE, an anonymous volume
      } else if (parts.length === 2) {
        [source, target] = parts;
      } else if (parts.length === 3) {
        [source, target, modeText] = parts;
      } else {
        r.problems.error(vAt, `expected "TARGET", "SOURCE:TARGET" or "SOURCE:TARGET:MODE", got ${quote(item)}`);
        return;
      }
      const modes = modeText.split(',').filter(m => m !== '');
      const bad = modes.filter(m => !VOLUME_MODES.includes(m));
      if (bad.length > 0) {
        r.problems.error(vAt, `unknown volume mode ${quote(bad.join(','))} in ${quote(item)}: allowed are ${VOLUME_MODES.join(', ')}`);
        return;
      }
      readOnly = modes.includes('ro');
      if (source === '') source = undefined;
      if (source !== undefined && isHostPath(source)) type = 'bind';
    } else if (isPlainObject(item)) {
      for (const key of Object.keys(item)) {
        if (!['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs', 'image'].includes(key) && !key.startsWith('x-')) {
          r.problems.error([...vAt, key], 'unknown volume key: allowed are type, source, target, read_only, consistency, bind, volume, tmpfs, image');
        }
      }
      type = item.type === undefined ? 'volume' : r.string(item.type, [...vAt, 'type']) ?? 'volume';
      source = item.source === undefined || item.source === null ? undefined : r.string(item.source, [...vAt, 'source']);
      target = r.string(item.target, [...vAt, 'target'], 'the path in the container');
      if (item.read_only !== undefined) readOnly = r.bool(item.read_only, [...vAt, 'read_only']) ?? false;
      if (!['volume', 'bind', 'tmpfs', 'npipe', 'cluster', 'image'].includes(type)) {
        r.problems.error([...vAt, 'type'], `expected volume, bind, tmpfs, npipe, cluster or image, got ${quote(type)}`);
        return;
      }
    } else {
      r.problems.error(vAt, `expected a volume like "data:/var/lib/data" or a mapping with type/source/target, got ${quote(item)}`);
      return;
    }
    let bind: ProjectBindModel | undefined;
    if (type === 'bind' && source !== undefined && isHostTimeZone(source)) {
      hostTimeZone(svc, source, vAt);
      return;
    }
    if (type === 'bind') {
      bind = projectBind(svc, source, vAt, item);
      if (!bind) return;
    } else if (type === 'tmpfs') {
      const tmpfs = isPlainObject(item) ? tmpfsVolume(svc, item, target, readOnly, vAt) : undefined;
      if (tmpfs) set(svc, 'tmpfs', [...(svc.fields.tmpfs ?? []), tmpfs]);
      return;
    } else if (type !== 'volume') {
      r.problems.error(vAt, `cannot be honoured on Fargate (got type ${quote(type)}): ${type} mounts are not available on Fargate`);
      return;
    }
    if (target === undefined) return;
    if (!target.startsWith('/')) {
      r.problems.error(vAt, `the container path ${quote(target)} must be absolute`);
      return;
    }
    if (out.some(m => m.target === target)) {
      r.problems.error(vAt, `${quote(target)} is mounted twice`);
      return;
    }
    out.push({ source: bind ? undefined : source, target, readOnly, bind, path: vAt });
  });
  return out;
}

/**
 * A bind mount's source: a file or folder inside the project folder (resolved against it, as
 * compose does), or a refusal: Fargate has no host filesystem to mount from.
 */
function projectBind(svc: ServiceBuilder, source: string | undefined, at: DocPath, item: unknown): ProjectBindModel | undefined {
  const refuseBind = (why: string) => {
    svc.r.problems.error(at, `cannot be honoured on Fargate (got ${quote(item)}): ${why}; files of the project folder can be mounted, and a named volume keeps data (declared under the top-level volumes)`);
    return undefined;
  };
  if (source === undefined) return refuseBind('a bind mount needs a source');
  if (source.startsWith('~')) return refuseBind('the home folder is on the machine that runs compose, which Fargate does not have');
  if (/^[A-Za-z]:[\\/]/.test(source)) return refuseBind('a Windows path is on the machine that runs compose, which Fargate does not have');
  const dir = path.resolve(svc.ctx.projectDirectory);
  const abs = path.resolve(dir, source);
  const relative = path.relative(dir, abs);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    return refuseBind(`${quote(abs)} is outside the project folder (${dir}): a host path needs the host's filesystem, which Fargate does not have`);
  }
  let kind: ProjectBindModel['kind'] = 'missing';
  try {
    const stat = fs.statSync(abs);
    if (stat.isFile()) kind = 'file';
    else if (stat.isDirectory()) kind = fs.readdirSync(abs).length === 0 ? 'empty-dir' : 'dir';
    else return refuseBind(`${quote(source)} is neither a file nor a folder`);
  } catch {
    kind = 'missing';
  }
  // The short syntax makes a missing source; the long one only with bind.create_host_path (as compose-go reads it).
  const createHostPath = !isPlainObject(item) || (isPlainObject(item.bind) && item.bind.create_host_path === true);
  return {
    source: abs,
    relative: relative === '' ? '.' : `./${relative.split(path.sep).join('/')}`,
    kind,
    createHostPath,
    texts: kind === 'file' || kind === 'dir' ? mountedTexts(abs) : [],
  };
}

/** The text files of a mount (a few, small ones: configuration), for the names they use. */
function mountedTexts(source: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const visit = (p: string, depth: number) => {
    if (out.length >= 20) return;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      if (depth > 2 || path.basename(p) === 'node_modules' || path.basename(p).startsWith('.')) return;
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name), depth + 1);
    } else if (stat.isFile() && stat.size <= 65536) {
      const text = fs.readFileSync(p, 'utf-8');
      if (!text.includes('\0')) out.push({ file: path.relative(path.dirname(source), p).split(path.sep).join('/'), text });
    }
  };
  visit(source, 0);
  return out;
}

/** `develop.watch`: the sync rules tell which bind mounts only serve development. */
export function readDevelop(svc: ServiceBuilder, v: unknown, at: DocPath): WatchModel[] | undefined {
  const develop = svc.r.map(v, at, 'a mapping with watch');
  if (!develop || develop.watch === undefined) return undefined;
  const out: WatchModel[] = [];
  (svc.r.list(develop.watch, [...at, 'watch']) ?? []).forEach((rule, i) => {
    const m = svc.r.map(rule, [...at, 'watch', i], 'a watch rule with path and action');
    const p = m && svc.r.string(m.path, [...at, 'watch', i, 'path'], 'a path');
    const action = m && svc.r.string(m.action, [...at, 'watch', i, 'action'], 'an action');
    if (!m || p === undefined || action === undefined) return;
    const target = m.target === undefined ? undefined : svc.r.string(m.target, [...at, 'watch', i, 'target'], 'a path in the container');
    out.push({ path: path.resolve(svc.ctx.projectDirectory, p), action, target });
  });
  return out;
}

export function readVolumesFrom(svc: ServiceBuilder, v: unknown, at: DocPath): VolumesFromModel[] {
  const out: VolumesFromModel[] = [];
  (svc.r.list(v, at, 'a list like ["db", "cache:ro"]') ?? []).forEach((item, i) => {
    const s = svc.r.string(item, [...at, i], 'a service name with an optional ":ro" or ":rw"');
    if (s === undefined) return;
    const parts = s.split(':');
    if (parts[0] === 'container') {
      svc.r.problems.error([...at, i], `cannot be honoured on Fargate (got ${quote(s)}): a task can share volumes only with its own containers (compose services)`);
      return;
    }
    if (parts.length > 2 || (parts.length === 2 && parts[1] !== 'ro' && parts[1] !== 'rw') || parts[0] === '') {
      svc.r.problems.error([...at, i], `expected "SERVICE", "SERVICE:ro" or "SERVICE:rw", got ${quote(s)}`);
      return;
    }
    out.push({ container: parts[0], readOnly: parts[1] === 'ro', path: [...at, i] });
  });
  return out;
}

/** What a dropped tmpfs option leaves. */
const TMPFS_DEFAULTS = 'the mount is root\'s with mode 1777 (every user may write, as in /tmp)';

/** A tmpfs `size=`: bytes with the kernel's suffixes (k, m, g), or a percentage of the memory. */
function tmpfsSize(svc: ServiceBuilder, value: unknown, at: DocPath): TmpfsModel['size'] | undefined {
  const text = typeof value === 'string' ? value.trim() : undefined;
  const percent = text === undefined ? undefined : /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent) {
    const n = parseFloat(percent[1]);
    if (n > 0 && n <= 100) return { percent: n };
    svc.r.problems.error(at, `a tmpfs size in percent is of the memory, from more than 0 to 100, got ${quote(value)}`);
    return undefined;
  }
  const bytes = svc.r.parsed(value, at, parseBytes);
  // size=0 is no limit for the kernel: the default size
  return bytes === undefined || bytes === 0 ? undefined : { bytes };
}

/** Compose `tmpfs`: "PATH" or "PATH:OPTIONS" (comma separated, as `docker run --tmpfs` takes them). */
export function readTmpfs(svc: ServiceBuilder, v: unknown, at: DocPath): TmpfsModel[] {
  const out: TmpfsModel[] = [];
  const items = typeof v === 'string' ? [v] : svc.r.list(v, at, 'a path or a list of paths') ?? [];
  items.forEach((item, i) => {
    const iAt = typeof v === 'string' ? at : [...at, i];
    const text = svc.r.string(item, iAt, 'a path like "/run" or "/tmp:size=64m,noexec"');
    if (text === undefined) return;
    const colon = text.indexOf(':');
    const target = colon < 0 ? text : text.slice(0, colon);
    if (!target.startsWith('/')) {
      svc.r.problems.error(iAt, `the container path ${quote(target)} must be absolute`);
      return;
    }
    let size: TmpfsModel['size'];
    const options: string[] = [];
    const dropped: string[] = [];
    for (const option of colon < 0 ? [] : text.slice(colon + 1).split(',').map(o => o.trim()).filter(o => o !== '')) {
      const eq = option.indexOf('=');
      const name = (eq < 0 ? option : option.slice(0, eq)).toLowerCase();
      if (name === 'size' && eq >= 0) size = tmpfsSize(svc, option.slice(eq + 1), iAt);
      else if (eq < 0 && ECS_TMPFS_FLAGS.includes(name)) options.push(name);
      else dropped.push(option);
    }
    if (dropped.length > 0) {
      svc.r.problems.warn('ignored-key', iAt, `left out of the tmpfs mount at ${target}: ${dropped.map(o => quote(o)).join(', ')}; ECS passes on only mount flags (${ECS_TMPFS_FLAGS.slice(0, 10).join(', ')}, ...) and the size, so ${TMPFS_DEFAULTS}`);
    }
    out.push({ target, size, options, path: iAt });
  });
  return out;
}

/** A volume of type tmpfs (long syntax): `tmpfs: {size, mode}`. */
function tmpfsVolume(
  svc: ServiceBuilder, item: Record<string, unknown>, target: string | undefined, readOnly: boolean, at: DocPath,
): TmpfsModel | undefined {
  if (item.source !== undefined && item.source !== null) {
    svc.r.problems.warn('ignored-key', [...at, 'source'], 'ignored: a tmpfs mount has no source');
  }
  const opts = item.tmpfs === undefined || item.tmpfs === null ? {} : svc.r.map(item.tmpfs, [...at, 'tmpfs'], 'a mapping with size and mode') ?? {};
  let size: TmpfsModel['size'];
  for (const [key, value] of Object.entries(opts)) {
    if (key === 'size') size = tmpfsSize(svc, value, [...at, 'tmpfs', key]);
    else if (key === 'mode') svc.r.problems.warn('ignored-key', [...at, 'tmpfs', key], `ignored: ECS sets no mode on a tmpfs mount, so ${TMPFS_DEFAULTS}`);
    else if (!key.startsWith('x-')) svc.r.problems.error([...at, 'tmpfs', key], 'unknown tmpfs key: allowed are size, mode');
  }
  if (target === undefined) return undefined;
  if (!target.startsWith('/')) {
    svc.r.problems.error(at, `the container path ${quote(target)} must be absolute`);
    return undefined;
  }
  return { target, size, options: readOnly ? ['ro'] : [], path: at };
}

/** The host's time-zone data: what `- /etc/localtime:/etc/localtime:ro` mounts. */
function isHostTimeZone(source: string): boolean {
  const p = path.posix.normalize(source);
  return p === '/etc/localtime' || p === '/etc/timezone' || p === '/usr/share/zoneinfo' || p.startsWith('/usr/share/zoneinfo/');
}

/** A mount of the host's time zone: Fargate has no host to take it from; TZ says it instead. */
function hostTimeZone(svc: ServiceBuilder, source: string, at: DocPath) {
  svc.deferred.push(() => {
    const tz = [...svc.environment].reverse().find(e => e.name === 'TZ');
    svc.r.problems.warn('host-time-zone', at, `left out on Fargate (${source} is the time zone of the machine that runs compose, and a Fargate task has no host to take it from): `
      + (tz ? `the container takes its time zone from TZ (${quote(tz.value)})` : 'the container runs in UTC; to give it a time zone, set TZ in its environment (`TZ: Europe/Berlin`; the image needs its time-zone data, tzdata)'));
  });
}

/** A tmpfs mount's path is its own: Docker refuses a second mount there. */
export function checkTmpfsTargets(svc: ServiceBuilder) {
  const seen = new Set((svc.fields.volumes ?? []).map(m => m.target));
  for (const t of svc.fields.tmpfs ?? []) {
    if (seen.has(t.target)) svc.r.problems.error(t.path, `${quote(t.target)} is mounted twice`);
    seen.add(t.target);
  }
}

const VOLUME_DECLARATION_KEYS = ['external', 'name', 'driver', 'driver_opts', 'labels'];

export function readVolumeDeclarations(r: Reader, value: unknown): VolumeDeclarationModel[] {
  const out: VolumeDeclarationModel[] = [];
  if (value === undefined || value === null) return out;
  for (const [name, spec] of Object.entries(r.map(value, ['volumes'], 'a mapping of volume names') ?? {})) {
    const at = ['volumes', name];
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
      r.problems.error(at, `${quote(name)} cannot name an ECS volume: use letters, digits, - and _ (up to 255)`);
      continue;
    }
    const unsupported: string[] = [];
    let external = false;
    if (spec !== null && spec !== undefined) {
      const m = r.map(spec, at);
      for (const [key, v] of Object.entries(m ?? {})) {
        if (key === 'external') {
          external = isPlainObject(v) ? true : r.bool(v, [...at, key]) ?? false;
        } else if (key === 'driver' || key === 'driver_opts' || key === 'labels') {
          if (!(key === 'driver' && v === 'local') && !(isPlainObject(v) && Object.keys(v).length === 0)) unsupported.push(key);
        } else if (key !== 'name' && !key.startsWith('x-')) {
          r.problems.error([...at, key], `unknown volume key: allowed are ${VOLUME_DECLARATION_KEYS.join(', ')}`);
        }
      }
    }
    out.push({ name, external, unsupported, path: at });
  }
  return out;
}
