/**
 * Where the library reads a compose file differently from Docker Compose, on purpose. The
 * differential test (test/load/compose-differential.test.ts) allows exactly these, and docs/support.md
 * lists them (rendered by support-table.ts).
 */
export interface ReadingDifference {
  /** A stable name, by which the differential test allows it. */
  readonly id: string;
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
    id: 'version-1',
    topic: 'version 1 files (services at the top level)',
    compose: 'refuses them',
    here: 'reads them, as ecs-cli did',
    why: 'ecs-cli users have such files; `config` prints them with a `services:` key',
  },
  {
    id: 'implied-depends-on',
    topic: '`depends_on` implied by `volumes_from`, `links` and `network_mode: service:`',
    compose: 'adds a `depends_on` entry (service_started) for each',
    here: 'keeps the dependencies the file gives',
    why: 'the containers of one ECS task share their volumes and network without an order to start in; an explicit depends_on orders them',
  },
  {
    id: 'folder-name',
    topic: 'the project name taken from the folder',
    compose: 'lowercases it and drops other characters than a-z, 0-9, `_` and `-`',
    here: 'keeps its case and drops other characters than letters, digits, `_` and `-`, as ecs-cli did',
    why: 'task definition families and service names made by ecs-cli keep the folder\'s case; a name given with -p, COMPOSE_PROJECT_NAME or `name:` is used as it is by both',
  },
  {
    id: 'whole-number-floats',
    topic: 'a float that is a whole number from a million on (`1e6`, `1000000.0`), where text is wanted',
    compose: 'writes it in Go\'s float form (`1e+06`)',
    here: 'writes it as an integer (`1000000`)',
    why: 'JavaScript does not tell the float 1e6 from the integer 1000000 once the YAML is read; quote the value to keep it as written',
  },
  {
    id: 'dates',
    topic: 'an unquoted date (`2024-01-31`) where text is wanted',
    compose: 'reads a timestamp and refuses it',
    here: 'reads the text',
    why: 'YAML 1.2 has no timestamps; the text is what the user wrote',
  },
  {
    id: 'include',
    topic: 'top-level `include`',
    compose: 'reads the included projects',
    here: 'refuses it',
    why: 'not read by this version: give the files with -f (ComposeDefinition.fromFiles)',
  },
  {
    id: 'env-file-raw',
    topic: '`env_file` with `format: raw`',
    compose: 'reads the file without quotes or interpolation',
    here: 'refuses it',
    why: 'not read by this version: the default (dotenv) format is',
  },
  {
    id: 'default-files',
    topic: 'the file read when none is given, when a folder holds both `docker-compose.yml` and `compose.yaml`',
    compose: 'reads compose.yaml (then compose.yml, docker-compose.yaml, docker-compose.yml)',
    here: 'reads docker-compose.yml (then docker-compose.yaml, compose.yaml, compose.yml), as ecs-cli did',
    why: 'the command takes the ecs-cli user\'s file first; with one of them in the folder, or with -f or COMPOSE_FILE, both read the same',
  },
  {
    id: 'lenient-types',
    topic: 'a number or a boolean where compose\'s schema wants text (`user: 1000`, a secret\'s `uid: 1000`, `memory: 536870912` under deploy, a logging option `true`)',
    compose: 'refuses the file',
    here: 'reads the value as its text (`"1000"`)',
    why: 'the value means the same once written as text, and the container gets that text',
  },
  {
    id: 'alias-bombs',
    topic: 'YAML aliases that expand a small file into a huge document (an alias bomb)',
    compose: 'Docker Compose 2.40 expands them (a file of a few hundred bytes takes seconds to minutes); newer compose-go refuses them with go-yaml\'s "excessive aliasing" rule',
    here: 'refuses them before expanding, by go-yaml\'s rule: beyond 100 alias expansions and 1,000 nodes, at most 99% of a document up to 400,000 nodes may come from aliases, down to 10% from 4,000,000; a file that shares its defaults through aliases (hundreds of them) is read whole',
    why: 'a synth must not hang on a file; the rule is the one of Docker Compose\'s YAML reader',
  },
];
