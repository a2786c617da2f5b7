/**
 * The table of ports that images are known to listen on, and the reading of image references
 * that looks them up. Expected ports come from the images' own Dockerfiles and docs (the sources in
 * the table), not from the code under test.
 */
import * as fc from 'fast-check';
import { imageNamePorts, KNOWN_IMAGES, knownImagePorts, knownPortsRows, parseImageReference } from '../../src/private/facts/known-ports';

const RUNS = 300;
const check = (prop: fc.IProperty<any>, numRuns = RUNS) => fc.assert(prop, { numRuns });

const ports = (image: string) => knownImagePorts(image)?.ports;

const SHA = 'sha256:' + 'a3f1'.repeat(16);

describe('the table', () => {
  const names = KNOWN_IMAGES.flatMap(e => e.repositories);

  test('every repository name is a lower-case image name without tag or digest', () => {
    for (const name of names) {
      const ref = parseImageReference(name);
      expect({ name, ok: ref !== undefined && ref.tag === undefined && ref.digest === undefined && name === name.toLowerCase() })
        .toEqual({ name, ok: true });
    }
  });

  test('no repository is in two rows, even with its registry host left out', () => {
    const rowOf = new Map<string, number>();
    const clashes: string[] = [];
    KNOWN_IMAGES.forEach((entry, row) => {
      for (const name of entry.repositories) {
        const key = parseImageReference(name)!.path.join('/');
        if (rowOf.has(key) && rowOf.get(key) !== row) clashes.push(name);
        rowOf.set(key, row);
      }
    });
    expect(clashes).toEqual([]);
  });

  test('ports are TCP port numbers, without repeats; every row says where they were checked', () => {
    for (const entry of KNOWN_IMAGES) {
      for (const list of [entry.ports, ...(entry.variants ?? []).map(v => v.ports)]) {
        expect(list.length).toBeGreaterThan(0);
        expect(new Set(list).size).toBe(list.length);
        for (const p of list) expect(Number.isInteger(p) && p >= 1 && p <= 65535).toBe(true);
      }
      expect(entry.source.length).toBeGreaterThan(10);
    }
  });

  test('every name resolves to its own row', () => {
    for (const entry of KNOWN_IMAGES) {
      for (const name of entry.repositories) {
        const row = { image: entry.repositories[0], ports: entry.ports, source: entry.source };
        expect({ name, found: knownImagePorts(name) }).toEqual({ name, found: row });
      }
    }
  });
});

