/**
 * The TCP ports common images listen on when a compose file declares none.
 *
 * Real compose files rarely give `ports` or `expose` for a database or a cache (`db: {image:
 * postgres}` is reachable at `db:5432` under compose anyway). When each compose service becomes
 * its own ECS service, another service can reach it only on a port that is declared somewhere, so
 * the plan falls back on this table: the ports an image is documented (or its Dockerfile `EXPOSE`s)
 * to listen on, limited to the ones clients connect to (no cluster, gossip or JMX ports).
 *
 * Pure data and functions: no CDK import.
 */

/** Ports that replace an image's default ports for the tags that match. */
export interface KnownTagVariant {
  /** Tags (case-insensitive) this variant applies to. */
  readonly tag: RegExp;
  /** How the docs table names these tags. */
  readonly tags: string;
  readonly ports: readonly number[];
}

/** One row of the table: a family of repository names that share their default ports. */
export interface KnownImage {
  /**
   * Repository names as compose files write them, without tag. Docker Hub names carry no host; the
   * first name is the one messages and docs show.
   */
  readonly repositories: readonly string[];
  /** The TCP ports clients connect to, most used first. */
  readonly ports: readonly number[];
  /** Tags whose images listen elsewhere (`wordpress:fpm`, `rabbitmq:management`). */
  readonly variants?: readonly KnownTagVariant[];
  /** Where the ports were checked. */
  readonly source: string;
}

const FPM = (ports: readonly number[] = [9000]): KnownTagVariant => ({ tag: /fpm/i, tags: 'tags with `fpm`', ports });

/**
 * The table. Add a row with the source you checked; `test/plan/known-ports.test.ts` keeps the names
 * unique and well formed.
 */
