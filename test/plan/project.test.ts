/**
 * planProject on its own: which compose services become ECS services, which run once inside the
 * tasks of the services that wait for them, which get a task definition only; the order of creation;
 * the names and errors that concern the whole project. No stack: the plan is data.
 */
import { composeFixture, ecsService, paramsFixture, project } from './plan-util';

describe('what runs as an ECS service, what runs once', () => {
  const { plan, errors, warned } = project(composeFixture('plan/one-shots'));

  test('the file plans without errors', () => {
    expect(errors).toEqual([]);
  });

  test('services Docker Compose keeps running are ECS services named <project>-<service>', () => {
    // api, worker and db restart by default; poller has restart "no", but its deploy.restart_policy
    // (condition: any) decides, as Docker Compose applies them.
    expect(plan!.services.map(s => s.name)).toEqual(['api', 'worker', 'poller', 'db']);
    expect(plan!.services.map(s => s.serviceName)).toEqual(['jobs-api', 'jobs-worker', 'jobs-poller', 'jobs-db']);
  });

  test('a one-shot that services wait for runs in the task of each, not essential, after what it waits for', () => {
    // fixtures runs once because migrate waits for its success; migrate because api and worker do.
    const api = ecsService(plan, 'api').task.containers;
    expect(api.map(c => [c.name, c.essential])).toEqual([['api', true], ['migrate', false], ['fixtures', false]]);
    expect(api.find(c => c.name === 'api')!.dependsOn).toEqual([{ container: 'migrate', condition: 'SUCCESS' }]);
    expect(api.find(c => c.name === 'migrate')!.dependsOn).toEqual([{ container: 'fixtures', condition: 'SUCCESS' }]);
    // seed has restart "no" and only worker waits for it (to start): it runs in worker's task alone.
    expect(ecsService(plan, 'worker').task.containers.map(c => c.name).sort()).toEqual(['fixtures', 'migrate', 'seed', 'worker']);
    expect(warned('one-shot')).toEqual(expect.arrayContaining([
      expect.stringMatching(/^services\.migrate: runs once: a non-essential container in the tasks of api, worker,/),
      expect.stringMatching(/^services\.seed: runs once: a non-essential container in the tasks of worker,/),
    ]));
  });

  test('a one-shot nobody waits for is a task definition without an ECS service, and is told why', () => {
    // backup is a replicated-job; report has restart: always, but its restart_policy says none.
    expect(plan!.standaloneTasks.map(t => [t.name, t.task.family])).toEqual([['backup', 'jobs-backup'], ['report', 'jobs-report']]);
    const [backup, report] = warned('one-shot').filter(w => /^services\.(backup|report):/.test(w));
    expect(backup).toContain('runs once (deploy.mode: replicated-job) and no service waits for it');
    // It names db, which a task started by run-task cannot resolve through Service Connect.
    expect(backup).toContain('It names db, which a task started by run-task cannot resolve');
    expect(report).toContain('runs once (deploy.restart_policy.condition: none)');
    expect(report).not.toContain('It names');
  });

  test('a job with replicas runs one task: the replicas are warned about, by path', () => {
    expect(warned('ignored-key')).toEqual([expect.stringMatching(/^services\.backup\.deploy\.replicas: a service that runs once runs one task here, not 3/)]);
  });

  test('a task of an ECS service leaves room for the Service Connect proxy; a standalone task does not need it', () => {
    // No sizes given: the smallest Fargate size is 256 CPU / 512 MiB; with the proxy's 256 CPU and
    // 64 MiB on top it takes 512 CPU, whose smallest memory is 1024 MiB.
    expect([ecsService(plan, 'db').task.cpu, ecsService(plan, 'db').task.memoryMiB]).toEqual([512, 1024]);
    const backup = plan!.standaloneTasks.find(t => t.name === 'backup')!.task;
    expect([backup.cpu, backup.memoryMiB]).toEqual([256, 512]);
  });

  test('dependencies on other ECS services become the order of creation, not container dependencies', () => {
    // api waits for db (healthy); migrate, inside api's task, is not a service of its own.
    expect(ecsService(plan, 'api').after).toEqual(['db']);
    expect(ecsService(plan, 'api').task.containers.flatMap(c => c.dependsOn.map(d => d.container))).not.toContain('db');
    expect(ecsService(plan, 'db').after).toEqual([]);
  });

  test('a one-shot that two services wait for orders neither after the other: each runs its own copy', () => {
    // worker waits for migrate and seed, never for api; migrate, in worker's task too, names db.
    expect(ecsService(plan, 'worker').after).toEqual(['db']);
  });
});

