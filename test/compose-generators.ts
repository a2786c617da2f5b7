/**
 * Generated compose projects for the differential test: each a few files that Docker Compose reads,
 * exercising one part of the reading (interpolation, .env, env_file, extends, merging, profiles,
 * YAML scalars). Values are drawn from small pools, so that names and references overlap.
 */
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { ComposeCase } from './compose-reference';

const VAR_NAMES = ['A', 'B', 'TAG', 'EMPTY', '_x', 'lower', 'V2'];
const VALUES = ['', 'v', 'has space', 'dollar$sign', '1.5', 'x:y', 'a=b', '#hash', 'quote"d', "it's", 'multi\nline', '${A}', 'true'];
const varName = fc.constantFrom(...VAR_NAMES);
const value = fc.constantFrom(...VALUES);
const env = fc.dictionary(varName, value, { maxKeys: 5 });

/** A YAML double-quoted scalar (JSON is one), or the plain text when YAML reads it back as that text. */
function scalar(text: string): string {
  return JSON.stringify(text);
}

// ---------------------------------------------------------------------------------------------
// Interpolation
// ---------------------------------------------------------------------------------------------

const word = fc.constantFrom('', 'd', 'two words', 'x-y', '{b}', ':-', 'a}b');
const segment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('plain', ' ', '/', ':', '-', 'x', '{', '}', '.', '@'),
  fc.constantFrom('$$', '$$A', '$${A}', '$ ', '$1', '$-', '$.', '$@', '$/'),
  varName.map(n => `$${n}`),
  varName.map(n => `\${${n}}`),
  fc.tuple(varName, fc.constantFrom(':-', '-', ':+', '+'), word).map(([n, op, w]) => `\${${n}${op}${w}}`),
  fc.tuple(varName, fc.constantFrom(':-', '-'), varName, word).map(([a, op, b, w]) => `\${${a}${op}\${${b}:-${w}}}`),
  fc.tuple(varName, fc.constantFrom(':?', '?'), word).map(([n, op, w]) => `\${${n}${op}${w}}`),
);
const template = fc.array(segment, { minLength: 1, maxLength: 5 }).map(parts => parts.join(''));

