/**
 * YAML anchors and aliases as Docker Compose reads them: a large file that shares its defaults through
 * 149 aliases is read whole; an alias bomb is refused by go-yaml's rule (Docker Compose's YAML reader)
 * before it is expanded; an anchor that contains its own alias is refused as go-yaml refuses it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { ComposeDefinition, ComposeFargateService, EcsParams } from '../../src';
import { parseComposeYaml } from '../../src/private/load/compose-yaml';
import { Problems } from '../../src/private/problems';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const MANY = path.join(__dirname, '..', 'fixtures', 'yaml-aliases', 'many', 'docker-compose.yml');

/** A billion-laughs document: `depth` levels, each a list of `fanOut` aliases of the level below. */
function bomb(fanOut: number, depth: number, where: 'extension' | 'label'): string {
  const indent = where === 'label' ? '      ' : '';
  const key = (n: number) => (where === 'label' ? `l${n}` : `x-l${n}`);
  const lines = [`${indent}${key(0)}: &l0 [${new Array(fanOut).fill('lol').join(', ')}]`];
  for (let i = 1; i <= depth; i++) lines.push(`${indent}${key(i)}: &l${i} [${new Array(fanOut).fill(`*l${i - 1}`).join(', ')}]`);
  const service = ['services:', '  web:', '    image: nginx'];
  return where === 'label' ? [...service, '    labels:', ...lines, ''].join('\n') : [...lines, ...service, ''].join('\n');
}

describe('a large file that shares its defaults through aliases', () => {
  test('is read whole: every alias and merge key expanded as Docker Compose expands it', () => {
    const text = fs.readFileSync(MANY, 'utf-8');
    expect(text.match(/\*[a-z_]+/g)).toHaveLength(149);
    const compose = ComposeDefinition.fromFile(MANY, { variables: {} });
    expect(compose.serviceNames).toHaveLength(36);
    const web = compose._model.services.find(s => s.name === 'web')!;
    // the worker's three dependencies (healthy) and the sixteen consumers (started)
    expect(web.dependsOn.map(d => [d.container, d.condition])).toEqual([
      ['redis', 'HEALTHY'], ['queue', 'HEALTHY'], ['db', 'HEALTHY'],
      ...['ingest', 'events', 'outcomes', 'billing', 'replays', 'spans', 'metrics', 'profiles', 'functions', 'transactions',
        'attributes', 'occurrences', 'sessions', 'uptime', 'feedback', 'monitors'].map(w => [`${w}-consumer`, 'START']),
    ]);
    // a service made from web's anchor: its ports reset, its own command, web's image and dependencies
    const cron = compose._model.services.find(s => s.name === 'cron')!;
    expect(cron.image).toBe('example/tracker-web:24.1');
    expect(cron.ports).toEqual([]);
    expect(cron.dependsOn).toHaveLength(19);
    const consumer = compose._model.services.find(s => s.name === 'spans-consumer')!;
    expect(Object.fromEntries(consumer.environment.map(e => [e.name, e.value]))).toEqual({
      REDIS_HOST: 'redis',
      QUEUE_BROKERS: 'queue:9092',
      DB_HOST: 'db',
      CA_BUNDLE: '/etc/ssl/certs/ca-certificates.crt',
      REQUESTS_CA_BUNDLE: '/etc/ssl/certs/ca-certificates.crt',
      GRPC_ROOTS: '/etc/ssl/certs/ca-certificates.crt',
      CONSUMER_GROUP: 'spans-consumers',
    });
    expect(consumer.ulimits).toEqual([{ name: 'nofile', soft: 4096, hard: 4096 }]);
  });

  test('an ecs-params file with anchors is read the same way', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aliases-'));
    fs.writeFileSync(path.join(dir, 'ecs-params.yml'), [
      'version: 1',
      'x-sizes: &small',
      '  mem_limit: 512m',
      '  cpu_shares: 128',
      'task_definition:',
      '  services:',
      '    web: *small',
      '    worker:',
      '      <<: *small',
      '      essential: false',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx\n  worker:\n    image: busybox\n');
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }),
      ecsParams: EcsParams.fromFile(path.join(dir, 'ecs-params.yml'), { variables: {} }),
    });
    validatedTemplate(stack);
    const task = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))[0] as any;
    const byName = Object.fromEntries(task.Properties.ContainerDefinitions.map((c: any) => [c.Name, c]));
    expect(byName.web).toMatchObject({ Memory: 512, Cpu: 128, Essential: true });
    expect(byName.worker).toMatchObject({ Memory: 512, Cpu: 128, Essential: false });
  });
});

describe('alias bombs', () => {
  test.each([
    ['in an extension block', 'extension' as const],
    ['in a service', 'label' as const],
  ])('ten levels of ten aliases %s are refused before they are expanded', (_name, where) => {
    const message = errorOf(() => ComposeDefinition.fromYaml(bomb(10, 9, where), { variables: {} }));
    expect(message).toMatch(/^\(document\): cannot read the YAML: document contains excessive aliasing: its aliases expand to more than \d+ of \d+ nodes read, beyond what go-yaml \(Docker Compose's YAML reader\) allows/);
  });

  test('an ecs-params bomb is refused the same way', () => {
    const text = ['version: 1', ...bomb(10, 9, 'extension').split('\n').filter(l => l.startsWith('x-')), 'task_definition: {}', ''].join('\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aliases-'));
    fs.writeFileSync(path.join(dir, 'ecs-params.yml'), text);
    expect(errorOf(() => EcsParams.fromFile(path.join(dir, 'ecs-params.yml'), { variables: {} }))).toMatch(/^ecs-params\.yml: \(document\): cannot read the YAML: document contains excessive aliasing/);
  });

  test('an anchor that holds an alias of itself is refused as go-yaml refuses it', () => {
    const message = errorOf(() => ComposeDefinition.fromYaml('services:\n  web: &w\n    image: nginx\n    x-self: *w\n', { variables: {} }));
    expect(message).toBe("(document): cannot read the YAML: anchor 'w' value contains itself");
  });

  test('property: a bomb of a million nodes or more is refused; one of a few hundred is read with every copy', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom('extension' as const, 'label' as const), (fanOut, depth, where) => {
      const leaves = fanOut ** (depth + 1);
      if (leaves >= 1_000_000) {
        expect(errorOf(() => ComposeDefinition.fromYaml(bomb(fanOut, depth, where), { variables: {} }))).toMatch(/excessive aliasing/);
      } else if (leaves <= 500 && where === 'extension') {
        const problems = new Problems();
        const yaml = parseComposeYaml(bomb(fanOut, depth, where), problems);
        expect(problems.errors).toEqual([]);
        const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
        expect(flat((yaml!.document as Record<string, unknown>)[`x-l${depth}`])).toEqual(new Array(leaves).fill('lol'));
      }
    }));
  });
});
