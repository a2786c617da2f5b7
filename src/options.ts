import { Duration, TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';

/** The kind of load balancer in front of the service. */
export enum LoadBalancerType {
  /** An Application Load Balancer: HTTP and HTTPS, path and host routing. */
  APPLICATION = 'APPLICATION',
  /** A Network Load Balancer: TCP, UDP and TLS. */
  NETWORK = 'NETWORK',
}

/** A container port the load balancer sends traffic to. */
export interface LoadBalancerTarget {
  /** The compose service (container) that receives the traffic. */
  readonly service: string;

  /** The container port; the compose service must publish it. */
  readonly containerPort: number;

  /**
   * The port the load balancer listens on.
   *
   * @default - the host port the compose file publishes the container port on, when it differs
   * (`"8080:80"`: 8080; with a certificate, host port 80 stands for 443). Otherwise Application:
   * 443 with a certificate, else 80; Network: the container port.
   */
  readonly listenerPort?: number;

  /**
   * Application only: send only requests whose path matches this pattern (`/api/*`).
   *
   * @default - every path
   */
  readonly pathPattern?: string;

  /**
   * Application only: send only requests whose Host header matches (`api.example.com`).
   *
   * @default - every host
   */
  readonly hostHeader?: string;
}

/** A load balancer the construct creates in front of the service. */
export interface LoadBalancerOptions {
  /**
   * Application or Network Load Balancer.
   *
   * @default LoadBalancerType.APPLICATION (Docker's `x-aws-protocol: tcp` on every published port selects NETWORK)
   */
  readonly loadBalancerType?: LoadBalancerType;

  /**
   * Where the load balancer sends traffic.
   *
   * @default - every port the compose file publishes, one target each
   */
  readonly targets?: LoadBalancerTarget[];

  /**
   * A certificate: the load balancer serves HTTPS (Application) or TLS (Network), and an
   * Application Load Balancer redirects HTTP to HTTPS.
   *
   * @default - a DNS-validated certificate for `domainName` when `domainName` and `domainZone` are
   * given; otherwise none (HTTP / TCP only)
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The domain name of the service: an alias record in `domainZone` points it at the load balancer.
   *
   * @default - none; the load balancer's own DNS name
   */
  readonly domainName?: string;

  /**
   * The hosted zone of `domainName`.
   *
   * @default - none; required with `domainName`
   */
  readonly domainZone?: route53.IHostedZone;

  /**
   * Whether the load balancer is reachable from the internet.
   *
   * @default true
   */
  readonly publicLoadBalancer?: boolean;

  /**
   * The target groups' health check.
   *
   * @default - derived from the target container's compose healthcheck where it probes a
   * localhost URL (path, interval, timeout, retries); otherwise the load balancer's defaults
   */
  readonly healthCheck?: elbv2.HealthCheck;
}

/** A target group made elsewhere that the service registers with (ecs-cli's `--target-groups`). */
export interface ExistingTargetGroup {
  /** The target group's ARN. */
  readonly targetGroupArn: string;

  /** The compose service (container) to register. */
  readonly service: string;

  /** The container port to register. */
  readonly containerPort: number;

  /**
   * The kind of load balancer the target group belongs to.
   *
   * @default LoadBalancerType.APPLICATION
   */
  readonly loadBalancerType?: LoadBalancerType;
}

/** A scheduled change of the capacity range: scale to zero at night, back up in the morning. */
export interface ScalingSchedule {
  /** When the change happens. */
  readonly schedule: appscaling.Schedule;

  /**
   * The new minimum number of tasks (0 stops the service).
   *
   * @default - unchanged
   */
  readonly minCapacity?: number;

  /**
   * The new maximum number of tasks.
   *
   * @default - unchanged
   */
  readonly maxCapacity?: number;

  /**
   * The time zone of a cron schedule.
   *
   * @default - UTC
   */
  readonly timeZone?: TimeZone;
}

/** Service auto scaling. */
export interface AutoScalingOptions {
  /**
   * The fewest tasks (0 allowed).
   *
   * @default 1
   */
  readonly minCapacity?: number;

  /** The most tasks. */
  readonly maxCapacity: number;

  /**
   * Keep the average CPU utilization near this percentage.
   *
   * @default - no CPU target
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * Keep the average memory utilization near this percentage.
   *
   * @default - no memory target
   */
  readonly targetMemoryUtilizationPercent?: number;

  /**
   * Application Load Balancer only: keep the requests per task per minute near this number.
   *
   * @default - no request target
   */
  readonly requestsPerTarget?: number;

  /**
   * Scheduled changes of the capacity range.
   *
   * @default - none
   */
  readonly schedules?: ScalingSchedule[];

  /**
   * How long after a scale-in another may start.
   *
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * How long after a scale-out another may start.
   *
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;
}

/** ECS Service Connect: other services in the namespace reach this one by its compose service names. */
export interface ServiceConnectOptions {
  /**
   * The Cloud Map namespace (name or ARN) shared by the services that talk to each other.
   *
   * @default - the cluster's default namespace; a cluster the construct creates gets
   * `<project name>.internal`
   */
  readonly namespaceName?: string;
}

/** Where compose named volumes keep their data. */
export enum VolumeStorage {
  /** Fargate task storage: the data lives as long as the task (what ecs-cli did). */
  TASK = 'TASK',
  /**
   * An EFS file system per named volume, made by the construct: encrypted, with an access point,
   * automatic backups, retained when the stack is deleted; mounted with IAM authorization.
   */
  EFS = 'EFS',
}
