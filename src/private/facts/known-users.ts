/**
 * The users common images run as, for the owner of their EFS volumes.
 *
 * Docker copies an image's files and their ownership into a new named volume, so a database that
 * runs as `postgres` finds its data folder writable. An EFS access point instead creates its root
 * folder with the owner and mode it is told: the plan tells it the user the container runs as. When
 * the compose file gives no `user:` and the image is not built here (no Dockerfile `USER` to read),
 * this table says who the image runs as, as its Dockerfile sets it up.
 *
 * Pure data and functions: no CDK import.
 */
import { BITNAMI_COPIES, parseImageReference, pathKey } from './known-ports';

/** A user of an image, by number. */
export interface ImageUser {
  /** The user's name in the image's /etc/passwd. */
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Users that replace an image's default user for the tags that match (`postgres:16-alpine`). */
export interface KnownUserVariant {
  /** Tags (case-insensitive) this variant applies to. */
  readonly tag: RegExp;
  /** How the docs table names these tags. */
  readonly tags: string;
  readonly user: ImageUser;
}

/** One row of the table: repository names whose images run their service as the same user. */
export interface KnownImageUserRow {
  /** Repository names as compose files write them, without tag (as in the known-ports table). */
  readonly repositories: readonly string[];
  /** The user the service runs as (who writes the data). */
  readonly user: ImageUser;
  /**
   * The image's entrypoint starts as root, fixes the ownership of its data folder and steps down to
   * the user (gosu, su-exec): the container needs root access to the file system as well.
   * Otherwise the image's `USER` is the user itself.
   */
  readonly startsAsRoot: boolean;
  readonly variants?: readonly KnownUserVariant[];
  /** Where the user was checked. */
  readonly source: string;
}

const ALPINE = /alpine/i;

/**
 * The table. Add a row with the source you checked; `test/plan/volume-owners.test.ts` keeps the names
 * unique and well formed.
 */
export const KNOWN_IMAGE_USERS: readonly KnownImageUserRow[] = [
  {
    repositories: ['postgres', 'postgis/postgis', 'pgvector/pgvector'],
    user: { name: 'postgres', uid: 999, gid: 999 },
    startsAsRoot: true,
    variants: [{ tag: ALPINE, tags: 'tags with `alpine`', user: { name: 'postgres', uid: 70, gid: 70 } }],
    source: 'docker-library/postgres Dockerfiles: debian `groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999`, alpine `addgroup -g 70 -S postgres; adduser -u 70 -S -D -G postgres`; docker-entrypoint.sh starts as root and steps down with gosu; postgis and pgvector build FROM postgres',
  },
  {
    repositories: ['mysql'],
    user: { name: 'mysql', uid: 999, gid: 999 },
    startsAsRoot: true,
    source: 'docker-library/mysql Dockerfile.oracle `groupadd --system --gid 999 mysql; useradd --system --uid 999 --gid 999`; the entrypoint steps down with gosu',
  },
  {
    repositories: ['mariadb'],
    user: { name: 'mysql', uid: 999, gid: 999 },
    startsAsRoot: true,
    source: 'MariaDB/mariadb-docker: ubi Dockerfiles `groupadd --gid 999 -r mysql; useradd -r -g mysql mysql --uid 999`, the ubuntu ones `groupadd -r mysql && useradd -r -g mysql mysql` (the first system id, 999); the entrypoint steps down with gosu',
  },
  {
    repositories: ['mongo'],
    user: { name: 'mongodb', uid: 999, gid: 999 },
    startsAsRoot: true,
    source: 'docker-library/mongo Dockerfile `groupadd --gid 999 --system mongodb; useradd --uid 999 --system --gid mongodb`; the entrypoint steps down with gosu',
  },
  {
    repositories: ['redis'],
    user: { name: 'redis', uid: 999, gid: 999 },
    startsAsRoot: true,
    variants: [{ tag: ALPINE, tags: 'tags with `alpine`', user: { name: 'redis', uid: 999, gid: 1000 } }],
    source: 'docker-library/redis Dockerfiles: debian `groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis`, alpine `addgroup -S -g 1000 redis; adduser -S -G redis -u 999 redis`; the entrypoint steps down with gosu',
  },
  {
    repositories: ['rabbitmq'],
    user: { name: 'rabbitmq', uid: 999, gid: 999 },
    startsAsRoot: true,
    variants: [{ tag: ALPINE, tags: 'tags with `alpine`', user: { name: 'rabbitmq', uid: 100, gid: 101 } }],
    source: 'docker-library/rabbitmq Dockerfiles: ubuntu `groupadd --gid 999 --system rabbitmq; useradd --uid 999 --system --gid rabbitmq`, alpine `addgroup -g 101 -S rabbitmq; adduser -u 100 -S -G rabbitmq`; the entrypoint steps down (gosu, su-exec)',
  },
  {
    repositories: ['grafana/grafana', 'grafana/grafana-oss', 'grafana/grafana-enterprise'],
    user: { name: 'grafana', uid: 472, gid: 0 },
    startsAsRoot: false,
    source: 'grafana packaging/docker Dockerfile `ARG GF_UID="472"`, `ARG GF_GID="0"`, `USER "$GF_UID"`',
  },
  {
    repositories: ['prom/prometheus', 'quay.io/prometheus/prometheus', 'prom/alertmanager', 'quay.io/prometheus/alertmanager'],
    user: { name: 'nobody', uid: 65534, gid: 65534 },
    startsAsRoot: false,
    source: 'prometheus Dockerfile `RUN chown -R nobody:nobody /etc/prometheus /prometheus`, `USER nobody` (busybox: nobody is 65534:65534); alertmanager\'s Dockerfile `USER nobody`',
  },
  {
    repositories: ['elasticsearch', 'docker.elastic.co/elasticsearch/elasticsearch'],
    user: { name: 'elasticsearch', uid: 1000, gid: 0 },
    startsAsRoot: false,
    source: 'Elastic\'s Docker docs: the image runs as uid 1000, gid 0 (its entrypoint\'s `--userspec=1000`, `chown -R 1000`)',
  },
];

/** Bitnami's images run as 1001 in the root group (their Dockerfiles end `USER 1001`), except the base images. */
const BITNAMI: KnownImageUserRow = {
  repositories: ['bitnami/*'],
  user: { name: '1001', uid: 1001, gid: 0 },
  startsAsRoot: false,
  source: 'bitnami/containers Dockerfiles `USER 1001` (non-root containers, no passwd entry: group 0)',
};
/** Bitnami images that are bases for others and run as root. */
const BITNAMI_ROOT = ['minideb', 'os-shell'];

/** Users every image names alike. */
export const COMMON_USERS: readonly ImageUser[] = [
  { name: 'root', uid: 0, gid: 0 },
  { name: 'nobody', uid: 65534, gid: 65534 },
];

/** What the table knows about one image reference. */
export interface KnownImageUser {
  /** The table's name for the image (its first repository name). */
  readonly image: string;
  readonly user: ImageUser;
  readonly startsAsRoot: boolean;
  readonly source: string;
}

let index: Map<string, KnownImageUserRow> | undefined;

/**
 * The user an image runs its service as, or undefined when the table does not know the image.
 * Matched as the known-ports table matches: the registry is not part of the match, a path of three or
 * more parts is also tried by its last two, Bitnami's copies of its catalog count as bitnami; tags pick
 * variants (`postgres:16-alpine`).
 */
export function knownImageUser(image: string): KnownImageUser | undefined {
  const ref = parseImageReference(image);
  if (!ref) return undefined;
  if (!index) {
    index = new Map();
    for (const row of KNOWN_IMAGE_USERS) {
      for (const r of row.repositories) index.set(pathKey(parseImageReference(r)!.path), row);
    }
  }
  const paths = [ref.path, ...(ref.path.length > 2 ? [ref.path.slice(-2)] : [])];
  let row: KnownImageUserRow | undefined;
  for (const p of paths) {
    row = index.get(pathKey(p));
    if (!row && p.length === 2 && (p[0] === 'bitnami' || BITNAMI_COPIES.includes(p[0])) && !BITNAMI_ROOT.includes(p[1])) row = BITNAMI;
    if (row) break;
  }
  if (!row) return undefined;
  const tag = ref.tag;
  const variant = tag === undefined ? undefined : row.variants?.find(v => v.tag.test(tag));
  return { image: row.repositories[0], user: variant?.user ?? row.user, startsAsRoot: row.startsAsRoot, source: row.source };
}

/** One row of the documentation table. */
export interface KnownUsersRow {
  readonly images: readonly string[];
  readonly tags: string;
  readonly user: string;
  readonly startsAsRoot: boolean;
  readonly source: string;
}

/** The table as documentation rows, each variant on its own row after its image. */
export function knownUsersRows(): KnownUsersRow[] {
  const show = (u: ImageUser) => (u.name === String(u.uid) ? `${u.uid}:${u.gid}` : `${u.name} ${u.uid}:${u.gid}`);
  return [...KNOWN_IMAGE_USERS, BITNAMI].flatMap(row => [
    { images: row.repositories, tags: row.variants ? 'other tags' : 'any tag', user: show(row.user), startsAsRoot: row.startsAsRoot, source: row.source },
    ...(row.variants ?? []).map(v => ({
      images: row.repositories, tags: v.tags, user: show(v.user), startsAsRoot: row.startsAsRoot, source: row.source,
    })),
  ]);
}
