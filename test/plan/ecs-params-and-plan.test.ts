import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComposeDefinition, EcsParams } from '../../src';
import { smallestTaskSize } from '../../src/private/facts/fargate';
import { TaskPlan } from '../../src/private/plan/model';
import { planTask } from '../../src/private/plan/task';
import { Problems } from '../../src/private/problems';
import { errorOf } from '../util';


/** Plan from YAML; returns the plan or the formatted problems. */
function plan(composeYaml: string, paramsYaml?: string): { plan?: TaskPlan; errors: string[] } {
  const compose = ComposeDefinition.fromYaml(composeYaml, { variables: {} })._model;
  const params = paramsYaml === undefined ? undefined : EcsParams.fromYaml(paramsYaml, { variables: {} })._model;
  const cp = new Problems('docker-compose.yml');
  const pp = new Problems('ecs-params.yml');
  const p = planTask({ compose, ecsParams: params, family: 'app' }, cp, pp);
  return { plan: p, errors: [...cp.errors, ...pp.errors].map(e => `${e.file}: ${e.path.join('.')}: ${e.message}`) };
}

const TWO = 'services:\n  web:\n    image: nginx\n  worker:\n    image: busybox\n';

describe('ecs-params normalization', () => {
  test('reads the tutorial schema', () => {
    const m = EcsParams.fromYaml([
      'version: 1',
      'task_definition:',
      '  task_execution_role: ecsTaskExecutionRole',
      '  task_role_arn: arn:aws:iam::123456789012:role/app',
      '  ecs_network_mode: awsvpc',
      '  task_size: {mem_limit: 0.5GB, cpu_limit: 256}',
      'run_params:',
      '  network_configuration:',
      '    awsvpc_configuration:',
      '      subnets: [subnet-0a1b2c3d4e5f60718]',
      '      security_groups: [sg-0acd34feae1cd3bb6]',
      '      assign_public_ip: DISABLED',
    ].join('\n'))._model;
    expect(m).toMatchObject({
      taskExecutionRole: 'ecsTaskExecutionRole',
      taskRole: 'arn:aws:iam::123456789012:role/app',
      taskCpu: 256,
      taskMemoryMiB: 512,
      network: { subnets: ['subnet-0a1b2c3d4e5f60718'], securityGroups: ['sg-0acd34feae1cd3bb6'], assignPublicIp: false },
    });
  });

  test.each([
    ['1024', '2GB', 1024, 2048], ['1 vCPU', '2048', 1024, 2048], [512, 1024, 512, 1024], ['0.25 vcpu', '0.5 GB', 256, 512],
  ])('task_size cpu %p mem %p', (cpu, mem, c, m) => {
    const model = EcsParams.fromObject({ version: 1, task_definition: { task_size: { cpu_limit: cpu, mem_limit: mem } } })._model;
    expect([model.taskCpu, model.taskMemoryMiB]).toEqual([c, m]);
  });

  test('reports unknown keys (ecs-cli ignored them) and every other problem at once', () => {
    const msg = errorOf(() => EcsParams.fromYaml([
      'version: 1',
      'task_definition:',
      '  ecs_network_mode: bridge',
      '  task_exec_role: x',
      '  task_size: {cpu_limit: lots}',
      'run_params:',
      '  network_configuration:',
      '    awsvpc_configuration:',
      '      subnets: [subnet-xyz]',
      '      assign_public_ip: YES',
    ].join('\n')));
    expect(msg.split('\n')).toEqual([
      'task_definition.task_exec_role: unknown task_definition key "task_exec_role": allowed are ecs_network_mode, task_role_arn, task_execution_role, task_size, services, pid_mode, ipc_mode, docker_volumes, efs_volumes, placement_constraints',
      'task_definition.ecs_network_mode: Fargate tasks use the awsvpc network mode, got "bridge": write "awsvpc" or leave it out',
      'task_definition.task_size.cpu_limit: expected CPU units ("256", 1024) or vCPUs ("0.25 vCPU", "1vcpu"); got "lots"',
      'run_params.network_configuration.awsvpc_configuration.subnets[0]: expected an ID like "subnet-0a1b2c3d4e5f60718", got "subnet-xyz"',
      'run_params.network_configuration.awsvpc_configuration.assign_public_ip: expected ENABLED or DISABLED, got "YES"',
    ]);
  });

  test('fromFile prefixes the file name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'params-'));
    fs.writeFileSync(path.join(dir, 'ecs-params.yml'), 'version: 1\ntask_definition:\n  task_size:\n    cpu_limit: 300\n    mem_limit: 512\n  bogus: 1\n');
    expect(errorOf(() => EcsParams.fromFile(path.join(dir, 'ecs-params.yml'), { variables: {} })))
      .toMatch(/^ecs-params\.yml: task_definition\.bogus: unknown task_definition key "bogus"/);
  });

  test('healthcheck takes integer seconds; test and command are exclusive', () => {
    const m = EcsParams.fromYaml('version: 1\ntask_definition:\n  services:\n    web:\n      healthcheck:\n        command: curl localhost\n        interval: 70\n        timeout: "5"\n')._model;
    expect(m.services[0].healthCheck).toMatchObject({ command: ['CMD-SHELL', 'curl localhost'], intervalSeconds: 70, timeoutSeconds: 5 });
    expect(errorOf(() => EcsParams.fromYaml('version: 1\ntask_definition:\n  services:\n    web:\n      healthcheck:\n        test: a\n        command: b\n')))
      .toBe('task_definition.services.web.healthcheck.command: give "test" or "command", not both');
  });

  test('secrets need a name and a parameter or secret reference', () => {
    const msg = errorOf(() => EcsParams.fromYaml([
      'version: 1',
      'task_definition:',
      '  services:',
      '    web:',
      '      secrets:',
      '        - {name: DB_PASSWORD, value_from: /app/db}',
      '        - {value_from: /app/x}',
      '        - {name: 1BAD, value_from: /app/y}',
      '        - {name: OK, value_from: "arn:aws:s3:::bucket"}',
    ].join('\n')));
    expect(msg.split('\n')).toEqual([
      'task_definition.services.web.secrets[1]: a secret needs "name", the environment variable it sets',
      'task_definition.services.web.secrets[2].name: expected an environment variable name (letters, digits, underscores), got "1BAD"',
      'task_definition.services.web.secrets[3].value_from: expected an SSM parameter name ("/app/db-password"), an SSM parameter ARN, or a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME), got "arn:aws:s3:::bucket"',
    ]);
  });

  test('what Fargate cannot do is refused by name', () => {
    const msg = errorOf(() => EcsParams.fromYaml('version: 1\ntask_definition:\n  ipc_mode: host\n  pid_mode: host\n  services:\n    web:\n      gpu: "1"\nrun_params:\n  task_placement:\n    strategy: [{type: binpack, field: memory}]\n'));
    expect(msg.split('\n')).toEqual([
      'task_definition.services.web.gpu: cannot be honoured on Fargate (got "1"): Fargate has no GPUs',
      'task_definition.pid_mode: Fargate allows only pid_mode "task", got "host"',
      'task_definition.ipc_mode: cannot be honoured on Fargate (got "host"): Fargate does not support IPC modes',
      'run_params.task_placement: cannot be honoured on Fargate: Fargate places tasks itself (placement strategies and constraints are for EC2)',
    ]);
  });
});

