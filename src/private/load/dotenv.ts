/**
 * `.env` and `env_file` parsing, with Docker Compose's grammar (its dotenv package):
 *
 * - statements `KEY=VALUE` or `KEY: VALUE`, an optional `export ` before the key, `#` comment lines,
 *   and `KEY` alone, which takes the variable's value when it is set (and is left out otherwise);
 * - an unquoted value runs to the end of the line, cut at ` #` (a space, then `#`), trailing space
 *   trimmed; variables in it are interpolated;
 * - a double-quoted value may span lines, knows the escapes `\n \r \t \\ \" \$ \a \b \f \v` and octal
 *   `\0NNN` (others are kept as written), and is interpolated (`\$` stays a literal `$`);
 * - a single-quoted value may span lines and is literal (`\'` is a quote);
 * - after a closing quote, the rest of the line is read as the next statement (or a comment).
 *
 * Interpolation looks a name up in the given variables first, then in the file's own entries above
 * (and what was read before the file).
 */
import { interpolate, Lookup } from './interpolate';

export interface EnvFileEntry {
  readonly name: string;
  /** undefined for a `KEY` statement whose variable is not set. */
  readonly value?: string;
  /** The line the statement starts on (1-based). */
  readonly line: number;
}

export interface EnvFileParse {
  readonly entries: EnvFileEntry[];
  /** Compose stops at the first error: so does this parser. */
  readonly errors: { line: number; message: string }[];
  /** Variables used in values that were not set (they became ""). */
  readonly unset: string[];
}

/** Space but not a line break (Go's isSpace in compose's dotenv). */
const SPACE = /[\t\v\f\r \u0085\u00A0]/;
const KEY_CHAR = /[\p{L}\p{N}_.\-[\]]/u;
const ESCAPE = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;
const SIMPLE_ESCAPES: Record<string, string> = {
  'a': '\x07', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '"': '"', '\\': '\\',
};

class EnvFileError extends Error {
  constructor(public readonly line: number, message: string) {
    super(message);
  }
}

function expandEscapes(text: string): string {
  return text.replace(ESCAPE, match => {
    // `\$` stays a literal "$" through interpolation
    if (match === '\\$') return '$$';
    const c = match.slice(1);
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c];
    // `\0NNN`: three octal digits after the 0
    if (/^0[0-7]{3}$/.test(c) && parseInt(c.slice(1), 8) <= 0o377) return String.fromCharCode(parseInt(c.slice(1), 8));
    return match;
  });
}

/**
 * Parse an env file. `lookup` gives the variables a value may use (and a `KEY` statement reads);
 * names it lacks are looked up among the entries above, and in `above` (what was read before this
 * file).
 */
export function parseEnvFile(text: string, lookup: Lookup = () => undefined, above?: ReadonlyMap<string, string>): EnvFileParse {
  const src = text.replace(/^\uFEFF/, '');
  const values = new Map<string, string>(above);
  const entries: EnvFileEntry[] = [];
  const unset = new Set<string>();
  let pos = 0;
  const lineAt = (i: number) => src.slice(0, i).split('\n').length;
  const expand = (value: string, at: number): string => {
    if (!value.includes('$')) return value;
    const r = interpolate(value, name => lookup(name) ?? values.get(name));
    r.unset.forEach(n => unset.add(n));
    if (r.error !== undefined) throw new EnvFileError(lineAt(at), `cannot interpolate ${JSON.stringify(value)}: ${r.error}`);
    return r.value!;
  };
  const set = (name: string, value: string | undefined, at: number) => {
    if (value !== undefined) values.set(name, value);
    entries.push({ name, value, line: lineAt(at) });
  };
  try {
    while (true) {
      // the next statement: skip white space and comment lines
      while (pos < src.length && /\s/.test(src[pos])) pos++;
      if (pos >= src.length) break;
      if (src[pos] === '#') {
        const nl = src.indexOf('\n', pos);
        if (nl < 0) break;
        pos = nl;
        continue;
      }
      const start = pos;
      if (/^export\s/.test(src.slice(pos, pos + 7))) {
        pos += 6;
        while (pos < src.length && SPACE.test(src[pos])) pos++;
      }
      // the key, up to "=", ":" or the end of the line
      let end = pos;
      let terminator: string | undefined;
      for (; end < src.length; end++) {
        const c = src[end];
        if (SPACE.test(c)) continue;
        if (c === '=' || c === ':' || c === '\n') {
          terminator = c;
          break;
        }
        if (!KEY_CHAR.test(c)) {
          const line = src.slice(start).split('\n')[0];
          throw new EnvFileError(lineAt(start), `unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(line)}`);
        }
      }
      if (terminator === undefined) {
        // a last line without "=" or a line break: compose reads its text as the value of an empty name
        throw new EnvFileError(lineAt(start), `${JSON.stringify(src.slice(pos).trim())} has no "=" and no line break after it: end the line (KEY alone takes the variable's value)`);
      }
      const key = src.slice(pos, end).replace(/\s+$/, '');
      if (key.includes(' ')) throw new EnvFileError(lineAt(start), `the name ${JSON.stringify(key)} contains a space`);
      pos = end + 1;
      if (terminator === '\n') {
        set(key, lookup(key), start);
        continue;
      }
      while (pos < src.length && SPACE.test(src[pos])) pos++;
      const quote = src[pos];
      if (quote !== '"' && quote !== "'") {
        const nl = src.indexOf('\n', pos);
        const lineEnd = nl < 0 ? src.length : nl;
        let value = src.slice(pos, lineEnd);
        const comment = value.indexOf(' #');
        if (comment >= 0) value = value.slice(0, comment);
        set(key, expand(value.replace(/\s+$/u, ''), start), start);
        pos = lineEnd;
        continue;
      }
      // a quoted value: up to the closing quote; an escaped quote drops its backslash
      let raw = '';
      let i = pos + 1;
      let closed = false;
      for (; i < src.length; i++) {
        const c = src[i];
        if (c === '\\' && i + 1 < src.length) {
          raw += src[i + 1] === quote ? quote : `\\${src[i + 1]}`;
          i++;
        } else if (c === quote) {
          closed = true;
          break;
        } else {
          raw += c;
        }
      }
      if (!closed) {
        const nl = src.indexOf('\n', pos);
        throw new EnvFileError(lineAt(start), `unterminated quoted value ${src.slice(pos, nl < 0 ? src.length : nl)}`);
      }
      set(key, quote === '"' ? expand(expandEscapes(raw), start) : raw, start);
      pos = i + 1;
    }
  } catch (e) {
    if (!(e instanceof EnvFileError)) throw e;
    return { entries, errors: [{ line: e.line, message: e.message }], unset: [...unset] };
  }
  return { entries, errors: [], unset: [...unset] };
}
