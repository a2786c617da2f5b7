import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComposeDefinition } from '../../src';
import { ServiceModel } from '../../src/private/model';
import { singleTaskWarnings } from '../../src/private/plan/single-task-warnings';
import { errorOf } from '../util';

const vars = { variables: {} as Record<string, string> };

function load(yaml: string, variables: Record<string, string> = {}, projectDirectory?: string) {
  return ComposeDefinition.fromYaml(yaml, { variables, projectDirectory })._model;
}
function svc(yaml: string, variables: Record<string, string> = {}, projectDirectory?: string): ServiceModel {
  return load(yaml, variables, projectDirectory).services[0];
}

describe('versions', () => {
  test('version 1: services at the top level', () => {
    const m = load('web:\n  image: nginx\ndb:\n  image: postgres\n');
    expect(m.version).toBe('1');
    expect(m.services.map(s => s.name)).toEqual(['web', 'db']);
  });
  test.each([['2', '2'], ['2.4', '2'], ['3', '3'], ['3.8', '3'], ['"3.0"', '3']])('version %s', (v, expected) => {
    expect(load(`version: ${v}\nservices:\n  web:\n    image: nginx\n`).version).toBe(expected);
  });
  test('the versionless Compose Specification, with its name', () => {
    const m = load('name: shop\nservices:\n  web:\n    image: nginx\n');
    expect(m.version).toBe('spec');
    expect(m.name).toBe('shop');
  });
  test('errors on an unknown version, listing the allowed ones', () => {
    expect(errorOf(() => load('version: "4"\nservices:\n  web:\n    image: nginx\n')))
      .toBe('version: unsupported compose version "4": allowed are "1", "2", "2.x", "3", "3.x", or no version (the Compose Specification)');
  });
  test('errors on a project name compose would refuse', () => {
    expect(errorOf(() => load('name: My App\nservices:\n  web:\n    image: nginx\n'))).toMatch(/^name: project name "My App" must be lowercase/);
  });
});

describe('ports', () => {
  const ports = (list: string) => svc(`services:\n  web:\n    image: nginx\n    ports: ${list}\n`).ports.map(p => ({
    c: p.containerPort, e: p.containerPortEnd, h: p.hostPort, proto: p.protocol,
  }));
  test('every short form', () => {
    expect(ports('["80", "8080:8080", "8000-8002:8000-8002", "127.0.0.1:9000:9000", "53/udp", 443]')).toEqual([
      { c: 80, e: 80, h: undefined, proto: 'tcp' },
      { c: 8080, e: 8080, h: 8080, proto: 'tcp' },
      { c: 8000, e: 8002, h: 8000, proto: 'tcp' },
      { c: 9000, e: 9000, h: 9000, proto: 'tcp' },
      { c: 53, e: 53, h: undefined, proto: 'udp' },
      { c: 443, e: 443, h: undefined, proto: 'tcp' },
    ]);
  });
  test('the long form', () => {
    expect(ports('[{target: 80, published: "80", protocol: udp, mode: host}]')).toEqual([{ c: 80, e: 80, h: 80, proto: 'udp' }]);
  });
  test('a host port that differs from the container port is read (the plan says what it means on Fargate)', () => {
    expect(ports('["8080:80", "5050:80/udp", "8000-8001:9000-9001", "127.0.0.1:8443:443"]')).toEqual([
      { c: 80, e: 80, h: 8080, proto: 'tcp' },
      { c: 80, e: 80, h: 5050, proto: 'udp' },
      { c: 9000, e: 9001, h: 8000, proto: 'tcp' },
      { c: 443, e: 443, h: 8443, proto: 'tcp' },
    ]);
    expect(ports('[{target: 80, published: 8080}, {target: 3000, published: "8000-8010"}]')).toEqual([
      { c: 80, e: 80, h: 8080, proto: 'tcp' },
      { c: 3000, e: 3000, h: 8000, proto: 'tcp' },
    ]);
  });
  test('a container range needs a host range of its length (as Docker says)', () => {
    expect(errorOf(() => ports('["8000-8002:9000-9001", "8000:9000-9001"]')).split('\n')).toEqual([
      'services.web.ports[0]: "8000-8002:9000-9001" publishes 2 container ports on 3 host ports: a range of container ports needs a host range of the same length (or no host port)',
      'services.web.ports[1]: "8000:9000-9001" publishes 2 container ports on 1 host port: a range of container ports needs a host range of the same length (or no host port)',
    ]);
  });
  test('one container port on two host ports: opened once, with a warning', () => {
    const m = load('services:\n  web:\n    image: nginx\n    ports: ["80:80", "8080:80"]\n');
    expect(m.services[0].ports.map(p => [p.containerPort, p.hostPort])).toEqual([[80, 80]]);
    expect(m.warnings.filter(w => w.id === 'host-port').map(w => `${w.path.join('.')}: ${w.message}`)).toEqual([
      'services.web.ports.1: "8080:80" publishes container port 80/tcp again (see services.web.ports[0]): on Fargate the task opens each container port once, and clients reach it on the container port',
    ]);
  });
  test('reports every bad entry at once, each with its path', () => {
    const msg = errorOf(() => ports('["abc", "70000", "80/sctp", {published: 80}]'));
    const lines = msg.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^services\.web\.ports\[0\]: expected "CONTAINER".*; got "abc"$/);
    expect(lines[1]).toMatch(/^services\.web\.ports\[1\]: .*got "70000"$/);
    expect(lines[2]).toMatch(/^services\.web\.ports\[2\]: protocol "sctp" is not supported by ECS/);
    expect(lines[3]).toMatch(/^services\.web\.ports\[3\]: the long syntax needs "target"/);
  });
  test('a port inside a range mapped again is an error (the same port or range again is a warning, below)', () => {
    expect(errorOf(() => ports('["8000-8002", "8001:8001"]'))).toBe('services.web.ports[1]: "8001:8001" maps container port 8001/tcp again (see services.web.ports[0]): each port may be mapped once');
  });
  test('a host IP is dropped with a warning', () => {
    const m = load('services:\n  web:\n    image: nginx\n    ports: ["127.0.0.1:80:80"]\n');
    expect(m.warnings.map(w => w.id)).toEqual(['port-host-ip']);
  });
});

