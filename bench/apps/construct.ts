/**
 * The app under test: the tutorial, or N generated services, through ComposeFargateService; or
 * the generated services as a ComposeFargateProject.
 * Everything (reading and checking the two files included) happens in the timed process.
 */
import * as path from 'path';
import type * as cdkLib from 'aws-cdk-lib';
import { Marks, parseArgs } from './harness';
import type * as composeLib from '../../src';
import { GENERATED_PROJECT, GENERATED_SCOPE, STACK_NAME, TUTORIAL_SCOPE } from '../lib/spec';

const marks = new Marks();
const args = parseArgs();

/* eslint-disable @typescript-eslint/no-require-imports */
const cdk: typeof cdkLib = require('aws-cdk-lib');
const { ComposeDefinition, ComposeFargateProject, ComposeFargateService, EcsParams }: typeof composeLib = require('../../src');
/* eslint-enable @typescript-eslint/no-require-imports */
marks.markLoaded();

// Variables given explicitly: synthesis does not depend on the shell's environment.
const options = { variables: {} };
if (!args.input) throw new Error('the construct app needs its input: the tutorial folder or a compose file');
const tutorial = args.scenario === 'tutorial';
const compose = ComposeDefinition.fromFile(tutorial ? path.join(args.input, 'docker-compose.yml') : args.input, options);
const ecsParams = tutorial ? EcsParams.fromFile(path.join(args.input, 'ecs-params-new-network.yml'), options) : undefined;
marks.markRead();

const app = new cdk.App({ outdir: args.outdir });
const stack = new cdk.Stack(app, STACK_NAME);
const construct = args.scenario === 'project' ? ComposeFargateProject : ComposeFargateService;
new construct(stack, tutorial ? TUTORIAL_SCOPE : GENERATED_SCOPE, {
  projectName: tutorial ? 'tutorial' : GENERATED_PROJECT,
  compose,
  ecsParams,
});
marks.markBuilt();
app.synth();
marks.report();
