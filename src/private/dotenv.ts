/**
 * `.env` and `env_file` parsing, as compose reads them: `KEY=VALUE` lines, `export ` prefixes,
 * `#` comments, blank lines, single-quoted (literal) and double-quoted (escapes) values, and
 * `KEY` alone (taken from the variables when set there).
 */
export interface EnvFileEntry {
  readonly name: string;
  /** undefined for a bare `KEY` line. */
  readonly value?: string;
  /** How the value was quoted: single-quoted values are literal, the others are interpolated. */
  readonly quoted?: 'single' | 'double';
  readonly line: number;
}

export interface EnvFileParse {
  readonly entries: EnvFileEntry[];
  readonly errors: { line: number; message: string }[];
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function unescapeDouble(s: string): string {
  return s.replace(/\\([\\nrt"$])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[ch] ?? ch);
}

export function parseEnvFile(text: string): EnvFileParse {
  const entries: EnvFileEntry[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trim();
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!KEY_RE.test(key)) {
      errors.push({ line: n + 1, message: `${JSON.stringify(key)} is not a variable name` });
      continue;
    }
    if (eq < 0) {
      entries.push({ name: key, line: n + 1 });
      continue;
    }
    let raw = line.slice(eq + 1).trim();
    let value: string;
    let quoted: 'single' | 'double' | undefined;
    if (raw.startsWith("'")) {
      quoted = 'single';
      const end = raw.indexOf("'", 1);
      if (end < 0) {
        errors.push({ line: n + 1, message: `unterminated single quote in the value of ${key}` });
        continue;
      }
      value = raw.slice(1, end);
    } else if (raw.startsWith('"')) {
      quoted = 'double';
      // a double-quoted value may span lines
      let body = raw.slice(1);
      let end = findClosingDouble(body);
      while (end < 0 && n + 1 < lines.length) {
        n++;
        body += '\n' + lines[n];
        end = findClosingDouble(body);
      }
      if (end < 0) {
        errors.push({ line: n + 1, message: `unterminated double quote in the value of ${key}` });
        continue;
      }
      value = unescapeDouble(body.slice(0, end));
    } else {
      const hash = raw.search(/\s#/);
      if (hash >= 0) raw = raw.slice(0, hash);
      value = raw.trim();
    }
    entries.push({ name: key, value, quoted, line: n + 1 });
  }
  return { entries, errors };
}

function findClosingDouble(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') {
      i++;
    } else if (s[i] === '"') {
      return i;
    }
  }
  return -1;
}
