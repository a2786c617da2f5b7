/**
 * The two shapes of a compose document: version 1 (services at the top level, as ecs-cli read it)
 * and services under `services`; and where a file's `!reset` / `!override` tags stand in its services.
 */
import { ComposeYaml } from './compose-yaml';
import { dict, dictOf } from '../dict';
import { isPlainObject } from './load';
import { DocPath } from '../problems';

/** True for a version 1 document: no `services`, and no version or version 1. */
export function isLegacyDocument(doc: Record<string, unknown>): boolean {
  if (doc.services !== undefined) return false;
  const v = doc.version;
  return v === undefined || v === null || /^1(\.0)?$/.test(String(v).trim());
}

/** The services map of a document (and where it is), or undefined when it has none. */
export function servicesOf(doc: Record<string, unknown>): Record<string, unknown> | undefined {
  return isPlainObject(doc.services) ? doc.services : undefined;
}

/** The `!reset` and `!override` paths of a file, relative to its services map. */
export function taggedInServices(yaml: ComposeYaml, legacy: boolean): DocPath[] {
  return [...yaml.resets, ...yaml.overrides].flatMap(at => (legacy ? [at] : at[0] === 'services' && at.length > 1 ? [at.slice(1)] : []));
}

export function withoutVersion(doc: Record<string, unknown>): Record<string, unknown> {
  const rest = dictOf(doc);
  delete rest.version;
  return rest;
}

/** A version 1 document as a `services:` one: its top-level `x-` blocks stay extensions, never services. */
export function wrapLegacy(doc: Record<string, unknown>): Record<string, unknown> {
  const services = dict();
  const out = dict<unknown>([['services', services]]);
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'version' || k.startsWith('x-')) out[k] = v;
    else services[k] = v;
  }
  return out;
}