describe('images real compose files use', () => {
  test.each([
    ['postgres', [5432]],
    ['postgres:16-alpine', [5432]],
    ['postgres:16.3-bookworm@' + SHA, [5432]],
    ['docker.io/library/postgres:16', [5432]],
    ['index.docker.io/library/postgres', [5432]],
    ['library/mysql:8.4', [3306, 33060]],
    ['mysql', [3306, 33060]],
    ['mariadb:11.4', [3306]],
    ['bitnami/mariadb:11', [3306]],
    ['docker.io/bitnami/postgresql:16', [5432]],
    ['public.ecr.aws/docker/library/redis:7-alpine', [6379]],
    ['redis@' + SHA, [6379]],
    ['registry:5000/postgres', [5432]],
    ['localhost/redis:7', [6379]],
    ['localhost:5000/library/mongo:7', [27017]],
    ['[::1]:5000/memcached:1.6', [11211]],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/redis:7', [6379]],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/bitnami/kafka:3.7', [9092]],
    ['mcr.microsoft.com/mssql/server:2022-latest', [1433]],
    ['docker.elastic.co/elasticsearch/elasticsearch:8.14.1', [9200]],
    ['elasticsearch:8.14.1', [9200]],
    ['quay.io/minio/minio:RELEASE.2024-06-13T22-53-53Z', [9000]],
    ['minio/minio', [9000]],
    ['confluentinc/cp-kafka:7.6.1', [9092]],
    ['valkey/valkey:8', [6379]],
    ['prom/prometheus:v2.53.0', [9090]],
    ['grafana/grafana-oss', [3000]],
    ['nginx:1.27-alpine', [80]],
    ['Postgres:16', [5432]],
    ['MARIADB', [3306]],
    ['Bitnami/PostgreSQL:16', [5432]],
    ['  redis:7  ', [6379]],
    // Bitnami's copies of its catalog (bitnamilegacy since 2025, bitnamisecure) keep its ports.
    ['docker.io/bitnamilegacy/postgresql:16', [5432]],
    ['bitnamisecure/redis:latest', [6379]],
    // Non-root nginx images listen on 8080.
    ['bitnami/nginx:1.27', [8080]],
    ['nginxinc/nginx-unprivileged:1.27-alpine', [8080]],
  ])('%s listens on %j', (image, expected) => {
    expect(ports(image)).toEqual(expected);
  });

  test.each([
    ['rabbitmq:3.13', [5672]],
    ['rabbitmq:3.13-management-alpine', [5672, 15672]],
    ['rabbitmq:MANAGEMENT', [5672, 15672]],
    ['rabbitmq@' + SHA, [5672]],
    ['influxdb:2.7', [8086]],
    ['influxdb:1.8-alpine', [8086]],
    ['influxdb', [8086]],
    ['influxdb:3-core', [8181]],
    ['influxdb:3.2-enterprise', [8181]],
    ['influxdb:core', [8181]],
    ['wordpress:6.5-apache', [80]],
    ['wordpress:6-fpm-alpine', [9000]],
    ['nextcloud:29-fpm', [9000]],
    ['adminer:4-fastcgi', [9000]],
    ['adminer', [8080]],
    ['gitea/gitea:1.22', [3000, 22]],
    ['gitea/gitea:1.22-rootless', [3000, 2222]],
  ])('the tag of %s picks %j', (image, expected) => {
    expect(ports(image)).toEqual(expected);
  });

  test.each([
    'myorg/postgres', // someone's own image under a namespace
    'ghcr.io/example/postgres:16',
    'postgres-exporter',
    'prometheuscommunity/postgres-exporter',
    'ghcr.io/example/shop-api:2.1.0',
    'node:20-alpine',
    'busybox',
  ])('%s is not in the table', image => {
    expect(knownImagePorts(image)).toBeUndefined();
  });

  test.each([
    '',
    '   ',
    '${DB_IMAGE}',
    '${REGISTRY}/postgres',
    'postgres:${PG_TAG}',
    'postgres:',
    ':16',
    '/postgres',
    'postgres/',
    'docker.io/',
    'library/',
    'a//postgres',
    'post gres',
    'postgres@sha256:abc',
    'postgres@',
    'http://postgres',
    'postgres:16:alpine',
    'registry.example.com:port/postgres',
    '-postgres',
    'postgres:-16',
  ])('%j is not a whole image name', image => {
    expect(parseImageReference(image)).toBeUndefined();
    expect(knownImagePorts(image)).toBeUndefined();
  });
});

