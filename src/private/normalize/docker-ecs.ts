/**
 * Docker's retired ECS integration: the x-aws-* keys of a service and of the file that map onto this
 * construct.
 */
import { KeyRule, ServiceBuilder, set } from './builder';
import { isPlainObject, isToken } from '../load/load';
import { DocPath, quote } from '../problems';
import { parseInteger } from '../units';

/** Docker's retired ECS integration: the x-aws-* service keys that map onto this construct. */
export const DOCKER_ECS_SERVICE_KEYS: KeyRule[] = [
  { key: 'x-aws-role', support: 'converted', ecs: 'task role policy', note: 'an inline IAM policy document attached to the task role' },
  { key: 'x-aws-policies', support: 'converted', ecs: 'task role managed policies', note: 'managed policy ARNs attached to the task role' },
  { key: 'x-aws-pull_credentials', support: 'converted', ecs: 'repositoryCredentials', note: 'a Secrets Manager ARN; the execution role may read it' },
  { key: 'deploy.x-aws-autoscaling', support: 'converted', ecs: 'service auto scaling', note: '{min, max, cpu | memory}: target tracking, unless the autoScaling prop is given' },
  { key: 'deploy.update_config.x-aws-min_percent', support: 'converted', ecs: 'deploymentConfiguration.minimumHealthyPercent', note: 'where Docker read it (also taken directly under deploy); unless the minHealthyPercent prop is given' },
  { key: 'deploy.update_config.x-aws-max_percent', support: 'converted', ecs: 'deploymentConfiguration.maximumPercent', note: 'where Docker read it (also taken directly under deploy); unless the maxHealthyPercent prop is given' },
  { key: 'deploy.update_config.parallelism', support: 'converted', ecs: 'deploymentConfiguration', note: 'as Docker computed it from the replicas R: minimum (R - parallelism) * 100 / R and maximum (R + parallelism) * 100 / R percent, for the ones x-aws-min_percent / x-aws-max_percent do not give' },
  { key: 'ports[].x-aws-protocol', support: 'converted', ecs: 'load balancer type', note: 'http/https select an Application Load Balancer, tcp/udp/tls a Network one, when the loadBalancer prop names no type' },
];

export function readAwsServiceKey(svc: ServiceBuilder, key: string, value: unknown, at: DocPath) {
  const r = svc.r;
  if (key === 'x-aws-role') {
    const doc = r.map(value, at, 'an IAM policy document');
    if (doc && !Array.isArray(doc.Statement) && !isPlainObject(doc.Statement)) {
      r.problems.error(at, 'an IAM policy document needs a Statement');
    } else if (doc) {
      set(svc, 'awsRole', { document: doc, path: at });
    }
  } else if (key === 'x-aws-policies') {
    const arns = r.stringOrList(value, at) ?? [];
    arns.forEach((arn, i) => {
      if (!isToken(arn) && !/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+$/.test(arn)) {
        r.problems.error(Array.isArray(value) ? [...at, i] : at, `expected a managed policy ARN like "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", got ${quote(arn)}`);
      }
    });
    set(svc, 'awsPolicies', arns);
  } else if (key === 'x-aws-pull_credentials') {
    const arn = r.string(value, at, 'a Secrets Manager secret ARN');
    if (arn !== undefined && !isToken(arn) && !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(arn)) {
      r.problems.error(at, `expected the ARN of a Secrets Manager secret, got ${quote(arn)}`);
    } else if (arn !== undefined) {
      set(svc, 'awsPullCredentials', { arn, path: at });
    }
  } else {
    r.problems.warn('unknown-extension', at, unknownAwsKey(key, DOCKER_ECS_SERVICE_KEYS.filter(k => !k.key.includes('.')), 'service'));
  }
}

/** An x-aws-* key that is not one of Docker's ECS keys this construct reads: an extension like any x- key. */
export function unknownAwsKey(key: string, known: KeyRule[], level: string): string {
  return `not read: ${quote(key)} is not one of the Docker ECS ${level} keys this construct reads (${known.map(k => k.key).join(', ')}), so it is left out as an extension; its anchors are read where they are used`;
}

export function readAwsAutoscaling(svc: ServiceBuilder, value: unknown, at: DocPath) {
  const r = svc.r;
  const m = r.map(value, at, 'a mapping with min, max and cpu or memory');
  if (!m) return;
  const num = (key: string, min: number, max: number) =>
    (m[key] === undefined ? undefined : r.inRange(r.parsed(m[key], [...at, key], x => parseInteger(x)), [...at, key], min, max, key));
  for (const key of Object.keys(m)) {
    if (!['min', 'max', 'cpu', 'memory'].includes(key)) r.problems.error([...at, key], 'unknown x-aws-autoscaling key: allowed are min, max, cpu, memory');
  }
  const out = { min: num('min', 0, 5000), max: num('max', 1, 5000), cpu: num('cpu', 1, 100), memory: num('memory', 1, 100) };
  if (m.max === undefined) r.problems.error(at, 'x-aws-autoscaling needs max');
  if (out.cpu === undefined && out.memory === undefined && m.cpu === undefined && m.memory === undefined) {
    r.problems.error(at, 'x-aws-autoscaling needs cpu or memory: the target utilization percentage');
  }
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) r.problems.error([...at, 'min'], `min (${out.min}) is above max (${out.max})`);
  if (out.max !== undefined) set(svc, 'awsAutoscaling', { ...out, max: out.max, path: at });
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** Docker's retired ECS integration: its top-level x-aws-* keys. */
export const DOCKER_ECS_TOP_LEVEL_KEYS: KeyRule[] = [
  { key: 'x-aws-logs_retention', support: 'converted', ecs: 'log group retention', note: 'days, one of CloudWatch\'s retention values; the logRetention prop wins' },
  { key: 'x-aws-vpc', support: 'refused', ecs: '-', note: 'pass the VPC as the vpc prop (ec2.Vpc.fromLookup)' },
  { key: 'x-aws-cluster', support: 'refused', ecs: '-', note: 'pass the cluster as the cluster prop (ecs.Cluster.fromClusterAttributes)' },
  { key: 'x-aws-loadbalancer', support: 'refused', ecs: '-', note: 'the construct creates its load balancer (loadBalancer prop) or registers with existing target groups (existingTargetGroups prop)' },
  { key: 'x-aws-cloudformation', support: 'refused', ecs: '-', note: 'an untyped CloudFormation overlay: change the resources through the construct\'s members (service, taskDefinition, ...) instead' },
];
