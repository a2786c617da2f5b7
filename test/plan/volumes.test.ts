/**
 * Where each service's data lives on Fargate, planned on their own: named volumes on task storage
 * (ecs-cli's model) or on EFS file systems the construct makes (the project's), ecs-params EFS
 * volumes, anonymous volumes, project files, folders the service fills, and who owns each EFS
 * volume's folder. Under compose a named volume outlives the container; a task's storage does not.
 */
import * as path from 'path';
import { composeFixture, ecsService, FIXTURES, paramsFixture, project, task } from './plan-util';
import { TaskPlan } from '../../src/private/plan/model';
import { planVolumeOwners } from '../../src/private/plan/volume-owners';
import { Problems } from '../../src/private/problems';

const compose = () => composeFixture('plan/volumes');
const params = () => paramsFixture('plan/volumes/ecs-params.yml');

describe('one task, named volumes on task storage (ComposeFargateService)', () => {
  const { plan, errors, warned } = task(compose(), { ecsParams: params() });
  const mountsOf = (container: string) => plan!.containers.find(c => c.name === container)!.mountPoints.map(m => `${m.volume}:${m.containerPath}${m.readOnly ? ':ro' : ''}`);

  test('a named volume is one task volume, mounted by each service at its own path', () => {
    expect(errors).toEqual([]);
    expect(mountsOf('app')).toContain('data:/var/lib/app');
    expect(mountsOf('worker')).toContain('data:/data');
    expect(mountsOf('reader')).toEqual(['data:/data:ro']);
    expect(plan!.volumes.find(v => v.name === 'data')).toEqual({ name: 'data' });
  });

  test('task storage loses its data with the task: warned once, where the volume is declared', () => {
    expect(warned('ephemeral-volume').filter(w => w.startsWith('volumes.data:'))).toHaveLength(1);
  });

  test('an ecs-params EFS volume is that file system, read-only where compose says :ro, and the task may write it', () => {
    expect(plan!.volumes.find(v => v.name === 'shared')).toMatchObject({ efs: { fileSystemId: 'fs-0123456789abcdef0', iam: true, transitEncryption: true } });
    expect(mountsOf('app')).toContain('shared:/shared');
    expect(mountsOf('worker')).toContain('shared:/shared:ro');
    expect(plan!.efsGrants).toEqual([{ fileSystemId: 'fs-0123456789abcdef0', write: true }]);
  });

  test('each anonymous volume is a volume of its own', () => {
    expect(mountsOf('app')).toContain('volume-0:/tmp/cache');
    expect(mountsOf('worker')).toContain('volume-1:/scratch');
  });

  test('a project file goes into the image, owned by the user the service runs as; it is no volume', () => {
    const app = plan!.containers.find(c => c.name === 'app')!;
    expect(app.projectFiles.map(f => [f.target, f.source && path.relative(FIXTURES, f.source), f.chown])).toEqual([['/etc/app/app.conf', 'plan/volumes/config/app.conf', '1000:1000']]);
    expect(mountsOf('app').some(m => m.includes('/etc/app'))).toBe(false);
    expect(warned('project-files')).toEqual([expect.stringMatching(/^services\.app\.volumes\[3\]: \.\/config\/app\.conf is put into the container at \/etc\/app\/app\.conf/)]);
  });

  test('a project folder that does not exist holds what the service writes: a data volume', () => {
    expect(mountsOf('app')).toContain('bind-uploads:/var/uploads');
    expect(warned('ephemeral-volume')).toContainEqual(expect.stringMatching(/^services\.app\.volumes\[4\]: \.\/uploads is missing, so it holds data the service writes/));
  });

  test('no EFS file system the construct makes: nothing for an access point', () => {
    expect(plan!.efsMounts).toEqual([]);
    expect(plan!.volumeOwners).toEqual([]);
  });
});