describe('task size', () => {
  test('the smallest valid size that fits the containers, at least 256/512', () => {
    expect(plan(TWO).plan).toMatchObject({ cpu: 256, memoryMiB: 512 });
    expect(plan('version: "2"\nservices:\n  web:\n    image: nginx\n    mem_limit: 600m\n').plan).toMatchObject({ cpu: 256, memoryMiB: 1024 });
    expect(plan('version: "2"\nservices:\n  a:\n    image: nginx\n    cpu_shares: 300\n    mem_reservation: 1g\n  b:\n    image: nginx\n    cpu_shares: 300\n    mem_reservation: 1g\n').plan)
      .toMatchObject({ cpu: 1024, memoryMiB: 2048 });
  });

  test('the smallest size search matches the Fargate table', () => {
    expect(smallestTaskSize(256, 3000)).toEqual({ cpu: 512, memory: 3072 });
    expect(smallestTaskSize(4096, 100000)).toEqual({ cpu: 16384, memory: 106496 });
    expect(smallestTaskSize(256, 200000)).toBeUndefined();
  });

  test('an invalid combination lists the memory allowed for the cpu', () => {
    expect(plan(TWO, 'version: 1\ntask_definition:\n  task_size: {cpu_limit: 256, mem_limit: 4GB}\n').errors).toEqual([
      'ecs-params.yml: task_definition.task_size.mem_limit: Fargate does not offer 4096 MiB with 256 CPU units: allowed memory for cpu 256 is 512, 1024, 2048 MiB',
    ]);
    expect(plan(TWO, 'version: 1\ntask_definition:\n  task_size: {cpu_limit: 1024, mem_limit: 1GB}\n').errors).toEqual([
      'ecs-params.yml: task_definition.task_size.mem_limit: Fargate does not offer 1024 MiB with 1024 CPU units: allowed memory for cpu 1024 is 2048 to 8192 in steps of 1024 MiB',
    ]);
    expect(plan(TWO, 'version: 1\ntask_definition:\n  task_size: {cpu_limit: 300, mem_limit: 1GB}\n').errors).toEqual([
      'ecs-params.yml: task_definition.task_size.cpu_limit: Fargate does not offer 300 CPU units: allowed are 256, 512, 1024, 2048, 4096, 8192, 16384',
    ]);
  });

  test('only cpu or only memory: the other is the smallest that fits', () => {
    expect(plan(TWO, 'version: 1\ntask_definition:\n  task_size: {cpu_limit: 1024}\n').plan).toMatchObject({ cpu: 1024, memoryMiB: 2048 });
    expect(plan(TWO, 'version: 1\ntask_definition:\n  task_size: {mem_limit: 3GB}\n').plan).toMatchObject({ cpu: 512, memoryMiB: 3072 });
  });

  test('containers that need more than the task size are caught', () => {
    expect(plan('version: "2"\nservices:\n  web:\n    image: nginx\n    mem_limit: 1g\n', 'version: 1\ntask_definition:\n  task_size: {cpu_limit: 256, mem_limit: 512}\n').errors)
      .toEqual(['ecs-params.yml: task_definition.task_size.mem_limit: 512 MiB is less than the 1024 MiB the containers reserve (web: 1024)']);
  });
});

