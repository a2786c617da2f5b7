/**
 * The project's files reach the containers (issue 11): bind-mounted project files in a thin image,
 * development mounts left out, data folders as volumes, file secrets as generated Secrets Manager
 * secrets, named volumes as EFS file systems, in both constructs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams, VolumeStorage } from '../../src';
import { projectFilesImageFolder } from '../../src/resources/images';
import { validatedTemplate } from '../cfn-validate';
import { errorOf, writeFiles } from '../util';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

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

/** The Docker image assets of a stack: the folder built, the Dockerfile in it, the stage, and the container. */
function imageAssets(stack: Stack): { container: string; source: string; file: string; target?: string }[] {
  return stack.node.findAll().filter((c): c is DockerImageAsset => c instanceof DockerImageAsset).map(a => ({
    container: a.node.scope!.node.id,
    source: (a.node.findChild('Staging') as AssetStaging).sourcePath,
    file: (a as any).dockerfilePath,
    target: (a as any).dockerBuildTarget,
  }));
}

/** Every file in a folder, relative to it (not the mark that a generated folder is complete, which no asset holds). */
function filesIn(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter(f => f !== '.cdk-compose-fargate-content' && fs.statSync(path.join(dir, f)).isFile())
    .map(f => f.split(path.sep).join('/')).sort();
}

/** A fixture in both constructs: one task, and one ECS service per compose service; templates validated. */
function inBoth(dir: string, id = 'App') {
  const single = new Stack(new App(), 'Single');
  new ComposeFargateService(single, id, { compose: load(dir) });
  const project = new Stack(new App(), 'Project');
  new ComposeFargateProject(project, id, { compose: load(dir) });
  return { single, singleTemplate: validatedTemplate(single), project, projectTemplate: validatedTemplate(project) };
}

describe('an nginx proxy with a mounted config file, a database and a backend sharing a file secret', () => {
  const { singleTemplate, project, projectTemplate } = inBoth('real/nginx-golang-postgres');

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
      // As Docker mounts them: the shallower target first.
      'COPY ["files/0/","/etc/prometheus/"]',
      'COPY ["files/1","/etc/nginx/conf.d/default.conf"]',
      '',
    ].join('\n'));
    expect(fs.readFileSync(path.join(dir, 'files/1'), 'utf-8')).toContain('proxy_pass http://backend:8000');
    expect(fs.readdirSync(path.join(dir, 'files/0'))).toEqual(['prometheus.yml']);
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

  test('EFS without a VPC (ecs-params subnets only) is an error naming each volume, before any resource exists', () => {
    const ecsParams = EcsParams.fromObject({
      version: 1,
      run_params: { network_configuration: { awsvpc_configuration: { subnets: ['subnet-0123456789abcdef0'], security_groups: ['sg-0123456789abcdef0'] } } },
    });
    const needsVpc = 'an EFS file system needs its VPC, and the ecs-params subnets do not name it: pass the vpc prop, or map the volume to a file system in ecs-params efs_volumes or the fileSystems prop';
    for (const kind of [ComposeFargateService, ComposeFargateProject]) {
      const stack = new Stack(new App(), 'S');
      expect(errorOf(() => new kind(stack, 'App', { compose: load('project-wordpress'), ecsParams, volumeStorage: VolumeStorage.EFS })))
        .toBe(`volumes.wordpress: ${needsVpc}\nvolumes.db: ${needsVpc}`);
      // The construct itself, nothing in it.
      expect(stack.node.findAll().map(c => c.node.path)).toEqual(['S', 'S/App']);
    }
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

  test('a project file mounted into a built service is copied into its build', () => {
    const dir = path.join(FIXTURES, 'real', 'node-mongo');
    const compose = ComposeDefinition.fromYaml('services:\n  api:\n    build: ./backend\n    volumes: ["./frontend/Dockerfile:/etc/x.conf"]\n', { variables: {}, projectDirectory: dir });
    const built = new Stack(new App(), 'S');
    new ComposeFargateService(built, 'App', { compose });
    validatedTemplate(built);
    const [asset] = imageAssets(built);
    expect(asset.file).toBe('Dockerfile.cdk-compose-fargate');
    expect(fs.readFileSync(path.join(asset.source, asset.file), 'utf-8')).toMatch(/COPY \[".cdk-compose-fargate-files\/0","\/etc\/x.conf"\]\n$/);
    expect(fs.readFileSync(path.join(asset.source, '.cdk-compose-fargate-files/0'), 'utf-8'))
      .toBe(fs.readFileSync(path.join(dir, 'frontend/Dockerfile'), 'utf-8'));
  });
});

