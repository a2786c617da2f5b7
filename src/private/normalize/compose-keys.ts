/**
 * The one source of truth for compose keys: for each service key and top-level key, what the
 * construct does with it (converted, warned or refused), the ECS field it becomes, the note that
 * docs/support.md prints, and the reader that converts it.
 */
import { readBuild } from './build';
import { KeyRule, noteDeploymentKey, refuse, ServiceBuilder, set, warnIgnored } from './builder';
import {
  commandList, cpus, FARGATE_MAX_NOFILE, memory, readDependsOn, readHealthCheck, readLogging, readLoggingKey, readPlatform, readUlimits,
  setSize,
} from './container';
import { readDeploy } from './deploy';
import { readEnvironment, readLabels } from './environment';
import { readFileMounts } from './files';
import { ECS_HEALTHCHECK_BOUNDS as B, ECS_QUOTAS, FARGATE_STOP_TIMEOUT_BOUNDS as STOP } from '../facts/ecs-limits';
import { ServiceModel } from '../model';
import { readExpose, readLinks, readPorts, readServiceNetworks } from './networks';
import { DocPath, quote } from '../problems';
import { readCapabilities, readSecurityOptions, readSysctls } from './security';
import { parseDurationSeconds, parseInteger } from '../units';
import { ECS_TMPFS_FLAGS, readDevelop, readTmpfs, readVolumes, readVolumesFrom } from './volumes';

/** A key dropped on Fargate with a warning: the note documents it, the message explains it. */
function warned(key: string, note: string, message = note, ecs = '-'): KeyRule {
  return { key, support: 'warned', ecs, note, handle: warnIgnored(message) };
}

/** A key Fargate cannot honour: an error naming it, with the reason. */
function refused(key: string, note: string, message = note, ecs = '-'): KeyRule {
  return { key, support: 'refused', ecs, note, handle: refuse(message) };
}

/**
 * A deployment key: ComposeFargateProject reads it into the model (`field`), one task drops it
 * (`oneTask` says why, in the single-task plan's warning). Normalize notes where the file gives it.
 */
function named<K extends keyof ServiceModel>(
  key: string, oneTask: string, field: K, read: (svc: ServiceBuilder, value: unknown, at: DocPath) => ServiceModel[K] | undefined,
): KeyRule {
  return {
    key,
    support: 'warned',
    ecs: '-',
    note: `${oneTask} (ComposeFargateProject: ${PROJECT_NOTES[key]})`,
    oneTask,
    handle: (svc, value, at) => {
      noteDeploymentKey(svc.deploymentKeys, svc.r.problems, key, at);
      set(svc, field, read(svc, value, at));
    },
  };
}

/** Why one task drops the networks, a service's and the top-level ones. */
const ONE_TASK_NETWORK = 'the containers of one task share one awsvpc network interface';

const PROJECT_NOTES: Record<string, string> = {
  restart: '"no" makes a one-shot service, run to completion before the services that wait for it',
  container_name: 'another name the service answers to',
  expose: 'ports the other services reach through Service Connect',
  links: 'the alias is another name of the linked service',
  hostname: 'another name the service answers to',
  networks: 'services reach only services that share a network with them; aliases are names they answer to',
};

