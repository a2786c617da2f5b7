/**
 * The plan's types: what planning decides, as data the resource builders read (a task, its
 * containers, volumes, log groups and ports), and the small facts and helpers that go with them.
 * No CDK here.
 */
import { createHash } from 'crypto';
import {
  BuildModel, ComposeModel, DependencyCondition, EcsParamsModel, EfsVolumeModel, EnvVar, NetworkParamsModel, SecretModel,
  ServiceDiscoveryModel, ServiceModel, UlimitModel,
} from '../model';
import { Protocol } from '../ports';
import { DocPath } from '../problems';
import type { EfsMountPlan, VolumeOwnerPlan } from './volume-owners';

export interface HealthCheckPlan {
  readonly command: string[];
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly retries?: number;
  readonly startPeriodSeconds?: number;
}

export type LogPlan =
  | {
    readonly kind: 'awslogs';
    /** Key of the log group in TaskPlan.logGroups. */
    readonly group: string;
    /** The group's name as the compose file wrote it, when it did. */
    readonly groupName?: string;
    readonly region?: string;
    readonly streamPrefix: string;
    /** Other awslogs options, passed through. */
    readonly options: Record<string, string>;
  }
  | { readonly kind: 'driver'; readonly driver: string; readonly options: Record<string, string> };

export interface PortMappingPlan {
  readonly containerPort: number;
  readonly containerPortEnd: number;
  readonly protocol: Protocol;
  readonly name?: string;
  /** Compose `app_protocol`. */
  readonly appProtocol?: string;
  /** Reached by other services only (compose `expose`, an image's known port): never published. */
  readonly exposed?: boolean;
  /**
   * The host port compose publishes it on, when that differs from the container port (`"8080:80"`):
   * the task opens the container port; a load balancer target listens on this port by default.
   */
  readonly hostPort?: number;
}