describe('one task, named volumes on EFS (volumeStorage: efs)', () => {
  const { plan, warned } = task(compose(), { ecsParams: params(), volumeStorage: 'efs' });

  test('named volumes and folders the service fills become file systems the construct makes; ecs-params EFS and anonymous volumes stay', () => {
    expect(plan!.volumes.map(v => [v.name, v.managedEfs ? 'managed' : v.efs ? 'ecs-params' : 'task'])).toEqual([
      ['data', 'managed'], ['shared', 'ecs-params'], ['volume-0', 'task'], ['bind-uploads', 'managed'], ['volume-1', 'task'],
    ]);
    expect(warned('retained-volume').map(w => w.split(':')[0])).toEqual(['volumes.data', 'services.app.volumes[4]']);
  });

  test('the folder of a volume two users of one group write is that group\'s, 775, with a warning', () => {
    // app runs as 1000:1000, worker as 1001:1000; reader only reads.
    expect(plan!.volumeOwners).toEqual([
      { volume: 'data', uid: 1000, gid: 1000, permissions: '775' },
      { volume: 'bind-uploads', uid: 1000, gid: 1000, permissions: '755' },
    ]);
    expect(warned('shared-volume-owner')).toEqual([expect.stringMatching(/^services\.worker\.volumes\[0\]: the volume "data" is written by app \(1000:1000, user: "1000:1000"\), worker \(1001:1000, user: "1001:1000"\)/)]);
  });

  test('the task role may write what a container mounts read-write, and act as root where a container may run as root', () => {
    // reader's image says nothing about its user: it may be root.
    expect(plan!.managedEfsGrants).toEqual([{ volume: 'data', write: true, root: true }, { volume: 'bind-uploads', write: true, root: false }]);
  });

  test('a volume the fileSystems prop gives is an existing file system: the construct makes no access point for it', () => {
    const given = task(compose(), { ecsParams: params(), volumeStorage: 'efs', existingFileSystems: ['data'] }).plan!;
    expect(given.volumes.find(v => v.name === 'data')).toEqual({ name: 'data', managedEfs: { volume: 'data', existing: true } });
    expect(given.volumeOwners.map(o => o.volume)).toEqual(['bind-uploads']);
  });
});

describe('a project: volumes shared by services in separate tasks', () => {
  const { plan } = project(compose(), { ecsParams: params() });

  test('each ECS service mounts the file system of the named volume; the project decides the owner over all of them', () => {
    for (const s of ['app', 'worker', 'reader']) {
      expect(ecsService(plan, s).task.volumes.find(v => v.name === 'data')).toEqual({ name: 'data', managedEfs: { volume: 'data', existing: false } });
      expect(ecsService(plan, s).task.volumeOwners).toEqual([]);
    }
    expect(plan!.volumeOwners.find(o => o.volume === 'data')).toEqual({ volume: 'data', uid: 1000, gid: 1000, permissions: '775' });
  });

  test('anonymous volumes stay task storage of each service\'s own task (compose makes a new one per container)', () => {
    const anonymous = (s: string, at: string) => {
      const t = ecsService(plan, s).task;
      const m = t.containers.find(c => c.name === s)!.mountPoints.find(x => x.containerPath === at)!;
      return t.volumes.find(v => v.name === m.volume);
    };
    expect(anonymous('app', '/tmp/cache')).toEqual({ name: expect.stringMatching(/^volume-/) });
    expect(anonymous('worker', '/scratch')).toEqual({ name: expect.stringMatching(/^volume-/) });
    expect(plan!.volumeOwners.map(o => o.volume)).toEqual(['data', 'bind-uploads']);
  });
});

describe('mounts Fargate cannot honour: every one refused at its path', () => {
  test('external and driver volumes, a missing file, a missing read-only folder, volumes_from itself', () => {
    const { plan, errors } = task(composeFixture('plan/volumes/refused.yml'));
    expect(plan).toBeUndefined();
    expect(errors).toEqual([
      'refused.yml: volumes.outside: external volume "outside" must be an EFS file system on Fargate: define it in ecs-params task_definition.efs_volumes, or pass it in the fileSystems prop',
      'refused.yml: volumes.drivers.driver_opts: cannot be honoured on Fargate: volume drivers and their options need EC2 container instances; use ecs-params efs_volumes for shared, lasting storage',
      expect.stringMatching(/^refused\.yml: services\.app\.volumes\[2\]: \.\/missing\.conf: file not found in the project folder: it is mounted at \/etc\/app\/missing\.conf, a file \(by its name\)/),
      expect.stringMatching(/^refused\.yml: services\.app\.volumes\[3\]: \.\/readonly-data: file not found in the project folder: it is mounted read-only at \/data/),
      'refused.yml: services.app.volumes_from[0]: app cannot take volumes from itself',
    ]);
  });
});

