/**
 * A database (or another stateful image) on a shared volume deploys one task at a time: minimum 0,
 * maximum 100 percent, unless the props or the file say otherwise.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateProjectProps, ComposeFargateService, ComposeFargateServiceProps, VolumeStorage } from '../../src';
import { KNOWN_IMAGES } from '../../src/private/facts/known-ports';
import { STATEFUL_IMAGES, statefulImage } from '../../src/private/plan/stateful';
import { validatedTemplate } from '../cfn-validate';
import { testStack, warningsWithId, writeFiles } from '../util';

const APP = [
  'services:',
  '  db:',
  '    image: postgres:16',
  '    volumes: ["pgdata:/var/lib/postgresql/data"]',
  '  web:',
  '    image: nginx',
  '    volumes: ["static:/usr/share/nginx/html"]',
  'volumes:',
  '  pgdata: {}',
  '  static: {}',
].join('\n');

function compose(yaml: string, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stateful-'))) {
  return ComposeDefinition.fromYaml(yaml, { variables: {}, projectDirectory: dir });
}

/** MinimumHealthyPercent/MaximumPercent of each ECS service, by ServiceName. */
function percents(template: Template): Record<string, [number, number]> {
  return Object.fromEntries(Object.values(template.findResources('AWS::ECS::Service')).map(r => [
    r.Properties.ServiceName,
    [r.Properties.DeploymentConfiguration.MinimumHealthyPercent, r.Properties.DeploymentConfiguration.MaximumPercent],
  ]));
}

function project(yaml: string, props: Partial<ComposeFargateProjectProps> = {}) {
  const stack = testStack();
  new ComposeFargateProject(stack, 'App', { compose: compose(yaml), ...props });
  return { stack, template: validatedTemplate(stack) };
}

function single(yaml: string, props: Partial<ComposeFargateServiceProps> = {}) {
  const stack = testStack();
  new ComposeFargateService(stack, 'App', { compose: compose(yaml), ...props });
  return { stack, template: validatedTemplate(stack) };
}

describe('the table', () => {
  test('every stateful image is a row of the known-ports table, named as its row', () => {
    const names = KNOWN_IMAGES.map(k => k.repositories[0]);
    for (const s of STATEFUL_IMAGES) expect({ image: s.image, inTable: names.includes(s.image) }).toEqual({ image: s.image, inTable: true });
    expect(new Set(STATEFUL_IMAGES.map(s => s.image)).size).toBe(STATEFUL_IMAGES.length);
  });

  test.each([
    ['postgres:16', 'postgres'],
    ['public.ecr.aws/docker/library/postgres:16-alpine', 'postgres'],
    ['postgis/postgis:16-3.4', 'postgres'],
    ['bitnamilegacy/mysql:8.0', 'bitnami/mysql'],
    ['mysql/mysql-server:8.0', 'mysql'],
    ['docker.elastic.co/elasticsearch/elasticsearch:8.13.0', 'elasticsearch'],
    ['redis:7-alpine', 'redis'],
    ['mongo', 'mongo'],
    ['quay.io/prometheus/prometheus', 'prom/prometheus'],
  ])('%s is stateful (%s)', (image, name) => {
    expect(statefulImage(image)?.image).toBe(name);
  });

  test.each(['nginx', 'memcached', 'prometheuscommunity/postgres-exporter', 'myapp/api:1', 'grafana/grafana', 'wordpress'])('%s is not', image => {
    expect(statefulImage(image)).toBeUndefined();
  });
});

describe('ComposeFargateProject', () => {
  test('the database on its EFS volume deploys 0/100, the web server on its volume 100/200; the warning names the service, image and volume', () => {
    const { stack, template } = project(APP);
    expect(percents(template)).toEqual({ 'App-db': [0, 100], 'App-web': [100, 200] });
    const warnings = warningsWithId(stack, 'stateful-deployment');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^services\.db\.volumes\[0\]: db runs "postgres:16" \(a database\) on the shared volume pgdata: .*minHealthyPercent 0 and maxHealthyPercent 100/);
  });

  test('redis with a volume; without one it deploys as any service; a read-only mount does not count', () => {
    const yaml = [
      'services:',
      '  cache:',
      '    image: redis:7',
      '    volumes: ["redisdata:/data"]',
      '  queue:',
      '    image: redis:7',
      '  search:',
      '    image: elasticsearch:8.13.0',
      '    volumes: ["shared:/usr/share/elasticsearch/config/extra:ro"]',
      'volumes:',
      '  redisdata: {}',
      '  shared: {}',
    ].join('\n');
    expect(percents(project(yaml).template)).toEqual({ 'App-cache': [0, 100], 'App-queue': [100, 200], 'App-search': [100, 200] });
  });

  test('a service built FROM a database image', () => {
    const dir = writeFiles(fs.mkdtempSync(path.join(os.tmpdir(), 'stateful-build-')), {
      'db/Dockerfile': 'FROM mariadb:11\nCOPY init.sql /docker-entrypoint-initdb.d/\n',
      'db/init.sql': 'create table t (id int);\n',
    });
    const stack = testStack();
    new ComposeFargateProject(stack, 'App', {
      compose: compose('services:\n  db:\n    build: ./db\n    volumes: ["data:/var/lib/mysql"]\nvolumes:\n  data: {}\n', dir),
    });
    expect(percents(validatedTemplate(stack))).toEqual({ 'App-db': [0, 100] });
  });

  test('props, per-service options and the file say otherwise: no default, no warning', () => {
    for (const [yaml, props, expected] of [
      [APP, { minHealthyPercent: 50 }, { 'App-db': [50, 200], 'App-web': [50, 200] }],
      [APP, { maxHealthyPercent: 150 }, { 'App-db': [100, 150], 'App-web': [100, 150] }],
      [APP, { services: { db: { minHealthyPercent: 100, maxHealthyPercent: 200 } } }, { 'App-db': [100, 200], 'App-web': [100, 200] }],
      [APP.replace('    image: postgres:16\n', '    image: postgres:16\n    deploy:\n      x-aws-min_percent: 50\n'), {}, { 'App-db': [50, 200], 'App-web': [100, 200] }],
      [APP.replace('    image: postgres:16\n', '    image: postgres:16\n    deploy:\n      replicas: 2\n      update_config: {parallelism: 1}\n'), {}, { 'App-db': [50, 150], 'App-web': [100, 200] }],
    ] as const) {
      const { stack, template } = project(yaml, props as Partial<ComposeFargateProjectProps>);
      expect(percents(template)).toEqual(expected);
      expect(warningsWithId(stack, 'stateful-deployment')).toEqual([]);
    }
  });
});

describe('ComposeFargateService (one task holds every container)', () => {
  test('with EFS volumes: the task holds a database on one, so the service deploys 0/100', () => {
    const { stack, template } = single(APP, { volumeStorage: VolumeStorage.EFS });
    expect(percents(template)).toEqual({ App: [0, 100] });
    expect(warningsWithId(stack, 'stateful-deployment')).toHaveLength(1);
  });

  test('on task storage each task has its own storage: the defaults', () => {
    const { stack, template } = single(APP);
    expect(percents(template)).toEqual({ App: [100, 200] });
    expect(warningsWithId(stack, 'stateful-deployment')).toEqual([]);
  });

  test('the props win', () => {
    expect(percents(single(APP, { volumeStorage: VolumeStorage.EFS, minHealthyPercent: 100 }).template)).toEqual({ App: [100, 200] });
  });
});
