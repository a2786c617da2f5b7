/**
 * The canonical models that normalization produces from the two documents. Every short syntax
 * is gone by here: ports are numbers, memory is MiB, durations are seconds.
 */
import { PortSpec } from './ports';
import { DocPath, Warning } from './problems';

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export interface HealthCheckModel {
  /** ["CMD", ...] or ["CMD-SHELL", "..."]; undefined when only timings were given. */
  readonly command?: string[];
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly retries?: number;
  readonly startPeriodSeconds?: number;
  /** `disable: true` or `test: ["NONE"]`. */
  readonly disabled?: boolean;
  /**
   * The timings as the file wrote them (`interval: 3s`), by key: the plan moves them into ECS's
   * bounds and names what was given.
   */
  readonly written?: { readonly [key: string]: unknown };
  readonly path: DocPath;
}

export interface LoggingModel {
  readonly driver: string;
  readonly options: Record<string, string>;
  readonly path: DocPath;
}

export interface UlimitModel {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

export interface PortModel extends PortSpec {
  readonly path: DocPath;
  /** Docker ECS's `x-aws-protocol` on a long-syntax port (http, https, tcp, udp...). */
  readonly awsProtocol?: string;
}

/** Compose `build`: a CDK image asset built at deploy time. */
export interface BuildModel {
  /** Absolute path of the build context. */
  readonly context: string;
  /** The Dockerfile, relative to the context. */
  readonly dockerfile?: string;
  readonly args: Record<string, string>;
  readonly target?: string;
  /** The Dockerfile's text, read once when the file is loaded (planning reads its stages and COPYs). */
  readonly dockerfileText: string;
  /**
   * The configuration files (small text files: properties, YAML, conf, ...) the Dockerfile copies from
   * the context into the image, where other services' names may stand (`spring.datasource.url=jdbc:mysql://db:3306/app`).
   */
  readonly texts?: { readonly file: string; readonly text: string }[];
  readonly path: DocPath;
}

export type DependencyCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

export interface DependencyModel {
  readonly container: string;
  readonly condition: DependencyCondition;
  /** Compose `required: false`: a missing service is tolerated. */
  readonly required?: boolean;
  readonly path: DocPath;
}

/** A bind mount of a file or folder inside the project folder. */
export interface ProjectBindModel {
  /** Absolute path on the machine that synthesizes. */
  readonly source: string;
  /** The source as written, relative to the project folder (for messages and names). */
  readonly relative: string;
  /** What is there at synth time. */
  readonly kind: 'file' | 'dir' | 'empty-dir' | 'missing';
  /**
   * Whether Docker makes a missing source (a folder): the short syntax does; the long syntax only with
   * `bind.create_host_path: true`, else the container does not start.
   */
  readonly createHostPath: boolean;
  /** The text of the (small, text) files mounted, where other services' names may stand (`proxy_pass http://backend:8000`). */
  readonly texts: { readonly file: string; readonly text: string }[];
}

/** A service's mount of a task volume (compose `volumes`). */
export interface MountModel {
  /** The named volume; undefined for an anonymous volume or a bind mount. */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** A bind mount of project files. */
  readonly bind?: ProjectBindModel;
  readonly path: DocPath;
}

/** A compose `develop.watch` rule. */
export interface WatchModel {
  /** Absolute path on the machine that synthesizes. */
  readonly path: string;
  readonly action: string;
  readonly target?: string;
}

export interface VolumesFromModel {
  readonly container: string;
  readonly readOnly: boolean;
  readonly path: DocPath;
}

/** A compose secret or config a service mounts as a file. */
export interface FileMountModel {
  /** The top-level secrets/configs key. */
  readonly source: string;
  /** Absolute path of the file in the container. */
  readonly target: string;
  readonly uid?: string;
  readonly gid?: string;
  /** File mode, octal digits ("0444"). */
  readonly mode?: string;
  readonly path: DocPath;
}

/** A compose `tmpfs` mount (the `tmpfs` key, or a volume of type tmpfs): memory-backed, emptied when the container stops. */
export interface TmpfsModel {
  readonly target: string;
  /** The size as written: in bytes, or a percentage of the memory (the kernel's `size=50%`); undefined: not given. */
  readonly size?: { readonly bytes: number } | { readonly percent: number };
  /** Mount flags ECS passes on (noexec, nosuid, ro, ...). */
  readonly options: string[];
  readonly path: DocPath;
}

export interface SysctlModel {
  readonly name: string;
  readonly value: string;
  readonly path: DocPath;
}

export interface ServiceModel {
  readonly name: string;
  readonly path: DocPath;
  readonly image?: string;
  readonly command?: string[];
  readonly entryPoint?: string[];
  readonly environment: EnvVar[];
  readonly ports: PortModel[];
  readonly logging?: LoggingModel;
  readonly healthCheck?: HealthCheckModel;
  readonly memoryLimitMiB?: number;
  readonly memoryReservationMiB?: number;
  readonly cpu?: number;
  /** Compose `stop_grace_period`, in whole seconds, unbounded (the plan moves it into Fargate's bounds). */
  readonly stopTimeoutSeconds?: number;
  /** Where stop_grace_period is, and how the file wrote it. */
  readonly stopGracePeriod?: { readonly written: unknown; readonly path: DocPath };
  readonly workingDirectory?: string;
  readonly user?: string;
  readonly labels: Record<string, string>;
  readonly readOnly?: boolean;
  readonly tty?: boolean;
  readonly interactive?: boolean;
  readonly init?: boolean;
  readonly ulimits: UlimitModel[];
  readonly dependsOn: DependencyModel[];
  readonly volumes: MountModel[];
  readonly volumesFrom: VolumesFromModel[];
  readonly capAdd: string[];
  readonly capDrop: string[];
  readonly sysctls: SysctlModel[];
  readonly tmpfs: TmpfsModel[];
  /** Compose `platform`, as ECS's CPU architecture. */
  readonly platform?: { readonly architecture: 'X86_64' | 'ARM64'; readonly path: DocPath };
  readonly secretFiles: FileMountModel[];
  readonly configFiles: FileMountModel[];
  readonly build?: BuildModel;
  /** Docker ECS `x-aws-role`: an inline policy document for the task role. */
  readonly awsRole?: { readonly document: Record<string, unknown>; readonly path: DocPath };
  /** Docker ECS `x-aws-policies`: managed policy ARNs for the task role. */
  readonly awsPolicies: string[];
  /** Docker ECS `x-aws-pull_credentials`: a Secrets Manager ARN with registry credentials. */
  readonly awsPullCredentials?: { readonly arn: string; readonly path: DocPath };
  /** Docker ECS `deploy.x-aws-autoscaling`. */
  readonly awsAutoscaling?: { readonly min?: number; readonly max: number; readonly cpu?: number; readonly memory?: number; readonly path: DocPath };
  /**
   * Docker ECS `x-aws-min_percent` / `x-aws-max_percent` (under deploy.update_config, or deploy), or
   * what Docker computed from update_config.parallelism; where they come from.
   */
  readonly awsMinPercent?: { readonly value: number; readonly path: DocPath };
  readonly awsMaxPercent?: { readonly value: number; readonly path: DocPath };
  /** deploy.replicas: the desired count when no prop says otherwise. */
  readonly replicas?: number;
  /** Compose `develop.watch`: which bind mounts are development mounts. */
  readonly developWatch?: WatchModel[];
  /** Compose `restart` ("no", "always", "on-failure[:n]", "unless-stopped"). */
  readonly restart?: string;
  /** deploy.mode `replicated-job`: a job, which runs once. */
  readonly job?: boolean;
  /** deploy.restart_policy.condition (`none`, `on-failure`, `any`): over `restart`, as Docker Compose applies it. */
  readonly restartCondition?: string;
  /** Names the service also answers to in a project: container_name, hostname. */
  readonly containerName?: string;
  readonly hostname?: string;
  /** Compose `links`: another service, under an alias. */
  readonly links?: { readonly service: string; readonly alias: string; readonly path: DocPath }[];
  /** Compose `networks`; undefined: the default network. */
  readonly networks?: { readonly name: string; readonly aliases: string[]; readonly path: DocPath }[];
  /** Compose `expose`: ports other services reach, not published. */
  readonly expose?: { readonly containerPort: number; readonly containerPortEnd: number; readonly protocol: 'tcp' | 'udp'; readonly path: DocPath }[];
  /** Where each memory or cpu value came from, for messages. */
  readonly sizePaths: { memoryLimit?: DocPath; memoryReservation?: DocPath; cpu?: DocPath };
  /** How the file wrote the memory values, for messages. */
  readonly sizeWritten?: { memoryLimit?: unknown; memoryReservation?: unknown };
}

/** A top-level compose volume. */
export interface VolumeDeclarationModel {
  readonly name: string;
  /** `external: true`: the volume exists outside the project (ecs-params efs_volumes must define it). */
  readonly external: boolean;
  /** Options Fargate cannot honour (driver, driver_opts, labels...), by key. */
  readonly unsupported: string[];
  readonly path: DocPath;
}

/** A top-level compose secret or config: where it is stored on AWS, or what the project defines. */
export interface StoredFileModel {
  readonly key: string;
  /** The name (or ARN) of the Secrets Manager secret (secrets) or SSM parameter (configs). */
  readonly name: string;
  /**
   * Defined by the project (`file:`, `content:`, `environment:`) instead of stored on AWS. A secret's
   * value never enters the template (the construct generates one); a config's is in the image.
   */
  readonly local?: {
    readonly kind: 'file' | 'content' | 'environment';
    /** `file:`: the absolute path. */
    readonly file?: string;
    /** A config's text (`content:`, or the variable's value). */
    readonly content?: string;
  };
  readonly path: DocPath;
}

export interface ComposeModel {
  readonly file?: string;
  readonly volumes: VolumeDeclarationModel[];
  readonly secrets: StoredFileModel[];
  readonly configs: StoredFileModel[];
  /** Docker ECS `x-aws-logs_retention` (days). */
  readonly logsRetentionDays?: number;
  /** "1", "2", "3" or "spec" (versionless Compose Specification). */
  readonly version: '1' | '2' | '3' | 'spec';
  /** The `name:` key. */
  readonly name?: string;
  readonly services: ServiceModel[];
  readonly warnings: Warning[];
  /** The keys whose meaning depends on the deployment model, where the file gives them, in document order. */
  readonly deploymentKeys: DeploymentKey[];
}

/**
 * A key one task drops and ComposeFargateProject reads (restart, container_name, expose, links,
 * hostname, networks, deploy.restart_policy; the top-level networks): what the file gave, not what
 * becomes of it. `warningsBefore` says where it stands among the model's warnings.
 */
export interface DeploymentKey {
  /** The service key (`restart`, `deploy.restart_policy`), or `networks` at the top level. */
  readonly key: string;
  readonly path: DocPath;
  /** How many of the model's warnings came before it, in document order. */
  readonly warningsBefore: number;
}

export interface SecretModel {
  readonly name: string;
  readonly valueFrom: string;
  readonly path: DocPath;
}

export interface EfsVolumeModel {
  readonly name: string;
  readonly fileSystemId: string;
  readonly rootDirectory?: string;
  readonly transitEncryption?: boolean;
  readonly transitEncryptionPort?: number;
  readonly accessPointId?: string;
  readonly iam?: boolean;
  readonly path: DocPath;
}

export interface ServiceDiscoveryModel {
  readonly containerName?: string;
  readonly containerPort?: number;
  readonly privateNamespace?: { readonly id?: string; readonly name?: string; readonly vpc?: string; readonly description?: string };
  readonly publicNamespace?: { readonly id?: string; readonly name?: string };
  readonly serviceName?: string;
  readonly description?: string;
  readonly dnsType?: 'A' | 'SRV';
  readonly dnsTtl?: number;
  readonly failureThreshold?: number;
  readonly path: DocPath;
}

export interface EcsServiceParamsModel {
  readonly name: string;
  readonly path: DocPath;
  readonly essential?: boolean;
  readonly cpu?: number;
  readonly memoryLimitMiB?: number;
  readonly memoryReservationMiB?: number;
  /** Per-field overrides of the compose health check. */
  readonly healthCheck?: HealthCheckModel;
  readonly secrets: SecretModel[];
  readonly dependsOn: DependencyModel[];
  readonly initProcessEnabled?: boolean;
  readonly firelens?: { readonly type: 'fluentbit' | 'fluentd'; readonly options: Record<string, string>; readonly path: DocPath };
  /** Secrets Manager ARN of the private registry credentials. */
  readonly repositoryCredentials?: { readonly arn: string; readonly path: DocPath };
  readonly logSecretOptions: SecretModel[];
}

export interface NetworkParamsModel {
  readonly subnets: string[];
  readonly securityGroups: string[];
  readonly assignPublicIp?: boolean;
  readonly path: DocPath;
}

export interface EcsParamsModel {
  readonly file?: string;
  readonly taskExecutionRole?: string;
  readonly taskRole?: string;
  readonly taskCpu?: number;
  readonly taskMemoryMiB?: number;
  readonly services: EcsServiceParamsModel[];
  readonly network?: NetworkParamsModel;
  readonly efsVolumes: EfsVolumeModel[];
  readonly serviceDiscovery?: ServiceDiscoveryModel;
  /** pid_mode: only "task" on Fargate. */
  readonly pidMode?: 'task';
  readonly warnings: Warning[];
}
