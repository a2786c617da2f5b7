/**
 * Where a task's containers log: awslogs groups (one per container, or one the compose file names),
 * other log drivers, and the FireLens log router and its grants for awsfirelens containers.
 */
import { dict } from '../dict';
import { ComposeModel, EcsParamsModel, ServiceModel } from '../model';
import { Problems, quote } from '../problems';
import { AWSLOGS_OPTIONS, ContainerPlan, FARGATE_LOG_DRIVERS, FirelensLogGrantPlan, LOG_ROUTER_IMAGE, LOG_ROUTER_MEMORY_MIB, LogGroupPlan, LogPlan } from './model';

/** A container's logging: compose `logging` (awslogs into its own group or the one it names; another Fargate driver as written), else awslogs. */
export function planLogging(
  svc: ServiceModel, problems: Problems, groups: Map<string, LogGroupPlan>, stackRegion: string | undefined, createGroups: boolean,
): LogPlan {
  const newGroup = (name: string | undefined): string => {
    const key = name ?? `container:${svc.name}`;
    const g = groups.get(key);
    if (g) g.containers.push(svc.name);
    else groups.set(key, { key, name, containers: [svc.name] });
    return key;
  };
  const logging = svc.logging;
  if (!logging || !FARGATE_LOG_DRIVERS.includes(logging.driver)) {
    if (logging) {
      problems.warn('log-driver', [...logging.path, 'driver'], `the ${quote(logging.driver)} log driver is not available on Fargate (allowed: ${FARGATE_LOG_DRIVERS.join(', ')}): the container logs to CloudWatch Logs (awslogs) instead`);
    }
    return { kind: 'awslogs', group: newGroup(undefined), streamPrefix: svc.name, options: {} };
  }
  if (logging.driver !== 'awslogs') {
    return { kind: 'driver', driver: logging.driver, options: logging.options };
  }
  const options = dict<string>();
  for (const [k, v] of Object.entries(logging.options)) {
    if (!AWSLOGS_OPTIONS.includes(k)) {
      problems.error([...logging.path, 'options', k], `unknown awslogs option: allowed are ${AWSLOGS_OPTIONS.join(', ')}`);
    } else if (!['awslogs-group', 'awslogs-region', 'awslogs-stream-prefix'].includes(k)) {
      options[k] = v;
    }
  }
  const name = logging.options['awslogs-group'];
  if (name !== undefined && !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name) && !name.includes('${Token[')) {
    problems.error([...logging.path, 'options', 'awslogs-group'], `${quote(name)} is not a valid log group name: use letters, digits and . - _ / # (up to 512)`);
  }
  // Logs go where the log group is: a group the construct creates is in the stack's region, so the
  // containers log there; a group that exists already (createLogGroups: false) is where the file says.
  let region: string | undefined = logging.options['awslogs-region'];
  if (region !== undefined && (createGroups || name === undefined) && region !== stackRegion) {
    problems.warn('log-region', [...logging.path, 'options', 'awslogs-region'],
      `${quote(region)} is not used: the construct creates the log group in the stack's region${stackRegion !== undefined ? ` (${stackRegion})` : ''}, and the containers log there; `
      + `to log to a group that exists in ${region}, set createLogGroups: false`);
    region = undefined;
  }
  return {
    kind: 'awslogs',
    group: newGroup(name),
    groupName: name,
    region,
    streamPrefix: logging.options['awslogs-stream-prefix'] ?? svc.name,
    options,
  };
}

/**
 * awsfirelens logging needs a FireLens log router in the task. When no service is one (ecs-params
 * firelens_configuration), the plan adds one, as Compose-X does: AWS for Fluent Bit, essential,
 * logging to a log group of its own (so its own problems are visible), and the awsfirelens
 * containers start after it. Returns the log groups the router writes to for CloudWatch outputs.
 */
export function planLogRouter(
  compose: ComposeModel, params: EcsParamsModel | undefined, containers: ContainerPlan[], groups: Map<string, LogGroupPlan>, problems: Problems,
): FirelensLogGrantPlan[] {
  const users = compose.services.filter(svc => svc.logging?.driver === 'awsfirelens');
  if (users.length === 0) return [];
  const grants = users.flatMap(svc => firelensLogGrant(svc.logging!.options));
  const inTask = new Set(compose.services.map(x => x.name));
  if ((params?.services ?? []).some(p => p.firelens && inTask.has(p.name))) return grants;
  let name = 'log_router';
  for (let i = 2; containers.some(c => c.name === name); i++) name = `log_router_${i}`;
  const key = `container:${name}`;
  groups.set(key, { key, containers: [name] });
  containers.push({
    name,
    mountPoints: [],
    volumesFrom: [],
    capAdd: [],
    capDrop: [],
    sysctls: [],
    tmpfs: [],
    firelens: { type: 'fluentbit', options: { 'enable-ecs-log-metadata': 'true' } },
    addedLogRouter: true,
    logSecretOptions: [],
    image: LOG_ROUTER_IMAGE,
    projectFiles: [],
    essential: true,
    memoryReservationMiB: LOG_ROUTER_MEMORY_MIB,
    portMappings: [],
    environment: [],
    secrets: [],
    dockerLabels: {},
    ulimits: [],
    logging: { kind: 'awslogs', group: key, streamPrefix: name, options: {} },
    dependsOn: [],
  });
  for (const c of containers) {
    if (users.some(u => u.name === c.name) && !c.dependsOn.some(d => d.container === name)) c.dependsOn.push({ container: name, condition: 'START' });
  }
  const names = users.map(u => u.name).join(', ');
  problems.warn('log-router-added', [...users[0].logging!.path, 'driver'],
    `the awsfirelens log driver sends the logs of ${names} through a FireLens log router, and no service is one: a container ${name} (${LOG_ROUTER_IMAGE}, ${LOG_ROUTER_MEMORY_MIB} MiB reserved) is added to the task, logging to a log group of its own; to run your own router, give one service firelens_configuration in ecs-params`);
  return grants;
}

/** What the task role needs for the CloudWatch Logs output of awsfirelens options, when they name one. */
export function firelensLogGrant(options: Record<string, string>): FirelensLogGrantPlan[] {
  // Fluent Bit reads its keys in any case.
  const opt = (key: string) => Object.entries(options).find(([k]) => k.toLowerCase() === key)?.[1];
  const output = opt('name');
  if (output !== 'cloudwatch' && output !== 'cloudwatch_logs') return [];
  const group = opt('log_group_name');
  if (group === undefined || group === '') return [];
  const yes = (v: string | undefined) => v !== undefined && /^(true|on|yes)$/i.test(v);
  const retention = opt('log_retention_days');
  return [{
    logGroupName: group.replace(/\$\([^)]*\)/g, '*'),
    region: opt('region'),
    actions: [
      ...(yes(opt('auto_create_group')) ? ['logs:CreateLogGroup'] : []),
      'logs:CreateLogStream',
      // The Go plugin (cloudwatch) looks its streams up; the C one (cloudwatch_logs) does not.
      ...(output === 'cloudwatch' ? ['logs:DescribeLogStreams'] : []),
      'logs:PutLogEvents',
      ...(retention !== undefined && Number(retention) > 0 ? ['logs:PutRetentionPolicy'] : []),
    ],
  }];
}
