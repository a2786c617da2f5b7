/**
 * Names from a user's files and props are data. A JavaScript object literal answers for keys it was
 * never given (`toString`, `constructor`: its prototype's) and turns `out['__proto__'] = v` into a
 * change of prototype; Docker Compose takes all of these as names like any other. So every mapping
 * read from a document is a dictionary without a prototype, every map built from one is made here,
 * and a lookup in a map the user gave (a prop, an object passed to `fromObject`) asks for an own key.
 */

/**
 * The prototype of every dictionary: no string key at all, so nothing is inherited by name, and a
 * dictionary still reads as text where any object would (`String(value)`, `${value}`), as
 * `[object Object]`, never a TypeError.
 */
const DICT_PROTOTYPE: object = Object.freeze(Object.create(null, {
  [Symbol.toPrimitive]: { value: () => '[object Object]' },
}));

/** A mapping without inherited keys: every string is a key like any other. */
export function dict<T = unknown>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(DICT_PROTOTYPE) as Record<string, T>;
  if (entries) for (const [k, v] of entries) out[k] = v;
  return out;
}

/** A shallow copy of a mapping as a dictionary, with the given keys set over it. */
export function dictOf<T>(from: Record<string, T>, over?: Record<string, T>): Record<string, T> {
  const out = dict<T>(Object.entries(from));
  if (over) for (const [k, v] of Object.entries(over)) out[k] = v;
  return out;
}

/** Whether the mapping has the key itself (never through a prototype). */
export function hasKey(map: object | undefined | null, key: string): boolean {
  return map !== undefined && map !== null && Object.prototype.hasOwnProperty.call(map, key);
}

/** The value of an own key, or undefined. */
export function ownValue<T>(map: { readonly [key: string]: T } | undefined | null, key: string): T | undefined {
  return hasKey(map, key) ? map![key] : undefined;
}

/** A deep copy of a parsed document in which every mapping is a dictionary (arrays and scalars as they are). */
export function asData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asData);
  if (typeof value === 'object' && value !== null && !(value instanceof Date) && isMapping(value)) {
    const out = dict<unknown>();
    for (const k of Object.keys(value)) out[k] = asData((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

function isMapping(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype || proto === DICT_PROTOTYPE;
}

/**
 * A construct id for a name from the user's file. The constructs library keeps a scope's children
 * in an object literal, so an id that is a prototype name (`toString`, `__proto__`) is taken for one
 * that exists: such a name gets a `#`, which no compose name contains.
 */
export function constructId(name: string): string {
  return name in Object.prototype ? `#${name}` : name;
}
