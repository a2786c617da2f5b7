/**
 * What a compose or ecs-params document needs from its surroundings.
 */
export interface LoadOptions {
  /**
   * The variables used for `${VAR}` interpolation and for `environment` entries written without a
   * value. Pass them explicitly to make synthesis independent of the shell it runs in.
   *
   * The `.env` file in the project directory fills only the variables this map lacks, as in compose.
   *
   * @default - the process environment
   */
  readonly variables?: { [name: string]: string };

  /**
   * The folder where `.env`, `env_file` paths and `build` contexts are resolved.
   *
   * @default - `fromFile`: the folder of the (first) file; otherwise the current working directory
   */
  readonly projectDirectory?: string;
}