describe('ecs-params services over compose', () => {
  test('overrides resources, essential, health check per field; adds secrets and dependencies', () => {
    const p = plan([
      'version: "3"',
      'services:',
      '  web:',
      '    image: nginx',
      '    healthcheck: {test: ["CMD", "curl", "-f", "localhost"], interval: 10s, retries: 2}',
      '    depends_on: [migrate]',
      '  migrate:',
      '    image: app',
    ].join('\n'), [
      'version: 1',
      'task_definition:',
      '  services:',
      '    web:',
      '      mem_limit: 256m',
      '      cpu_shares: 128',
      '      healthcheck: {interval: 20, timeout: 3s}',
      '      secrets: [{name: DB_PASSWORD, value_from: /app/db}]',
      '      init_process_enabled: true',
      '    migrate:',
      '      essential: false',
      '      depends_on: []',
      '',
    ].join('\n'));
    expect(p.errors).toEqual([]);
    const web = p.plan!.containers[0];
    expect(web).toMatchObject({
      essential: true,
      memoryLimitMiB: 256,
      cpu: 128,
      initProcessEnabled: true,
      healthCheck: { command: ['CMD', 'curl', '-f', 'localhost'], intervalSeconds: 20, timeoutSeconds: 3, retries: 2 },
      dependsOn: [{ container: 'migrate', condition: 'START' }],
    });
    expect(web.secrets.map(s => s.valueFrom)).toEqual(['/app/db']);
    expect(p.plan!.containers[1].essential).toBe(false);
    expect(p.plan!.secretsToRead).toEqual(['/app/db']);
  });

  test('an ecs-params service the compose file lacks is an error (a typo must not pass unseen)', () => {
    expect(plan(TWO, 'version: 1\ntask_definition:\n  services:\n    wbe:\n      essential: false\n').errors).toEqual([
      'ecs-params.yml: task_definition.services.wbe: no compose service named "wbe": the compose file defines web, worker',
    ]);
  });

  test('at least one container must be essential', () => {
    expect(plan(TWO, 'version: 1\ntask_definition:\n  services:\n    web: {essential: false}\n    worker: {essential: false}\n').errors).toEqual([
      'ecs-params.yml: task_definition.services: every container is marked essential: false (web, worker): at least one must be essential',
    ]);
  });

  test('dependencies are checked: target, HEALTHY needs a health check, SUCCESS a non-essential target, no cycles', () => {
    expect(plan(TWO, 'version: 1\ntask_definition:\n  services:\n    web:\n      depends_on: [{container_name: worker, condition: HEALTHY}, {container_name: db}]\n').errors).toEqual([
      'ecs-params.yml: task_definition.services.web.depends_on.0: the HEALTHY condition needs a health check on worker, which has none',
      'ecs-params.yml: task_definition.services.web.depends_on.1: no service "db" to depend on: the services are web, worker',
    ]);
    expect(plan(TWO, 'version: 1\ntask_definition:\n  services:\n    web:\n      depends_on: [{container_name: worker, condition: SUCCESS}]\n    worker: {essential: true}\n').errors[0])
      .toMatch(/the SUCCESS condition waits for worker to exit, so worker must not be essential/);
    expect(plan('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n').errors)
      .toEqual(['docker-compose.yml: services.a.depends_on.0: the containers depend on each other in a cycle: a -> b -> a']);
  });

  test('a service others wait on to finish is not essential unless ecs-params says so', () => {
    const p = plan('services:\n  web:\n    image: x\n    depends_on: {migrate: {condition: service_completed_successfully}}\n  migrate:\n    image: x\n');
    expect(p.errors).toEqual([]);
    expect(p.plan!.containers.map(c => [c.name, c.essential])).toEqual([['web', true], ['migrate', false]]);
  });

  test('a dependency with required: false on a missing service is dropped', () => {
    const p = plan('services:\n  web:\n    image: x\n    depends_on: {cache: {condition: service_started, required: false}}\n');
    expect(p.errors).toEqual([]);
    expect(p.plan!.containers[0].dependsOn).toEqual([]);
  });


  test('compose depends_on conditions map to ECS conditions', () => {
    const p = plan([
      'services:',
      '  web:',
      '    image: x',
      '    depends_on:',
      '      db: {condition: service_healthy}',
      '      migrate: {condition: service_completed_successfully}',
      '  db:',
      '    image: postgres',
      '    healthcheck: {test: pg_isready}',
      '  migrate:',
      '    image: x',
    ].join('\n'), 'version: 1\ntask_definition:\n  services:\n    migrate: {essential: false}\n');
    expect(p.errors).toEqual([]);
    expect(p.plan!.containers[0].dependsOn).toEqual([{ container: 'db', condition: 'HEALTHY' }, { container: 'migrate', condition: 'SUCCESS' }]);
  });

  test('mem_limit below mem_reservation is an error', () => {
    expect(plan('version: "2"\nservices:\n  web:\n    image: x\n    mem_limit: 256m\n    mem_reservation: 512m\n').errors).toEqual([
      'docker-compose.yml: services.web.mem_limit: the memory limit (256 MiB) is below the reservation (512 MiB): mem_limit must be greater than or equal to mem_reservation',
    ]);
  });

  test('a health check with no command anywhere is an error', () => {
    expect(plan('services:\n  web:\n    image: x\n    healthcheck: {interval: 10s}\n').errors).toEqual([
      'docker-compose.yml: services.web.healthcheck: a health check needs a command: give "test" (ECS does not read the image\'s HEALTHCHECK)',
    ]);
  });
});

