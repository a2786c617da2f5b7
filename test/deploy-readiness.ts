/**
 * Deploy readiness: what a template needs to deploy on AWS that no validator of its syntax sees, checked
 * on every template the tests synthesize (validatedTemplate in cfn-validate.ts).
 *
 * - The ECS requests: each AWS::ECS::TaskDefinition and AWS::ECS::Service as the RegisterTaskDefinition /
 *   CreateService request CloudFormation makes of it, validated against the ECS API model that botocore
 *   ships (build-tools/install-aws-models.js puts it in .tmp/aws-models): member names, required members,
 *   types, enums, ranges and lengths.
 * - The order of creation: a service with a capacity provider strategy waits for its cluster's capacity
 *   provider association (ECS rejects the service before it); a service whose tasks mount an EFS file
 *   system of the stack waits for its mount targets (the first tasks fail to resolve the file system).
 * - The permissions of each container: its log group, its image from ECR, the secrets it is given, the
 *   EFS file systems it mounts with IAM authorization; and no inline statement on `*` but for actions
 *   AWS allows on `*` only.
 */
import * as fs from 'fs';
import * as path from 'path';

type Json = any;
type Resources = Record<string, { Type: string; Properties?: Json; DependsOn?: string | string[] }>;

// ------------------------------------------------------------------------------------------------
// The ECS requests, against botocore's model.

const MODEL_FILE = path.join(__dirname, '..', '.tmp', 'aws-models', 'ecs.json');
let model: { shapes: Record<string, Json>; operations: Record<string, Json> } | undefined;

export function missingModelMessage(): string {
  return `The ECS API model is not at ${MODEL_FILE}: run \`node build-tools/install-aws-models.js\` (\`npx projen test\` does this itself).`;
}

function ecsModel() {
  if (!model) {
    if (!fs.existsSync(MODEL_FILE)) throw new Error(missingModelMessage());
    model = JSON.parse(fs.readFileSync(MODEL_FILE, 'utf-8'));
  }
  return model!;
}

/** CloudFormation properties that are not members of the request (CloudFormation acts on them itself). */
const CLOUDFORMATION_ONLY: Record<string, string[]> = {
  'AWS::ECS::Service': ['ForceNewDeployment'],
  'AWS::ECS::TaskDefinition': [],
};

