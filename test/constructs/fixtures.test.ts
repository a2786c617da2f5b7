/**
 * Real compose files in the styles people write, end to end: each synthesizes, passes the
 * CloudFormation validator, and becomes the task its file describes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateService, EcsParams } from '../../src';
import { validatedTemplate } from '../cfn-validate';
import { warningsWithId } from '../util';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function deploy(name: string, variables: Record<string, string> = {}): { stack: Stack; template: Template; svc: ComposeFargateService } {
  const dir = path.join(FIXTURES, name);
  const stack = new Stack(new App(), 'S');
  const params = path.join(dir, 'ecs-params.yml');
  const svc = new ComposeFargateService(stack, 'App', {
    compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables }),
    ecsParams: fs.existsSync(params) ? EcsParams.fromFile(params, { variables }) : undefined,
  });
  return { stack, svc, template: validatedTemplate(stack) };
}

function containers(template: Template): any[] {
  return Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions;
}

describe('a web app with database and cache (webapp)', () => {
  const { stack, template, svc } = deploy('webapp');

  test('one task, three containers, family from the compose name', () => {
    expect(svc.projectName).toBe('shop');
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Family: 'shop', Cpu: '1024', Memory: '2048' });
    expect(containers(template).map(c => c.Name)).toEqual(['web', 'db', 'cache', 'compose-files-init']);
  });

  test('depends_on conditions and health checks', () => {
    const web = containers(template).find(c => c.Name === 'web');
    expect(web.DependsOn).toEqual([
      { ContainerName: 'db', Condition: 'HEALTHY' },
      { ContainerName: 'cache', Condition: 'START' },
      { ContainerName: 'compose-files-init', Condition: 'SUCCESS' },
    ]);
    expect(web.Image).toBe('ghcr.io/example/shop-web:1.4.2');
    expect(web.HealthCheck).toEqual({ Command: ['CMD', 'curl', '-fsS', 'http://localhost:8000/health'], Interval: 30, Timeout: 5, Retries: 3, StartPeriod: 20 });
  });

  test('db-data is the EFS volume from ecs-params (IAM, access point); cache-data is task storage', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Volumes: Match.arrayWith([
        { Name: 'db-data', EFSVolumeConfiguration: { FilesystemId: 'fs-0123456789abcdef0', TransitEncryption: 'ENABLED', AuthorizationConfig: { AccessPointId: 'fsap-0123456789abcdef0', IAM: 'ENABLED' } } },
        { Name: 'cache-data' },
      ]),
    });
    expect(containers(template).find(c => c.Name === 'db').MountPoints).toEqual([{ SourceVolume: 'db-data', ContainerPath: '/var/lib/postgresql/data', ReadOnly: false }]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'] })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('TaskRole') }],
    });
    Annotations.fromStack(stack).hasWarning('/S/App', Match.stringLikeRegexp('^docker-compose\\.yml: volumes\\.cache-data: task storage on Fargate'));
  });

  test('the external secret becomes /run/secrets/django_secret_key, written by the init container', () => {
    const [web, init] = [containers(template).find(c => c.Name === 'web'), containers(template).find(c => c.Name === 'compose-files-init')];
    expect(web.MountPoints).toEqual([{ SourceVolume: 'web-files-run-secrets', ContainerPath: '/run/secrets', ReadOnly: true }]);
    expect(init.Essential).toBe(false);
    expect(init.Image).toBe('public.ecr.aws/docker/library/busybox:stable');
    expect(init.Command[0]).toContain("printf '%s' \"$COMPOSE_FILE_0\" > '/compose-files/web-files-run-secrets/django_secret_key'");
    expect(init.Command[0]).toContain("chmod 0444 '/compose-files/web-files-run-secrets/django_secret_key'");
    expect(JSON.stringify(init.Secrets)).toContain(':secret:shop/django-secret-key');
  });

  test('harmless keys are warned about, not silently dropped', () => {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ignored on Fargate')).map(w => String(w.entry.data));
    expect(warnings.some(w => w.startsWith('docker-compose.yml: services.web.restart'))).toBe(true);
    expect(warnings.some(w => w.startsWith('docker-compose.yml: services.db.expose'))).toBe(true);
    expect(warnings.some(w => w.startsWith('docker-compose.yml: networks'))).toBe(true);
  });

  test('only the published port is open', () => {
    const sg = Object.values(template.findResources('AWS::EC2::SecurityGroup'))[0];
    expect(sg.Properties.SecurityGroupIngress.map((r: any) => r.FromPort)).toEqual([8000]);
  });
});

describe('a worker with a queue (worker)', () => {
  const { template } = deploy('worker');

  test('env_file, environment, secrets and HEALTHY dependency from ecs-params', () => {
    const worker = containers(template).find(c => c.Name === 'worker');
    expect(worker.Environment).toEqual([
      { Name: 'CELERY_RESULT_BACKEND', Value: 'rpc://' },
      { Name: 'TASK_TIME_LIMIT', Value: '300' },
      { Name: 'BROKER_URL', Value: 'amqp://guest:guest@localhost:5672//' },
      // `- WORKER_NAME` with no variable of that name: unset in the container, as compose does (the env_file's value does not count)
    ]);
    expect(worker.Secrets).toEqual([{ Name: 'BROKER_PASSWORD', ValueFrom: '/worker/broker-password' }]);
    expect(worker.DependsOn).toEqual([{ ContainerName: 'rabbitmq', Condition: 'HEALTHY' }]);
    expect(worker.StopTimeout).toBe(60);
    expect(worker.LinuxParameters).toEqual({ InitProcessEnabled: true, Capabilities: {} });
    expect(worker.Ulimits).toEqual([{ Name: 'nofile', SoftLimit: 65536, HardLimit: 65536 }]);
  });

  test('the broker has its memory limit and health check; the task size fits', () => {
    const rabbit = containers(template).find(c => c.Name === 'rabbitmq');
    expect(rabbit.Memory).toBe(512);
    expect(rabbit.HealthCheck.Command).toEqual(['CMD-SHELL', 'rabbitmq-diagnostics -q ping']);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
  });
});

describe('anchors and x- extension blocks (anchors)', () => {
  const { template } = deploy('anchors');
  test('merge keys expand; x- blocks are kept out of the conversion', () => {
    const [api, scheduler] = containers(template);
    expect(api.Environment).toEqual([
      { Name: 'APP_ENV', Value: 'production' }, { Name: 'LOG_FORMAT', Value: 'json' }, { Name: 'PORT', Value: '3000' },
    ]);
    expect(scheduler.Environment).toEqual([{ Name: 'APP_ENV', Value: 'production' }, { Name: 'LOG_FORMAT', Value: 'json' }]);
    expect(api.DockerLabels).toEqual({ 'com.example.team': 'platform' });
    expect(api.LogConfiguration.Options['awslogs-group']).toBe('/compose/anchors');
    expect(scheduler.LogConfiguration.Options['awslogs-stream-prefix']).toBe('app');
    // The named group, made when missing (a custom resource: see test/constructs/log-groups.test.ts).
    template.resourceCountIs('Custom::LogGroup', 1);
  });
});

describe('a version 2 file with mem_limit (v2-mem-limit)', () => {
  const { template } = deploy('v2-mem-limit');
  test('memory and cpu in ecs-cli units; the smallest task that fits', () => {
    const [app, memcached] = containers(template);
    expect([app.Memory, app.MemoryReservation, app.Cpu]).toEqual([768, 512, 512]);
    expect([memcached.Memory, memcached.Cpu]).toEqual([128, 128]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '2048' });
  });
});

describe('deploy.resources (deploy-resources)', () => {
  const { template } = deploy('deploy-resources');
  test('limits and reservations become container cpu, memory and reservation; replicas the desired count', () => {
    const [api, sidecar] = containers(template);
    expect([api.Cpu, api.Memory, api.MemoryReservation]).toEqual([1536, 3072, 1024]);
    expect([sidecar.Cpu, sidecar.Memory]).toEqual([256, 256]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '2048', Memory: '4096' });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
  });
  test('update_config.parallelism 1 of 2 replicas: 50% healthy, 150% at most, as Docker\'s ECS integration computed', () => {
    template.hasResourceProperties('AWS::ECS::Service', { DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 50, MaximumPercent: 150 }) });
  });
});

const warningsOf = warningsWithId;

describe('the postgres image\'s own example (real/postgres-adminer)', () => {
  const { stack, template } = deploy('real/postgres-adminer');

  test('deploys: shm_size is a warning (Fargate sets /dev/shm), not a refusal', () => {
    expect(containers(template).map(c => [c.Name, c.LinuxParameters])).toEqual([['db', undefined], ['adminer', undefined]]);
    expect(warningsOf(stack, 'ignored-key')).toContain('docker-compose.yml: services.db.shm_size: ignored on Fargate: ECS has no sharedMemorySize on Fargate: /dev/shm keeps the size Fargate gives it, whatever this asks for');
  });

  test('the password written in the file is warned about; nothing sizes the task, which says what it got', () => {
    expect(warningsOf(stack, 'plaintext-secret')).toEqual([expect.stringMatching(/^docker-compose\.yml: services\.db\.environment\.POSTGRES_PASSWORD: POSTGRES_PASSWORD looks like a secret, and the file writes its value/)]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
    expect(warningsOf(stack, 'task-size')).toEqual([expect.stringMatching(/^docker-compose\.yml: services: no container sets a CPU or memory size: the task gets 256 CPU units \(0\.25 vCPU\) and 512 MiB/)]);
  });
});

describe('a hardened homelab file (real/homelab-hardened)', () => {
  const { stack, template } = deploy('real/homelab-hardened', { GRAFANA_ADMIN_PASSWORD: 'from-the-environment' });
  const byName = (name: string) => containers(template).find(c => c.Name === name);

  test('sizes of 0 from variables are no limit: only grafana\'s memory limit sizes the task', () => {
    expect([byName('prometheus').Cpu, byName('prometheus').Memory, byName('grafana').Cpu, byName('grafana').Memory]).toEqual([undefined, undefined, undefined, 512]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
    expect(warningsOf(stack, 'task-size')).toEqual([]);
  });

  test('read-only roots with tmpfs scratch space; the options ECS does not take are named', () => {
    expect(byName('prometheus').ReadonlyRootFilesystem).toBe(true);
    expect(byName('prometheus').LinuxParameters).toEqual({ Capabilities: { Drop: ['ALL'] }, Tmpfs: [{ ContainerPath: '/tmp', Size: 16 }] });
    expect(byName('grafana').LinuxParameters.Tmpfs).toEqual([{ ContainerPath: '/tmp', Size: 256 }]);
    const ignored = warningsOf(stack, 'ignored-key');
    expect(ignored).toContain('docker-compose.yml: services.prometheus.tmpfs[0]: left out of the tmpfs mount at /tmp: "mode=1700", "uid=65534", "gid=65534"; '
      + 'ECS passes on only mount flags (defaults, ro, rw, suid, nosuid, dev, nodev, exec, noexec, sync, ...) and the size, so the mount is root\'s with mode 1777 (every user may write, as in /tmp)');
    expect(warningsOf(stack, 'tmpfs-size')).toEqual([expect.stringMatching(/^docker-compose\.yml: services\.grafana\.tmpfs: the tmpfs at \/tmp gives no size: it may hold 256 MiB, half the task's 512 MiB/)]);
  });

  test('no-new-privileges is a warning that says what holds instead', () => {
    expect(warningsOf(stack, 'ignored-key').filter(w => w.includes('security_opt'))).toEqual([
      expect.stringMatching(/^docker-compose\.yml: services\.prometheus\.security_opt\[0\]: ignored on Fargate \(got "no-new-privileges:true"\): ECS takes no docker security options on Fargate; the container runs without it/),
      expect.stringMatching(/^docker-compose\.yml: services\.grafana\.security_opt\[0\]: ignored on Fargate \(got "no-new-privileges"\)/),
    ]);
  });

  test('the host\'s time zone is left out (TZ gives grafana its own); the project file and the data volumes are mounted', () => {
    expect(warningsOf(stack, 'host-time-zone').map(w => w.split(': left out')[0])).toEqual([
      'docker-compose.yml: services.prometheus.volumes[1]', 'docker-compose.yml: services.grafana.volumes[0]', 'docker-compose.yml: services.grafana.volumes[1]',
    ]);
    expect(warningsOf(stack, 'host-time-zone')[1]).toMatch(/the container takes its time zone from TZ \("Europe\/Madrid"\)$/);
    expect(byName('prometheus').MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/prometheus']);
    expect(byName('grafana').MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/var/lib/grafana']);
    expect(byName('grafana').Environment).toContainEqual({ Name: 'TZ', Value: 'Europe/Madrid' });
  });

  test('the admin password from a variable is not warned about as written in the file', () => {
    expect(warningsOf(stack, 'plaintext-secret')).toEqual([]);
  });
});
