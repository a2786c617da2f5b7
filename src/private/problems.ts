/**
 * Problem collection: every check records what it found, with the path in the user's file,
 * and the whole list is thrown at once.
 */

/** A path into a parsed document, as a list of keys and indexes. */
export type DocPath = ReadonlyArray<string | number>;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['services', 'web', 'ports', 1]` -> `services.web.ports[1]`; odd keys are quoted. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else if (PLAIN_KEY.test(part)) {
      out += out === '' ? part : `.${part}`;
    } else {
      out += `[${JSON.stringify(part)}]`;
    }
  }
  return out === '' ? '(document)' : out;
}

/** Quote a value the user gave, for an error message. */
export function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One finding: where, and what. */
export interface Problem {
  readonly file?: string;
  readonly path: DocPath;
  /** A place that is not a path: "line 3, column 5" of a YAML syntax error. */
  readonly location?: string;
  readonly message: string;
}

/** A warning: a stable id (`cdk-compose-fargate:<id>`), where, and what. */
export interface Warning {
  readonly id: string;
  readonly file?: string;
  readonly path: DocPath;
  readonly message: string;
}

export function formatProblem(p: Problem | Warning): string {
  const where = 'location' in p && p.location !== undefined ? p.location : formatPath(p.path);
  return [p.file, where, p.message].filter(x => x !== undefined && x !== '').join(': ');
}

/**
 * The library's own error: one line per problem, each starting with the file name (where known)
 * and the path in it.
 */
export class ComposeFargateError extends Error {
  public readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ComposeFargateError';
    this.problems = problems;
    Object.setPrototypeOf(this, ComposeFargateError.prototype);
  }
}

function samePath(a: DocPath, b: DocPath): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Collects problems and warnings for one document. */
export class Problems {
  public readonly errors: Problem[] = [];
  public readonly warnings: Warning[] = [];
  constructor(public readonly file?: string) {}

  /** Record an error; the same error at the same path is recorded once. */
  public error(path: DocPath, message: string): void {
    if (!this.errors.some(e => e.message === message && samePath(e.path, path))) this.errors.push({ file: this.file, path: [...path], message });
  }

  /** A problem at a place in the text, not at a path (YAML syntax). */
  public errorAt(location: string, message: string): void {
    this.errors.push({ file: this.file, path: [], location, message });
  }

  /** Record a warning; the same warning at the same path is recorded once. */
  public warn(id: string, path: DocPath, message: string): void {
    if (this.warnings.some(w => w.id === id && w.message === message && samePath(w.path, path))) return;
    this.warnings.push({ id, file: this.file, path: [...path], message });
  }

  public get ok(): boolean {
    return this.errors.length === 0;
  }

  /** Throw everything collected so far, if anything. */
  public throwIfAny(): void {
    if (this.errors.length > 0) {
      throw new ComposeFargateError(this.errors);
    }
  }
}

/** Run several collectors' findings as one error. */
export function throwAll(...collectors: Problems[]): void {
  const all = collectors.flatMap(c => c.errors);
  if (all.length > 0) throw new ComposeFargateError(all);
}
