/**
 * How services of a ComposeFargateProject find each other: the ports each one answers on (declared,
 * EXPOSEd by its Dockerfile, known for its image, or revealed by the image's name), the names other
 * services write in their environment and in the project files they mount, and the compose networks
 * they share. Real apps' files under test/fixtures/real/.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateProject } from '../../src';
import { hostsIn } from '../../src/private/plan/names';
import { validatedTemplate } from '../cfn-validate';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function project(dir: string, variables: Record<string, string> = {}) {
  const stack = new Stack(new App(), 'S');
  const construct = new ComposeFargateProject(stack, 'App', {
    compose: ComposeDefinition.fromFile(path.join(FIXTURES, dir, 'docker-compose.yml'), { variables }),
  });
  return { stack, construct, template: validatedTemplate(stack) };
}

function ecsService(template: Template, name: string): any {
  const found = Object.values(template.findResources('AWS::ECS::Service')).find(r => r.Properties.ServiceName.endsWith(`-${name}`));
  if (!found) throw new Error(`no ECS service for ${name}`);
  return found;
}

/** The names and ports a service answers at through Service Connect. */
function answersAt(template: Template, name: string): string[] {
  return (ecsService(template, name).Properties.ServiceConnectConfiguration.Services ?? [])
    .map((s: any) => `${s.ClientAliases[0].DnsName}:${s.ClientAliases[0].Port}`);
}

/** The container ports of a service's main container. */
function containerPorts(template: Template, container: string): number[] {
  const td = Object.values(template.findResources('AWS::ECS::TaskDefinition')).find(r => r.Properties.Family.endsWith(`-${container}`))!;
  return td.Properties.ContainerDefinitions.find((c: any) => c.Name === container).PortMappings.map((m: any) => m.ContainerPort);
}

function warnings(stack: Stack, id?: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data))
    .filter(w => id === undefined || w.includes(`[ack: cdk-compose-fargate:${id}]`));
}

describe('a built service answers on the ports its Dockerfile EXPOSEs', () => {
  const { stack, template } = project('real/node-postgres-build');

  test('EXPOSE ${PORT}, with the compose build arg over the ARG default, is the API\'s endpoint and port mapping', () => {
    expect(answersAt(template, 'api')).toEqual(['api:4000']);
    expect(containerPorts(template, 'api')).toEqual([4000]);
  });

  test('a Dockerfile FROM postgres inherits its port: the database answers on 5432 though nobody writes it', () => {
    expect(answersAt(template, 'db')).toEqual(['db:5432']);
  });

  test('no warning guesses a port', () => {
    expect(warnings(stack, 'inferred-port')).toEqual([]);
    expect(warnings(stack, 'unknown-port')).toEqual([]);
  });
});

describe('awesome-compose nginx-golang-postgres: the backend built to its builder stage', () => {
  const { stack, template } = project('real/nginx-golang-postgres');

  test('answers on the EXPOSE of the target stage, which the proxy\'s nginx.conf writes', () => {
    expect(answersAt(template, 'backend')).toEqual(['backend:8000']);
    expect(warnings(stack, 'inferred-port')).toEqual([]);
  });
});

describe('an image reference in a text is not a host and port', () => {
  const hosts = (text: string, image = false) => [...new Set(hostsIn(text, false, image).map(c => `${c.name}:${c.port ?? ''}`))];

  test.each([
    'image: postgres:16',
    '  - image: "redis:7"',
    '"image": "postgres:16",',
    'image="postgres:16",',
    'image = "mysql:8"',
    'imageName: postgres:16',
    'FROM postgres:16',
    'FROM --platform=linux/amd64 postgres:16 AS db',
    'docker run --rm postgres:16 pg_dump --version',
    'docker run -d -p 5432:5432 -e POSTGRES_PASSWORD=x postgres:16',
    'docker pull redis:7',
    'runs-on: ubuntu-latest:docker://node:16-bullseye',
  ])('%j names no host with a port', text => {
    expect(hosts(text).filter(h => /^(postgres|redis|mysql|node):\d/.test(h))).toEqual([]);
  });

  test('tags that are no port number never were: postgres:16-alpine, postgres:latest, postgres:16.3', () => {
    expect(hosts('postgres:16-alpine postgres:latest postgres:16.3')).toEqual([]);
  });

  test('the value of an image variable is an image; a URL in it still names its host', () => {
    expect(hosts('postgres:16', true)).toEqual([]);
    expect(hosts('postgres:16')).toEqual(['postgres:16']);
    expect(hosts('http://registry:5000/app:1', true)).toEqual(['registry:5000']);
  });

  test('hosts and ports next to images are still read', () => {
    expect(hosts('DATABASE_URL=postgres://app@db:5432/app')).toEqual(['db:5432']);
    expect(hosts('proxy_pass http://backend:8000;')).toEqual(['backend:8000']);
    expect(hosts('upstream: backend:8000')).toEqual(['backend:8000']);
    expect(hosts('targets: ["node-exporter:9100", "cadvisor:8080"]')).toEqual(['node-exporter:9100', 'cadvisor:8080']);
    expect(hosts('image: app:1 server: db:5432')).toEqual(['db:5432']);
  });
});

