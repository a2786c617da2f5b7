/**
 * What real compose files write that Fargate has otherwise: sizes of 0 (no limit), hardening and
 * tuning options (security_opt, shm_size, sysctls), tmpfs mounts, the host's time zone, the size a
 * task gets when nothing sizes it, and secrets written in the environment. Each is converted, or a
 * warning with a stable id says what happens instead; none refuses the file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams } from '../../src';
import { ComposeModel } from '../../src/private/model';
import { isSecretName } from '../../src/private/normalize/environment';
import { ECS_TMPFS_FLAGS } from '../../src/private/normalize/volumes';
import { formatPath } from '../../src/private/problems';
import { validatedTemplate } from '../cfn-validate';
import { errorOf, warningsWithId, writeFiles } from '../util';

const model = (yaml: string, variables: Record<string, string> = {}): ComposeModel => ComposeDefinition.fromYaml(yaml, { variables })._model;

/** The warnings of one id: [path, message]. */
const warningsOf = (m: ComposeModel, id: string): [string, string][] => m.warnings.filter(w => w.id === id).map(w => [formatPath(w.path), w.message]);

function synth(yaml: string, opts: { variables?: Record<string, string>; params?: string; project?: boolean } = {}) {
  const stack = new Stack(new App(), 'S');
  const compose = ComposeDefinition.fromYaml(yaml, { variables: opts.variables ?? {} });
  const ecsParams = opts.params === undefined ? undefined : EcsParams.fromYaml(opts.params, { variables: {} });
  if (opts.project) new ComposeFargateProject(stack, 'App', { compose, ecsParams });
  else new ComposeFargateService(stack, 'App', { compose, ecsParams });
  const template = validatedTemplate(stack);
  const warnings = (id: string) => warningsWithId(stack, id);
  return { stack, template, warnings };
}

const taskDefs = (t: Template): any[] => Object.values(t.findResources('AWS::ECS::TaskDefinition')).map(r => r.Properties);
const containerOf = (t: Template, name: string): any => taskDefs(t).flatMap(d => d.ContainerDefinitions).find((c: any) => c.Name === name);

describe('a size of 0 is no limit, as in Docker', () => {
  test('cpus, mem_limit, mem_reservation, cpu_shares and deploy.resources of 0 are unset, however written', () => {
    const m = model([
      'services:',
      '  a: {image: x, cpus: "${WEB_CPUS:-0}", mem_limit: 0, mem_reservation: "0m", cpu_shares: 0}',
      '  b: {image: x, cpus: "0.0", mem_limit: "0"}',
      '  c: {image: x, deploy: {resources: {limits: {cpus: "0", memory: "0"}, reservations: {cpus: 0.0, memory: "0b"}}}}',
      // a limit of 0 is none: the reservation gives the container its CPU
      '  d: {image: x, deploy: {resources: {limits: {cpus: 0}, reservations: {cpus: "0.5"}}}}',
    ].join('\n'));
    expect(m.services.map(s => [s.name, s.cpu, s.memoryLimitMiB, s.memoryReservationMiB])).toEqual([
      ['a', undefined, undefined, undefined], ['b', undefined, undefined, undefined], ['c', undefined, undefined, undefined], ['d', 512, undefined, undefined],
    ]);
    expect(m.warnings.filter(w => w.id === 'ignored-key')).toEqual([]);
  });

  test('a zero sets nothing, so it conflicts with nothing; a variable that gives a value is used', () => {
    const m = model('services:\n  a:\n    image: x\n    cpus: 0\n    mem_limit: 0\n    deploy: {resources: {limits: {cpus: "0.5", memory: 512m}}}\n');
    expect([m.services[0].cpu, m.services[0].memoryLimitMiB]).toEqual([512, 512]);
    expect(model('services:\n  a: {image: x, cpus: "${WEB_CPUS:-0}"}\n', { WEB_CPUS: '1.5' }).services[0].cpu).toBe(1536);
  });

  test('the task gets no 0 CPU container: the template leaves Cpu and Memory out, and the task is sized by the others', () => {
    const { template } = synth('services:\n  web:\n    image: nginx\n    cpus: ${WEB_CPUS:-0}\n    mem_limit: ${WEB_MEMORY:-0}\n  worker:\n    image: busybox\n    cpus: 1\n    mem_limit: 2g\n');
    const web = containerOf(template, 'web');
    expect([web.Cpu, web.Memory]).toEqual([undefined, undefined]);
    expect([containerOf(template, 'worker').Cpu, taskDefs(template)[0].Cpu, taskDefs(template)[0].Memory]).toEqual([1024, '1024', '2048']);
  });

  test('below 0, or a fraction of a CPU unit, is still an error', () => {
    expect(errorOf(() => model('services:\n  a: {image: x, cpus: -1}\n'))).toMatch(/^services\.a\.cpus: expected a number of CPUs like 0\.5 or "1\.5" \(0: no limit\)/);
    expect(errorOf(() => model('services:\n  a: {image: x, cpus: 0.0001}\n'))).toMatch(/^services\.a\.cpus: 0\.0001 is less than one CPU unit/);
  });
});

