/**
 * Where the library reads a compose file differently from Docker Compose, on purpose. The
 * differential test (test/compose-differential.test.ts) allows exactly these, and docs/support.md
 * lists them (rendered by support-table.ts).
 */
export interface ReadingDifference {
  /** What it is about. */
  readonly topic: string;
  /** What Docker Compose does. */
  readonly compose: string;
  /** What the library does. */
  readonly here: string;
  readonly why: string;
}

export const READING_DIFFERENCES: ReadingDifference[] = [
  {
    topic: 'version 1 files (services at the top level)',
    compose: 'refuses them',
    here: 'reads them, as ecs-cli did',
    why: 'ecs-cli users have such files; `config` prints them with a `services:` key',
  },
  {
    topic: '`depends_on` implied by `volumes_from`, `links` and `network_mode: service:`',
    compose: 'adds a `depends_on` entry (service_started) for each',
    here: 'keeps the dependencies the file gives',
    why: 'the containers of one ECS task share their volumes and network without an order to start in; an explicit depends_on orders them',
  },
  {
    topic: 'the project name taken from the folder',
    compose: 'lowercases it and drops other characters than a-z, 0-9, `_` and `-`',
    here: 'keeps its case and drops other characters than letters, digits, `_` and `-`, as ecs-cli did',
    why: 'task definition families and service names made by ecs-cli keep the folder\'s case; a name given with -p, COMPOSE_PROJECT_NAME or `name:` is used as it is by both',
  },
  {
    topic: 'a float that is a whole number from a million on (`1e6`, `1000000.0`), where text is wanted',
    compose: 'writes it in Go\'s float form (`1e+06`)',
    here: 'writes it as an integer (`1000000`)',
    why: 'JavaScript does not tell the float 1e6 from the integer 1000000 once the YAML is read; quote the value to keep it as written',
  },
  {
    topic: 'an unquoted date (`2024-01-31`) where text is wanted',
    compose: 'reads a timestamp and refuses it',
    here: 'reads the text',
    why: 'YAML 1.2 has no timestamps; the text is what the user wrote',
  },
  {
    topic: 'top-level `include`',
    compose: 'reads the included projects',
    here: 'refuses it',
    why: 'not read by this version: give the files with -f (ComposeDefinition.fromFiles)',
  },
  {
    topic: '`env_file` with `format: raw`',
    compose: 'reads the file without quotes or interpolation',
    here: 'refuses it',
    why: 'not read by this version: the default (dotenv) format is',
  },
];
