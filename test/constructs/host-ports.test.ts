/**
 * A host port that differs from the container port ("5050:80", long syntax `published: 8080,
 * target: 8000`, ranges "9100-9101:9000-9001"): a Fargate task has no host ports, so the task opens
 * the container port (port mapping and security group), a `cdk-compose-fargate:host-port` warning
 * says so, and with a load balancer the host port is the default listener port of its target.
 * Also: the README's first example is exactly what the construct reports for those two files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams, LoadBalancerType } from '../../src';
import { planTask } from '../../src/private/plan/task';
import { formatProblem, Problems } from '../../src/private/problems';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const PGADMIN = path.join(FIXTURES, 'pgadmin-host-port', 'docker-compose.yml');

function planOf(yaml: string) {
  const cp = new Problems('docker-compose.yml');
  const p = planTask({ compose: ComposeDefinition.fromYaml(yaml, { variables: {} })._model, family: 'app' }, cp, new Problems());
  return { plan: p, errors: cp.errors.map(formatProblem), warnings: cp.warnings.filter(w => w.id === 'host-port').map(formatProblem) };
}

const HOST_PORT_WARNINGS = [
  'docker-compose.yml: services.pgadmin.ports[0]: publishes container port 80/tcp on host port 5050: a Fargate task has no host ports, so the task opens the container port, 80 (port mapping and security group), and clients reach it there; with a load balancer, 5050 is the default listener port of its target',
  'docker-compose.yml: services.api.ports[0]: publishes container port 8000/tcp on host port 8080: a Fargate task has no host ports, so the task opens the container port, 8000 (port mapping and security group), and clients reach it there; with a load balancer, 8080 is the default listener port of its target',
  'docker-compose.yml: services.api.ports[1]: publishes container ports 9000-9001/tcp on host ports 9100-9101: a Fargate task has no host ports, so the task opens the container ports, 9000-9001 (port mapping and security group), and clients reach them there; with a load balancer, 9100-9101 is the default listener port of their targets',
];

describe('the plan', () => {
  test('the container port is mapped and opened; the host port is kept for the load balancer; one warning per entry', () => {
    const p = planOf(fs.readFileSync(PGADMIN, 'utf-8'));
    expect(p.errors).toEqual([]);
    const mappings = Object.fromEntries(p.plan!.containers.map(c => [c.name, c.portMappings.map(m => [m.containerPort, m.hostPort])]));
    expect(mappings).toEqual({ db: [], pgadmin: [[80, 5050]], api: [[8000, 8080], [9000, 9100], [9001, 9101]] });
    expect(p.plan!.ingress).toEqual([
      { fromPort: 80, toPort: 80, protocol: 'tcp', at: 'docker-compose.yml: services.pgadmin.ports[0]', path: ['services', 'pgadmin', 'ports', 0] },
      { fromPort: 8000, toPort: 8000, protocol: 'tcp', at: 'docker-compose.yml: services.api.ports[0]', path: ['services', 'api', 'ports', 0] },
      { fromPort: 9000, toPort: 9001, protocol: 'tcp', at: 'docker-compose.yml: services.api.ports[1]', path: ['services', 'api', 'ports', 1] },
    ]);
    expect(p.warnings).toEqual(HOST_PORT_WARNINGS);
  });

  test('a host port equal to the container port, or none, warns nothing and keeps no host port', () => {
    const p = planOf('services:\n  web:\n    image: nginx\n    ports: ["80:80", "443", {target: 8443, published: "8443"}]\n');
    expect(p.warnings).toEqual([]);
    expect(p.plan!.containers[0].portMappings.map(m => m.hostPort)).toEqual([undefined, undefined, undefined]);
  });

  test('a host range with one container port (Docker picks one of them): the first stands', () => {
    const p = planOf('services:\n  web:\n    image: nginx\n    ports: [{target: 80, published: "8000-8010"}]\n');
    expect(p.plan!.containers[0].portMappings.map(m => [m.containerPort, m.hostPort])).toEqual([[80, 8000]]);
  });

  test('two services of one task on the same container port: still an error, whatever their host ports', () => {
    expect(planOf('services:\n  a:\n    image: x\n    ports: ["8080:80"]\n  b:\n    image: y\n    ports: ["8081:80"]\n').errors).toEqual([
      'docker-compose.yml: services.b.ports[0]: container port 80/tcp is also opened by a (services.a.ports[0]): the containers of one task share one network interface, so each container port is opened once; change the port one of them listens on, or deploy with ComposeFargateProject (a task per compose service)',
    ]);
  });
});

function warnings(stack: Stack, id: string): string[] {
  const ack = ` [ack: cdk-compose-fargate:${id}]`;
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: cdk-compose-fargate:${id}\\]$`))
    .map(w => String(w.entry.data).slice(0, -ack.length));
}

function portMappings(template: Template): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const td of Object.values(template.findResources('AWS::ECS::TaskDefinition'))) {
    for (const c of td.Properties.ContainerDefinitions) out[c.Name] = c.PortMappings ?? [];
  }
  return out;
}

/** Listener port -> target group port, for each target group of the load balancer. */
function listeners(template: Template): [number, number][] {
  const groups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup');
  const ports = new Map(Object.entries(groups).map(([id, g]) => [id, g.Properties.Port as number]));
  const out: [number, number][] = [];
  for (const l of Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener'))) {
    const forward = l.Properties.DefaultActions.find((a: any) => a.Type === 'forward');
    if (forward) out.push([l.Properties.Port, ports.get(forward.TargetGroupArn.Ref)!]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

const SERVICE_MAPPINGS = {
  db: [],
  pgadmin: [{ ContainerPort: 80, HostPort: 80, Protocol: 'tcp' }],
  api: [
    { ContainerPort: 8000, HostPort: 8000, Protocol: 'tcp' },
    { ContainerPort: 9000, HostPort: 9000, Protocol: 'tcp' },
    { ContainerPort: 9001, HostPort: 9001, Protocol: 'tcp' },
  ],
};

describe('ComposeFargateService (the pgAdmin fixture)', () => {
  test('without a load balancer: the container ports are mapped and admitted by the security group', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromFile(PGADMIN, { variables: {} }) });
    const template = validatedTemplate(stack);
    expect(portMappings(template)).toEqual(SERVICE_MAPPINGS);
    const sg = Object.values(template.findResources('AWS::EC2::SecurityGroup'))[0];
    expect(sg.Properties.SecurityGroupIngress.map((r: any) => [r.FromPort, r.ToPort])).toEqual([[80, 80], [8000, 8000], [9000, 9001]]);
    expect(warnings(stack, 'host-port')).toEqual(HOST_PORT_WARNINGS);
  });

  test('with a load balancer: each host port is the listener of its target, which sends to the container port', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromFile(PGADMIN, { variables: {} }), loadBalancer: {} });
    const template = validatedTemplate(stack);
    expect(listeners(template)).toEqual([[5050, 80], [8080, 8000], [9100, 9000], [9101, 9001]]);
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: Match.arrayWith([Match.objectLike({ ContainerName: 'pgadmin', ContainerPort: 80 })]),
    });
  });

  test('a listenerPort given in the target still wins; a Network Load Balancer also listens on the host port', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromFile(PGADMIN, { variables: {} }),
      loadBalancer: { targets: [{ service: 'pgadmin', containerPort: 80, listenerPort: 8081 }, { service: 'api', containerPort: 8000 }] },
    });
    expect(listeners(validatedTemplate(stack))).toEqual([[8080, 8000], [8081, 80]]);
    const nlb = new Stack(new App(), 'N');
    new ComposeFargateService(nlb, 'App', {
      compose: ComposeDefinition.fromFile(PGADMIN, { variables: {} }),
      loadBalancer: { loadBalancerType: LoadBalancerType.NETWORK, targets: [{ service: 'pgadmin', containerPort: 80 }] },
    });
    expect(listeners(validatedTemplate(nlb))).toEqual([[5050, 80]]);
  });
});