describe('security_opt: ECS takes no docker security options on Fargate', () => {
  const yaml = [
    'services:',
    '  a:',
    '    image: x',
    '    security_opt:',
    '      - no-new-privileges:true',
    '      - no-new-privileges',
    '      - no-new-privileges=false',
    '      - seccomp:unconfined',
    '      - apparmor=unconfined',
    '      - label:disable',
    '      - label=type:svirt_apache_t',
    '      - apparmor:docker-default',
    '      - seccomp=profile.json',
    '      - systempaths=unconfined',
    '      - bogus:1',
  ].join('\n');

  test('each option is left out with a warning that says what the container runs with instead', () => {
    const w = warningsOf(model(yaml), 'ignored-key');
    expect(w.map(([at]) => at)).toEqual(Array.from({ length: 11 }, (_, i) => `services.a.security_opt[${i}]`));
    for (const [, msg] of w) expect(msg).toMatch(/^ignored on Fargate \(got ".+"\): ECS takes no docker security options on Fargate; /);
    const why = w.map(([, msg]) => msg.replace(/^.*on Fargate; /, ''));
    // hardening: what holds instead
    expect(why[0]).toMatch(/^the container runs without it, so a setuid program can gain privileges; cap_drop \(ALL\) and a user that is not root/);
    expect(why[1]).toBe(why[0]);
    expect(why[2]).toBe('false is Docker\'s default');
    // loosening: the confinement stays, and what may fail
    for (const i of [3, 4, 5, 9]) expect(why[i]).toMatch(/^the container keeps the confinement Fargate gives it \(the \w+ option cannot lift it\), so a program that needs what this lifts/);
    for (const i of [6, 7, 8]) expect(why[i]).toMatch(/^the container runs with the confinement Fargate gives it, not the \w+ profile or label named here$/);
    expect(why[10]).toBe('Docker knows no-new-privileges, label, apparmor, seccomp, systempaths, credentialspec');
  });

  test('the template has no docker security options; a gMSA credential spec is refused', () => {
    const { template } = synth('services:\n  a:\n    image: x\n    security_opt: [no-new-privileges:true]\n');
    expect(containerOf(template, 'a').DockerSecurityOptions).toBeUndefined();
    expect(errorOf(() => model('services:\n  a:\n    image: x\n    security_opt: ["credentialspec=file://gmsa.json"]\n')))
      .toBe('services.a.security_opt[0]: cannot be honoured on Fargate (got "credentialspec=file://gmsa.json"): gMSA credential specs (Active Directory) are not read by this construct');
  });
});

