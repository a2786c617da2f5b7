/**
 * The names compose services answer to and where files use them, planned on their own: every name
 * Docker Compose's DNS answers (service name, container_name, hostname, network aliases, links
 * aliases), the host references in environments, commands and mounted project files, and which
 * services run once.
 */
import { composeFixture } from './plan-util';
import { findHostReferences, isOneShot, serviceNames, warnHostReferences } from '../../src/private/plan/names';
import { Problems } from '../../src/private/problems';

describe('every name a service answers to', () => {
  const compose = composeFixture('project-names');
  const names = serviceNames(compose);
  const of = (service: string) => names.filter(n => n.service === service).map(n => `${n.kind}:${n.name}`);

  test('each kind of name, compose name first', () => {
    expect(of('web')).toEqual(['service:web', 'container_name:names-web']);
    expect(of('auth')).toEqual(['service:auth', 'hostname:identity']);
    expect(of('legacy')).toEqual(['service:legacy', 'container_name:legacy-box']);
    expect(of('search')).toEqual(['service:search', 'alias:search-engine']);
    // A links alias is a name of the service linked to, not of the one that links.
    expect(of('db')).toEqual(['service:db', 'link:database']);
  });

  test('a network alias is valid on its network only', () => {
    expect(names.find(n => n.name === 'search-engine')!.network).toBe('default');
    expect(names.find(n => n.name === 'identity')!.network).toBeUndefined();
  });

  test('a service of an inactive profile has no names', () => {
    expect(names.some(n => n.service === 'adminer')).toBe(false);
  });
});

describe('where a service uses another\'s name as a host', () => {
  test('URLs, host:port and the link alias, each with the port written', () => {
    const refs = findHostReferences(composeFixture('project-names')).filter(r => r.from === 'web');
    expect(refs.map(r => `${r.path.slice(2).join('.')} -> ${r.target}:${r.port ?? ''}`)).toEqual([
      'environment.DATABASE_HOST -> db:',
      'environment.CACHE_URL -> cache:6379',
      'environment.SEARCH_URL -> search:7700',
      'environment.AUTH_URL -> auth:9000',
      'environment.LEGACY_URL -> legacy:5000',
      'environment.METADATA_URL -> metadata:4000',
    ]);
  });

  test('a links alias names the linked service only for the service that declares the link', () => {
    // worker writes DATABASE_HOST: db, not the alias; no other service may use "database" for db.
    const refs = findHostReferences(composeFixture('project-names'));
    expect(refs.filter(r => r.name === 'database').map(r => r.from)).toEqual(['web']);
  });

  test('a bare value is a host only where the variable says so: MYSQL-like user names are not', () => {
    // WORDPRESS_DB_NAME: wordpress and MARIADB_DATABASE: wordpress name no host; WORDPRESS_DB_HOST: db:3306 does.
    const refs = findHostReferences(composeFixture('project-wordpress', { WORDPRESS_DB_PASSWORD: 'x' }));
    expect(refs.map(r => `${r.from} ${r.path.slice(2).join('.')} -> ${r.target}:${r.port}`)).toEqual(['wordpress environment.WORDPRESS_DB_HOST -> db:3306']);
  });

  test('an option that takes a host names it in a command', () => {
    const nets = findHostReferences(composeFixture('plan/networks'));
    expect(nets.filter(r => r.from === 'migrate').map(r => [r.path.slice(2).join('.'), r.target])).toEqual([['command', 'db']]);
  });

  test('the project files a container reads name hosts too: a config, a mounted file, what the build copies', () => {
    const refs = findHostReferences(composeFixture('project-files-order'));
    const of = (from: string) => [...new Set(refs.filter(r => r.from === from).map(r => `${r.target}:${r.port ?? ''}`))].sort();
    expect(of('proxy')).toEqual(['backend:8080']); // proxy_pass in the config site
    expect(of('peer-a')).toEqual(expect.arrayContaining([expect.stringMatching(/^peer-b:/)]));
    expect(of('peer-b')).toEqual(expect.arrayContaining([expect.stringMatching(/^peer-a:/)]));
    expect(of('backend')).toEqual(expect.arrayContaining([expect.stringMatching(/^db:/), expect.stringMatching(/^cache:/)]));
  });

  test('a service naming itself is no reference', () => {
    const refs = findHostReferences(composeFixture('plan/order'));
    expect(refs.every(r => r.from !== r.target)).toBe(true);
  });
});

describe('one task: a compose name does not resolve', () => {
  test('each use is warned about with the localhost address to write instead', () => {
    const compose = composeFixture('project-wordpress', { WORDPRESS_DB_PASSWORD: 'x' });
    const problems = new Problems(compose.file);
    warnHostReferences(compose, problems);
    expect(problems.warnings.map(w => [w.id, w.path.join('.')])).toEqual([['service-name-host', 'services.wordpress.environment.WORDPRESS_DB_HOST']]);
    expect(problems.warnings[0].message).toContain('"db:3306" names the compose service db, which does not resolve inside one task');
    expect(problems.warnings[0].message).toContain('write "localhost:3306"');
  });

  test('a name that is not the service\'s own says which name it is', () => {
    const compose = composeFixture('project-names');
    const problems = new Problems(compose.file);
    warnHostReferences(compose, problems);
    expect(problems.warnings.find(w => w.path.join('.') === 'services.web.environment.SEARCH_URL')!.message)
      .toContain('names the compose service search (as search-engine)');
  });
});

describe('which services run once', () => {
  const compose = composeFixture('plan/one-shots');
  const once = compose.services.filter(s => isOneShot(s, compose)).map(s => s.name);

  test('restart "no", a restart policy of none, a job, and what others wait for to complete', () => {
    expect(once).toEqual(['migrate', 'fixtures', 'seed', 'backup', 'report']);
  });

  test('services compose keeps running: restart unset or always, and restart "no" overridden by deploy', () => {
    expect(compose.services.filter(s => !once.includes(s.name)).map(s => s.name)).toEqual(['api', 'worker', 'poller', 'db']);
  });
});