describe('what an image\'s name reveals when the table does not know the image', () => {
  const named = (image: string) => {
    const n = imageNamePorts(image);
    return n && { image: n.image, ports: n.ports, revealed: n.revealed };
  };

  test.each([
    ['mysql/mysql-server:8.0', 'mysql', [3306, 33060]],
    ['container-registry.oracle.com/mysql/community-server:8.4', 'mysql', [3306, 33060]],
    ['myorg/postgres:16', 'postgres', [5432]],
    ['ghcr.io/example/postgres:16', 'postgres', [5432]],
    ['linuxserver/mariadb:10.11', 'mariadb', [3306]],
    ['registry.example.com/platform/postgresql:16', 'postgres', [5432]],
    ['example/redis-server:7', 'redis', [6379]],
    ['myorg/wordpress:6-fpm', 'wordpress', [9000]],
    ['ankane/pgvector:v0.5.1', 'postgres', [5432]],
    ['acme/mongo-express:1', 'mongo-express', [8081]],
  ])('%s is %s by its name (%j)', (image, row, expected) => {
    expect(named(image)).toEqual({ image: row, ports: expected, revealed: true });
  });

  test.each([
    ['prometheuscommunity/postgres-exporter:v0.15.0', 'postgres'],
    ['postgres-exporter', 'postgres'],
    ['bitnami/postgresql-repmgr:16', 'postgres'],
    ['oliver006/redis_exporter', 'redis'],
    ['mariadb-backup', 'mariadb'],
  ])('%s only holds the name %s: not taken for it', (image, row) => {
    expect(named(image)).toMatchObject({ image: row, revealed: false });
  });

  test.each([
    'ghcr.io/example/shop-api:2.1.0',
    'node:20-alpine',
    'busybox',
    'myorg/server:1', // mcr.microsoft.com/mssql/server: `server` names no software
    'acme/all-in-one',
    'postgres:16', // in the table itself
    '${DB_IMAGE}',
  ])('%s reveals nothing', image => {
    expect(imageNamePorts(image)).toBeUndefined();
  });

  test('property: an image the table knows, under a namespace of its own, is revealed with the same ports', () => {
    const plain = KNOWN_IMAGES.flatMap(e => e.repositories.filter(r => !r.includes('/')).map(r => [r, e] as const));
    check(fc.property(fc.constantFrom(...plain), fc.constantFrom('myorg', 'ghcr.io/acme', 'registry.example.com/team'), ([name, entry], ns) => {
      const n = imageNamePorts(`${ns}/${name}`);
      expect(n).toMatchObject({ image: entry.repositories[0], ports: entry.ports, revealed: true });
    }), 100);
  });
});