export const interpolationCase: fc.Arbitrary<ComposeCase> = fc.record({
  env,
  dotenv: fc.dictionary(varName, value.filter(v => !/["'\n$#\\]/.test(v)), { maxKeys: 3 }),
  environment: fc.array(template, { minLength: 1, maxLength: 6 }),
  image: template,
  command: template,
  trailingDollar: fc.boolean(),
}).map(({ env: e, dotenv, environment, image, command, trailingDollar }) => ({
  title: 'interpolation',
  env: e,
  files: {
    '.env': Object.entries(dotenv).map(([k, v]) => `${k}=${v}`).join('\n') + '\n',
    'compose.yml': [
      'services:',
      '  app:',
      `    image: ${scalar(`nginx:${image.replace(/[\s"']/g, '')}`)}`,
      `    command: ${scalar(`echo ${command.replace(/["'\\]/g, '')}${trailingDollar ? ' $' : ''}`)}`,
      '    environment:',
      ...environment.map((t, i) => `      V${i}: ${scalar(t)}`),
      '    labels:',
      ...environment.slice(0, 2).map((t, i) => `      - ${scalar(`l${i}=${t}`)}`),
      '',
    ].join('\n'),
  },
}));

// ---------------------------------------------------------------------------------------------
// .env and env_file syntax
// ---------------------------------------------------------------------------------------------

const ENV_KEYS = ['K1', 'K2', 'K3', 'A', 'TAG', 'K_4', 'k5'];
const envKey = fc.constantFrom(...ENV_KEYS);
const rawText = fc.constantFrom('value', 'two words', 'a=b', 'x#y', 'path/to', '1.5', '', 'ünï', 'tab\there', 'back\\slash');
const reference = fc.oneof(envKey.map(k => `\${${k}}`), envKey.map(k => `$${k}`), envKey.map(k => `\${${k}:-def}`), fc.constant('$$'), fc.constant('$ lone'));
const plainValue = fc.array(fc.oneof(rawText, reference), { minLength: 0, maxLength: 3 }).map(p => p.join(''));

/** One statement of an env file, in one of the syntaxes compose reads. */
const envStatement: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom('', 'export ', '  '),
  envKey,
  fc.constantFrom('=', ' = ', ': ', '='),
  fc.oneof(
    plainValue.map(v => v.replace(/\n/g, '')),
    plainValue.map(v => `${v} # comment`),
    plainValue.map(v => `${v}\t#not a comment`),
    plainValue.map(v => `${v}   `),
    fc.array(fc.oneof(rawText, reference, fc.constantFrom('\\n', '\\t', '\\"', '\\$', '\\\\', '\\a', '\\x', "'", '\n', '\\0101')), { maxLength: 4 })
      .map(p => `"${p.join('').replace(/(?<!\\)"/g, '')}"`),
    fc.array(fc.oneof(rawText, reference, fc.constantFrom('\n', '\\n', "\\'", '"')), { maxLength: 3 })
      .map(p => `'${p.join('').replace(/'/g, '').replace(/\\$/, '')}'`),
    fc.tuple(plainValue, fc.constantFrom(' # c', '', '  ')).map(([v, c]) => `"${v.replace(/["\\]/g, '')}"${c}`),
  ),
).map(([prefix, key, sep, v]) => `${prefix}${key}${sep}${v}`);

const envLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: envStatement },
  { weight: 1, arbitrary: envKey },
  { weight: 1, arbitrary: fc.constantFrom('', '# a comment', '   # indented', '\t') },
);
const envFileText = fc.tuple(fc.array(envLine, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'))
  .map(([lines, eol]) => lines.join(eol) + eol);

const probeEnvironment = (keys: string[]) => keys.map(k => `      P_${k}: "\${${k}-UNSET}"`);

export const dotenvCase: fc.Arbitrary<ComposeCase> = fc.record({
  env: fc.dictionary(envKey, fc.constantFrom('os', '', 'os value'), { maxKeys: 2 }),
  dotenv: envFileText,
}).map(({ env: e, dotenv }) => ({
  title: '.env',
  env: e,
  files: {
    '.env': dotenv,
    'compose.yml': ['services:', '  app:', '    image: nginx', '    environment:', ...probeEnvironment(ENV_KEYS), ''].join('\n'),
  },
}));

export const envFileCase: fc.Arbitrary<ComposeCase> = fc.record({
  env: fc.dictionary(envKey, fc.constantFrom('os', '', 'os value'), { maxKeys: 2 }),
  a: envFileText,
  b: envFileText,
  syntax: fc.constantFrom('list', 'string', 'long', 'missing-optional'),
  environment: fc.array(fc.tuple(envKey, fc.option(fc.constantFrom('from-env', ''), { nil: undefined })), { maxLength: 3 }),
  listSyntax: fc.boolean(),
}).map(({ env: e, a, b, syntax, environment, listSyntax }) => {
  const envFile = {
    'list': ['    env_file: [a.env, b.env]'],
    'string': ['    env_file: a.env'],
    'long': ['    env_file:', '      - path: a.env', '      - path: b.env', '        required: true'],
    'missing-optional': ['    env_file:', '      - a.env', '      - path: nope.env', '        required: false'],
  }[syntax];
  const envLines = environment.length === 0 ? [] : listSyntax
    ? ['    environment:', ...environment.map(([k, v]) => `      - ${scalar(v === undefined ? k : `${k}=${v}`)}`)]
    : ['    environment:', ...environment.map(([k, v]) => `      ${k}:${v === undefined ? '' : ` ${scalar(v)}`}`)];
  return {
    title: `env_file (${syntax})`,
    env: e,
    files: {
      'a.env': a,
      'b.env': b,
      'compose.yml': ['services:', '  app:', '    image: nginx', ...envFile, ...envLines, ''].join('\n'),
    },
  };
});

// ---------------------------------------------------------------------------------------------
// Service keys, for extends and merges
// ---------------------------------------------------------------------------------------------

const SERVICE_NAMES = ['web', 'db', 'worker'];
const VOLUME_NAMES = ['data', 'logs'];

const kvMapOrList = (keys: string[], values: string[]) => fc.oneof(
  fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.constantFrom(...values), fc.constant(null)), { minKeys: 1, maxKeys: 3 }),
  fc.array(fc.tuple(fc.constantFrom(...keys), fc.option(fc.constantFrom(...values), { nil: undefined })), { minLength: 1, maxLength: 3 })
    .map(pairs => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`))),
);
const commandValue = fc.oneof(
  fc.constantFrom('serve', 'serve --port 8080', 'sh -c "echo hi && sleep 1"', "echo 'a b' c"),
  fc.array(fc.constantFrom('serve', '--port', '8080', 'a b', ''), { minLength: 1, maxLength: 3 }),
);
const shortPort = fc.constantFrom('80', '8080:8080', '127.0.0.1:9000:9000', '53:53/udp', '7000-7001:7000-7001', '443', '9090');
const port = fc.oneof(
  { weight: 3, arbitrary: shortPort },
  { weight: 1, arbitrary: fc.record({ target: fc.constantFrom(80, 443, 8080), published: fc.constantFrom('80', '8443', undefined), protocol: fc.constantFrom('tcp', 'udp', undefined) }, { requiredKeys: ['target'] }) },
);
const volume = fc.oneof(
  fc.tuple(fc.constantFrom(...VOLUME_NAMES), fc.constantFrom('/data', '/var/log', '/cache'), fc.constantFrom('', ':ro')).map(([s, t, m]) => `${s}:${t}${m}`),
  fc.constantFrom('/anon', '/tmp/cache'),
  fc.record({ type: fc.constant('volume'), source: fc.constantFrom(...VOLUME_NAMES), target: fc.constantFrom('/data', '/srv'), read_only: fc.boolean() }),
);
const duration = fc.constantFrom('10s', '1m30s', '500ms', '2m', '1h', '5s');
const healthcheck = fc.record({
  test: fc.oneof(fc.constantFrom('curl -f http://localhost', 'true'), fc.constant(['CMD', 'curl', '-f', 'http://localhost']), fc.constant(['CMD-SHELL', 'exit 0'])),
  interval: duration,
  timeout: duration,
  retries: fc.integer({ min: 1, max: 5 }),
  start_period: duration,
}, { requiredKeys: [] });

/** One value for a service key. */
const SERVICE_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  image: fc.constantFrom('nginx', 'nginx:1.25', 'postgres:16', 'example/app:2'),
  command: commandValue,
  entrypoint: commandValue,
  environment: kvMapOrList(['A', 'B', 'LOG_LEVEL', 'PORT'], ['1', 'info', 'debug', 'x y', '']),
  labels: kvMapOrList(['team', 'tier', 'com.example.v'], ['web', 'backend', '1']),
  ports: fc.array(port, { minLength: 1, maxLength: 3 }),
  volumes: fc.array(volume, { minLength: 1, maxLength: 2 }),
  depends_on: fc.oneof(
    fc.subarray(SERVICE_NAMES, { minLength: 1, maxLength: 2 }),
    fc.dictionary(fc.constantFrom(...SERVICE_NAMES), fc.record({ condition: fc.constantFrom('service_started', 'service_healthy', 'service_completed_successfully'), required: fc.boolean() }, { requiredKeys: ['condition'] }), { minKeys: 1, maxKeys: 2 }),
  ),
  healthcheck,
  ulimits: fc.dictionary(fc.constantFrom('nofile', 'nproc'), fc.oneof(fc.integer({ min: 1024, max: 65536 }), fc.record({ soft: fc.constant(1024), hard: fc.integer({ min: 2048, max: 65536 }) })), { minKeys: 1, maxKeys: 2 }),
  logging: fc.record({ driver: fc.constantFrom('awslogs', 'json-file'), options: fc.dictionary(fc.constantFrom('awslogs-group', 'max-size', 'tag'), fc.constantFrom('g', '10m', 'x'), { maxKeys: 2 }) }, { requiredKeys: ['driver'] }),
  cap_add: fc.subarray(['SYS_PTRACE', 'NET_ADMIN'], { minLength: 1 }),
  cap_drop: fc.subarray(['ALL', 'MKNOD'], { minLength: 1 }),
  deploy: fc.record({ replicas: fc.integer({ min: 1, max: 3 }), resources: fc.record({ limits: fc.record({ cpus: fc.constantFrom('0.5', '1'), memory: fc.constantFrom('512M', '1g', '256m') }) }) }, { requiredKeys: [] }),
  working_dir: fc.constantFrom('/app', '/srv'),
  user: fc.constantFrom('1000', '1000:1000', 'app'),
  stop_grace_period: duration,
  tty: fc.boolean(),
  init: fc.boolean(),
  read_only: fc.boolean(),
  sysctls: kvMapOrList(['net.core.somaxconn', 'net.ipv4.tcp_syncookies'], ['1024', '0']),
  secrets: fc.subarray(['token', 'key'], { minLength: 1 }),
  volumes_from: fc.subarray(SERVICE_NAMES, { minLength: 1, maxLength: 1 }),
  platform: fc.constantFrom('linux/amd64', 'linux/arm64'),
};
const SERVICE_KEYS = Object.keys(SERVICE_VALUES);

/** A service body: a few keys with values (never depending on itself). */
function serviceBody(self: string, minKeys = 1): fc.Arbitrary<Record<string, unknown>> {
  return fc.subarray(SERVICE_KEYS, { minLength: minKeys, maxLength: 5 }).chain(keys =>
    fc.tuple(...keys.map(k => SERVICE_VALUES[k])).map(values => {
      const body: Record<string, unknown> = {};
      keys.forEach((k, i) => (body[k] = values[i]));
      const avoidSelf = (deps: unknown) => (Array.isArray(deps)
        ? deps.filter(d => d !== self)
        : Object.fromEntries(Object.entries(deps as object).filter(([d]) => d !== self)));
      for (const k of ['depends_on', 'volumes_from']) {
        if (body[k] === undefined) continue;
        body[k] = avoidSelf(body[k]);
        if (Object.keys(body[k] as object).length === 0) delete body[k];
      }
      return body;
    }));
}

const TOP_LEVEL = {
  volumes: Object.fromEntries(VOLUME_NAMES.map(v => [v, {}])),
  secrets: { token: { external: true }, key: { name: 'app-key', external: true } },
};

function yamlOf(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------
// Merging several files
// ---------------------------------------------------------------------------------------------

/** A service written by hand: its body, and maybe one more key set to null, `!reset` or `!override`. */
function serviceText(name: string, body: Record<string, unknown>, tag?: [string, string]): string[] {
  const lines = [`  ${name}:`];
  if (Object.keys(body).length > 0) lines.push(...yamlOf(body).trimEnd().split('\n').map(l => `    ${l}`));
  // (a null logging makes Docker Compose panic: not a reference to compare with)
  if (tag && body[tag[0]] === undefined && !(tag[0] === 'logging' && tag[1] === 'null')) {
    const [key, kind] = tag;
    lines.push(kind === 'null' ? `    ${key}: null` : kind === '!reset' ? `    ${key}: !reset null` : `    ${key}: !override ${JSON.stringify(valueFor(key))}`);
  }
  if (lines.length === 1) lines[0] += ' {}';
  return lines;
}

/** An override file: some services with some keys, a null, `!reset` or `!override` here and there. */
const overrideFile = fc.subarray(SERVICE_NAMES, { minLength: 1 }).chain(names => fc.tuple(
  fc.constant(names),
  fc.tuple(...names.map(n => serviceBody(n, 0))),
  fc.tuple(...names.map(() => fc.option(fc.tuple(fc.constantFrom(...SERVICE_KEYS), fc.constantFrom('!reset', '!override', 'null')), { nil: undefined }))),
)).map(([names, bodies, tags]) => ['services:', ...names.flatMap((n, i) => serviceText(n, bodies[i], tags[i]))].join('\n') + '\n');

/** A fixed value per key, for `!override` (any valid value does). */
function valueFor(key: string): unknown {
  return fc.sample(SERVICE_VALUES[key], { numRuns: 1, seed: key.length })[0];
}

export const mergeCase: fc.Arbitrary<ComposeCase> = fc.tuple(
  fc.tuple(...SERVICE_NAMES.map(n => serviceBody(n, 2))),
  fc.array(overrideFile, { minLength: 1, maxLength: 2 }),
).map(([bases, overrides]) => {
  const services: Record<string, unknown> = {};
  SERVICE_NAMES.forEach((n, i) => (services[n] = { image: 'nginx', ...bases[i] }));
  const files: Record<string, string> = { 'compose.yml': yamlOf({ services, ...TOP_LEVEL }) };
  overrides.forEach((text, i) => (files[`override${i}.yml`] = text));
  return { title: `merge of ${overrides.length + 1} files`, files, compose: Object.keys(files) };
});

// ---------------------------------------------------------------------------------------------
// extends
// ---------------------------------------------------------------------------------------------

export const extendsCase: fc.Arbitrary<ComposeCase> = fc.tuple(
  fc.tuple(...SERVICE_NAMES.map(n => serviceBody(n))),
  fc.tuple(serviceBody('base'), serviceBody('common')),
  // web extends db or base; worker extends web, base, or common in common.yml
  fc.constantFrom('db', 'base', 'none'),
  fc.constantFrom('web', 'base', 'common-file', 'none'),
  fc.boolean(),
).map(([[web, db, worker], [base, common], webExtends, workerExtends, longSyntax]) => {
  const ext = (service: string, file?: string) => (file || longSyntax ? { service, ...(file ? { file } : {}) } : service);
  const services: Record<string, Record<string, unknown>> = {
    base: { image: 'base:1', ...base },
    web: { ...web, ...(webExtends === 'none' ? {} : { extends: ext(webExtends) }) },
    db: { image: 'postgres', ...db },
    worker: { ...worker, ...(workerExtends === 'none' ? {} : { extends: workerExtends === 'common-file' ? ext('common', 'sub/common.yml') : ext(workerExtends) }) },
  };
  for (const s of Object.values(services)) {
    if (s.extends === undefined && s.image === undefined) s.image = 'nginx';
  }
  return {
    title: `extends (web: ${webExtends}, worker: ${workerExtends})`,
    files: {
      'compose.yml': yamlOf({ services, ...TOP_LEVEL }),
      'sub/common.yml': yamlOf({ services: { common: { image: 'common:1', ...common } }, ...TOP_LEVEL }),
    },
  };
});

// ---------------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------------

const PROFILES = ['debug', 'tools', 'prod'];
export const profilesCase: fc.Arbitrary<ComposeCase> = fc.record({
  profiles: fc.tuple(...SERVICE_NAMES.map(() => fc.subarray(PROFILES))),
  active: fc.oneof(fc.subarray([...PROFILES, '*', 'unknown']), fc.constant(undefined)),
  how: fc.constantFrom('env', 'flag', 'dotenv'),
  dependency: fc.option(fc.tuple(fc.constantFrom(...SERVICE_NAMES), fc.constantFrom(...SERVICE_NAMES), fc.boolean()), { nil: undefined }),
}).map(({ profiles, active, how, dependency }): ComposeCase => {
  const services: Record<string, Record<string, unknown>> = {};
  SERVICE_NAMES.forEach((n, i) => {
    services[n] = { image: 'nginx', ...(profiles[i].length > 0 ? { profiles: profiles[i] } : {}) };
  });
  if (dependency && dependency[0] !== dependency[1]) {
    services[dependency[0]].depends_on = { [dependency[1]]: { condition: 'service_started', required: dependency[2] } };
  }
  const list = (active ?? []).join(',');
  return {
    title: `profiles (${how}: ${list})`,
    env: how === 'env' && active !== undefined ? { COMPOSE_PROFILES: list } : {} as Record<string, string>,
    profiles: how === 'flag' ? active : undefined,
    files: {
      'compose.yml': yamlOf({ services }),
      ...(how === 'dotenv' && active !== undefined ? { '.env': `COMPOSE_PROFILES=${list}\n` } : {}),
    },
  };
});

// ---------------------------------------------------------------------------------------------
// YAML as go-yaml reads it
// ---------------------------------------------------------------------------------------------

const plainScalar = fc.constantFrom(
  '012', '0o17', '0x1F', '0b101', '1_000', '-0', '+12', '09', '1.10', '1e3', '0.0001', '1.5e-7', '123456.7', '.5', '5.',
  'true', 'True', 'TRUE', 'false', 'yes', 'no', 'on', 'off', '~', 'null', 'Null', '.inf', '-.Inf', '.nan',
  '9223372036854775807', '9223372036854775808', '18446744073709551616', '0x_1F', '1__2', '1.5.6', '1e', '--1', '0b2',
);
const multiLine = fc.tuple(
  fc.constantFrom('"', "'"),
  fc.array(fc.constantFrom('first', 'second part', '&& third', '', '  indented'), { minLength: 2, maxLength: 4 }),
  fc.constantFrom(0, 2, 4, 6, 8),
).map(([q, lines, indent]) => `${q}${lines.map((l, i) => (i === 0 ? l : `${' '.repeat(indent)}${l}`)).join('\n')}${q}`);

export const yamlCase: fc.Arbitrary<ComposeCase> = fc.record({
  scalars: fc.array(plainScalar, { minLength: 1, maxLength: 6 }),
  multi: fc.array(multiLine, { maxLength: 2 }),
  command: fc.option(multiLine, { nil: undefined }),
  block: fc.constantFrom('|', '|-', '|+', '>', '>-'),
  anchors: fc.boolean(),
}).map(({ scalars, multi, command, block, anchors }) => ({
  title: 'YAML scalars',
  files: {
    'compose.yml': [
      ...(anchors ? ['x-common: &common', '  LOG: "1"', '  FROM_ANCHOR: yes', ''] : []),
      'services:',
      '  app:',
      '    image: nginx',
      ...(command ? [`    command: ${command}`] : []),
      '    environment:',
      ...(anchors ? ['      <<: *common'] : []),
      ...scalars.map((s, i) => `      S${i}: ${s}`),
      ...multi.map((m, i) => `      M${i}: ${m}`),
      `      BLOCK: ${block}`,
      '        line one',
      '          indented',
      '',
      '        after blank',
      '    labels:',
      ...scalars.slice(0, 2).map((s, i) => `      l${i}: ${s}`),
      '',
    ].join('\n'),
  },
}));

/** Every generator, with how many of its cases a run draws. */
export const GENERATED: [string, fc.Arbitrary<ComposeCase>, number][] = [
  ['interpolation', interpolationCase, 120],
  ['.env', dotenvCase, 100],
  ['env_file', envFileCase, 80],
  ['extends', extendsCase, 80],
  ['merge', mergeCase, 100],
  ['profiles', profilesCase, 40],
  ['yaml', yamlCase, 60],
];
