/**
 * The load stage on its own (compose-load.ts, compose-yaml.ts, merge.ts) and the canonical shape
 * (canonical.ts): each rule where the library used to read a file differently from Docker Compose,
 * with the file that showed it. test/load/compose-differential.test.ts checks the same against Docker
 * Compose itself; these examples run without it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { parseDocument } from 'yaml';
import { ComposeDefinition } from '../../src';
import { renderConfig } from '../../src/cli/config';
import { goText, parseComposeYaml, reindentQuotedScalars, resolveGoNumber } from '../../src/private/load/compose-yaml';
import { goDuration } from '../../src/private/load/go-values';
import { mergeComposeDocuments } from '../../src/private/load/merge';
import { Problems } from '../../src/private/problems';
import { errorOf } from '../util';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-load-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A folder with these files. */
function folder(name: string, files: Record<string, string>): string {
  const d = path.join(dir, name);
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
    fs.writeFileSync(path.join(d, f), text);
  }
  return d;
}

/** What `config --format json` prints for these files (-f in order; the first one is compose.yml by default). */
function config(d: string, args: { files?: string[]; profiles?: string[]; envFiles?: string[] } = {}, env: Record<string, string> = {}): any {
  const out = renderConfig({ command: 'config', files: args.files ?? ['compose.yml'], profiles: args.profiles, envFiles: args.envFiles, format: 'json' }, env, d);
  return JSON.parse(out.text);
}

const yaml = (text: string) => {
  const p = new Problems('x');
  const r = parseComposeYaml(text, p);
  return { doc: r?.document as any, errors: p.errors.map(e => e.message) };
};

describe('YAML as Docker Compose (go-yaml v3) reads it', () => {
  test('a multi-line quoted scalar whose lines are indented less than its key parses (issue 11)', () => {
    const text = 'services:\n  a:\n    image: x\n    command: "sh -c \'echo hi\n    && sleep 1\'"\n    environment:\n    - "A=a\nb"\n    - \'B=1\n\n  2\'\n';
    expect(parseDocument(text).errors.length).toBeGreaterThan(0);
    const { doc, errors } = yaml(text);
    expect(errors).toEqual([]);
    expect(doc.services.a.command).toBe("sh -c 'echo hi && sleep 1'");
    expect(doc.services.a.environment).toEqual(['A=a b', 'B=1\n2']);
  });

  test('re-indenting changes nothing in YAML that parsed already', () => {
    const line = fc.oneof(
      fc.string().map(s => `k: ${JSON.stringify(s)}`),
      fc.string().map(s => `k: '${s.replace(/'/g, "''")}'`),
      fc.constantFrom('k: |', '  block line', '# comment "with a quote', 'k: plain # "x', '- "item"', 'k: [a, "b"]', 'k: >-', '  folded'),
    );
    fc.assert(fc.property(fc.array(line, { maxLength: 6 }), lines => {
      const text = lines.map((l, i) => l.replace(/^k:/, `k${i}:`)).join('\n');
      const before = parseDocument(text);
      if (before.errors.length > 0) return;
      expect(parseDocument(reindentQuotedScalars(text)).toJS()).toEqual(before.toJS());
    }), { numRuns: 300 });
  });

  test('numbers: a leading 0 is octal, "_" is ignored, hex and binary; beyond 2^53 the exact digits', () => {
    expect(yaml('a: 012\nb: 0o17\nc: 0x1F\nd: 0b101\ne: 1_000\nf: 09\ng: 1.10\nh: yes\ni: True\nj: 12345678901234567890\nk: .5\nl: 1e3').doc)
      .toEqual({ a: 10, b: 15, c: 31, d: 5, e: 1000, f: 9, g: 1.1, h: 'yes', i: true, j: '12345678901234567890', k: 0.5, l: 1000 });
    expect(resolveGoNumber('0x')).toBe('0x');
    expect(resolveGoNumber('-9223372036854775809')).toBe(-9223372036854775809);
  });

  test('numbers become text as Go prints them (%v): an exponent from 1e+06 and below 1e-04', () => {
    expect([1.5, 1234567.5, 0.00001, 0.0001, 123456.7, Infinity, -Infinity, NaN, 10, true, 1e21].map(goText))
      .toEqual(['1.5', '1.2345675e+06', '1e-05', '0.0001', '123456.7', '+Inf', '-Inf', 'NaN', '10', 'true', '1e+21']);
    const d = folder('numbers', { 'compose.yml': 'services:\n  app:\n    image: x\n    environment:\n      A: 1234567.5\n      B: 012\n      C: 0.00001\n' });
    expect(config(d).services.app.environment).toEqual({ A: '1.2345675e+06', B: '10', C: '1e-05' });
  });

  test('!reset and !override in an override file', () => {
    const d = folder('tags', {
      'compose.yml': 'services:\n  app:\n    image: x\n    ports: ["80:80"]\n    environment: {A: "1", B: "2"}\n',
      'over.yml': 'services:\n  app:\n    ports: !reset []\n    environment: !override {C: "3"}\n',
    });
    const app = config(d, { files: ['compose.yml', 'over.yml'] }).services.app;
    expect(app.ports).toBeUndefined();
    expect(app.environment).toEqual({ C: '3' });
  });

  test('!reset and !override in a service that extends another, in the file or in another file', () => {
    const d = folder('tags-extends', {
      'compose.yml': 'services:\n  base:\n    image: x\n    ports: ["80:80"]\n    environment: {A: "1", B: "2"}\n'
        + '  app:\n    extends: base\n    ports: !reset []\n    environment: !override {C: "3"}\n'
        + '  other:\n    extends: {file: sub/common.yml, service: b}\n    volumes: !reset []\n',
      'sub/common.yml': 'services:\n  b:\n    image: y\n    volumes: ["./d:/d"]\n',
    });
    const { app, base, other } = config(d).services;
    expect(app.ports).toBeUndefined();
    expect(app.environment).toEqual({ C: '3' });
    expect(base.environment).toEqual({ A: '1', B: '2' });
    expect(other.volumes).toBeUndefined();
  });
});

