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

/** The escape character the parser directives choose (`# escape=\``), else a backslash. */
function escapeCharacter(lines: string[]): string {
  for (const line of lines) {
    const m = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) return '\\';
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

/** The heredoc delimiters an instruction opens (`<<EOF`, `<<-"EOF"`), with whether tabs are stripped. */
function heredocs(keyword: string, args: string): { word: string; stripTabs: boolean }[] {
  if (!['RUN', 'COPY', 'ADD'].includes(keyword)) return [];
  const out: { word: string; stripTabs: boolean }[] = [];
  for (const m of args.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) out.push({ word: m[3], stripTabs: m[1] === '-' });
  return out;
}

/** The instructions of a Dockerfile, in order. */
export function dockerfileInstructions(text: string): DockerInstruction[] {
  const lines = text.split(/\r?\n/);
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
    let line = lines[i];
    for (;;) {
      const trimmed = line.replace(/\s+$/, '');
      if (trimmed.endsWith(escape) && i + 1 < lines.length) {
        joined += trimmed.slice(0, -1);
        i++;
        // Comment and empty lines inside a continued instruction are skipped.
        while (i < lines.length && (lines[i].trim() === '' || lines[i].trim().startsWith('#'))) i++;
        if (i >= lines.length) break;
        line = lines[i];
        continue;
      }
      joined += trimmed;
      break;
    }
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(joined)!;
    const keyword = m[1].toUpperCase();
    const args = m[2].trim();
    i++;
    for (const doc of heredocs(keyword, args)) {
      while (i < lines.length && (doc.stripTabs ? lines[i].replace(/^\t+/, '') : lines[i]) !== doc.word) i++;
      i++;
    }
    out.push({ keyword, args, firstLine, lastLine: Math.min(i, lines.length) - 1 });
  }
  return out;
}

/** The arguments of an instruction: the JSON form, or words split on white space; flags apart. */
function splitArgs(args: string): { flags: string[]; plain: string[] } | undefined {
  let words: string[];
  if (args.startsWith('[')) {
    try {
      words = JSON.parse(args);
    } catch {
      return undefined;
    }
    if (!Array.isArray(words) || !words.every(w => typeof w === 'string')) return undefined;
    return { flags: [], plain: words };
  }
  words = args.split(/\s+/).filter(w => w !== '');
  const flags: string[] = [];
  while (words.length > 0 && words[0].startsWith('--')) flags.push(words.shift()!);
  return { flags, plain: words };
}

/** The build stages, in order. */
export function dockerfileStages(text: string): DockerStage[] {
  const stages: { name?: string; base: string; index: number; lastLine: number }[] = [];
  for (const ins of dockerfileInstructions(text)) {
    if (ins.keyword === 'FROM') {
      const words = splitArgs(ins.args)?.plain ?? [];
      const as = words.length >= 3 && words[1].toLowerCase() === 'as' ? words[2].toLowerCase() : undefined;
      stages.push({ name: as, base: words[0] ?? '', index: stages.length, lastLine: ins.lastLine });
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

/** The COPY and ADD instructions of a Dockerfile that copy from the build context: sources and destination. */
export function dockerfileCopies(text: string): { sources: string[]; destination: string }[] {
  const out: { sources: string[]; destination: string }[] = [];
  let workdir = '/';
  for (const ins of dockerfileInstructions(text)) {
    if (ins.keyword === 'FROM') workdir = '/';
    if (ins.keyword === 'WORKDIR') workdir = containerPath(ins.args.replace(/^["']|["']$/g, ''), workdir);
    if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
    const args = splitArgs(ins.args);
    if (!args || args.flags.some(f => f.startsWith('--from'))) continue;
    if (args.plain.length < 2 || args.plain.some(a => a.startsWith('<<'))) continue;
    out.push({ sources: args.plain.slice(0, -1), destination: containerPath(args.plain[args.plain.length - 1], workdir) });
  }
  return out;
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
 * A COPY instruction in the JSON form (a path may hold spaces). `$` is escaped: Docker would
 * otherwise read it as a variable.
 */
export function copyInstruction(source: string, destination: string): string {
  const literal = (p: string) => p.replace(/\$/g, '\\$');
  return `COPY ${JSON.stringify([literal(source), literal(destination)])}`;
}

/**
 * The Dockerfile with `instructions` at the end of the stage the build ends with (see builtStage),
 * so that they change the image the service runs and nothing else.
 */
export function appendToBuiltStage(text: string, target: string | undefined, instructions: string[]): string {
  const stages = dockerfileStages(text);
  const stage = builtStage(stages, target);
  if (!stage) throw new Error(`no stage ${target ?? ''} in the Dockerfile`);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  // The last stage: at the end of the file, after its comments. Another: before the next FROM's lines.
  const at = stage.index === stages.length - 1 ? lines.length : stage.lastLine + 1;
  const head = lines.slice(0, at);
  while (at === lines.length && head.length > 0 && head[head.length - 1].trim() === '') head.pop();
  return [...head, ...instructions, ...lines.slice(at)].join(newline) + (at === lines.length ? newline : '');
}