/** The one source of truth for compose service keys. */
export const COMPOSE_SERVICE_KEYS: KeyRule[] = [
  {
    key: 'image',
    support: 'converted',
    ecs: 'image',
    note: 'passed through as written (CDK tokens allowed)',
    handle: (svc, v, at) => set(svc, 'image', svc.r.string(v, at, 'an image reference')),
  },
  {
    key: 'command',
    support: 'converted',
    ecs: 'command',
    note: 'a list is kept; a string is split into words as a shell would',
    handle: (svc, v, at) => set(svc, 'command', commandList(svc, v, at)),
  },
  {
    key: 'entrypoint',
    support: 'converted',
    ecs: 'entryPoint',
    note: 'a list is kept; a string is split into words as a shell would',
    handle: (svc, v, at) => set(svc, 'entryPoint', commandList(svc, v, at)),
  },
  {
    key: 'environment',
    support: 'converted',
    ecs: 'environment',
    note: 'list or map; a key without a value is taken from the variables (left out when unset, as compose does, with a warning); a password, secret, token or key written in the file (`POSTGRES_PASSWORD: example`, a URL with a password) is a warning (plaintext-secret): the value is in the task definition in plain text',
    handle: readEnvironment,
  },
  {
    key: 'env_file',
    support: 'converted',
    ecs: 'environment',
    note: 'read at synth time from the project directory; later files win; `environment` wins over them',
    // Read by the load stage (load/env-files.ts) into the service's environment: normalize does not see it.
  },
  {
    key: 'ports',
    support: 'converted',
    ecs: 'portMappings',
    note: 'short and long syntax; the task opens the container port (port mapping and security group), once per task; a host port that differs (`"8080:80"`) is a warning, and the default listener port of a load balancer target; a range is one mapping per port (a range of over 100 ports: containerPortRange); a loopback host IP keeps the port out of the security group',
    handle: readPorts,
  },
  {
    key: 'logging',
    support: 'converted',
    ecs: 'logConfiguration',
    note: 'awslogs creates its log group; splunk and awsfirelens pass through (a task without a FireLens log router gets AWS for Fluent Bit added); other drivers fall back to awslogs with a warning',
    handle: readLoggingKey,
  },
  {
    key: 'log_driver',
    support: 'converted',
    ecs: 'logConfiguration.logDriver',
    note: 'version 1 spelling of logging.driver',
    handle: (svc, v, at) => set(svc, 'logging', readLogging(svc, v, svc.raw.log_opt, at, at, [...at.slice(0, -1), 'log_opt'])),
  },
  {
    key: 'log_opt',
    support: 'converted',
    ecs: 'logConfiguration.options',
    note: 'version 1 spelling of logging.options',
    handle: (svc, v, at) => {
      if (svc.raw.log_driver === undefined) set(svc, 'logging', readLogging(svc, undefined, v, at, at, at));
    },
  },
  {
    key: 'healthcheck',
    support: 'converted',
    ecs: 'healthCheck',
    note: `string test -> CMD-SHELL; durations truncated to seconds; a value outside ECS's bounds (interval ${B.interval[0]}-${B.interval[1]} s, timeout ${B.timeout[0]}-${B.timeout[1]} s and at most the interval, retries ${B.retries[0]}-${B.retries[1]}, start_period ${B.startPeriod[0]}-${B.startPeriod[1]} s) is moved to the nearest one ECS takes, with a warning; disable / ["NONE"] drop it`,
    handle: (svc, v, at) => set(svc, 'healthCheck', readHealthCheck(svc.r, v, at, false)),
  },
  {
    key: 'mem_limit',
    support: 'converted',
    ecs: 'memory',
    note: 'bytes when a bare number; binary units; floored to MiB; 0 is no limit, as in Docker: unset',
    handle: (svc, v, at) => setSize(svc, 'memoryLimitMiB', memory(svc, v, at), at, v),
  },
  {
    key: 'mem_reservation',
    support: 'converted',
    ecs: 'memoryReservation',
    note: 'bytes when a bare number; binary units; floored to MiB; 0 is none, as in Docker: unset',
    handle: (svc, v, at) => setSize(svc, 'memoryReservationMiB', memory(svc, v, at), at, v),
  },
  {
    key: 'cpu_shares',
    support: 'converted',
    ecs: 'cpu',
    note: 'CPU units; 0 is Docker\'s default share: unset',
    // Fargate's upper bound is the plan's, on the value the container gets.
    // 0 is Docker's default share, which Docker Compose leaves out: unset.
    handle: (svc, v, at) => setSize(svc, 'cpu', svc.r.inRange(svc.r.parsed(v, at, x => parseInteger(x, 'a whole number of CPU units')), at, 0, Number.MAX_SAFE_INTEGER, 'cpu_shares') || undefined, at),
  },
  {
    key: 'cpus',
    support: 'converted',
    ecs: 'cpu',
    note: 'number of CPUs x 1024; 0 (`${WEB_CPUS:-0}`) is no limit, as in Docker: unset',
    handle: (svc, v, at) => setSize(svc, 'cpu', cpus(svc, v, at), at),
  },
  {
    key: 'deploy',
    support: 'converted',
    ecs: 'cpu, memory, memoryReservation; desired count',
    note: 'resources.limits/reservations (cpus, memory) and replicas are converted; update_config.parallelism and x-aws-min_percent / x-aws-max_percent set the deployment percentages (as Docker\'s ECS integration did); resources.reservations.devices and generic_resources (GPUs) are refused; mode replicated-job and restart_policy.condition none make a one-shot service in ComposeFargateProject (as restart: "no"; the condition decides over `restart`, as in Docker Compose); mode global is refused; other deploy keys are ignored with a warning',
    handle: (svc, v, at) => readDeploy(svc, v, at),
  },
  {
    key: 'stop_grace_period',
    support: 'converted',
    ecs: 'stopTimeout',
    note: `whole seconds; outside Fargate's ${STOP[0]}-${STOP[1]} s it is moved to the nearest one, with a warning`,
    handle: (svc, v, at) => {
      set(svc, 'stopTimeoutSeconds', svc.r.parsed(v, at, x => parseDurationSeconds(x, false)));
      set(svc, 'stopGracePeriod', { written: v, path: at });
    },
  },
  {
    key: 'working_dir',
    support: 'converted',
    ecs: 'workingDirectory',
    note: '',
    handle: (svc, v, at) => set(svc, 'workingDirectory', svc.r.string(v, at, 'a path')),
  },
  {
    key: 'user',
    support: 'converted',
    ecs: 'user',
    note: '',
    handle: (svc, v, at) => set(svc, 'user', svc.r.string(v, at, 'a user name or uid[:gid]')),
  },
  {
    key: 'labels',
    support: 'converted',
    ecs: 'dockerLabels',
    note: 'list or map; a label without a value is ""',
    handle: readLabels,
  },
  {
    key: 'read_only',
    support: 'converted',
    ecs: 'readonlyRootFilesystem',
    note: '',
    handle: (svc, v, at) => set(svc, 'readOnly', svc.r.bool(v, at)),
  },
  {
    key: 'tty',
    support: 'converted',
    ecs: 'pseudoTerminal',
    note: '',
    handle: (svc, v, at) => set(svc, 'tty', svc.r.bool(v, at)),
  },
  {
    key: 'stdin_open',
    support: 'converted',
    ecs: 'interactive',
    note: '',
    handle: (svc, v, at) => set(svc, 'interactive', svc.r.bool(v, at)),
  },
  {
    key: 'init',
    support: 'converted',
    ecs: 'linuxParameters.initProcessEnabled',
    note: '',
    handle: (svc, v, at) => set(svc, 'init', svc.r.bool(v, at)),
  },
  {
    key: 'ulimits',
    support: 'converted',
    ecs: 'ulimits',
    note: `a number sets soft and hard; {soft, hard} both; names as ECS knows them; nofile at most ${FARGATE_MAX_NOFILE} on Fargate`,
    handle: (svc, v, at) => set(svc, 'ulimits', readUlimits(svc, v, at)),
  },
  {
    key: 'depends_on',
    support: 'converted',
    ecs: 'dependsOn',
    note: 'list (START) or map: service_started -> START, service_healthy -> HEALTHY, service_completed_successfully -> SUCCESS',
    handle: (svc, v, at) => set(svc, 'dependsOn', readDependsOn(svc, v, at)),
  },
  // Deployment keys: harmless to drop in one task (the single-task plan warns); ComposeFargateProject
  // reads them (names that resolve, ports other services reach, networks that separate services,
  // one-shot services).
  named('restart', 'ECS replaces stopped tasks itself', 'restart', (svc, v, at) => svc.r.string(v, at)),
  named('container_name', 'the container is named after the compose service', 'containerName', (svc, v, at) => svc.r.string(v, at)),
  named('expose', 'containers of one task share localhost; only `ports` are opened in the security group', 'expose', readExpose),
  named('links', 'containers of one task share localhost: reach the linked service at localhost', 'links', readLinks),
  warned('external_links', 'the task has its own network interface'),
  named('hostname', 'ECS does not set a hostname under awsvpc', 'hostname', (svc, v, at) => svc.r.string(v, at)),
  warned('domainname', 'ECS does not set a domain name under awsvpc'),
  warned('stop_signal', 'ECS sends SIGTERM (or the image\'s STOPSIGNAL)'),
  warned('mac_address', 'the task\'s network interface has its own address'),
  warned('pull_policy', 'ECS pulls the image when a task starts'),
  named('networks', ONE_TASK_NETWORK, 'networks', readServiceNetworks),
  warned('oom_score_adj', 'not settable on Fargate'),
  warned('oom_kill_disable', 'not settable on Fargate'),
  warned('mem_swappiness', 'Fargate has no swap'),
  warned('memswap_limit', 'Fargate has no swap'),
  warned('cpu_quota', 'use cpus or deploy.resources.limits.cpus'),
  warned('cpu_period', 'use cpus or deploy.resources.limits.cpus'),
  warned('cpuset', 'Fargate does not pin CPUs'),
  warned('pids_limit', 'not settable on Fargate'),
  { key: 'profiles', support: 'converted', ecs: '-', note: 'a service whose profiles are not active (COMPOSE_PROFILES) is left out, as `docker compose up` does' },
  // Changes what the application does: refused.
  { key: 'privileged', support: 'refused', ecs: '-', note: 'Fargate does not run privileged containers', handle: (svc, v, at) => { if (v === true || v === 'true') refuse('Fargate does not run privileged containers')(svc, v, at); } },
  refused('devices', 'Fargate gives containers no host devices'),
  {
    key: 'network_mode',
    support: 'refused',
    ecs: '-',
    note: 'Fargate tasks use awsvpc; "bridge" and "awsvpc" are accepted, others refused',
    handle: (svc, v, at) => {
      if (v === 'bridge' || v === 'awsvpc' || v === 'default') {
        svc.r.problems.warn('ignored-key', at, `ignored on Fargate: the task uses awsvpc (got ${quote(v)})`);
      } else {
        refuse('Fargate tasks always use the awsvpc network mode: the containers of one task share one network interface')(svc, v, at);
      }
    },
  },
  refused('pid', 'Fargate allows only a task-wide PID namespace (ecs-params pid_mode: task)', 'Fargate allows only a task-wide PID namespace: set ecs-params task_definition.pid_mode: task', 'pidMode'),
  refused('ipc', 'Fargate does not support IPC namespaces', 'Fargate does not support ipc modes', 'ipcMode'),
  refused('uts', 'Fargate does not share the host UTS namespace'),
  refused('userns_mode', 'Fargate does not support user namespaces modes', 'Fargate does not support user namespace modes'),
  refused('cgroup_parent', 'Fargate manages cgroups'),
  refused('cgroup', 'Fargate manages cgroups'),
  refused('gpus', 'Fargate has no GPUs'),
  refused('runtime', 'Fargate chooses the container runtime'),
  refused('isolation', 'Windows isolation modes are not available on Fargate Linux tasks', 'isolation modes are not available on Fargate'),
  {
    key: 'security_opt',
    support: 'warned',
    ecs: '-',
    note: 'ECS takes no docker security options on Fargate (dockerSecurityOptions is for EC2): each option is left out with a warning that says what the container runs with instead (no-new-privileges, label, apparmor, seccomp, systempaths); credentialspec (Active Directory) is refused',
    handle: (svc, v, at) => readSecurityOptions(svc, v, at),
  },
  refused('extra_hosts', 'ECS does not accept extraHosts under awsvpc', 'ECS does not accept extraHosts under awsvpc: use DNS (service discovery) instead', 'extraHosts'),
  refused('dns', 'ECS does not accept dnsServers under awsvpc', 'ECS does not accept dnsServers under awsvpc: the VPC resolver is used', 'dnsServers'),
  refused('dns_search', 'ECS does not accept dnsSearchDomains under awsvpc', 'ECS does not accept dnsSearchDomains under awsvpc: set search domains in the VPC DHCP options', 'dnsSearchDomains'),
  refused('dns_opt', 'ECS has no DNS options under awsvpc'),
  refused('device_cgroup_rules', 'Fargate gives containers no host devices'),
  refused('blkio_config', 'Fargate does not limit block I/O'),
  refused('storage_opt', 'Fargate manages container storage'),
  refused('volume_driver', 'use ecs-params docker_volumes or efs_volumes', 'volume drivers are configured in ecs-params (docker_volumes, efs_volumes)'),
  refused('credential_spec', 'gMSA credential specs are for Windows containers'),
  warned('annotations', 'OCI annotations are not passed by ECS'),
  warned('attach', 'there is no terminal to attach to'),
  {
    key: 'volumes',
    support: 'converted',
    ecs: 'mountPoints, volumes',
    note: 'named volumes (task storage, or EFS: ecs-params efs_volumes, the fileSystems prop, volumeStorage EFS, and always in ComposeFargateProject) and anonymous volumes; `:ro`; long syntax. Bind mounts of project files: in the image at their target, COPYed at deploy time (a thin image on a registry image; with `build:`, at the end of the stage the build ends with, in a copy of the build context made at synth; the shallower target first, owned by the user the service runs as); a development mount of files the image holds (the Dockerfile COPYs them to the target, or a develop.watch sync rule) is left out; a missing or empty folder is a data volume (a missing path mounted read-only, at a file by its name, or in the long syntax without bind.create_host_path is an error); an anonymous volume inside a mounted project folder (`/app/node_modules`) is left out, as the image keeps its files there. Host paths outside the project folder are refused',
    handle: (svc, v, at) => set(svc, 'volumes', readVolumes(svc, v, at)),
  },
  {
    key: 'volumes_from',
    support: 'converted',
    ecs: 'volumesFrom',
    note: '`service[:ro|rw]`; `container:NAME` (a container outside the project) is refused',
    handle: (svc, v, at) => set(svc, 'volumesFrom', readVolumesFrom(svc, v, at)),
  },
  {
    key: 'cap_add',
    support: 'converted',
    ecs: 'linuxParameters.capabilities.add',
    note: 'Fargate allows adding only SYS_PTRACE',
    handle: (svc, v, at) => set(svc, 'capAdd', readCapabilities(svc, v, at, true)),
  },
  {
    key: 'cap_drop',
    support: 'converted',
    ecs: 'linuxParameters.capabilities.drop',
    note: 'any Linux capability, or ALL',
    handle: (svc, v, at) => set(svc, 'capDrop', readCapabilities(svc, v, at, false)),
  },
  {
    key: 'sysctls',
    support: 'converted',
    ecs: 'systemControls',
    note: 'the namespaced ones Fargate supports: net.*, fs.mqueue.*, kernel.msgmax/msgmnb/msgmni/sem/shmall/shmmax/shmmni/shm_rmid_forced; they apply to the whole task; others (vm.*, kernel.*) are left out with a warning, as Fargate cannot set them',
    handle: (svc, v, at) => set(svc, 'sysctls', readSysctls(svc, v, at)),
  },
  {
    key: 'platform',
    support: 'converted',
    ecs: 'runtimePlatform.cpuArchitecture',
    note: 'linux/amd64 -> X86_64, linux/arm64 -> ARM64; one architecture per task',
    handle: readPlatform,
  },
  {
    key: 'secrets',
    support: 'converted',
    ecs: 'secrets (read by an init container into files)',
    note: 'each secret is written to /run/secrets/<target> by an init container before the service starts: top-level `external: true` or `name:` from that Secrets Manager secret; `file:`, `content:` and `environment:` (project secrets) from a secret the construct makes with a generated value, or the secrets prop (the local value never enters the template)',
    handle: (svc, v, at) => set(svc, 'secretFiles', readFileMounts(svc, v, at, 'secret')),
  },
  {
    key: 'configs',
    support: 'converted',
    ecs: 'secrets (read by an init container into files)',
    note: 'top-level `external: true` or `name:`: an SSM parameter written to its target by an init container before the service starts (the target needs a folder of its own); `file:`, `content:` and `environment:`: put into the image at its target, like a mounted project file (built services too; uid, gid and mode kept)',
    handle: (svc, v, at) => set(svc, 'configFiles', readFileMounts(svc, v, at, 'config')),
  },
  {
    key: 'extends',
    support: 'converted',
    ecs: '-',
    note: 'resolved before conversion: the base service (in this file or `file:`) is merged under this one',
  },
  {
    key: 'label_file',
    support: 'converted',
    ecs: 'dockerLabels',
    note: 'KEY=VALUE files read at synth time; `labels` wins over them',
    // Read by the load stage (load/env-files.ts) into the service's labels: normalize does not see it.
  },
  {
    key: 'tmpfs',
    support: 'converted',
    ecs: 'linuxParameters.tmpfs',
    note: `"PATH" or "PATH:OPTIONS" (and volumes of type tmpfs): a tmpfs mount, as Fargate has them since January 2026; size= is rounded up to MiB (\`size=50%\`: of the task's memory), without one it is half the task's memory (as the kernel sizes a tmpfs), with a warning; mount flags (${ECS_TMPFS_FLAGS.slice(0, 6).join(', ')}, ...) pass on; mode, uid, gid and the other valued options are left out with a warning (the mount is then root's, mode 1777, writable by every user)`,
    handle: (svc, v, at) => set(svc, 'tmpfs', [...(svc.fields.tmpfs ?? []), ...readTmpfs(svc, v, at)]),
  },
  warned('shm_size', 'ECS has no sharedMemorySize on Fargate: /dev/shm keeps the size Fargate gives it',
    'ECS has no sharedMemorySize on Fargate: /dev/shm keeps the size Fargate gives it, whatever this asks for'),
  {
    key: 'build',
    support: 'converted',
    ecs: 'image (a CDK image asset)',
    note: 'context, dockerfile, args and target become a Docker image asset, built and pushed at deploy time (no Docker needed to synthesize); when `image` is also given, the build is used. A target the Dockerfile does not name, or a heredoc that never ends, is an error. With project files to put into the image, or a Dockerfile outside the context, the asset is a copy of the context (what .dockerignore leaves) made at synth under the temp folder',
    handle: (svc, v, at) => set(svc, 'build', readBuild(svc, v, at)),
  },
  {
    key: 'develop',
    support: 'warned',
    ecs: '-',
    note: 'file watching is for local development; a bind mount that a `sync` rule covers is a development mount, left out',
    handle: (svc, v, at) => {
      warnIgnored('file watching is for local development')(svc, v, at);
      set(svc, 'developWatch', readDevelop(svc, v, at));
    },
  },
  warned('cpu_count', 'a Windows setting; use cpus for the container\'s CPU'),
  warned('cpu_percent', 'a Windows setting; use cpus for the container\'s CPU'),
  refused('cpu_rt_period', 'Fargate gives no real-time CPU scheduling'),
  refused('cpu_rt_runtime', 'Fargate gives no real-time CPU scheduling'),
  refused('group_add', 'ECS sets no supplementary groups (user takes "uid:gid" only)', 'ECS sets no supplementary groups: give the group in user as "uid:gid"'),
  warned('pull_refresh_after', 'ECS pulls the image when a task starts'),
  { key: 'net', support: 'refused', ecs: '-', note: 'version 1 spelling of network_mode: "bridge" is accepted, others refused', handle: (svc, v, at) => KEY_INDEX.get('network_mode')!.handle!(svc, v, at) },
  {
    key: 'dockerfile',
    support: 'converted',
    ecs: 'image (a CDK image asset)',
    note: 'version 1 spelling of build.dockerfile',
    handle: (svc, v, at) => {
      if (svc.raw.build === undefined) svc.r.problems.error(at, 'a dockerfile needs build: give the build context');
      else if (typeof svc.raw.build === 'string') set(svc, 'build', readBuild(svc, { context: svc.raw.build, dockerfile: v }, at.slice(0, -1).concat('build')));
    },
  },
  refused('post_start', 'ECS has no container lifecycle hooks'),
  refused('pre_stop', 'ECS has no container lifecycle hooks'),
  refused('provider', 'compose provider services run on the local machine'),
  refused('use_api_socket', 'there is no Docker engine socket on Fargate'),
  refused('models', 'compose AI models run on the local machine'),
  warned('scale', 'the desired count of the ECS service (desiredCount, deploy.replicas) sets the number of tasks; containers of one task are not scaled', 'containers of one task are not scaled: set deploy.replicas or desiredCount for the number of tasks'),
];

