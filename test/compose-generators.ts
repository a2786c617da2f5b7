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


// ---------------------------------------------------------------------------------------------
// Every syntax of the keys the library reads, and interpolated typed values
// ---------------------------------------------------------------------------------------------

const syntaxValues: Record<string, fc.Arbitrary<unknown>> = {
  'ports': fc.array(fc.oneof(
    fc.constantFrom('80', 80, '8080:80', '127.0.0.1:8080:80', '127.0.0.1::80', '8000-8002:8000-8002', '9000-9001', '53:53/udp',
      '[::1]:5000:5000', '0.0.0.0:81:81/tcp', '${PORT:-3000}:3000', '6000/udp', '7000-7001:7000-7001/udp', '1.2.3.4:9999:9999'),
    fc.record({
      target: fc.constantFrom(80, '8080', 443),
      published: fc.constantFrom(8080, '8081', '9000-9001', undefined),
      host_ip: fc.constantFrom('127.0.0.1', '::1', undefined),
      protocol: fc.constantFrom('tcp', 'udp', 'TCP', undefined),
      mode: fc.constantFrom('host', 'ingress', undefined),
      name: fc.constantFrom('web', undefined),
      app_protocol: fc.constantFrom('http', undefined),
    }, { requiredKeys: ['target'] }),
  ), { minLength: 1, maxLength: 4 }),
  'expose': fc.subarray(['80', 8080, '9000-9001', '53/udp'], { minLength: 1 }),
  'volumes': fc.array(fc.oneof(
    fc.constantFrom('data:/data', 'data:/data:ro', './src:/src', './src:/src:rw,z', '~/cache:/cache', '/abs/path:/abs', '/anon',
      'data:/nocopy:nocopy', '.:/code:ro', '../up:/up', 'data:/shared:rshared'),
    fc.record({
      type: fc.constantFrom('volume', 'bind', 'tmpfs'),
      source: fc.constantFrom('data', './rel', '/abs'),
      target: fc.constantFrom('/t1', '/t2'),
      read_only: fc.constantFrom(true, false, 'true', undefined),
    }, { requiredKeys: ['type', 'target'] }).map(v => (v.type === 'tmpfs' ? { type: 'tmpfs', target: v.target } : v.type === 'volume' && v.source !== 'data' ? { ...v, source: 'data' } : v)),
  ), { minLength: 1, maxLength: 3 }),
  'healthcheck': fc.oneof(
    fc.record({
      test: fc.constantFrom('curl -f http://localhost || exit 1', ['CMD', 'true'], ['NONE'], ['CMD-SHELL', 'exit 0']),
      interval: fc.constantFrom('1m30s', '90s', '1.5s', '100ms', '1h2m3s', '2m0s', '0s', '1m'),
      timeout: fc.constantFrom('10s', '500ms', '30s'),
      retries: fc.constantFrom(3, '5'),
      start_period: fc.constantFrom('5s', '1m'),
      start_interval: fc.constantFrom('2s'),
    }, { requiredKeys: ['test'] }),
    fc.constant({ disable: true }),
  ),
  'depends_on': fc.oneof(
    fc.constant(['db']),
    fc.record({ db: fc.record({ condition: fc.constantFrom('service_healthy', 'service_started', 'service_completed_successfully'), required: fc.constantFrom(true, false), restart: fc.boolean() }, { requiredKeys: ['condition'] }) }),
  ),
  'deploy': fc.record({
    replicas: fc.constantFrom(2, '3', '${REPLICAS:-1}'),
    resources: fc.record({
      limits: fc.record({ cpus: fc.constantFrom(0.5, '0.25', '1', 2, '0'), memory: fc.constantFrom('512M', 536870912, '1.5g', '100k', '2G', '256mb', '0') }, { requiredKeys: [] }),
      reservations: fc.record({ cpus: fc.constantFrom('0.1'), memory: fc.constantFrom('64m', '128M') }, { requiredKeys: [] }),
    }, { requiredKeys: [] }),
  }, { requiredKeys: [] }),
  'mem_limit': fc.constantFrom('512m', 1073741824, '1g', '2048k', '0.5g', '1.5G', '300M', '1024mb', 0),
  'mem_reservation': fc.constantFrom('128m', '64M', 268435456),
  // 0 is Docker's "no limit", which compose leaves out
  'cpus': fc.constantFrom(0.5, '1.5', 2, '${CPUS:-0.75}', 0, '${CPUS:-0}'),
  'cpu_shares': fc.constantFrom(512, '1024', 0),
  'tmpfs': fc.oneof(fc.constant('/run'), fc.uniqueArray(fc.constantFrom('/tmp', '/run:size=64m,noexec', '/var/cache/app:mode=1777,uid=1000'), { minLength: 1, maxLength: 3 })),
  'stop_grace_period': fc.constantFrom('1m30s', '10s', '500ms', '1h', '90s', '2m'),
  'ulimits': fc.record({ nofile: fc.oneof(fc.record({ soft: fc.constant(1024), hard: fc.constantFrom(2048, '4096') }), fc.constant(65535)), nproc: fc.constantFrom(4096, '8192') }, { requiredKeys: [] }),
  'secrets': fc.array(fc.oneof(fc.constantFrom('token', 'key'), fc.record({
    source: fc.constantFrom('token', 'key'),
    target: fc.constantFrom('my.cfg', '/etc/app/token', undefined),
    uid: fc.constantFrom(1000, '1000', undefined),
    gid: fc.constantFrom('100', undefined),
    mode: fc.constantFrom(0o440, '0440', 0o400, 420, undefined),
  }, { requiredKeys: ['source'] })), { minLength: 1, maxLength: 2 }),
  'configs': fc.array(fc.oneof(fc.constant('conf'), fc.record({ source: fc.constant('conf'), target: fc.constantFrom('/etc/conf.yml', 'conf.yml') })), { minLength: 1, maxLength: 1 }),
  'logging': fc.record({ driver: fc.constantFrom('awslogs', 'json-file'), options: fc.dictionary(fc.constantFrom('max-file', 'max-size', 'awslogs-group'), fc.constantFrom(3, '10m', 'g', true), { maxKeys: 2 }) }, { requiredKeys: ['driver'] }),
  'labels': kvMapOrList(['com.example.n', 'tier'], ['1', 'web']).map(v => (Array.isArray(v) ? v : { ...v, 'com.example.num': 1.5, 'com.example.bool': true })),
  'sysctls': fc.constantFrom({ 'net.core.somaxconn': 1024 }, ['net.core.somaxconn=1024'], { 'net.ipv4.ip_forward': '1' }),
  'user': fc.constantFrom(1000, '1000:1000', 'app', '${APP_USER:-nobody}'),
  'working_dir': fc.constantFrom('/app', '${WORKDIR:-/srv}'),
  'platform': fc.constantFrom('linux/amd64', 'linux/arm64', 'linux/arm64/v8'),
  'build': fc.oneof(fc.constantFrom('./app', '.'), fc.record({
    context: fc.constantFrom('./app', 'app', '.'),
    dockerfile: fc.constantFrom('Dockerfile.dev', undefined),
    args: fc.constantFrom(['A=1', 'B'], { A: 1, B: null, C: 'x y' }, undefined),
    target: fc.constantFrom('prod', undefined),
  }, { requiredKeys: [] })),
  'read_only': fc.constantFrom(true, false, 'true', '${RO:-false}'),
  'tty': fc.constantFrom(true, false),
  'stdin_open': fc.constantFrom(true, false),
  'init': fc.constantFrom(true, false),
  'command': fc.constantFrom('serve --port 80', ['serve', '--port', 80], 'sh -c "a && b"', 'a \\"b c\\"', '', "x 'y z'"),
  'entrypoint': fc.constantFrom('/entrypoint.sh', ['/bin/sh', '-c'], 'tini --'),
  'cap_add': fc.constantFrom(['SYS_PTRACE'], ['NET_ADMIN', 'SYS_PTRACE']),
  'volumes_from': fc.constantFrom(['db'], ['db:ro']),
  'x-aws-role': fc.constant({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
  'x-aws-policies': fc.constant(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']),
};
const SYNTAX_KEYS = Object.keys(syntaxValues);

export const syntaxCase: fc.Arbitrary<ComposeCase> = fc.tuple(
  fc.subarray(SYNTAX_KEYS, { minLength: 3, maxLength: 10 }).chain(keys => fc.tuple(fc.constant(keys), fc.tuple(...keys.map(k => syntaxValues[k])))),
  fc.dictionary(fc.constantFrom('PORT', 'REPLICAS', 'CPUS', 'APP_USER', 'WORKDIR', 'RO', 'TAG'), fc.constantFrom('8080', '2', '0.5', 'app', '/w', 'true', ''), { maxKeys: 3 }),
).map(([[keys, values], e]) => {
  const web: Record<string, unknown> = {};
  keys.forEach((k, i) => (web[k] = values[i]));
  if (web.build === undefined) web.image = 'nginx:${TAG:-latest}';
  // compose refuses two values for one size: keep one where both were drawn
  if (web.deploy !== undefined) {
    delete web.mem_limit;
    delete web.mem_reservation;
    delete web.cpus;
  }
  return {
    title: `every syntax (${keys.join(', ')})`,
    env: e,
    files: {
      'compose.yml': yamlOf({
        services: { web, db: { image: 'postgres' } },
        volumes: { data: {} },
        secrets: { token: { external: true }, key: { name: 'app-key', external: true } },
        configs: { conf: { external: true } },
      }),
      'app/Dockerfile': 'FROM scratch\n',
      'app/Dockerfile.dev': 'FROM scratch\n',
    },
  };
});

// ---------------------------------------------------------------------------------------------
// Finding the files and the project: default names, COMPOSE_FILE, --env-file, project names, folders
// ---------------------------------------------------------------------------------------------

export const projectCase: fc.Arbitrary<ComposeCase> = fc.record({
  how: fc.constantFrom('default', 'COMPOSE_FILE', 'flags'),
  base: fc.constantFrom('compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'),
  withOverride: fc.boolean(),
  overrideInSub: fc.boolean(),
  name: fc.constantFrom(undefined, 'shop', '${PROJECT:-fromdefault}', 'my_app-2'),
  nameFrom: fc.constantFrom('key', 'env', 'dotenv', 'none'),
  envFiles: fc.constantFrom(undefined, ['custom.env'], ['custom.env', 'second.env']),
}).map(({ how, base, withOverride, overrideInSub, name, nameFrom, envFiles }): ComposeCase => {
  const ext = base.endsWith('.yaml') ? '.yaml' : '.yml';
  const stem = base.replace(/\.ya?ml$/, '');
  const override = how === 'default' ? `${stem}.override${ext}` : overrideInSub ? 'sub/override.yml' : 'override.yml';
  const files: Record<string, string> = {
    [base]: yamlOf({
      ...(nameFrom === 'key' && name ? { name } : {}),
      services: { app: { image: 'nginx:${TAG:-1}', env_file: ['app.env'], environment: { FROM: '${FROM:-unset}' } } },
    }),
    'app.env': 'A=1\n',
    'sub/app.env': 'A=sub\n',
    '.env': `TAG=dotenv\nFROM=dotenv\n${nameFrom === 'dotenv' ? 'COMPOSE_PROJECT_NAME=fromdotenv\n' : ''}`,
    'custom.env': 'TAG=custom\nPROJECT=custom\n',
    'second.env': 'FROM=second\nTAG=${TAG}-second\n',
  };
  if (withOverride) {
    // relative paths in any file are relative to the project directory (the first file's folder)
    files[override] = yamlOf({ services: { app: { env_file: ['./app.env'], ports: ['80:80'], labels: { from: 'override' } } } });
  }
  const shell: Record<string, string> = nameFrom === 'env' ? { COMPOSE_PROJECT_NAME: 'fromenv' } : {};
  const list = withOverride ? [base, override] : [base];
  if (how === 'COMPOSE_FILE') shell.COMPOSE_FILE = list.join(':');
  return {
    title: `project (${how}: ${list.join(', ')}; name from ${nameFrom})`,
    env: shell,
    files,
    compose: how === 'flags' ? list : undefined,
    noFileFlags: how !== 'flags',
    envFiles: envFiles ? [...envFiles] : undefined,
  };
});

/** Every generator, with how many of its cases a run draws. */
export const GENERATED: [string, fc.Arbitrary<ComposeCase>, number][] = [
  ['every syntax', syntaxCase, 120],
  ['interpolation', interpolationCase, 120],
  ['.env', dotenvCase, 100],
  ['env_file', envFileCase, 80],
  ['extends', extendsCase, 80],
  ['merge', mergeCase, 100],
  ['profiles', profilesCase, 40],
  ['yaml', yamlCase, 60],
  ['project', projectCase, 60],
];