describe('project files mounted into services built from a Dockerfile (the shape of docker-elk)', () => {
  const { single, singleTemplate, project, projectTemplate } = inBoth('real/elk', 'Elk');

  test.each([['one task', single, singleTemplate], ['one service each', project, projectTemplate]])('%s: each service builds a copy of its context with its config files COPYed', (_name, stack, template) => {
    const assets = imageAssets(stack as Stack);
    expect(assets.map(a => a.container).sort()).toEqual(['elasticsearch', 'kibana', 'logstash']);
    for (const c of containersOf(template as Template)) {
      if (c.Name === 'compose-files-init') continue;
      expect(isAssetImage(c.Image)).toBe(true);
    }
    const logstash = assets.find(a => a.container === 'logstash')!;
    expect(logstash.file).toBe('Dockerfile.cdk-compose-fargate');
    expect(fs.readFileSync(path.join(logstash.source, logstash.file), 'utf-8')).toBe([
      'ARG ELASTIC_VERSION',
      '',
      '# https://www.docker.elastic.co/',
      'FROM docker.elastic.co/logstash/logstash:${ELASTIC_VERSION:-8.15.0}',
      '',
      '# Add your logstash plugins setup here',
      '# Example: RUN logstash-plugin install analysis-icu',
      '# cdk-compose-fargate: the project files the compose file mounts into the service',
      'COPY [".cdk-compose-fargate-files/0/","/usr/share/logstash/pipeline/"]',
      'COPY [".cdk-compose-fargate-files/1","/usr/share/logstash/config/logstash.yml"]',
      '',
    ].join('\n'));
    // The context as Docker sends it (its .dockerignore leaves out the Dockerfile), the files, and the ignore file letting them in.
    expect(filesIn(logstash.source)).toEqual([
      '.cdk-compose-fargate-files/0/logstash.conf', '.cdk-compose-fargate-files/1', '.dockerignore', 'Dockerfile.cdk-compose-fargate',
      'config/logstash.yml', 'pipeline/logstash.conf',
    ]);
    expect(fs.readFileSync(path.join(logstash.source, '.dockerignore'), 'utf-8')).toMatch(/^Dockerfile\n\.dockerignore\n\*\*\/\.DS_Store\n!\.cdk-compose-fargate-files\n!\.cdk-compose-fargate-files\/\*\*\n$/);
  });

  test.each([['one task', singleTemplate], ['one service each', projectTemplate]])('%s: the config files are no mounts; the named volume still is', (_name, template) => {
    const containers = containersOf(template as Template);
    expect(containers.find(c => c.Name === 'logstash').MountPoints ?? []).toEqual([]);
    expect(containers.find(c => c.Name === 'kibana').MountPoints ?? []).toEqual([]);
    expect(containers.find(c => c.Name === 'elasticsearch').MountPoints).toEqual([{ SourceVolume: 'elasticsearch', ContainerPath: '/usr/share/elasticsearch/data', ReadOnly: false }]);
  });

  test('the build arguments stay; in a project the data volume is EFS', () => {
    const asset = (project.node.findAll().find(c => c instanceof DockerImageAsset && c.node.scope!.node.id === 'elasticsearch') as DockerImageAsset);
    expect((asset as any).dockerBuildArgs).toEqual({ ELASTIC_VERSION: '8.15.0' });
    expect(resources(projectTemplate, 'AWS::EFS::FileSystem')).toHaveLength(1);
  });

  test('each file is warned about, naming where it goes', () => {
    expect(warnings(single)).toEqual(expect.arrayContaining([
      'docker-compose.yml: services.logstash.volumes[1]: ./logstash/pipeline is put into the container at /usr/share/logstash/pipeline: '
      + 'copied at the end of the last stage of Dockerfile, in a copy of the build context made at synth (the folder itself is not changed) [ack: cdk-compose-fargate:project-files]',
    ].map(expect.stringContaining)));
    expect(warnings(single).filter(w => w.includes('cdk-compose-fargate:project-files'))).toHaveLength(4);
  });

  test('the project folder is not changed', () => {
    expect(filesIn(path.join(FIXTURES, 'real/elk'))).toEqual([
      '.env', 'docker-compose.yml',
      'elasticsearch/.dockerignore', 'elasticsearch/Dockerfile', 'elasticsearch/config/elasticsearch.yml',
      'kibana/.dockerignore', 'kibana/Dockerfile', 'kibana/config/kibana.yml',
      'logstash/.dockerignore', 'logstash/Dockerfile', 'logstash/config/logstash.yml', 'logstash/pipeline/logstash.conf',
    ]);
  });
});

