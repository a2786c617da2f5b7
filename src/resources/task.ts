/**
 * Build one task definition from its plan: containers, volumes, log groups, the init container
 * that writes compose secrets and configs to files, and the task role's grants. Only resources
 * here: every decision and user error was settled while planning.
 */
import { ArnFormat, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ecr_assets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct, IDependable } from 'constructs';
import { containerImage } from './images';
import { NamedLogGroup } from './log-groups';
import { DeploymentStorage } from './storage';
import { constructId, dict } from '../private/dict';
import { ContainerPlan, FILE_INIT_IMAGE, LogGroupPlan, portMappingName, TaskPlan } from '../private/plan/model';
import { ValueFromSecret } from '../private/value-from-secret';

/**
 * The log groups of a deployment. Groups the compose file names are made once (in `namedScope`),
 * however many tasks log to them; the others once per container, in the task's scope.
 */
export class LogGroupRegistry {
  /** Every group made, in order (the named ones as they are made: see NamedLogGroup). */
  public readonly created: logs.ILogGroup[] = [];
  private readonly named = new Map<string, NamedLogGroup>();

  /**
   * @param namedScope where the groups the compose file names are made
   * @param retention how long every group keeps its events
   * @param createNamed false: the named groups exist already (ecs-cli without --create-log-groups)
   */
  constructor(private readonly namedScope: Construct, public readonly retention: logs.RetentionDays, private readonly createNamed: boolean) {}

  /** The group of a plan, and what the task definition waits for; undefined for a named group that exists already. */
  public groupFor(scope: Construct, g: LogGroupPlan): { group: logs.ILogGroup; ready: IDependable } | undefined {
    if (g.name === undefined) {
      const group = this.create(scope, `${g.containers[0]}LogGroup`);
      return { group, ready: group };
    }
    if (!this.createNamed) return undefined;
    let named = this.named.get(g.name);
    if (!named) {
      named = new NamedLogGroup(this.namedScope, `${g.containers[0]}LogGroup`, { logGroupName: g.name, retention: this.retention });
      this.named.set(g.name, named);
      this.created.push(named.logGroup);
    }
    return { group: named.logGroup, ready: named };
  }

  /** A group the construct names. */
  public create(scope: Construct, id: string): logs.LogGroup {
    const group = new logs.LogGroup(scope, id, { retention: this.retention });
    this.created.push(group);
    return group;
  }
}

export interface TaskBuildOptions {
  readonly executionRole: iam.IRole;
  /** The task role named in ecs-params; undefined: the task definition makes one. */
  readonly taskRole?: iam.IRole;
  readonly logGroups: LogGroupRegistry;
  /** Name every port mapping (Service Connect needs the names). */
  readonly namePorts: boolean;
  /** The EFS file systems of named volumes and the secrets of project secrets. */
  readonly storage: DeploymentStorage;
}

/** A task definition made from a plan, with its containers by compose service name. */
export class BuiltTask {
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly containers = new Map<string, ecs.ContainerDefinition>();
  /** The ARNs of the log groups the containers write to (for ECS Exec's session logs). */
  public readonly logGroupArns: string[] = [];
  private readonly platform: ecr_assets.Platform;

