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
}

export type DependencyCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

export interface DependencyModel {
  readonly container: string;
  readonly condition: DependencyCondition;
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
  readonly stopTimeoutSeconds?: number;
  readonly workingDirectory?: string;
  readonly user?: string;
  readonly labels: Record<string, string>;
  readonly readOnly?: boolean;
  readonly tty?: boolean;
  readonly interactive?: boolean;
  readonly init?: boolean;
  readonly ulimits: UlimitModel[];
  readonly dependsOn: DependencyModel[];
  /** deploy.replicas: the desired count when no prop says otherwise. */
  readonly replicas?: number;
  /** Where each memory or cpu value came from, for messages. */
  readonly sizePaths: { memoryLimit?: DocPath; memoryReservation?: DocPath; cpu?: DocPath };
}

export interface ComposeModel {
  readonly file?: string;
  /** "1", "2", "3" or "spec" (versionless Compose Specification). */
  readonly version: '1' | '2' | '3' | 'spec';
  /** The `name:` key. */
  readonly name?: string;
  readonly services: ServiceModel[];
  readonly warnings: Warning[];
}

export interface SecretModel {
  readonly name: string;
  readonly valueFrom: string;
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
  /** pid_mode: only "task" on Fargate. */
  readonly pidMode?: 'task';
  readonly warnings: Warning[];
}
