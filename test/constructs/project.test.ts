/**
 * ComposeFargateProject: one ECS service per long-running compose service, names that resolve
 * through Service Connect, compose networks as security group rules, depends_on as creation order,
 * one-shot services inside the tasks that wait for them, per-service options.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateProjectProps, ComposeFargateService, EcsParams } from '../../src';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function project(name: string, extra: Partial<ComposeFargateProjectProps> = {}) {
  const stack = new Stack(new App(), 'S');
  const construct = new ComposeFargateProject(stack, 'App', {
    compose: ComposeDefinition.fromFile(path.join(FIXTURES, name, 'docker-compose.yml'), { variables: {} }),
    ...extra,
  });
  return { stack, construct, template: validatedTemplate(stack) };
}

function byLogicalId(template: Template, type: string): Record<string, any> {
  return template.findResources(type);
}

/** The ECS service resource of a compose service. */
function ecsService(template: Template, name: string): [string, any] {
  const found = Object.entries(byLogicalId(template, 'AWS::ECS::Service')).find(([, r]) => r.Properties.ServiceName.endsWith(`-${name}`));
  if (!found) throw new Error(`no ECS service for ${name}`);
  return found;
}

function endpoints(template: Template, name: string): { DnsName: string; Port: number; PortName: string }[] {
  const [, svc] = ecsService(template, name);
  return (svc.Properties.ServiceConnectConfiguration.Services ?? []).map((s: any) => ({ ...s.ClientAliases[0], PortName: s.PortName }));
}

/** The ingress rules of a compose service's security group: [source, port]. */
function ingressOf(template: Template, stack: Stack, name: string): string[] {
  const [, svc] = ecsService(template, name);
  const sgId = svc.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0]['Fn::GetAtt'][0];
  const sg = template.toJSON().Resources[sgId];
  const inline = (sg.Properties.SecurityGroupIngress ?? []).map((r: any) => `${r.CidrIp ?? JSON.stringify(r.CidrIpFromVpc ?? r)}:${r.FromPort}`);
  // A source group is a service's own, or a compose network's: then every other service carrying it.
  const separate = Object.values(byLogicalId(template, 'AWS::EC2::SecurityGroupIngress'))
    .filter(r => r.Properties.GroupId['Fn::GetAtt'][0] === sgId)
    .flatMap(r => servicesCarrying(template, r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]).filter(n => n !== name).map(n => `${n}:${r.Properties.FromPort}`));
  void stack;
  return [...new Set([...inline, ...separate])].sort();
}

/** The compose services whose ECS service carries a security group. */
function servicesCarrying(template: Template, sgId: string): string[] {
  return Object.values(byLogicalId(template, 'AWS::ECS::Service'))
    .filter(r => r.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups.some((g: any) => g['Fn::GetAtt']?.[0] === sgId))
    .map(r => r.Properties.ServiceName.split('-').slice(1).join('-'));
}

function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
}

function containers(template: Template, family: string): any[] {
  return Object.values(byLogicalId(template, 'AWS::ECS::TaskDefinition')).find(r => r.Properties.Family === family)!.Properties.ContainerDefinitions;
}

