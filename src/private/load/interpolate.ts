/**
 * Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}` and `$$` for a literal `$`.
 * Defaults and alternatives may themselves hold interpolations. A `$` that starts no variable
 * (`cost $ 5`, `$1`, a `$` at the end) is kept as it is, as Docker Compose keeps it.
 */

export interface Interpolated {
  readonly value?: string;
  readonly error?: string;
  /** Variables that were used without a value and without a default. */
  readonly unset: string[];
}

export type Lookup = (name: string) => string | undefined;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class InterpolationError extends Error {}

/**
 * Index of the `}` closing a `${` whose body starts at `start`. Braces nest, as in compose:
 * `${A:-{x}}` has the default `{x}`.
 */
function findClose(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') {
      i++;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function expand(text: string, lookup: Lookup, unset: Set<string>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let j = i + 1;
      while (j < text.length && NAME_CHAR.test(text[j])) j++;
      const name = text.slice(i + 1, j);
      const v = lookup(name);
      if (v === undefined) unset.add(name);
      out += v ?? '';
      i = j;
      continue;
    }
    if (next === '{') {
      const close = findClose(text, i + 2);
      if (close < 0) throw new InterpolationError(`unclosed "\${" at position ${i}`);
      out += expandBraced(text.slice(i + 2, close), lookup, unset);
      i = close + 1;
      continue;
    }
    // A "$" that starts no variable (before a space, a digit, "-"...) is kept, as compose keeps it.
    out += '$';
    i++;
  }
  return out;
}

function expandBraced(body: string, lookup: Lookup, unset: Set<string>): string {
  let j = 0;
  if (!NAME_START.test(body[0] ?? '')) {
    throw new InterpolationError(`"\${${body}}" is not a valid variable reference`);
  }
  while (j < body.length && NAME_CHAR.test(body[j])) j++;
  const name = body.slice(0, j);
  const rest = body.slice(j);
  const v = lookup(name);
  if (rest === '') {
    if (v === undefined) unset.add(name);
    return v ?? '';
  }
  const m = /^(:?)([-?+])/.exec(rest);
  if (!m) throw new InterpolationError(`"\${${body}}" is not a valid variable reference`);
  const colon = m[1] === ':';
  const op = m[2];
  const word = rest.slice(m[0].length);
  // With ":" an empty value counts as unset.
  const isSet = colon ? v !== undefined && v !== '' : v !== undefined;
  switch (op) {
    case '-':
      return isSet ? v! : expand(word, lookup, unset);
    case '+':
      return isSet ? expand(word, lookup, unset) : '';
    default: {
      if (isSet) return v!;
      const msg = expand(word, lookup, unset);
      throw new InterpolationError(
        `required variable ${name} is ${v === undefined ? 'not set' : 'empty'}${msg ? `: ${msg}` : ''}`,
      );
    }
  }
}

/** Interpolate one string. */
export function interpolate(text: string, lookup: Lookup): Interpolated {
  const unset = new Set<string>();
  try {
    const value = expand(text, lookup, unset);
    return { value, unset: [...unset] };
  } catch (e) {
    if (e instanceof InterpolationError) return { error: e.message, unset: [...unset] };
    throw e;
  }
}
