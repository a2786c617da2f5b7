/**
 * Names are data. Every name a compose or ecs-params file picks (services, volumes, networks,
 * secrets, configs, environment variables, labels, dependencies, profiles, extension keys...) may
 * be a JavaScript prototype name (`toString`, `constructor`, `__proto__`, ...): Docker Compose
 * accepts them, so they load, print, plan and synthesize like any other name, and a prototype name
 * where the file allows no free name is reported as an unknown key, never looked up on a prototype.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams } from '../../src';
import { ParsedArgs, parseArgs } from '../../src/cli/args';
import { renderConfig } from '../../src/cli/config';
import { ComposeFargateError } from '../../src/private/problems';
import { validatedTemplate } from '../cfn-validate';
import { errorOf } from '../util';

const DIR = path.join(__dirname, '..', 'fixtures', 'prototype-names');
const COMPOSE = path.join(DIR, 'docker-compose.yml');

/** Every property name of Object.prototype: what a `{}` answers for a key it was never given. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

function taskDefinitions(template: Template): any[] {
  return Object.values(template.findResources('AWS::ECS::TaskDefinition')).map(r => r.Properties);
}

function containerOf(template: Template, name: string): any {
  const found = taskDefinitions(template).flatMap(t => t.ContainerDefinitions).filter((c: any) => c.Name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
}

function env(container: any): Record<string, string> {
  return Object.fromEntries((container.Environment ?? []).map((e: any) => [e.Name, e.Value]));
}

describe('a file whose every name is a prototype name (fixture prototype-names)', () => {
  test('ComposeFargateService: one container per compose service, with its own environment, labels and ecs-params settings', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromFile(COMPOSE, { variables: {} }),
      ecsParams: EcsParams.fromFile(path.join(DIR, 'ecs-params.yml'), { variables: {} }),
    });
    const template = validatedTemplate(stack);
    const [task] = taskDefinitions(template);
    expect(task.ContainerDefinitions.map((c: any) => c.Name)).toEqual(expect.arrayContaining(['toString', 'constructor', '__proto__', 'valueOf']));
    expect(task.ContainerDefinitions.map((c: any) => c.Name)).not.toContain('hasOwnProperty'); // its profile is not active

    const toString = containerOf(template, 'toString');
    expect(Object.entries(env(toString)).sort()).toEqual([['__proto__', 'proto-value'], ['constructor', 'from-an-anchor'], ['toString', 'fallback']]);
    expect(Object.keys(env(toString)).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    // the one key aws-cdk-lib cannot render in a map: left out, with a warning that names it
    expect(toString.DockerLabels).toEqual({ hasOwnProperty: 'yes' });
    expect(warnings(stack)).toContainEqual(expect.stringMatching(/^docker-compose\.yml: services\.toString\.labels\.__proto__: a Docker label named __proto__ cannot be written/));
    expect(toString.Cpu).toBe(256);
    expect(toString.DependsOn).toEqual(expect.arrayContaining([
      { ContainerName: 'constructor', Condition: 'START' },
      { ContainerName: '__proto__', Condition: 'HEALTHY' },
    ]));
    expect(Object.entries(env(containerOf(template, 'constructor')))).toEqual([['__proto__', 'list-form'], ['constructor', 'list-value']]);
    expect(containerOf(template, 'constructor').Essential).toBe(false);
    // valueOf extends constructor: same image and command, its volumes reset.
    const valueOf = containerOf(template, 'valueOf');
    expect(valueOf.Image).toBe('redis:7');
    expect(valueOf.MountPoints ?? []).toEqual([]);
    expect(containerOf(template, 'constructor').MountPoints).toEqual([expect.objectContaining({ SourceVolume: 'hasOwnProperty', ContainerPath: '/data' })]);
    expect(task.Volumes.map((v: any) => v.Name)).toEqual(expect.arrayContaining(['hasOwnProperty', '__proto__']));
  });

  test('ComposeFargateProject: one ECS service per compose service, found by its compose name', () => {
    const stack = new Stack(new App(), 'S');
    const project = new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromFile(COMPOSE, { variables: {} }) });
    const template = validatedTemplate(stack);
    const names = Object.values(template.findResources('AWS::ECS::Service')).map(s => s.Properties.ServiceName).sort();
    expect(names).toEqual(['proto-__proto__', 'proto-constructor', 'proto-toString', 'proto-valueOf']);
    for (const name of ['toString', 'constructor', '__proto__', 'valueOf']) {
      expect(project.service(name).composeServiceName).toBe(name);
      expect(project.service(name).findContainer(name)?.containerName).toBe(name);
    }
    expect(errorOf(() => project.service('hasOwnProperty'))).toMatch(/hasOwnProperty/);
    expect(errorOf(() => project.service('isPrototypeOf'))).toMatch(/isPrototypeOf/);
    expect(Object.keys(env(containerOf(template, 'toString'))).sort()).toEqual(['__proto__', 'constructor', 'toString']);
  });

  test('config prints every name (the differential test compares the whole output with Docker Compose)', () => {
    const { text } = renderConfig(parseArgs(['config', '--format', 'json', '-f', COMPOSE], '0') as ParsedArgs, {}, DIR);
    const model = JSON.parse(text);
    expect(Object.keys(model.services).sort()).toEqual(['__proto__', 'constructor', 'toString', 'valueOf']);
    expect(Object.keys(model.services.toString.environment)).toEqual(['__proto__', 'constructor', 'toString', 'valueOf']);
    expect(Object.keys(model.volumes).sort()).toEqual(['__proto__', 'hasOwnProperty']);
    expect(Object.keys(model.services.toString.depends_on).sort()).toEqual(['__proto__', 'constructor']);
  });
});

describe('prototype names where the file allows no free name', () => {
  const refused = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ComposeFargateError);
      return (e as Error).message;
    }
    throw new Error('expected an error');
  };

  test.each(PROTOTYPE_NAMES)('ecs-params: %s as a key at every level is an unknown key', name => {
    for (const doc of [
      { version: 1, [name]: 1 },
      { version: 1, task_definition: { [name]: 1 } },
      { version: 1, task_definition: { task_size: { [name]: 1 } } },
      { version: 1, run_params: { [name]: 1 } },
      { version: 1, run_params: { network_configuration: { [name]: 1 } } },
      { version: 1, task_definition: { services: { web: { [name]: 1 } } } },
    ]) {
      const document = JSON.parse(JSON.stringify(doc)); // `__proto__` as an own key, as a parser gives it
      expect(refused(() => EcsParams.fromObject(document, { variables: {} }))).toMatch(new RegExp(`${name.replace(/\$/g, '\\$')}.*unknown|unknown.*${name}`));
    }
  });

  test.each(PROTOTYPE_NAMES)('ecs-params: version %s is refused with the value it got', name => {
    expect(refused(() => EcsParams.fromObject(JSON.parse(`{"version": {"${name}": 1}}`), { variables: {} }))).toMatch(new RegExp(`^version: unsupported ecs-params version .*${name}`));
  });

  test.each(PROTOTYPE_NAMES)('compose: %s as a service key, a top-level key and a deploy key is an unknown key', name => {
    for (const [doc, at] of [
      [{ services: { web: { image: 'nginx', [name]: 1 } } }, `services.web.${name}`],
      [{ services: { web: { image: 'nginx' } }, [name]: 1 }, name],
      [{ services: { web: { image: 'nginx', deploy: { resources: { limits: { [name]: 1 } } } } } }, `services.web.deploy.resources.limits.${name}`],
      [{ services: { web: { image: 'nginx', healthcheck: { [name]: 1 } } } }, `services.web.healthcheck.${name}`],
    ] as const) {
      const document = JSON.parse(JSON.stringify(doc));
      const message = refused(() => {
        const stack = new Stack(new App(), 'S');
        new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromObject(document, { variables: {} }) });
      });
      expect(message).toContain(at);
    }
  });

  test.each(PROTOTYPE_NAMES)('a service named %s deploys in both models', name => {
    const yaml = `services:\n  ${name}:\n    image: nginx\n    ports: ["80:80"]\n    environment:\n      ${name}: value\n`;
    for (const Construct of [ComposeFargateService, ComposeFargateProject]) {
      const stack = new Stack(new App(), 'S');
      new Construct(stack, 'App', { compose: ComposeDefinition.fromYaml(yaml, { variables: {} }), projectName: 'app' });
      const container = containerOf(validatedTemplate(stack), name);
      expect(Object.entries(env(container))).toEqual([[name, 'value']]);
    }
  });

  test.each(PROTOTYPE_NAMES)('an unset variable named %s is empty, and its default applies', name => {
    const compose = ComposeDefinition.fromYaml(`services:\n  web:\n    image: "nginx:\${${name}:-1.27}"\n    environment:\n      A: "[\${${name}}]"\n`, { variables: {} });
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', { compose });
    const web = containerOf(validatedTemplate(stack), 'web');
    expect(web.Image).toBe('nginx:1.27');
    expect(env(web)).toEqual({ A: '[]' });
  });
});
