/**
 * cdk-nag's AwsSolutions pack over every example stack. Each remaining finding is fixed in the
 * construct or accepted here with the reason a security reviewer would read; any other finding
 * fails the test.
 */
import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildProductionApp } from '../../examples/production/app';
import { buildProjectApp } from '../../examples/project/app';
import { buildTutorialApp } from '../../examples/tutorial/app';

/** Finding -> why it stays. */
const ACCEPTED: Record<string, string> = {
  'AwsSolutions-EC23': 'The service (or its load balancer) is public by design: the compose file publishes the port, and only the published or listener ports are open. Database and administration ports are opened to the VPC only.',
  'AwsSolutions-IAM4': 'AmazonECSTaskExecutionRolePolicy is what ecs-cli and the ECS docs give the task execution role: ECR pulls and log writes, nothing else.',
  'AwsSolutions-IAM5': 'ECS Exec needs ssmmessages:CreateControlChannel/CreateDataChannel/OpenControlChannel/OpenDataChannel, which IAM supports only on resource "*".',
  'AwsSolutions-VPC7': 'The VPC mirrors what `ecs-cli up` created for the tutorial (two public subnets); production teams pass their own vpc, with its flow logs.',
  'AwsSolutions-ECS2': 'The compose file\'s `environment` reaches the containers as written, as under compose. Values that are secret belong in compose `secrets` or ecs-params `secrets`, which become Secrets Manager references and never enter the template.',
  'AwsSolutions-ELB2': 'Access logs need an S3 bucket the team owns and its retention policy: turn them on with applicationLoadBalancer.logAccessLogs(bucket).',
};

/**
 * Findings accepted on one resource only. AwsSolutions-L1 (latest Lambda runtime) on the provider function
 * of aws-cdk-lib's AwsCustomResource, which makes the log groups the compose files name: its runtime and
 * code are aws-cdk-lib's, updated with aws-cdk-lib.
 */
const ACCEPTED_ON: Record<string, RegExp> = {
  'AwsSolutions-L1': /\/AWS679f53fac002430cb0da5b7982bd2287\//,
};

function findings(app: App): { stack: string; rule: string; id: string; where: string[] }[] {
  const out: { stack: string; rule: string; id: string; where: string[] }[] = [];
  for (const stack of app.node.children.filter((c): c is Stack => c instanceof Stack)) {
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    for (const v of report.violations) {
      const on = ACCEPTED_ON[v.ruleName.replace(/\[.*$/, '')];
      if (on && v.violatingResources.every(r => on.test(r.constructPath ?? r.resourceLogicalId ?? ''))) continue;
      out.push({ stack: stack.stackName, rule: v.ruleName.replace(/\[.*$/, ''), id: v.ruleName, where: v.violatingResources.map(r => r.locations?.[0] ?? r.resourceLogicalId) });
    }
  }
  return out;
}

describe.each([
  ['examples/tutorial', () => buildTutorialApp()],
  ['examples/production', () => buildProductionApp()],
  ['examples/project', () => buildProjectApp()],
])('%s', (_name, build) => {
  test('has no AwsSolutions finding beyond the accepted ones', () => {
    const app = build();
    const unexplained = findings(app).filter(f => !(f.rule in ACCEPTED));
    expect(unexplained).toEqual([]);
  });
});

test('every accepted finding still occurs somewhere (the table does not rot)', () => {
  const seen = new Set([...findings(buildTutorialApp()), ...findings(buildProductionApp()), ...findings(buildProjectApp())].map(f => f.rule));
  expect(Object.keys(ACCEPTED).filter(rule => !seen.has(rule))).toEqual([]);
});

test('Container Insights is on for the clusters the construct creates', () => {
  const findingsNow = findings(buildTutorialApp());
  expect(findingsNow.filter(f => f.rule === 'AwsSolutions-ECS4')).toEqual([]);
});
