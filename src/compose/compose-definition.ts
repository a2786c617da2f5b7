import * as path from 'path';
import { LoadOptions } from '../load-options';
import { asData } from '../private/dict';
import { ComposeSource, loadComposeProject, readComposeFiles } from '../private/load/compose-load';
import { ComposeYaml, parseComposeYaml } from '../private/load/compose-yaml';
import { ComposeModel } from '../private/model';
import { normalizeCompose } from '../private/normalize/normalize-compose';
import { DocPath, Problems } from '../private/problems';

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
    const { sources, problems } = readComposeFiles(files);
    return new ComposeDefinition(load(sources, { ...options, projectDirectory }, problems));
  }

  /**
   * Read compose YAML text.
   *
   * @param text the YAML document
   * @param options variables and project directory
   */
  public static fromYaml(text: string, options: LoadOptions = {}): ComposeDefinition {
    const problems = new Problems();
    const yaml = parseComposeYaml(text, problems);
    problems.throwIfAny();
    return new ComposeDefinition(load([source(yaml!, options)], options, problems));
  }

  /**
   * Take a compose document that is already parsed: a JavaScript object, a Python dict or a Java
   * Map, with the file's own snake_case keys (`services`, `env_file`, ...).
   *
   * @param document the parsed compose document
   * @param options variables and project directory
   */
  public static fromObject(document: { [key: string]: any }, options: LoadOptions = {}): ComposeDefinition {
    return new ComposeDefinition(load([source({ document: asData(document), resets: [], overrides: [] }, options)], options, new Problems()));
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

function source(yaml: ComposeYaml, options: LoadOptions): ComposeSource {
  return { name: '(document)', directory: path.resolve(options.projectDirectory ?? process.cwd()), yaml };
}

/**
 * Load and normalize in one round: what loading found (an env_file that is missing, a variable that
 * does not interpolate) does not hide the other problems of the file. A problem that loading already
 * reported is not reported again as what follows from it: normalize's findings at or under a path that
 * loading found a problem at are left out, and so are all of a service whose `extends` failed.
 */
function load(sources: ComposeSource[], options: LoadOptions, problems: Problems): ComposeModel {
  const projectDirectory = path.resolve(options.projectDirectory ?? process.cwd());
  const loaded = loadComposeProject(sources, { variables: options.variables, projectDirectory }, problems);
  if (!loaded) {
    if (problems.ok) problems.error([], 'expected a compose document (a mapping with "services")');
    problems.throwIfAny();
  }
  const normalizing = new Problems(problems.file);
  normalizing.warnings.push(...problems.warnings);
  const model = normalizeCompose(loaded!.document, { variables: loaded!.variables, projectDirectory, substituted: loaded!.substituted }, normalizing);
  const covered = problems.errors.map(e => {
    // services.<name>.extends..., or <name>.extends... in a version 1 file: the whole service
    const extendsAt = e.path.indexOf('extends');
    return (extendsAt === 2 && e.path[0] === 'services') || extendsAt === 1 ? e.path.slice(0, extendsAt) : e.path;
  });
  const follows = (at: DocPath) => covered.some(c => c.length > 0 && c.length <= at.length && c.every((x, i) => x === at[i]));
  problems.errors.push(...normalizing.errors.filter(e => !follows(e.path)));
  problems.throwIfAny();
  return model!;
}
