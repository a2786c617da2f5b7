/**
 * `cdk-compose-fargate config` prints what `docker compose config` prints, byte for byte, in JSON
 * (`--format json`) and in YAML, for the tutorial and every compose project of the repository
 * (test/fixtures, examples, each base file with its override files), so that
 * `diff <(docker compose config --format json) <(npx cdk-compose-fargate config --format json)`
 * shows only what the library reads differently on purpose (docs/support.md).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { renderConfig } from '../../src/cli/config';
import { goYamlKeyLess, printComposeJson, printComposeYaml } from '../../src/private/load/compose-print';
import { composeBinary, fileFlags, fixtureCases, missingBinaryMessage } from '../compose-reference';

const BINARY = composeBinary();
const HAVE_BINARY = fs.existsSync(BINARY);
if (!HAVE_BINARY) {
  // eslint-disable-next-line no-console
  console.warn(`test/cli/config-output.test.ts is skipped: ${missingBinaryMessage(BINARY)}`);
}

/**
 * The projects whose print differs, by the reading difference (docs/support.md) that makes it:
 * each must still differ, so that the list stays true.
 */
const DIFFERING: Record<string, string> = {
  // the links and volumes_from entries of the file: compose adds depends_on entries for them
  'test/fixtures/v2-mem-limit/docker-compose.yml': 'implied-depends-on',
  'test/fixtures/plan/order/docker-compose.yml': 'implied-depends-on',
  'test/fixtures/plan/volumes-from/docker-compose.yml': 'implied-depends-on',
  'test/fixtures/plan/volumes-from/anonymous.yml': 'implied-depends-on',
};

interface Printed { readonly status: 'read' | 'refused'; readonly text: string }

function compose(dir: string, files: string[], format: 'json' | 'yaml'): Printed {
  const r = spawnSync(BINARY, [...files.flatMap(f => ['-f', f]), 'config', '--format', format], {
    cwd: dir, env: { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: 'utf-8',
  });
  return r.status === 0 ? { status: 'read', text: r.stdout } : { status: 'refused', text: r.stderr };
}

function ours(dir: string, files: string[], format: 'json' | 'yaml'): Printed {
  try {
    return { status: 'read', text: renderConfig({ command: 'config', files, format: format === 'json' ? 'json' : undefined }, { HOME: dir }, dir).text };
  } catch (e) {
    return { status: 'refused', text: (e as Error).message };
  }
}

const CASES = fixtureCases().map(f => ({ title: f.c.title, dir: f.dir, files: fileFlags(f.c) }));
const TUTORIAL = CASES.find(c => c.title === path.join('examples', 'tutorial', 'docker-compose.yml'));

(HAVE_BINARY ? describe : describe.skip)('config prints what docker compose config prints', () => {
  test('the tutorial, in both forms: networks.default, the service on it, command and entrypoint null in JSON', () => {
    expect(TUTORIAL).toBeDefined();
    for (const format of ['json', 'yaml'] as const) {
      const theirs = compose(TUTORIAL!.dir, TUTORIAL!.files, format);
      expect(theirs.status).toBe('read');
      expect(ours(TUTORIAL!.dir, TUTORIAL!.files, format).text).toBe(theirs.text);
    }
    const json = JSON.parse(ours(TUTORIAL!.dir, TUTORIAL!.files, 'json').text);
    expect(json.networks).toEqual({ default: { name: 'tutorial_default', ipam: {} } });
    expect(json.services.web).toMatchObject({ command: null, entrypoint: null, networks: { default: null } });
  });

  test.each(CASES.filter(c => c !== TUTORIAL).map(c => [c.title, c] as const))('%s', (title, c) => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    for (const format of ['json', 'yaml'] as const) {
      const theirs = compose(c.dir, c.files, format);
      const mine = ours(c.dir, c.files, format);
      if (theirs.status === 'refused') {
        // an override file alone (no image): both refuse it
        expect({ format, status: mine.status }).toEqual({ format, status: 'refused' });
        continue;
      }
      if (DIFFERING[title] !== undefined) expect({ format, same: mine.text === theirs.text }).toEqual({ format, same: false });
      else expect({ format, text: mine.text }).toEqual({ format, text: theirs.text });
    }
  });
});

describe('the printer, as Go prints', () => {
  const model = {
    'name': 'p',
    'services': {
      web: {
        'image': 'nginx',
        'environment': { B: 'yes', A10: '1', A9: '0755', C: 'a < b & c', D: '2024-01-31', E: 'two\nlines' },
        'healthcheck': { test: ['CMD', 'true'], interval: '10s', timeout: '5s' },
        'networks': { default: null },
        'deploy': { replicas: 2 },
        'x-notes': 'kept',
      },
    },
    'x-top': 1,
  };

  test('JSON: struct fields in Go order, maps sorted by bytes, empty structs and null commands printed, x- keys of a service left out, <>& escaped, no newline at the end', () => {
    const text = printComposeJson(model);
    const parsed = JSON.parse(text);
    expect(Object.keys(parsed)).toEqual(['name', 'services', 'x-top']);
    expect(Object.keys(parsed.services.web)).toEqual(['command', 'deploy', 'entrypoint', 'environment', 'healthcheck', 'image', 'networks']);
    expect(Object.keys(parsed.services.web.healthcheck)).toEqual(['test', 'timeout', 'interval']);
    expect(parsed.services.web.deploy).toEqual({ replicas: 2, resources: {}, placement: {} });
    expect(Object.keys(parsed.services.web.environment)).toEqual(['A10', 'A9', 'B', 'C', 'D', 'E']);
    expect(text).toContain('"C": "a \\u003c b \\u0026 c"');
    expect(text.endsWith('}')).toBe(true);
  });

  test('YAML: go-yaml\'s natural key order, quotes where a reader would not get the text back, blocks for lines, x- keys last', () => {
    const text = printComposeYaml(model);
    expect(text).toContain([
      '    environment:',
      '      A9: "0755"',
      '      A10: "1"',
      '      B: "yes"',
      '      C: a < b & c',
      '      D: "2024-01-31"',
      '      E: |-',
      '        two',
      '        lines',
    ].join('\n'));
    expect(text.indexOf('x-notes: kept')).toBeGreaterThan(text.indexOf('networks:'));
    expect(text.endsWith('x-top: 1\n')).toBe(true);
    expect(text).not.toContain('command');
  });

  test('go-yaml key order: numbers and digit runs by value', () => {
    const sorted = ['b', 'a10', 'a9', 'a1', '10', '9', 'B'].sort((x, y) => (goYamlKeyLess(x, y) ? -1 : 1));
    expect(sorted).toEqual(['9', '10', 'B', 'a1', 'a9', 'a10', 'b']);
  });
});
