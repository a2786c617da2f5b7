import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateService } from '../../src';
import { COMPOSE_SERVICE_KEYS, COMPOSE_TOP_LEVEL_KEYS } from '../../src/private/normalize/compose-keys';
import { ECS_PARAMS_KEYS } from '../../src/private/normalize/ecs-params-keys';
import { renderSupportTable } from '../../src/private/support-table';

/** Every service key of the Compose Specification's JSON schema (definitions.service.properties). */
const COMPOSE_SPEC_SERVICE_KEYS = [
  'develop', 'deploy', 'annotations', 'attach', 'build', 'blkio_config', 'cap_add', 'cap_drop', 'cgroup', 'cgroup_parent',
  'command', 'configs', 'container_name', 'cpu_count', 'cpu_percent', 'cpu_shares', 'cpu_quota', 'cpu_period',
  'cpu_rt_period', 'cpu_rt_runtime', 'cpus', 'cpuset', 'credential_spec', 'depends_on', 'device_cgroup_rules', 'devices',
  'dns', 'dns_opt', 'dns_search', 'domainname', 'entrypoint', 'env_file', 'label_file', 'environment', 'expose', 'extends',
  'provider', 'external_links', 'extra_hosts', 'gpus', 'group_add', 'healthcheck', 'hostname', 'image', 'init', 'ipc',
  'isolation', 'labels', 'links', 'logging', 'mac_address', 'mem_limit', 'mem_reservation', 'mem_swappiness',
  'memswap_limit', 'network_mode', 'models', 'networks', 'oom_kill_disable', 'oom_score_adj', 'pid', 'pids_limit',
  'platform', 'ports', 'post_start', 'pre_stop', 'privileged', 'profiles', 'pull_policy', 'pull_refresh_after', 'read_only',
  'restart', 'runtime', 'scale', 'security_opt', 'shm_size', 'secrets', 'sysctls', 'stdin_open', 'stop_grace_period',
  'stop_signal', 'storage_opt', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'user', 'uts', 'userns_mode', 'volumes',
  'volumes_from', 'working_dir',
];
/** ecs-cli's version 1/2 keys that the Compose Specification dropped. */
const LEGACY_SERVICE_KEYS = ['log_driver', 'log_opt', 'net', 'dockerfile', 'volume_driver'];

describe('the support table', () => {
  test('docs/support.md is generated from the tables in code (run `npx projen docs:support` after changing them)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'support.md'), 'utf-8');
    expect(committed).toEqual(renderSupportTable());
  });

  test('every service key of the Compose Specification and of ecs-cli is decided', () => {
    const decided = COMPOSE_SERVICE_KEYS.map(k => k.key);
    expect([...COMPOSE_SPEC_SERVICE_KEYS, ...LEGACY_SERVICE_KEYS].filter(k => !decided.includes(k))).toEqual([]);
    expect(new Set(decided).size).toBe(decided.length);
    expect(COMPOSE_TOP_LEVEL_KEYS.map(k => k.key).sort()).toEqual(
      ['configs', 'include', 'models', 'name', 'networks', 'secrets', 'services', 'version', 'volumes', 'x-*']);
  });

  test('every ecs-params key documented by ecs-cli (version 1) is decided', () => {
    const documented = [
      'version', 'task_definition.ecs_network_mode', 'task_definition.task_role_arn', 'task_definition.task_execution_role',
      'task_definition.pid_mode', 'task_definition.ipc_mode', 'task_definition.task_size.cpu_limit', 'task_definition.task_size.mem_limit',
      'task_definition.services.*.essential', 'task_definition.services.*.init_process_enabled',
      'task_definition.services.*.repository_credentials.credentials_parameter', 'task_definition.services.*.cpu_shares',
      'task_definition.services.*.mem_limit', 'task_definition.services.*.mem_reservation', 'task_definition.services.*.gpu',
      'task_definition.services.*.healthcheck.test', 'task_definition.services.*.healthcheck.command',
      'task_definition.services.*.healthcheck.interval', 'task_definition.services.*.healthcheck.timeout',
      'task_definition.services.*.healthcheck.retries', 'task_definition.services.*.healthcheck.start_period',
      'task_definition.services.*.logging.secret_options[].value_from', 'task_definition.services.*.logging.secret_options[].name',
      'task_definition.services.*.firelens_configuration.type', 'task_definition.services.*.firelens_configuration.options',
      'task_definition.services.*.secrets[].value_from', 'task_definition.services.*.secrets[].name',
      'task_definition.services.*.depends_on[].container_name', 'task_definition.services.*.depends_on[].condition',
      'task_definition.docker_volumes', 'task_definition.efs_volumes[].name', 'task_definition.efs_volumes[].filesystem_id',
      'task_definition.efs_volumes[].root_directory', 'task_definition.efs_volumes[].transit_encryption',
      'task_definition.efs_volumes[].transit_encryption_port', 'task_definition.efs_volumes[].access_point',
      'task_definition.efs_volumes[].iam', 'task_definition.placement_constraints',
      'run_params.network_configuration.awsvpc_configuration.subnets', 'run_params.network_configuration.awsvpc_configuration.security_groups',
      'run_params.network_configuration.awsvpc_configuration.assign_public_ip', 'run_params.task_placement',
      'run_params.service_discovery.container_name', 'run_params.service_discovery.container_port',
      'run_params.service_discovery.private_dns_namespace.id', 'run_params.service_discovery.private_dns_namespace.name',
      'run_params.service_discovery.private_dns_namespace.vpc', 'run_params.service_discovery.private_dns_namespace.description',
      'run_params.service_discovery.public_dns_namespace.id', 'run_params.service_discovery.public_dns_namespace.name',
      'run_params.service_discovery.service_discovery_service.name', 'run_params.service_discovery.service_discovery_service.description',
      'run_params.service_discovery.service_discovery_service.dns_config.type', 'run_params.service_discovery.service_discovery_service.dns_config.ttl',
      'run_params.service_discovery.service_discovery_service.healthcheck_custom_config.failure_threshold',
    ];
    const keys = ECS_PARAMS_KEYS.map(k => k.key);
    expect(documented.filter(k => !keys.includes(k))).toEqual([]);
  });
});

