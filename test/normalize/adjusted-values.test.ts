/**
 * Values Docker Compose takes and ECS bounds (health check timings, stop_grace_period) move to the
 * nearest value ECS takes, with a `cdk-compose-fargate:adjusted-value` warning that names the path,
 * the value given and the value used; a value ecs-params replaces is neither adjusted nor checked.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams } from '../../src';
import { ECS_HEALTHCHECK_BOUNDS, FARGATE_STOP_TIMEOUT_BOUNDS } from '../../src/private/facts/ecs-limits';
import { TaskPlan } from '../../src/private/plan/model';
import { planTask } from '../../src/private/plan/task';
import { formatProblem, Problems } from '../../src/private/problems';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'healthcheck-bounds');

function plan(composeYaml: string, paramsYaml?: string): { plan?: TaskPlan; errors: string[]; warnings: string[] } {
  const compose = ComposeDefinition.fromYaml(composeYaml, { variables: {} })._model;
  const params = paramsYaml === undefined ? undefined : EcsParams.fromYaml(paramsYaml, { variables: {} })._model;
  const cp = new Problems('docker-compose.yml');
  const pp = new Problems('ecs-params.yml');
  const p = planTask({ compose, ecsParams: params, family: 'app' }, cp, pp);
  return {
    plan: p,
    errors: [...cp.errors, ...pp.errors].map(formatProblem),
    warnings: [...cp.warnings, ...pp.warnings].filter(w => w.id === 'adjusted-value').map(formatProblem),
  };
}

const hc = (lines: string) => `services:\n  db:\n    image: mysql:8.0\n    healthcheck:\n      test: ["CMD", "true"]\n${lines}`;

describe('health check timings outside ECS\'s bounds', () => {
  test('the MySQL interval of 3s becomes 5 s, with a warning naming the path, the value given and the value used', () => {
    const p = plan(hc('      interval: 3s\n      retries: 5\n      start_period: 30s\n'));
    expect(p.errors).toEqual([]);
    expect(p.plan!.containers[0].healthCheck).toEqual({ command: ['CMD', 'true'], intervalSeconds: 5, timeoutSeconds: undefined, retries: 5, startPeriodSeconds: 30 });
    expect(p.warnings).toEqual([
      'docker-compose.yml: services.db.healthcheck.interval: "3s" is below what ECS allows for a health check interval (5 to 300 s): 5 s is used',
    ]);
  });

  test('every timing moves to its nearest bound', () => {
    const p = plan(hc('      interval: 10m\n      timeout: 500ms\n      retries: 30\n      start_period: 6m\n'));
    expect(p.plan!.containers[0].healthCheck).toMatchObject({ intervalSeconds: 300, timeoutSeconds: 2, retries: 10, startPeriodSeconds: 300 });
    expect(p.warnings).toEqual([
      'docker-compose.yml: services.db.healthcheck.interval: "10m" is above what ECS allows for a health check interval (5 to 300 s): 300 s is used',
      'docker-compose.yml: services.db.healthcheck.timeout: "500ms" is below what ECS allows for a health check timeout (2 to 60 s): 2 s is used',
      'docker-compose.yml: services.db.healthcheck.retries: 30 is above what ECS allows for health check retries (1 to 10): 10 is used',
      'docker-compose.yml: services.db.healthcheck.start_period: "6m" is above what ECS allows for a health check start period (0 to 300 s): 300 s is used',
    ]);
  });

  test('values inside the bounds pass unchanged and warn nothing', () => {
    const p = plan(hc('      interval: 5s\n      timeout: 5s\n      retries: 1\n      start_period: 0s\n'));
    expect(p.plan!.containers[0].healthCheck).toMatchObject({ intervalSeconds: 5, timeoutSeconds: 5, retries: 1, startPeriodSeconds: 0 });
    expect(p.warnings).toEqual([]);
  });

  test('retries: 0 means unset (as ecs-cli read it), not 1', () => {
    expect(plan(hc('      retries: 0\n')).plan!.containers[0].healthCheck!.retries).toBeUndefined();
  });

  test('a timeout longer than the interval: the interval grows to the timeout (ECS needs timeout <= interval)', () => {
    const p = plan(hc('      interval: 10s\n      timeout: 20s\n'));
    expect(p.plan!.containers[0].healthCheck).toMatchObject({ intervalSeconds: 20, timeoutSeconds: 20 });
    expect(p.warnings).toEqual([
      'docker-compose.yml: services.db.healthcheck.interval: the interval 10 s is shorter than the timeout (20 s), and ECS needs the timeout to be at most the interval: 20 s is used',
    ]);
  });

  test('the rule holds after the bounds: interval 1s with timeout 3s is 5 s and 3 s; interval 2s with timeout 90s is 60 s and 60 s', () => {
    expect(plan(hc('      interval: 1s\n      timeout: 3s\n')).plan!.containers[0].healthCheck).toMatchObject({ intervalSeconds: 5, timeoutSeconds: 3 });
    const p = plan(hc('      interval: 2s\n      timeout: 90s\n'));
    expect(p.plan!.containers[0].healthCheck).toMatchObject({ intervalSeconds: 60, timeoutSeconds: 60 });
    expect(p.warnings).toHaveLength(3);
  });

  test('a timeout longer than ECS\'s default interval (30 s) sets the interval', () => {
    const p = plan(hc('      timeout: 45s\n'));
    expect(p.plan!.containers[0].healthCheck).toMatchObject({ intervalSeconds: 45, timeoutSeconds: 45 });
    expect(p.warnings).toEqual([
      'docker-compose.yml: services.db.healthcheck.timeout: the timeout 45 s is longer than ECS\'s default interval (30 s), and ECS needs the timeout to be at most the interval: the interval is 45 s',
    ]);
  });

  test('ecs-params healthcheck values (whole seconds) follow the same rule, reported in ecs-params', () => {
    const p = plan(hc('      interval: 10s\n'), 'version: 1\ntask_definition:\n  services:\n    db:\n      healthcheck:\n        interval: 3\n        retries: 12\n');
    expect(p.errors).toEqual([]);
    expect(p.plan!.containers[0].healthCheck).toMatchObject({ intervalSeconds: 5, retries: 10 });
    expect(p.warnings).toEqual([
      'ecs-params.yml: task_definition.services.db.healthcheck.interval: 3 s is below what ECS allows for a health check interval (5 to 300 s): 5 s is used',
      'ecs-params.yml: task_definition.services.db.healthcheck.retries: 12 is above what ECS allows for health check retries (1 to 10): 10 is used',
    ]);
  });

  test('a compose value that ecs-params replaces is not adjusted, nor warned about', () => {
    const p = plan(hc('      interval: 3s\n      timeout: 2m\n'), 'version: 1\ntask_definition:\n  services:\n    db:\n      healthcheck:\n        interval: 15s\n        timeout: 10\n');
    expect(p.plan!.containers[0].healthCheck).toMatchObject({ intervalSeconds: 15, timeoutSeconds: 10 });
    expect(p.warnings).toEqual([]);
  });

  test('property: whatever the file says, the container gets timings ECS takes, with the timeout at most the interval', () => {
    const seconds = fc.integer({ min: 0, max: 100000 });
    fc.assert(fc.property(seconds, seconds, fc.integer({ min: 0, max: 1000 }), seconds, fc.boolean(), fc.boolean(),
      (interval, timeout, retries, start, giveInterval, giveTimeout) => {
        const lines = `${giveInterval ? `      interval: ${interval}s\n` : ''}${giveTimeout ? `      timeout: ${timeout}s\n` : ''}      retries: ${retries}\n      start_period: ${start}s\n`;
        const h = plan(hc(lines)).plan!.containers[0].healthCheck!;
        const within = (v: number | undefined, [min, max]: readonly [number, number]) => v === undefined || (v >= min && v <= max);
        expect(within(h.intervalSeconds, ECS_HEALTHCHECK_BOUNDS.interval)).toBe(true);
        expect(within(h.timeoutSeconds, ECS_HEALTHCHECK_BOUNDS.timeout)).toBe(true);
        expect(within(h.retries, ECS_HEALTHCHECK_BOUNDS.retries)).toBe(true);
        expect(within(h.startPeriodSeconds, ECS_HEALTHCHECK_BOUNDS.startPeriod)).toBe(true);
        expect(h.timeoutSeconds ?? 5).toBeLessThanOrEqual(h.intervalSeconds ?? 30);
        // A value already inside the bounds is kept.
        if (giveInterval && interval >= 5 && interval <= 300 && (!giveTimeout || Math.min(Math.max(timeout, 2), 60) <= interval)) {
          expect(h.intervalSeconds).toBe(interval);
        }
      }), { numRuns: 200 });
  });
});

describe('stop_grace_period outside Fargate\'s 2-120 s', () => {
  test.each([
    ['3m', 120, '"3m" is above what ECS allows for a container\'s stop timeout on Fargate (2 to 120 s): 120 s is used'],
    ['1s', 2, '"1s" is below what ECS allows for a container\'s stop timeout on Fargate (2 to 120 s): 2 s is used'],
    ['0s', 2, '"0s" is below what ECS allows for a container\'s stop timeout on Fargate (2 to 120 s): 2 s is used'],
  ])('%s becomes %d s', (given, used, message) => {
    const p = plan(`services:\n  web:\n    image: nginx\n    stop_grace_period: ${given}\n`);
    expect(p.plan!.containers[0].stopTimeoutSeconds).toBe(used);
    expect(p.warnings).toEqual([`docker-compose.yml: services.web.stop_grace_period: ${message}`]);
  });
  test('inside the bounds: kept, no warning', () => {
    const p = plan('services:\n  web:\n    image: nginx\n    stop_grace_period: 1m30s\n');
    expect([p.plan!.containers[0].stopTimeoutSeconds, p.warnings]).toEqual([90, []]);
    expect(FARGATE_STOP_TIMEOUT_BOUNDS).toEqual([2, 120]);
  });
});

describe('a compose value overridden by ecs-params is not validated as if it were used', () => {
  const compose = 'version: "2"\nservices:\n  web:\n    image: nginx\n    mem_limit: 512\n    mem_reservation: 4m\n';
  test('compose mem_limit 512 (bytes: 0 MiB) alone is refused, saying bare numbers are bytes', () => {
    expect(plan(compose.replace('    mem_reservation: 4m\n', '')).errors).toEqual([
      'docker-compose.yml: services.web.mem_limit: 512 is 0 MiB: ECS needs at least 6 MiB for a container (a bare number is bytes: write "512m" for 512 MiB)',
    ]);
  });
  test('the same values replaced by ecs-params mem_limit and mem_reservation: no error, the ecs-params values are used', () => {
    const p = plan(compose, 'version: 1\ntask_definition:\n  services:\n    web:\n      mem_limit: 512m\n      mem_reservation: 256m\n');
    expect(p.errors).toEqual([]);
    expect(p.plan!.containers[0]).toMatchObject({ memoryLimitMiB: 512, memoryReservationMiB: 256 });
  });
  test('only the value ecs-params replaces is spared', () => {
    expect(plan(compose, 'version: 1\ntask_definition:\n  services:\n    web:\n      mem_limit: 512m\n').errors).toEqual([
      'docker-compose.yml: services.web.mem_reservation: "4m" is 4 MiB: ECS needs at least 6 MiB for a container (a bare number is bytes: write "512m" for 512 MiB)',
    ]);
  });
  test('through the construct', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromYaml(compose, { variables: {} }),
      ecsParams: EcsParams.fromYaml('version: 1\ntask_definition:\n  services:\n    web:\n      mem_limit: 512m\n      mem_reservation: 256m\n'),
    });
    const web = Object.values(validatedTemplate(stack).findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
    expect([web.Memory, web.MemoryReservation]).toEqual([512, 256]);
    expect(errorOf(() => new ComposeFargateService(new Stack(new App(), 'T'), 'App', { compose: ComposeDefinition.fromYaml(compose, { variables: {} }) })))
      .toContain('services.web.mem_limit: 512 is 0 MiB');
  });
});

function warningsOf(stack: Stack): string[] {
  const ack = ' [ack: cdk-compose-fargate:adjusted-value]';
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('is (below|above) what ECS allows|ECS needs the timeout'))
    .map(w => String(w.entry.data))
    .map(w => (w.endsWith(ack) ? w.slice(0, -ack.length) : `${w} (not cdk-compose-fargate:adjusted-value)`));
}

function healthChecks(template: Template): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const td of Object.values(template.findResources('AWS::ECS::TaskDefinition'))) {
    for (const c of td.Properties.ContainerDefinitions) out[c.Name] = { hc: c.HealthCheck, stop: c.StopTimeout };
  }
  return out;
}

const EXPECTED = {
  db: { hc: { Command: ['CMD', 'mysqladmin', 'ping', '-h', '127.0.0.1', '--silent'], Interval: 5, Retries: 5, StartPeriod: 30, Timeout: 5 }, stop: 120 },
  cache: { hc: { Command: ['CMD', 'redis-cli', 'ping'], Interval: 5, Retries: 10, Timeout: 3 }, stop: 2 },
  app: { hc: { Command: ['CMD-SHELL', 'curl -fsS http://localhost:8000/health || exit 1'], Interval: 20, Retries: 3, StartPeriod: 300, Timeout: 20 }, stop: undefined },
};

const EXPECTED_WARNINGS = [
  'docker-compose.yml: services.db.healthcheck.interval: "3s" is below what ECS allows for a health check interval (5 to 300 s): 5 s is used',
  'docker-compose.yml: services.db.stop_grace_period: "3m" is above what ECS allows for a container\'s stop timeout on Fargate (2 to 120 s): 120 s is used',
  'docker-compose.yml: services.cache.healthcheck.interval: "1s" is below what ECS allows for a health check interval (5 to 300 s): 5 s is used',
  'docker-compose.yml: services.cache.healthcheck.retries: 30 is above what ECS allows for health check retries (1 to 10): 10 is used',
  'docker-compose.yml: services.cache.stop_grace_period: "1s" is below what ECS allows for a container\'s stop timeout on Fargate (2 to 120 s): 2 s is used',
  'docker-compose.yml: services.app.healthcheck.interval: the interval 10 s is shorter than the timeout (20 s), and ECS needs the timeout to be at most the interval: 20 s is used',
  'docker-compose.yml: services.app.healthcheck.start_period: "10m" is above what ECS allows for a health check start period (0 to 300 s): 300 s is used',
];

describe('the fixture (MySQL every 3s, Redis every 1s with 30 retries, a slow app check) synthesizes in both constructs', () => {
  test('ComposeFargateService: one task, the adjusted values, one warning each', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(FIXTURE, 'docker-compose.yml'), { variables: {} }) });
    const template = validatedTemplate(stack);
    expect(healthChecks(template)).toEqual(EXPECTED);
    expect(warningsOf(stack).sort()).toEqual([...EXPECTED_WARNINGS].sort());
  });

  test('ComposeFargateProject: a task per service, the same values and warnings', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(FIXTURE, 'docker-compose.yml'), { variables: {} }) });
    const template = validatedTemplate(stack);
    expect(healthChecks(template)).toEqual(EXPECTED);
    expect(warningsOf(stack).sort()).toEqual([...EXPECTED_WARNINGS].sort());
  });
});

describe('a compose cpu value ecs-params replaces is not checked either', () => {
  const compose = 'version: "2"\nservices:\n  web:\n    image: nginx\n    cpu_shares: 200000\n';
  test('alone: more than the largest Fargate task', () => {
    expect(plan(compose).errors).toEqual(['docker-compose.yml: services.web.cpu_shares: 200000 CPU units is more than the largest Fargate task has (16384, 16 vCPU)']);
    expect(plan(compose.replace('cpu_shares: 200000', 'cpus: 20')).errors).toEqual(['docker-compose.yml: services.web.cpus: 20480 CPU units is more than the largest Fargate task has (16384, 16 vCPU)']);
  });
  test('replaced by ecs-params cpu_shares', () => {
    const p = plan(compose, 'version: 1\ntask_definition:\n  services:\n    web:\n      cpu_shares: 256\n');
    expect(p.errors).toEqual([]);
    expect(p.plan!.containers[0].cpu).toBe(256);
  });
});
