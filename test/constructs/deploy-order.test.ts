/**
 * What CloudFormation must create before an ECS service so that its first deploy works on AWS: the
 * cluster's capacity provider association (a service with a Spot strategy), the mount targets of the
 * file systems its tasks mount, and the services it names in its project files.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, VolumeStorage } from '../../src';
import { validatedTemplate } from '../cfn-validate';
import { warningsWithId } from '../util';

const SPOT: ecs.CapacityProviderStrategy[] = [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }];

function compose(yaml: string, projectDirectory = path.join(__dirname, '..', 'fixtures', 'build-app')) {
  return ComposeDefinition.fromYaml(yaml, { variables: {}, projectDirectory });
}

/** The logical ids of a type's resources. */
function idsOf(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
}

/** The DependsOn of each ECS service, by its ServiceName. */
function serviceDependsOn(template: Template): Record<string, string[]> {
  return Object.fromEntries(Object.values(template.findResources('AWS::ECS::Service'))
    .map(r => [r.Properties.ServiceName, r.DependsOn ?? []]));
}

describe('capacity providers', () => {
  test('ComposeFargateService: the service with a Spot strategy is created after the association', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: compose('services:\n  web:\n    image: nginx\n'), capacityProviderStrategies: SPOT });
    const template = validatedTemplate(stack);
    const [association] = idsOf(template, 'AWS::ECS::ClusterCapacityProviderAssociations');
    expect(association).toBeDefined();
    expect(serviceDependsOn(template).App).toContain(association);
  });

  test('ComposeFargateProject: each service with a strategy (project-wide or its own) waits for the association', () => {
    const yaml = 'services:\n  web:\n    image: nginx\n  worker:\n    image: busybox\n    command: ["sleep", "1d"]\n';
    for (const [props, expected] of [
      [{ capacityProviderStrategies: SPOT }, ['App-web', 'App-worker']],
      [{ services: { worker: { capacityProviderStrategies: SPOT } } }, ['App-worker']],
    ] as const) {
      const stack = new Stack(new App(), 'S');
      new ComposeFargateProject(stack, 'App', { compose: compose(yaml), ...props });
      const template = validatedTemplate(stack);
      const [association] = idsOf(template, 'AWS::ECS::ClusterCapacityProviderAssociations');
      const deps = serviceDependsOn(template);
      expect(Object.keys(deps).filter(n => deps[n].includes(association)).sort()).toEqual(expected);
    }
  });

  test("a given cluster of the same stack: the service waits for that cluster's association", () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    const cluster = new ecs.Cluster(stack, 'Shared', { vpc, enableFargateCapacityProviders: true });
    new ComposeFargateService(stack, 'App', { compose: compose('services:\n  web:\n    image: nginx\n'), cluster, capacityProviderStrategies: SPOT });
    const template = validatedTemplate(stack);
    const [association] = idsOf(template, 'AWS::ECS::ClusterCapacityProviderAssociations');
    expect(association).toMatch(/^Shared/);
    expect(serviceDependsOn(template).App).toContain(association);
  });
});

describe('EFS mount targets', () => {
  const yaml = [
    'services:',
    '  db:',
    '    image: postgres:16',
    '    volumes: ["pgdata:/var/lib/postgresql/data"]',
    '  cache:',
    '    image: redis:7',
    '    volumes: ["cache:/data"]',
    '  web:',
    '    image: nginx',
    'volumes:',
    '  pgdata: {}',
    '  cache: {}',
  ].join('\n');

  /** The mount targets of the file system of a volume (logical ids start with its construct id). */
  function mountTargetsOf(template: Template, volume: string): string[] {
    const ids = idsOf(template, 'AWS::EFS::MountTarget').filter(id => id.startsWith(`App${volume}Volume`));
    expect(ids.length).toBeGreaterThan(0);
    return ids;
  }

  test('ComposeFargateProject: a service waits for the mount targets of the file systems it mounts, and only those', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', { compose: compose(yaml) });
    const template = validatedTemplate(stack);
    const deps = serviceDependsOn(template);
    const pg = mountTargetsOf(template, 'pgdata');
    const cache = mountTargetsOf(template, 'cache');
    expect(deps['App-db']).toEqual(expect.arrayContaining(pg));
    expect(deps['App-db']).not.toEqual(expect.arrayContaining([cache[0]]));
    expect(deps['App-cache']).toEqual(expect.arrayContaining(cache));
    expect(deps['App-web'].some(d => template.toJSON().Resources[d].Type === 'AWS::EFS::MountTarget')).toBe(false);
  });

  test('ComposeFargateService with volumeStorage EFS: the one service waits for every mount target', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: compose(yaml), volumeStorage: VolumeStorage.EFS });
    const template = validatedTemplate(stack);
    const all = idsOf(template, 'AWS::EFS::MountTarget');
    expect(all.length).toBe(4);
    expect(serviceDependsOn(template).App).toEqual(expect.arrayContaining(all));
  });

  test('a file system of the stack passed in fileSystems: its mount targets too', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    const fileSystem = new efs.FileSystem(stack, 'Old', { vpc });
    new ComposeFargateProject(stack, 'App', { compose: compose(yaml), vpc, fileSystems: { pgdata: fileSystem } });
    const template = validatedTemplate(stack);
    const old = idsOf(template, 'AWS::EFS::MountTarget').filter(id => id.startsWith('Old'));
    expect(old.length).toBe(2);
    expect(serviceDependsOn(template)['App-db']).toEqual(expect.arrayContaining(old));
  });
});

describe('names in project files order creation', () => {
  const stack = new Stack(new App(), 'S');
  new ComposeFargateProject(stack, 'App', {
    compose: ComposeDefinition.fromFile(path.join(__dirname, '..', 'fixtures', 'project-files-order', 'docker-compose.yml'), { variables: {} }),
  });
  const template = validatedTemplate(stack);
  const deps = serviceDependsOn(template);
  const idOf = (name: string) => Object.entries(template.findResources('AWS::ECS::Service')).find(([, r]) => r.Properties.ServiceName === `App-${name}`)![0];

  test('the files a build copies (application.properties): the backend after db and cache', () => {
    expect(deps['App-backend']).toEqual(expect.arrayContaining([idOf('db'), idOf('cache')]));
  });

  test('a compose config from a file (nginx proxy_pass): the proxy after the backend', () => {
    expect(deps['App-proxy']).toContain(idOf('backend'));
  });

  test('mounted files that name each other: the first in the file waits for the second, with a warning, and no cycle', () => {
    expect(deps['App-peer-a']).toContain(idOf('peer-b'));
    expect(deps['App-peer-b']).not.toContain(idOf('peer-a'));
    expect(warningsWithId(stack, 'creation-order')).toEqual([expect.stringMatching(/peer-b and peer-a name each other/)]);
  });

  test('services named nowhere wait for no one', () => {
    expect(deps['App-db'].filter(d => template.toJSON().Resources[d].Type === 'AWS::ECS::Service')).toEqual([]);
  });
});