export const KNOWN_IMAGES: readonly KnownImage[] = [
  // Databases
  { repositories: ['postgres', 'bitnami/postgresql', 'postgis/postgis', 'pgvector/pgvector'], ports: [5432], source: 'docker-library/postgres Dockerfile `EXPOSE 5432`; bitnami/postgresql `EXPOSE 5432`; postgis and pgvector build FROM postgres' },
  { repositories: ['mysql', 'percona', 'percona/percona-server'], ports: [3306, 33060], source: 'docker-library/mysql image `EXPOSE 3306 33060`; percona-docker Dockerfile `EXPOSE 3306 33060`' },
  { repositories: ['bitnami/mysql'], ports: [3306], source: 'bitnami/mysql Dockerfile `EXPOSE 3306`' },
  { repositories: ['mariadb', 'bitnami/mariadb'], ports: [3306], source: 'mariadb image `EXPOSE 3306`; bitnami/mariadb `EXPOSE 3306`' },
  { repositories: ['mcr.microsoft.com/mssql/server', 'microsoft/mssql-server-linux'], ports: [1433], source: 'Microsoft SQL Server container quickstart: `-p 1433:1433`' },
  { repositories: ['mongo', 'bitnami/mongodb'], ports: [27017], source: 'mongo image `EXPOSE 27017`; bitnami/mongodb `EXPOSE 27017`' },
  { repositories: ['cassandra'], ports: [9042], source: 'cassandra image `EXPOSE 7000 7001 7199 9042 9160`: 9042 is CQL, the others are intra-node, JMX and Thrift' },
  { repositories: ['couchdb'], ports: [5984], source: 'couchdb Dockerfile `EXPOSE 5984 4369 9100`: 5984 is the CouchDB endpoint, the others are Erlang and cluster ports' },
  { repositories: ['neo4j'], ports: [7687, 7474], source: 'neo4j Dockerfile `EXPOSE 7474 7473 7687`: Bolt 7687, HTTP 7474 (7473 is HTTPS once configured)' },
  {
    repositories: ['clickhouse/clickhouse-server', 'clickhouse', 'yandex/clickhouse-server'],
    ports: [8123, 9000],
    source: 'clickhouse-server Dockerfile `EXPOSE 9000 8123 9009`: HTTP 8123, native 9000 (9009 is inter-server)',
  },
  {
    repositories: ['influxdb'],
    ports: [8086],
    variants: [{ tag: /^(?:3(?:[.-].*)?|core|enterprise)$/i, tags: 'InfluxDB 3 tags (`3`, `3-core`, `core`, `enterprise`, ...)', ports: [8181] }],
    source: 'influxdb 1.x/2.x images `EXPOSE 8086`; influxdb 3 images `EXPOSE 8181`',
  },
  // Caches and key-value stores
  { repositories: ['redis', 'bitnami/redis', 'valkey/valkey', 'eqalpha/keydb'], ports: [6379], source: 'redis image `EXPOSE 6379`; bitnami/redis `EXPOSE 6379`; Valkey and KeyDB keep the Redis port (valkey/valkey docs, KeyDB compose files publish 6379)' },
  { repositories: ['memcached', 'bitnami/memcached'], ports: [11211], source: 'memcached image `EXPOSE 11211`; bitnami/memcached `EXPOSE 11211`' },
  { repositories: ['quay.io/coreos/etcd', 'gcr.io/etcd-development/etcd'], ports: [2379], source: 'etcd Dockerfile `EXPOSE 2379 2380`: 2379 is the client port, 2380 the peer port' },
  { repositories: ['consul', 'hashicorp/consul'], ports: [8500], source: 'Consul image runs `agent -dev -client 0.0.0.0`; 8500 is the HTTP API' },
  { repositories: ['vault', 'hashicorp/vault'], ports: [8200], source: 'hashicorp/vault docs: `docker run -p 8200:8200 hashicorp/vault`' },
  // Messaging
  {
    repositories: ['rabbitmq'],
    ports: [5672],
    variants: [{ tag: /management/i, tags: 'tags with `management`', ports: [5672, 15672] }],
    source: 'rabbitmq image: AMQP 5672; its management variant adds `EXPOSE 15671 15672` (15672 is the HTTP UI)',
  },
  { repositories: ['bitnami/rabbitmq'], ports: [5672, 15672], source: 'bitnami/rabbitmq `EXPOSE 4369 5551 5552 5671 5672 15671 15672 25672`: AMQP 5672, management UI 15672' },
  { repositories: ['bitnami/kafka', 'confluentinc/cp-kafka', 'apache/kafka'], ports: [9092], source: 'bitnami/kafka, confluentinc/kafka-images and apache/kafka Dockerfiles `EXPOSE 9092` (listeners are set by environment)' },
  { repositories: ['zookeeper', 'bitnami/zookeeper'], ports: [2181], source: 'zookeeper image `EXPOSE 2181 2888 3888 8080`: 2181 is the client port' },
  { repositories: ['nats'], ports: [4222], source: 'nats image `EXPOSE 4222 8222 6222`: 4222 clients, 8222 monitoring, 6222 routing' },
  { repositories: ['eclipse-mosquitto'], ports: [1883], source: 'eclipse-mosquitto image `EXPOSE 1883`' },
  // Search and analytics
  { repositories: ['elasticsearch', 'docker.elastic.co/elasticsearch/elasticsearch', 'bitnami/elasticsearch'], ports: [9200], source: 'Elasticsearch Dockerfiles `EXPOSE 9200 9300`: 9200 is the REST API, 9300 the transport' },
  { repositories: ['opensearchproject/opensearch', 'opensearch'], ports: [9200], source: 'OpenSearch docs: `docker run -p 9200:9200 -p 9600:9600`: REST API 9200 (9600 is the performance analyzer)' },
  { repositories: ['kibana', 'docker.elastic.co/kibana/kibana', 'opensearchproject/opensearch-dashboards'], ports: [5601], source: 'kibana image `EXPOSE 5601`; OpenSearch Dashboards compose examples publish 5601' },
  // Object storage and cloud emulators
  { repositories: ['minio/minio', 'quay.io/minio/minio'], ports: [9000], source: 'minio Dockerfile.release `EXPOSE 9000` (the console port is set by `--console-address`)' },
  { repositories: ['localstack/localstack'], ports: [4566], source: 'localstack docker-compose.yml: 4566 is the LocalStack gateway' },
  // Observability
  { repositories: ['prom/prometheus', 'quay.io/prometheus/prometheus'], ports: [9090], source: 'prometheus Dockerfile `EXPOSE 9090`' },
  { repositories: ['grafana/grafana', 'grafana/grafana-oss', 'grafana/grafana-enterprise'], ports: [3000], source: 'grafana Dockerfile `EXPOSE 3000`' },
  { repositories: ['jaegertracing/all-in-one'], ports: [16686, 4317, 4318, 14268], source: 'Jaeger getting started: UI 16686, OTLP 4317/4318, collector HTTP 14268' },
  { repositories: ['jaegertracing/jaeger', 'cr.jaegertracing.io/jaegertracing/jaeger'], ports: [16686, 4317, 4318], source: 'Jaeger v2 getting started: UI 16686, OTLP 4317/4318' },
  // Mail catchers
  { repositories: ['mailhog/mailhog'], ports: [1025, 8025], source: 'MailHog Dockerfile `EXPOSE 1025 8025` (SMTP, HTTP)' },
  { repositories: ['axllent/mailpit'], ports: [1025, 8025], source: 'mailpit Dockerfile `EXPOSE 1025/tcp 1110/tcp 8025/tcp`: SMTP 1025, web UI 8025 (1110 is POP3, off by default)' },
  // Web servers and proxies
  { repositories: ['nginx'], ports: [80], source: 'nginx image `EXPOSE 80`' },
  { repositories: ['bitnami/nginx'], ports: [8080], source: 'bitnami/nginx runs as non-root: `EXPOSE 8080 8443`' },
  { repositories: ['nginxinc/nginx-unprivileged'], ports: [8080], source: 'nginx-unprivileged Dockerfile `EXPOSE 8080` (non-root)' },
  { repositories: ['httpd'], ports: [80], source: 'httpd image `EXPOSE 80` (`CMD httpd-foreground`)' },
  { repositories: ['caddy'], ports: [80, 443], source: 'caddy image `EXPOSE 80 443 443/udp 2019` (2019 is the admin API on localhost)' },
  { repositories: ['traefik'], ports: [80], source: 'traefik Dockerfile `EXPOSE 80` (the dashboard on 8080 only with `--api.insecure`)' },
  { repositories: ['tomcat', 'jetty'], ports: [8080], source: 'tomcat and jetty images `EXPOSE 8080`' },
  // Applications
  { repositories: ['wordpress'], ports: [80], variants: [FPM()], source: 'wordpress images build FROM php:apache (`EXPOSE 80`); the fpm tags FROM php:fpm (`EXPOSE 9000`)' },
  { repositories: ['nextcloud'], ports: [80], variants: [FPM()], source: 'nextcloud apache images `EXPOSE 80`; fpm tags `EXPOSE 9000`' },
  { repositories: ['drupal', 'joomla', 'mediawiki'], ports: [80], variants: [FPM()], source: 'drupal, joomla and mediawiki build FROM php:apache (`EXPOSE 80`); fpm tags FROM php:fpm (`EXPOSE 9000`)' },
  { repositories: ['phpmyadmin', 'phpmyadmin/phpmyadmin'], ports: [80], variants: [FPM()], source: 'phpmyadmin apache image `EXPOSE 80`; fpm tags `EXPOSE 9000`' },
  { repositories: ['adminer'], ports: [8080], variants: [{ tag: /fastcgi/i, tags: 'tags with `fastcgi`', ports: [9000] }], source: 'adminer Dockerfile `CMD php -S [::]:8080`, `EXPOSE 8080`; the fastcgi tags run php-fpm (`EXPOSE 9000`)' },
  { repositories: ['dpage/pgadmin4'], ports: [80], source: 'pgAdmin container docs: listens on port 80 unless PGADMIN_ENABLE_TLS or PGADMIN_LISTEN_PORT is set' },
  { repositories: ['mongo-express'], ports: [8081], source: 'mongo-express image `EXPOSE 8081`' },
  {
    repositories: ['gitea/gitea'],
    ports: [3000, 22],
    variants: [{ tag: /rootless/i, tags: 'tags with `rootless`', ports: [3000, 2222] }],
    source: 'gitea Dockerfile `EXPOSE 22 3000`; rootless stage `EXPOSE 2222 3000`',
  },
  { repositories: ['ghost'], ports: [2368], source: 'ghost image `EXPOSE 2368`' },
  { repositories: ['sonarqube'], ports: [9000], source: 'sonarqube image `EXPOSE 9000`' },
  { repositories: ['registry'], ports: [5000], source: 'registry image `EXPOSE 5000`' },
  { repositories: ['quay.io/keycloak/keycloak', 'jboss/keycloak'], ports: [8080], source: 'Keycloak getting started: `docker run -p 8080:8080 quay.io/keycloak/keycloak start-dev`' },
];

