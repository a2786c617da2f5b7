/**
 * AWS's offline CloudFormation validator (@aws/cloudformation-validate), for every template the
 * tests synthesize. One engine per jest worker; a template is written to a temp file (the
 * validator reads files) and every FATAL, ERROR or WARN finding is returned.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RegoEngine, StandardDiagnostic, TemplateFile } from '@aws/cloudformation-validate';
import { Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { deployReadinessProblems } from './deploy-readiness';

let engine: InstanceType<typeof RegoEngine> | undefined;
let dir: string | undefined;
let counter = 0;

const FAILING = new Set(['FATAL', 'ERROR', 'WARN']);

/** Findings of severity WARN and above, one line each: "[SEVERITY] RULE: message (LogicalId)". */
export function validateTemplateJson(template: unknown): string[] {
  engine ??= new RegoEngine();
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-validate-'));
  const file = path.join(dir, `template-${process.pid}-${counter++}.json`);
  fs.writeFileSync(file, JSON.stringify(template));
  try {
    const report = engine.validateStandard(new TemplateFile(file));
    const findings = report.diagnostics
      .filter((d: StandardDiagnostic) => FAILING.has(d.severity))
      .map((d: StandardDiagnostic) => `[${d.severity}] ${d.ruleId}: ${d.message}${d.entity ? ` (${d.entity.logicalId})` : ''}`);
    if (report.status !== 'OK') findings.push(`[ERROR] report status ${report.status}`);
    return findings;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
/**
 * The context the cloud assembly of a stack's app reports missing (`availability-zones:account=...`):
 * a stack with an explicit account and region and no such context gets placeholders (subnets in
 * `dummy1a` and `dummy1b`), which `cdk deploy` would look up but a test would silently accept.
 */
export function missingContext(stack: Stack): string[] {
  const stage = Stage.of(stack);
  if (!stage) return [];
  return (stage.synth().manifest.missing ?? []).map(m => m.key);
}

/**
 * Synthesize a stack, fail the test on any validator finding, missing context or deploy-readiness
 * problem (deploy-readiness.ts: the ECS requests against the API model, the order of creation, the
 * containers' permissions), and return the Template.
 */
export function validatedTemplate(stack: Stack): Template {
  const template = Template.fromStack(stack);
  const json = template.toJSON();
  expect(missingContext(stack)).toEqual([]);
  expect(validateTemplateJson(json)).toEqual([]);
  expect(deployReadinessProblems(json)).toEqual([]);
  return template;
}