describe('a build to a target stage, a project config, and a Dockerfile outside the context', () => {
  const { single, project } = inBoth('build-files');
  const stacks = [single, project];

  test.each(stacks.map(s => [s.stackName, s]))('%s: the files are COPYed at the end of the target stage, before the next', (_name, stack) => {
    const api = imageAssets(stack as Stack).find(a => a.container === 'api')!;
    expect(api.target).toBe('production');
    const dockerfile = fs.readFileSync(path.join(api.source, api.file), 'utf-8');
    expect(dockerfile).toContain([
      'CMD ["node", "server.js"]',
      '# cdk-compose-fargate: the project files the compose file mounts into the service',
      // Owned by the user the stage runs as (USER node), as the developer's files were.
      'COPY --chown=node [".cdk-compose-fargate-files/0","/app/config/app.json"]',
      'COPY --chown=node [".cdk-compose-fargate-files/1","/app/config/flags.json"]',
      '',
      '# Local development: nodemon restarts on edits',
      'FROM base AS development',
    ].join('\n'));
    expect(fs.readFileSync(path.join(api.source, '.cdk-compose-fargate-files/1'), 'utf-8')).toBe('{"beta": false}\n');
    // What .dockerignore leaves out is not copied.
    expect(filesIn(api.source)).not.toContain('notes.tmp');
    expect(filesIn(api.source)).toContain('server.js');
  });

  test.each(stacks.map(s => [s.stackName, s]))('%s: a Dockerfile outside the context is copied into the context it builds', (_name, stack) => {
    const worker = imageAssets(stack as Stack).find(a => a.container === 'worker')!;
    expect(filesIn(worker.source)).toEqual(['Dockerfile.cdk-compose-fargate', 'worker.js']);
    expect(fs.readFileSync(path.join(worker.source, worker.file), 'utf-8'))
      .toBe(fs.readFileSync(path.join(FIXTURES, 'build-files/docker/worker.Dockerfile'), 'utf-8'));
  });

  test('a build whose files and context did not change reuses its folder; a changed file gives a new one', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'build-files-'));
    fs.cpSync(path.join(FIXTURES, 'build-files'), copy, { recursive: true });
    const source = () => {
      const stack = new Stack(new App(), 'S');
      new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(copy, 'docker-compose.yml'), { variables: {} }) });
      return imageAssets(stack).find(a => a.container === 'api')!.source;
    };
    const first = source();
    expect(source()).toBe(first);
    fs.writeFileSync(path.join(copy, 'config/app.json'), '{"greeting": "changed"}\n');
    expect(source()).not.toBe(first);
    fs.writeFileSync(path.join(copy, 'api/notes.tmp'), 'ignored by .dockerignore, so no new build');
    const second = source();
    fs.writeFileSync(path.join(copy, 'api/notes.tmp'), 'changed again');
    expect(source()).toBe(second);
  });

  test('the CDK output folder inside the context is never copied', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'build-files-'));
    fs.cpSync(path.join(FIXTURES, 'build-files'), copy, { recursive: true });
    fs.mkdirSync(path.join(copy, 'api/config'));
    fs.writeFileSync(path.join(copy, 'api/config/app.json'), '{}');
    const compose = ComposeDefinition.fromYaml('services:\n  app:\n    build: .\n    volumes: ["./config/app.json:/app/config/app.json:ro"]\n', { variables: {}, projectDirectory: path.join(copy, 'api') });
    const stack = new Stack(new App({ outdir: path.join(copy, 'api/cdk.out') }), 'S');
    new ComposeFargateService(stack, 'App', { compose });
    fs.mkdirSync(path.join(copy, 'api/cdk.out'), { recursive: true });
    fs.writeFileSync(path.join(copy, 'api/cdk.out/manifest.json'), '{}');
    const again = new Stack(new App({ outdir: path.join(copy, 'api/cdk.out') }), 'S');
    new ComposeFargateService(again, 'App', { compose });
    const [asset] = imageAssets(again);
    expect(filesIn(asset.source).filter(f => f.startsWith('cdk.out'))).toEqual([]);
  });

  test('a build target the Dockerfile does not have is an error naming its stages', () => {
    const compose = () => ComposeDefinition.fromYaml('services:\n  api:\n    build:\n      context: ./api\n      target: prod\n', { variables: {}, projectDirectory: path.join(FIXTURES, 'build-files') });
    expect(errorOf(compose)).toBe('services.api.build.target: no stage "prod" in Dockerfile: its stages are base, production, development');
  });
});