describe('environment, env_file, .env and interpolation', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-env-'));
    fs.writeFileSync(path.join(dir, '.env'), 'TAG=1.2\nFROM_DOTENV=dotenv\n# comment\nSHELL_WINS=dotenv\n');
    fs.writeFileSync(path.join(dir, 'common.env'), 'A=from-common\nB=from-common\n');
    fs.writeFileSync(path.join(dir, 'web.env'), 'B=from-web\nC="quoted value"\n');
  });

  test('list and map forms; key-only entries come from the variables', () => {
    expect(svc('services:\n  web:\n    image: nginx\n    environment: ["A=1", "B=", "HOME_DIR"]\n', { HOME_DIR: '/home' }).environment)
      .toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '' }, { name: 'HOME_DIR', value: '/home' }]);
    expect(svc('services:\n  web:\n    image: nginx\n    environment: {A: 1, B: true, C: null}\n', { C: 'c' }).environment)
      .toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'true' }, { name: 'C', value: 'c' }]);
  });

  test('a key-only entry that no variable sets is left out, with a warning, as compose unsets it (an env_file value too)', () => {
    const m = load('services:\n  web:\n    image: nginx\n    environment: [MISSING, A=1]\n');
    expect(m.services[0].environment).toEqual([{ name: 'A', value: '1' }]);
    expect(m.warnings.map(w => w.id)).toEqual(['unset-variable']);
    expect(svc('services:\n  web:\n    image: nginx\n    env_file: web.env\n    environment: [B]\n', {}, dir).environment)
      .toEqual([{ name: 'C', value: 'quoted value' }]);
  });

  test('env_file: later files win, environment wins over them; paths from the project directory', () => {
    const s = svc('services:\n  web:\n    image: nginx\n    env_file: [common.env, web.env]\n    environment: [C=explicit]\n', {}, dir);
    expect(s.environment).toEqual([{ name: 'A', value: 'from-common' }, { name: 'B', value: 'from-web' }, { name: 'C', value: 'explicit' }]);
  });

  test('a missing env_file is an error naming it; required: false skips it', () => {
    expect(errorOf(() => svc('services:\n  web:\n    image: nginx\n    env_file: nope.env\n', {}, dir)))
      .toMatch(/^services\.web\.env_file: env_file "nope\.env": file not found \(looked for \/.*\/nope\.env\)$/);
    expect(svc('services:\n  web:\n    image: nginx\n    env_file: [{path: nope.env, required: false}]\n', {}, dir).environment).toEqual([]);
  });

  test('.env fills only the variables that are not given; it is not injected into containers', () => {
    const s = svc('services:\n  web:\n    image: "nginx:${TAG}"\n    environment: ["X=${SHELL_WINS}"]\n', { SHELL_WINS: 'shell' }, dir);
    expect(s.image).toBe('nginx:1.2');
    expect(s.environment).toEqual([{ name: 'X', value: 'shell' }]);
  });

  test('.env and env_file values are interpolated, except single-quoted ones', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-dotenv-'));
    fs.writeFileSync(path.join(d, '.env'), 'BASE=/opt\nDIR=${BASE}/app\nLITERAL=\'${BASE}\'\n');
    fs.writeFileSync(path.join(d, 'app.env'), 'HOME_DIR="${DIR}/home"\nRAW=\'$DIR\'\n');
    const s = svc('services:\n  web:\n    image: nginx\n    working_dir: ${DIR}\n    environment: [\"L=${LITERAL}\"]\n    env_file: app.env\n', {}, d);
    expect(s.workingDirectory).toBe('/opt/app');
    expect(s.environment).toEqual([{ name: 'HOME_DIR', value: '/opt/app/home' }, { name: 'RAW', value: '$DIR' }, { name: 'L', value: '${BASE}' }]);
  });

  test('every interpolation form', () => {
    const s = svc([
      'services:',
      '  web:',
      '    image: nginx',
      '    environment:',
      '      - A=$SET',
      '      - B=${SET}',
      '      - C=${UNSET:-dflt}',
      '      - D=${EMPTY:-dflt}',
      '      - E=${EMPTY-dflt}',
      '      - F=$$literal',
      '      - G=${UNSET:-${SET}}',
      '      - H=${SET:+alt}',
    ].join('\n'), { SET: 'v', EMPTY: '' });
    expect(s.environment.map(e => `${e.name}=${e.value}`)).toEqual(['A=v', 'B=v', 'C=dflt', 'D=dflt', 'E=', 'F=$literal', 'G=v', 'H=alt']);
  });

  test('${VAR:?message} fails with the path and the message', () => {
    expect(errorOf(() => svc('services:\n  web:\n    image: "${IMAGE:?set IMAGE to the image to run}"\n')))
      .toBe('services.web.image: cannot interpolate "${IMAGE:?set IMAGE to the image to run}": required variable IMAGE is not set: set IMAGE to the image to run');
  });
});