describe('shm_size and sysctls: tuning Fargate does not take is left out with a warning', () => {
  test('shm_size: /dev/shm keeps the size Fargate gives it; the template has no SharedMemorySize', () => {
    const { template, warnings } = synth('services:\n  db:\n    image: postgres\n    shm_size: 128mb\n    mem_limit: 1g\n');
    expect(warnings('ignored-key')).toEqual(['services.db.shm_size: ignored on Fargate: ECS has no sharedMemorySize on Fargate: /dev/shm keeps the size Fargate gives it, whatever this asks for']);
    expect(containerOf(template, 'db').LinuxParameters).toBeUndefined();
  });

  test('the sysctls a task can set are set; a host kernel setting (vm.*, kernel.*) is left out, named', () => {
    const { template, warnings } = synth('services:\n  redis:\n    image: redis\n    sysctls:\n      net.core.somaxconn: 1024\n      vm.overcommit_memory: 1\n');
    expect(containerOf(template, 'redis').SystemControls).toEqual([{ Namespace: 'net.core.somaxconn', Value: '1024' }]);
    expect(warnings('ignored-key')).toEqual([expect.stringMatching(/^services\.redis\.sysctls\["vm\.overcommit_memory"\]: left out on Fargate \(vm\.overcommit_memory=1\): a task sets only namespaced sysctls \(net\.\*, fs\.mqueue\.\*, kernel\.msgmax/)]);
  });
});

describe('tmpfs: a memory-backed mount, as Fargate has them', () => {
  test('short syntax: size (rounded up to MiB, or a percentage of the task memory), flags passed on, valued options left out', () => {
    const m = model('services:\n  a:\n    image: x\n    tmpfs:\n      - /run\n      - /tmp:rw,noexec,nosuid,size=65537k,mode=1700,uid=65534\n      - /cache:size=25%\n');
    expect(m.services[0].tmpfs.map(t => [t.target, t.size, t.options])).toEqual([
      ['/run', undefined, []], ['/tmp', { bytes: 65537 * 1024 }, ['rw', 'noexec', 'nosuid']], ['/cache', { percent: 25 }, []],
    ]);
    expect(warningsOf(m, 'ignored-key')).toEqual([['services.a.tmpfs[1]', 'left out of the tmpfs mount at /tmp: "mode=1700", "uid=65534"; ECS passes on only mount flags (defaults, ro, rw, suid, nosuid, dev, nodev, exec, noexec, sync, ...) and the size, so the mount is root\'s with mode 1777 (every user may write, as in /tmp)']]);
  });

  test('the container gets linuxParameters.tmpfs, sized for the task; without a size, half the task memory, with a warning', () => {
    const { template, warnings } = synth('services:\n  a:\n    image: x\n    read_only: true\n    mem_limit: 2g\n    tmpfs:\n      - /run\n      - /tmp:size=65537k,noexec\n      - /cache:size=25%\n');
    expect(containerOf(template, 'a').LinuxParameters).toEqual({
      Capabilities: {},
      Tmpfs: [
        { ContainerPath: '/run', Size: 1024 },
        { ContainerPath: '/tmp', Size: 65, MountOptions: ['noexec'] },
        { ContainerPath: '/cache', Size: 512 },
      ],
    });
    expect(containerOf(template, 'a').ReadonlyRootFilesystem).toBe(true);
    expect(warnings('tmpfs-size')).toEqual(['services.a.tmpfs[0]: the tmpfs at /run gives no size: it may hold 1024 MiB, half the task\'s 2048 MiB, as the kernel sizes a tmpfs (its files use the container\'s memory); give size= (`/run:size=64m`) to choose']);
  });

  test('property: any mix of flags, valued options and a size: the flags in order, the size in bytes, the rest named in one warning', () => {
    const option = fc.oneof(
      fc.constantFrom(...ECS_TMPFS_FLAGS).map(f => ({ text: f, flag: f })),
      fc.tuple(fc.constantFrom('mode', 'uid', 'gid', 'nr_inodes', 'mpol', 'huge'), fc.integer({ min: 0, max: 65535 })).map(([k, v]) => ({ text: `${k}=${v}`, dropped: `${k}=${v}` })),
      fc.integer({ min: 1, max: 4096 }).map(n => ({ text: `size=${n}m`, bytes: n * 1024 * 1024 })),
    );
    fc.assert(fc.property(fc.array(option, { maxLength: 6 }), options => {
      const line = options.length === 0 ? '/scratch' : `/scratch:${options.map(o => o.text).join(',')}`;
      const m = model(`services:\n  a:\n    image: x\n    tmpfs: ["${line}"]\n`);
      const t = m.services[0].tmpfs[0];
      expect(t.options).toEqual(options.flatMap(o => ('flag' in o ? [o.flag] : [])));
      const sizes = options.flatMap(o => ('bytes' in o ? [o.bytes] : []));
      expect(t.size).toEqual(sizes.length === 0 ? undefined : { bytes: sizes[sizes.length - 1] });
      const dropped = options.flatMap(o => ('dropped' in o ? [`"${o.dropped}"`] : []));
      expect(warningsOf(m, 'ignored-key').map(([, msg]) => msg.split('; ')[0]))
        .toEqual(dropped.length === 0 ? [] : [`left out of the tmpfs mount at /scratch: ${dropped.join(', ')}`]);
    }));
  });

  test('a volume of type tmpfs is one too (size, read_only); its mode is left out, with a warning', () => {
    const { template, warnings } = synth('services:\n  a:\n    image: x\n    volumes:\n      - {type: tmpfs, target: /dev/shm, tmpfs: {size: 134217728}}\n      - {type: tmpfs, target: /ro, read_only: true, tmpfs: {size: 1m, mode: 0o1777}}\n');
    expect(containerOf(template, 'a').LinuxParameters.Tmpfs).toEqual([{ ContainerPath: '/dev/shm', Size: 128 }, { ContainerPath: '/ro', Size: 1, MountOptions: ['ro'] }]);
    expect(containerOf(template, 'a').MountPoints).toBeUndefined();
    expect(warnings('ignored-key')).toEqual([expect.stringMatching(/^services\.a\.volumes\[1\]\.tmpfs\.mode: ignored: ECS sets no mode on a tmpfs mount, so the mount is root's with mode 1777/)]);
  });

  test('a size above the task memory is the task memory; a path mounted twice, a relative path or a bad size are errors', () => {
    const { template, warnings } = synth('services:\n  a:\n    image: x\n    tmpfs: /big:size=4g\n');
    expect(containerOf(template, 'a').LinuxParameters.Tmpfs).toEqual([{ ContainerPath: '/big', Size: 512 }]);
    expect(warnings('adjusted-value')).toEqual(['services.a.tmpfs: the tmpfs at /big asks for 4096 MiB, more than the task\'s 512 MiB of memory that holds its files: 512 MiB is used']);
    expect(errorOf(() => model('services:\n  a:\n    image: x\n    tmpfs: [/data, "tmp", "/x:size=lots", "/y:size=150%"]\n    volumes: ["data:/data"]\nvolumes:\n  data: {}\n')).split('\n')).toEqual([
      'services.a.tmpfs[1]: the container path "tmp" must be absolute',
      'services.a.tmpfs[2]: expected a size like "512m", "0.5GB", "1g" or a number of bytes; got "lots"',
      'services.a.tmpfs[3]: a tmpfs size in percent is of the memory, from more than 0 to 100, got "150%"',
      'services.a.tmpfs[0]: "/data" is mounted twice',
    ]);
  });

  test('ComposeFargateProject sizes each service\'s tmpfs for its own task', () => {
    const { template } = synth('services:\n  web:\n    image: nginx\n    tmpfs: /var/cache/nginx:size=32m\n  api:\n    image: x\n    mem_limit: 4g\n    tmpfs: /tmp\n', { project: true });
    expect(containerOf(template, 'web').LinuxParameters.Tmpfs).toEqual([{ ContainerPath: '/var/cache/nginx', Size: 32 }]);
    const apiTask = taskDefs(template).find(d => d.ContainerDefinitions.some((c: any) => c.Name === 'api'));
    expect(containerOf(template, 'api').LinuxParameters.Tmpfs).toEqual([{ ContainerPath: '/tmp', Size: Number(apiTask.Memory) / 2 }]);
  });
});

describe('the host\'s time zone is left out; TZ sets the container\'s', () => {
  test('/etc/localtime and /etc/timezone, short and long syntax, read-only or not, are left out with a warning', () => {
    const m = model([
      'services:',
      '  a:',
      '    image: x',
      '    volumes:',
      '      - /etc/localtime:/etc/localtime:ro',
      '      - type: bind',
      '        source: /etc/timezone',
      '        target: /etc/timezone',
      '        read_only: true',
      '      - /usr/share/zoneinfo:/usr/share/zoneinfo',
      '      - data:/data',
      '  b:',
      '    image: x',
      '    environment: {TZ: Europe/Madrid}',
      '    volumes: ["/etc/localtime:/etc/localtime:ro"]',
      'volumes:',
      '  data: {}',
    ].join('\n'));
    expect(m.services.map(s => s.volumes.map(v => v.target))).toEqual([['/data'], []]);
    const w = warningsOf(m, 'host-time-zone');
    expect(w.map(([at]) => at)).toEqual(['services.a.volumes[0]', 'services.a.volumes[1]', 'services.a.volumes[2]', 'services.b.volumes[0]']);
    expect(w[0][1]).toBe('left out on Fargate (/etc/localtime is the time zone of the machine that runs compose, and a Fargate task has no host to take it from): '
      + 'the container runs in UTC; to give it a time zone, set TZ in its environment (`TZ: Europe/Berlin`; the image needs its time-zone data, tzdata)');
    expect(w[3][1]).toMatch(/: the container takes its time zone from TZ \("Europe\/Madrid"\)$/);
  });

  test('the template mounts nothing for it; other host paths stay refused', () => {
    const { template } = synth('services:\n  a:\n    image: x\n    volumes: ["/etc/localtime:/etc/localtime:ro"]\n');
    expect(containerOf(template, 'a').MountPoints).toBeUndefined();
    expect(taskDefs(template)[0].Volumes).toBeUndefined();
    expect(errorOf(() => model('services:\n  a:\n    image: x\n    volumes: ["/etc/hosts:/etc/hosts:ro", "/etc/localtime.d:/x"]\n')).split('\n').map(l => l.split(' (got')[0]))
      .toEqual(['services.a.volumes[0]: cannot be honoured on Fargate', 'services.a.volumes[1]: cannot be honoured on Fargate']);
  });
});

describe('a task that nothing sizes gets the smallest Fargate size, and says so', () => {
  test('ComposeFargateService: 256 CPU units and 512 MiB, and how to choose', () => {
    const { template, warnings } = synth('services:\n  web:\n    image: nginx\n  worker:\n    image: busybox\n');
    expect([taskDefs(template)[0].Cpu, taskDefs(template)[0].Memory]).toEqual(['256', '512']);
    expect(warnings('task-size')).toEqual(['services: no container sets a CPU or memory size: the task gets 256 CPU units (0.25 vCPU) and 512 MiB, the smallest Fargate size; '
      + 'to size it, give ecs-params task_definition.task_size (cpu_limit, mem_limit), or the services deploy.resources.limits (cpus, memory) or cpus and mem_limit']);
  });

  test('no warning when a container, ecs-params or deploy.resources size the task', () => {
    expect(synth('services:\n  web: {image: nginx, mem_limit: 1g}\n').warnings('task-size')).toEqual([]);
    expect(synth('services:\n  web: {image: nginx, deploy: {resources: {reservations: {cpus: "0.25"}}}}\n').warnings('task-size')).toEqual([]);
    expect(synth('services:\n  web: {image: nginx}\n', { params: 'version: 1\ntask_definition:\n  task_size: {cpu_limit: 512, mem_limit: 1GB}\n' }).warnings('task-size')).toEqual([]);
    expect(synth('services:\n  web: {image: nginx}\n', { params: 'version: 1\ntask_definition:\n  services:\n    web: {mem_limit: 256m}\n' }).warnings('task-size')).toEqual([]);
    // a zero is no size
    expect(synth('services:\n  web: {image: nginx, cpus: 0}\n').warnings('task-size')).toHaveLength(1);
  });

  test('ComposeFargateProject: per service, with the Service Connect proxy in the size', () => {
    const { template, warnings } = synth('services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n  api:\n    image: x\n    deploy: {resources: {limits: {memory: 1g}}}\n', { project: true });
    const web = taskDefs(template).find(d => d.ContainerDefinitions.some((c: any) => c.Name === 'web'));
    expect([web.Cpu, web.Memory]).toEqual(['512', '1024']);
    expect(warnings('task-size')).toEqual(['services.web: no container of this service sets a CPU or memory size: the task gets 512 CPU units (0.5 vCPU) and 1024 MiB, '
      + 'the smallest Fargate size that also holds the Service Connect proxy (256 CPU units, 64 MiB); to size it, give the service deploy.resources.limits (cpus, memory), '
      + 'or cpus and mem_limit (ComposeFargateProject sizes each task for its containers)']);
  });
});

describe('a secret written in the environment is a warning that says how to keep it out', () => {
  test('names that hold secrets, by their last word', () => {
    const secret = ['MYSQL_ROOT_PASSWORD', 'POSTGRES_PASSWORD', 'PGPASSWORD', 'RABBITMQ_DEFAULT_PASS', 'JWT_SECRET', 'NEXTAUTH_SECRET', 'GITHUB_TOKEN',
      'API_KEY', 'OPENAI_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'DJANGO_SECRET_KEY', 'SECRET_KEY_BASE', 'STRIPE_APIKEY', 'db_password', 'SMTP_PASSWD', 'GPG_PASSPHRASE'];
    const plain = ['POSTGRES_PASSWORD_FILE', 'POSTGRES_USER', 'AWS_ACCESS_KEY_ID', 'TOKEN_TTL', 'PASSWORD_MIN_LENGTH', 'PWD', 'BYPASS', 'COMPASS', 'KEY', 'CACHE_KEY', 'SECRET_NAME', 'PUBLIC_KEY'];
    expect(secret.filter(n => !isSecretName(n))).toEqual([]);
    expect(plain.filter(n => isSecretName(n))).toEqual([]);
  });

  test('property: a secret name is warned about with any value but a flag, and only the variables the file writes', () => {
    const name = fc.tuple(fc.constantFrom('', 'DB_', 'APP_ROOT_', 'my_'), fc.constantFrom('PASSWORD', 'SECRET', 'TOKEN', 'API_KEY', 'PASS'))
      .map(([prefix, word]) => `${prefix}${word}`);
    const value = fc.stringMatching(/^[A-Za-z0-9@#%^&*_+=.,-]{1,20}$/).filter(v => !/^(true|false|yes|no|on|off|y|n|0|1|none|null)$/i.test(v));
    fc.assert(fc.property(name, value, fc.boolean(), (n, v, fromVariable) => {
      const m = model(`services:\n  a:\n    image: x\n    environment:\n      ${n}: "${fromVariable ? '${V}' : v}"\n`, { V: v });
      expect(m.services[0].environment).toEqual([{ name: n, value: v }]);
      expect(warningsOf(m, 'plaintext-secret').map(([at]) => at)).toEqual(fromVariable ? [] : [`services.a.environment.${n}`]);
    }));
  });

  test('a value written in the file is warned about at the variable\'s path, with the ways to move it', () => {
    const m = model([
      'services:',
      '  db:',
      '    image: mysql',
      '    environment:',
      '      MYSQL_ROOT_PASSWORD: example',
      '      MYSQL_ALLOW_EMPTY_PASSWORD: "yes"',
      '      MYSQL_PASSWORD: ""',
      '      MYSQL_PASSWORD_FILE: /run/secrets/db_password',
      '  app:',
      '    image: x',
      '    environment:',
      '      - DATABASE_URL=mysql://app:s3cret@db:3306/app',
      '      - CACHE_URL=redis://cache:6379/0',
      '      - SECRET_KEY=$${SECRET_KEY}',
      '      - API_TOKEN=${API_TOKEN:-changeme}',
    ].join('\n'));
    const w = warningsOf(m, 'plaintext-secret');
    expect(w.map(([at]) => at)).toEqual(['services.db.environment.MYSQL_ROOT_PASSWORD', 'services.app.environment[0]', 'services.app.environment[3]']);
    expect(w[0][1]).toBe('MYSQL_ROOT_PASSWORD looks like a secret, and the file writes its value: it goes into the task definition (and the CloudFormation template) in plain text, for anyone who may read them. '
      + 'To keep it out, declare a compose secret (top-level secrets: with file:, or name: / external: true for a Secrets Manager secret), list it in the service\'s secrets: and point the image at its file '
      + '(MYSQL_ROOT_PASSWORD_FILE=/run/secrets/<secret>, where the image reads *_FILE variables); or remove MYSQL_ROOT_PASSWORD here and give it in ecs-params '
      + '(task_definition.services.db.secrets: [{name: MYSQL_ROOT_PASSWORD, value_from: <Secrets Manager ARN or SSM parameter>}]); '
      + 'or set it from a variable (MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD}), which keeps it out of the file but not out of the template');
    expect(w[1][1]).toMatch(/^DATABASE_URL holds a URL with a password in it, and the file writes its value/);
    // the default of an unset variable is written in the file
    expect(w[2][1]).toMatch(/^API_TOKEN looks like a secret/);
  });

  test('no warning for a value a set variable gives: it is not in the file', () => {
    const yaml = [
      'services:',
      '  db:',
      '    image: postgres',
      '    environment:',
      '      POSTGRES_PASSWORD: ${DB_PASSWORD}',
      '      REPLICATION_PASSWORD: ${REPLICATION_PASSWORD:-changeme}',
      '  app:',
      '    image: x',
      '    environment:',
      '      - API_KEY',
      '      - DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app',
      '      - GITHUB_TOKEN=$GITHUB_TOKEN',
    ].join('\n');
    const vars = { DB_PASSWORD: 'hunter2', REPLICATION_PASSWORD: 'r3pl', API_KEY: 'k', GITHUB_TOKEN: 'ghp_x' };
    expect(warningsOf(model(yaml, vars), 'plaintext-secret')).toEqual([]);
    // the same variables unset: nothing is written, nothing to warn about, but the default is
    expect(warningsOf(model(yaml, { API_KEY: 'k' }), 'plaintext-secret').map(([at]) => at)).toEqual(['services.db.environment.REPLICATION_PASSWORD']);
  });

  test('no warning for a value from an env file: it is not written in the compose file', () => {
    const dir = writeFiles(fs.mkdtempSync(path.join(os.tmpdir(), 'env-file-')), { 'db.env': 'POSTGRES_PASSWORD=fromfile\n' });
    const m = ComposeDefinition.fromYaml('services:\n  db:\n    image: postgres\n    env_file: db.env\n', { variables: {}, projectDirectory: dir })._model;
    expect(m.services[0].environment).toEqual([{ name: 'POSTGRES_PASSWORD', value: 'fromfile' }]);
    expect(warningsOf(m, 'plaintext-secret')).toEqual([]);
  });

  test('through the construct: a CDK warning with the id, and the value in the template as written', () => {
    const { template, warnings } = synth('services:\n  db:\n    image: postgres\n    mem_limit: 1g\n    environment:\n      POSTGRES_PASSWORD: example\n');
    expect(warnings('plaintext-secret')).toEqual([expect.stringMatching(/^services\.db\.environment\.POSTGRES_PASSWORD: POSTGRES_PASSWORD looks like a secret/)]);
    expect(containerOf(template, 'db').Environment).toEqual([{ Name: 'POSTGRES_PASSWORD', Value: 'example' }]);
  });
});
