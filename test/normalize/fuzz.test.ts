/**
 * Robustness: thousands of mutated compose and ecs-params documents (wrong types, nulls, huge
 * numbers, odd strings, at every position). Each must either synthesize a template that passes
 * @aws/cloudformation-validate with no FATAL or ERROR finding, or throw the library's own error,
 * whose every line names a path. Never a TypeError, a RangeError, a CDK error or a hang.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RegoEngine, StandardDiagnostic, TemplateFile } from '@aws/cloudformation-validate';
import { App, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { ComposeDefinition, ComposeFargateService, EcsParams } from '../../src';
import { COMPOSE_SERVICE_KEYS } from '../../src/private/normalize/compose-keys';
import { ECS_PARAMS_KEYS } from '../../src/private/normalize/ecs-params-keys';
import { ComposeFargateError } from '../../src/private/problems';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const TUTORIAL = path.join(__dirname, '..', '..', 'examples', 'tutorial');
const read = (file: string) => parse(fs.readFileSync(file, 'utf-8'), { merge: true });

const COMPOSE_SEEDS = [
  read(path.join(TUTORIAL, 'docker-compose.yml')),
  read(path.join(FIXTURES, 'webapp', 'docker-compose.yml')),
  read(path.join(FIXTURES, 'worker', 'docker-compose.yml')),
  read(path.join(FIXTURES, 'anchors', 'docker-compose.yml')),
  read(path.join(FIXTURES, 'v2-mem-limit', 'docker-compose.yml')),
  read(path.join(FIXTURES, 'deploy-resources', 'docker-compose.yml')),
];
const PARAMS_SEEDS = [
  read(path.join(TUTORIAL, 'ecs-params.yml')),
  read(path.join(TUTORIAL, 'ecs-params-new-network.yml')),
  read(path.join(FIXTURES, 'webapp', 'ecs-params.yml')),
  read(path.join(FIXTURES, 'worker', 'ecs-params.yml')),
  {
    version: 1,
    task_definition: {
      services: { web: { essential: true, cpu_shares: 128, mem_limit: '256m', healthcheck: { test: 'true', interval: 10 } } },
      efs_volumes: [{ name: 'db-data', filesystem_id: 'fs-0123456789abcdef0', transit_encryption: 'ENABLED' }],
    },
    run_params: {
      service_discovery: { container_name: 'web', container_port: 80, private_dns_namespace: { name: 'app.local' } },
    },
  },
];

/** Values that break naive code. */
const odd = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1, 0.5, 65535, 65536, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, Infinity, -Infinity, NaN),
  fc.constantFrom('', ' ', '\n', '$', '${', '${A:?boom}', '$$', '${UNSET:-1}', '80', '80:80', '8080:80', '8000-8002:8000-8002',
    '53/udp', '127.0.0.1:80:80', '1m30s', '10s', '512m', '0.5GB', '1g', '6m', '256', '1 vCPU', 'host', 'bridge', 'awsvpc',
    'ENABLED', 'DISABLED', 'awslogs', 'json-file', 'CMD', 'CMD-SHELL', 'NONE', 'START', 'HEALTHY', 'SUCCESS', 'web', 'db',
    'x-extra', 'subnet-0a1b2c3d4e5f60718', 'sg-0acd34feae1cd3bb6', 'arn:aws:iam::123456789012:role/x', '/app/secret',
    'fs-0123456789abcdef0', 'linux/arm64', 'SYS_PTRACE', 'net.core.somaxconn', 'data:/data', './src:/app', '/data:ro',
    '../../etc/passwd', 'a'.repeat(3000), 'ünïcødé 🚀', '\u0000', 'true', 'false', '-1', '0x10', '1e3'),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -100000, max: 100000 }),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), { maxKeys: 3 }),
  // a mapping whose keys are prototype names, as a parser gives it (own keys, `__proto__` too)
  fc.constantFrom('{"__proto__": 1}', '{"toString": 1, "constructor": {"valueOf": "x"}}', '{"hasOwnProperty": null}').map(text => JSON.parse(text)),
);
/** Names every JavaScript object answers for: a document may use each as a key or a name. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const KEYS = [
  ...COMPOSE_SERVICE_KEYS.map(k => k.key),
  ...new Set(ECS_PARAMS_KEYS.flatMap(k => k.key.split('.').map(p => p.replace('[]', '')))),
  'services', 'volumes', 'secrets', 'configs', 'networks', 'name', 'version', 'x-foo', 'limits', 'reservations', 'options',
  'driver', 'target', 'published', 'source', 'external',
].filter(k => k !== '*');
const oddKey = fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 8 }));

type Mutation = { kind: 'replace' | 'delete' | 'insert'; at: number; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('replace', 'replace', 'delete', 'insert'),
  at: fc.nat(),
  key: oddKey,
  value: odd,
});

function nodes(doc: unknown): { parent: any; key: string | number | undefined; value: unknown }[] {
  const out: { parent: any; key: string | number | undefined; value: unknown }[] = [{ parent: undefined, key: undefined, value: doc }];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((v, i) => { out.push({ parent: node, key: i, value: v }); walk(v); });
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) { out.push({ parent: node, key: k, value: v }); walk(v); }
  };
  walk(doc);
  return out;
}

function mutate(seed: unknown, mutations: Mutation[]): unknown {
  let doc = structuredClone(seed);
  for (const m of mutations) {
    const all = nodes(doc);
    const n = all[m.at % all.length];
    if (m.kind === 'insert' && n.value && typeof n.value === 'object') {
      if (Array.isArray(n.value)) n.value.push(m.value);
      else Object.defineProperty(n.value, m.key, { value: m.value, enumerable: true, writable: true, configurable: true }); // `__proto__` too
    } else if (m.kind === 'delete' && n.parent) {
      if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1);
      else delete n.parent[n.key as string];
    } else if (n.parent) {
      n.parent[n.key as any] = m.value;
    } else {
      doc = m.value;
    }
  }
  return doc;
}

let engine: InstanceType<typeof RegoEngine> | undefined;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-'));
function blockingFindings(template: unknown): string[] {
  engine ??= new RegoEngine();
  const file = path.join(tmp, 'template.json');
  fs.writeFileSync(file, JSON.stringify(template));
  const report = engine.validateStandard(new TemplateFile(file));
  return report.diagnostics
    .filter((d: StandardDiagnostic) => d.severity === 'FATAL' || d.severity === 'ERROR')
    .map((d: StandardDiagnostic) => `[${d.severity}] ${d.ruleId}: ${d.message}`);
}

const outcomes = { synthesized: 0, refused: 0 };

/** Run one pair of documents through the library; fail on anything but a template or our error. */
function check(compose: unknown, params: unknown) {
  let stack: Stack | undefined;
  try {
    const c = ComposeDefinition.fromObject(compose as any, { variables: {}, projectDirectory: path.join(FIXTURES, 'worker') });
    const p = params === undefined ? undefined : EcsParams.fromObject(params as any, { variables: {} });
    stack = new Stack(new App(), 'Fuzz');
    new ComposeFargateService(stack, 'App', { compose: c, ecsParams: p });
    const template = (stack.node.root as App).synth().getStackByName('Fuzz').template;
    expect(blockingFindings(template)).toEqual([]);
    outcomes.synthesized++;
  } catch (e) {
    if (!(e instanceof ComposeFargateError)) {
      throw new Error(`not the library's error: ${(e as Error)?.name}: ${(e as Error)?.message}\ncompose: ${JSON.stringify(compose)?.slice(0, 2000)}\nparams: ${JSON.stringify(params)?.slice(0, 1000)}`);
    }
    for (const line of e.message.split('\n')) {
      // each line: [file: ]path: message — a path is a key, [index] or ["odd key"] chain
      expect(line).toMatch(/^([\w.-]+\.ya?ml(?: \+ [\w.-]+\.ya?ml)*: )?(\(document\)|line \d+, column \d+|[A-Za-z0-9_.\-*\[\]"\\ /$@&%#+=,:;!?'()<>{}|~`^\u00a0-\uffff]+?): ./s);
    }
    expect(e.problems.length).toBeGreaterThan(0);
    outcomes.refused++;
  }
}

describe('mutated documents', () => {
  test('compose documents', () => {
    fc.assert(fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.nat(), (seed, muts, ps) => {
      check(mutate(COMPOSE_SEEDS[seed % COMPOSE_SEEDS.length], muts), ps % 3 === 0 ? undefined : PARAMS_SEEDS[1]);
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 1200), endOnFailure: true });
  });

  test('ecs-params documents (with the compose file they were written for)', () => {
    fc.assert(fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (seed, muts) => {
      const i = seed % PARAMS_SEEDS.length;
      const compose = i === 2 ? COMPOSE_SEEDS[1] : i === 3 ? COMPOSE_SEEDS[2] : { services: { web: { image: 'nginx', ports: ['80:80'] } } };
      check(compose, mutate(PARAMS_SEEDS[i], muts));
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 800), endOnFailure: true });
  });

  afterAll(() => {
    // Both outcomes must occur, or the property tested nothing.
    expect(outcomes.synthesized).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
    engine?.free();
  });
});