/** A value CloudFormation resolves at deploy time (Ref, Fn::*): its type is not known here. */
function isIntrinsic(value: Json): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** Problems of a CloudFormation value as the API shape it becomes, each with its path. */
function checkShape(value: Json, shapeName: string, at: string, out: string[]): void {
  if (isIntrinsic(value)) return;
  const shape = ecsModel().shapes[shapeName];
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push(`${at}: expected a structure (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      }
      const members = shape.members as Record<string, { shape: string }>;
      const byLower = new Map(Object.keys(members).map(m => [m.toLowerCase(), m]));
      const given = new Set<string>();
      for (const [key, v] of Object.entries(value)) {
        const member = byLower.get(key.toLowerCase());
        if (!member) {
          out.push(`${at}.${key}: not a member of ${shapeName} (members: ${Object.keys(members).join(', ')})`);
          continue;
        }
        given.add(member);
        checkShape(v, members[member].shape, `${at}.${key}`, out);
      }
      for (const required of shape.required ?? []) {
        if (!given.has(required)) out.push(`${at}: ${shapeName} requires ${required}`);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        out.push(`${at}: expected a list (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      }
      if (shape.min !== undefined && value.length < shape.min) out.push(`${at}: ${shapeName} needs at least ${shape.min} items, got ${value.length}`);
      if (shape.max !== undefined && value.length > shape.max) out.push(`${at}: ${shapeName} takes at most ${shape.max} items, got ${value.length}`);
      value.forEach((item, i) => checkShape(item, shape.member.shape, `${at}[${i}]`, out));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push(`${at}: expected a map (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        checkShape(k, shape.key.shape, `${at}[${JSON.stringify(k)}] (key)`, out);
        checkShape(v, shape.value.shape, `${at}[${JSON.stringify(k)}]`, out);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        out.push(`${at}: expected a string (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      }
      const text = String(value);
      if (shape.enum && !shape.enum.includes(text)) out.push(`${at}: ${JSON.stringify(text)} is not one of ${shape.enum.join(', ')} (${shapeName})`);
      if (shape.min !== undefined && text.length < shape.min) out.push(`${at}: ${shapeName} is at least ${shape.min} characters, got ${JSON.stringify(text)}`);
      if (shape.max !== undefined && text.length > shape.max) out.push(`${at}: ${shapeName} is at most ${shape.max} characters, got ${text.length}`);
      if (shape.pattern && !new RegExp(shape.pattern, 'u').test(text)) out.push(`${at}: ${JSON.stringify(text)} does not match ${shape.pattern} (${shapeName})`);
      return;
    }
    case 'integer':
    case 'long': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) {
        out.push(`${at}: expected an integer (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      }
      if (shape.min !== undefined && n < shape.min) out.push(`${at}: ${shapeName} is at least ${shape.min}, got ${n}`);
      if (shape.max !== undefined && n > shape.max) out.push(`${at}: ${shapeName} is at most ${shape.max}, got ${n}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') out.push(`${at}: expected a boolean (${shapeName}), got ${JSON.stringify(value)}`);
      return;
    default:
      return;
  }
}

/** The RegisterTaskDefinition and CreateService requests of a template, checked against the API model. */
export function ecsRequestProblems(resources: Resources): string[] {
  const out: string[] = [];
  const requests: Record<string, string> = { 'AWS::ECS::TaskDefinition': 'RegisterTaskDefinition', 'AWS::ECS::Service': 'CreateService' };
  for (const [id, r] of Object.entries(resources)) {
    const operation = requests[r.Type];
    if (!operation) continue;
    const request = { ...(r.Properties ?? {}) };
    for (const key of CLOUDFORMATION_ONLY[r.Type]) delete request[key];
    // CreateService needs the name CloudFormation generates when the template gives none.
    if (r.Type === 'AWS::ECS::Service' && request.ServiceName === undefined) request.ServiceName = `${id}-generated`;
    checkShape(request, ecsModel().operations[operation].input.shape, `${id} (${operation})`, out);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// The order of creation.

/** Ids a value refers to (Ref, Fn::GetAtt, and inside Fn::Join / Fn::Sub...). */
function referencedIds(value: Json, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(v => referencedIds(v, into));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') {
        into.add(v);
      } else if (k === 'Fn::GetAtt') {
        into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      } else if (k === 'Fn::Sub' && typeof (Array.isArray(v) ? v[0] : v) === 'string') {
        for (const m of String(Array.isArray(v) ? v[0] : v).matchAll(/\$\{([A-Za-z0-9]+)(\.[A-Za-z]+)?\}/g)) into.add(m[1]);
        if (Array.isArray(v)) referencedIds(v[1], into);
      } else {
        referencedIds(v, into);
      }
    }
  }
  return into;
}

/** Everything a resource waits for: its DependsOn and the resources its properties refer to, transitively. */
function waitsFor(resources: Resources, id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (x: string) => {
    const r = resources[x];
    if (!r) return;
    const direct = [...asList(r.DependsOn), ...referencedIds(r.Properties ?? {})];
    for (const d of direct) {
      if (!seen.has(d)) {
        seen.add(d);
        visit(d);
      }
    }
  };
  visit(id);
  return seen;
}

