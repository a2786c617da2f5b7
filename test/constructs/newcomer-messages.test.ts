/**
 * What a newcomer reads: every warning names the file and the path in it, as errors do; conflicts
 * carry their units; a project path that is missing where a file must be is an error naming it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams } from '../../src';
import { validatedTemplate } from '../cfn-validate';
import { errorOf, writeFiles } from '../util';

function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
}

function folder(files: Record<string, string>): string {
  return writeFiles(fs.mkdtempSync(path.join(os.tmpdir(), 'newcomer-')), files);
}

describe('warnings name the file and the path', () => {
  test('a published database port: the port it comes from', () => {
    const dir = folder({ 'docker-compose.yml': 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n  db:\n    image: mysql:8\n    ports: ["3306:3306"]\n' });
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }) });
    validatedTemplate(stack);
    const found = warnings(stack).filter(w => w.includes('published port 3306/tcp'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^docker-compose\.yml: services\.db\.ports\[0\]: published port 3306\/tcp holds port 3306/);
  });

  test('a generated secret: the declaration in the file, once, and none for a secret the props give', () => {
    const dir = folder({
      'docker-compose.yml': 'services:\n  web:\n    image: nginx\n    secrets: [db_password, api_key]\n  worker:\n    image: busybox\n    secrets: [db_password]\n'
        + 'secrets:\n  db_password:\n    file: ./db_password.txt\n  api_key:\n    file: ./api_key.txt\n',
      'db_password.txt': 'x',
      'api_key.txt': 'y',
    });
    for (const Construct of [ComposeFargateService, ComposeFargateProject]) {
      const stack = new Stack(new App(), 'S');
      const apiKey = secretsmanager.Secret.fromSecretNameV2(stack, 'ApiKey', 'prod/api-key');
      new Construct(stack, 'App', {
        compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }),
        secrets: { api_key: apiKey },
      });
      validatedTemplate(stack);
      const generated = warnings(stack).filter(w => w.includes('generated value'));
      expect(generated).toEqual([expect.stringMatching(/^docker-compose\.yml: secrets\.db_password: the stack makes a Secrets Manager secret with a generated value/)]);
    }
  });

  test('a port the project does not open behind the load balancer: the port in the file', () => {
    const yaml = 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n  admin:\n    image: adminer\n    ports: ["8080:8080"]\n';
    const dir = folder({ 'docker-compose.yml': yaml });
    const stack = new Stack(new App(), 'S');
    new ComposeFargateProject(stack, 'App', {
      compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }),
      loadBalancer: { targets: [{ service: 'web', containerPort: 80 }] },
    });
    validatedTemplate(stack);
    expect(warnings(stack).filter(w => w.includes('which stay closed'))).toEqual([
      expect.stringMatching(/^docker-compose\.yml: services\.admin\.ports\[0\]: admin publishes 8080\/tcp, which stay closed/),
    ]);
  });

  test('ECS Exec with an ecs-params task role: the key in ecs-params.yml', () => {
    const dir = folder({
      'docker-compose.yml': 'services:\n  web:\n    image: nginx\n',
      'ecs-params.yml': 'version: 1\ntask_definition:\n  task_role_arn: app-task-role\n',
    });
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }),
      ecsParams: EcsParams.fromFile(path.join(dir, 'ecs-params.yml'), { variables: {} }),
      enableExecuteCommand: true,
    });
    validatedTemplate(stack);
    expect(warnings(stack)).toContainEqual(expect.stringMatching(/^ecs-params\.yml: task_definition\.task_role_arn: enableExecuteCommand: the task role comes from ecs-params/));
  });
});

describe('conflicting values carry their units', () => {
  test('memory given twice', () => {
    const yaml = 'services:\n  web:\n    image: nginx\n    mem_limit: 1g\n    deploy:\n      resources:\n        limits:\n          memory: 512m\n';
    const stack = new Stack(new App(), 'S');
    expect(errorOf(() => new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(yaml, { variables: {} }) })))
      .toMatch(/services\.web\.deploy\.resources\.limits\.memory: "512m" \(512 MiB\) conflicts with the 1024 MiB set at services\.web\.mem_limit: give one/);
  });

  test('CPU given twice', () => {
    const yaml = 'services:\n  web:\n    image: nginx\n    cpu_shares: 256\n    deploy:\n      resources:\n        limits:\n          cpus: "1"\n';
    const stack = new Stack(new App(), 'S');
    expect(errorOf(() => new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromYaml(yaml, { variables: {} }) })))
      .toMatch(/conflicts with the 256 CPU units set at services\.web\.cpu_shares: give one/);
  });
});

describe('a project path that is missing where a file must be', () => {
  const synth = (files: Record<string, string>, Construct: typeof ComposeFargateService | typeof ComposeFargateProject = ComposeFargateService) => {
    const dir = folder(files);
    const stack = new Stack(new App(), 'S');
    new Construct(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }) });
    return stack;
  };

  test.each([
    ['read-only', '      - ./conf:/etc/app:ro\n', /services\.web\.volumes\[0\]: \.\/conf: file not found in the project folder: it is mounted read-only at \/etc\/app/],
    ['at a file of the image', '      - ./nginx.conf:/etc/nginx/nginx.conf\n', /services\.web\.volumes\[0\]: \.\/nginx\.conf: file not found in the project folder: it is mounted at \/etc\/nginx\/nginx\.conf, a file/],
    ['a file by its own name, at a folder', '      - ./init.sql:/docker-entrypoint-initdb.d/\n', /\.\/init\.sql: file not found in the project folder/],
    ['long syntax without create_host_path', '      - type: bind\n        source: ./data\n        target: /data\n', /\.\/data: file not found in the project folder: a long-syntax bind mount of a missing path does not start under Docker either/],
  ])('%s: an error naming the file, in both models', (_case, mount, expected) => {
    for (const Construct of [ComposeFargateService, ComposeFargateProject]) {
      expect(errorOf(() => synth({ 'docker-compose.yml': `services:\n  web:\n    image: nginx\n    volumes:\n${mount}` }, Construct))).toMatch(expected);
    }
  });

  test('every such mount of a file is reported at once', () => {
    const message = errorOf(() => synth({
      'docker-compose.yml': 'services:\n  web:\n    image: nginx\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./certs:/etc/certs:ro\n',
    }));
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^docker-compose\.yml: services\.web\.volumes\[0\]: \.\/nginx\.conf: file not found/),
      expect.stringMatching(/^docker-compose\.yml: services\.web\.volumes\[1\]: \.\/certs: file not found/),
    ]);
  });

  test('a missing folder the service writes (short syntax, or create_host_path) is still a data volume', () => {
    for (const mount of ['      - ./data:/var/lib/data\n', '      - type: bind\n        source: ./data\n        target: /var/lib/data\n        bind:\n          create_host_path: true\n']) {
      const stack = synth({ 'docker-compose.yml': `services:\n  web:\n    image: nginx\n    volumes:\n${mount}` });
      const template = validatedTemplate(stack);
      const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map(r => r.Properties);
      expect(task.ContainerDefinitions[0].MountPoints).toEqual([expect.objectContaining({ ContainerPath: '/var/lib/data', ReadOnly: false })]);
    }
  });

  test('the file once it exists is put into the container', () => {
    const stack = synth({ 'docker-compose.yml': 'services:\n  web:\n    image: nginx\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n', 'nginx.conf': 'events {}\n' });
    validatedTemplate(stack);
    expect(warnings(stack)).toContainEqual(expect.stringMatching(/services\.web\.volumes\[0\]: \.\/nginx\.conf is put into the container at \/etc\/nginx\/nginx\.conf/));
  });
});

describe('every problem of one compose file at once', () => {
  test('what loading finds (a missing env_file, a variable that does not interpolate) does not hide the rest', () => {
    const dir = folder({
      'docker-compose.yml': 'services:\n  web:\n    image: nginx\n    env_file: web.env\n    ports: ["${PORT:?set PORT}", "eighty"]\n    depends_on: [cache]\n  worker:\n    image: busybox\n    depends_on: [worker]\n    mem_limit: lots\n',
    });
    const message = errorOf(() => ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }));
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^docker-compose\.yml: services\.web\.ports\[0\]: cannot interpolate "\$\{PORT:\?set PORT\}": required variable PORT is not set: set PORT$/),
      expect.stringMatching(/^docker-compose\.yml: services\.web\.env_file: env_file "web\.env": file not found \(looked for \/.*\/web\.env\)$/),
      // (the port that did not interpolate is not also reported as a port that does not parse)
      expect.stringMatching(/^docker-compose\.yml: services\.web\.ports\[1\]: .*got "eighty"$/),
      'docker-compose.yml: services.worker.mem_limit: expected a size like "512m", "0.5GB", "1g" or a number of bytes; got "lots"',
      'docker-compose.yml: services.web.depends_on[0]: no service "cache" to depend on: the services are web, worker',
      'docker-compose.yml: services.worker.depends_on[0]: service worker cannot depend on itself',
    ]);
  });

  test('a service whose extends fails is reported once, not again for what its base would have given', () => {
    const dir = folder({ 'docker-compose.yml': 'services:\n  web:\n    extends:\n      file: base.yml\n      service: web\n  db:\n    image: postgres\n    ports: ["nope"]\n' });
    const message = errorOf(() => ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }));
    expect(message.split('\n')).toEqual([
      'docker-compose.yml: services.web.extends: base.yml: file not found (looked for ' + path.join(dir, 'base.yml') + ')',
      expect.stringMatching(/^docker-compose\.yml: services\.db\.ports\[0\]: .*got "nope"$/),
    ]);
  });

  test('a dependency that is not required may name a missing service: the plan drops it with a warning', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromYaml('services:\n  web:\n    image: nginx\n    mem_limit: 512m\n    depends_on:\n      cache:\n        condition: service_started\n        required: false\n', { variables: {} }),
    });
    validatedTemplate(stack);
    expect(warnings(stack)).toContainEqual(expect.stringMatching(/^services\.web\.depends_on\.cache: no service "cache": the dependency is not required, so it is dropped/));
  });

  test('every compose file of a merge that cannot be read is named, each as given', () => {
    const dir = folder({ 'docker-compose.yml': 'services:\n  web:\n    image: nginx\n', 'bad.yml': 'services: [\n' });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const message = errorOf(() => ComposeDefinition.fromFiles(['./docker-compose.yml', 'bad.yml', 'ghost/docker-compose.override.yml'], { variables: {} }));
      expect(message.split('\n')).toEqual([
        expect.stringMatching(/^bad\.yml: line 2, column 1: /),
        `ghost/docker-compose.override.yml: file not found (looked for ${path.join(fs.realpathSync(dir), 'ghost', 'docker-compose.override.yml')})`,
      ]);
    } finally {
      process.chdir(cwd);
    }
  });
});