describe('Apache Airflow: a DAG folder that names images', () => {
  const { stack, template } = project('real/airflow-celery');

  test('postgres and redis answer on their own ports, not on the tags the DAGs write', () => {
    expect(answersAt(template, 'postgres')).toEqual(['postgres:5432']);
    expect(answersAt(template, 'redis')).toEqual(['redis:6379']);
    expect(warnings(stack, 'inferred-port')).toEqual([]);
  });
});

describe('services that declare no networks share the default network', () => {
  test('Bitnami Redmine: the database, which serves no port the plan knows, is still on redmine\'s network', () => {
    const { stack } = project('real/bitnami-redmine');
    expect(warnings(stack, 'unreachable-service')).toEqual([]);
  });

  function synth(services: Record<string, any>) {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromObject({ name: 'nets', services, networks: { backend: {}, admin: {} } }) });
    validatedTemplate(stack);
    return warnings(stack, 'unreachable-service');
  }
  const api = (networks?: string[]) => ({ image: 'ghcr.io/example/api:1.4', expose: ['8080'], ...(networks ? { networks } : {}) });
  const web = (networks?: string[]) => ({ image: 'ghcr.io/example/web:1.4', environment: { API_URL: 'http://api:8080' }, ...(networks ? { networks } : {}) });

  test('a service on explicit networks without default and a default-only one share none, as under docker compose', () => {
    expect(synth({ api: api(['backend']), web: web() })).toEqual([
      expect.stringContaining('services.web.environment.API_URL: "http://api:8080" names api, which shares no network with web (backend against default)'),
    ]);
    expect(synth({ api: api(), web: web(['admin']) })).toEqual([
      expect.stringContaining('"http://api:8080" names api, which shares no network with web (default against admin)'),
    ]);
  });

  test('naming default among its networks, or sharing another, connects', () => {
    expect(synth({ api: api(['backend', 'default']), web: web() })).toEqual([]);
    expect(synth({ api: api(['backend']), web: web(['admin', 'backend']) })).toEqual([]);
    expect(synth({ api: api(), web: web() })).toEqual([]);
  });

  test('a service that serves no known port on the shared network is warned about once, for its port', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', {
      compose: ComposeDefinition.fromObject({
        name: 'nets',
        services: {
          api: { image: 'ghcr.io/example/api:1.4' },
          web: { image: 'ghcr.io/example/web:1.4', environment: { API_HOST: 'api' } },
        },
      }),
    });
    validatedTemplate(stack);
    expect(warnings(stack, 'unreachable-service')).toEqual([]);
    expect(warnings(stack, 'unknown-port')).toEqual([expect.stringContaining('services.api: web (services.web.environment.API_HOST) reaches this service by name, but it publishes and exposes no port')]);
  });
});

describe('an image whose name reveals its port', () => {
  test('Bitnami Redmine on bitnamilegacy/postgresql: the table knows Bitnami\'s copies', () => {
    const { stack, template } = project('real/bitnami-redmine');
    expect(answersAt(template, 'postgresql')).toEqual(['postgresql:5432']);
    expect(warnings(stack, 'unknown-port')).toEqual([]);
  });

  function synth(services: Record<string, any>) {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromObject({ name: 'named', services }) });
    return { stack, template: validatedTemplate(stack) };
  }

  test('mysql/mysql-server answers where mysql does, with a warning that names the image and says how to set the port', () => {
    const { stack, template } = synth({
      db: { image: 'mysql/mysql-server:8.0', environment: { MYSQL_ROOT_HOST: '%' } },
      app: { image: 'ghcr.io/example/app:3', environment: { DB_HOST: 'db' } },
    });
    expect(answersAt(template, 'db')).toEqual(['db:3306', 'db:33060']);
    expect(warnings(stack, 'image-name-port')).toEqual([expect.stringContaining(
      'services.db: answers on 3306, 33060: its image "mysql/mysql-server:8.0" is not in the table of known images, but its name says mysql, which is mysql',
    )]);
    expect(warnings(stack, 'image-name-port')[0]).toContain('if it listens elsewhere, say so with `expose: ["PORT"]`');
    expect(warnings(stack, 'unknown-port')).toEqual([]);
  });

  test('a declared port wins: no guess, no warning', () => {
    const { stack, template } = synth({
      db: { image: 'mysql/mysql-server:8.0', expose: ['3307'] },
      app: { image: 'ghcr.io/example/app:3', environment: { DB_HOST: 'db' } },
    });
    expect(answersAt(template, 'db')).toEqual(['db:3307']);
    expect(warnings(stack, 'image-name-port')).toEqual([]);
  });

  test('a name that only holds a known one is not taken for it: the warning names the image and the port it would be', () => {
    const { stack } = synth({
      exporter: { image: 'prometheuscommunity/postgres-exporter:v0.15.0' },
      prometheus: { image: 'prom/prometheus:v2.53.0', command: ['--web.listen-address=:9090'], environment: { EXPORTER_HOST: 'exporter' } },
    });
    expect(warnings(stack, 'image-name-port')).toEqual([]);
    expect(warnings(stack, 'unknown-port')).toEqual([expect.stringContaining(
      'its image "prometheuscommunity/postgres-exporter:v0.15.0" is not one whose port is known: add `expose: ["PORT"]` so that it answers on that port (its name holds postgres, but more: if it listens where postgres does, that is `expose: ["5432"]`)',
    )]);
  });
});