/** The creation order each ECS service needs. */
export function creationOrderProblems(resources: Resources): string[] {
  const out: string[] = [];
  const of = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const services = of('AWS::ECS::Service');
  // What each service waits for, found once: the Service Connect rule asks it of every pair.
  const waits = new Map(services.map(([id]) => [id, waitsFor(resources, id)]));
  for (const [id, service] of services) {
    const props = service.Properties ?? {};
    const before = waits.get(id)!;
    if (Array.isArray(props.CapacityProviderStrategy) && props.CapacityProviderStrategy.length > 0) {
      const cluster = referencedIds(props.Cluster);
      const associations = of('AWS::ECS::ClusterCapacityProviderAssociations').filter(([, a]) => [...referencedIds(a.Properties?.Cluster)].some(c => cluster.has(c)));
      if (associations.length === 0 && [...cluster].some(c => resources[c])) {
        out.push(`${id}: has a capacity provider strategy, but its cluster has no AWS::ECS::ClusterCapacityProviderAssociations in the template`);
      }
      for (const [a] of associations) {
        if (!before.has(a)) out.push(`${id}: has a capacity provider strategy but is not created after ${a}, the capacity providers of its cluster: ECS may reject it`);
      }
    }
    const taskDefinition = [...referencedIds(props.TaskDefinition)].map(t => resources[t]).find(t => t?.Type === 'AWS::ECS::TaskDefinition');
    const fileSystems = new Set<string>();
    for (const v of taskDefinition?.Properties?.Volumes ?? []) {
      for (const fsId of referencedIds(v.EFSVolumeConfiguration?.FilesystemId)) if (resources[fsId]?.Type === 'AWS::EFS::FileSystem') fileSystems.add(fsId);
    }
    // Service Connect: a task cannot reach an endpoint created after it started (ECS's docs). A service whose
    // containers name another's endpoint (host:port, or a URL's host) in their environment or command waits for
    // it, unless the two name each other (a cycle: one of them is first whatever the order).
    const texts = (taskDefinition?.Properties?.ContainerDefinitions ?? []).flatMap((c: Json) => [
      ...(c.Environment ?? []).map((e: Json) => e.Value), ...asList(c.Command), ...asList(c.EntryPoint),
    ]).filter((t: Json) => typeof t === 'string') as string[];
    for (const [otherId, other] of services) {
      if (otherId === id || before.has(otherId) || waits.get(otherId)!.has(id)) continue;
      for (const endpoint of (other.Properties?.ServiceConnectConfiguration?.Services ?? []).flatMap((x: Json) => x.ClientAliases ?? [])) {
        const host = String(endpoint.DnsName).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const named = new RegExp(`(^|[^A-Za-z0-9._-])${host}:${endpoint.Port}(?![0-9])|://([^/@\\s]*@)?${host}(?=[:/?#\\s]|$)`);
        const text = texts.find(t => named.test(t));
        if (text !== undefined) out.push(`${id}: names ${endpoint.DnsName}:${endpoint.Port} of ${otherId} (${JSON.stringify(text)}) but is not created after it: its first tasks cannot reach it`);
      }
    }
    for (const fsId of fileSystems) {
      for (const [mt, target] of of('AWS::EFS::MountTarget')) {
        if (referencedIds(target.Properties?.FileSystemId).has(fsId) && !before.has(mt)) {
          out.push(`${id}: mounts ${fsId} but is not created after its mount target ${mt}: the first tasks cannot resolve the file system`);
        }
      }
    }
  }
  // A log group of a fixed name cannot be created where it exists: in an account that has it, or after a destroy
  // that kept it (the stack's groups stay, for their logs) the deploy fails with "already exists".
  for (const [id, group] of of('AWS::Logs::LogGroup')) {
    if (typeof group.Properties?.LogGroupName === 'string') {
      out.push(`${id}: the log group ${JSON.stringify(group.Properties.LogGroupName)} has a fixed name: a deploy into an account that has it, or after a destroy that kept it, fails with "already exists"`);
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// The permissions of each container.

interface Statement { readonly actions: string[]; readonly resources: Json[]; readonly where: string }

/**
 * What AWS's managed policies the constructs attach allow (AmazonECSTaskExecutionRolePolicy: the image
 * pulls from ECR and the awslogs driver's writes, on any resource).
 */
const MANAGED_POLICIES: Record<string, string[]> = {
  'service-role/AmazonECSTaskExecutionRolePolicy': [
    'ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'logs:CreateLogStream', 'logs:PutLogEvents',
  ],
};

/** Actions AWS authorizes on `*` only (they name no resource), or that the service requires on `*`. */
const STAR_ONLY_ACTIONS = [
  'ecr:GetAuthorizationToken', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel', 'logs:DescribeLogGroups', 'cloudwatch:PutMetricData', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords',
  'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries', 'ec2:DescribeAvailabilityZones',
];

/** Services all of whose actions AWS authorizes on `*` only: a wildcard of theirs (`ssmmessages:*`) is fine on `*`. */
const STAR_ONLY_SERVICES = ['ssmmessages'];

/** An action (or wildcard) that may stand on `*`: one of the list, or any of a service that has no resources. */
function starOnly(action: string): boolean {
  const [service, name] = action.toLowerCase().split(':');
  if (name === undefined) return false; // "*": everything
  return STAR_ONLY_SERVICES.includes(service) || (!name.includes('*') && STAR_ONLY_ACTIONS.some(a => a.toLowerCase() === action.toLowerCase()));
}

function asList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The statements that allow something to a role: its own policies, the AWS::IAM::Policy resources on it, its managed policies. */
function roleStatements(resources: Resources, roleId: string): Statement[] {
  const out: Statement[] = [];
  const add = (doc: Json, where: string) => {
    for (const s of asList(doc?.Statement)) {
      if (s.Effect !== 'Allow') continue;
      out.push({ actions: asList(s.Action).map(String), resources: asList(s.Resource), where });
    }
  };
  const role = resources[roleId];
  for (const p of role?.Properties?.Policies ?? []) add(p.PolicyDocument, `${roleId} ${p.PolicyName}`);
  for (const arn of role?.Properties?.ManagedPolicyArns ?? []) {
    const text = JSON.stringify(arn);
    for (const [name, actions] of Object.entries(MANAGED_POLICIES)) if (text.includes(`:iam::aws:policy/${name}`)) out.push({ actions, resources: ['*'], where: name });
  }
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Policy' && asList(r.Properties?.Roles).some((x: Json) => referencedIds(x).has(roleId))) add(r.Properties.PolicyDocument, id);
  }
  return out;
}

function actionMatches(pattern: string, action: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);
}

/** True when a statement's resource covers `target`: `*`, the same reference, or a text/join that names it. */
function resourceCovers(resource: Json, target: { ids: Set<string>; names: string[] }): boolean {
  if (resource === '*') return true;
  if ([...referencedIds(resource)].some(id => target.ids.has(id))) return true;
  const text = JSON.stringify(resource);
  return target.names.some(n => n !== '' && text.includes(n));
}

function allows(statements: Statement[], action: string, target: { ids: Set<string>; names: string[] }): boolean {
  return statements.some(s => s.actions.some(a => actionMatches(a, action)) && s.resources.some(r => resourceCovers(r, target)));
}

function roleOf(resources: Resources, arn: Json): string | undefined {
  return [...referencedIds(arn)].find(id => resources[id]?.Type === 'AWS::IAM::Role');
}

/** The permissions each container needs, on its task definition's roles. */
export function permissionProblems(resources: Resources): string[] {
  const out: string[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::ECS::TaskDefinition') continue;
    const props = r.Properties ?? {};
    const execRole = roleOf(resources, props.ExecutionRoleArn);
    const taskRole = roleOf(resources, props.TaskRoleArn);
    const execution = execRole ? roleStatements(resources, execRole) : [];
    const task = taskRole ? roleStatements(resources, taskRole) : [];
    // A role given by its ARN (ecs-params task_execution_role, a prop) is the user's: what it allows is not in the template.
    const given = (arn: Json, inTemplate: string | undefined) => arn !== undefined && inTemplate === undefined;
    const need = (statements: Statement[], role: 'execution' | 'task', action: string, target: { ids: Set<string>; names: string[] }, what: string) => {
      if (given(role === 'execution' ? props.ExecutionRoleArn : props.TaskRoleArn, role === 'execution' ? execRole : taskRole)) return;
      if (!allows(statements, action, target)) {
        const none = (role === 'execution' ? props.ExecutionRoleArn : props.TaskRoleArn) === undefined ? ` (the task definition has no ${role} role)` : '';
        out.push(`${id}: ${what} needs ${action} on the ${role} role${none}`);
      }
    };
    for (const c of props.ContainerDefinitions ?? []) {
      const name = `container ${c.Name}`;
      const log = c.LogConfiguration;
      if (log?.LogDriver === 'awslogs') {
        const group = log.Options?.['awslogs-group'];
        const target = { ids: referencedIds(group), names: typeof group === 'string' ? [`log-group:${group}:`, `log-group:${group}"`] : [] };
        for (const [gid, g] of Object.entries(resources)) {
          if (g.Type === 'AWS::Logs::LogGroup' && typeof group === 'string' && g.Properties?.LogGroupName === group) target.ids.add(gid);
        }
        for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) need(execution, 'execution', action, target, `${name} (awslogs to ${JSON.stringify(group)})`);
      }
      if (JSON.stringify(c.Image).includes('.dkr.ecr.')) {
        const image = { ids: referencedIds(c.Image), names: [] as string[] };
        need(execution, 'execution', 'ecr:GetAuthorizationToken', { ids: new Set(), names: [] }, `${name} (an image from ECR)`);
        for (const action of ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']) {
          if (!execution.some(s => s.actions.some(a => actionMatches(a, action)))) need(execution, 'execution', action, image, `${name} (an image from ECR)`);
        }
      }
      const secrets = [...(c.Secrets ?? []).map((x: Json) => x.ValueFrom)];
      if (c.RepositoryCredentials) secrets.push(c.RepositoryCredentials.CredentialsParameter);
      for (const s of secrets) {
        const text = JSON.stringify(s);
        const fromSsm = text.includes(':ssm:') || text.includes('parameter/') || (typeof s === 'string' && !s.startsWith('arn:'));
        const action = fromSsm ? 'ssm:GetParameters' : 'secretsmanager:GetSecretValue';
        // a secret's JSON key or version after its ARN (arn:...:secret:name:key::) is not part of the resource
        const names = typeof s === 'string' ? [s.replace(/^(arn:[^:]+:secretsmanager:[^:]+:[^:]+:secret:[^:]+):.*$/, '$1')] : [];
        need(execution, 'execution', action, { ids: referencedIds(s), names }, `${name} (the secret ${text.slice(0, 80)})`);
      }
    }
    for (const v of props.Volumes ?? []) {
      const efs = v.EFSVolumeConfiguration;
      for (const problem of accessPointWriteProblems(resources, props.ContainerDefinitions ?? [], v)) out.push(`${id}: ${problem}`);
      if (efs?.AuthorizationConfig?.IAM !== 'ENABLED') continue;
      const target = { ids: referencedIds(efs.FilesystemId), names: typeof efs.FilesystemId === 'string' ? [efs.FilesystemId] : [] };
      const mounts = (props.ContainerDefinitions ?? []).flatMap((c: Json) => (c.MountPoints ?? []).filter((m: Json) => m.SourceVolume === v.Name));
      need(task, 'task', 'elasticfilesystem:ClientMount', target, `volume ${v.Name} (EFS with IAM authorization)`);
      if (mounts.some((m: Json) => m.ReadOnly !== true)) need(task, 'task', 'elasticfilesystem:ClientWrite', target, `volume ${v.Name} (EFS with IAM authorization, written)`);
    }
  }
  // No inline statement on `*` beyond what AWS requires.
  for (const [id, r] of Object.entries(resources)) {
    const docs = r.Type === 'AWS::IAM::Policy' ? [r.Properties?.PolicyDocument] : r.Type === 'AWS::IAM::Role' ? (r.Properties?.Policies ?? []).map((p: Json) => p.PolicyDocument) : [];
    for (const doc of docs) {
      for (const s of asList(doc?.Statement)) {
        if (s.Effect !== 'Allow' || !asList(s.Resource).includes('*')) continue;
        const wide = asList(s.Action).map(String).filter(a => !starOnly(a));
        if (wide.length > 0) out.push(`${id}: allows ${wide.join(', ')} on "*"; AWS authorizes ${wide.length === 1 ? 'it' : 'them'} on a resource: name it`);
      }
    }
  }
  return out;
}

