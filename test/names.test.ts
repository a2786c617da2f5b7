/**
 * How services of a ComposeFargateProject find each other: the ports each one answers on (declared,
 * EXPOSEd by its Dockerfile, known for its image, or revealed by the image's name), the names other
 * services write in their environment and in the project files they mount, and the compose networks
 * they share. Real apps' files under test/fixtures/real/.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { validatedTemplate } from './cfn-validate';
import { ComposeDefinition, ComposeFargateProject } from '../src';

const FIXTURES = path.join(__dirname, 'fixtures');

function project(dir: string, variables: Record<string, string> = {}) {
  const stack = new Stack(new App(), 'S');
  const construct = new ComposeFargateProject(stack, 'App', {
    compose: ComposeDefinition.fromFile(path.join(FIXTURES, dir, 'docker-compose.yml'), { variables }),
  });
  return { stack, construct, template: validatedTemplate(stack) };
}

function ecsService(template: Template, name: string): any {
  const found = Object.values(template.findResources('AWS::ECS::Service')).find(r => r.Properties.ServiceName.endsWith(`-${name}`));
  if (!found) throw new Error(`no ECS service for ${name}`);
  return found;
}

/** The names and ports a service answers at through Service Connect. */
function answersAt(template: Template, name: string): string[] {
  return (ecsService(template, name).Properties.ServiceConnectConfiguration.Services ?? [])
    .map((s: any) => `${s.ClientAliases[0].DnsName}:${s.ClientAliases[0].Port}`);
}

/** The container ports of a service's main container. */
function containerPorts(template: Template, container: string): number[] {
  const td = Object.values(template.findResources('AWS::ECS::TaskDefinition')).find(r => r.Properties.Family.endsWith(`-${container}`))!;
  return td.Properties.ContainerDefinitions.find((c: any) => c.Name === container).PortMappings.map((m: any) => m.ContainerPort);
}

function warnings(stack: Stack, id?: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data))
    .filter(w => id === undefined || w.includes(`[ack: cdk-compose-fargate:${id}]`));
}

describe('a built service answers on the ports its Dockerfile EXPOSEs', () => {
  const { stack, template } = project('real/node-postgres-build');

  test('EXPOSE ${PORT}, with the compose build arg over the ARG default, is the API\'s endpoint and port mapping', () => {
    expect(answersAt(template, 'api')).toEqual(['api:4000']);
    expect(containerPorts(template, 'api')).toEqual([4000]);
  });

  test('a Dockerfile FROM postgres inherits its port: the database answers on 5432 though nobody writes it', () => {
    expect(answersAt(template, 'db')).toEqual(['db:5432']);
  });

  test('no warning guesses a port', () => {
    expect(warnings(stack, 'inferred-port')).toEqual([]);
    expect(warnings(stack, 'unknown-port')).toEqual([]);
  });
});

describe('awesome-compose nginx-golang-postgres: the backend built to its builder stage', () => {
  const { stack, template } = project('real/nginx-golang-postgres');

  test('answers on the EXPOSE of the target stage, which the proxy\'s nginx.conf writes', () => {
    expect(answersAt(template, 'backend')).toEqual(['backend:8000']);
    expect(warnings(stack, 'inferred-port')).toEqual([]);
  });
});
