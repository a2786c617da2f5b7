import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ComposeDefinition, ComposeFargateService, EcsParams } from '../../src';
import { mergeComposeDocuments } from '../../src/private/load/merge';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

describe('ComposeDefinition.fromObject / EcsParams.fromObject', () => {
  test('take the parsed documents with their snake_case keys', () => {
    const compose = ComposeDefinition.fromObject({
      services: { web: { image: 'nginx', ports: ['80:80'], env_file: [], stop_grace_period: '20s' } },
    }, { variables: {} });
    const params = EcsParams.fromObject({ version: 1, task_definition: { task_size: { cpu_limit: 512, mem_limit: '1GB' } } });
    expect(compose.serviceNames).toEqual(['web']);
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose, ecsParams: params });
    validatedTemplate(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '512', Memory: '1024', ContainerDefinitions: [Match.objectLike({ StopTimeout: 20 })],
    });
  });

  test('CDK tokens pass through where the value is not parsed; a token where a value must be parsed is an error', () => {
    const stack = new Stack(new App(), 'S');
    const repo = new ecr.Repository(stack, 'Repo');
    const compose = ComposeDefinition.fromObject({ services: { web: { image: repo.repositoryUriForTag('v1') } } }, { variables: {} });
    new ComposeFargateService(stack, 'App', { compose });
    validatedTemplate(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Image: { 'Fn::Join': Match.anyValue() } })],
    });
    expect(() => ComposeDefinition.fromObject({ services: { web: { image: 'x', ports: [repo.repositoryName] } } }, { variables: {} }))
      .toThrow('services.web.ports[0]: must be a literal value: a CDK token cannot be parsed at synth time');
  });

  test('the variables default to the process environment', () => {
    process.env.CCF_TEST_TAG = 'from-env';
    try {
      const m = ComposeDefinition.fromObject({ services: { web: { image: 'nginx:${CCF_TEST_TAG}' } } })._model;
      expect(m.services[0].image).toBe('nginx:from-env');
    } finally {
      delete process.env.CCF_TEST_TAG;
    }
  });

  test('ecs-params values are interpolated too', () => {
    const m = EcsParams.fromYaml('version: 1\ntask_definition:\n  task_execution_role: ${ROLE}\n', { variables: { ROLE: 'myRole' } })._model;
    expect(m.taskExecutionRole).toBe('myRole');
  });

  test('an empty ecs-params document is no settings; a non-mapping is an error', () => {
    expect(EcsParams.fromYaml('', { variables: {} })._model.services).toEqual([]);
    expect(() => EcsParams.fromYaml('- a\n- b\n', { variables: {} })).toThrow(/^\(document\): expected an ecs-params document/);
    expect(() => ComposeDefinition.fromYaml('just text', { variables: {} })).toThrow(/^\(document\): expected a compose document/);
  });

  test('version 1 log_driver / log_opt', () => {
    const m = ComposeDefinition.fromYaml('web:\n  image: x\n  log_driver: awslogs\n  log_opt:\n    awslogs-group: g\n', { variables: {} })._model;
    expect(m.services[0].logging).toMatchObject({ driver: 'awslogs', options: { 'awslogs-group': 'g' } });
  });
});

describe('ComposeDefinition.fromFiles: docker compose -f a -f b', () => {
  const files = [path.join(FIXTURES, 'merge', 'docker-compose.yml'), path.join(FIXTURES, 'merge', 'docker-compose.prod.yml')];

  test('later files override single values and commands, extend ports, merge environment and labels by name', () => {
    const web = ComposeDefinition.fromFiles(files, { variables: { TAG: '2.0' } })._model.services[0];
    expect(web.image).toBe('example/web:2.0');
    expect(web.command).toEqual(['serve', '--port', '8080', '--workers', '4']);
    expect(web.ports.map(p => p.containerPort)).toEqual([8080, 9090]);
    expect(web.environment).toEqual([{ name: 'LOG_LEVEL', value: 'warn' }, { name: 'DB_HOST', value: 'db' }]);
    expect(web.labels).toEqual({ team: 'web', tier: 'frontend' });
    expect(web.replicas).toBe(2);
  });

  test('the project directory defaults to the folder of the first file', () => {
    const m = ComposeDefinition.fromFiles(files, { variables: {} })._model;
    expect(m.services.map(s => s.name)).toEqual(['web', 'db']);
  });

  test('errors in a file name that file', () => {
    expect(() => ComposeDefinition.fromFiles([files[0], path.join(FIXTURES, 'merge', 'missing.yml')], { variables: {} }))
      .toThrow(/^missing\.yml: file not found \(looked for \/.*\/merge\/missing\.yml\)$/);
  });

  test('a file name with a line break: the path it looked for is quoted, the problem stays one line', () => {
    const yaml = 'services:\n  web:\n    image: nginx\n    env_file: ["bad\\nname.env"]\n';
    const message = errorOf(() => ComposeDefinition.fromYaml(yaml, { variables: {}, projectDirectory: FIXTURES }));
    expect(message.split('\n')).toEqual([
      `services.web.env_file[0]: env_file "bad\\nname.env": file not found (looked for ${JSON.stringify(path.join(FIXTURES, 'bad\nname.env'))})`,
    ]);
  });

  test('docker-compose.override.yml is not read implicitly', () => {
    const dir = path.join(FIXTURES, 'with-override');
    const alone = ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} })._model.services[0];
    expect(alone.image).toBe('example/web:1');
    expect(alone.ports).toEqual([]);
    const withOverride = [path.join(dir, 'docker-compose.yml'), path.join(dir, 'docker-compose.override.yml')];
    const merged = ComposeDefinition.fromFiles(withOverride, { variables: {} })._model.services[0];
    expect(merged.image).toBe('example/web:debug');
  });

  test('merge rules', () => {
    expect(mergeComposeDocuments([
      { services: { a: { image: 'x', env_file: 'a.env', volumes: ['data:/data', '/tmp'], logging: { driver: 'awslogs', options: { g: '1' } } } } },
      { services: { a: { env_file: ['b.env'], volumes: ['other:/data'], logging: { driver: 'awslogs', options: { h: '2' } } } } },
      { services: { a: { logging: { driver: 'splunk' } }, b: { image: 'y' } } },
    ])).toEqual({
      services: {
        a: { image: 'x', env_file: ['a.env', 'b.env'], volumes: ['other:/data', '/tmp'], logging: { driver: 'splunk' } },
        b: { image: 'y' },
      },
    });
  });
});
