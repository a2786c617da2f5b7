/**
 * A synthesized AWS::ECS::TaskDefinition as ECS's RegisterTaskDefinition request, and
 * CloudFormation values rendered for people to read, without asking AWS.
 */

/** A CloudFormation template, as synthesized. */
export interface Template {
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** What is known about the stack's environment (undefined: only known at deploy time). */
export interface RenderContext {
  readonly region?: string;
  readonly account?: string;
}

const PSEUDO = /^AWS::/;

/** `{ Ref: ... }` or `{ "Fn::...": ... }`. */
function isIntrinsic(v: object): boolean {
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** The shape of `Fn::GetAtt [id, Arn]` for the types whose ARN a template takes apart (role ARNs built from the cluster's). */
const ARN_SHAPES: Record<string, (id: string, region: string, account: string) => string> = {
  'AWS::ECS::Cluster': (id, region, account) => `arn:\${AWS::Partition}:ecs:${region}:${account}:cluster/\${${id}}`,
  'AWS::IAM::Role': (id, _region, account) => `arn:\${AWS::Partition}:iam::${account}:role/\${${id}}`,
};

/**
 * Renders CloudFormation values: literals stay, intrinsics become strings in Fn::Sub's syntax
 * (`${LogicalId}`, `${LogicalId.Attribute}`, `${AWS::AccountId}`). What can be resolved offline
 * is: pseudo parameters the stack's environment fixes, a log group's name, and joins, splits and
 * selects of those.
 */
export class Renderer {
  constructor(private readonly template: Template, private readonly context: RenderContext = {}) {}

  public value(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(x => this.value(x));
    if (typeof v !== 'object' || v === null) return v;
    const entries = Object.entries(v);
    if (isIntrinsic(v)) return this.intrinsic(entries[0][0], entries[0][1]);
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries) out[k] = this.value(x);
    return out;
  }

  /** A value as text: intrinsics rendered, non-strings as JSON. */
  public text(v: unknown): string {
    const r = this.value(v);
    return typeof r === 'string' ? r : JSON.stringify(r);
  }

  private resource(id: unknown) {
    return typeof id === 'string' ? this.template.Resources?.[id] : undefined;
  }

  private ref(name: unknown): string {
    if (name === 'AWS::Region' && this.context.region) return this.context.region;
    if (name === 'AWS::AccountId' && this.context.account) return this.context.account;
    const r = this.resource(name);
    // A log group's Ref is its name.
    if (r?.Type === 'AWS::Logs::LogGroup' && typeof r.Properties?.LogGroupName === 'string') return r.Properties.LogGroupName;
    return `\${${String(name)}}`;
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    const a = Array.isArray(arg) ? arg : [arg];
    switch (fn) {
      case 'Ref':
        return this.ref(arg);
      case 'Fn::GetAtt': {
        const [id, attr] = typeof arg === 'string' ? arg.split('.', 2) : a;
        return `\${${String(id)}.${String(attr)}}`;
      }
      case 'Fn::Join': {
        const parts = this.value(a[1]);
        return Array.isArray(parts) ? parts.map(p => (typeof p === 'string' ? p : JSON.stringify(p))).join(String(a[0])) : `\${Fn::Join(${JSON.stringify(parts)})}`;
      }
      case 'Fn::Sub': {
        const vars = (typeof a[1] === 'object' && a[1] !== null ? a[1] : {}) as Record<string, unknown>;
        return String(a[0]).replace(/\$\{([^}!]+)\}/g, (whole, name: string) => {
          if (name in vars) return this.text(vars[name]);
          if (PSEUDO.test(name)) return this.ref(name);
          return name.includes('.') ? whole : this.ref(name);
        });
      }
      case 'Fn::Split': {
        const source = this.splittable(a[1]);
        return typeof source === 'string' ? splitOutsidePlaceholders(source, String(a[0])) : `\${Fn::Split(${JSON.stringify(source)})}`;
      }
      case 'Fn::Select': {
        const list = this.value(a[1]);
        const i = Number(a[0]);
        return Array.isArray(list) && i >= 0 && i < list.length ? list[i] : `\${Fn::Select(${i}, ${typeof list === 'string' ? list : JSON.stringify(list)})}`;
      }
      default:
        return `\${${fn}(${JSON.stringify(this.value(arg))})}`;
    }
  }

  /** The value of a Split's source: ARNs of known shape spelt out, so their parts can be selected. */
  private splittable(v: unknown): unknown {
    const getAtt = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['Fn::GetAtt'] : undefined;
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn') {
      const shape = ARN_SHAPES[this.resource(getAtt[0])?.Type ?? ''];
      if (shape) return shape(String(getAtt[0]), this.ref('AWS::Region'), this.ref('AWS::AccountId'));
    }
    return this.value(v);
  }
}