export const KEY_INDEX = new Map(COMPOSE_SERVICE_KEYS.map(k => [k.key, k]));

/** The compose file's top-level keys. */
export const COMPOSE_TOP_LEVEL_KEYS: KeyRule[] = [
  { key: 'version', support: 'converted', ecs: '-', note: '1 (no key, services at the top level), 2, 2.x, 3, 3.x; absent with `services`: the Compose Specification' },
  { key: 'name', support: 'converted', ecs: 'family, serviceName', note: 'the project name, unless the projectName prop is given' },
  { key: 'services', support: 'converted', ecs: 'containerDefinitions', note: `one container per service, in one task definition: ECS takes at most ${ECS_QUOTAS.containersPerTaskDefinition} (counting the init container for secrets and configs) in a task definition of at most ${ECS_QUOTAS.taskDefinitionBytes / 1024} KiB; beyond that, ComposeFargateProject (a task definition per service)` },
  { key: 'volumes', support: 'converted', ecs: 'volumes', note: 'named volumes without driver options: task storage in ComposeFargateService (VolumeStorage.EFS: an EFS file system each), EFS file systems the construct makes in ComposeFargateProject (encrypted, an access point each, backed up, retained); ecs-params efs_volumes and the fileSystems prop name existing ones; driver, driver_opts, labels and external without a file system are refused' },
  { key: 'secrets', support: 'converted', ecs: 'secrets', note: '`external: true` / `name:`: a Secrets Manager secret; `file:`, `content:`, `environment:`: a secret the construct makes with a generated value (a warning says how to set an exact one), or the secrets prop' },
  { key: 'configs', support: 'converted', ecs: 'secrets', note: '`external: true` / `name:`: an SSM parameter; `file:`, `content:`, `environment:` (its value at synth time): put into the image' },
  {
    key: 'networks',
    support: 'warned',
    ecs: '-',
    note: `${ONE_TASK_NETWORK} (ComposeFargateProject: the networks the services name decide which services reach which, one security group per network); driver, ipam, internal and the other network settings are warned about one by one`,
    oneTask: ONE_TASK_NETWORK,
  },
  { key: 'include', support: 'refused', ecs: '-', note: 'not read by this version: merge the files with ComposeDefinition.fromFiles([...])' },
  { key: 'models', support: 'refused', ecs: '-', note: 'compose AI models run on the local machine' },
  { key: 'x-*', support: 'converted', ecs: '-', note: 'extension blocks are not read (never a service, in a version 1 file too); the anchors in them are read where they are used; an x-aws-* key that is not one of the Docker ECS keys above is left out with a warning' },
];
