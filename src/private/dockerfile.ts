/**
 * Reading a Dockerfile as BuildKit's frontend does, as far as planning needs it: the instructions
 * (parser directives, the escape character, line continuations, comments and heredocs), the build
 * stages, the COPY/ADD sources and destinations, and the same file with lines inserted at the end
 * of a stage. Pure text, no file access.
 */
import * as path from 'path';

export interface DockerInstruction {
  /** The keyword, upper case (FROM, COPY...). */
  readonly keyword: string;
  /** The arguments, continuation lines joined, heredoc bodies left out. */
  readonly args: string;
  /** The first physical line (0-based). */
  readonly firstLine: number;
  /** The last physical line, heredoc bodies included (0-based). */
  readonly lastLine: number;
  /** The line whose escape character continues the instruction past the end of the file. */
  readonly dangling?: number;
  /** A heredoc whose delimiter never comes (BuildKit refuses the file). */
  readonly unterminated?: boolean;
}

export interface DockerStage {
  /** The name given with `AS`, lower case as BuildKit compares it. */
  readonly name?: string;
  /** The image or stage the stage starts from. */
  readonly base: string;
  readonly index: number;
  /** The last physical line of the stage's last instruction (0-based). */
  readonly lastLine: number;
}

/** The parser directives BuildKit knows: reading directives stops at the first line that is not one. */
const DIRECTIVES = ['syntax', 'escape', 'check'];

/** The escape character the parser directives choose (`# escape=\``), else a backslash. */
function escapeCharacter(lines: string[]): string {
  let escape = '\\';
  for (const line of lines) {
    const m = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(line.replace(/^\uFEFF/, ''));
    if (!m || !DIRECTIVES.includes(m[1].toLowerCase())) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }
  return escape;
}

/** Whether a line continues on the next: it ends with the escape character, not itself escaped. */
function continues(line: string, escape: string): boolean {
  const trimmed = line.replace(/[ \t]+$/, '');
  return trimmed.endsWith(escape) && (trimmed.length === 1 || trimmed[trimmed.length - 2] !== escape);
}

/**
 * The heredocs an instruction opens, as BuildKit finds them: RUN, COPY and ADD (also after ONBUILD)
 * in the shell form, a word (quotes kept) that is `<<WORD` or `<<-WORD`, optionally after a file
 * descriptor; the delimiter is the word without its quotes.
 */
function heredocs(keyword: string, args: string): { word: string; stripTabs: boolean }[] {
  let rest = args;
  if (keyword === 'ONBUILD') {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(args);
    if (!m) return [];
    keyword = m[1].toUpperCase();
    rest = m[2];
  }
  if (!['RUN', 'COPY', 'ADD'].includes(keyword) || isJsonForm(rest)) return [];
  const out: { word: string; stripTabs: boolean }[] = [];
  const words = shellWords(rest);
  for (let i = 0; i < words.length; i++) {
    // `<< EOF` is a heredoc too (not `<<- EOF`).
    const word = /^\d*<<$/.test(words[i]) && i + 1 < words.length ? words[i] + words[++i] : words[i];
    const m = /^\d*<<-$/.test(word) ? null : /^\d*<<(-?)([^<]+)$/.exec(word);
    // The delimiter is the word without its quotes and escapes.
    if (m) out.push({ word: m[2].replace(/\\(.)/g, '$1').replace(/["']/g, ''), stripTabs: m[1] === '-' });
  }
  return out;
}

/** Whether arguments are in the JSON (exec) form: BuildKit takes them so only when they parse as a list of strings. */
function isJsonForm(args: string): boolean {
  const text = args.trim();
  if (!text.startsWith('[')) return false;
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) && value.every(v => typeof v === 'string');
  } catch {
    return false;
  }
}

/** Words split on white space outside quotes, the quotes kept. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      word += ch;
      if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else if (ch === quote) quote = undefined;
    } else if (/\s/.test(ch)) {
      if (word !== '') words.push(word);
      word = '';
    } else {
      word += ch;
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '\\' && i + 1 < text.length) word += text[++i];
    }
  }
  if (word !== '') words.push(word);
  return words;
}

/** The instructions of a Dockerfile, in order. */
export function dockerfileInstructions(text: string): DockerInstruction[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0) lines[0] = lines[0].replace(/^\uFEFF/, '');
  const escape = escapeCharacter(lines);
  const out: DockerInstruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i].trim();
    if (first === '' || first.startsWith('#')) {
      i++;
      continue;
    }
    const firstLine = i;
    let joined = '';
    let dangling: number | undefined;
    for (;;) {
      const line = lines[i];
      if (!continues(line, escape)) {
        joined += line.replace(/\s+$/, '');
        break;
      }
      joined += line.replace(/[ \t]+$/, '').slice(0, -1);
      const continued = i;
      i++;
      // Comment and empty lines inside a continued instruction are skipped.
      while (i < lines.length && (lines[i].trim() === '' || lines[i].trim().startsWith('#'))) i++;
      if (i >= lines.length) {
        // The file ends inside the instruction: it ends there.
        dangling = continued;
        i = continued;
        break;
      }
    }
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(joined)!;
    const keyword = m[1].toUpperCase();
    const args = m[2].trim();
    i++;
    let unterminated = false;
    for (const doc of heredocs(keyword, args)) {
      while (i < lines.length && (doc.stripTabs ? lines[i].replace(/^\t+/, '') : lines[i]) !== doc.word) i++;
      if (i >= lines.length) unterminated = true;
      i++;
    }
    out.push({ keyword, args, firstLine, lastLine: Math.min(i, lines.length) - 1, dangling, unterminated: unterminated || undefined });
  }
  return out;
}

