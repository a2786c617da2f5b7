/**
 * Compose files as Docker Compose's YAML parser (go-yaml v3) reads them, where it differs from the
 * YAML 1.2 core schema: plain scalars such as `012` (octal), `1_000` and `0x1F` are numbers; numbers
 * and booleans become text in Go's `%v` form (`1e+06`, `+Inf`); multi-line quoted scalars may be
 * indented less than their key; `!reset` and `!override` mark what an override file resets or replaces.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, ParseOptions, DocumentOptions, SchemaOptions, Node, ScalarTag } from 'yaml';
import { documentData, reportYamlErrors } from './load';
import { DocPath, Problems } from '../problems';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** go-yaml's yamlStyleFloat. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's strconv.ParseInt / ParseUint with base 0 (prefixes 0x, 0o, 0b, and a leading 0 for octal). */
function goParseInteger(text: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2];
  let digits: bigint;
  if (/^0[xXoObB]/.test(body)) {
    digits = BigInt(`0${body[1].toLowerCase()}${body.slice(2)}`);
  } else if (body.length > 1 && body.startsWith('0')) {
    digits = BigInt(`0o${body.slice(1)}`);
  } else {
    digits = BigInt(body);
  }
  const value = m[1] === '-' ? -digits : digits;
  // ParseUint takes no sign: a value above int64 reads as an unsigned integer only when unsigned.
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  if (m[1] === '' && value <= UINT64_MAX) return value;
  return undefined;
}

/**
 * A plain scalar that starts like a number, resolved as go-yaml v3 resolves it: an integer (base
 * prefixes, a leading 0 for octal, `_` ignored), else a float, else the text itself. An integer
 * beyond JavaScript's safe range is kept as its exact decimal text.
 */
export function resolveGoNumber(text: string): number | string {
  if (text.startsWith('.')) return YAML_STYLE_FLOAT.test(text) ? Number(text) : text;
  const plain = text.replace(/_/g, '');
  const int = goParseInteger(plain);
  if (int !== undefined) {
    return int >= BigInt(Number.MIN_SAFE_INTEGER) && int <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(int) : int.toString();
  }
  if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
  return text;
}

const GO_NUMBER: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  identify: value => typeof value === 'number',
  test: /^[-+0-9.][-+0-9a-zA-Z_.]*$/,
  resolve: (text: string) => resolveGoNumber(text),
};

/**
 * A number or boolean as Go's `%v` prints it, which is how Docker Compose turns one into text (an
 * environment value, a label...): an integer in full; a float in the shortest form that reads back,
 * with an exponent when it is below -4 or from 6 on (`1.5e+06`, `1e-05`); `+Inf`, `-Inf`, `NaN`.
 * A whole number is taken for an integer: JavaScript cannot tell `1e6` from `1000000`.
 */
export function goText(value: number | boolean): string {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const [mantissa, exp] = value.toExponential().split('e');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(value);
}

/** What a compose file's YAML holds, and where its `!reset` / `!override` tags are. */
export interface ComposeYaml {
  readonly document: unknown;
  /** Paths tagged `!reset`: removed from this file and from the files before it. */
  readonly resets: DocPath[];
  /** Paths tagged `!override`: this file's value replaces the earlier one instead of merging. */
  readonly overrides: DocPath[];
}

type Options = ParseOptions & DocumentOptions & SchemaOptions;

const OPTIONS: Options = {
  merge: true,
  uniqueKeys: true,
  prettyErrors: true,
  strict: true,
  // The core schema's int and float tags give way to go-yaml's reading (its .inf / .nan tag stays).
  customTags: tags => [
    ...tags.filter(t => typeof t === 'string' || !(t.tag === 'tag:yaml.org,2002:int'
      || (t.tag === 'tag:yaml.org,2002:float' && !String((t as ScalarTag).test).includes('nan')))),
    GO_NUMBER,
  ],
};

function parseWith(text: string): Document.Parsed {
  return parseDocument(text, OPTIONS);
}

/**
 * Parse a compose file. YAML that go-yaml reads but the YAML 1.2 grammar rejects (continuation
 * lines of a quoted scalar indented less than its key) is read too.
 */
