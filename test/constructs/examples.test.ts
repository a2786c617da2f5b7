/**
 * Every example app synthesizes, and every template it makes passes AWS's CloudFormation validator
 * with no FATAL, ERROR or WARNING finding.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildProductionApp } from '../../examples/production/app';
import { buildProjectApp } from '../../examples/project/app';
import { summarizeAssembly } from '../../examples/summary';
import { buildTutorialApp } from '../../examples/tutorial/app';
import { validateTemplateJson } from '../cfn-validate';

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
    // With the custom resources that make the tutorial log group (created when missing, kept on destroy).
    expect(summary).toContain('TutorialStack: 10 resources');
    expect(summary).toContain('task "tutorial": cpu 256, memory 512 MiB, awsvpc');
    expect(summary).toContain('container web: image amazon/amazon-ecs-sample, ports 80/tcp, logs awslogs tutorial');
    expect(summary).toMatch(/TutorialNewNetworkStack: \d+ resources/);
    expect(summary).toContain('1  AWS::EC2::VPC');
  });
});

describe('examples/production', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'production-'));
  const assembly = buildProductionApp(outdir).synth();
  const template = assembly.getStackByName('ShopProductionStack').template;
  const resources = Object.values(template.Resources) as any[];

  test('passes @aws/cloudformation-validate', () => {
    expect(validateTemplateJson(template)).toEqual([]);
  });

  test('has the load balancer, scaling with its night schedule, Spot and ECS Exec', () => {
    const types = resources.map(r => r.Type);
    expect(types).toEqual(expect.arrayContaining([
      'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ECS::ClusterCapacityProviderAssociations',
    ]));
    const target = resources.find(r => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(target.Properties.ScheduledActions.map((a: any) => a.ScalableTargetAction))
      .toEqual([{ MinCapacity: 0, MaxCapacity: 0 }, { MinCapacity: 2, MaxCapacity: 8 }]);
    const service = resources.find(r => r.Type === 'AWS::ECS::Service');
    expect(service.Properties.EnableExecuteCommand).toBe(true);
    expect(Object.keys(template.Outputs).some(k => k.startsWith('ShopUrl'))).toBe(true);
  });
});

describe('examples/project', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'project-'));
  const template = buildProjectApp(outdir).synth().getStackByName('BlogStack').template;
  const resources = Object.values(template.Resources) as any[];

  test('passes @aws/cloudformation-validate', () => {
    expect(validateTemplateJson(template)).toEqual([]);
  });

  test('two ECS services behind one load balancer, WordPress scaled, the database reached by name', () => {
    const services = resources.filter(r => r.Type === 'AWS::ECS::Service');
    expect(services.map(s => s.Properties.ServiceName).sort()).toEqual(['blog-db', 'blog-wordpress']);
    expect(resources.filter(r => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(1);
    const db = services.find(s => s.Properties.ServiceName === 'blog-db');
    expect(db.Properties.ServiceConnectConfiguration.Services[0].ClientAliases).toEqual([{ DnsName: 'db', Port: 3306 }]);
    const target = resources.find(r => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect([target.Properties.MinCapacity, target.Properties.MaxCapacity]).toEqual([2, 6]);
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