/** The arguments of an instruction: the JSON form, or words split on white space; flags apart. */
function splitArgs(args: string): { flags: string[]; plain: string[] } {
  if (isJsonForm(args)) return { flags: [], plain: JSON.parse(args.trim()) };
  const words = args.split(/\s+/).filter(w => w !== '');
  const flags: string[] = [];
  while (words.length > 0 && words[0].startsWith('--')) flags.push(words.shift()!);
  return { flags, plain: words };
}

/** The base and the name of a stage (lower case, as BuildKit compares it) from its FROM's arguments. */
function fromArgs(args: string): { base: string; name?: string } {
  const words = splitArgs(args).plain;
  return { base: words[0] ?? '', name: words.length >= 3 && words[1].toLowerCase() === 'as' ? words[2].toLowerCase() : undefined };
}

/** The build stages, in order (from the instructions, when they are read already). */
export function dockerfileStages(text: string, instructions = dockerfileInstructions(text)): DockerStage[] {
  const stages: { name?: string; base: string; index: number; lastLine: number }[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      stages.push({ ...fromArgs(ins.args), index: stages.length, lastLine: ins.lastLine });
    } else if (stages.length > 0) {
      stages[stages.length - 1].lastLine = ins.lastLine;
    }
  }
  return stages;
}

/** A path in the container, without a trailing slash. */
export function containerPath(p: string, workdir = '/'): string {
  const abs = p.startsWith('/') ? p : path.posix.join(workdir, p);
  const norm = path.posix.normalize(abs);
  return norm.length > 1 ? norm.replace(/\/+$/, '') : norm;
}

/** `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alternative}` with the values known; the others empty. */
export function expandVariables(text: string, values: Map<string, string>): string {
  return text.replace(/\\\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (all, braced, op, word, bare) => {
    if (all === '\\$') return '$';
    const value = values.get(braced ?? bare);
    if (op === '-') return value !== undefined && value !== '' ? value : word;
    if (op === '+') return value !== undefined && value !== '' ? word : '';
    return value ?? '';
  });
}

/** `ENV a=1 b="2"` or `ENV a 1`; `ARG a=1 b`: the names and values given. */
function assignments(keyword: string, args: string): [string, string | undefined][] {
  const words = shellWords(args);
  const unquote = (v: string) => v.replace(/^"([\s\S]*)"$/, '$1').replace(/^'([\s\S]*)'$/, '$1');
  if (keyword === 'ENV' && words.length > 0 && !words[0].includes('=')) {
    return [[words[0], unquote(args.slice(args.indexOf(words[0]) + words[0].length).trim())]];
  }
  return words.map(w => {
    const eq = w.indexOf('=');
    return eq < 0 ? [w, undefined] : [w.slice(0, eq), unquote(w.slice(eq + 1))];
  });
}

