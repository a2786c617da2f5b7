/**
 * How the ECS services of a project reach each other, planned on their own: the ports a service
 * serves, the Service Connect endpoints and Cloud Map names, the security group peers, the order of
 * creation. Under compose every service on a network reaches every port of the others on it.
 */
import { composeFixture, ecsService, project } from './plan-util';
import { ServiceModel } from '../../src/private/model';
import { creationOrder, mergeRanges, planEndpoints, servedPorts } from '../../src/private/plan/connect';
import { findHostReferences, serviceNames } from '../../src/private/plan/names';
import { Problems } from '../../src/private/problems';

const svcOf = (compose: { services: ServiceModel[] }, name: string) => compose.services.find(s => s.name === name)!;

describe('the ports a service serves', () => {
  test('declared ports, a Dockerfile\'s EXPOSE (with the compose build arg), a known image\'s port', () => {
    const compose = composeFixture('real/node-postgres-build');
    const refs = findHostReferences(compose);
    const problems = new Problems();
    expect(servedPorts(svcOf(compose, 'api'), refs, problems).endpoints).toEqual([4000]);
    // The database builds FROM postgres: it inherits the image's port.
    expect(servedPorts(svcOf(compose, 'db'), refs, problems).endpoints).toEqual([5432]);
    expect(problems.warnings.filter(w => w.id === 'inferred-port' || w.id === 'unknown-port')).toEqual([]);
  });

  test('a range stays whole for the security group and makes no endpoint; UDP is admitted but not an endpoint', () => {
    const compose = composeFixture('plan/networks');
    const served = servedPorts(svcOf(compose, 'metrics'), findHostReferences(compose), new Problems());
    expect(served.ranges).toEqual([{ fromPort: 9100, toPort: 9102, protocol: 'tcp' }, { fromPort: 8125, toPort: 8125, protocol: 'udp' }]);
    expect(served.endpoints).toEqual([]);
  });

  test('a port another service writes with the name is served too, with a warning that says who wrote it', () => {
    const compose = composeFixture('project-names');
    const problems = new Problems(compose.file);
    expect(servedPorts(svcOf(compose, 'metadata'), findHostReferences(compose), problems).endpoints).toEqual([4000]);
    expect(problems.warnings.map(w => [w.id, w.path.join('.'), w.message])).toEqual([[
      'inferred-port', 'services.metadata',
      expect.stringContaining('answers on 4000: the port web writes at services.web.environment.METADATA_URL, which it neither publishes nor exposes'),
    ]]);
  });
});

describe('adjacent and overlapping ranges of one protocol are one rule', () => {
  test.each([
    [[[80, 80], [81, 90]], [[80, 90]]],
    [[[100, 200], [150, 160]], [[100, 200]]],
    [[[5000, 5000], [5002, 5002]], [[5000, 5000], [5002, 5002]]],
  ])('%j -> %j', (input, expected) => {
    const tcp = (r: number[]) => ({ fromPort: r[0], toPort: r[1], protocol: 'tcp' as const });
    expect(mergeRanges(input.map(tcp))).toEqual(expected.map(tcp));
  });

  test('TCP and UDP on the same port stay two rules', () => {
    expect(mergeRanges([{ fromPort: 53, toPort: 53, protocol: 'udp' }, { fromPort: 53, toPort: 53, protocol: 'tcp' }]))
      .toEqual([{ fromPort: 53, toPort: 53, protocol: 'tcp' }, { fromPort: 53, toPort: 53, protocol: 'udp' }]);
  });
});