describe('reading image references', () => {
  test('takes a reference apart as Docker does', () => {
    expect(parseImageReference('registry.example.com:5000/team/app:1.2@' + SHA)).toEqual({ registry: 'registry.example.com:5000', path: ['team', 'app'], tag: '1.2', digest: SHA });
    expect(parseImageReference('team/app')).toEqual({ registry: undefined, path: ['team', 'app'], tag: undefined, digest: undefined });
    expect(parseImageReference('localhost/app:dev')).toEqual({ registry: 'localhost', path: ['app'], tag: 'dev', digest: undefined });
    // A first part without '.' or ':' is a namespace, not a host.
    expect(parseImageReference('registry/app')).toEqual({ registry: undefined, path: ['registry', 'app'], tag: undefined, digest: undefined });
  });

  const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
  const alnum = fc.string({ unit: lower, minLength: 1, maxLength: 6 });
  const component = fc.tuple(alnum, fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--'), alnum), { maxLength: 2 }))
    .map(([head, tail]) => head + tail.map(([s, a]) => s + a).join(''));
  const label = fc.tuple(alnum, fc.option(fc.tuple(fc.constantFrom('', '-'), alnum), { nil: undefined }))
    .map(([a, rest]) => rest ? a + rest[0] + rest[1] : a);
  const host = fc.oneof(
    fc.tuple(fc.array(label, { minLength: 2, maxLength: 4 }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
      .map(([labels, port]) => labels.join('.') + (port === undefined ? '' : `:${port}`)),
    fc.tuple(label, fc.integer({ min: 1, max: 65535 })).map(([l, port]) => `${l}:${port}`),
    fc.constantFrom('localhost', 'localhost:5000', 'docker.io', 'public.ecr.aws', 'ghcr.io', '[::1]:5000'),
  );
  const tagChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-');
  const tag = fc.tuple(fc.constantFrom(...'abcxyzABC019_'), fc.string({ unit: tagChar, maxLength: 20 })).map(([a, b]) => a + b);
  const digest = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map(h => `sha256:${h}`);

  test('property: parsing a reference built from its parts gives the parts back', () => {
    check(fc.property(
      fc.option(host, { nil: undefined }),
      fc.array(component, { minLength: 1, maxLength: 4 }),
      fc.option(tag, { nil: undefined }),
      fc.option(digest, { nil: undefined }),
      (registry, path, t, d) => {
        // A first part with '.' would read as a host: Docker does the same.
        fc.pre(registry !== undefined || path.length === 1 || !path[0].includes('.'));
        const text = (registry ? registry + '/' : '') + path.join('/') + (t ? ':' + t : '') + (d ? '@' + d : '');
        expect(parseImageReference(text)).toEqual({ registry, path, tag: t, digest: d });
      },
    ));
  });

  const known = fc.constantFrom(...KNOWN_IMAGES.flatMap(e => e.repositories));
  const suffix = fc.oneof(fc.constant(''), tag.map(t => ':' + t), digest.map(d => '@' + d), fc.tuple(tag, digest).map(([t, d]) => `:${t}@${d}`));

  test('property: any registry in front of a known name resolves as the name does', () => {
    check(fc.property(known, host, suffix, (name, registry, s) => {
      expect(knownImagePorts(`${registry}/${name}${s}`)).toEqual(knownImagePorts(name + s));
    }));
  });

  test('property: an official image resolves the same with or without library/, behind any registry', () => {
    const official = fc.constantFrom(...KNOWN_IMAGES.flatMap(e => e.repositories).filter(n => !n.includes('/')));
    check(fc.property(official, fc.option(host, { nil: undefined }), suffix, (name, registry, s) => {
      const prefix = registry ? registry + '/' : '';
      expect(knownImagePorts(`${prefix}library/${name}${s}`)).toEqual(knownImagePorts(name + s));
      expect(knownImagePorts(`${prefix}library/${name}${s}`)).toBeDefined();
    }));
  });

  test('property: a tag or digest changes nothing for an image without tag variants; a digest alone gives the default ports', () => {
    const plain = fc.constantFrom(...KNOWN_IMAGES.filter(e => !e.variants).flatMap(e => e.repositories));
    check(fc.property(plain, suffix, (name, s) => {
      expect(knownImagePorts(name + s)).toEqual(knownImagePorts(name));
    }));
    const varied = fc.constantFrom(...KNOWN_IMAGES.filter(e => e.variants).map(e => e.repositories[0]));
    check(fc.property(varied, digest, (name, d) => {
      const entry = KNOWN_IMAGES.find(e => e.repositories[0] === name)!;
      expect(knownImagePorts(`${name}@${d}`)?.ports).toEqual(entry.ports);
    }));
  });

  test('property: case does not matter', () => {
    check(fc.property(known, suffix, fc.infiniteStream(fc.boolean()), (name, s, flips) => {
      const text = name + s;
      const mixed = [...text].map(c => (flips.next().value ? c.toUpperCase() : c)).join('');
      expect(knownImagePorts(mixed)).toEqual(knownImagePorts(text));
    }));
  });

  test('property: no string makes it throw; what it returns is a known row or nothing', () => {
    const fragments = fc.constantFrom('/', ':', '@', '.', '-', '_', '$', '{', '}', '[', ']', ' ', 'library', 'postgres', 'docker.io', 'sha256', '5000', 'A', 'é', '\u0000');
    const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.array(fragments, { maxLength: 12 }).map(a => a.join('')));
    check(fc.property(anyText, text => {
      const found = knownImagePorts(text);
      if (found !== undefined) {
        expect(KNOWN_IMAGES.some(e => e.repositories[0] === found.image)).toBe(true);
      }
      parseImageReference(text);
    }), 2000);
  });

  test('over-long inputs and runs of separators are refused', () => {
    expect(knownImagePorts('a'.repeat(600))).toBeUndefined();
    expect(knownImagePorts('a-'.repeat(200) + '!')).toBeUndefined();
    expect(knownImagePorts('a' + '__a'.repeat(150))).toBeUndefined();
  });
});

describe('documentation rows', () => {
  test('one row per image and one per tag variant, each with the ports a lookup gives', () => {
    const rows = knownPortsRows();
    expect(rows.length).toBe(KNOWN_IMAGES.reduce((n, e) => n + 1 + (e.variants?.length ?? 0), 0));
    for (const row of rows.filter(r => r.tags === 'any tag' || r.tags === 'other tags')) {
      for (const name of row.images) expect(ports(name)).toEqual(row.ports);
    }
    const rabbit = rows.filter(r => r.images.includes('rabbitmq'));
    expect(rabbit.map(r => [r.tags, r.ports])).toEqual([['other tags', [5672]], ['tags with `management`', [5672, 15672]]]);
  });
});