export interface MountPointPlan {
  readonly volume: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

export interface ContainerPlan {
  readonly name: string;
  readonly mountPoints: MountPointPlan[];
  readonly volumesFrom: { readonly container: string; readonly readOnly: boolean }[];
  readonly capAdd: string[];
  readonly capDrop: string[];
  readonly sysctls: { readonly name: string; readonly value: string }[];
  /** tmpfs mounts (memory-backed), sized in MiB. */
  readonly tmpfs: TmpfsPlan[];
  readonly firelens?: { readonly type: 'fluentbit' | 'fluentd'; readonly options: Record<string, string> };
  /** The FireLens log router the plan adds for awsfirelens logging (no compose service is one). */
  readonly addedLogRouter?: boolean;
  /** Secrets Manager ARN of private registry credentials. */
  readonly repositoryCredentials?: string;
  readonly logSecretOptions: SecretModel[];
  readonly image: string;
  /** Compose build: the image is a CDK asset built from this. */
  readonly build?: BuildModel;
  /** Project files mounted into the container: the image is a thin one built on `image` with them. */
  readonly projectFiles: ProjectFilePlan[];
  readonly essential: boolean;
  readonly cpu?: number;
  readonly memoryLimitMiB?: number;
  readonly memoryReservationMiB?: number;
  readonly portMappings: PortMappingPlan[];
  readonly environment: EnvVar[];
  readonly secrets: SecretModel[];
  readonly command?: string[];
  readonly entryPoint?: string[];
  readonly workingDirectory?: string;
  readonly user?: string;
  readonly dockerLabels: Record<string, string>;
  readonly readonlyRootFilesystem?: boolean;
  readonly pseudoTerminal?: boolean;
  readonly interactive?: boolean;
  readonly initProcessEnabled?: boolean;
  readonly ulimits: UlimitModel[];
  readonly stopTimeoutSeconds?: number;
  readonly healthCheck?: HealthCheckPlan;
  readonly logging: LogPlan;
  readonly dependsOn: { readonly container: string; readonly condition: DependencyCondition }[];
}

export interface TmpfsPlan {
  readonly containerPath: string;
  readonly sizeMiB: number;
  readonly mountOptions: string[];
}

export interface LogGroupPlan {
  /** Unique key; equals the name for named groups. */
  readonly key: string;
  /** The log group name from the compose file; undefined: the construct names it. */
  readonly name?: string;
  readonly containers: string[];
}

export interface IngressPlan {
  readonly fromPort: number;
  readonly toPort: number;
  readonly protocol: Protocol;
  /** Where the file opens it (`docker-compose.yml: services.db.ports[0]`), for the warnings that name it. */
  readonly at?: string;
  /** Its path in the compose file. */
  readonly path?: DocPath;
}

export interface VolumePlan {
  readonly name: string;
  /** An EFS file system named in ecs-params efs_volumes. */
  readonly efs?: EfsVolumeModel;
  /**
   * An EFS file system the construct makes for this named volume (retained, encrypted, backed up),
   * or (`existing`) one given by the `fileSystems` prop.
   */
  readonly managedEfs?: { readonly volume: string; readonly existing: boolean };
}

/** A file or folder of the project put into the container's image at its target path. */
export interface ProjectFilePlan {
  readonly target: string;
  /** Absolute path of the file or folder to copy. */
  readonly source?: string;
  readonly isFolder: boolean;
  /** The owner the files get in the image (`user` or `user:group`): the user the service runs as, or the config's uid/gid. */
  readonly chown?: string;
  /** The mode the file gets (a config's mode); otherwise its mode on disk. */
  readonly chmod?: string;
  /** Paths in a folder that are not copied (the image's files stay there), relative to it. */
  readonly exclude?: string[];
  /** The text of the file (a compose config with content:, or a config file read at synth). */
  readonly content?: string;
}

/** A file an init container writes from a Secrets Manager secret or an SSM parameter. */
export interface InitFilePlan {
  /** `generated`: the Secrets Manager secret the construct makes for a project secret (`file:`). */
  readonly store: 'secretsmanager' | 'ssm' | 'generated';
  /** The secret's or parameter's name or ARN; for `generated`, the compose secret's key. */
  readonly name: string;
  readonly volume: string;
  readonly fileName: string;
  readonly mode: string;
  readonly uid?: string;
  readonly gid?: string;
}

export interface FileInitPlan {
  readonly containerName: string;
  readonly files: InitFilePlan[];
  /** Folder where the init container mounts each volume it writes. */
  readonly mountRoot: string;
}

export interface TaskPlan {
  readonly family: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly pidMode?: 'task';
  readonly containers: ContainerPlan[];
  readonly logGroups: LogGroupPlan[];
  readonly ingress: IngressPlan[];
  readonly desiredCount?: number;
  readonly executionRole?: string;
  readonly taskRole?: string;
  readonly network?: NetworkParamsModel;
  /** Secrets the execution role must read (valueFrom as written). */
  readonly secretsToRead: string[];
  readonly volumes: VolumePlan[];
  /**
   * The CPU architecture the task runs on and its images are built for: the compose `platform:` of its
   * services, else X86_64 (Fargate's default; an image built on an arm64 laptop would not start on it).
   */
  readonly cpuArchitecture: 'X86_64' | 'ARM64';
  /** The init container that writes compose secrets and configs to files. */
  readonly fileInit?: FileInitPlan;
  /** EFS file systems with IAM authorization: the task role may mount (and write). */
  readonly efsGrants: { readonly fileSystemId: string; readonly write: boolean }[];
  /**
   * The EFS file systems the construct makes (or the fileSystems prop gives) that the task mounts:
   * the task role may mount them, write when a container mounts them read-write, and act as root when
   * a container runs as root (the image's default user).
   */
  readonly managedEfsGrants: { readonly volume: string; readonly write: boolean; readonly root: boolean }[];
  /** The task's mounts of EFS volumes the construct makes, with the user each container runs as. */
  readonly efsMounts: EfsMountPlan[];
  /**
   * Who owns the folder of each EFS volume the construct makes (its access point creates it so): in one
   * task, from its own mounts; empty in a project's tasks, whose ProjectPlan decides over all services.
   */
  readonly volumeOwners: VolumeOwnerPlan[];
  readonly serviceDiscovery?: ServiceDiscoveryModel;
  /** Docker ECS x-aws-role documents and x-aws-policies ARNs for the task role. */
  readonly taskRolePolicies: Record<string, unknown>[];
  readonly taskRoleManagedPolicies: string[];
  /** Docker ECS deploy.x-aws-autoscaling. */
  readonly autoscaling?: { readonly min?: number; readonly max: number; readonly cpu?: number; readonly memory?: number };
  readonly minHealthyPercent?: number;
  readonly maxHealthyPercent?: number;
  readonly logRetentionDays?: number;
  /** Docker ECS x-aws-protocol values of the published ports. */
  readonly portProtocols: string[];
  /**
   * The CloudWatch Logs groups the FireLens log router writes to for awsfirelens containers
   * (`Name: cloudwatch` or `cloudwatch_logs`): the task role may write there (it is the router that calls CloudWatch).
   */
  readonly firelensLogGrants: FirelensLogGrantPlan[];
}

export interface FirelensLogGrantPlan {
  /** The log group name as the options give it; a `$(...)` template part is a wildcard. */
  readonly logGroupName: string;
  /** The region the options name; undefined: the stack's. */
  readonly region?: string;
  readonly actions: string[];
}

/** The name of a port mapping: its compose `name`, else `<container>-<port>` (Service Connect needs one). */
export function portMappingName(container: string, mapping: PortMappingPlan): string {
  if (mapping.name !== undefined) return mapping.name;
  // ECS: up to 64 lowercase letters, digits, underscores and hyphens, not starting with a hyphen.
  const suffix = `-${mapping.containerPort}${mapping.protocol === 'udp' ? '-udp' : ''}`;
  const base = container.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^-+/, '') || 'port';
  return base.length + suffix.length <= 64 ? `${base}${suffix}` : `${base.slice(0, 64 - suffix.length - 9)}-${shortHash(container)}${suffix}`;
}