describe('an anonymous volume that shields the image\'s node_modules from a mounted source folder', () => {
  /** The fixture with a local node_modules in each source folder, as a developer's machine has. */
  function withLocalModules(): string {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'node-dev-mounts-'));
    fs.cpSync(path.join(FIXTURES, 'real/node-dev-mounts'), copy, { recursive: true });
    for (const app of ['api', 'web']) {
      fs.mkdirSync(path.join(copy, app, 'node_modules/left-pad'), { recursive: true });
      fs.writeFileSync(path.join(copy, app, 'node_modules/left-pad/index.js'), 'module.exports = s => s;\n');
    }
    return copy;
  }
  const dir = withLocalModules();
  const stacks = [new Stack(new App(), 'Single'), new Stack(new App(), 'Project')];
  const compose = ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} });
  new ComposeFargateService(stacks[0], 'App', { compose });
  new ComposeFargateProject(stacks[1], 'App', { compose });
  const templates = stacks.map(validatedTemplate);

  test.each([['one task', 0], ['one service each', 1]])('%s: no volume at node_modules, where it would start empty and hide the image\'s modules', (_name, i) => {
    for (const name of ['api', 'web']) {
      expect(containersOf(templates[i as number]).find(c => c.Name === name).MountPoints ?? []).toEqual([]);
    }
  });

  test.each([['one task', 0], ['one service each', 1]])('%s: the source folder is in the image without the local node_modules', (_name, i) => {
    const assets = imageAssets(stacks[i as number]);
    const api = assets.find(a => a.container === 'api')!;
    expect(fs.readFileSync(path.join(api.source, api.file), 'utf-8')).toMatch(/COPY \[".cdk-compose-fargate-files\/0\/","\/usr\/src\/app\/"\]\n$/);
    expect(filesIn(path.join(api.source, '.cdk-compose-fargate-files/0'))).toEqual(['Dockerfile', 'index.js', 'package.json']);
    // The build context itself is what Docker would send (the Dockerfile's npm install makes the image's modules).
    expect(filesIn(api.source)).toContain('node_modules/left-pad/index.js');
    const web = assets.find(a => a.container === 'web')!;
    expect(filesIn(path.join(web.source, 'files/0'))).toEqual(['package.json', 'server.js']);
  });

  test('each anonymous volume left out is warned about, naming the mount it served', () => {
    expect(warnings(stacks[0])).toEqual(expect.arrayContaining([
      'docker-compose.yml: services.api.volumes[1]: left out: under compose this volume keeps the image\'s files at /usr/src/app/node_modules from being hidden by the mount of ./api; '
      + 'on Fargate the image keeps them without it (a volume there would start empty) [ack: cdk-compose-fargate:shielded-path]',
    ].map(expect.stringContaining)));
    expect(warnings(stacks[0]).filter(w => w.includes('shielded-path'))).toHaveLength(2);
  });

  test('an anonymous volume elsewhere is still a volume', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromYaml('services:\n  web:\n    image: node:20-alpine\n    volumes: ["./web:/app", "/tmp/cache"]\n', { variables: {}, projectDirectory: dir }),
    });
    expect(containersOf(validatedTemplate(stack))[0].MountPoints).toEqual([{ SourceVolume: 'volume-0', ContainerPath: '/tmp/cache', ReadOnly: false }]);
  });
});