export function parseComposeYaml(text: string, problems: Problems): ComposeYaml | undefined {
  if (typeof text !== 'string') {
    problems.error([], `expected YAML text, got ${typeof text}`);
    return undefined;
  }
  let doc = parseWith(text);
  if (doc.errors.length > 0) {
    const relaxed = reindentQuotedScalars(text);
    if (relaxed !== text) {
      const retry = parseWith(relaxed);
      if (retry.errors.length === 0) doc = retry;
    }
  }
  if (doc.errors.length > 0) {
    reportYamlErrors(doc.errors, problems);
    return undefined;
  }
  const resets: DocPath[] = [];
  const overrides: DocPath[] = [];
  collectTags(doc.contents, [], resets, overrides);
  const document = documentData(doc, problems);
  if (document === undefined) return undefined;
  for (const at of resets) deleteAt(document, at);
  return { document, resets, overrides };
}

function collectTags(node: unknown, at: DocPath, resets: DocPath[], overrides: DocPath[]): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const value = pair.value as Node | null;
      const here = [...at, key];
      if (value && (value as { tag?: string }).tag === '!reset') resets.push(here);
      else if (value && (value as { tag?: string }).tag === '!override') overrides.push(here);
      collectTags(value, here, resets, overrides);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => collectTags(item, [...at, i], resets, overrides));
  }
}

/** Remove the value at a path (a mapping key), if it is there. */
export function deleteAt(doc: unknown, at: DocPath): void {
  let node = doc;
  for (let i = 0; i < at.length - 1; i++) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string | number, unknown>)[at[i]];
  }
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) delete (node as Record<string, unknown>)[at[at.length - 1] as string];
}

/**
 * go-yaml reads a multi-line quoted scalar whatever the indentation of its continuation lines; the
 * YAML 1.2 grammar wants them indented more than the key. Folding drops a continuation line's
 * leading white space, so indenting those lines further changes nothing in the value: this does,
 * and returns the text unchanged when it has no such scalar.
 */
export function reindentQuotedScalars(text: string): string {
  let out = '';
  let i = 0;
  let lineStart = 0;
  let atLineStart = true;
  let lineIndent = 0;
  let nodeStart = true;
  /** While inside a block scalar: the indentation of the line that opened it. */
  let blockParent: number | undefined;
  const n = text.length;
  /** Copy the rest of the line as it is, and go to the next one. */
  const copyLine = () => {
    const end = text.indexOf('\n', i);
    const stop = end < 0 ? n : end + 1;
    out += text.slice(i, stop);
    i = lineStart = stop;
    atLineStart = true;
  };
  while (i < n) {
    if (atLineStart) {
      atLineStart = false;
      let j = i;
      while (text[j] === ' ') j++;
      lineIndent = j - i;
      const blank = j >= n || text[j] === '\n' || text[j] === '\r' || text[j] === '#';
      if (blockParent !== undefined) {
        if (blank || lineIndent > blockParent) {
          copyLine();
          continue;
        }
        blockParent = undefined;
      }
      out += text.slice(i, j);
      i = j;
      nodeStart = true;
      continue;
    }
    const c = text[i];
    if (c === '\n') {
      out += c;
      i++;
      lineStart = i;
      atLineStart = true;
      continue;
    }
    if (c === '#' && (i === lineStart || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (nodeStart && (c === '"' || c === "'")) {
      const column = i - lineStart;
      const end = closingQuote(text, i);
      if (end < 0) return text;
      const body = text.slice(i, end + 1);
      out += body.replace(/\n( *)(?=[^\n])/g, (whole, spaces: string) => (spaces.length > column ? whole : `\n${' '.repeat(column + 1)}`));
      i = end + 1;
      lineStart = text.lastIndexOf('\n', end) + 1;
      nodeStart = false;
      continue;
    }
    if (nodeStart && (c === '|' || c === '>')) {
      blockParent = lineIndent;
      copyLine();
      continue;
    }
    if (c === ' ' || c === '\t') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    const spaceAfter = next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r';
    if (((c === '-' || c === '?' || c === ':') && spaceAfter) || c === '[' || c === '{' || c === ',') {
      nodeStart = true;
    } else if (nodeStart && (c === '&' || c === '!')) {
      // an anchor or a tag before the node: the node starts after it
      while (i < n && !/\s/.test(text[i])) out += text[i++];
      continue;
    } else {
      nodeStart = false;
    }
    out += c;
    i++;
  }
  return out;
}

/** The index of the quote closing the quoted scalar that opens at `start`, or -1. */
function closingQuote(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (q === "'" && text[i] === "'") {
      if (text[i + 1] === "'") {
        i++;
        continue;
      }
      return i;
    }
    if (q === '"') {
      if (text[i] === '\\') {
        i++;
        continue;
      }
      if (text[i] === '"') return i;
    }
  }
  return -1;
}