describe('command and entrypoint', () => {
  test('a list is kept; a string is split as a shell would', () => {
    const s = svc('services:\n  web:\n    image: nginx\n    command: sh -c \'echo "hello world"\' --flag\n    entrypoint: ["/bin/sh", "-c"]\n');
    expect(s.command).toEqual(['sh', '-c', 'echo "hello world"', '--flag']);
    expect(s.entryPoint).toEqual(['/bin/sh', '-c']);
  });
  test('an unterminated quote is an error', () => {
    expect(errorOf(() => svc('services:\n  web:\n    image: nginx\n    command: "echo \'oops"\n'))).toMatch(/services\.web\.command: cannot split .*unterminated single quote/);
  });
});

describe('healthcheck', () => {
  test('string test, durations, start_period', () => {
    const s = svc('services:\n  web:\n    image: nginx\n    healthcheck:\n      test: curl -f http://localhost\n      interval: 1m30s\n      timeout: 10s\n      retries: 3\n      start_period: 40s\n');
    expect(s.healthCheck).toMatchObject({ command: ['CMD-SHELL', 'curl -f http://localhost'], intervalSeconds: 90, timeoutSeconds: 10, retries: 3, startPeriodSeconds: 40 });
  });
  test('disable and NONE', () => {
    expect(svc('services:\n  web:\n    image: nginx\n    healthcheck:\n      disable: true\n').healthCheck?.disabled).toBe(true);
    expect(svc('services:\n  web:\n    image: nginx\n    healthcheck:\n      test: ["NONE"]\n').healthCheck?.disabled).toBe(true);
  });
  test('timings are read as written, outside ECS\'s bounds too (the plan moves the ones a container gets)', () => {
    const s = svc('services:\n  web:\n    image: nginx\n    healthcheck:\n      test: ["CMD", "true"]\n      interval: 6m\n      timeout: 1s\n      retries: 11\n');
    expect(s.healthCheck).toMatchObject({
      intervalSeconds: 360, timeoutSeconds: 1, retries: 11, written: { interval: '6m', timeout: '1s', retries: 11 },
    });
  });
  test('a test list must start with CMD, CMD-SHELL or NONE', () => {
    expect(errorOf(() => svc('services:\n  web:\n    image: nginx\n    healthcheck:\n      test: ["curl", "x"]\n')))
      .toMatch(/healthcheck\.test: a test list must start with "CMD", "CMD-SHELL" or "NONE"/);
  });
  test('a duration without a unit is refused', () => {
    expect(errorOf(() => svc('services:\n  web:\n    image: nginx\n    healthcheck:\n      test: ["CMD", "true"]\n      interval: 30\n')))
      .toMatch(/healthcheck\.interval: expected a duration with a unit, like "30s".*; got 30/);
  });
});

