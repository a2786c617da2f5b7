/**
 * The canonical compose model (canonical.ts) printed byte for byte as `docker compose config`
 * prints it. Docker Compose marshals Go structs: a struct's fields come in the order the Go type
 * declares them (compose-go's types), maps are sorted (JSON: by bytes; YAML: go-yaml's natural
 * order, numbers by value), and a few fields print although empty. The tables below are those Go
 * types, as far as compose files fill them.
 */
import { Document, visit } from 'yaml';
import { dict } from '../dict';
import { isPlainObject } from './load';

interface StructShape {
  readonly kind: 'struct';
  /** The fields in the Go type's order, each with the shape of its value when it has one. */
  readonly fields: [string, Shape?][];
  /** Fields JSON prints as `null` when absent (compose-go: `json:"command"`, no omitempty). */
  readonly jsonNull?: string[];
  /** Fields JSON prints as `{}` when absent (a struct value, which encoding/json never omits). */
  readonly jsonEmpty?: string[];
  /**
   * JSON leaves the `x-` keys out (`json:"-"`); YAML prints them last (go-yaml `,inline`). Not the
   * project's: it is marshalled to JSON as a map, its `x-` keys among the others.
   */
  readonly extensions?: boolean;
}
interface CollectionShape {
  readonly kind: 'map' | 'list';
  readonly of?: Shape;
}
type Shape = StructShape | CollectionShape;

const struct = (names: string, nested: Record<string, Shape> = {}, extra: Partial<StructShape> = {}): StructShape => ({
  kind: 'struct',
  fields: names.split(/\s+/).filter(n => n !== '').map(n => [n, nested[n]]),
  extensions: true,
  ...extra,
});
const mapOf = (of?: Shape): Shape => ({ kind: 'map', of });
const listOf = (of?: Shape): Shape => ({ kind: 'list', of });
const MAP = mapOf();

const ULIMIT = struct('single soft hard');
const FILE_REFERENCE = struct('source target uid gid mode');
const RESOURCE = struct('cpus memory pids devices generic_resources');
const UPDATE = struct('parallelism delay failure_action monitor max_failure_ratio order');
const BUILD = struct(
  'context dockerfile dockerfile_inline entitlements args provenance sbom ssh labels cache_from cache_to no_cache '
  + 'additional_contexts pull extra_hosts isolation network target secrets shm_size tags ulimits platforms privileged',
  { args: MAP, labels: MAP, additional_contexts: MAP, secrets: listOf(FILE_REFERENCE), ulimits: mapOf(ULIMIT) });
const DEPLOY = struct('mode replicas labels update_config rollback_config resources restart_policy placement endpoint_mode', {
  labels: MAP,
  update_config: UPDATE,
  rollback_config: UPDATE,
  resources: struct('limits reservations', { limits: RESOURCE, reservations: RESOURCE }),
  restart_policy: struct('condition delay max_attempts window'),
  placement: struct('constraints preferences max_replicas_per_node', { preferences: listOf(struct('spread')) }),
}, { jsonEmpty: ['resources', 'placement'] });
const PORT = struct('name mode host_ip target published protocol app_protocol');
const VOLUME_MOUNT = struct('type source target read_only consistency bind volume tmpfs image', {
  bind: struct('selinux propagation create_host_path recursive'),
  volume: struct('labels nocopy subpath', { labels: MAP }),
  tmpfs: struct('size mode'),
  image: struct('subpath'),
});
const SERVICE = struct(
  'profiles annotations attach build develop blkio_config cap_add cap_drop cgroup_parent cgroup cpu_count cpu_percent '
  + 'cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpus cpuset cpu_shares command configs container_name credential_spec '
  + 'depends_on deploy device_cgroup_rules devices dns dns_opt dns_search dockerfile domainname entrypoint provider environment '
  + 'env_file expose extends external_links extra_hosts group_add gpus hostname healthcheck image init ipc isolation labels '
  + 'label_file links logging log_driver log_opt mem_limit mem_reservation memswap_limit mem_swappiness mac_address models net '
  + 'network_mode networks oom_kill_disable oom_score_adj pid pids_limit platform ports privileged pull_policy read_only restart '
  + 'runtime scale secrets security_opt shm_size stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits '
  + 'use_api_socket user userns_mode uts volume_driver volumes volumes_from working_dir post_start pre_stop',
  {
    annotations: MAP,
    build: BUILD,
    configs: listOf(FILE_REFERENCE),
    credential_spec: struct('config file registry'),
    depends_on: mapOf(struct('condition restart required')),
    deploy: DEPLOY,
    devices: listOf(struct('source target permissions')),
    environment: MAP,
    extends: struct('file service'),
    healthcheck: struct('test timeout interval retries start_period start_interval disable'),
    labels: MAP,
    logging: struct('driver options', { options: MAP }),
    log_opt: MAP,
    networks: mapOf(struct('aliases driver_opts gw_priority interface_name ipv4_address ipv6_address link_local_ips mac_address priority', {
      driver_opts: MAP,
    })),
    ports: listOf(PORT),
    secrets: listOf(FILE_REFERENCE),
    storage_opt: MAP,
    sysctls: MAP,
    ulimits: mapOf(ULIMIT),
    volumes: listOf(VOLUME_MOUNT),
  },
  { jsonNull: ['command', 'entrypoint'] },
);
const NETWORK = struct('name driver driver_opts ipam external internal attachable labels enable_ipv4 enable_ipv6', {
  driver_opts: MAP,
  ipam: struct('driver config', { config: listOf(struct('subnet gateway ip_range aux_addresses', { aux_addresses: MAP })) }),
  labels: MAP,
}, { jsonEmpty: ['ipam'] });
const VOLUME = struct('name driver driver_opts external labels', { driver_opts: MAP, labels: MAP });
const FILE_OBJECT = struct('name file environment content external labels driver driver_opts template_driver', { labels: MAP, driver_opts: MAP });
const PROJECT = struct('name services networks volumes secrets configs models', {
  services: mapOf(SERVICE),
  networks: mapOf(NETWORK),
  volumes: mapOf(VOLUME),
  secrets: mapOf(FILE_OBJECT),
  configs: mapOf(FILE_OBJECT),
}, { extensions: false });