describe('found by a review against BuildKit and Docker', () => {
  /** A project folder with the given files, and the compose file in it. */
  const folder = (files: Record<string, string>) => writeFiles(fs.mkdtempSync(path.join(os.tmpdir(), 'review-')), files);
  function synth(dir: string) {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }) });
    return { stack, template: validatedTemplate(stack) };
  }
  const dockerfileOf = (stack: Stack, container: string) => {
    const asset = imageAssets(stack).find(a => a.container === container)!;
    return fs.readFileSync(path.join(asset.source, asset.file ?? 'Dockerfile'), 'utf-8');
  };

  test('a folder that only a builder stage copies is no development mount: it is put into the image', () => {
    const dir = folder({
      'docker-compose.yml': 'services:\n  api:\n    build: .\n    volumes: ["./config:/app/config:ro"]\n',
      'Dockerfile': 'FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm run build\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\n',
      'config/app.json': '{}',
    });
    const { stack } = synth(dir);
    expect(dockerfileOf(stack, 'api')).toContain('COPY [".cdk-compose-fargate-files/0/","/app/config/"]');
  });

  test('WORKDIR $APP_HOME: the source mounted there is a development mount, left out', () => {
    const dir = folder({
      'docker-compose.yml': 'services:\n  web:\n    build: ./app\n    volumes: ["./app:/home/app/web"]\n',
      'app/Dockerfile': 'FROM python:3.12\nENV HOME=/home/app\nENV APP_HOME=$HOME/web\nWORKDIR $APP_HOME\nCOPY . .\n',
      'app/manage.py': 'print(1)\n',
    });
    const { stack, template } = synth(dir);
    expect(imageAssets(stack)[0].file ?? 'Dockerfile').toBe('Dockerfile');
    expect(containersOf(template)[0].MountPoints ?? []).toEqual([]);
    expect(warnings(stack).some(w => w.includes('services.web.volumes[0]: left out: ./app holds files the image already has at /home/app/web'))).toBe(true);
  });

  test('with read_only, an anonymous volume inside a mounted folder stays: it is what can be written', () => {
    const dir = folder({
      'docker-compose.yml': 'services:\n  web:\n    image: node:20\n    read_only: true\n    volumes: ["./app:/app:ro", "/app/tmp"]\n',
      'app/server.js': '',
    });
    expect(containersOf(synth(dir).template)[0].MountPoints).toEqual([{ SourceVolume: 'volume-0', ContainerPath: '/app/tmp', ReadOnly: false }]);
  });

  test('files belong to the user the service runs as; a config keeps its uid, gid and mode', () => {
    const dir = folder({
      'docker-compose.yml': [
        'services:',
        '  web:',
        '    image: node:20',
        '    user: "1000:1000"',
        '    volumes: ["./key.pem:/app/key.pem:ro"]',
        '    configs:',
        '      - source: entry',
        '        target: /app/entry.sh',
        '        uid: "10"',
        '        gid: "20"',
        '        mode: 0755',
        'configs:',
        '  entry:',
        '    file: ./entry.sh',
      ].join('\n'),
      'key.pem': 'secret',
      'entry.sh': '#!/bin/sh\nexec node server.js\n',
    });
    expect(dockerfileOf(synth(dir).stack, 'web')).toBe([
      'FROM node:20',
      'COPY --chown=1000:1000 ["files/0","/app/key.pem"]',
      'COPY --chown=10:20 --chmod=0755 ["files/1","/app/entry.sh"]',
      '',
    ].join('\n'));
  });

  test('a generated folder that a temp cleaner emptied in part is made again', () => {
    const dir = folder({
      'docker-compose.yml': 'services:\n  api:\n    build: .\n    volumes: ["./conf/app.conf:/etc/app.conf:ro"]\n',
      'Dockerfile': 'FROM alpine\nCOPY server.sh /server.sh\n',
      'server.sh': 'echo hi\n',
      'conf/app.conf': 'a=1\n',
    });
    const first = imageAssets(synth(dir).stack)[0].source;
    fs.rmSync(path.join(first, 'server.sh'));
    const again = imageAssets(synth(dir).stack)[0].source;
    expect(again).toBe(first);
    expect(filesIn(again)).toContain('server.sh');
  });

  test('a heredoc that never ends is an error before deploy, naming the line', () => {
    const dir = folder({
      'docker-compose.yml': 'services:\n  api:\n    build: .\n',
      'Dockerfile': 'FROM alpine\nRUN <<EOF\necho hi\n',
    });
    expect(errorOf(() => synth(dir))).toBe('docker-compose.yml: services.api.build: Dockerfile line 2: the heredoc of `RUN <<EOF` never ends: its delimiter must stand alone on a line');
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
