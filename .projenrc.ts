import { awscdk, javascript, JsonFile } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-compose-fargate',
  description:
    'Deploy a docker-compose.yml (and the ecs-params.yml that ecs-cli read) to ECS on AWS Fargate with one CDK construct.',
  author: 'cdk-compose-fargate contributors',
  authorAddress: 'maintainers@cdk-compose-fargate.dev',
  repositoryUrl: 'https://github.com/cdk-compose-fargate/cdk-compose-fargate.git',
  license: 'Apache-2.0',
  stability: 'experimental',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'ecs', 'fargate', 'docker-compose', 'compose', 'ecs-cli'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  sampleCode: false,

  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  // The YAML parser is an implementation detail: bundled, never in the public API.
  bundledDeps: ['yaml'],
  devDeps: ['fast-check', '@aws/cloudformation-validate'],

  publishToPypi: {
    distName: 'cdk-compose-fargate',
    module: 'cdk_compose_fargate',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkcomposefargate',
    mavenGroupId: 'io.github.cdkcomposefargate',
    mavenArtifactId: 'cdk-compose-fargate',
  },

  jestOptions: {
    // Tests and CI must never rewrite snapshots.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // A run with no test is a failure, and CI reads the counts from this JSON report.
    passWithNoTests: false,
    extraCliOptions: ['--json', '--outputFile=test-reports/jest.json'],
    coverageText: false,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '/examples/'],
    },
  },
  // The test task must not rewrite sources: lint without --fix (`npx projen eslint --fix` by hand).
  // The examples are linted too, so they cannot rot.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'build-tools', 'projenrc'],
    commandOptions: { fix: false },
  },
  gitignore: ['cdk.out/', '*.cdk.out/', 'test-reports/', '/.tmp/'],
  npmIgnoreOptions: { ignorePatterns: ['examples/', 'cdk.out/', '.ci/', 'test-reports/'] },
});

// The examples are type-checked (and linted) against their own tsconfig.
new JsonFile(project, 'examples/tsconfig.json', {
  obj: {
    extends: '../test/tsconfig.json',
    compilerOptions: { rootDir: '..' },
    include: ['**/*.ts', '../src/**/*.ts'],
  },
});

// The main job: synthesize the tutorial example and print what it made.
project.addTask('tutorial', {
  description: 'Synthesize examples/tutorial to CloudFormation (cdk.out) and print a summary of what was made',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
  exec: 'ts-node --project examples/tsconfig.json examples/tutorial/app.ts',
});

project.synth();