describe('WordPress and MariaDB', () => {
  const { stack, template, construct } = project('project-wordpress', { services: { wordpress: { desiredCount: 3 } } });

  test('one ECS service and one task definition per compose service, named after the project', () => {
    expect(Object.values(byLogicalId(template, 'AWS::ECS::Service')).map(s => s.Properties.ServiceName).sort()).toEqual(['blog-db', 'blog-wordpress']);
    expect(Object.values(byLogicalId(template, 'AWS::ECS::TaskDefinition')).map(t => t.Properties.Family).sort()).toEqual(['blog-db', 'blog-wordpress']);
    expect(construct.serviceNames).toEqual(['wordpress', 'db']);
    expect(construct.service('db').findContainer('db')).toBeDefined();
    expect(() => construct.service('nope')).toThrow(/the project's ECS services are wordpress, db/);
  });

  test('db answers as db:3306 (the image\'s known port), with the short name', () => {
    expect(endpoints(template, 'db')).toEqual([{ DnsName: 'db', Port: 3306, PortName: 'db-3306' }]);
    expect(endpoints(template, 'wordpress')).toEqual([{ DnsName: 'wordpress', Port: 80, PortName: 'wordpress-80' }]);
    const [, wp] = ecsService(template, 'wordpress');
    expect(wp.Properties.ServiceConnectConfiguration.Enabled).toBe(true);
  });

  test('the database port is open to wordpress only, never to the internet', () => {
    expect(ingressOf(template, stack, 'db')).toEqual(['wordpress:3306']);
    expect(ingressOf(template, stack, 'wordpress')).toEqual(['0.0.0.0/0:80', 'db:80']);
  });

  test('wordpress is created after db (depends_on)', () => {
    const [dbId] = ecsService(template, 'db');
    const [, wp] = ecsService(template, 'wordpress');
    expect(wp.DependsOn).toContain(dbId);
    const [, db] = ecsService(template, 'db');
    expect(db.DependsOn ?? []).not.toContain(ecsService(template, 'wordpress')[0]);
  });

  test('per-service options apply to their service only', () => {
    expect(ecsService(template, 'wordpress')[1].Properties.DesiredCount).toBe(3);
    expect(ecsService(template, 'db')[1].Properties.DesiredCount).toBe(1);
  });

  test('each task leaves room for the Service Connect proxy', () => {
    const db = Object.values(byLogicalId(template, 'AWS::ECS::TaskDefinition')).find(r => r.Properties.Family === 'blog-db')!;
    expect([db.Properties.Cpu, db.Properties.Memory]).toEqual(['512', '1024']);
  });

  test('no warning for the keys the project honours, no host warning', () => {
    const all = warnings(stack);
    expect(all.filter(w => /restart|service-name-host/.test(w))).toEqual([]);
  });
});

describe('three tiers on two networks', () => {
  const { stack, template } = project('project-three-tier');

  test('the proxy reaches the backend, the backend the database, the proxy never the database', () => {
    expect(ingressOf(template, stack, 'db')).toEqual(['backend:5432']);
    // db shares backnet with the backend: under compose it may connect to it too.
    expect(ingressOf(template, stack, 'backend')).toEqual(['db:8000', 'proxy:8000']);
    expect(ingressOf(template, stack, 'proxy')).toEqual(['0.0.0.0/0:80', 'backend:80']);
  });

  test('the backend answers to its network alias too (api:8000), the database to db:5432', () => {
    expect(endpoints(template, 'backend').map(e => `${e.DnsName}:${e.Port}`)).toEqual(['backend:8000', 'api:8000']);
    expect(endpoints(template, 'db').map(e => `${e.DnsName}:${e.Port}`)).toEqual(['db:5432']);
  });

  test('the backend is created after the database, the proxy after the backend', () => {
    expect(ecsService(template, 'backend')[1].DependsOn).toContain(ecsService(template, 'db')[0]);
    expect(ecsService(template, 'proxy')[1].DependsOn).toContain(ecsService(template, 'backend')[0]);
  });
});

describe('a one-shot migration', () => {
  const { stack, template, construct } = project('project-migrate');

  test('migrate is no ECS service: it runs in the app\'s task, which waits for it to succeed', () => {
    expect(Object.values(byLogicalId(template, 'AWS::ECS::Service')).map(s => s.Properties.ServiceName).sort()).toEqual(['notes-app', 'notes-postgres']);
    const app = containers(template, 'notes-app');
    expect(app.find(c => c.Name === 'migrate')).toMatchObject({ Essential: false, Command: ['npx', 'prisma', 'migrate', 'deploy'] });
    expect(app.find(c => c.Name === 'app').DependsOn).toEqual([{ ContainerName: 'migrate', Condition: 'SUCCESS' }]);
    expect(construct.service('app').findContainer('migrate')).toBeDefined();
    expect(() => construct.service('migrate')).toThrow(/migrate runs once, in the tasks of app/);
  });

  test('the app (with its migration) is created after postgres, which both reach by name', () => {
    expect(ecsService(template, 'app')[1].DependsOn).toContain(ecsService(template, 'postgres')[0]);
    expect(endpoints(template, 'postgres')).toEqual([{ DnsName: 'postgres', Port: 5432, PortName: 'postgres-5432' }]);
    expect(ingressOf(template, stack, 'postgres')).toEqual(['app:5432']);
  });

  test('a warning says where the one-shot runs', () => {
    expect(warnings(stack).some(w => /services\.migrate: runs once: a non-essential container in the tasks of app/.test(w))).toBe(true);
  });
});

describe('every way of naming a service', () => {
  const { stack, template } = project('project-names');
  const names = (svc: string) => endpoints(template, svc).map(e => `${e.DnsName}:${e.Port}`);

  test('links alias, known image port, network alias, hostname, container_name', () => {
    expect(names('db')).toEqual(['db:5432', 'database:5432']);
    expect(names('cache')).toEqual(['cache:6379']);
    expect(names('search')).toEqual(['search:7700', 'search-engine:7700']);
    expect(names('auth')).toEqual(['auth:9000', 'identity:9000']);
    expect(names('legacy')).toEqual(['legacy:5000', 'legacy-box:5000']);
    expect(names('web')).toEqual(['web:8080', 'names-web:8080']);
  });

  test('an unknown image answers on the port others write with its name, with a warning', () => {
    expect(names('metadata')).toEqual(['metadata:4000']);
    expect(warnings(stack).some(w => /services\.metadata: answers on 4000: the port web writes at services\.web\.environment\.METADATA_URL, which it neither publishes nor exposes \(its image "ghcr\.io\/example\/metadata-svc:2\.4\.0" is not one whose port is known\)/.test(w))).toBe(true);
  });

  test('a worker nobody calls is a client only; an inactive profile is left out', () => {
    expect(ecsService(template, 'worker')[1].Properties.ServiceConnectConfiguration).toEqual(expect.objectContaining({ Enabled: true }));
    expect(names('worker')).toEqual([]);
    expect(() => ecsService(template, 'adminer')).toThrow();
  });

  test('every Cloud Map discovery name is unique', () => {
    const all = Object.values(byLogicalId(template, 'AWS::ECS::Service'))
      .flatMap(s => (s.Properties.ServiceConnectConfiguration.Services ?? []).map((x: any) => x.DiscoveryName));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('errors and options', () => {
  test('services names a compose service the project does not run', () => {
    expect(errorOf(() => project('project-wordpress', { services: { wrodpress: { desiredCount: 2 } } })))
      .toContain('services.wrodpress: no long-running compose service named "wrodpress": the ECS services are wordpress, db');
  });

  test('a load balancer routes to several services by path; only it reaches them', () => {
    const { stack, template } = project('project-three-tier', {
      loadBalancer: { targets: [{ service: 'proxy', containerPort: 80 }, { service: 'backend', containerPort: 8000, pathPattern: '/api/*' }] },
    });
    const tgs = Object.values(byLogicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(tgs.map(t => t.Properties.Port).sort()).toEqual([80, 8000]);
    expect(ingressOf(template, stack, 'proxy').some(r => r.startsWith('0.0.0.0/0'))).toBe(false);
    expect(ecsService(template, 'backend')[1].Properties.LoadBalancers[0]).toMatchObject({ ContainerName: 'backend', ContainerPort: 8000 });
  });

  test('ecs-params service_discovery is refused: Service Connect does that job', () => {
    const stack = new Stack(new App(), 'S');
    expect(errorOf(() => new ComposeFargateProject(stack, 'P', {
      compose: ComposeDefinition.fromFile(path.join(FIXTURES, 'project-wordpress', 'docker-compose.yml'), { variables: {} }),
      ecsParams: EcsParams.fromObject({ version: 1, run_params: { service_discovery: { container_name: 'db', private_dns_namespace: { name: 'blog.local', vpc: 'vpc-0123456789abcdef0' } } } }),
    }))).toMatch(/^run_params\.service_discovery: registers one ECS service in Cloud Map/);
  });
});

describe('one task, warned', () => {
  test('ComposeFargateService warns where a service uses another\'s name as a host', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromFile(path.join(FIXTURES, 'project-wordpress', 'docker-compose.yml'), { variables: {} }),
    });
    const found = warnings(stack).filter(w => w.includes('service-name-host'));
    expect(found).toEqual([expect.stringContaining('services.wordpress.environment.WORDPRESS_DB_HOST: "db:3306" names the compose service db, which does not resolve inside one task: the containers of one task share localhost, so write "localhost:3306", or deploy with ComposeFargateProject')]);
    // MARIADB_USER: wordpress is a user name, not a host.
    expect(found.some(w => w.includes('MARIADB_USER'))).toBe(false);
  });
});

describe('the general rule, over every project fixture and every real file that loads', () => {
  const dirs = [
    ...['project-wordpress', 'project-three-tier', 'project-migrate', 'project-names'],
    ...['gitea-postgres', 'nextcloud-redis-mariadb', 'rails-sidekiq', 'node-postgres-build', 'airflow-celery', 'bitnami-redmine'].map(d => `real/${d}`),
  ];
  test.each(dirs)('%s: every name a service uses answers on the port it writes, and only sharing services connect', dir => {
    const compose = ComposeDefinition.fromFile(path.join(FIXTURES, dir, 'docker-compose.yml'), { variables: {} });
    const stack = new Stack(new App(), 'S');
    const p = new ComposeFargateProject(stack, 'App', { compose });
    const template = validatedTemplate(stack);
    const model = compose._model;
    // One ECS service per compose service that keeps running.
    const ecsNames = Object.values(byLogicalId(template, 'AWS::ECS::Service')).map(s => s.Properties.ServiceName.slice(p.projectName.length + 1)).sort();
    expect(ecsNames).toEqual([...p.serviceNames].sort());
    for (const name of p.serviceNames) expect(model.services.some(s => s.name === name)).toBe(true);
    // Every host reference in environment and commands resolves to an endpoint of its target.
    for (const svc of model.services) {
      for (const e of svc.environment) {
        const m = /^[a-z]+:\/\/(?:[^@/\s]*@)?([a-z0-9-]+):(\d+)/i.exec(e.value);
        const target = m && p.serviceNames.find(n => n === m[1]);
        if (!m || !target || target === svc.name) continue;
        expect(endpoints(template, target).map(x => `${x.DnsName}:${x.Port}`)).toContain(`${m[1]}:${m[2]}`);
      }
    }
    // No published database port is open to the internet.
    for (const sg of Object.values(byLogicalId(template, 'AWS::EC2::SecurityGroup'))) {
      for (const rule of sg.Properties.SecurityGroupIngress ?? []) {
        if (rule.CidrIp === '0.0.0.0/0') expect([22, 3306, 5432, 6379, 27017, 1433, 3389]).not.toContain(rule.FromPort);
      }
    }
  });
});

describe('security groups grow with services and networks, not with pairs of services', () => {
  test('20 services on one network: one group for the network, one rule per service and port', () => {
    const services = Array.from({ length: 20 }, (_, i) => `  s${i}:\n    image: example/s${i}\n    expose: ["8080"]\n`).join('');
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromYaml(`services:\n${services}`, { variables: {} }) });
    const template = validatedTemplate(stack);
    expect(Object.keys(byLogicalId(template, 'AWS::EC2::SecurityGroupIngress'))).toHaveLength(20);
    const network = Object.entries(byLogicalId(template, 'AWS::EC2::SecurityGroup')).filter(([, g]) => /compose network default/.test(g.Properties.GroupDescription));
    expect(network).toHaveLength(1);
    expect(servicesCarrying(template, network[0][0])).toHaveLength(20);
    expect(ingressOf(template, stack, 's7')).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}:8080`).filter(x => x !== 's7:8080').sort());
  });

  test('a service on more networks than ECS lets it carry groups for is admitted by its own group', () => {
    const nets = ['a', 'b', 'c', 'd', 'e'];
    const yaml = [
      'services:',
      '  hub:',
      '    image: example/hub',
      `    networks: [${nets.join(', ')}]`,
      ...nets.map(n => `  ${n}svc:\n    image: example/${n}\n    expose: ["80"]\n    networks: [${n}]`),
      'networks:',
      ...nets.map(n => `  ${n}: {}`),
    ].join('\n');
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromYaml(yaml, { variables: {} }) });
    const template = validatedTemplate(stack);
    const [, hub] = ecsService(template, 'hub');
    expect(hub.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups).toHaveLength(1);
    for (const n of nets) expect(ingressOf(template, stack, `${n}svc`)).toEqual(['hub:80']);
  });
});

describe('what a review of real files found', () => {
  function fromYaml(yaml: string, extra: Partial<ComposeFargateProjectProps> = {}) {
    const stack = new Stack(new App(), 'S');
    const construct = new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromYaml(yaml, { variables: {} }), ...extra });
    return { stack, construct, template: validatedTemplate(stack) };
  }

  test('a one-shot service others wait for only to start is not essential either (its exit must not stop their task)', () => {
    const { template } = fromYaml('services:\n  init:\n    image: busybox\n    restart: "no"\n  web:\n    image: nginx\n    ports: ["80:80"]\n    depends_on: [init]\n');
    const web = containers(template, 'App-web');
    expect(web.find(c => c.Name === 'init').Essential).toBe(false);
    expect(web.find(c => c.Name === 'web').Essential).toBe(true);
  });

  test('the same port over TCP and UDP: two port mappings with their own names', () => {
    const { template } = fromYaml('services:\n  dns:\n    image: coredns/coredns\n    ports: ["53:53/udp", "53:53/tcp"]\n');
    expect(containers(template, 'App-dns')[0].PortMappings.map((p: any) => p.Name)).toEqual(['dns-53-udp', 'dns-53']);
  });

  test('generated port and Cloud Map names follow ECS\'s rules: lower case, at most 64 characters, unique', () => {
    const long = 'a-very-long-service-name-that-is-quite-long-indeed-more-than-sixty-x';
    const { template } = fromYaml(`services:\n  Web:\n    image: nginx\n    ports: ["80"]\n  ${long}1:\n    image: redis\n  ${long}2:\n    image: redis\n  my-db:\n    image: postgres\n  other:\n    image: mysql\n    container_name: my.db\n`);
    const names = Object.values(template.findResources('AWS::ECS::TaskDefinition')).flatMap(t => t.Properties.ContainerDefinitions.flatMap((c: any) => (c.PortMappings ?? []).map((p: any) => p.Name)));
    for (const n of names) expect(n).toMatch(/^[a-z0-9_][a-z0-9_-]{0,63}$/);
    const discovery = Object.values(template.findResources('AWS::ECS::Service')).flatMap(s => (s.Properties.ServiceConnectConfiguration.Services ?? []).map((x: any) => x.DiscoveryName));
    for (const d of discovery) expect(d.length).toBeLessThanOrEqual(64);
    expect(new Set(discovery).size).toBe(discovery.length);
    expect(discovery).toEqual(expect.arrayContaining(['my-db-5432']));
  });

  test('a links alias another service already answers to is left out, with a warning', () => {
    const { stack, template } = fromYaml('services:\n  web:\n    image: nginx\n    links: ["db:cache"]\n  db:\n    image: postgres\n  cache:\n    image: redis\n');
    expect(endpoints(template, 'db').map(e => `${e.DnsName}:${e.Port}`)).toEqual(['db:5432', 'cache:5432']);
    const { stack: s2, template: t2 } = fromYaml('services:\n  web:\n    image: nginx\n    links: ["db1:database"]\n  worker:\n    image: nginx\n    links: ["db2:database"]\n  db1:\n    image: postgres\n  db2:\n    image: postgres\n');
    expect([...endpoints(t2, 'db1'), ...endpoints(t2, 'db2')].filter(e => e.DnsName === 'database')).toHaveLength(1);
    expect(warnings(s2).some(w => w.includes('database:5432 already reaches db1') && w.includes('links alias database of db2 is left out'))).toBe(true);
    void stack;
  });

  test('a service is created after the services it names, even without depends_on', () => {
    const { template } = project('real/nextcloud-redis-mariadb');
    const [, nc] = ecsService(template, 'nc');
    expect(nc.DependsOn).toEqual(expect.arrayContaining([ecsService(template, 'redis')[0], ecsService(template, 'db')[0]]));
  });

  test('two services that name each other: one order, and a warning', () => {
    const { stack, template } = fromYaml('services:\n  web:\n    image: nginx\n    environment: {API_URL: "http://api:8000"}\n  api:\n    image: nginx\n    expose: ["8000"]\n    environment: {WEB_URL: "http://web:80"}\n');
    const webAfterApi = (ecsService(template, 'web')[1].DependsOn ?? []).includes(ecsService(template, 'api')[0]);
    const apiAfterWeb = (ecsService(template, 'api')[1].DependsOn ?? []).includes(ecsService(template, 'web')[0]);
    expect(webAfterApi !== apiAfterWeb).toBe(true);
    expect(warnings(stack).some(w => w.includes('name each other'))).toBe(true);
  });

  test('every port other services use is served: published, known and referenced together', () => {
    const { template } = fromYaml('services:\n  mq:\n    image: rabbitmq:3-management\n    ports: ["15672:15672"]\n  app:\n    image: myorg/app\n    environment: {AMQP_URL: "amqp://guest:guest@mq:5672/"}\n');
    expect(endpoints(template, 'mq').map(e => e.Port).sort()).toEqual([15672, 5672]);
  });

  test('a long published range is one security group rule per peer, UDP ports are admitted too', () => {
    const { stack, template } = fromYaml('services:\n  ftp:\n    image: stilliard/pure-ftpd\n    ports: ["21:21", "30000-30209:30000-30209"]\n  statsd:\n    image: statsd/statsd\n    expose: ["8125/udp"]\n  web:\n    image: nginx\n    environment: {STATSD_HOST: statsd}\n');
    expect(ingressOf(template, stack, 'ftp').filter(r => r.startsWith('web:'))).toEqual(['web:21', 'web:30000']);
    const udp = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(r => r.Properties.IpProtocol === 'udp');
    expect(udp.map(r => r.Properties.FromPort)).toEqual(expect.arrayContaining([8125]));
    expect(warnings(stack).some(w => w.includes('services.statsd: web (services.web.environment.STATSD_HOST) reaches this service by name, but it serves UDP only'))).toBe(true);
  });

  test.each([
    ['deploy.mode: replicated-job', '    deploy:\n      mode: replicated-job\n'],
    ['deploy.restart_policy.condition: none', '    deploy:\n      restart_policy:\n        condition: none\n        max_attempts: 3\n'],
  ])('%s runs once, as restart: "no": a task definition, no ECS service', (name, deploy) => {
    const { stack, construct, template } = fromYaml(`services:\n  web:\n    image: nginx\n  seed:\n    image: example/seed\n${deploy}`);
    expect(construct.oneShotTaskDefinition('seed')).toBeDefined();
    expect(Object.values(byLogicalId(template, 'AWS::ECS::Service')).map(s => s.Properties.ServiceName)).toEqual(['App-web']);
    expect(warnings(stack).some(w => w.includes(`services.seed: runs once (${name}) and no service waits for it`))).toBe(true);
  });

  test('network settings the project does not carry over are warned about by name (internal, driver, ipv4_address)', () => {
    const { stack } = fromYaml([
      'services:',
      '  api:',
      '    image: example/api',
      '    networks:',
      '      back:',
      '        ipv4_address: 172.20.0.5',
      '        aliases: [backend]',
      '  db:',
      '    image: postgres:16',
      '    networks: [back]',
      'networks:',
      '  back:',
      '    driver: bridge',
      '    internal: true',
      '    ipam:',
      '      config: [{subnet: 172.20.0.0/16}]',
    ].join('\n'));
    const w = warnings(stack);
    for (const at of ['networks.back.driver', 'networks.back.ipam', 'services.api.networks.back.ipv4_address']) {
      expect(w.some(x => x.startsWith(`${at}: ignored on Fargate`))).toBe(true);
    }
    expect(w.some(x => x.startsWith('networks.back.internal: not enforced on Fargate: the services keep the outbound access of their subnets'))).toBe(true);
    expect(w.some(x => x.startsWith('services.api.networks.back.aliases'))).toBe(false);
  });

  test('deploy.restart_policy.condition decides over restart, as Docker Compose applies them', () => {
    const { construct } = fromYaml([
      'services:',
      '  once:',
      '    image: example/once',
      '    restart: on-failure',
      '    deploy: {restart_policy: {condition: none}}',
      '  kept:',
      '    image: example/kept',
      '    restart: "no"',
      '    deploy: {restart_policy: {condition: any}}',
    ].join('\n'));
    expect(construct.oneShotTaskDefinition('once')).toBeDefined();
    expect(construct.oneShotTaskDefinition('kept')).toBeUndefined();
    expect(construct.service('kept')).toBeDefined();
  });

  test('a job with replicas runs one task, with a warning saying how to run more', () => {
    const { stack } = fromYaml('services:\n  seed:\n    image: example/seed\n    deploy:\n      mode: replicated-job\n      replicas: 3\n');
    expect(warnings(stack).some(w => w.startsWith('services.seed.deploy.replicas: a service that runs once runs one task here, not 3'))).toBe(true);
  });

  test('a one-shot in a task does not open its service to the one-shot\'s networks', () => {
    const { stack, template } = fromYaml([
      'services:',
      '  init:',
      '    image: example/init',
      '    restart: "no"',
      '    networks: [n2]',
      '  app:',
      '    image: example/app',
      '    expose: ["8000"]',
      '    networks: [n1]',
      '    depends_on: {init: {condition: service_completed_successfully}}',
      '  c:',
      '    image: example/c',
      '    networks: [n2, n1]',
      '  b:',
      '    image: example/b',
      '    networks: [n2]',
      'networks:',
      '  n1: {}',
      '  n2: {}',
    ].join('\n'));
    expect(ingressOf(template, stack, 'app')).toEqual(['c:8000']);
  });

  test('a misspelt network key is an error, as Docker Compose refuses it', () => {
    const yaml = 'services:\n  web:\n    image: nginx\n    networks:\n      back:\n        alias: [x]\nnetworks:\n  back:\n    drivers: bridge\n';
    const message = errorOf(() => ComposeDefinition.fromYaml(yaml, { variables: {} }));
    expect(message).toContain('services.web.networks.back.alias: unknown key: allowed are aliases, ipv4_address');
    expect(message).toContain('networks.back.drivers: unknown key: allowed are name, driver');
  });

  test('a network named networks is warned about like any other', () => {
    const { stack } = fromYaml('services:\n  a:\n    image: example/a\n    networks: [networks]\nnetworks:\n  networks:\n    internal: true\n');
    expect(warnings(stack).some(w => w.startsWith('networks.networks.internal: not enforced on Fargate'))).toBe(true);
  });

  test('a one-shot task nobody waits for, which names other services, is told it cannot resolve them', () => {
    const { stack, construct } = fromYaml('services:\n  db:\n    image: postgres\n  backup:\n    image: postgres\n    restart: "no"\n    command: ["pg_dump", "-h", "db"]\n');
    expect(construct.oneShotTaskDefinition('backup')).toBeDefined();
    expect(warnings(stack).some(w => w.includes('It names db, which a task started by run-task cannot resolve'))).toBe(true);
  });

  test('in a cluster that is given, the project gets a namespace of its own', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    const cluster = new ecs.Cluster(stack, 'Shared', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    cluster.addDefaultCloudMapNamespace({ name: 'shared.local', useForServiceConnect: true });
    new ComposeFargateProject(stack, 'Blog', { cluster, compose: ComposeDefinition.fromFile(path.join(FIXTURES, 'project-wordpress', 'docker-compose.yml'), { variables: {} }) });
    const template = validatedTemplate(stack);
    const [nsId, ns] = Object.entries(template.findResources('AWS::ServiceDiscovery::HttpNamespace'))[0];
    expect(ns.Properties.Name).toBe('blog.local');
    for (const svc of Object.values(template.findResources('AWS::ECS::Service'))) {
      expect(svc.Properties.ServiceConnectConfiguration.Namespace).toEqual({ 'Fn::GetAtt': [nsId, 'Arn'] });
    }
  });
});

describe('volumes_from another service', () => {
  test('the other service\'s named volume is mounted from the EFS file system both tasks share; the task definition takes volumes from no container it lacks', () => {
    const { template } = project('plan/volumes-from');
    const web = containers(template, 'App-web').find(c => c.Name === 'web');
    expect(web.VolumesFrom).toBeUndefined();
    expect(web.MountPoints).toEqual([{ ContainerPath: '/srv/site', ReadOnly: true, SourceVolume: 'site' }]);
    const fileSystems = Object.keys(byLogicalId(template, 'AWS::EFS::FileSystem'));
    expect(fileSystems).toHaveLength(1);
    const volumes = Object.values(byLogicalId(template, 'AWS::ECS::TaskDefinition')).map(r => r.Properties.Volumes[0].EFSVolumeConfiguration.FilesystemId);
    expect(volumes).toEqual([{ Ref: fileSystems[0] }, { Ref: fileSystems[0] }]);
  });
});