/** An image reference taken apart: `[registry/]path[:tag][@digest]`. */
export interface ImageReference {
  /** The registry host (and port), when the reference names one. */
  readonly registry?: string;
  /** The repository path, lower case, split at `/`. */
  readonly path: readonly string[];
  readonly tag?: string;
  readonly digest?: string;
}

// The grammar of github.com/distribution/reference (what Docker accepts), checked piece by piece.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:]+\])(?::[0-9]+)?$/i;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z][a-z0-9]*(?:[-_+.][a-z][a-z0-9]*)*:[0-9a-f]{32,}$/i;
const MAX_REFERENCE = 512;

/**
 * Take an image reference apart as Docker does: the first part is a registry host when it has a
 * `.` or a `:` or is `localhost`. The reference is read case-insensitively (the path is
 * lower-cased) so that `Postgres:16` names postgres. Returns undefined for anything that
 * is not a whole reference: empty, unresolved `${VAR}` text, a missing name or tag, bad characters.
 */
export function parseImageReference(image: string): ImageReference | undefined {
  if (typeof image !== 'string') return undefined;
  let rest = image.trim();
  if (rest.length === 0 || rest.length > MAX_REFERENCE) return undefined;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  let registry: string | undefined;
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0].toLowerCase() === 'localhost')) {
    registry = parts.shift()!.toLowerCase();
    if (!DOMAIN.test(registry)) return undefined;
  }
  const path = parts.map(p => p.toLowerCase());
  if (!path.every(p => PATH_COMPONENT.test(p))) return undefined;
  return { registry, path, tag, digest };
}