describe('the table is what the code does', () => {
  const sample: Record<string, unknown> = {
    restart: 'always',
    container_name: 'c',
    expose: ['80'],
    links: ['db'],
    external_links: ['x'],
    hostname: 'h',
    domainname: 'd',
    stop_signal: 'SIGINT',
    mac_address: '02:42:ac:11:00:02',
    pull_policy: 'always',
    networks: ['a'],
    oom_score_adj: 5,
    oom_kill_disable: true,
    mem_swappiness: 0,
    memswap_limit: '1g',
    cpu_quota: 50000,
    cpu_period: 100000,
    cpuset: '0-1',
    pids_limit: 100,
    annotations: { a: 'b' },
    attach: false,
    scale: 2,
    develop: { watch: [] },
    cpu_count: 2,
    cpu_percent: 50,
    pull_refresh_after: '1h',
    privileged: true,
    devices: ['/dev/fuse'],
    network_mode: 'host',
    net: 'host',
    pid: 'host',
    ipc: 'host',
    uts: 'host',
    userns_mode: 'host',
    cgroup_parent: 'p',
    cgroup: 'host',
    gpus: 'all',
    runtime: 'nvidia',
    isolation: 'hyperv',
    security_opt: ['no-new-privileges'],
    extra_hosts: ['a:1.2.3.4'],
    dns: ['8.8.8.8'],
    dns_search: ['x'],
    dns_opt: ['ndots:1'],
    device_cgroup_rules: ['c 1:3 mr'],
    blkio_config: { weight: 300 },
    storage_opt: { size: '1G' },
    volume_driver: 'flocker',
    credential_spec: { file: 'x.json' },
    tmpfs: '/run',
    shm_size: '1g',
    post_start: [{ command: 'x' }],
    pre_stop: [{ command: 'x' }],
    provider: { type: 'x' },
    use_api_socket: true,
    models: ['m'],
    cpu_rt_period: 1,
    cpu_rt_runtime: 1,
    group_add: ['mail'],
    build: '.',
    dockerfile: 'Dockerfile',
  };
  const decidedByTable = COMPOSE_SERVICE_KEYS.filter(k => k.support !== 'converted');

  test.each(decidedByTable.map(k => [k.key, k.support]))('%s is %s', (key, support) => {
    expect(sample).toHaveProperty([key]);
    const service: Record<string, unknown> = { image: 'x', [key]: sample[key] };
    const load = () => ComposeDefinition.fromObject({ services: { web: service } }, { variables: {} });
    if (support === 'refused') {
      expect(load).toThrow(new RegExp(`^services\\.web\\.${key}: `));
    } else {
      const stack = new Stack(new App(), 'S');
      new ComposeFargateService(stack, 'App', { compose: load() });
      // a list key is warned about item by item
      const warnings = Annotations.fromStack(stack).findWarning('/S/App', Match.stringLikeRegexp(`^services\\.web\\.${key}(\\[\\d+\\])?: ignored`));
      expect(warnings.map(w => String(w.entry.data))).toEqual([expect.stringMatching(new RegExp(`^services\\.web\\.${key}(\\[0\\])?: ignored.*\\[ack: cdk-compose-fargate:ignored-key\\]$`))]);
    }
  });

  test('every converted key has a handler, except the ones read before conversion', () => {
    expect(COMPOSE_SERVICE_KEYS.filter(k => k.support === 'converted' && !k.handle).map(k => k.key).sort()).toEqual(['env_file', 'extends', 'label_file', 'profiles']);
  });
});
