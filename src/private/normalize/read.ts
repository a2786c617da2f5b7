/**
 * Typed reads of raw document values. Each records a problem (with the path and the value it
 * got) and returns undefined when the value has the wrong shape, so collection goes on.
 */
import { isPlainObject, isToken } from '../load/load';
import { DocPath, Problems, quote } from '../problems';
import { Parsed } from '../units';

export class Reader {
  constructor(public readonly problems: Problems) {}

  /** A string; numbers are accepted and written as strings (`user: 1000`). */
  public string(value: unknown, at: DocPath, what = 'a string'): string | undefined {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    this.problems.error(at, `expected ${what}, got ${quote(value)}`);
    return undefined;
  }

  /** A boolean; "true"/"false" strings (what interpolation yields) are accepted. */
  public bool(value: unknown, at: DocPath): boolean | undefined {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    this.problems.error(at, `expected true or false, got ${quote(value)}`);
    return undefined;
  }

  public map(value: unknown, at: DocPath, what = 'a mapping'): Record<string, unknown> | undefined {
    if (isPlainObject(value)) return value;
    this.problems.error(at, `expected ${what}, got ${quote(value)}`);
    return undefined;
  }

  public list(value: unknown, at: DocPath, what = 'a list'): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    this.problems.error(at, `expected ${what}, got ${quote(value)}`);
    return undefined;
  }

  /** A string or a list of strings, as a list. */
  public stringOrList(value: unknown, at: DocPath): string[] | undefined {
    if (typeof value === 'string') return [value];
    const list = this.list(value, at, 'a string or a list of strings');
    if (!list) return undefined;
    const out: string[] = [];
    list.forEach((item, i) => {
      const s = this.string(item, [...at, i]);
      if (s !== undefined) out.push(s);
    });
    return out.length === list.length ? out : undefined;
  }

  /** Run a unit parser on a literal value (CDK tokens cannot be parsed). */
  public parsed<T>(value: unknown, at: DocPath, parser: (v: unknown) => Parsed<T>): T | undefined {
    if (isToken(value)) {
      this.problems.error(at, 'must be a literal value: a CDK token cannot be parsed at synth time');
      return undefined;
    }
    const r = parser(value);
    if (r.error !== undefined) {
      this.problems.error(at, `${r.error}; got ${quote(value)}`);
      return undefined;
    }
    return r.value;
  }

  /** A number within [min, max], from a parser; the message says the allowed range. */
  public inRange(n: number | undefined, at: DocPath, min: number, max: number, what: string, shown?: unknown): number | undefined {
    if (n === undefined) return undefined;
    if (n < min || n > max) {
      this.problems.error(at, `${what} must be from ${min} to ${max}, got ${quote(shown ?? n)}`);
      return undefined;
    }
    return n;
  }

  /**
   * A list of `KEY=VALUE` strings or a mapping (compose's list_or_dict). Returns entries in
   * order; a key with no value (`KEY`, or `KEY:` / `KEY: null` in a map) has value undefined.
   */
  public keyValues(value: unknown, at: DocPath, separator = '='): { name: string; value?: string; at: DocPath }[] | undefined {
    const out: { name: string; value?: string; at: DocPath }[] = [];
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const s = this.string(item, [...at, i], `"KEY${separator}VALUE"`);
        if (s === undefined) return;
        const idx = s.indexOf(separator);
        const name = idx < 0 ? s : s.slice(0, idx);
        if (name.trim() === '') {
          this.problems.error([...at, i], `expected "KEY${separator}VALUE", got ${quote(item)}`);
          return;
        }
        out.push({ name, value: idx < 0 ? undefined : s.slice(idx + separator.length), at: [...at, i] });
      });
      return out;
    }
    if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (k.trim() === '') {
          this.problems.error([...at, k], 'a key must not be empty');
        } else if (v === null || v === undefined) {
          out.push({ name: k, at: [...at, k] });
        } else if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
          out.push({ name: k, value: String(v), at: [...at, k] });
        } else {
          this.problems.error([...at, k], `expected a string, number or boolean, got ${quote(v)}`);
        }
      }
      return out;
    }
    this.problems.error(at, `expected a list of "KEY${separator}VALUE" strings or a mapping, got ${quote(value)}`);
    return undefined;
  }
}
