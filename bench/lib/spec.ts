/**
 * The generated workloads: N compose services as plain data. The benchmark writes them as a
 * docker-compose.yml for the construct, and the hand-written app builds the same containers from
 * this data directly (as one writes a loop in CDK code), so both describe one task.
 *
 * Every service has a distinct name and image, publishes one port of its own (under awsvpc the
 * containers of a task share one network namespace, so ports must differ), sets three environment
 * variables (one of them through `${VAR:-default}` interpolation in the compose file), a command
 * and a health check. None names a log driver: the construct then gives each container a log group
 * of its own, and the hand-written app does the same.
 */

/** The sizes the benchmark synthesizes as one task (ECS allows 10 containers in a task definition). */
export const GENERATED_SIZES = [1, 10];

/** The services of the project scenario: one ComposeFargateProject, an ECS service each. */
export const PROJECT_SERVICES = 20;

/** The project name (task family, service name) of the generated apps. */
export const GENERATED_PROJECT = 'bench';

/** The stack and the scope id both apps use, so their logical IDs (and templates) can be compared. */
export const STACK_NAME = 'BenchStack';
export const TUTORIAL_SCOPE = 'Tutorial';
export const GENERATED_SCOPE = 'Bench';

export interface GeneratedService {
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly environment: { readonly name: string; readonly value: string }[];
  readonly command: string[];
  readonly healthCheck: { readonly command: string[]; readonly intervalSeconds: number; readonly retries: number };
}

/** The N services, in order. */
export function generatedServices(n: number): GeneratedService[] {
  const out: GeneratedService[] = [];
  for (let i = 1; i <= n; i++) {
    const name = `svc${String(i).padStart(3, '0')}`;
    const port = 8000 + i;
    out.push({
      name,
      image: `public.ecr.aws/bench/${name}:1.${i}.0`,
      port,
      environment: [
        { name: 'SERVICE_NAME', value: name },
        { name: 'PORT', value: String(port) },
        { name: 'STAGE', value: 'prod' },
      ],
      command: ['serve', '--port', String(port)],
      healthCheck: { command: ['CMD-SHELL', `curl -f http://localhost:${port}/health || exit 1`], intervalSeconds: 30, retries: 3 },
    });
  }
  return out;
}

/**
 * The compose file for N services (Compose Specification, with the short syntaxes people write).
 * With `networkPerService`, each service is alone on a network of its own: as a ComposeFargateProject,
 * no service then admits another (on the default network, N services need N x (N - 1) security group
 * rules, 380 for 20: past CloudFormation's 500 resources a stack, with the rest).
 */
export function generatedComposeYaml(n: number, networkPerService = false): string {
  const lines = [`name: ${GENERATED_PROJECT}`, 'services:'];
  for (const s of generatedServices(n)) {
    if (networkPerService) lines.push(`  ${s.name}:`, `    networks: [${s.name}]`);
    else lines.push(`  ${s.name}:`);
    lines.push(
      `    image: ${s.image}`,
      '    ports:',
      `      - "${s.port}:${s.port}"`,
      '    environment:',
      `      SERVICE_NAME: ${s.name}`,
      `      PORT: "${s.port}"`,
      '      STAGE: ${STAGE:-prod}',
      `    command: serve --port ${s.port}`,
      '    healthcheck:',
      `      test: ["CMD-SHELL", "curl -f http://localhost:${s.port}/health || exit 1"]`,
      '      interval: 30s',
      '      retries: 3',
    );
  }
  if (networkPerService) lines.push('networks:', ...generatedServices(n).map(s => `  ${s.name}: {}`));
  return lines.join('\n') + '\n';
}
