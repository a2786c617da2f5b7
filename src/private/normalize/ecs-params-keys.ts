/**
 * The one source of truth for ecs-params keys (ecs-cli's version 1 schema): what the construct does
 * with each, the ECS field it becomes and the note docs/support.md prints; the unknown-key checks
 * read it too.
 */
import { ECS_HEALTHCHECK_BOUNDS as B, ECS_QUOTAS } from '../facts/ecs-limits';
import { DocPath, quote } from '../problems';
import { Reader } from './read';

/** What the construct does with an ecs-params key (paths: `*` a service name, `[]` a list item). */
export interface ParamsKeyRule {
  readonly key: string;
  readonly support: 'converted' | 'refused';
  readonly ecs: string;
  readonly note: string;
}

/** What happens to a value outside ECS's bounds. */
const MOVED = 'a value outside is moved to the nearest one ECS takes, with a warning';

const rule = (key: string, ecs: string, note = '', support: 'converted' | 'refused' = 'converted'): ParamsKeyRule => ({ key, support, ecs, note });

/** The one source of truth for ecs-params keys: the docs table and the unknown-key checks come from it. */
export const ECS_PARAMS_KEYS: ParamsKeyRule[] = [
  rule('version', '-', 'only version 1'),
  rule('task_definition', '-'),
  rule('task_definition.ecs_network_mode', 'networkMode', 'awsvpc; anything else is refused on Fargate'),
  rule('task_definition.task_role_arn', 'taskRoleArn', 'a role name or ARN, imported and never modified'),
  rule('task_definition.task_execution_role', 'executionRoleArn', 'a role name or ARN, imported and never modified'),
  rule('task_definition.task_size', 'cpu, memory', "validated against Fargate's CPU/memory combinations; absent: the smallest that fits"),
  rule('task_definition.task_size.cpu_limit', 'cpu', 'CPU units or "N vCPU"'),
  rule('task_definition.task_size.mem_limit', 'memory', 'MiB, or a size with a unit ("0.5GB")'),
  rule('task_definition.services', 'containerDefinitions', 'keyed by compose service name; a name compose lacks is an error'),
  rule('task_definition.services.*.essential', 'essential', 'default true; at least one container must be essential'),
  rule('task_definition.services.*.init_process_enabled', 'linuxParameters.initProcessEnabled'),
  rule('task_definition.services.*.cpu_shares', 'cpu', 'overrides compose'),
  rule('task_definition.services.*.mem_limit', 'memory', 'bytes when a bare number; overrides compose'),
  rule('task_definition.services.*.mem_reservation', 'memoryReservation', 'bytes when a bare number; overrides compose'),
  rule('task_definition.services.*.healthcheck', 'healthCheck', 'overrides the compose health check field by field; times may be whole seconds'),
  rule('task_definition.services.*.healthcheck.test', 'healthCheck.command', 'a string or a one-element list runs through CMD-SHELL'),
  rule('task_definition.services.*.healthcheck.command', 'healthCheck.command', 'the same as test; give one of them'),
  rule('task_definition.services.*.healthcheck.interval', 'healthCheck.interval', `${B.interval[0]}-${B.interval[1]} s, and at least the timeout; ${MOVED}`),
  rule('task_definition.services.*.healthcheck.timeout', 'healthCheck.timeout', `${B.timeout[0]}-${B.timeout[1]} s; ${MOVED}`),
  rule('task_definition.services.*.healthcheck.retries', 'healthCheck.retries', `${B.retries[0]}-${B.retries[1]}; 0 means unset; ${MOVED}`),
  rule('task_definition.services.*.healthcheck.start_period', 'healthCheck.startPeriod', `${B.startPeriod[0]}-${B.startPeriod[1]} s; ${MOVED}`),
  rule('task_definition.services.*.secrets', 'secrets', 'the execution role may read exactly these'),
  rule('task_definition.services.*.secrets[].name', 'secrets.name', 'the environment variable'),
  rule('task_definition.services.*.secrets[].value_from', 'secrets.valueFrom', 'an SSM parameter name or ARN, or a Secrets Manager ARN'),
  rule('task_definition.services.*.depends_on', 'dependsOn', 'replaces the compose depends_on entry for the same container'),
  rule('task_definition.services.*.depends_on[].container_name', 'dependsOn.containerName', 'a compose service'),
  rule('task_definition.services.*.depends_on[].condition', 'dependsOn.condition', 'START, COMPLETE, SUCCESS or HEALTHY, checked against the target'),
  rule('task_definition.services.*.repository_credentials', 'repositoryCredentials', 'the execution role may read that secret'),
  rule('task_definition.services.*.repository_credentials.credentials_parameter', 'repositoryCredentials.credentialsParameter', 'a Secrets Manager ARN'),
  rule('task_definition.services.*.logging', 'logConfiguration'),
  rule('task_definition.services.*.logging.secret_options', 'logConfiguration.secretOptions', 'the execution role may read exactly these'),
  rule('task_definition.services.*.logging.secret_options[].name', 'secretOptions.name'),
  rule('task_definition.services.*.logging.secret_options[].value_from', 'secretOptions.valueFrom'),
  rule('task_definition.services.*.firelens_configuration', 'firelensConfiguration', 'one log router per task'),
  rule('task_definition.services.*.firelens_configuration.type', 'firelensConfiguration.type', 'fluentbit or fluentd'),
  rule('task_definition.services.*.firelens_configuration.options', 'firelensConfiguration.options', 'config-file-type must be file on Fargate'),
  rule('task_definition.services.*.gpu', '-', 'Fargate has no GPUs', 'refused'),
  rule('task_definition.pid_mode', 'pidMode', 'task only; host is refused'),
  rule('task_definition.ipc_mode', '-', 'Fargate does not support IPC modes', 'refused'),
  rule('task_definition.docker_volumes', '-', 'Docker volume drivers run on EC2; use efs_volumes or a compose named volume', 'refused'),
  rule('task_definition.efs_volumes', 'volumes.efsVolumeConfiguration', 'named in compose volumes; also added when unused, as ecs-cli did'),
  rule('task_definition.efs_volumes[].name', 'volumes.name', 'required'),
  rule('task_definition.efs_volumes[].filesystem_id', 'efsVolumeConfiguration.fileSystemId', 'required'),
  rule('task_definition.efs_volumes[].root_directory', 'efsVolumeConfiguration.rootDirectory', 'not with an access point'),
  rule('task_definition.efs_volumes[].transit_encryption', 'efsVolumeConfiguration.transitEncryption', 'ENABLED is required with iam or an access point'),
  rule('task_definition.efs_volumes[].transit_encryption_port', 'efsVolumeConfiguration.transitEncryptionPort'),
  rule('task_definition.efs_volumes[].access_point', 'authorizationConfig.accessPointId'),
  rule('task_definition.efs_volumes[].iam', 'authorizationConfig.iam', 'ENABLED: the task role may mount (and write)'),
  rule('task_definition.placement_constraints', '-', 'Fargate places tasks itself', 'refused'),
  rule('run_params', '-'),
  rule('run_params.network_configuration', 'networkConfiguration'),
  rule('run_params.network_configuration.awsvpc_configuration', 'awsvpcConfiguration'),
  rule('run_params.network_configuration.awsvpc_configuration.subnets', 'awsvpcConfiguration.subnets', `at least one, at most ${ECS_QUOTAS.subnetsPerNetworkConfiguration}; no VPC is created`),
  rule('run_params.network_configuration.awsvpc_configuration.security_groups', 'awsvpcConfiguration.securityGroups', `at most ${ECS_QUOTAS.securityGroupsPerNetworkConfiguration}; none: the VPC default security group`),
  rule('run_params.network_configuration.awsvpc_configuration.assign_public_ip', 'awsvpcConfiguration.assignPublicIp', 'ENABLED or DISABLED'),
  rule('run_params.task_placement', '-', 'Fargate places tasks itself', 'refused'),
  rule('run_params.service_discovery', 'serviceRegistries', 'a Cloud Map service in a new or existing namespace'),
  rule('run_params.service_discovery.container_name', 'serviceRegistries.containerName'),
  rule('run_params.service_discovery.container_port', 'serviceRegistries.containerPort', 'must be a published port of that container'),
  rule('run_params.service_discovery.private_dns_namespace', 'AWS::ServiceDiscovery::PrivateDnsNamespace', 'id: existing; name: new'),
  rule('run_params.service_discovery.private_dns_namespace.id', 'namespace id'),
  rule('run_params.service_discovery.private_dns_namespace.name', 'namespace name'),
  rule('run_params.service_discovery.private_dns_namespace.vpc', 'namespace VPC', 'default: the VPC of the service'),
  rule('run_params.service_discovery.private_dns_namespace.description', 'namespace description'),
  rule('run_params.service_discovery.public_dns_namespace', 'AWS::ServiceDiscovery::PublicDnsNamespace', 'id: existing; name: new'),
  rule('run_params.service_discovery.public_dns_namespace.id', 'namespace id'),
  rule('run_params.service_discovery.public_dns_namespace.name', 'namespace name'),
  rule('run_params.service_discovery.service_discovery_service', 'AWS::ServiceDiscovery::Service'),
  rule('run_params.service_discovery.service_discovery_service.name', 'Name', 'default: the project name'),
  rule('run_params.service_discovery.service_discovery_service.description', 'Description'),
  rule('run_params.service_discovery.service_discovery_service.dns_config', 'DnsConfig'),
  rule('run_params.service_discovery.service_discovery_service.dns_config.type', 'DnsRecords.Type', 'A (default) or SRV'),
  rule('run_params.service_discovery.service_discovery_service.dns_config.ttl', 'DnsRecords.TTL', 'default 60'),
  rule('run_params.service_discovery.service_discovery_service.healthcheck_custom_config', 'HealthCheckCustomConfig'),
  rule('run_params.service_discovery.service_discovery_service.healthcheck_custom_config.failure_threshold', 'FailureThreshold', '1-10, default 1'),
];

/** The keys allowed directly under a schema path ('' for the top level). */
export function paramsKeysUnder(schemaPath: string): string[] {
  const prefix = schemaPath === '' ? '' : `${schemaPath}.`;
  return ECS_PARAMS_KEYS
    .filter(k => k.key.startsWith(prefix))
    .map(k => k.key.slice(prefix.length))
    .filter(rest => !rest.includes('.'))
    .map(rest => rest.replace(/\[\]$/, ''));
}

/** Unknown keys are errors (a typo is caught); `x-` keys are extensions, as in compose files: anchor holders, not read. */
export function checkKeys(r: Reader, m: Record<string, unknown>, at: DocPath, schemaPath: string, what: string) {
  const allowed = paramsKeysUnder(schemaPath);
  for (const key of Object.keys(m)) {
    if (!allowed.includes(key) && !key.startsWith('x-')) {
      r.problems.error([...at, key], `unknown ${what} key ${quote(key)}: allowed are ${allowed.join(', ')}`);
    }
  }
}
