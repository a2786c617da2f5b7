import * as path from 'path';
import { LoadOptions } from '../load-options';
import { buildVariables, displayName, interpolateTree, parseYaml, readText } from '../private/load/load';
import { EcsParamsModel } from '../private/model';
import { normalizeEcsParams } from '../private/normalize/normalize-ecs-params';
import { Problems } from '../private/problems';

/**
 * An ecs-params document (the `ecs-params.yml` that `ecs-cli compose` read, version 1): task size,
 * roles, per-container settings and the network configuration. Read and checked; unknown keys
 * are reported.
 */
export class EcsParams {
  /**
   * Read an ecs-params file.
   *
   * @param file path to the ecs-params file
   * @param options variables and project directory
   */
  public static fromFile(file: string, options: LoadOptions = {}): EcsParams {
    const name = displayName(file);
    const problems = new Problems(name);
    const text = readText(path.resolve(file), problems, [], 'ecs-params file', name);
    problems.throwIfAny();
    const projectDirectory = options.projectDirectory ?? path.dirname(path.resolve(file));
    return EcsParams.load(text!, { ...options, projectDirectory }, problems);
  }

  /**
   * Read ecs-params YAML text.
   *
   * @param text the YAML document
   * @param options variables and project directory
   */
  public static fromYaml(text: string, options: LoadOptions = {}): EcsParams {
    return EcsParams.load(text, options, new Problems());
  }

  /**
   * Take an ecs-params document that is already parsed (a JavaScript object, a Python dict or a
   * Java Map) with the file's own snake_case keys.
   *
   * @param document the parsed ecs-params document
   * @param options variables and project directory
   */
  public static fromObject(document: { [key: string]: any }, options: LoadOptions = {}): EcsParams {
    return new EcsParams(EcsParams.normalize(document, options, new Problems()));
  }

  private static load(text: string, options: LoadOptions, problems: Problems): EcsParams {
    const raw = parseYaml(text, problems);
    problems.throwIfAny();
    return new EcsParams(EcsParams.normalize(raw, options, problems));
  }

  private static normalize(raw: unknown, options: LoadOptions, problems: Problems): EcsParamsModel {
    const projectDirectory = path.resolve(options.projectDirectory ?? process.cwd());
    const variables = buildVariables({ ...options, projectDirectory }, problems);
    const doc = interpolateTree(raw ?? {}, variables, problems);
    const model = problems.ok ? normalizeEcsParams(doc, problems) : undefined;
    problems.throwIfAny();
    return model!;
  }

  /** @internal */
  public readonly _model: EcsParamsModel;

  private constructor(model: EcsParamsModel) {
    this._model = model;
  }
}