/** What the table knows about one image reference. */
export interface KnownImagePorts {
  /** The table's name for the image (its first repository name). */
  readonly image: string;
  /** The TCP ports clients connect to, most used first. */
  readonly ports: readonly number[];
  /** Where the ports were checked. */
  readonly source: string;
}

/** The lookup key of a repository path: Docker Hub's `library/` namespace is dropped. */
export function pathKey(path: readonly string[]): string {
  return path.length === 2 && path[0] === 'library' ? path[1] : path.join('/');
}

function buildIndex(): Map<string, KnownImage> {
  const index = new Map<string, KnownImage>();
  for (const entry of KNOWN_IMAGES) {
    for (const repository of entry.repositories) {
      const ref = parseImageReference(repository);
      if (ref) index.set(pathKey(ref.path), entry);
    }
  }
  return index;
}

let index: Map<string, KnownImage> | undefined;

/**
 * The ports an image is known to listen on, or undefined when the table does not know the image or
 * the reference is not a whole image name.
 *
 * The registry is not part of the match: mirrors, pull-through caches and private copies keep the
 * repository path (`registry:5000/postgres`, `123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/redis`,
 * `public.ecr.aws/docker/library/redis` all resolve as `postgres` or `redis`). A path of three or
 * more parts is also tried by its last two (`<cache prefix>/bitnami/kafka`). A single name under a
 * namespace is not (`myorg/postgres` is someone's own image). Tags pick variants
 * (`rabbitmq:3-management`, `wordpress:fpm`); a reference with a digest and no tag gets the
 * default ports.
 */
export function knownImagePorts(image: string): KnownImagePorts | undefined {
  const ref = parseImageReference(image);
  if (!ref) return undefined;
  index ??= buildIndex();
  const paths = [ref.path, ...(ref.path.length > 2 ? [ref.path.slice(-2)] : [])];
  // Bitnami's own copies of its catalog keep the images' ports (bitnamilegacy since 2025, bitnamisecure).
  const keys = paths.flatMap(p => [pathKey(p), ...(p.length === 2 && BITNAMI_COPIES.includes(p[0]) ? [`bitnami/${p[1]}`] : [])]);
  const entry = keys.map(k => index!.get(k)).find(e => e !== undefined);
  if (!entry) return undefined;
  return portsOf(entry, ref.tag);
}

export const BITNAMI_COPIES = ['bitnamilegacy', 'bitnamisecure'];