describe('resources', () => {
  test('v2 mem_limit, mem_reservation, cpu_shares with ecs-cli units', () => {
    const s = svc('version: "2"\nservices:\n  web:\n    image: nginx\n    mem_limit: 1000000000\n    mem_reservation: 0.5GB\n    cpu_shares: 128\n');
    expect([s.memoryLimitMiB, s.memoryReservationMiB, s.cpu]).toEqual([953, 512, 128]);
  });
  test('v3 deploy.resources', () => {
    const s = svc('version: "3.8"\nservices:\n  web:\n    image: nginx\n    deploy:\n      replicas: 3\n      resources:\n        limits: {cpus: "0.5", memory: 512M}\n        reservations: {memory: 256m}\n');
    expect([s.memoryLimitMiB, s.memoryReservationMiB, s.cpu, s.replicas]).toEqual([512, 256, 512, 3]);
  });
  test('a memory size is read in MiB, bare numbers as bytes (ECS\'s minimum is the plan\'s)', () => {
    expect(svc('version: "2"\nservices:\n  web:\n    image: nginx\n    mem_limit: 512\n')).toMatchObject({ memoryLimitMiB: 0, sizeWritten: { memoryLimit: 512 } });
  });
  test('stop_grace_period in whole seconds, as written (the plan moves it into Fargate\'s bounds)', () => {
    expect(svc('services:\n  web:\n    image: nginx\n    stop_grace_period: 1m30s\n').stopTimeoutSeconds).toBe(90);
    expect(svc('services:\n  web:\n    image: nginx\n    stop_grace_period: 3m\n')).toMatchObject({
      stopTimeoutSeconds: 180, stopGracePeriod: { written: '3m', path: ['services', 'web', 'stop_grace_period'] },
    });
  });
});

describe('other service keys', () => {
  test('working_dir, user, labels, read_only, tty, init, ulimits', () => {
    const s = svc([
      'services:',
      '  web:',
      '    image: nginx',
      '    working_dir: /app',
      '    user: 1000',
      '    labels: ["com.example.a=1", "flag"]',
      '    read_only: true',
      '    tty: "true"',
      '    init: true',
      '    ulimits:',
      '      nproc: 65535',
      '      nofile: {soft: 20000, hard: 40000}',
    ].join('\n'));
    expect(s).toMatchObject({
      workingDirectory: '/app',
      user: '1000',
      labels: { 'com.example.a': '1', 'flag': '' },
      readOnly: true,
      tty: true,
      init: true,
      ulimits: [{ name: 'nproc', soft: 65535, hard: 65535 }, { name: 'nofile', soft: 20000, hard: 40000 }],
    });
  });
  test('an unknown key is an error that suggests the closest key', () => {
    expect(errorOf(() => svc('services:\n  web:\n    image: nginx\n    enviroment: [A=1]\n')))
      .toBe('services.web.enviroment: unknown service key "enviroment": did you mean "environment"?');
  });
  test('harmless keys are dropped with a warning; others are refused by name', () => {
    const m = load('services:\n  web:\n    image: nginx\n    restart: always\n    container_name: w\n    x-custom: kept\n');
    // Normalize notes the keys whose meaning depends on the deployment model; the single-task plan warns.
    expect(m.warnings).toEqual([]);
    expect(m.deploymentKeys.map(d => d.path.join('.'))).toEqual(['services.web.restart', 'services.web.container_name']);
    expect(singleTaskWarnings(m).map(w => `${w.id} ${w.path.join('.')}`)).toEqual(['ignored-key services.web.restart', 'ignored-key services.web.container_name']);
    expect(errorOf(() => load('services:\n  web:\n    image: nginx\n    privileged: true\n    network_mode: host\n')).split('\n')).toEqual([
      'services.web.privileged: cannot be honoured on Fargate (got true): Fargate does not run privileged containers',
      'services.web.network_mode: cannot be honoured on Fargate (got "host"): Fargate tasks always use the awsvpc network mode: the containers of one task share one network interface',
    ]);
  });
  test('a service without an image is an error', () => {
    expect(errorOf(() => load('services:\n  web:\n    ports: ["80"]\n'))).toBe('services.web: no "image" or "build": each service needs the image to run');
  });
  test('YAML syntax errors name the line', () => {
    expect(errorOf(() => load('services:\n  web:\n    image: [nginx\n'))).toMatch(/^line \d+, column \d+: Flow sequence in block collection must be sufficiently indented and end with a \]$/);
  });
  test('fromFile errors start with the file name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-file-'));
    const file = path.join(dir, 'docker-compose.yml');
    fs.writeFileSync(file, 'services:\n  web:\n    image: nginx\n    ports: ["80:80/sctp"]\n');
    expect(errorOf(() => ComposeDefinition.fromFile(file, vars))).toMatch(/^docker-compose\.yml: services\.web\.ports\[0\]: /);
  });
});