describe('ComposeFargateProject (the pgAdmin fixture)', () => {
  test('a task per service, the container ports mapped, the same warnings; the load balancer listens on the host ports', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', {
      compose: ComposeDefinition.fromFile(PGADMIN, { variables: {} }),
      loadBalancer: { targets: [{ service: 'pgadmin', containerPort: 80 }, { service: 'api', containerPort: 8000 }] },
    });
    const template = validatedTemplate(stack);
    const mappings = portMappings(template);
    expect((mappings.pgadmin as any[]).map(m => [m.ContainerPort, m.HostPort])).toEqual([[80, 80]]);
    expect((mappings.api as any[]).map(m => [m.ContainerPort, m.HostPort])).toEqual([[8000, 8000], [9000, 9000], [9001, 9001]]);
    expect(listeners(template)).toEqual([[5050, 80], [8080, 8000]]);
    expect(warnings(stack, 'host-port')).toEqual(HOST_PORT_WARNINGS);
  });
});

describe('the README\'s first example', () => {
  test('is exactly what ComposeFargateService reports for a compose file and an ecs-params file with those mistakes', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    const block = /```text\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const dir = path.join(FIXTURES, 'refused', 'readme-example');
    const message = errorOf(() => new ComposeFargateService(new Stack(new App(), 'S'), 'App', {
      compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }),
      ecsParams: EcsParams.fromFile(path.join(dir, 'ecs-params.yml'), { variables: {} }),
    }));
    const shown = block![1].trimEnd().split('\n');
    expect(shown).toHaveLength(2);
    expect(message.split('\n')).toEqual(shown);
  });
});