function portsOf(entry: KnownImage, tag: string | undefined): KnownImagePorts {
  const variant = tag === undefined ? undefined : entry.variants?.find(v => v.tag.test(tag));
  return { image: entry.repositories[0], ports: variant?.ports ?? entry.ports, source: entry.source };
}

/** What an image's name says about its ports, when the table does not know the image. */
export interface NamedImagePorts extends KnownImagePorts {
  /**
   * The name is the table's name, perhaps with packaging words around it (`mysql-server`,
   * `community-server`): the image is that software. Otherwise the name only contains it
   * (`postgres-exporter`, `postgresql-repmgr`) and may be something else.
   */
  readonly revealed: boolean;
  /** The part of the name that is the table's name. */
  readonly matched: string;
}

/** Last path components of the table that name no software on their own (`mssql/server`, `jaegertracing/all-in-one`). */
const GENERIC = ['server', 'linux', 'all', 'in', 'one', 'oss', 'enterprise', 'cp'];
/** Words around a software's name that say how it is packaged, not what it is. */
const PACKAGING = ['server', 'community', 'official', 'docker', 'image', 'ce', 'oss'];

const words = (name: string) => name.split(/[-_.]+/).filter(w => w !== '');

let byLastName: Map<string, KnownImage> | undefined;
function buildByLastName(): Map<string, KnownImage> {
  const out = new Map<string, KnownImage>();
  for (const entry of KNOWN_IMAGES) {
    for (const repository of entry.repositories) {
      const last = parseImageReference(repository)!.path.slice(-1)[0];
      const w = words(last);
      if (w.every(x => GENERIC.includes(x))) continue;
      if (!out.has(w.join('-'))) out.set(w.join('-'), entry);
    }
  }
  return out;
}

/**
 * The ports an image's name reveals when the table does not know the image itself: the last part
 * of its path, split on `-`, `_` and `.`, holds the last part of a table name (`bitnami/postgresql`
 * gives `postgresql`, `mysql` gives `mysql`), the longest first. `revealed` when the words around
 * it only say how it is packaged (`mysql/mysql-server`, `myorg/postgres`,
 * `container-registry.oracle.com/mysql/community-server`); else the name only contains it
 * (`prometheuscommunity/postgres-exporter`). Undefined when no table name is in it or the table
 * knows the image (see knownImagePorts).
 */
export function imageNamePorts(image: string): NamedImagePorts | undefined {
  const ref = parseImageReference(image);
  if (!ref || knownImagePorts(image)) return undefined;
  byLastName ??= buildByLastName();
  const w = words(ref.path[ref.path.length - 1]);
  // The image's own namespace may be the software's name (`mysql/community-server`).
  const namespace = ref.path.length > 1 ? ref.path[ref.path.length - 2] : undefined;
  let best: { entry: KnownImage; from: number; to: number } | undefined;
  for (let from = 0; from < w.length; from++) {
    for (let to = w.length; to > from; to--) {
      const entry = byLastName.get(w.slice(from, to).join('-'));
      if (entry && (!best || to - from > best.to - best.from)) best = { entry, from, to };
    }
  }
  if (!best) {
    const entry = namespace !== undefined && w.every(x => PACKAGING.includes(x)) ? byLastName.get(words(namespace).join('-')) : undefined;
    return entry ? { ...portsOf(entry, ref.tag), revealed: true, matched: namespace! } : undefined;
  }
  const rest = [...w.slice(0, best.from), ...w.slice(best.to)];
  return { ...portsOf(best.entry, ref.tag), revealed: rest.every(x => PACKAGING.includes(x)), matched: w.slice(best.from, best.to).join('-') };
}

/** One row of the documentation table. */
export interface KnownPortsRow {
  /** Repository names, as compose files write them. */
  readonly images: readonly string[];
  /** Which tags the row covers: `any tag`, `other tags`, or a variant's description. */
  readonly tags: string;
  readonly ports: readonly number[];
  readonly source: string;
}

/** The table as documentation rows, in table order, each variant on its own row after its image. */
export function knownPortsRows(): KnownPortsRow[] {
  return KNOWN_IMAGES.flatMap(entry => [
    { images: entry.repositories, tags: entry.variants ? 'other tags' : 'any tag', ports: entry.ports, source: entry.source },
    ...(entry.variants ?? []).map(v => ({ images: entry.repositories, tags: v.tags, ports: v.ports, source: entry.source })),
  ]);
}