/** Split at the separator, except inside `${...}` (which holds `::`). */
function splitOutsidePlaceholders(s: string, separator: string): string[] {
  const parts = [''];
  for (const piece of s.split(/(\$\{[^}]*\})/)) {
    const bits = piece.startsWith('${') ? [piece] : piece.split(separator);
    parts[parts.length - 1] += bits[0];
    parts.push(...bits.slice(1));
  }
  return parts;
}

/** CloudFormation property names that are not the API's name with a lower-case first letter. */
const API_NAMES: Record<string, string> = {
  EFSVolumeConfiguration: 'efsVolumeConfiguration',
  FSxWindowsFileServerVolumeConfiguration: 'fsxWindowsFileServerVolumeConfiguration',
  FilesystemId: 'fileSystemId',
  ProxyConfigurationProperties: 'properties',
  IAM: 'iam',
};

/** Properties whose keys are the user's (labels, driver options): kept as written. */
const FREE_MAPS = new Set(['DockerLabels', 'Options', 'DriverOpts', 'Labels']);

/** The order of the RegisterTaskDefinition request and of a ContainerDefinition in the ECS API reference. */
const TASK_ORDER = ['family', 'taskRoleArn', 'executionRoleArn', 'networkMode', 'containerDefinitions', 'volumes',
  'placementConstraints', 'requiresCompatibilities', 'cpu', 'memory', 'tags', 'pidMode', 'ipcMode', 'proxyConfiguration',
  'inferenceAccelerators', 'ephemeralStorage', 'runtimePlatform', 'enableFaultInjection'];
const CONTAINER_ORDER = ['name', 'image', 'repositoryCredentials', 'cpu', 'memory', 'memoryReservation', 'links',
  'portMappings', 'essential', 'restartPolicy', 'entryPoint', 'command', 'environment', 'environmentFiles', 'mountPoints',
  'volumesFrom', 'linuxParameters', 'secrets', 'dependsOn', 'startTimeout', 'stopTimeout', 'versionConsistency', 'hostname',
  'user', 'workingDirectory', 'disableNetworking', 'privileged', 'readonlyRootFilesystem', 'dnsServers', 'dnsSearchDomains',
  'extraHosts', 'dockerSecurityOptions', 'interactive', 'pseudoTerminal', 'dockerLabels', 'ulimits', 'logConfiguration',
  'healthCheck', 'systemControls', 'resourceRequirements', 'firelensConfiguration', 'credentialSpecs'];

function apiName(key: string): string {
  return API_NAMES[key] ?? key.charAt(0).toLowerCase() + key.slice(1);
}

function ordered(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => rank(a) - rank(b)));
}

/** CloudFormation's PascalCase properties as the API's camelCase ones, values rendered. */
function toApi(v: unknown, renderer: Renderer): unknown {
  if (Array.isArray(v)) return v.map(x => toApi(x, renderer));
  if (typeof v !== 'object' || v === null || isIntrinsic(v)) return renderer.value(v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[apiName(k)] = FREE_MAPS.has(k) ? renderer.value(x) : toApi(x, renderer);
  }
  return out;
}

/** The task definitions of a template, as RegisterTaskDefinition requests. */
export function registerTaskDefinitionRequests(template: Template, context: RenderContext = {}): Record<string, unknown>[] {
  const renderer = new Renderer(template, context);
  return Object.values(template.Resources ?? {})
    .filter(r => r.Type === 'AWS::ECS::TaskDefinition')
    .map(r => {
      const request = toApi(r.Properties ?? {}, renderer) as Record<string, unknown>;
      if (Array.isArray(request.containerDefinitions)) {
        request.containerDefinitions = request.containerDefinitions.map(c => ordered(c as Record<string, unknown>, CONTAINER_ORDER));
      }
      return ordered(request, TASK_ORDER);
    });
}