describe('a project of three tiers on two networks', () => {
  const { plan, errors } = project(composeFixture('project-three-tier'));

  test('each service is created after what it depends on', () => {
    expect(errors).toEqual([]);
    expect(plan!.services.map(s => [s.name, s.after])).toEqual([['proxy', ['backend']], ['backend', ['db']], ['db', []]]);
  });

  test('its networks are the compose networks it names', () => {
    expect(plan!.services.map(s => [s.name, s.networks])).toEqual([['proxy', ['frontnet']], ['backend', ['frontnet', 'backnet']], ['db', ['backnet']]]);
  });

  test('a service admits the services it shares a network with, on the ports it serves, and no others', () => {
    const peers = (name: string) => ecsService(plan, name).peers.map(p => `${p.from}:${p.ports.map(r => `${r.fromPort}/${r.protocol}`).join(',')}`);
    expect(peers('db')).toEqual(['backend:5432/tcp']);
    expect(peers('backend')).toEqual(['proxy:8000/tcp', 'db:8000/tcp']);
    expect(peers('proxy')).toEqual(['backend:80/tcp']);
  });

  test('desired counts come from deploy.replicas only', () => {
    expect(plan!.services.map(s => s.desiredCount)).toEqual([undefined, undefined, undefined]);
  });
});

describe('WordPress and MariaDB: one volume each, shared by nobody', () => {
  const { plan } = project(composeFixture('project-wordpress', { WORDPRESS_DB_PASSWORD: 'x' }));

  test('the project, not each task, decides who owns a volume\'s folder', () => {
    expect(plan!.services.every(s => s.task.volumeOwners.length === 0)).toBe(true);
    // mariadb runs as mysql (999:999); the wordpress image's user is not known: any user may write.
    expect(plan!.volumeOwners).toEqual([
      { volume: 'wordpress', uid: 0, gid: 0, permissions: '777' },
      { volume: 'db', uid: 999, gid: 999, permissions: '755' },
    ]);
  });
});

describe('errors that concern the whole project', () => {
  test('two services that answer to one name: an error at the later one, naming both', () => {
    const { plan, errors } = project(composeFixture('plan/name-clash'));
    expect(plan).toBeUndefined();
    expect(errors).toEqual(['docker-compose.yml: services.backend: answers to the name "backend" (service), which is also a name of api (container_name): in one namespace a name reaches one service']);
  });

  test('a project name that makes no ECS service name with a service\'s: an error per service, with the name', () => {
    // 250 characters are a family; with "-proxy" or "-backend" they are more than the 255 ECS takes, with "-db" not.
    const name = 'shop'.repeat(62) + 'v2';
    const { plan, errors } = project(composeFixture('project-three-tier'), { projectName: name });
    expect(plan).toBeUndefined();
    expect(errors).toEqual(['proxy', 'backend'].map(s =>
      `docker-compose.yml: services.${s}: the ECS service and task family "${name}-${s}" (project name and service name) must be 1 to 255 letters, digits, dashes and underscores`));
  });

  test('a project name that is no family itself is left to the construct, which refuses it at projectName', () => {
    expect(project(composeFixture('project-three-tier'), { projectName: 'shop.v2' }).errors).toEqual([]);
  });

  test('ecs-params written for one task: a service the compose file lacks and service discovery are errors there, the task size a warning', () => {
    const { plan, errors, warned } = project(composeFixture('plan/one-shots'), { ecsParams: paramsFixture('plan/one-shots/ecs-params.yml') });
    expect(plan).toBeUndefined();
    expect(errors).toEqual([
      expect.stringMatching(/^ecs-params\.yml: task_definition\.services\.scheduler: no compose service named "scheduler": the compose file defines api, worker, /),
      expect.stringMatching(/^ecs-params\.yml: run_params\.service_discovery: registers one ECS service in Cloud Map: ComposeFargateProject makes every compose service answer to its names through Service Connect/),
    ]);
    expect(warned('ignored-key')).toContain('task_definition.task_size: ignored by ComposeFargateProject: each compose service gets a task sized for its own containers (set cpu_shares and mem_limit per service to size them)');
  });
});
