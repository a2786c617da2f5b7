/**
 * Images built for the architecture the task runs on: the compose `platform:` (linux/amd64,
 * linux/arm64), else linux/amd64, whatever machine runs `cdk deploy`; the task definition's
 * runtimePlatform says the same.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService } from '../../src';
import { validatedTemplate } from '../cfn-validate';
import { errorOf, testApp, testStack } from '../util';

const BUILD_APP = path.join(__dirname, '..', 'fixtures', 'build-app');

function compose(yaml: string) {
  return ComposeDefinition.fromYaml(yaml, { variables: {}, projectDirectory: BUILD_APP });
}

/** The platform of every Docker image asset of the stack. */
function assetPlatforms(app: App, stack: Stack): string[] {
  const assembly = app.synth();
  const manifest = assembly.getStackByName(stack.stackName).dependencies
    .filter((a): a is cxapi.AssetManifestArtifact => a instanceof cxapi.AssetManifestArtifact)[0];
  const assets = JSON.parse(fs.readFileSync(manifest.file, 'utf-8'));
  return Object.values(assets.dockerImages ?? {}).map((d: any) => d.source.platform);
}

/** RuntimePlatform of each task definition, by family. */
function runtimePlatforms(template: Template): Record<string, unknown> {
  return Object.fromEntries(Object.values(template.findResources('AWS::ECS::TaskDefinition'))
    .map(r => [r.Properties.Family, r.Properties.RuntimePlatform]));
}

const AMD64 = { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' };
const ARM64 = { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' };

describe('ComposeFargateService', () => {
  test('without platform: built for linux/amd64, and the task says X86_64', () => {
    const app = testApp();
    const stack = testStack('S', {}, app);
    new ComposeFargateService(stack, 'App', { compose: compose('services:\n  app:\n    build: ./app\n  proxy:\n    image: nginx\n') });
    expect(runtimePlatforms(validatedTemplate(stack))).toEqual({ App: AMD64 });
    expect(assetPlatforms(app, stack)).toEqual(['linux/amd64']);
  });

  test('platform: linux/arm64: built for linux/arm64, and the task says ARM64', () => {
    const app = testApp();
    const stack = testStack('S', {}, app);
    new ComposeFargateService(stack, 'App', { compose: compose('services:\n  app:\n    build: ./app\n    platform: linux/arm64\n  proxy:\n    image: nginx\n') });
    expect(runtimePlatforms(validatedTemplate(stack))).toEqual({ App: ARM64 });
    expect(assetPlatforms(app, stack)).toEqual(['linux/arm64']);
  });

  test('two services of the one task on different platforms: an error naming both', () => {
    const message = errorOf(() => new ComposeFargateService(testStack(), 'App', {
      compose: compose('services:\n  app:\n    build: ./app\n    platform: linux/arm64\n  proxy:\n    image: nginx\n    platform: linux/amd64\n'),
    }));
    expect(message).toMatch(/services\.proxy\.platform: proxy runs on linux\/amd64 and app on linux\/arm64 \(services\.app\.platform\): a Fargate task runs on one CPU architecture/);
  });
});

describe('ComposeFargateProject', () => {
  test('each ECS service on its own platform; mounted project files are built into an image for it too', () => {
    const app = testApp();
    const stack = testStack('S', {}, app);
    new ComposeFargateProject(stack, 'App', {
      compose: compose('services:\n  app:\n    build: ./app\n    platform: linux/arm64\n  web:\n    image: nginx\n    volumes: ["./app/server.js:/srv/server.js:ro"]\n'),
    });
    expect(runtimePlatforms(validatedTemplate(stack))).toEqual({ 'App-app': ARM64, 'App-web': AMD64 });
    expect(assetPlatforms(app, stack).sort()).toEqual(['linux/amd64', 'linux/arm64']);
  });

  test('a one-shot in the task of a service on another platform: an error naming both', () => {
    const message = errorOf(() => new ComposeFargateProject(testStack(), 'App', {
      compose: compose([
        'services:',
        '  app:',
        '    build: ./app',
        '    platform: linux/arm64',
        '    depends_on: {migrate: {condition: service_completed_successfully}}',
        '  migrate:',
        '    image: example/migrate:1',
        '    platform: linux/amd64',
      ].join('\n')),
    }));
    expect(message).toMatch(/migrate runs on linux\/amd64 and app on linux\/arm64/);
  });
});
