/**
 * The deployment keys (restart, container_name, expose, links, hostname, networks,
 * deploy.restart_policy, the top-level networks): one task drops each with a warning, in document
 * order among the file's other warnings; ComposeFargateProject reads them and warns about none.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService } from '../../src';
import { testStack } from '../util';

const FILE = [
  'services:',
  '  web:',
  '    image: nginx',
  '    restart: always',
  '    ports: ["8080:80"]',
  '    links: [api]',
  '    hostname: www',
  '    networks:',
  '      front:',
  '        ipv4_address: 10.0.0.5',
  '  api:',
  '    image: api',
  '    container_name: backend',
  '    expose: ["3000"]',
  '    deploy:',
  '      restart_policy:',
  '        condition: on-failure',
  '        delay: 5s',
  '    networks: [front]',
  'networks:',
  '  front:',
  '    driver: bridge',
].join('\n') + '\n';

function warnings(make: (stack: ReturnType<typeof testStack>) => void): string[] {
  const stack = testStack();
  make(stack);
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data)).filter(w => w.includes('cdk-compose-fargate:ignored-key'))
    .map(w => w.replace(/: .*/, ''));
}

const compose = () => ComposeDefinition.fromYaml(FILE, { variables: {} });

test('ComposeFargateService: a warning at each deployment key, in document order among the others', () => {
  expect(warnings(stack => new ComposeFargateService(stack, 'App', { compose: compose() }))).toEqual([
    'networks',
    'networks.front.driver',
    'services.web.restart',
    'services.web.links',
    'services.web.hostname',
    'services.web.networks',
    'services.web.networks.front.ipv4_address',
    'services.api.container_name',
    'services.api.expose',
    'services.api.deploy.restart_policy',
    'services.api.deploy.restart_policy.delay',
    'services.api.networks',
  ]);
});

test('ComposeFargateProject: none at the deployment keys; the settings it does not honour still warn', () => {
  expect(warnings(stack => new ComposeFargateProject(stack, 'App', { compose: compose() }))).toEqual([
    'networks.front.driver',
    'services.web.networks.front.ipv4_address',
    'services.api.deploy.restart_policy.delay',
  ]);
});
