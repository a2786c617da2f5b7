import * as path from 'path';
import { LoadOptions } from '../load-options';
import { buildVariables, interpolateTree, parseYaml, readText } from '../private/load';
import { mergeComposeDocuments } from '../private/merge';
import { ComposeModel } from '../private/model';
import { normalizeCompose } from '../private/normalize-compose';
import { Problems } from '../private/problems';

/**
 * A docker-compose document: read, interpolated and checked.
 *
 * Every problem in the document is reported at once, in one error whose lines each start with the
 * file name and the path in it (`docker-compose.yml: services.web.ports[1]: ...`).
 */
export class ComposeDefinition {
  /**
   * Read a compose file.
   *
   * @param file path to the compose file (absolute, or relative to the current working directory)
   * @param options variables and project directory
   */
  public static fromFile(file: string, options: LoadOptions = {}): ComposeDefinition {
    return ComposeDefinition.fromFiles([file], options);
  }

  /**
   * Read several compose files and merge them in order, as `docker compose -f a.yml -f b.yml` does:
   * later files override single values and extend lists and maps of the earlier ones.
   *
   * @param files paths to the compose files, base first
   * @param options variables and project directory (default: the folder of the first file)
   */
  public static fromFiles(files: string[], options: LoadOptions = {}): ComposeDefinition {
    if (files.length === 0) {
      throw new Error('ComposeDefinition.fromFiles: give at least one compose file');
    }
    const projectDirectory = options.projectDirectory ?? path.dirname(path.resolve(files[0]));
    const name = files.map(f => path.basename(f)).join(' + ');
    const problems = new Problems(name);
    const docs: unknown[] = [];
    for (const file of files) {
      const fileProblems = new Problems(path.basename(file));
      const text = readText(path.resolve(file), fileProblems, [], 'compose file');
      if (text !== undefined) docs.push(parseYaml(text, fileProblems));
      fileProblems.throwIfAny();
    }
    const raw = docs.length === 1 ? docs[0] : mergeComposeDocuments(docs);
    return new ComposeDefinition(load(raw, { ...options, projectDirectory }, docs.length === 1 ? new Problems(path.basename(files[0])) : problems));
  }

  /**
   * Read compose YAML text.
   *
   * @param text the YAML document
   * @param options variables and project directory
   */
  public static fromYaml(text: string, options: LoadOptions = {}): ComposeDefinition {
    const problems = new Problems();
    const raw = parseYaml(text, problems);
    problems.throwIfAny();
    return new ComposeDefinition(load(raw, options, problems));
  }

  /**
   * Take a compose document that is already parsed: a JavaScript object, a Python dict or a Java
   * Map, with the file's own snake_case keys (`services`, `env_file`, ...).
   *
   * @param document the parsed compose document
   * @param options variables and project directory
   */
  public static fromObject(document: { [key: string]: any }, options: LoadOptions = {}): ComposeDefinition {
    return new ComposeDefinition(load(document, options, new Problems()));
  }

  /**
   * The project name from the file's top-level `name:` key.
   *
   * @default - the file has no `name:`
   */
  public readonly projectName?: string;

  /** The compose services, in file order: each becomes one container of the task. */
  public readonly serviceNames: string[];

  /** @internal */
  public readonly _model: ComposeModel;

  private constructor(model: ComposeModel) {
    this._model = model;
    this.projectName = model.name;
    this.serviceNames = model.services.map(s => s.name);
  }
}

function load(raw: unknown, options: LoadOptions, problems: Problems): ComposeModel {
  const projectDirectory = path.resolve(options.projectDirectory ?? process.cwd());
  const variables = buildVariables({ ...options, projectDirectory }, problems);
  const doc = interpolateTree(raw, variables, problems);
  const model = problems.ok ? normalizeCompose(doc, { variables, projectDirectory }, problems) : undefined;
  problems.throwIfAny();
  return model!;
}