describe('who owns a volume\'s folder, decided over its mounts', () => {
  const user = (uid?: number, gid?: number) => ({ uid, gid, root: uid === 0 || uid === undefined, from: `user ${uid}` });
  const mount = (service: string, write: boolean, u: ReturnType<typeof user>) => ({ volume: 'v', service, at: ['services', service, 'volumes', 0], write, user: u });

  test('readers do not count; root writers do not either', () => {
    const problems = new Problems();
    expect(planVolumeOwners([mount('a', false, user(5, 5)), mount('b', true, user(0, 0)), mount('c', true, user(70, 70))], problems))
      .toEqual([{ volume: 'v', uid: 70, gid: 70, permissions: '755' }]);
    expect(problems.warnings).toEqual([]);
  });

  test('only readers, or only root: root\'s folder, 755', () => {
    expect(planVolumeOwners([mount('a', false, user(5, 5)), mount('b', true, user(0, 0))], new Problems()))
      .toEqual([{ volume: 'v', uid: 0, gid: 0, permissions: '755' }]);
  });

  test('a writer whose user is not known wins over known ones: 777, warned at its mount', () => {
    const problems = new Problems();
    expect(planVolumeOwners([mount('a', true, user(1000, 1000)), mount('b', true, user(undefined))], problems))
      .toEqual([{ volume: 'v', uid: 0, gid: 0, permissions: '777' }]);
    expect(problems.warnings.map(w => [w.id, w.path.join('.')])).toEqual([['volume-owner', 'services.b.volumes.0']]);
  });
});

describe('volumes_from another service', () => {
  const mounts = (plan: TaskPlan, name: string) => {
    const c = plan.containers.find(x => x.name === name)!;
    return { mounts: c.mountPoints.map(m => `${m.volume}:${m.containerPath}${m.readOnly ? ':ro' : ''}`), volumesFrom: c.volumesFrom };
  };

  test('one task: ECS shares the other container\'s volumes (volumesFrom), as compose does', () => {
    const { plan, errors } = task(composeFixture('plan/volumes-from'));
    expect(errors).toEqual([]);
    expect(mounts(plan!, 'web')).toEqual({ mounts: [], volumesFrom: [{ container: 'builder', readOnly: true }] });
  });

  test('a project: each service has its own task, so its named volumes are mounted directly, from the EFS file system both share', () => {
    const { plan, errors } = project(composeFixture('plan/volumes-from'));
    expect(errors).toEqual([]);
    expect(mounts(ecsService(plan, 'web').task, 'web')).toEqual({ mounts: ['site:/srv/site:ro'], volumesFrom: [] });
    expect(mounts(ecsService(plan, 'builder').task, 'builder')).toEqual({ mounts: ['site:/srv/site'], volumesFrom: [] });
    expect(ecsService(plan, 'web').task.volumes).toEqual([{ name: 'site', managedEfs: { volume: 'site', existing: false } }]);
    // The builder writes the folder; web only reads it.
    expect(plan!.volumeOwners.map(o => o.volume)).toEqual(['site']);
  });

  test('a project: an anonymous volume lives in its own task only: refused at the volumes_from entry', () => {
    const { plan, errors } = project(composeFixture('plan/volumes-from/anonymous.yml'));
    expect(plan).toBeUndefined();
    expect(errors).toEqual([
      'anonymous.yml: services.web.volumes_from[0]: builder runs in a task of its own (an ECS service each), and its /srv/site is an anonymous volume, which only the containers of one task share: make it a named volume (EFS, which the project\'s tasks share), or mount it in web yourself',
    ]);
  });
});
