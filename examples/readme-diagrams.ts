/**
 * The README's pictures: the diagrams (`cdk-compose-fargate diagram`) of the tutorial and of the
 * project example. Run `npx projen docs:diagrams` to write them into the README's ```mermaid blocks,
 * in order; test/cli/diagram.test.ts fails when they drift.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ComposeFargateProject, ComposeFargateService } from '../src';
import { buildProjectApp } from './project/app';
import { buildTutorialApp } from './tutorial/app';
// In your own app: import { ... } from 'cdk-compose-fargate';
import { renderMermaid } from '../src/private/plan/diagram';

function diagramOf(app: App, stack: string): string {
  const construct = app.node.findAll().find(c => (c instanceof ComposeFargateService || c instanceof ComposeFargateProject)
    && Stack.of(c).stackName === stack) as ComposeFargateService | ComposeFargateProject;
  return renderMermaid(construct._diagram);
}

/** The diagrams the README shows, in order. */
export function readmeDiagrams(): string[] {
  const outdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-'));
  return [
    diagramOf(buildTutorialApp(outdir()), 'TutorialNewNetworkStack'),
    diagramOf(buildProjectApp(outdir()), 'BlogStack'),
  ];
}

/** The README with its ```mermaid blocks replaced, in order, by the diagrams. */
export function withDiagrams(readme: string, diagrams: string[]): string {
  let i = 0;
  return readme.replace(/^```mermaid\n[\s\S]*?^```$/gm, block => (i < diagrams.length ? `\`\`\`mermaid\n${diagrams[i++]}\`\`\`` : block));
}

if (require.main === module) {
  const file = path.join(__dirname, '..', 'README.md');
  fs.writeFileSync(file, withDiagrams(fs.readFileSync(file, 'utf-8'), readmeDiagrams()));
}
