import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Stack, StackProps } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';

/** The message of the error a function throws; fails the test when it throws none. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** Write files (paths relative to `dir`, folders made as needed) and return `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The CDK warnings of a stack with one id (`cdk-compose-fargate:<id>`), without the ack note. */
export function warningsWithId(stack: Stack, id: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: cdk-compose-fargate:${id}\\]$`))
    .map(w => String(w.entry.data).replace(/ \[ack: .*\]$/, ''));
}

/** The account and region of the tests' environment-specific stacks. */
export const TEST_ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * An App that holds the context `cdk deploy` would look up for TEST_ENV: the region's real
 * availability zones (what `cdk.context.json` keeps after a first synth), so a stack in TEST_ENV gets
 * subnets in us-east-1a and us-east-1b rather than the placeholders dummy1a and dummy1b.
 */
export function testApp(props: AppProps = {}): App {
  return new App({
    ...props,
    context: {
      [`availability-zones:account=${TEST_ENV.account}:region=${TEST_ENV.region}`]: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'],
      ...props.context,
    },
  });
}

/** A stack in TEST_ENV, in an App with its context (testApp). */
export function testStack(id = 'S', props: StackProps = {}, app: App = testApp()): Stack {
  return new Stack(app, id, { env: TEST_ENV, ...props });
}