describe('logging', () => {
  test('no logging: an awslogs group per container, prefix = service name', () => {
    const p = plan(TWO).plan!;
    expect(p.logGroups).toEqual([
      { key: 'container:web', name: undefined, containers: ['web'] },
      { key: 'container:worker', name: undefined, containers: ['worker'] },
    ]);
    expect(p.containers[0].logging).toMatchObject({ kind: 'awslogs', streamPrefix: 'web' });
  });
  test('containers naming the same group share it; a missing prefix defaults to the service name', () => {
    const p = plan('services:\n  a:\n    image: x\n    logging: {driver: awslogs, options: {awslogs-group: app}}\n  b:\n    image: x\n    logging: {driver: awslogs, options: {awslogs-group: app, awslogs-stream-prefix: bee}}\n').plan!;
    expect(p.logGroups).toEqual([{ key: 'app', name: 'app', containers: ['a', 'b'] }]);
    expect(p.containers.map(c => c.logging.kind === 'awslogs' && c.logging.streamPrefix)).toEqual(['a', 'bee']);
  });
  test('a driver Fargate lacks falls back to awslogs with a warning', () => {
    const compose = ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    mem_limit: 512m\n    logging: {driver: json-file, options: {max-size: 10m}}\n', { variables: {} })._model;
    const cp = new Problems();
    const p = planTask({ compose, family: 'f' }, cp, new Problems())!;
    expect(p.containers[0].logging).toMatchObject({ kind: 'awslogs' });
    expect(cp.warnings.map(w => w.id)).toEqual(['log-driver']);
  });
  test('awslogs-region is not used when the construct creates the group: a warning says so', () => {
    const compose = ComposeDefinition.fromYaml('services:\n  a:\n    image: x\n    mem_limit: 512m\n    logging: {driver: awslogs, options: {awslogs-region: us-west-1}}\n', { variables: {} })._model;
    const cp = new Problems();
    const p = planTask({ compose, family: 'f', region: 'eu-west-1' }, cp, new Problems())!;
    expect(cp.errors).toEqual([]);
    expect(p.containers[0].logging).toMatchObject({ kind: 'awslogs', region: undefined });
    expect(cp.warnings.map(w => `${w.id}: ${w.message}`)).toEqual([
      'log-region: "us-west-1" is not used: the construct creates the log group in the stack\'s region (eu-west-1), and the containers log there; to log to a group that exists in us-west-1, set createLogGroups: false',
    ]);
  });
});