/**
 * A container that writes an EFS volume through an access point of the stack, as a numeric user (`User:
 * "999"`, `"472:0"`), can write the folder the access point creates: its owner, group or others have write
 * permission for that user (root writes anything; an access point's PosixUser is who writes instead).
 */
function accessPointWriteProblems(resources: Resources, containers: Json[], volume: Json): string[] {
  const out: string[] = [];
  const ap = [...referencedIds(volume.EFSVolumeConfiguration?.AuthorizationConfig?.AccessPointId)].map(x => resources[x]).find(r => r?.Type === 'AWS::EFS::AccessPoint');
  const creation = ap?.Properties?.RootDirectory?.CreationInfo;
  if (!creation || ap?.Properties?.PosixUser) return out;
  // the permission digits: owner, group, others (w is 2 in each)
  const [ownerW, groupW, othersW] = String(creation.Permissions).padStart(3, '0').slice(-3).split('').map(d => [2, 3, 6, 7].includes(Number(d)));
  for (const c of containers) {
    if (!(c.MountPoints ?? []).some((m: Json) => m.SourceVolume === volume.Name && m.ReadOnly !== true)) continue;
    const user = typeof c.User === 'string' ? /^(\d+)(?::(\d+))?$/.exec(c.User) : null;
    if (!user) continue; // a user by name, or the image's own user: not known from the template
    const [uid, gid] = [Number(user[1]), user[2] === undefined ? undefined : Number(user[2])];
    const asOwner = uid === Number(creation.OwnerUid) && ownerW;
    const asGroup = gid !== undefined && gid === Number(creation.OwnerGid) && groupW;
    const writes = uid === 0 || asOwner || asGroup || othersW;
    if (!writes) {
      out.push(`container ${c.Name} runs as ${c.User} and writes volume ${volume.Name}, whose access point creates its folder as ${creation.OwnerUid}:${creation.OwnerGid} mode ${creation.Permissions}: it cannot write there`);
    }
  }
  return out;
}

/** Every deploy-readiness problem of a template (empty when it is ready). */
export function deployReadinessProblems(template: Json): string[] {
  const resources: Resources = template.Resources ?? {};
  return [...ecsRequestProblems(resources), ...creationOrderProblems(resources), ...permissionProblems(resources)];
}