describe('Service Connect endpoints: every name a service answers to, on every port it serves', () => {
  const { plan } = project(composeFixture('project-names'));
  const answers = (name: string) => ecsService(plan, name).endpoints.map(e => `${e.dnsName}:${e.port}`);

  test('the compose name, container_name, hostname, network alias and links alias', () => {
    expect(answers('web')).toEqual(['web:8080', 'names-web:8080']);
    expect(answers('db')).toEqual(['db:5432', 'database:5432']);
    expect(answers('auth')).toEqual(['auth:9000', 'identity:9000']);
    expect(answers('search')).toEqual(['search:7700', 'search-engine:7700']);
    expect(answers('legacy')).toEqual(['legacy:5000', 'legacy-box:5000']);
  });

  test('a service that serves no port is a client only; one in an inactive profile is not planned', () => {
    expect(answers('worker')).toEqual([]);
    expect(plan!.services.map(s => s.name)).not.toContain('adminer');
  });

  test('each endpoint is on a port mapping of the main container, by name', () => {
    for (const s of plan!.services) {
      const main = s.task.containers.find(c => c.name === s.name)!;
      for (const e of s.endpoints) expect(main.portMappings.some(m => m.containerPort === e.port)).toBe(true);
    }
  });

  test('Cloud Map names are unique in the namespace', () => {
    const names = plan!.services.flatMap(s => s.endpoints.map(e => e.discoveryName));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('names that clash in one namespace', () => {
  const compose = composeFixture('plan/order');

  test('a links alias that another service already answers to is left out, with a warning', () => {
    // api links cache as kv; say a service named kv serves 6379 too.
    const names = [...serviceNames(compose), { name: 'kv', service: 'front', kind: 'service' as const }];
    const problems = new Problems(compose.file);
    const endpoints = planEndpoints([
      { name: 'front', path: ['services', 'front'], ports: [6379] },
      { name: 'cache', path: ['services', 'cache'], ports: [6379] },
    ], names, problems);
    expect(endpoints.get('cache')!.map(e => e.dnsName)).toEqual(['cache']);
    expect(endpoints.get('front')!.map(e => e.dnsName)).toEqual(['front', 'kv']);
    expect(problems.warnings.map(w => w.message)).toEqual([expect.stringContaining('kv:6379 already reaches front: in one Service Connect namespace a name and port reach one service, so the links alias kv of cache is left out')]);
  });

  test('Cloud Map names are lower case, at most 64 characters, and stay unique when they would collide', () => {
    const long = 'a'.repeat(70);
    const endpoints = planEndpoints([
      { name: 'API.v2', path: [], ports: [8080] },
      { name: 'api-v2', path: [], ports: [8080] },
      { name: long, path: [], ports: [8080] },
    ], [
      { name: 'api.v2', service: 'API.v2', kind: 'service' },
      { name: 'api-v2', service: 'api-v2', kind: 'service' },
      { name: long, service: long, kind: 'service' },
    ], new Problems());
    const discovery = [...endpoints.values()].flat().map(e => e.discoveryName);
    expect(discovery.every(d => /^[a-z0-9_-]{1,64}$/.test(d))).toBe(true);
    expect(new Set(discovery).size).toBe(3);
    // The DNS names clients use stay as written.
    expect([...endpoints.values()].flat().map(e => e.dnsName)).toEqual(['api.v2', 'api-v2', long]);
  });
});

describe('the order of creation', () => {
  test('links and names order creation too; of two services that name each other, the first named is created first, with a warning', () => {
    const { plan, warned } = project(composeFixture('plan/order'));
    // front names api (API_URL) and api names front (FRONT_URL): one of the two orders.
    expect(ecsService(plan, 'front').after).toEqual(['api']);
    expect(ecsService(plan, 'api').after).toEqual(['cache']); // links: cache:kv
    expect(warned('creation-order')).toEqual([expect.stringMatching(/^services\.api: api and front name each other: api is not created after front/)]);
    // ping depends on api and names front.
    expect(ecsService(plan, 'ping').after).toEqual(['api', 'front']);
  });

  test('depends_on decides before names: a name against a depends_on cycle does not order, and is warned about', () => {
    const problems = new Problems();
    const order = creationOrder(new Map([
      ['a', [{ target: 'b', hard: false }]],
      ['b', [{ target: 'c', hard: true }]],
      ['c', [{ target: 'a', hard: true }]],
    ]), problems, name => ['services', name]);
    expect([...order]).toEqual([['a', []], ['b', ['c']], ['c', ['a']]]);
    expect(problems.warnings.map(w => w.path.join('.'))).toEqual(['services.a']);
  });

  test('a target that is no ECS service of the project orders nothing', () => {
    const order = creationOrder(new Map([['a', [{ target: 'one-shot', hard: true }]]]), new Problems(), name => [name]);
    expect(order.get('a')).toEqual([]);
  });
});

describe('peers on shared networks', () => {
  const { plan, warned } = project(composeFixture('plan/networks'));
  const peers = (name: string) => ecsService(plan, name).peers.map(p => p.from);

  test('a one-shot in a task reaches its own networks, but does not open its service to them', () => {
    // web is on front; its migration, in web's task, on back with the database.
    expect(ecsService(plan, 'web').networks).toEqual(['front', 'back']);
    expect(peers('db')).toEqual(['web', 'cache']);
    expect(peers('web')).toEqual(['cache', 'admin', 'metrics']);
    expect(ecsService(plan, 'web').after).toEqual(['db']); // migrate --host db
  });

  test('a service on two networks admits both sides; a service admits nobody when it serves nothing', () => {
    expect(peers('cache')).toEqual(['web', 'db', 'admin', 'metrics']);
    expect(peers('admin')).toEqual([]);
  });

  test('a name used across networks is warned about where it is written, and still orders creation', () => {
    expect(warned('unreachable-service')).toEqual([
      'services.admin.environment.DB_HOST: "db" names db, which shares no network with admin (back against front): the connection is refused, as under compose',
    ]);
    expect(ecsService(plan, 'admin').after).toEqual(['db', 'cache']);
  });

  test('peers are admitted on the whole range and UDP ports a service serves', () => {
    expect(ecsService(plan, 'metrics').peers.map(p => [p.from, p.ports])).toEqual(['web', 'cache', 'admin'].map(from => [from, [
      { fromPort: 9100, toPort: 9102, protocol: 'tcp' }, { fromPort: 8125, toPort: 8125, protocol: 'udp' },
    ]]));
  });
});
