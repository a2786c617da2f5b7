/**
 * The project's files reach the containers (issue 11): bind-mounted project files in a thin image,
 * development mounts left out, data folders as volumes, file secrets as generated Secrets Manager
 * secrets, named volumes as EFS file systems, in both constructs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { validatedTemplate } from './cfn-validate';
import { errorOf } from './util';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams, VolumeStorage } from '../src';
import { projectFilesImageFolder } from '../src/build/storage';
import { dockerfileCopies } from '../src/private/plan/volumes';

const FIXTURES = path.join(__dirname, 'fixtures');

function load(dir: string) {
  return ComposeDefinition.fromFile(path.join(FIXTURES, dir, 'docker-compose.yml'), { variables: {} });
}

function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
}

function resources(template: Template, type: string): [string, any][] {
  return Object.entries(template.findResources(type));
}

function containersOf(template: Template, family?: string): any[] {
  return resources(template, 'AWS::ECS::TaskDefinition')
    .filter(([, t]) => family === undefined || t.Properties.Family === family)
    .flatMap(([, t]) => t.Properties.ContainerDefinitions);
}

const isAssetImage = (image: unknown) => JSON.stringify(image).includes('container-assets');

describe('an nginx proxy with a mounted config file, a database and a backend sharing a file secret', () => {
  const single = new Stack(new App(), 'Single');
  new ComposeFargateService(single, 'App', { compose: load('real/nginx-golang-postgres') });
  const singleTemplate = validatedTemplate(single);
  const project = new Stack(new App(), 'Project');
  new ComposeFargateProject(project, 'App', { compose: load('real/nginx-golang-postgres') });
  const projectTemplate = validatedTemplate(project);

  test.each([['one task', singleTemplate], ['one service each', projectTemplate]])('%s: the proxy runs an image built on nginx with the file in it', (_name, template) => {
    const proxy = containersOf(template as Template).find(c => c.Name === 'proxy');
    expect(isAssetImage(proxy.Image)).toBe(true);
    expect(proxy.MountPoints ?? []).toEqual([]);
  });

  test('the image folder: FROM the service image, the file copied to its target', () => {
    const dir = projectFilesImageFolder('nginx:1.27', [
      { target: '/etc/nginx/conf.d/default.conf', source: path.join(FIXTURES, 'real/nginx-golang-postgres/proxy/nginx.conf'), isFolder: false },
      { target: '/etc/prometheus', source: path.join(FIXTURES, 'real/prometheus-grafana/prometheus'), isFolder: true },
    ]);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf-8')).toBe([
      'FROM nginx:1.27',
      'COPY ["files/0","/etc/nginx/conf.d/default.conf"]',
      'COPY ["files/1/","/etc/prometheus/"]',
      '',
    ].join('\n'));
    expect(fs.readFileSync(path.join(dir, 'files/0'), 'utf-8')).toContain('proxy_pass http://backend:8000');
    expect(fs.readdirSync(path.join(dir, 'files/1'))).toEqual(['prometheus.yml']);
    // The same files give the same folder (and so the same image asset).
    expect(projectFilesImageFolder('nginx:1.27', [{ target: '/x', content: 'a', isFolder: false }]))
      .toBe(projectFilesImageFolder('nginx:1.27', [{ target: '/x', content: 'a', isFolder: false }]));
  });

  test.each([['one task', singleTemplate], ['one service each', projectTemplate]])('%s: one generated secret, its local value nowhere in the template', (_name, template) => {
    const secrets = resources(template as Template, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    expect(secrets[0][1].Properties.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: 32 });
    expect(JSON.stringify((template as Template).toJSON())).not.toContain('example-db-password');
  });

  test('the secret reaches /run/secrets/db-password in db and backend, and only their execution roles may read it', () => {
    const [secretId] = resources(projectTemplate, 'AWS::SecretsManager::Secret')[0];
    for (const family of ['App-db', 'App-backend']) {
      const init = containersOf(projectTemplate, family).find(c => c.Name === 'compose-files-init');
      expect(init.Secrets).toEqual([{ Name: 'COMPOSE_FILE_0', ValueFrom: { Ref: secretId } }]);
      expect(init.Command[0]).toContain("> '/compose-files/");
      expect(init.Command[0]).toContain('/db-password');
    }
    const readers = resources(projectTemplate, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes(secretId))
      .map(([, p]) => p.Properties.Roles[0].Ref);
    expect(readers.sort()).toEqual([expect.stringMatching(/^AppbackendExecutionRole/), expect.stringMatching(/^AppdbExecutionRole/)]);
    expect(containersOf(projectTemplate, 'App-proxy').some(c => c.Name === 'compose-files-init')).toBe(false);
  });

  test('warnings: the generated secret (how to set an exact value), the file put into the image', () => {
    const all = warnings(project);
    expect(all.some(w => w.includes('secrets.db-password: the stack makes a Secrets Manager secret with a generated value') && w.includes('put-secret-value'))).toBe(true);
    expect(all.some(w => w.includes('services.proxy.volumes[0]: ./proxy/nginx.conf is put into the container at /etc/nginx/conf.d/default.conf'))).toBe(true);
  });

  test('a given secret replaces the generated one', () => {
    const stack = new Stack(new App(), 'Given');
    const existing = secretsmanager.Secret.fromSecretNameV2(stack, 'Existing', 'prod/db-password');
    new ComposeFargateProject(stack, 'App', { compose: load('real/nginx-golang-postgres'), secrets: { 'db-password': existing } });
    const template = validatedTemplate(stack);
    expect(resources(template, 'AWS::SecretsManager::Secret')).toHaveLength(0);
    expect(JSON.stringify(containersOf(template, 'App-db').find(c => c.Name === 'compose-files-init').Secrets)).toContain('secret:prod/db-password');
  });
});

describe('WordPress with named volumes, one service each', () => {
  const stack = new Stack(new App(), 'S');
  new ComposeFargateProject(stack, 'Blog', { compose: load('project-wordpress') });
  const template = validatedTemplate(stack);

  test('an EFS file system per named volume: encrypted, backed up, retained, an access point each', () => {
    const systems = resources(template, 'AWS::EFS::FileSystem');
    expect(systems).toHaveLength(2);
    for (const [, fsys] of systems) {
      expect(fsys.Properties).toMatchObject({ Encrypted: true, BackupPolicy: { Status: 'ENABLED' } });
      expect(fsys.DeletionPolicy).toBe('Retain');
    }
    expect(resources(template, 'AWS::EFS::AccessPoint').map(([, a]) => a.Properties.RootDirectory.Path).sort()).toEqual(['/db', '/wordpress']);
    expect(resources(template, 'AWS::EFS::MountTarget')).toHaveLength(4);
  });

  test('the task mounts its volume over TLS with IAM, and its role may mount, write and act as root on that file system only', () => {
    const db = resources(template, 'AWS::ECS::TaskDefinition').find(([, t]) => t.Properties.Family === 'blog-db')![1];
    const volume = db.Properties.Volumes[0];
    expect(volume.EFSVolumeConfiguration).toMatchObject({ TransitEncryption: 'ENABLED', AuthorizationConfig: { IAM: 'ENABLED' } });
    const fsId = volume.EFSVolumeConfiguration.FilesystemId.Ref;
    const grant = resources(template, 'AWS::IAM::Policy').find(([, p]) => p.Properties.Roles[0].Ref.startsWith('BlogdbTaskDefinitionTaskRole'))![1];
    expect(grant.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientRootAccess'],
      Resource: { 'Fn::GetAtt': [fsId, 'Arn'] },
    })]);
  });

  test('NFS is admitted only from the service that mounts the file system', () => {
    const rules = resources(template, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.FromPort === 2049);
    expect(rules).toHaveLength(2);
    for (const [, r] of rules) expect(r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]).toMatch(/^Blog(db|wordpress)SecurityGroup/);
    expect(JSON.stringify(resources(template, 'AWS::EC2::SecurityGroup'))).not.toMatch(/"CidrIp":"0\.0\.0\.0\/0","Description":"[^"]*","FromPort":2049/);
  });
});

describe('ComposeFargateService: task storage by default, EFS when asked', () => {
  test('default: task storage with a warning; VolumeStorage.EFS: a file system the construct makes', () => {
    const plain = new Stack(new App(), 'Plain');
    new ComposeFargateService(plain, 'Blog', { compose: load('project-wordpress') });
    expect(resources(validatedTemplate(plain), 'AWS::EFS::FileSystem')).toHaveLength(0);
    expect(warnings(plain).some(w => w.includes('volumes.db: task storage on Fargate'))).toBe(true);

    const withEfs = new Stack(new App(), 'Efs');
    new ComposeFargateService(withEfs, 'Blog', { compose: load('project-wordpress'), volumeStorage: VolumeStorage.EFS });
    const template = validatedTemplate(withEfs);
    expect(resources(template, 'AWS::EFS::FileSystem')).toHaveLength(2);
    expect(resources(template, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.FromPort === 2049)).toHaveLength(2);
  });

  test('an external volume on a file system given in fileSystems', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    const existing = new efs.FileSystem(stack, 'Existing', { vpc });
    new ComposeFargateService(stack, 'App', {
      vpc,
      compose: ComposeDefinition.fromYaml('services:\n  db:\n    image: postgres:16\n    volumes: ["pgdata:/var/lib/postgresql/data"]\nvolumes:\n  pgdata:\n    external: true\n', { variables: {} }),
      fileSystems: { pgdata: existing },
    });
    const template = validatedTemplate(stack);
    const td = resources(template, 'AWS::ECS::TaskDefinition')[0][1];
    expect(td.Properties.Volumes[0].EFSVolumeConfiguration.FilesystemId).toEqual({ Ref: expect.stringMatching(/^Existing/) });
  });

  test('EFS without a VPC (ecs-params subnets only) is an error naming the volume', () => {
    const ecsParams = EcsParams.fromObject({
      version: 1,
      run_params: { network_configuration: { awsvpc_configuration: { subnets: ['subnet-0123456789abcdef0'], security_groups: ['sg-0123456789abcdef0'] } } },
    });
    expect(errorOf(() => new ComposeFargateService(new Stack(new App(), 'S'), 'App', { compose: load('project-wordpress'), ecsParams, volumeStorage: VolumeStorage.EFS })))
      .toBe('volumes.wordpress: an EFS file system needs its VPC, and the ecs-params subnets do not name it: pass the vpc prop, or map the volume to a file system in ecs-params efs_volumes or the fileSystems prop');
  });
});

describe('development mounts and data folders', () => {
  const stack = new Stack(new App(), 'S');
  new ComposeFargateProject(stack, 'App', { compose: load('real/node-mongo') });
  const template = validatedTemplate(stack);

  test('a mount of source the Dockerfile already copies is left out, with a warning', () => {
    expect(containersOf(template).find(c => c.Name === 'frontend').MountPoints ?? []).toEqual([]);
    expect(warnings(stack)).toEqual(expect.arrayContaining([expect.stringContaining('services.frontend.volumes[0]: left out: ./frontend/src holds files the image already has at /app/src')]));
  });

  test('a missing folder mounted for data is a volume like a named one (EFS in a project)', () => {
    const mongo = containersOf(template).find(c => c.Name === 'mongo');
    expect(mongo.MountPoints).toEqual([{ SourceVolume: 'bind-data', ContainerPath: '/data/db', ReadOnly: false }]);
    expect(resources(template, 'AWS::EFS::AccessPoint').map(([, a]) => a.Properties.RootDirectory.Path)).toEqual(['/bind-data']);
  });

  test('Dockerfile COPY destinations follow WORKDIR; COPY --from is not the context', () => {
    expect(dockerfileCopies('FROM node\nWORKDIR /app\nCOPY package*.json ./\nCOPY --from=build /out /srv\nCOPY . .\nWORKDIR src\nADD ["a b", "c"]\n')).toEqual([
      { sources: ['package*.json'], destination: '/app' },
      { sources: ['.'], destination: '/app' },
      { sources: ['a b'], destination: '/app/src/c' },
    ]);
  });

  test('a project file mounted into a built service must be in its Dockerfile', () => {
    const dir = path.join(FIXTURES, 'real', 'node-mongo');
    const compose = ComposeDefinition.fromYaml('services:\n  api:\n    build: ./backend\n    volumes: ["./frontend/Dockerfile:/etc/x.conf"]\n', { variables: {}, projectDirectory: dir });
    expect(errorOf(() => new ComposeFargateService(new Stack(new App(), 'S'), 'App', { compose })))
      .toContain('services.api.volumes[0]: ./frontend/Dockerfile is mounted into a service built from');
  });
});

describe('configs defined in the project', () => {
  test('content: and file: configs are put into the image at their target', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromYaml([
        'services:',
        '  web:',
        '    image: nginx:1.27',
        '    configs:',
        '      - source: site',
        '        target: /etc/nginx/conf.d/site.conf',
        'configs:',
        '  site:',
        '    content: |',
        '      server { listen 80; }',
      ].join('\n'), { variables: {} }),
    });
    const template = validatedTemplate(stack);
    const web = containersOf(template).find(c => c.Name === 'web');
    expect(isAssetImage(web.Image)).toBe(true);
    expect(containersOf(template).some(c => c.Name === 'compose-files-init')).toBe(false);
  });
});
