/**
 * The compose and ecs-params keys beyond the core: converted as ECS on Fargate accepts them, or
 * refused by name with the reason.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateService, EcsParams } from '../../src';
import { ServiceModel } from '../../src/private/model';
import { formatPath } from '../../src/private/problems';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const opts = { variables: {} };
const svc = (yaml: string, dir?: string): ServiceModel =>
  ComposeDefinition.fromYaml(yaml, { variables: {}, projectDirectory: dir })._model.services[0];

function synth(composeYaml: string, paramsYaml?: string): Template {
  const stack = new Stack(new App(), 'S');
  new ComposeFargateService(stack, 'App', {
    compose: ComposeDefinition.fromYaml(composeYaml, opts),
    ecsParams: paramsYaml === undefined ? undefined : EcsParams.fromYaml(paramsYaml, opts),
  });
  return validatedTemplate(stack);
}
const containerDefs = (t: Template): any[] => Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions;
const taskDef = (t: Template): any => Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties;

describe('volumes', () => {
  test('short and long syntax, named and anonymous, read-only', () => {
    const s = svc([
      'services:',
      '  web:',
      '    image: x',
      '    volumes:',
      '      - data:/data',
      '      - data:/ro-data:ro',
      '      - /cache',
      '      - /tmp/scratch:rw',
      '      - {type: volume, source: data, target: /long, read_only: true}',
      'volumes:',
      '  data:',
    ].join('\n'));
    expect(s.volumes.map(v => [v.source, v.target, v.readOnly])).toEqual([
      ['data', '/data', false], ['data', '/ro-data', true], [undefined, '/cache', false], [undefined, '/tmp/scratch', false], ['data', '/long', true],
    ]);
  });

  test('host paths outside the project folder, npipe mounts and unknown modes are refused by name', () => {
    const msg = errorOf(() => svc('services:\n  web:\n    image: x\n    volumes: ["~/data:/app", "/var/run/docker.sock:/var/run/docker.sock", {type: npipe, source: x, target: /t}, "data:/d:bogus"]\n'));
    expect(msg.split('\n')).toEqual([
      'services.web.volumes[0]: cannot be honoured on Fargate (got "~/data:/app"): the home folder is on the machine that runs compose, which Fargate does not have; files of the project folder can be mounted, and a named volume keeps data (declared under the top-level volumes)',
      `services.web.volumes[1]: cannot be honoured on Fargate (got "/var/run/docker.sock:/var/run/docker.sock"): "/var/run/docker.sock" is outside the project folder (${process.cwd()}): a host path needs the host's filesystem, which Fargate does not have; files of the project folder can be mounted, and a named volume keeps data (declared under the top-level volumes)`,
      'services.web.volumes[2]: cannot be honoured on Fargate (got type "npipe"): npipe mounts are not available on Fargate',
      'services.web.volumes[3]: unknown volume mode "bogus" in "data:/d:bogus": allowed are ro, rw, z, Z, nocopy, consistent, cached, delegated, shared, slave, private, rshared, rslave, rprivate',
    ]);
  });

  test('task volumes: named volumes as task storage, anonymous ones named volume-N, mount points per container', () => {
    const t = synth('services:\n  a:\n    image: x\n    volumes: ["shared:/s", "/anon"]\n  b:\n    image: y\n    volumes: ["shared:/s:ro"]\n    volumes_from: ["a:ro"]\nvolumes:\n  shared: {}\n');
    expect(taskDef(t).Volumes).toEqual([{ Name: 'shared' }, { Name: 'volume-0' }]);
    const [a, b] = containerDefs(t);
    expect(a.MountPoints).toEqual([{ SourceVolume: 'shared', ContainerPath: '/s', ReadOnly: false }, { SourceVolume: 'volume-0', ContainerPath: '/anon', ReadOnly: false }]);
    expect(b.MountPoints).toEqual([{ SourceVolume: 'shared', ContainerPath: '/s', ReadOnly: true }]);
    expect(b.VolumesFrom).toEqual([{ SourceContainer: 'a', ReadOnly: true }]);
  });

  test('an undeclared named volume, driver options and external volumes without EFS are errors', () => {
    const msg = errorOf(() => synth('services:\n  a:\n    image: x\n    volumes: ["nope:/n", "nfs:/nfs", "ext:/ext"]\nvolumes:\n  nfs: {driver: local, driver_opts: {type: nfs, o: "addr=10.0.0.1"}}\n  ext: {external: true}\n'));
    expect(msg.split('\n')).toEqual([
      'services.a.volumes[0]: named volume "nope" is used but not declared: add it under the top-level volumes (task storage), or define it in ecs-params efs_volumes',
      'volumes.nfs.driver_opts: cannot be honoured on Fargate: volume drivers and their options need EC2 container instances; use ecs-params efs_volumes for shared, lasting storage',
      'volumes.ext: external volume "ext" must be an EFS file system on Fargate: define it in ecs-params task_definition.efs_volumes, or pass it in the fileSystems prop',
    ]);
  });

  test('an external volume defined in ecs-params efs_volumes is that file system', () => {
    const t = synth('services:\n  a:\n    image: x\n    volumes: ["shared:/s:ro"]\nvolumes:\n  shared: {external: true}\n',
      'version: 1\ntask_definition:\n  efs_volumes:\n    - {name: shared, filesystem_id: fs-0123456789abcdef0, root_directory: /exports, transit_encryption: ENABLED, transit_encryption_port: 2999}\n');
    expect(taskDef(t).Volumes).toEqual([{ Name: 'shared', EFSVolumeConfiguration: { FilesystemId: 'fs-0123456789abcdef0', RootDirectory: '/exports', TransitEncryption: 'ENABLED', TransitEncryptionPort: 2999 } }]);
  });

  test('names ECS would refuse: a volume with a dot, a port mapping name with capitals', () => {
    expect(errorOf(() => svc('services:\n  a:\n    image: x\n    volumes: ["my.data:/d"]\n    ports: [{target: 80, name: Web}]\nvolumes:\n  my.data: {}\n')).split('\n')).toEqual([
      'services.a.ports[0].name: ECS names a port mapping with up to 64 lowercase letters, digits, _ and - (not first), got "Web"',
      'volumes["my.data"]: "my.data" cannot name an ECS volume: use letters, digits, - and _ (up to 255)',
    ]);
  });

  test('volumes_from: container: is refused; the source must be a service', () => {
    expect(errorOf(() => svc('services:\n  a:\n    image: x\n    volumes_from: ["container:other", "b:rx"]\n')).split('\n')).toEqual([
      'services.a.volumes_from[0]: cannot be honoured on Fargate (got "container:other"): a task can share volumes only with its own containers (compose services)',
      'services.a.volumes_from[1]: expected "SERVICE", "SERVICE:ro" or "SERVICE:rw", got "b:rx"',
    ]);
    expect(() => synth('services:\n  a:\n    image: x\n    volumes_from: [ghost]\n')).toThrow('services.a.volumes_from[0]: no service "ghost" to take volumes from: the services are a');
  });
});

describe('linux parameters', () => {
  test('cap_add SYS_PTRACE and cap_drop; anything else added is refused', () => {
    const t = synth('services:\n  a:\n    image: x\n    cap_add: [SYS_PTRACE]\n    cap_drop: [ALL, CAP_NET_RAW]\n');
    expect(containerDefs(t)[0].LinuxParameters).toEqual({ Capabilities: { Add: ['SYS_PTRACE'], Drop: ['ALL', 'NET_RAW'] } });
    expect(errorOf(() => svc('services:\n  a:\n    image: x\n    cap_add: [NET_ADMIN, FLY]\n')).split('\n')).toEqual([
      'services.a.cap_add[0]: cannot be honoured on Fargate (got "NET_ADMIN"): Fargate allows adding only SYS_PTRACE',
      expect.stringMatching(/^services\.a\.cap_add\[1\]: unknown capability "FLY": allowed are ALL, AUDIT_CONTROL/),
    ]);
  });

  test('namespaced sysctls become system controls; others are left out with a warning; one value per task', () => {
    const t = synth('services:\n  a:\n    image: x\n    sysctls: {net.core.somaxconn: 1024, kernel.shmmax: "68719476736"}\n');
    expect(containerDefs(t)[0].SystemControls).toEqual([{ Namespace: 'net.core.somaxconn', Value: '1024' }, { Namespace: 'kernel.shmmax', Value: '68719476736' }]);
    const model = ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    sysctls: ["vm.swappiness=10", "net.ipv4.tcp_keepalive_time=600", "kernel.domainname=x"]\n', opts)._model;
    expect(model.services[0].sysctls.map(x => x.name)).toEqual(['net.ipv4.tcp_keepalive_time']);
    expect(model.warnings.filter(w => w.id === 'ignored-key').map(w => [formatPath(w.path), w.message.split(':')[0]])).toEqual([
      ['services.a.sysctls[0]', 'left out on Fargate (vm.swappiness=10)'], ['services.a.sysctls[2]', 'left out on Fargate (kernel.domainname=x)'],
    ]);
    expect(() => synth('services:\n  a:\n    image: x\n    sysctls: {net.core.somaxconn: 1}\n  b:\n    image: x\n    sysctls: {net.core.somaxconn: 2}\n'))
      .toThrow(/^services\.b\.sysctls\["net\.core\.somaxconn"\]: "2" differs from "1" at services\.a\.sysctls\["net\.core\.somaxconn"\]: under awsvpc/);
  });

  test('platform becomes the runtime platform; one architecture per task; others refused', () => {
    expect(taskDef(synth('services:\n  a:\n    image: x\n    platform: linux/arm64\n')).RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
    expect(() => synth('services:\n  a:\n    image: x\n    platform: linux/arm64\n  b:\n    image: x\n    platform: linux/amd64\n'))
      .toThrow('services.b.platform: b runs on linux/amd64 and a on linux/arm64 (services.a.platform): a Fargate task runs on one CPU architecture');
    expect(taskDef(synth('services:\n  a:\n    image: x\n')).RuntimePlatform).toEqual({ CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' });
    expect(errorOf(() => svc('services:\n  a:\n    image: x\n    platform: windows/amd64\n')))
      .toBe('services.a.platform: cannot be honoured on Fargate (got "windows/amd64"): Fargate runs linux/amd64 and linux/arm64');
  });

});

describe('compose secrets and configs', () => {
  test('a secret or config that says nowhere what it holds is an error', () => {
    expect(errorOf(() => svc('services:\n  a:\n    image: x\n    secrets: [s1]\nsecrets:\n  s1: {labels: {a: b}}\n')))
      .toBe('secrets.s1: says nowhere what it holds: give file: (a file of the project), or declare where it is stored with external: true (a Secrets Manager secret named "s1") or name:');
  });

  test('a secret the top level does not declare is an error', () => {
    expect(errorOf(() => svc('services:\n  a:\n    image: x\n    secrets: [missing]\n')))
      .toBe('services.a.secrets[0]: no top-level secret named "missing": declare it under the top-level secrets');
  });

  test('targets, modes and ownership; configs come from SSM parameters', () => {
    const t = synth([
      'services:',
      '  a:',
      '    image: x',
      '    secrets:',
      '      - source: db',
      '        target: db_password',
      '        uid: "1000"',
      '        gid: "1000"',
      '        mode: 0400',
      '    configs:',
      '      - source: nginx',
      '        target: /etc/nginx/conf.d/app.conf',
      'secrets:',
      '  db: {external: true}',
      'configs:',
      '  nginx: {external: true, name: /app/nginx-conf}',
    ].join('\n'));
    const [a, init] = containerDefs(t);
    expect(a.MountPoints).toEqual([
      { SourceVolume: 'a-files-run-secrets', ContainerPath: '/run/secrets', ReadOnly: true },
      { SourceVolume: 'a-files-etc-nginx-conf-d', ContainerPath: '/etc/nginx/conf.d', ReadOnly: true },
    ]);
    expect(init.Command[0]).toBe([
      'set -e',
      'printf \'%s\' "$COMPOSE_FILE_0" > \'/compose-files/a-files-run-secrets/db_password\'',
      'chmod 0400 \'/compose-files/a-files-run-secrets/db_password\'',
      'chown 1000:1000 \'/compose-files/a-files-run-secrets/db_password\'',
      'printf \'%s\' "$COMPOSE_FILE_1" > \'/compose-files/a-files-etc-nginx-conf-d/app.conf\'',
      'chmod 0444 \'/compose-files/a-files-etc-nginx-conf-d/app.conf\'',
    ].join(' && '));
    expect(init.Secrets[1]).toEqual({ Name: 'COMPOSE_FILE_1', ValueFrom: '/app/nginx-conf' });
    // the execution role may read exactly these two
    const policy = Object.values(t.findResources('AWS::IAM::Policy'))[0];
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Action)).toEqual([
      ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], 'ssm:GetParameters',
    ]);
  });

  test('a config at the root of the filesystem needs a folder of its own', () => {
    expect(errorOf(() => svc('services:\n  a:\n    image: x\n    configs: [cfg]\nconfigs:\n  cfg: {external: true}\n')))
      .toBe('services.a.configs[0]: config target "/cfg" is at the root of the filesystem: on Fargate the file is written into a volume, which needs a folder of its own; give a target like "/etc/app/cfg"');
  });
});

describe('extends', () => {
  test('a service in the same file, then one in another file', () => {
    const dir = path.join(__dirname, '..', 'fixtures', 'extends');
    const m = ComposeDefinition.fromYaml([
      'services:',
      '  web:',
      '    extends: {service: app}',
      '    ports: ["80:80"]',
      '  app:',
      '    extends: {file: common.yml, service: base}',
      '    environment: {LOG_LEVEL: debug}',
    ].join('\n'), { variables: {}, projectDirectory: dir })._model;
    const [web, app] = m.services;
    expect(web).toMatchObject({ image: 'example/base:1', labels: { tier: 'backend' }, environment: [{ name: 'LOG_LEVEL', value: 'debug' }] });
    expect(web.ports.map(p => p.containerPort)).toEqual([80]);
    expect(app.ports).toEqual([]);
  });

  test('cycles and missing services are errors', () => {
    expect(errorOf(() => svc('services:\n  a:\n    extends: b\n  b:\n    extends: a\n'))).toMatch(/^services\.(a|b)\.extends: extends forms a cycle/);
    expect(errorOf(() => svc('services:\n  a:\n    extends: nope\n')).split('\n')[0]).toBe('services.a.extends: no service "nope" to extend');
  });
});

describe('ecs-params: the whole version 1 schema', () => {
  test('docker_volumes, placement and gpu are refused by name', () => {
    expect(errorOf(() => EcsParams.fromYaml('version: 1\ntask_definition:\n  docker_volumes:\n    - {name: v, driver: rexray/ebs}\n  placement_constraints:\n    - {type: memberOf, expression: "attribute:ecs.os-type == linux"}\n')).split('\n')).toEqual([
      'task_definition.placement_constraints: cannot be honoured on Fargate: Fargate places tasks itself (placement constraints are for EC2)',
      'task_definition.docker_volumes: cannot be honoured on Fargate: Docker volume drivers run on EC2 container instances; on Fargate use efs_volumes, or a compose named volume (task storage)',
    ]);
  });

  test("efs_volumes: ecs-cli's checks", () => {
    expect(errorOf(() => EcsParams.fromYaml([
      'version: 1',
      'task_definition:',
      '  efs_volumes:',
      '    - {filesystem_id: fs-0123456789abcdef0}',
      '    - {name: b, filesystem_id: nope}',
      '    - {name: c, filesystem_id: fs-0123456789abcdef0, iam: ENABLED}',
      '    - {name: d, filesystem_id: fs-0123456789abcdef0, access_point: fsap-0123456789abcdef0, transit_encryption: ENABLED, root_directory: /x}',
    ].join('\n'))).split('\n')).toEqual([
      'task_definition.efs_volumes[0]: Name is required when specifying an EFS volume',
      'task_definition.efs_volumes[1].filesystem_id: expected a file system ID like "fs-0123456789abcdef0", got "nope"',
      'task_definition.efs_volumes[2].transit_encryption: Transit encryption is required when using IAM access or an access point: set transit_encryption: ENABLED',
      'task_definition.efs_volumes[3].root_directory: with an access point the root directory comes from the access point: leave root_directory out (or "/"), got "/x"',
    ]);
  });

  test('firelens_configuration, repository_credentials and logging.secret_options', () => {
    const t = synth(
      'services:\n  app:\n    image: example.com/private/app:1\n    logging: {driver: awsfirelens, options: {Name: cloudwatch}}\n  router:\n    image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable\n',
      [
        'version: 1',
        'task_definition:',
        '  services:',
        '    app:',
        '      repository_credentials: {credentials_parameter: "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf"}',
        '      logging:',
        '        secret_options: [{name: apikey, value_from: /logs/api-key}]',
        '    router:',
        '      firelens_configuration: {type: fluentbit, options: {enable-ecs-log-metadata: "true"}}',
      ].join('\n'));
    // one log router: the compose service, not another one CDK would add
    expect(containerDefs(t).map(c => c.Name)).toEqual(['app', 'router']);
    const [app, router] = containerDefs(t);
    expect(app.RepositoryCredentials).toEqual({ CredentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf' });
    expect(app.LogConfiguration).toEqual({ LogDriver: 'awsfirelens', Options: { Name: 'cloudwatch' }, SecretOptions: [{ Name: 'apikey', ValueFrom: '/logs/api-key' }] });
    expect(router.FirelensConfiguration).toEqual({ Type: 'fluentbit', Options: { 'enable-ecs-log-metadata': 'true' } });
  });

  test('an S3 FireLens config on Fargate is an error (awsfirelens without a router gets one: test/constructs/log-router.test.ts)', () => {
    expect(errorOf(() => EcsParams.fromYaml('version: 1\ntask_definition:\n  services:\n    r:\n      firelens_configuration: {type: fluentbit, options: {config-file-type: s3, config-file-value: "arn:aws:s3:::b/c.conf"}}\n')))
      .toBe('task_definition.services.r.firelens_configuration.options.config-file-type: Fargate reads FireLens configuration only from a file in the image: expected "file", got "s3"');
  });

  test('service_discovery: a new private namespace in the VPC, A records', () => {
    const t = synth('services:\n  web:\n    image: x\n    ports: ["80:80"]\n', [
      'version: 1',
      'run_params:',
      '  service_discovery:',
      '    container_name: web',
      '    container_port: 80',
      '    private_dns_namespace: {name: app.local, description: app services}',
      '    service_discovery_service:',
      '      name: web',
      '      description: the web service',
      '      dns_config: {type: A, ttl: 30}',
      '      healthcheck_custom_config: {failure_threshold: 2}',
    ].join('\n'));
    t.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'app.local', Description: 'app services' });
    t.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'web',
      Description: 'the web service',
      DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 30 }], RoutingPolicy: 'MULTIVALUE' },
      HealthCheckCustomConfig: { FailureThreshold: 2 },
    });
    t.hasResourceProperties('AWS::ECS::Service', { ServiceRegistries: [Match.objectLike({ RegistryArn: Match.anyValue() })] });
  });

  test('service_discovery: an existing namespace by id, SRV records', () => {
    const t = synth('services:\n  web:\n    image: x\n    ports: ["8080:8080"]\n', [
      'version: 1',
      'run_params:',
      '  network_configuration:',
      '    awsvpc_configuration: {subnets: [subnet-0a1b2c3d4e5f60718], security_groups: [sg-0acd34feae1cd3bb6]}',
      '  service_discovery:',
      '    container_name: web',
      '    container_port: 8080',
      '    private_dns_namespace: {id: ns-abcdefgh12345678, name: corp.local}',
      '    service_discovery_service: {dns_config: {type: SRV}}',
    ].join('\n'));
    t.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 0);
    t.hasResourceProperties('AWS::ServiceDiscovery::Service', { DnsConfig: { DnsRecords: [{ Type: 'SRV', TTL: 60 }], NamespaceId: 'ns-abcdefgh12345678' } });
    t.hasResourceProperties('AWS::ECS::Service', { ServiceRegistries: [Match.objectLike({ ContainerName: 'web', ContainerPort: 8080 })] });
  });

  test('service_discovery errors: no namespace, unknown container, SRV without a port, a new namespace without a VPC', () => {
    expect(errorOf(() => EcsParams.fromYaml('version: 1\nrun_params:\n  service_discovery:\n    service_discovery_service: {dns_config: {type: SRV}}\n')).split('\n')).toEqual([
      'run_params.service_discovery: a service discovery configuration needs a private_dns_namespace or a public_dns_namespace',
      'run_params.service_discovery: SRV records need container_name and container_port',
    ]);
    expect(() => synth('services:\n  web:\n    image: x\n', 'version: 1\nrun_params:\n  service_discovery:\n    container_name: api\n    private_dns_namespace: {name: a.local}\n'))
      .toThrow('run_params.service_discovery.container_name: no compose service named "api": the services are web');
    expect(() => synth('services:\n  web:\n    image: x\n', [
      'version: 1',
      'run_params:',
      '  network_configuration:',
      '    awsvpc_configuration: {subnets: [subnet-0a1b2c3d4e5f60718], security_groups: [sg-0acd34feae1cd3bb6]}',
      '  service_discovery:',
      '    private_dns_namespace: {name: a.local}',
    ].join('\n'))).toThrow('run_params.service_discovery.private_dns_namespace.vpc: a new private namespace needs its VPC: give the VPC ID of the ecs-params subnets here, or pass the vpc prop');
  });
});
