/**
 * Every example app synthesizes, and every template it makes passes AWS's CloudFormation validator
 * with no FATAL, ERROR or WARNING finding.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateTemplateJson } from './cfn-validate';
import { summarizeAssembly } from '../examples/summary';
import { buildTutorialApp } from '../examples/tutorial/app';

describe('examples/tutorial', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorial-'));
  const assembly = buildTutorialApp(outdir).synth();

  test('synthesizes both stacks', () => {
    expect(assembly.stacks.map(s => s.stackName).sort()).toEqual(['TutorialNewNetworkStack', 'TutorialStack']);
  });

  test.each(['TutorialStack', 'TutorialNewNetworkStack'])('%s passes @aws/cloudformation-validate', name => {
    expect(validateTemplateJson(assembly.getStackByName(name).template)).toEqual([]);
  });

  test('the summary names the task, the container and the resources', () => {
    const summary = summarizeAssembly(assembly);
    expect(summary).toContain('TutorialStack: 5 resources');
    expect(summary).toContain('task "tutorial": cpu 256, memory 512 MiB, awsvpc');
    expect(summary).toContain('container web: image amazon/amazon-ecs-sample, ports 80/tcp, logs awslogs tutorial');
    expect(summary).toMatch(/TutorialNewNetworkStack: \d+ resources/);
    expect(summary).toContain('1  AWS::EC2::VPC');
  });
});

describe('the validator itself', () => {
  test('reports a template ECS would reject', () => {
    const findings = validateTemplateJson({
      Resources: {
        Task: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: {
            RequiresCompatibilities: ['FARGATE'],
            NetworkMode: 'awsvpc',
            Cpu: '300',
            Memory: '512',
            ContainerDefinitions: [{ Name: 'web', Image: 'nginx', Essential: true }],
          },
        },
      },
    });
    expect(findings.length).toBeGreaterThan(0);
  });
});