  constructor(private readonly scope: Construct, private readonly task: TaskPlan, private readonly options: TaskBuildOptions) {
    this.taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
      family: task.family,
      cpu: task.cpu,
      memoryLimitMiB: task.memoryMiB,
      executionRole: options.executionRole,
      taskRole: options.taskRole,
      pidMode: task.pidMode ? ecs.PidMode.TASK : undefined,
      // The task says what it runs on, and its images are built for it (not for the machine that runs cdk deploy).
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: task.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
      },
    });
    const taskRole = this.taskDefinition.taskRole;
    this.platform = task.cpuArchitecture === 'ARM64' ? ecr_assets.Platform.LINUX_ARM64 : ecr_assets.Platform.LINUX_AMD64;
    task.taskRolePolicies.forEach((doc, i) => {
      new iam.Policy(scope, `TaskRolePolicy${i}`, { document: iam.PolicyDocument.fromJson(doc), roles: [taskRole] });
    });
    task.taskRoleManagedPolicies.forEach((arn, i) => {
      taskRole.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(scope, `ManagedPolicy${i}`, arn));
    });
    for (const v of task.volumes) {
      const managed = v.managedEfs ? options.storage.fileSystemFor(v.managedEfs.volume) : undefined;
      this.taskDefinition.addVolume({
        name: v.name,
        efsVolumeConfiguration: managed ? {
          fileSystemId: managed.fileSystem.fileSystemId,
          transitEncryption: 'ENABLED',
          authorizationConfig: { accessPointId: managed.accessPoint?.accessPointId, iam: 'ENABLED' },
        } : v.efs ? {
          fileSystemId: v.efs.fileSystemId,
          rootDirectory: v.efs.rootDirectory,
          transitEncryption: v.efs.transitEncryption === undefined ? undefined : v.efs.transitEncryption ? 'ENABLED' : 'DISABLED',
          transitEncryptionPort: v.efs.transitEncryptionPort,
          authorizationConfig: v.efs.accessPointId !== undefined || v.efs.iam !== undefined ? {
            accessPointId: v.efs.accessPointId,
            iam: v.efs.iam === undefined ? undefined : v.efs.iam ? 'ENABLED' : 'DISABLED',
          } : undefined,
        } : undefined,
      });
    }
    for (const g of task.efsGrants) {
      this.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
        actions: g.write ? ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'] : ['elasticfilesystem:ClientMount'],
        resources: [Stack.of(scope).formatArn({ service: 'elasticfilesystem', resource: 'file-system', resourceName: g.fileSystemId })],
      }));
    }

    // The FireLens log router writes the awsfirelens containers' logs to CloudWatch as the task role.
    for (const g of task.firelensLogGrants) {
      const arn = (resourceName: string) => Stack.of(scope).formatArn({
        service: 'logs', resource: 'log-group', resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME, region: g.region,
      });
      this.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
        actions: g.actions,
        resources: [arn(g.logGroupName), arn(`${g.logGroupName}:*`)],
      }));
    }

    for (const g of task.managedEfsGrants) {
      const { fileSystem } = options.storage.fileSystemFor(g.volume);
      fileSystem.grant(taskRole, ...['elasticfilesystem:ClientMount', ...(g.write ? ['elasticfilesystem:ClientWrite'] : []), ...(g.root ? ['elasticfilesystem:ClientRootAccess'] : [])]);
    }

    // Log groups: one per awslogs group name; containers without logging get one each.
    const groups = new Map<string, logs.ILogGroup>();
    for (const g of task.logGroups) {
      const made = options.logGroups.groupFor(scope, g);
      if (!made) {
        // It exists already, in the region the file names.
        const logging = task.containers.find(c => c.logging.kind === 'awslogs' && c.logging.group === g.key)?.logging;
        const region = logging?.kind === 'awslogs' ? logging.region : undefined;
        this.logGroupArns.push(Stack.of(scope).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: `${g.name}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          region,
        }));
        continue;
      }
      this.logGroupArns.push(made.group.logGroupArn);
      groups.set(g.key, made.group);
      if (g.name !== undefined) {
        // Containers name their log group as the compose file wrote it; the task definition waits for it,
        // and the execution role may write that group (as awsLogDriver grants; an imported role is not changed).
        this.taskDefinition.node.addDependency(made.ready);
        made.group.grantWrite(this.taskDefinition.obtainExecutionRole());
      }
    }

    for (const c of task.containers) this.containers.set(c.name, this.addContainer(c, groups));
    for (const c of task.containers) {
      for (const d of c.dependsOn) {
        this.containers.get(c.name)!.addContainerDependencies({
          container: this.containers.get(d.container)!,
          condition: ecs.ContainerDependencyCondition[d.condition],
        });
      }
    }
    if (task.fileInit) this.addFileInit();
  }

  /**
   * The init container that writes compose secrets and configs to files: ECS reads each from
   * Secrets Manager or SSM into its environment, it writes them into the volumes the services
   * mount, and exits; the services start after it succeeded.
   */
  private addFileInit() {
    const init = this.task.fileInit!;
    const secrets: Record<string, ecs.Secret> = {};
    const script = ['set -e'];
    init.files.forEach((f, i) => {
      const env = `COMPOSE_FILE_${i}`;
      secrets[env] = f.store === 'generated'
        ? ecs.Secret.fromSecretsManager(this.options.storage.secretFor(f.name))
        : f.store === 'ssm' || f.name.startsWith('arn:')
          ? new ValueFromSecret(Stack.of(this.scope), f.name)
          : ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(this.scope, `FileSecret${i}`, f.name));
      const file = `${init.mountRoot}/${f.volume}/${f.fileName}`;
      script.push(`printf '%s' "$${env}" > '${file}'`, `chmod ${f.mode} '${file}'`);
      if (f.uid !== undefined || f.gid !== undefined) script.push(`chown ${f.uid ?? ''}${f.gid !== undefined ? `:${f.gid}` : ''} '${file}'`);
    });
    const group = this.options.logGroups.create(this.scope, 'FilesInitLogGroup');
    this.logGroupArns.push(group.logGroupArn);
    const container = this.taskDefinition.addContainer(init.containerName, {
      containerName: init.containerName,
      image: ecs.ContainerImage.fromRegistry(FILE_INIT_IMAGE),
      essential: false,
      entryPoint: ['sh', '-c'],
      command: [script.join(' && ')],
      secrets,
      logging: awslogs(group.logGroupName, Stack.of(this.scope).region, init.containerName, {}),
    });
    const volumes = [...new Set(init.files.map(f => f.volume))];
    container.addMountPoints(...volumes.map(v => ({ sourceVolume: v, containerPath: `${init.mountRoot}/${v}`, readOnly: false })));
    for (const c of this.task.containers) {
      if (c.mountPoints.some(m => volumes.includes(m.volume))) {
        this.containers.get(c.name)!.addContainerDependencies({ container, condition: ecs.ContainerDependencyCondition.SUCCESS });
      }
    }
  }

  private addContainer(c: ContainerPlan, groups: Map<string, logs.ILogGroup>): ecs.ContainerDefinition {
    const scope = this.scope;
    const stack = Stack.of(scope);
    const namePorts = this.options.namePorts;
    const logSecrets = dict<ecs.Secret>();
    for (const s of c.logSecretOptions) logSecrets[s.name] = new ValueFromSecret(stack, s.valueFrom);
    const secretOptions = c.logSecretOptions.length > 0 ? logSecrets : undefined;
    let logging: ecs.LogDriver;
    if (c.logging.kind === 'awslogs') {
      const group = c.logging.groupName ?? groups.get(c.logging.group)!.logGroupName;
      logging = awslogs(group, c.logging.region ?? stack.region, c.logging.streamPrefix, c.logging.options, secretOptions);
    } else {
      logging = new ecs.GenericLogDriver({ logDriver: c.logging.driver, options: c.logging.options, secretOptions });
    }
    const secrets = dict<ecs.Secret>();
    for (const s of c.secrets) secrets[s.name] = new ValueFromSecret(stack, s.valueFrom);
    let linuxParameters: ecs.LinuxParameters | undefined;
    if (c.initProcessEnabled || c.capAdd.length > 0 || c.capDrop.length > 0 || c.tmpfs.length > 0) {
      linuxParameters = new ecs.LinuxParameters(scope, `${c.name}LinuxParameters`, { initProcessEnabled: c.initProcessEnabled || undefined });
      linuxParameters.addCapabilities(...c.capAdd.map(x => x as ecs.Capability));
      linuxParameters.dropCapabilities(...c.capDrop.map(x => x as ecs.Capability));
      linuxParameters.addTmpfs(...c.tmpfs.map(t => ({
        containerPath: t.containerPath,
        size: t.sizeMiB,
        mountOptions: t.mountOptions.length > 0 ? t.mountOptions.map(o => o as ecs.TmpfsMountOption) : undefined,
      })));
    }
    const environment = dict<string>();
    for (const e of c.environment) environment[e.name] = literal(e.value);

    const options: ecs.ContainerDefinitionOptions = {
      containerName: c.name,
      image: containerImage(scope, c, this.platform),
      essential: c.essential,
      cpu: c.cpu,
      memoryLimitMiB: c.memoryLimitMiB,
      memoryReservationMiB: c.memoryReservationMiB,
      portMappings: c.portMappings.map(p => p.containerPort === p.containerPortEnd
        ? {
          containerPort: p.containerPort,
          hostPort: p.containerPort,
          protocol: protocol(p.protocol),
          name: namePorts ? portMappingName(c.name, p) : p.name,
          appProtocol: namePorts ? appProtocol(p.appProtocol) : undefined,
        }
        : { containerPort: ecs.ContainerDefinition.CONTAINER_PORT_USE_RANGE, containerPortRange: `${p.containerPort}-${p.containerPortEnd}`, protocol: protocol(p.protocol), name: p.name }),
      environment: c.environment.length > 0 ? environment : undefined,
      secrets: c.secrets.length > 0 ? secrets : undefined,
      command: c.command?.map(literal),
      entryPoint: c.entryPoint?.map(literal),
      workingDirectory: c.workingDirectory,
      user: c.user,
      dockerLabels: Object.keys(c.dockerLabels).length > 0 ? c.dockerLabels : undefined,
      readonlyRootFilesystem: c.readonlyRootFilesystem,
      pseudoTerminal: c.pseudoTerminal,
      interactive: c.interactive,
      linuxParameters,
      systemControls: c.sysctls.length > 0 ? c.sysctls.map(x => ({ namespace: x.name, value: x.value })) : undefined,
      stopTimeout: c.stopTimeoutSeconds !== undefined ? Duration.seconds(c.stopTimeoutSeconds) : undefined,
      healthCheck: c.healthCheck ? {
        command: c.healthCheck.command.map(literal),
        interval: seconds(c.healthCheck.intervalSeconds),
        timeout: seconds(c.healthCheck.timeoutSeconds),
        retries: c.healthCheck.retries,
        startPeriod: seconds(c.healthCheck.startPeriodSeconds),
      } : undefined,
      logging,
      ulimits: c.ulimits.length > 0
        ? c.ulimits.map(u => ({ name: u.name as ecs.UlimitName, softLimit: u.soft, hardLimit: u.hard }))
        : undefined,
    };
    // A service with ecs-params firelens_configuration, or the router the plan adds, is the task's log router (ECS allows one).
    const container = c.firelens
      ? this.taskDefinition.addFirelensLogRouter(constructId(c.name), { ...options, firelensConfig: firelensConfig(c.firelens) })
      : this.taskDefinition.addContainer(constructId(c.name), options);
    container.addMountPoints(...c.mountPoints.map(m => ({ sourceVolume: m.volume, containerPath: m.containerPath, readOnly: m.readOnly })));
    container.addVolumesFrom(...c.volumesFrom.map(v => ({ sourceContainer: v.container, readOnly: v.readOnly })));
    return container;
  }
}

/**
 * An awslogs driver with the region as written (not always the stack's). No grant: the
 * execution role's AmazonECSTaskExecutionRolePolicy covers writing logs, and an imported role
 * is never changed.
 */
function awslogs(group: string, region: string, streamPrefix: string, options: Record<string, string>, secretOptions?: Record<string, ecs.Secret>) {
  return new ecs.GenericLogDriver({
    logDriver: 'awslogs',
    options: { 'awslogs-group': group, 'awslogs-region': region, 'awslogs-stream-prefix': streamPrefix, ...options },
    secretOptions,
  });
}

/**
 * A string the container must get exactly as written. CloudFormation reads `${Name}` in a template
 * as a reference (`pg_isready -U $${POSTGRES_USER}` in compose is `${POSTGRES_USER}` for the
 * container's shell): such a string is written as an Fn::Sub whose `${!Name}` renders `${Name}`.
 */
function literal(text: string): string {
  if (!text.includes('${') || Token.isUnresolved(text)) return text;
  return Fn.sub(text.replace(/\$\{/g, '${!'));
}

function firelensConfig(f: NonNullable<ContainerPlan['firelens']>): ecs.FirelensConfig {
  const o = f.options;
  return {
    type: f.type === 'fluentd' ? ecs.FirelensLogRouterType.FLUENTD : ecs.FirelensLogRouterType.FLUENTBIT,
    options: Object.keys(o).length === 0 ? undefined : {
      enableECSLogMetadata: o['enable-ecs-log-metadata'] === undefined ? undefined : o['enable-ecs-log-metadata'] === 'true',
      configFileType: o['config-file-type'] === undefined ? undefined : ecs.FirelensConfigFileType.FILE,
      configFileValue: o['config-file-value'],
    },
  };
}

function appProtocol(p: string | undefined): ecs.AppProtocol | undefined {
  switch (p) {
    case 'http': return ecs.AppProtocol.http;
    case 'http2': return ecs.AppProtocol.http2;
    case 'grpc': return ecs.AppProtocol.grpc;
    default: return undefined;
  }
}

function protocol(p: 'tcp' | 'udp'): ecs.Protocol {
  return p === 'udp' ? ecs.Protocol.UDP : ecs.Protocol.TCP;
}

function seconds(n: number | undefined): Duration | undefined {
  return n === undefined ? undefined : Duration.seconds(n);
}

/**
 * ECS Exec: the session logs go to the containers' own log groups (the DEFAULT logging of ECS
 * Exec), so the task role may write exactly there. `logs:DescribeLogGroups` takes no resource, and
 * ssmmessages (added by the service) neither. Call before the service is created: it turns off
 * aws-cdk-lib's statements on every log group (`@aws-cdk/aws-ecs:reduceEc2FargateCloudWatchPermissions`).
 */
export function scopeExecuteCommandLogs(scope: Construct): void {
  scope.node.setContext(cxapi.REDUCE_EC2_FARGATE_CLOUDWATCH_PERMISSIONS, true);
}

/** Let the task role write ECS Exec session logs to the task's log groups only. */
export function grantExecuteCommandLogs(built: BuiltTask): void {
  built.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: ['*'] }));
  built.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
    resources: [...new Set(built.logGroupArns)],
  }));
}