/** Eight hex digits that tell long names apart after they are cut. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** The image of the init container that writes compose secrets and configs to files. */
export const FILE_INIT_IMAGE = 'public.ecr.aws/docker/library/busybox:stable';

/** The image of the FireLens log router added for awsfirelens logging: AWS for Fluent Bit, its `stable` tag. */
export const LOG_ROUTER_IMAGE = 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable';
/** The memory the added log router reserves (MiB), as AWS's FireLens examples give it. */
export const LOG_ROUTER_MEMORY_MIB = 50;

/** What planning takes from the props and the stack, the same for both constructs. */
export interface PlanSettings {
  /** The stack's region, when it is known at synth time. */
  readonly region?: string;
  /** false: the named log groups exist already (then in any region). */
  readonly createLogGroups?: boolean;
  /** Where named volumes keep their data: task storage (ecs-cli), or EFS file systems the construct makes. */
  readonly volumeStorage?: 'task' | 'efs';
  /** Named volumes that the `fileSystems` prop maps to existing EFS file systems. */
  readonly existingFileSystems?: string[];
  /** Project secrets that the `secrets` prop maps to existing Secrets Manager secrets. */
  readonly existingSecrets?: string[];
  /** The props set minHealthyPercent or maxHealthyPercent (then no stateful default: see statefulDeployment). */
  readonly percentsGiven?: boolean;
}

export interface PlanInput extends PlanSettings {
  readonly compose: ComposeModel;
  readonly ecsParams?: EcsParamsModel;
  readonly family: string;
  /** Compose services of this task that run once (not essential: their exit must not stop the task). */
  readonly runOnce?: string[];
  /** The task is one compose service's (ComposeFargateProject), not the whole file's. */
  readonly perService?: boolean;
  /**
   * Ports a container listens on for the other services that reach it by name (ComposeFargateProject):
   * a port mapping each, unless one of its published ports covers it.
   */
  readonly served?: { readonly service: string; readonly ports: number[] };
  /**
   * The compose services of the file that run in other tasks (ComposeFargateProject): `volumes_from`
   * one of them mounts its named volumes, which the project's tasks share on EFS.
   */
  readonly otherServices?: ServiceModel[];
  /** CPU units and MiB the task needs besides its containers (the Service Connect proxy). */
  readonly reserved?: { readonly cpu: number; readonly memoryMiB: number };
}

/**
 * Administrative and database ports: a published one is opened to the VPC only, never to the
 * internet (the ports AWS's CloudFormation validator calls sensitive).
 */
export const SENSITIVE_PORTS = [22, 3389, 3306, 5432, 1433, 6379, 27017];

/** Whether a port range holds a sensitive port. */
export function holdsSensitivePort(from: number, to: number): number | undefined {
  return SENSITIVE_PORTS.find(p => from <= p && p <= to);
}

/** Port ranges up to this many ports become one mapping per port. */
export const MAX_EXPANDED_PORT_RANGE = 100;

/** awslogs options ECS accepts. */
export const AWSLOGS_OPTIONS = [
  'awslogs-group', 'awslogs-region', 'awslogs-stream-prefix', 'awslogs-create-group', 'awslogs-datetime-format',
  'awslogs-multiline-pattern', 'mode', 'max-buffer-size', 'awslogs-endpoint',
];
/** Log drivers Fargate accepts besides awslogs. */
export const FARGATE_LOG_DRIVERS = ['awslogs', 'splunk', 'awsfirelens'];
