/**
 * `cdk-compose-fargate diagram`: a Mermaid flowchart drawn from the plan the constructs build from.
 * The README's pictures are the diagrams of the examples (a test fails when they drift).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { readmeDiagrams } from '../../examples/readme-diagrams';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService } from '../../src';
import { renderMermaid } from '../../src/private/plan/diagram';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

describe('diagram', () => {
  test('a three-service project: each service, each connection, the networks kept apart', () => {
    const stack = new Stack(new App(), 'S');
    const p = new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(FIXTURES, 'project-three-tier', 'docker-compose.yml'), { variables: {} }) });
    const text = renderMermaid(p._diagram);
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    for (const svc of ['shop-proxy', 'shop-backend', 'shop-db']) expect(text).toContain(`["ECS service ${svc}"]`);
    expect(text).toContain('c_proxy__proxy -->|"backend:8000"| c_backend__backend');
    expect(text).toContain('c_proxy__proxy -->|"api:8000"| c_backend__backend');
    expect(text).toContain('c_backend__backend -->|"db:5432"| c_db__db');
    expect(text).not.toMatch(/c_proxy__proxy -->\|[^|]*\| c_db__db/);
    expect(text).toContain('internet -->|"80/tcp"| c_proxy__proxy');
    expect(text).toContain('v_db_data[("db-data<br/>EFS")]');
  });

  test('one task: the containers in one box, depends_on dotted, secrets and task storage', () => {
    const stack = new Stack(new App(), 'S');
    const s = new ComposeFargateService(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(FIXTURES, 'real', 'nginx-golang-postgres', 'docker-compose.yml'), { variables: {} }) });
    const text = renderMermaid(s._diagram);
    expect(text.match(/subgraph /g)).toHaveLength(1);
    expect(text).toContain('c_App__proxy -->|"backend:8000"| c_App__backend'); // from the mounted nginx.conf
    expect(text).toContain('c_App__backend -.->|"depends_on (healthy)"| c_App__db');
    expect(text).toContain('x_db_password[/"secret db-password"/]');
    expect(text).toContain('x_db_password -.-> c_App__db');
    expect(text).toContain('v_db_data[("db-data<br/>task storage")]');
  });

  test('a load balancer with its listeners and routes', () => {
    const stack = new Stack(new App(), 'S');
    const p = new ComposeFargateProject(stack, 'App', {
      compose: ComposeDefinition.fromFile(path.join(FIXTURES, 'project-three-tier', 'docker-compose.yml'), { variables: {} }),
      loadBalancer: { targets: [{ service: 'proxy', containerPort: 80 }, { service: 'backend', containerPort: 8000, pathPattern: '/api/*' }] },
    });
    const text = renderMermaid(p._diagram);
    expect(text).toContain('lb{{"Application Load Balancer"}}');
    expect(text).toContain('internet -->|":80"| lb');
    expect(text).toContain('lb -->|"/api/* :80 to 8000"| c_backend__backend');
    expect(text).not.toContain('internet -->|"80/tcp"|');
  });

  test('the README shows the diagrams of the tutorial and of the project example', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    const blocks = [...readme.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map(m => m[1]);
    expect(blocks).toEqual(readmeDiagrams()); // `npx projen docs:diagrams` writes them
  });
});
