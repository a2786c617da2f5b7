/**
 * Secrets and configs: a service's file mounts of them, and the top-level declarations that say
 * where each is stored.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ComposeContext, ServiceBuilder } from './builder';
import { isPlainObject } from '../load/load';
import { FileMountModel, StoredFileModel } from '../model';
import { DocPath, quote } from '../problems';
import { Reader } from './read';

const FILE_MOUNT_KEYS = ['source', 'target', 'uid', 'gid', 'mode'];

export function readFileMounts(svc: ServiceBuilder, v: unknown, at: DocPath, kind: 'secret' | 'config'): FileMountModel[] {
  const r = svc.r;
  const out: FileMountModel[] = [];
  (r.list(v, at, `a list of ${kind} names or {source, target}`) ?? []).forEach((item, i) => {
    const fAt = [...at, i];
    let source: string | undefined;
    let target: string | undefined;
    let uid: string | undefined;
    let gid: string | undefined;
    let mode: string | undefined;
    if (typeof item === 'string') {
      source = item;
    } else if (isPlainObject(item)) {
      for (const key of Object.keys(item)) {
        if (!FILE_MOUNT_KEYS.includes(key) && !key.startsWith('x-')) r.problems.error([...fAt, key], `unknown ${kind} key: allowed are ${FILE_MOUNT_KEYS.join(', ')}`);
      }
      source = r.string(item.source, [...fAt, 'source'], `the name of a top-level ${kind}`);
      if (item.target !== undefined) target = r.string(item.target, [...fAt, 'target'], 'a file name or absolute path');
      if (item.uid !== undefined) uid = r.string(item.uid, [...fAt, 'uid'], 'a numeric user id');
      if (item.gid !== undefined) gid = r.string(item.gid, [...fAt, 'gid'], 'a numeric group id');
      if (item.mode !== undefined) {
        const m = item.mode;
        // as compose reads it: a number is the mode (YAML's `0440` is octal), a string is octal digits
        if (typeof m === 'number' && Number.isInteger(m) && m >= 0 && m <= 0o777) mode = m.toString(8).padStart(4, '0');
        else if (typeof m === 'string' && /^0?[0-7]{3}$/.test(m)) mode = m.padStart(4, '0');
        else r.problems.error([...fAt, 'mode'], `expected a file mode like "0440", got ${quote(m)}`);
      }
      for (const [key, value] of [['uid', uid], ['gid', gid]] as const) {
        if (value !== undefined && !/^\d+$/.test(value)) r.problems.error([...fAt, key], `expected a numeric id, got ${quote(value)}`);
      }
    } else {
      r.problems.error(fAt, `expected a ${kind} name or a mapping with source and target, got ${quote(item)}`);
      return;
    }
    if (source === undefined) return;
    const base = kind === 'secret' ? '/run/secrets' : '';
    const resolved = target === undefined ? `${base}/${source}` : target.startsWith('/') ? target : `${base}/${target}`;
    if (!/^\/[^\0]*[^/]$/.test(resolved) || resolved.split('/').some(p => p === '..')) {
      r.problems.error(target === undefined ? fAt : [...fAt, 'target'], `${quote(resolved)} is not a file path`);
      return;
    }
    if (path.posix.dirname(resolved) === '/') {
      r.problems.error(target === undefined ? fAt : [...fAt, 'target'], `${kind} target ${quote(resolved)} is at the root of the filesystem: on Fargate the file is written into a volume, which needs a folder of its own; give a target like "/etc/app/${path.posix.basename(resolved)}"`);
      return;
    }
    out.push({ source, target: resolved, uid, gid, mode, path: fAt });
  });
  return out;
}

export function fileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Top-level secrets or configs: only references to what is stored on AWS are accepted. */
export function readStoredFiles(r: Reader, value: unknown, kind: 'secrets' | 'configs', ctx: ComposeContext): StoredFileModel[] {
  const out: StoredFileModel[] = [];
  if (value === undefined || value === null) return out;
  const store = kind === 'secrets' ? 'a Secrets Manager secret' : 'an SSM parameter';
  for (const [key, spec] of Object.entries(r.map(value, [kind], `a mapping of ${kind}`) ?? {})) {
    const at = [kind, key];
    const m = r.map(spec, at, 'a mapping with file:, external: true or name:');
    if (!m) continue;
    let name: string | undefined;
    let external = false;
    let local: StoredFileModel['local'];
    for (const [k, v] of Object.entries(m)) {
      if (k === 'external') {
        if (isPlainObject(v)) {
          external = true;
          if (v.name !== undefined) name = r.string(v.name, [...at, k, 'name']);
        } else {
          external = r.bool(v, [...at, k]) ?? false;
        }
      } else if (k === 'name') {
        name = r.string(v, [...at, k], `the name of ${store}`);
      } else if (k === 'file') {
        const file = r.string(v, [...at, k], 'a path in the project folder');
        if (file !== undefined) local = { kind: 'file', file: path.resolve(ctx.projectDirectory, file) };
      } else if (k === 'content') {
        const content = r.string(v, [...at, k], 'the text of the file');
        if (content !== undefined) local = { kind: 'content', content: kind === 'configs' ? content : undefined };
      } else if (k === 'environment') {
        const variable = r.string(v, [...at, k], 'the name of a variable');
        if (variable !== undefined) local = { kind: 'environment', content: kind === 'configs' ? ctx.variables.get(variable) ?? '' : undefined };
      } else if (!['labels', 'driver', 'driver_opts', 'template_driver'].includes(k) && !k.startsWith('x-')) {
        r.problems.error([...at, k], `unknown ${kind.slice(0, -1)} key: allowed are file, content, environment, external, name`);
      }
    }
    if (local && kind === 'configs' && local.kind === 'file') {
      let text: string | undefined;
      try {
        text = fs.statSync(local.file!).isFile() ? fs.readFileSync(local.file!, 'utf-8') : undefined;
      } catch {
        text = undefined;
      }
      if (text === undefined) {
        r.problems.error([...at, 'file'], `${quote(local.file)} is not a file: a config's file is put into the image, so it must exist when the stack is synthesized`);
        continue;
      }
      local = { ...local, content: text };
    }
    if (local) {
      out.push({ key, name: name ?? key, local, path: at });
      continue;
    }
    if (name === undefined && !external) {
      r.problems.error(at, `says nowhere what it holds: give file: (a file of the project), or declare where it is stored with external: true (${store} named ${quote(key)}) or name:`);
      continue;
    }
    out.push({ key, name: name ?? key, path: at });
  }
  return out;
}
