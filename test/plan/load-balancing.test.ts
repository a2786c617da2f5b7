/**
 * The load balancing plan and the ECS service plan on their own, without a stack: which ports a
 * load balancer serves by default, on which listeners, with which health checks and URL; every
 * problem of the loadBalancer, existingTargetGroups and per-service props at once, at its path;
 * and how the props of both constructs apply to each ECS service.
 */
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { ComposeDefinition, LoadBalancerOptions, LoadBalancerType } from '../../src';
import { EcsServiceCandidate, EcsServicesInput, planEcsServices } from '../../src/private/plan/ecs-service';
import {
  balancerPicture, BalanceableService, deriveHealthCheck, listenerUrl, LoadBalancingInput, planLoadBalancing, targetOwners,
} from '../../src/private/plan/load-balancing';
import { TaskPlan } from '../../src/private/plan/model';
import { planProject } from '../../src/private/plan/project';
import { planTask } from '../../src/private/plan/task';
import { formatProblem, Problems } from '../../src/private/problems';

const FILE = path.join(__dirname, '..', 'fixtures', 'plan', 'load-balancing', 'docker-compose.yml');
const compose = () => ComposeDefinition.fromFile(FILE, { variables: {} })._model;
/** Only the plan looks at it: that there is one. */
const CERTIFICATE = { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' } as unknown as acm.ICertificate;

/** The whole file as one task (ComposeFargateService), its key the project name. */
function oneTask(): BalanceableService {
  const cp = new Problems('docker-compose.yml');
  const task = planTask({ compose: compose(), family: 'shop' }, cp, new Problems());
  expect(cp.errors).toEqual([]);
  return { key: 'shop', task: task!, targetable: task!.containers.map(c => c.name) };
}

function plan(input: Partial<LoadBalancingInput>, services = [oneTask()]) {
  const problems = new Problems();
  const result = planLoadBalancing({ services, existingTargetGroups: [], hasVpc: true, ...input }, problems);
  return { result, errors: problems.errors.map(formatProblem), warnings: problems.warnings.map(w => `${w.id} ${formatProblem(w)}`) };
}

const targetsOf = (input: Partial<LoadBalancingInput>) =>
  plan(input).result!.balancer!.targets.map(t => `${t.service}:${t.containerPort} on ${t.listenerPort}/${t.protocol}`);

describe('the targets a load balancer gets without a targets list', () => {
  test('Application: every single TCP port published, on the host port compose publishes it on, else 80', () => {
    expect(targetsOf({ loadBalancer: {} })).toEqual(['proxy:80 on 8080/tcp', 'api:3000 on 80/tcp']);
  });

  test('Application with TLS: a port published on 80, or on none, is served on 443', () => {
    const { result } = plan({ loadBalancer: { certificate: CERTIFICATE, targets: [{ service: 'api', containerPort: 3000 }] } });
    expect(result!.balancer!.targets.map(t => t.listenerPort)).toEqual([443]);
    // No listener on 80: it redirects to HTTPS.
    expect(result!.balancer!.redirectHttp).toBe(true);
  });

  test('Network: UDP too, each on its host port, else the container port; no health check from the compose file', () => {
    const { result } = plan({ loadBalancer: { loadBalancerType: LoadBalancerType.NETWORK } });
    expect(result!.balancer!.targets.map(t => `${t.service}:${t.containerPort} on ${t.listenerPort}/${t.protocol}`))
      .toEqual(['proxy:80 on 8080/tcp', 'api:3000 on 3000/tcp', 'dns:53 on 53/udp']);
    expect(result!.balancer!.targets.map(t => t.derivedHealthCheck)).toEqual([undefined, undefined, undefined]);
    // TLS is for TCP listeners: UDP stays UDP.
    const tls = plan({ loadBalancer: { loadBalancerType: LoadBalancerType.NETWORK, certificate: CERTIFICATE } }).result!.balancer!;
    expect(tls.listeners.map(l => `${l.scheme}:${l.port}`)).toEqual(['tls:8080', 'tls:3000', 'udp:53']);
  });

  test('a port only exposed to the other services is not a target', () => {
    expect(targetsOf({ loadBalancer: {} })).not.toContainEqual(expect.stringMatching(/^db:/));
  });
});

describe('listeners and the URL', () => {
  const options: LoadBalancerOptions = {
    targets: [
      { service: 'proxy', containerPort: 80, listenerPort: 80, hostHeader: 'admin.example.com' },
      { service: 'api', containerPort: 3000, listenerPort: 80, pathPattern: '/api/*' },
      { service: 'proxy', containerPort: 80, listenerPort: 8443 },
    ],
  };

  test('targets that share a listener by host or path: rules, and a 404 as the default action', () => {
    const balancer = plan({ loadBalancer: options }).result!.balancer!;
    expect(balancer.listeners).toEqual([
      { scheme: 'http', port: 80, targets: [0, 1], defaultTarget: undefined },
      { scheme: 'http', port: 8443, targets: [2], defaultTarget: 2 },
    ]);
    // The URL is the listener's that answers every request.
    expect(listenerUrl(balancer.listeners[balancer.mainListener], 'shop.example.com')).toBe('http://shop.example.com:8443');
    expect(balancerPicture(plan({ loadBalancer: options }).result)!.routes.map(r => r.route)).toEqual(['admin.example.com', '/api/*', undefined]);
  });

  test('the URL names a port its scheme does not imply', () => {
    expect(listenerUrl({ scheme: 'https', port: 443, targets: [] }, 'h')).toBe('https://h');
    expect(listenerUrl({ scheme: 'http', port: 443, targets: [] }, 'h')).toBe('http://h:443');
    expect(listenerUrl({ scheme: 'tcp', port: 80, targets: [] }, 'h')).toBe('tcp://h:80');
  });

  test('a listener on an administration or database port of an internet-facing Network Load Balancer: a warning, admitted from the VPC', () => {
    const loadBalancer = { loadBalancerType: LoadBalancerType.NETWORK, targets: [{ service: 'api', containerPort: 3000, listenerPort: 5432 }] };
    const open = plan({ loadBalancer });
    expect(open.result!.balancer!.targets[0].sensitiveListener).toBe(true);
    expect(open.warnings).toEqual([expect.stringMatching(/^sensitive-port loadBalancer: listener 5432 is an administration or database port/)]);
    const internal = plan({ loadBalancer: { ...loadBalancer, publicLoadBalancer: false } });
    expect(internal.result!.balancer!.targets[0].sensitiveListener).toBe(true);
    expect(internal.warnings).toEqual([]);
  });
});

describe('the health check from the compose healthcheck', () => {
  const task = () => oneTask().task;
  const container = (t: TaskPlan, name: string) => t.containers.find(c => c.name === name)!;

  test('a probe of a localhost URL on the target port: its path, times and retries', () => {
    expect(deriveHealthCheck(container(task(), 'proxy'), 80)).toEqual({ path: '/health', intervalSeconds: 30, timeoutSeconds: 5, unhealthyThresholdCount: 3 });
  });

  test('a timeout not below the interval and a single retry are left to the load balancer', () => {
    expect(deriveHealthCheck(container(task(), 'api'), 3000)).toEqual({ path: '/healthz', intervalSeconds: undefined, timeoutSeconds: undefined, unhealthyThresholdCount: undefined });
  });

  test('a probe of another port, or none: no health check', () => {
    expect(deriveHealthCheck(container(task(), 'api'), 3001)).toBeUndefined();
    expect(deriveHealthCheck(container(task(), 'dns'), 53)).toBeUndefined();
  });
});

describe('every problem of the props at once, at its path', () => {
  test('targets that name no service or no published port, UDP on HTTP, routes on TCP, a taken listener, a bad port', () => {
    const { result, errors } = plan({
      loadBalancer: {
        targets: [
          { service: 'cart', containerPort: 80 },
          { service: 'api', containerPort: 8080 },
          { service: 'dns', containerPort: 53 },
          { service: 'proxy', containerPort: 80 },
          { service: 'api', containerPort: 3000, listenerPort: 8080 },
          { service: 'api', containerPort: 3000, listenerPort: 70000 },
        ],
      },
    });
    expect(result).toBeUndefined();
    expect(errors).toEqual([
      'loadBalancer.targets[0].service: no compose service named "cart": the services are proxy, api, dns, db',
      'loadBalancer.targets[1].containerPort: api publishes no port 8080: list it under the service\'s ports (published: 3000)',
      'loadBalancer.targets[2].containerPort: dns publishes 53 as udp: an Application Load Balancer carries HTTP over TCP; use LoadBalancerType.NETWORK',
      'loadBalancer.targets[5].listenerPort: expected a port from 1 to 65535, got 70000',
      'loadBalancer.targets[4]: listener port 8080 already sends its traffic to proxy:80: give this target another listenerPort, a pathPattern or a hostHeader',
    ]);
  });

  test('a Network Load Balancer: no routes, one target a listener', () => {
    const { errors } = plan({
      loadBalancer: {
        loadBalancerType: LoadBalancerType.NETWORK,
        targets: [{ service: 'api', containerPort: 3000, pathPattern: '/api/*' }, { service: 'proxy', containerPort: 80, listenerPort: 9000 }, { service: 'api', containerPort: 3000, listenerPort: 9000 }],
      },
    });
    expect(errors).toEqual([
      'loadBalancer.targets[0]: pathPattern and hostHeader route HTTP requests: they need LoadBalancerType.APPLICATION',
      'loadBalancer.targets[2]: listener port 9000 already sends its traffic to proxy:80: give this target another listenerPort',
    ]);
  });

  test('no VPC, a domain name without its zone, and a bad existing target group: together', () => {
    const { errors } = plan({
      hasVpc: false,
      loadBalancer: { domainName: 'shop.example.com' },
      existingTargetGroups: [{ targetGroupArn: 'arn:tg', service: 'api', containerPort: 80 }],
    });
    expect(errors).toEqual([
      'existingTargetGroups[0].containerPort: api publishes no port 80: list it under the service\'s ports (published: 3000)',
      'loadBalancer: a load balancer needs the VPC, and the ecs-params subnets do not name it: pass the vpc prop',
      'loadBalancer.domainZone: domainName and domainZone go together',
    ]);
  });

  test('more than 5 target groups for one ECS service, existing ones included', () => {
    const { errors } = plan({
      existingTargetGroups: [{ targetGroupArn: 'arn:tg', service: 'api', containerPort: 3000 }],
      loadBalancer: { targets: [8081, 8082, 8083, 8084, 8085].map(listenerPort => ({ service: 'proxy', containerPort: 80, listenerPort })) },
    });
    expect(errors).toEqual([
      'loadBalancer.targets: 6 target groups for one ECS service (api:3000, proxy:80, proxy:80, proxy:80, proxy:80, proxy:80): ECS registers a service with at most 5 target groups',
    ]);
  });
});

describe('existing target groups', () => {
  test('each registers the container port of the service that holds it; Network when it says so', () => {
    const { result } = plan({
      existingTargetGroups: [
        { targetGroupArn: 'arn:a', service: 'api', containerPort: 3000 },
        { targetGroupArn: 'arn:b', service: 'dns', containerPort: 53, loadBalancerType: LoadBalancerType.NETWORK },
      ],
    });
    expect(result!.existing.map(e => [e.targetGroupArn, e.owner, e.network])).toEqual([['arn:a', 'shop', false], ['arn:b', 'shop', true]]);
    expect(result!.balancer).toBeUndefined();
    expect([...targetOwners(result)]).toEqual(['shop']);
  });
});

/** The project's ECS services (ComposeFargateProject), as the construct hands them to the plan. */
function projectCandidates(): EcsServiceCandidate[] {
  const cp = new Problems('docker-compose.yml');
  const project = planProject({ compose: compose(), projectName: 'shop', volumeStorage: 'efs' }, cp, new Problems());
  expect(cp.errors).toEqual([]);
  return project!.services.map(s => ({
    key: s.name, serviceName: s.serviceName, task: s.task, desiredCount: s.desiredCount, targetable: [s.name], securityGroupDescription: s.name,
  }));
}

function planServices(input: Partial<EcsServicesInput> & { props: EcsServicesInput['props'] }, candidates = projectCandidates()) {
  const collectors = { compose: new Problems('docker-compose.yml'), params: new Problems('ecs-params.yml'), props: new Problems() };
  const result = planEcsServices(candidates, { hasVpc: true, ...input }, collectors);
  const all = [collectors.compose, collectors.params, collectors.props];
  return {
    result,
    errors: all.flatMap(p => p.errors.map(formatProblem)),
    warnings: all.flatMap(p => p.warnings.map(w => `${w.id} ${formatProblem(w)}`)),
  };
}

describe('the props of each ECS service', () => {
  test('a per-service option beats the project-wide prop, which beats the compose file', () => {
    const { result } = planServices({
      props: { desiredCount: 2, minHealthyPercent: 50 },
      perService: { api: { desiredCount: 3, maxHealthyPercent: 150 } },
    });
    const by = new Map(result!.services.map(s => [s.key, s]));
    expect([...by.keys()]).toEqual(['proxy', 'api', 'dns', 'db']);
    expect(by.get('api')).toMatchObject({ desiredCount: 3, minHealthyPercent: 50, maxHealthyPercent: 150 });
    expect(by.get('proxy')).toMatchObject({ desiredCount: 2, minHealthyPercent: 50, maxHealthyPercent: 200 });
  });

  test('behind a load balancer: no port open to the internet; the grace period only for its targets', () => {
    const { result, warnings } = planServices({
      props: { loadBalancer: { targets: [{ service: 'proxy', containerPort: 80 }] }, healthCheckGracePeriod: Duration.seconds(120) },
    });
    const by = new Map(result!.services.map(s => [s.key, s]));
    expect(result!.services.map(s => s.ingress)).toEqual([[], [], [], []]);
    expect(by.get('proxy')!.healthCheckGracePeriod?.toSeconds()).toBe(120);
    expect(by.get('api')!.healthCheckGracePeriod).toBeUndefined();
    // What the services publish and the load balancer does not serve is closed: said at the port in the file.
    expect(warnings).toEqual([
      expect.stringMatching(/^not-published docker-compose\.yml: services\.api\.ports\[0\]: api publishes 3000\/tcp, which stay closed/),
      expect.stringMatching(/^not-published docker-compose\.yml: services\.dns\.ports\[0\]: dns publishes 53\/udp, which stay closed/),
    ]);
  });

  test('without a load balancer each service opens what it publishes', () => {
    const { result } = planServices({ props: {} });
    expect(result!.services.map(s => s.ingress.map(i => `${i.fromPort}/${i.protocol}`))).toEqual([['80/tcp'], ['3000/tcp'], ['53/udp'], []]);
  });

  test('bad options of several services, and project-wide ones: every problem, each at its prop', () => {
    const { result, errors } = planServices({
      props: {
        loadBalancer: { targets: [{ service: 'proxy', containerPort: 80 }] },
        autoScaling: { maxCapacity: 4, requestsPerTarget: 100 },
      },
      perService: {
        proxy: { autoScaling: { minCapacity: 3, maxCapacity: 2 } },
        api: { healthCheckGracePeriod: Duration.seconds(60) },
        cart: { desiredCount: 1 },
      },
    });
    expect(result).toBeUndefined();
    expect(errors).toEqual([
      'services.cart: no long-running compose service named "cart": the ECS services are proxy, api, dns, db',
      'services.proxy.autoScaling.maxCapacity: expected a whole number of tasks, at least 1 and at least minCapacity (3), got 2',
      'services.api.healthCheckGracePeriod: ECS uses a health check grace period only with a load balancer, and api is not one of its targets: add loadBalancer or existingTargetGroups (a target for it), or leave it out',
      // Wrong for api, dns and db: said once, in the words of the first.
      'autoScaling.requestsPerTarget: request counts come from an Application Load Balancer target: api is not one of loadBalancer\'s targets; add it, or scale api on CPU or memory',
    ]);
  });

  test('one task: its key is the project, a target whatever container the load balancer serves', () => {
    const single = oneTask();
    const { result, errors } = planServices({
      props: { loadBalancer: { targets: [{ service: 'api', containerPort: 3000 }] }, autoScaling: { maxCapacity: 3, requestsPerTarget: 50 } },
    }, [{ ...single, serviceName: 'shop', securityGroupDescription: 'shop' }]);
    expect(errors).toEqual([]);
    expect(result!.services[0]).toMatchObject({ key: 'shop', autoScaling: { requestsPerTarget: 50 } });
  });

  test('request counts behind a Network Load Balancer, and a grace period without any load balancer: refused', () => {
    const nlb = planServices({
      props: { loadBalancer: { loadBalancerType: LoadBalancerType.NETWORK }, autoScaling: { maxCapacity: 2, requestsPerTarget: 10 } },
    });
    expect(nlb.errors).toEqual(['autoScaling.requestsPerTarget: request counts come from an Application Load Balancer: add loadBalancer (type APPLICATION)']);
    const none = planServices({ props: { healthCheckGracePeriod: Duration.seconds(30) } });
    expect(none.errors).toEqual([expect.stringMatching(/^healthCheckGracePeriod: ECS uses a health check grace period only with a load balancer: /)]);
  });

  test('ECS Exec: the construct\'s task role may write the session logs; a role from ecs-params is only warned about', () => {
    const own = planServices({ props: { enableExecuteCommand: true } });
    expect(own.result!.services.every(s => s.enableExecuteCommand && s.grantExecuteCommandLogs)).toBe(true);
    const single = oneTask();
    const given = planServices({ props: { enableExecuteCommand: true } },
      [{ ...single, task: { ...single.task, taskRole: 'app-task-role' }, serviceName: 'shop', securityGroupDescription: 'shop' }]);
    expect(given.result!.services[0].grantExecuteCommandLogs).toBe(false);
    expect(given.warnings).toEqual([expect.stringMatching(/^exec-task-role ecs-params\.yml: task_definition\.task_role_arn: /)]);
  });
});
