/**
 * The support table (compose / ecs-params key -> ECS field -> what happens), rendered from the
 * tables in code that drive the conversion, so the docs cannot drift from the behaviour.
 */
import { knownPortsRows } from './facts/known-ports';
import { knownUsersRows } from './facts/known-users';
import { KeyRule } from './normalize/builder';
import { COMPOSE_SERVICE_KEYS, COMPOSE_TOP_LEVEL_KEYS } from './normalize/compose-keys';
import { DOCKER_ECS_SERVICE_KEYS, DOCKER_ECS_TOP_LEVEL_KEYS } from './normalize/docker-ecs';
import { ECS_PARAMS_KEYS, ParamsKeyRule } from './normalize/ecs-params-keys';
import { READING_DIFFERENCES } from './reading-differences';

const SUPPORT_WORDS: Record<string, string> = {
  converted: 'converted',
  warned: 'ignored, with a warning',
  refused: 'refused (error)',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function rows(rules: ReadonlyArray<KeyRule | ParamsKeyRule>): string[] {
  return rules.map(r => `| \`${r.key}\` | ${cell(r.ecs)} | ${SUPPORT_WORDS[r.support]} | ${cell(r.note)} |`);
}

export function renderSupportTable(): string {
  const header = ['| key | ECS field | on Fargate | notes |', '| --- | --- | --- | --- |'];
  const services = [...COMPOSE_SERVICE_KEYS].sort((a, b) => a.key.localeCompare(b.key));
  return [
    '<!-- Generated from the tables in src/private/normalize/compose-keys.ts, docker-ecs.ts, ecs-params-keys.ts and src/private/reading-differences.ts by `npx projen docs:support`. Do not edit. -->',
    '# What cdk-compose-fargate does with each key',
    '',
    'Every key is converted, ignored with a CDK warning (`cdk-compose-fargate:<id>`, where dropping it is harmless',
    'for a Fargate task), or refused with an error that names it and says why. A key in neither table is',
    'an error (`unknown service key`), so a typo never passes unseen. `x-` keys are allowed everywhere.',
    '',
    '## docker-compose.yml: top level',
    '',
    ...header,
    ...rows(COMPOSE_TOP_LEVEL_KEYS),
    '',
    '## docker-compose.yml: service keys',
    '',
    ...header,
    ...rows(services),
    '',
    '## docker-compose.yml: the x-aws-* keys of Docker\'s retired ECS integration',
    '',
    'Other `x-aws-*` keys are errors (a typo must not pass unseen); other `x-` keys are ignored.',
    '',
    ...header,
    ...rows([...DOCKER_ECS_TOP_LEVEL_KEYS, ...DOCKER_ECS_SERVICE_KEYS.map(k => ({ ...k, key: `services.*.${k.key}` }))]),
    '',
    '## Reading the files: where the library differs from Docker Compose',
    '',
    'The library reads compose files as Docker Compose 2.40 does (YAML, `${VAR}` interpolation, `.env`, `env_file`,',
    '`extends`, profiles, several files merged, `!reset` and `!override`), and a test proves it: `docker compose config`',
    'and `cdk-compose-fargate config` read every compose file of the repository and hundreds of generated projects,',
    'and must agree in every key the library reads (test/load/compose-differential.test.ts). It differs on purpose here:',
    '',
    '| what | Docker Compose | cdk-compose-fargate | why |',
    '| --- | --- | --- | --- |',
    ...READING_DIFFERENCES.map(d => `| ${cell(d.topic)} | ${cell(d.compose)} | ${cell(d.here)} | ${cell(d.why)} |`),
    '',
    '`cdk-compose-fargate config` prints byte for byte what `docker compose config` prints, in YAML and with',
    '`--format json` (the keys in the order of compose-go\'s types, maps sorted, the implicit `default` network and',
    'each service on it, `command` and `entrypoint` printed as `null` in JSON, a service\'s `x-` keys in YAML only),',
    'for the tutorial and every compose file of the repository (test/cli/config-output.test.ts), so that',
    '`diff <(docker compose config --format json) <(npx cdk-compose-fargate config --format json)` shows only the',
    'differences above. A file that is there: test/fixtures/v2-mem-limit (`links`, so `implied-depends-on`).',
    'Beyond these files the printer follows the same rules; a value compose writes in a form no fixture has',
    '(a float from a million on, `whole-number-floats`) may still print differently.',
    '',
    '## ecs-params.yml (version 1)',
    '',
    '`*` stands for a compose service name, `[]` for an item of a list.',
    '',
    ...header,
    ...rows(ECS_PARAMS_KEYS),
    '',
    '## ComposeFargateProject: the ports of well-known images',
    '',
    'In `ComposeFargateProject` each compose service answers, by its names, on the ports it publishes or',
    '`expose`s; a service built from a Dockerfile that declares neither, on the ports the Dockerfile',
    '`EXPOSE`s (the built stage and the stages it is FROM, ARG, ENV and build args filled). A service answers',
    'on the ports its image (or the image its Dockerfile starts FROM) is known to listen on (this',
    'table, from `src/private/facts/known-ports.ts`; the registry does not matter, so mirrors and ECR',
    'pull-through caches resolve too); one that declares none and whose image\'s name is a name of this',
    'table with packaging words around it (`mysql/mysql-server`, `myorg/postgres`) answers on that image\'s',
    'ports, with a `cdk-compose-fargate:image-name-port` warning; else on the ports other services write with its name',
    '(`http://metadata:4000`, with a `cdk-compose-fargate:inferred-port` warning), else on none',
    '(`cdk-compose-fargate:unknown-port` when another service uses its name: add `expose`).',
    '',
    '| image | tags | ports | checked against |',
    '| --- | --- | --- | --- |',
    ...knownPortsRows().map(r => `| ${r.images.map(i => `\`${i}\``).join(', ')} | ${cell(r.tags)} | ${r.ports.join(', ')} | ${cell(r.source)} |`),
    '',
    '## EFS volumes: the users of well-known images',
    '',
    'The access point of each EFS volume the construct makes creates the volume\'s folder for the user its',
    'containers write as (Docker\'s named volumes take the image\'s ownership; EFS does not): the compose',
    '`user:` (numbers, or `root`, `nobody` and the names of this table\'s users), else the Dockerfile\'s last',
    '`USER` (names its RUN lines create with an id, `useradd -u`, `adduser -u`, or its base image\'s), else',
    'its base image\'s or its image\'s user from this table (`src/private/facts/known-users.ts`, matched as the',
    'ports table is). Images whose entrypoint starts as root and steps down keep root access to the file',
    'system; the others do not get it. Where no user is known the folder gets mode 777, with a',
    '`cdk-compose-fargate:volume-owner` warning; see the README (Named volumes) for shared volumes.',
    '',
    '| image | tags | user (uid:gid) | starts as root | checked against |',
    '| --- | --- | --- | --- | --- |',
    ...knownUsersRows().map(r => `| ${r.images.map(i => `\`${i}\``).join(', ')} | ${cell(r.tags)} | ${r.user} | ${r.startsAsRoot ? 'yes' : 'no'} | ${cell(r.source)} |`),
    '',
  ].join('\n');
}
