/**
 * Images that keep their data in files one process at a time may own, and how a service running
 * one on a shared volume deploys.
 *
 * An ECS rolling update with the defaults (minimum 100, maximum 200 percent) starts the new task
 * before it stops the old one. On an EFS volume both tasks see the same files: two PostgreSQL,
 * MySQL or MongoDB servers on one data directory corrupt it, or the second one fails on the first
 * one's lock (Elasticsearch's node lock, Prometheus's TSDB lock, Redis's append-only file written by
 * two servers). So such a service deploys with minimum 0 and maximum 100 percent: the old task stops
 * before the new one starts, and the service is down for the length of a task start. Task storage
 * is each task's own, so a service on it is not concerned (it starts from empty storage anyway).
 *
 * Pure data and functions: no CDK import.
 */
import { builtImage } from '../dockerfile';
import { imageNamePorts, knownImagePorts } from '../facts/known-ports';
import { ServiceModel } from '../model';
import { DocPath, Problems, quote } from '../problems';
import { ContainerPlan, VolumePlan } from './model';

/** One row: an image of the known-ports table (by its first repository name) and what it keeps. */
export interface StatefulImage {
  /** The known-ports table's name of the image (the first name of its row). */
  readonly image: string;
  /** What it is, for messages. */
  readonly kind: string;
}

/**
 * The table: every image of the known-ports table that holds its data in a directory a second
 * server must not open at the same time. Lookups go through the known-ports table, so mirrors,
 * registries and Bitnami's copies count (`public.ecr.aws/docker/library/postgres`, `bitnamilegacy/mysql`).
 * `test/plan/stateful.test.ts` checks that each name is a row of that table.
 */
export const STATEFUL_IMAGES: readonly StatefulImage[] = [
  { image: 'postgres', kind: 'a database' },
  { image: 'mysql', kind: 'a database' },
  { image: 'bitnami/mysql', kind: 'a database' },
  { image: 'mariadb', kind: 'a database' },
  { image: 'mcr.microsoft.com/mssql/server', kind: 'a database' },
  { image: 'mongo', kind: 'a database' },
  { image: 'cassandra', kind: 'a database' },
  { image: 'couchdb', kind: 'a database' },
  { image: 'neo4j', kind: 'a database' },
  { image: 'clickhouse/clickhouse-server', kind: 'a database' },
  { image: 'influxdb', kind: 'a time-series database' },
  { image: 'redis', kind: 'a key-value store that persists to its volume' },
  { image: 'quay.io/coreos/etcd', kind: 'a key-value store' },
  { image: 'consul', kind: 'a key-value store' },
  { image: 'vault', kind: 'a secret store' },
  { image: 'rabbitmq', kind: 'a message broker' },
  { image: 'bitnami/rabbitmq', kind: 'a message broker' },
  { image: 'bitnami/kafka', kind: 'a message broker' },
  { image: 'zookeeper', kind: 'a coordination store' },
  { image: 'nats', kind: 'a message broker' },
  { image: 'eclipse-mosquitto', kind: 'a message broker' },
  { image: 'elasticsearch', kind: 'a search engine' },
  { image: 'opensearchproject/opensearch', kind: 'a search engine' },
  { image: 'minio/minio', kind: 'an object store' },
  { image: 'prom/prometheus', kind: 'a time-series database' },
];

/** What the table says about an image reference: its table name and kind, or undefined. */
export function statefulImage(image: string): StatefulImage | undefined {
  const named = imageNamePorts(image);
  const name = knownImagePorts(image)?.image ?? (named?.revealed ? named.image : undefined);
  return name === undefined ? undefined : STATEFUL_IMAGES.find(s => s.image === name);
}

/** The image a service runs, as the table can read it: its image, or the base image of its build. */
function runImage(svc: ServiceModel): string | undefined {
  if (!svc.build) return svc.image;
  return builtImage(svc.build.dockerfileText, svc.build.target, svc.build.args).baseImage;
}

export interface StatefulDeploymentInput {
  readonly services: ServiceModel[];
  readonly containers: ContainerPlan[];
  readonly volumes: VolumePlan[];
  /** The props (or the service's options) set minHealthyPercent or maxHealthyPercent. */
  readonly percentsGiven: boolean;
  /** The file sets x-aws-min_percent, x-aws-max_percent or update_config.parallelism. */
  readonly fileGivesPercents: boolean;
}

/**
 * The deployment percentages of a task whose container runs a stateful image on a shared volume
 * (EFS: made by the construct, given by fileSystems or ecs-params) it writes: minimum 0, maximum 100,
 * with a warning naming the service, the image and the volume. Undefined when no container is such,
 * or when the props or the file say how the service deploys.
 */
export function statefulDeployment(input: StatefulDeploymentInput, problems: Problems): { min: number; max: number } | undefined {
  if (input.percentsGiven || input.fileGivesPercents) return undefined;
  const shared = new Set(input.volumes.filter(v => v.efs !== undefined || v.managedEfs !== undefined).map(v => v.name));
  const found: { svc: ServiceModel; image: string; stateful: StatefulImage; volume: string; at: DocPath }[] = [];
  for (const c of input.containers) {
    const svc = input.services.find(s => s.name === c.name);
    const mount = c.mountPoints.find(m => shared.has(m.volume) && !m.readOnly);
    const image = svc && runImage(svc);
    const stateful = image !== undefined ? statefulImage(image) : undefined;
    if (!svc || !mount || !stateful) continue;
    const written = svc.volumes.find(v => v.target === mount.containerPath);
    const volume = input.volumes.find(v => v.name === mount.volume)!;
    found.push({ svc, image: image!, stateful, volume: volume.managedEfs?.volume ?? volume.name, at: written?.path ?? svc.path });
  }
  if (found.length === 0) return undefined;
  for (const f of found) {
    problems.warn('stateful-deployment', f.at,
      `${f.svc.name} runs ${quote(f.image)} (${f.stateful.kind}) on the shared volume ${f.volume}: its ECS service deploys with minHealthyPercent 0 and maxHealthyPercent 100, `
      + 'so that an update stops the old task before the new one starts (two servers on one data directory corrupt it, or the second fails on its lock); '
      + 'the service is down while the new task starts. To choose otherwise, set deploy.x-aws-min_percent / x-aws-max_percent, or the minHealthyPercent / maxHealthyPercent props');
  }
  return { min: 0, max: 100 };
}