/** go-yaml's order of map keys: numbers by value, digit runs by value, a letter before other characters. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const num = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
  if (num.test(a) && num.test(b) && Number(a) !== Number(b)) return Number(a) < Number(b);
  const ar = [...a];
  const br = [...b];
  const isDigit = (c: string) => /^\p{Nd}$/u.test(c);
  const isLetter = (c: string) => /^\p{L}$/u.test(c);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

/** Go's sort of JSON map keys: by their UTF-8 bytes. */
function byteLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
}

function ordered(value: unknown, shape: Shape | undefined, json: boolean): unknown {
  if (Array.isArray(value)) return value.map(v => ordered(v, shape?.kind === 'list' ? shape.of : undefined, json));
  if (!isPlainObject(value)) return value;
  const out = dict<unknown>();
  if (shape?.kind === 'struct') {
    for (const [name, inner] of shape.fields) {
      if (value[name] !== undefined) out[name] = ordered(value[name], inner, json);
      else if (json && shape.jsonNull?.includes(name)) out[name] = null;
      else if (json && shape.jsonEmpty?.includes(name)) out[name] = {};
    }
    const known = new Set(shape.fields.map(([n]) => n));
    const rest = Object.keys(value).filter(k => !known.has(k) && !(json && shape.extensions && k.startsWith('x-'))).sort((a, b) => (json ? byteLess(a, b) : goYamlKeyLess(a, b)) ? -1 : 1);
    for (const k of rest) out[k] = ordered(value[k], undefined, json);
    return out;
  }
  const of = shape?.kind === 'map' ? shape.of : undefined;
  const keys = Object.keys(value).sort((a, b) => (a === b ? 0 : (json ? byteLess(a, b) : goYamlKeyLess(a, b)) ? -1 : 1));
  for (const k of keys) out[k] = ordered(value[k], of, json);
  return out;
}

/** `docker compose config --format json`: Go's json.MarshalIndent, which escapes <, > and & and ends without a newline. */
export function printComposeJson(model: Record<string, unknown>): string {
  // The project is marshalled as a map: its keys sorted, the top-level x- keys among them.
  const top = ordered(model, PROJECT, true) as Record<string, unknown>;
  const sorted = dict<unknown>();
  for (const k of Object.keys(top).sort((a, b) => (byteLess(a, b) ? -1 : 1))) sorted[k] = top[k];
  return JSON.stringify(sorted, undefined, 2)
    .replace(/[<>&\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text go-yaml writes quoted: what a YAML 1.1 or 1.2 reader would not read back as that text. */
function needsQuotes(text: string): boolean {
  if (text === '') return true;
  // YAML 1.1 booleans and null
  if (/^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/.test(text)) return true;
  // numbers (go-yaml reads 0x, 0o, 0b, leading zeros, underscores, .inf, .nan)
  if (/^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?)$/.test(text)) return true;
  if (/^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(text)) return true;
  // timestamps
  if (/^\d{4}-\d\d?-\d\d?([Tt ]|$)/.test(text)) return true;
  // YAML 1.1 base-60 numbers (`50000:0`, `1:30`): go-yaml quotes them for other readers (its isBase60Float)
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(text)) return true;
  return false;
}

/** `docker compose config` (YAML): go-yaml v3 with an indent of 2. */
export function printComposeYaml(model: Record<string, unknown>): string {
  const doc = new Document(ordered(model, PROJECT, false), { version: '1.2' });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      const text = node.value;
      if (text.includes('\n') && !/^\s|[ \t]\n|\s$/.test(text.replace(/\n+$/, ''))) node.type = 'BLOCK_LITERAL';
      else if (needsQuotes(text)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0, nullStr: 'null' });
}