interface StageState {
  readonly name?: string;
  readonly base?: StageState;
  readonly values: Map<string, string>;
  workdir: string;
  user?: string;
  /** The last USER as written, root included (undefined: none, the base image's user). */
  lastUser?: string;
  /** Users and groups RUN lines create with a given id (useradd, adduser, groupadd, addgroup). */
  readonly accounts: DockerAccounts;
  readonly copies: { sources: string[]; destination: string }[];
  /** The image the stage starts from when it is not a stage of the file (variables expanded). */
  readonly image?: string;
  readonly exposes: ExposedPort[];
  readonly unreadExposes: string[];
}

/** A port an EXPOSE instruction declares (a range when `portEnd` is above `port`). */
export interface ExposedPort {
  readonly port: number;
  readonly portEnd: number;
  readonly protocol: 'tcp' | 'udp';
}

/**
 * The ports of one EXPOSE instruction: `80`, `80/tcp`, `53/udp`, `7000-7010`, variables expanded
 * with the stage's ARG and ENV values (a value may hold several ports). What does not read as a
 * TCP or UDP port is returned as written (an unset variable, `sctp`).
 */
function exposedPorts(args: string, values: Map<string, string>): { ports: ExposedPort[]; unread: string[] } {
  const ports: ExposedPort[] = [];
  const unread: string[] = [];
  for (const word of shellWords(args)) {
    const expanded = expandVariables(word.replace(/^"([\s\S]*)"$/, '$1').replace(/^'([\s\S]*)'$/, '$1'), values).trim();
    const parts = expanded.split(/\s+/).filter(w => w !== '');
    if (parts.length === 0) unread.push(word);
    for (const part of parts) {
      const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp))?$/i.exec(part);
      const port = m ? parseInt(m[1], 10) : NaN;
      const portEnd = m?.[2] !== undefined ? parseInt(m[2], 10) : port;
      if (!m || port < 1 || portEnd > 65535 || portEnd < port) {
        unread.push(part === word ? word : `${word} (${part})`);
        continue;
      }
      ports.push({ port, portEnd, protocol: (m[3]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp' });
    }
  }
  return { ports, unread };
}

/** What a build ends with, as far as planning needs it. */
export interface BuiltImage {
  /** The COPY and ADD instructions from the build context, destinations resolved. */
  readonly copies: { sources: string[]; destination: string }[];
  /** The user of the last USER instruction as written (undefined: root). */
  readonly user?: string;
  /**
   * The last USER instruction as written, `root` included; undefined when the build has none and runs
   * as its base image's user.
   */
  readonly lastUser?: string;
  /** The users and groups the build's RUN lines create with a given id, by name. */
  readonly accounts: DockerAccounts;
  /**
   * The image the build starts from (the FROM of its first stage that is not a stage of the file,
   * variables expanded), whose own EXPOSE the built image inherits; undefined for `scratch`.
   */
  readonly baseImage?: string;
  /** The ports the EXPOSE instructions of the stage and of the stages it is built FROM declare. */
  readonly exposes: ExposedPort[];
  /** The EXPOSE words that read as no port (an unset variable, `sctp`), as written. */
  readonly unreadExposes: string[];
}

/**
 * The image a build ends with (`target`, else the last stage): the COPY and ADD instructions that
 * copy from the build context into it (those of that stage and of the stages it is built FROM,
 * their destinations after WORKDIR and ENV/ARG values, as BuildKit resolves them), and its USER.
 */
export function builtImage(text: string, target?: string, buildArgs: Record<string, string> = {}): BuiltImage {
  const globals = new Map<string, string>();
  const arg = (k: string) => (Object.prototype.hasOwnProperty.call(buildArgs, k) ? buildArgs[k] : undefined);
  const stages: StageState[] = [];
  let current: StageState | undefined;
  for (const ins of dockerfileInstructions(text)) {
    if (ins.keyword === 'FROM') {
      const from = fromArgs(ins.args);
      const baseName = expandVariables(from.base, globals).toLowerCase();
      const base = [...stages].reverse().find(st => st.name === baseName);
      current = {
        name: from.name,
        base,
        image: base || baseName === 'scratch' ? undefined : expandVariables(from.base, globals),
        exposes: [],
        unreadExposes: [],
        values: new Map(base?.values ?? []),
        workdir: base?.workdir ?? '/',
        user: base?.user,
        lastUser: base?.lastUser,
        accounts: { users: new Map(base?.accounts.users ?? []), groups: new Map(base?.accounts.groups ?? []) },
        copies: [],
      };
      stages.push(current);
      continue;
    }
    if (!current) {
      if (ins.keyword === 'ARG') {
        for (const [k, v] of assignments('ARG', ins.args)) {
          const value = arg(k) ?? v;
          if (value !== undefined) globals.set(k, value);
        }
      }
      continue;
    }
    if (ins.keyword === 'ARG') {
      for (const [k, v] of assignments('ARG', ins.args)) {
        const value = arg(k) ?? (v !== undefined ? expandVariables(v, current.values) : globals.get(k));
        if (value !== undefined && !current.values.has(k)) current.values.set(k, value);
      }
    } else if (ins.keyword === 'ENV') {
      for (const [k, v] of assignments('ENV', ins.args)) current.values.set(k, expandVariables(v ?? '', current.values));
    } else if (ins.keyword === 'USER') {
      // A value with variables stays as written: BuildKit fills COPY --chown with the build's own values (build args).
      const user = ins.args.trim();
      current.user = /^(root|0)(:.*)?$/.test(user) || user === '' ? undefined : user;
      current.lastUser = user === '' ? undefined : expandVariables(user, current.values);
    } else if (ins.keyword === 'RUN') {
      readAccounts(expandVariables(ins.args, current.values), current.accounts);
    } else if (ins.keyword === 'WORKDIR') {
      current.workdir = containerPath(expandVariables(ins.args.replace(/^["']|["']$/g, ''), current.values), current.workdir);
    } else if (ins.keyword === 'EXPOSE') {
      const { ports, unread } = exposedPorts(ins.args, current.values);
      current.exposes.push(...ports);
      current.unreadExposes.push(...unread);
    } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      const args = splitArgs(ins.args);
      if (args.flags.some(f => f.startsWith('--from'))) continue;
      if (args.plain.length < 2 || args.plain.some(a => a.startsWith('<<'))) continue;
      const plain = args.plain.map(a => expandVariables(a, current!.values));
      current.copies.push({ sources: plain.slice(0, -1), destination: containerPath(plain[plain.length - 1], current.workdir) });
    }
  }
  const built = target === undefined ? stages[stages.length - 1] : stages.find(st => st.name === target.toLowerCase());
  const copies: { sources: string[]; destination: string }[] = [];
  const exposes: ExposedPort[] = [];
  const unreadExposes: string[] = [];
  let baseImage: string | undefined;
  for (let st = built; st; st = st.base) {
    copies.unshift(...st.copies);
    exposes.unshift(...st.exposes);
    unreadExposes.unshift(...st.unreadExposes);
    if (!st.base) baseImage = st.image;
  }
  const accounts = built?.accounts ?? { users: new Map(), groups: new Map() };
  return { copies, user: built?.user, lastUser: built?.lastUser, accounts, baseImage, exposes, unreadExposes };
}

/** Users and groups a Dockerfile creates: a user's uid and primary group (a gid, or a group name), a group's gid. */
export interface DockerAccounts {
  readonly users: Map<string, { readonly uid?: number; readonly group?: string | number }>;
  readonly groups: Map<string, number>;
}

/** Options of useradd/adduser/groupadd/addgroup (Debian's, shadow's and BusyBox's) that take a value. */
const ACCOUNT_VALUE_OPTIONS = new Set([
  '-u', '--uid', '-g', '--gid', '-G', '--groups', '--ingroup', '-d', '-h', '--home', '--home-dir', '-s', '--shell', '-c', '--comment',
  '--gecos', '-k', '--skel', '-e', '--expiredate', '-f', '--inactive', '-K', '--key', '-p', '--password', '-R', '--root', '-Z', '--selinux-user',
  '--firstuid', '--lastuid', '--firstgid', '--lastgid', '-b', '--base-dir',
]);

/**
 * The accounts one RUN line creates with explicit ids: `useradd -u 1001 -g app app`,
 * `adduser -S -u 1001 -G app app` (BusyBox: -G is the primary group), `adduser --uid 1001 --ingroup app app`,
 * `groupadd -g 1001 app`, `addgroup -g 1001 -S app`, `addgroup --gid 1001 app`. Commands are split at
 * `&&`, `||`, `;` and new lines; values with variables left unset do not count.
 */
function readAccounts(script: string, into: DockerAccounts): void {
  for (const command of script.split(/&&|\|\||;|\n/)) {
    const words = command.trim().split(/\s+/).map(w => w.replace(/^["']|["']$/g, ''));
    const tool = words[0]?.split('/').pop();
    if (tool !== 'useradd' && tool !== 'adduser' && tool !== 'groupadd' && tool !== 'addgroup') continue;
    const options = new Map<string, string>();
    const plain: string[] = [];
    for (let i = 1; i < words.length; i++) {
      const w = words[i];
      const eq = w.startsWith('--') ? w.indexOf('=') : -1;
      if (eq > 0) options.set(w.slice(0, eq), w.slice(eq + 1));
      else if (ACCOUNT_VALUE_OPTIONS.has(w) && i + 1 < words.length) options.set(w, words[++i]);
      else if (!w.startsWith('-')) plain.push(w);
    }
    const number = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
    // `adduser user group` adds a user to a group: it creates nobody.
    if (tool === 'adduser' && plain.length === 2) continue;
    const name = plain[plain.length - 1];
    if (name === undefined || !/^[a-z_][a-z0-9_.-]*\$?$/i.test(name)) continue;
    if (tool === 'groupadd' || tool === 'addgroup') {
      // `addgroup user group` (Debian) adds a user to a group: no group is created.
      const gid = number(options.get('-g') ?? options.get('--gid'));
      if (plain.length === 1 && gid !== undefined) into.groups.set(name, gid);
      continue;
    }
    const uid = number(options.get('-u') ?? options.get('--uid'));
    // useradd -g, Debian adduser --gid/--ingroup, BusyBox adduser -G: the primary group.
    const groupWord = tool === 'useradd' ? options.get('-g') ?? options.get('--gid') : options.get('--gid') ?? options.get('--ingroup') ?? options.get('-G');
    const group = number(groupWord) ?? groupWord;
    into.users.set(name, { uid, group });
  }
}

/**
 * The stage a build with `target` ends with: the stage of that name (BuildKit compares names in
 * lower case), else (no target) the last one.
 * Undefined when there is no such stage.
 */
export function builtStage(stages: DockerStage[], target: string | undefined): DockerStage | undefined {
  return target === undefined ? stages[stages.length - 1] : stages.find(s => s.name === target.toLowerCase());
}

/**
 * A COPY instruction in the JSON form (a path may hold spaces), with `--chown`/`--chmod` when
 * given. `$` is escaped: Docker would otherwise read it as a variable.
 */
export function copyInstruction(source: string, destination: string, options: { chown?: string; chmod?: string } = {}): string {
  const literal = (p: string) => p.replace(/\$/g, '\\$');
  const flags = [options.chown ? `--chown=${options.chown} ` : '', options.chmod ? `--chmod=${options.chmod} ` : ''].join('');
  return `COPY ${flags}${JSON.stringify([literal(source), literal(destination)])}`;
}

/**
 * The Dockerfile with `instructions` at the end of the stage the build ends with (see builtStage),
 * so that they change the image the service runs and nothing else.
 */
export function appendToBuiltStage(text: string, target: string | undefined, instructions: string[]): string {
  const parsed = dockerfileInstructions(text);
  const stages = dockerfileStages(text, parsed);
  const stage = builtStage(stages, target);
  if (!stage) throw new Error(`no stage ${target ?? ''} in the Dockerfile`);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  // The last stage: at the end of the file, after its comments. Another: before the next FROM's lines.
  const at = stage.index === stages.length - 1 ? lines.length : stage.lastLine + 1;
  const head = lines.slice(0, at);
  // An instruction continued past the end of the file ends there: without its escape character,
  // it stays what it was instead of swallowing the lines added after it.
  const dangling = parsed.find(ins => ins.dangling !== undefined)?.dangling;
  if (dangling !== undefined && dangling < at) head[dangling] = head[dangling].replace(/[ \t]*\S[ \t]*$/, '');
  while (at === lines.length && head.length > 0 && head[head.length - 1].trim() === '') head.pop();
  return [...head, ...instructions, ...lines.slice(at)].join(newline) + (at === lines.length ? newline : '');
}