describe('interpolation and variables', () => {
  test('a "$" that starts no variable stays literal (issue 11); "$$" is a "$"', () => {
    const m = ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    environment:\n      PRICE: "cost $ 5 and $$5 and $1"\n', { variables: {} })._model;
    expect(m.services[0].environment).toEqual([{ name: 'PRICE', value: 'cost $ 5 and $5 and $1' }]);
  });

  test('braces nest in a default: ${A:-{x}} is "{x}"', () => {
    const m = ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    environment:\n      V: "${A:-{x}}${B-}}"\n', { variables: {} })._model;
    expect(m.services[0].environment).toEqual([{ name: 'V', value: '{x}}' }]);
  });

  test('each file is interpolated on its own; the later .env entry wins; the environment wins over .env', () => {
    const d = folder('dotenv', {
      'compose.yml': 'services:\n  app:\n    image: "x:${TAG}"\n    environment:\n      A: ${A}\n      B: ${B}\n',
      '.env': 'TAG=1\nTAG=2\nA="from ${TAG}"\nB=dotenv\n',
    });
    expect(config(d, {}, { B: 'shell' }).services.app).toMatchObject({ image: 'x:2', environment: { A: 'from 2', B: 'shell' } });
    expect(config(folder('env-file-flag', { 'compose.yml': 'services:\n  app:\n    image: "x:${TAG}"\n', 'other.env': 'TAG=other\n', '.env': 'TAG=dotenv\n' }),
      { envFiles: [path.join(dir, 'env-file-flag', 'other.env')] }).services.app.image).toBe('x:other');
  });

  test('text cast to the type the key has, as compose casts it: yes/no/on/off booleans, whole numbers', () => {
    const m = ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    read_only: "yes"\n    tty: "${TTY}"\n    deploy:\n      replicas: "${N}"\n', { variables: { TTY: 'off', N: '3' } })._model;
    expect(m.services[0]).toMatchObject({ readOnly: true, tty: false, replicas: 3 });
    expect(errorOf(() => ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    read_only: "1"\n', { variables: {} })))
      .toBe('services.a.read_only: expected true or false (or yes, no, on, off), got "1"');
  });
});

describe('env_file and environment', () => {
  const d = () => folder('envfile', {
    'a.env': 'P=file\nQ=${P}-${SVC}\nR=${Q}\n# a comment\nexport S=\'lit $P\'\nT="multi\nline"\nBARE\n',
    'b.env': 'U=${R}\nP=again\n',
  });

  test('a value looks in the variables, then the service\'s environment, then the lines and files above', () => {
    const s = ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    env_file: [a.env, b.env]\n    environment:\n      SVC: svc\n      BARE:\n',
      { variables: { P: 'shell', BARE: 'from-shell' }, projectDirectory: d() })._model.services[0];
    expect(Object.fromEntries(s.environment.map(e => [e.name, e.value]))).toEqual({
      P: 'again', Q: 'shell-svc', R: 'shell-svc', S: 'lit $P', T: 'multi\nline', U: 'shell-svc', SVC: 'svc', BARE: 'from-shell',
    });
  });

  test('a name without a value that no variable sets is left out of the container, and overrides the env_file\'s value', () => {
    const s = ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    env_file: a.env\n    environment: [P]\n', { variables: {}, projectDirectory: d() })._model.services[0];
    expect(s.environment.map(e => e.name)).toEqual(['Q', 'R', 'S', 'T']);
  });

  test('label_file: labels from files, under the service\'s labels', () => {
    const p = folder('labelfile', { 'compose.yml': 'services:\n  app:\n    image: x\n    label_file: l.env\n    labels: {b: own}\n', 'l.env': 'a=1\nb=file\nc=${a}2\n' });
    expect(config(p).services.app.labels).toEqual({ a: '1', b: 'own', c: '12' });
  });
});

describe('merging files, extends, profiles', () => {
  test('the merge rules: replaced, appended, merged by key; one entry per port, whichever syntax', () => {
    expect(mergeComposeDocuments([
      { services: { a: { command: ['a'], environment: ['A=1', 'B=2'], ports: ['80:80', '443'], volumes: ['d:/data'], depends_on: ['db'], cap_add: ['X'] } } },
      { services: { a: { command: 'b', environment: { A: 'over' }, ports: [{ target: 80, published: '80' }], volumes: ['e:/data'], depends_on: { db: { condition: 'service_healthy' } }, cap_add: ['X'] } } },
    ])).toEqual({
      services: {
        a: {
          command: 'b',
          environment: ['A=over', 'B=2'],
          ports: [{ target: 80, published: '80' }, '443'],
          volumes: ['e:/data'],
          depends_on: { db: { condition: 'service_healthy', required: true } },
          cap_add: ['X'],
        },
      },
    });
  });

  test('a later file\'s null keeps the earlier value; a key left empty after the merge is an error', () => {
    const d = folder('nulls', {
      'compose.yml': 'services:\n  app:\n    image: x\n    working_dir: /w\n',
      'over.yml': 'services:\n  app:\n    working_dir: null\n    user:\n',
    });
    expect(errorOf(() => ComposeDefinition.fromFiles([path.join(d, 'compose.yml'), path.join(d, 'over.yml')], { variables: {} })))
      .toBe('over.yml: services.app.user: has no value (null): give one, or leave the key out');
  });

  test('extends from a file in another folder: its relative paths stay relative to that folder', () => {
    const d = folder('extends-paths', {
      'compose.yml': 'services:\n  app:\n    extends: {file: sub/common.yml, service: base}\n',
      'sub/common.yml': 'services:\n  base:\n    image: x\n    env_file: common.env\n    build: ./ctx\n',
      'sub/common.env': 'FROM_SUB=1\n',
      'sub/ctx/Dockerfile': 'FROM scratch\n',
    });
    const app = config(d).services.app;
    expect(app.environment).toEqual({ FROM_SUB: '1' });
    expect(app.build.context).toBe(path.join(d, 'sub', 'ctx'));
  });

  test('profiles: --profile, else COMPOSE_PROFILES (from the shell or .env); "*" activates all', () => {
    const d = folder('profiles', { 'compose.yml': 'services:\n  app:\n    image: x\n  debug:\n    image: y\n    profiles: [debug]\n', '.env': 'COMPOSE_PROFILES=nope\n' });
    expect(Object.keys(config(d).services)).toEqual(['app']);
    expect(Object.keys(config(d, { profiles: ['debug'] }).services)).toEqual(['app', 'debug']);
    expect(Object.keys(config(d, {}, { COMPOSE_PROFILES: '*' }).services)).toEqual(['app', 'debug']);
  });

  test('profiles: [] is no profile: the service is kept, as `docker compose config` keeps it (issue 20)', () => {
    const text = 'services:\n  app:\n    image: nginx\n    profiles: []\n  debug:\n    image: busybox\n    profiles: [debug]\n';
    const m = ComposeDefinition.fromYaml(text, { variables: {} })._model;
    expect(m.services.map(s => s.name)).toEqual(['app']);
    expect(m.warnings.map(w => w.id)).toEqual(['inactive-profile']);
    const only = ComposeDefinition.fromYaml('services:\n  app:\n    image: nginx\n    profiles: []\n', { variables: {} })._model;
    expect(only.services.map(s => s.name)).toEqual(['app']);
    expect(Object.keys(config(folder('empty-profiles', { 'compose.yml': text })).services)).toEqual(['app']);
  });

  test('a top-level x- block is not read (as in Docker Compose, without a word) and never a service, in a version 1 file too (issue 11)', () => {
    const m = ComposeDefinition.fromYaml('x-common: &c\n  image: nginx\nweb:\n  <<: *c\n', { variables: {} })._model;
    expect(m.services.map(s => s.name)).toEqual(['web']);
    expect(m.warnings).toEqual([]);
  });

  test('errors compose makes too: a repeated volumes_from entry, include', () => {
    expect(errorOf(() => ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    volumes_from: [b, b]\n  b:\n    image: y\n', { variables: {} })))
      .toMatch(/^services\.a\.volumes_from\[1\]: repeats volumes_from\[0\]/);
    expect(errorOf(() => ComposeDefinition.fromYaml('include: [x.yml]\nservices:\n  a:\n    image: x\n', { variables: {} }))).toMatch(/^include: is not read/);
  });
});

describe('the canonical shape (what config prints)', () => {
  test('durations as Go prints them', () => {
    expect([0, 1e6 * 500, 90e9, 3600e9, 1.5e9, 3723e9, 100, 1500].map(goDuration)).toEqual(['0s', '500ms', '1m30s', '1h0m0s', '1.5s', '1h2m3s', '100ns', '1.5µs']);
  });

  test('short syntaxes in their long form', () => {
    const d = folder('canonical', {
      'compose.yml': [
        'services:',
        '  app:',
        '    image: x',
        '    command: echo "a b" && never',
        '    ports: ["8000-8001:8000-8001", "127.0.0.1:53:53/udp", 80]',
        '    volumes: ["data:/data:ro", "./src:/src", "/anon"]',
        '    healthcheck: {test: "curl -f x", interval: 90s}',
        '    depends_on: [db]',
        '    mem_limit: 512m',
        '    secrets: [s, {source: s, target: /etc/s, mode: 0440}]',
        '  db:',
        '    image: y',
        'volumes:',
        '  data: {}',
        '  unused: {}',
        'secrets:',
        '  s: {external: true}',
      ].join('\n'),
    });
    const out = config(d);
    expect(out.services.app).toEqual({
      command: ['echo', 'a b'],
      depends_on: { db: { condition: 'service_started', required: true } },
      // JSON prints an unset entrypoint as null, as compose does
      entrypoint: null,
      healthcheck: { test: ['CMD-SHELL', 'curl -f x'], interval: '1m30s' },
      image: 'x',
      mem_limit: '536870912',
      // on the default network, which the project gets
      networks: { default: null },
      ports: [
        { mode: 'ingress', target: 8000, published: '8000', protocol: 'tcp' },
        { mode: 'ingress', target: 8001, published: '8001', protocol: 'tcp' },
        { mode: 'ingress', host_ip: '127.0.0.1', target: 53, published: '53', protocol: 'udp' },
        { mode: 'ingress', target: 80, protocol: 'tcp' },
      ],
      secrets: [{ source: 's', target: '/run/secrets/s' }, { source: 's', target: '/etc/s', mode: '0440' }],
      volumes: [
        { type: 'volume', source: 'data', target: '/data', read_only: true, volume: {} },
        { type: 'bind', source: path.join(d, 'src'), target: '/src', bind: { create_host_path: true } },
        { type: 'volume', target: '/anon', volume: {} },
      ],
    });
    expect(out.volumes).toEqual({ data: { name: 'canonical_data' } });
    expect(out.networks).toEqual({ default: { name: 'canonical_default', ipam: {} } });
    expect(out.secrets).toEqual({ s: { external: true, name: 's' } });
  });

  test('a file Fargate cannot run is printed all the same', () => {
    const d = folder('fargate-refuses', { 'compose.yml': 'services:\n  app:\n    image: x\n    privileged: true\n    network_mode: host\n    ports: ["8080:80"]\n' });
    expect(config(d).services.app).toMatchObject({ privileged: true, network_mode: 'host', ports: [{ target: 80, published: '8080' }] });
    expect(errorOf(() => ComposeDefinition.fromFile(path.join(d, 'compose.yml'), { variables: {} }))).toMatch(/privileged/);
  });

  test('what compose refuses, config refuses: a cycle, a missing dependency, two values for one size, no image', () => {
    const refused = (name: string, text: string) => errorOf(() => config(folder(name, { 'compose.yml': text })));
    expect(refused('cycle', 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n    depends_on: [a]\n')).toMatch(/cycle: a -> b -> a/);
    expect(refused('missing', 'services:\n  a:\n    image: x\n    depends_on: [nope]\n')).toMatch(/services\.a\.depends_on\.nope: depends on "nope"/);
    expect(refused('sizes', 'services:\n  a:\n    image: x\n    cpus: 1\n    deploy: {resources: {limits: {cpus: "0.5"}}}\n')).toMatch(/services\.a\.cpus: 1 differs/);
    expect(refused('no-image', 'services:\n  a:\n    restart: always\n')).toMatch(/neither an image nor a build/);
  });
});
