/**
 * EFS volumes the construct makes are writable by the user the container runs as (issue 19, item 3):
 * the access point creates its folder for that user, as Docker's named volumes take the image's
 * ownership. The user comes from compose `user:`, else the Dockerfile's USER, else the table of known
 * images; where it is not known, the folder is writable by any user, with a warning.
 */
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComposeDefinition, ComposeFargateProject, ComposeFargateService, VolumeStorage } from '../../src';
import { builtImage } from '../../src/private/dockerfile';
import { parseImageReference } from '../../src/private/facts/known-ports';
import { KNOWN_IMAGE_USERS, knownImageUser, knownUsersRows } from '../../src/private/facts/known-users';
import { runAsUser } from '../../src/private/plan/volume-owners';
import { validatedTemplate } from '../cfn-validate';
import { warningsWithId, writeFiles } from '../util';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** Each access point's folder and the owner and mode it creates it with. */
function accessPoints(template: Template): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ap of Object.values(template.findResources('AWS::EFS::AccessPoint')) as any[]) {
    const dir = ap.Properties.RootDirectory;
    out[dir.Path] = `${dir.CreationInfo.OwnerUid}:${dir.CreationInfo.OwnerGid} ${dir.CreationInfo.Permissions}`;
  }
  return out;
}

/** The EFS actions the task role of one project service gets. */
function efsActions(template: Template, service: string): string[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
  const policy = policies.find(p => p.Properties.Roles.some((r: any) => String(r.Ref).startsWith(`App${service}TaskDefinitionTaskRole`)));
  return (policy?.Properties.PolicyDocument.Statement ?? []).flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.startsWith('elasticfilesystem:'));
}

function project(yaml: string, files: Record<string, string> = {}): Stack {
  const dir = writeFiles(path.join(os.tmpdir(), `owners-${process.pid}-${Math.random().toString(36).slice(2)}`), { 'docker-compose.yml': yaml, ...files });
  const stack = new Stack(new App(), 'S');
  new ComposeFargateProject(stack, 'App', { compose: ComposeDefinition.fromFile(path.join(dir, 'docker-compose.yml'), { variables: {} }) });
  return stack;
}

describe('the table of known image users', () => {
  test('names are whole image references, each in one row, with a source', () => {
    const names = KNOWN_IMAGE_USERS.flatMap(r => r.repositories);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(parseImageReference(n)).toBeDefined();
    for (const r of KNOWN_IMAGE_USERS) expect(r.source.length).toBeGreaterThan(20);
    expect(knownUsersRows().some(r => r.images.includes('bitnami/*') && r.user === '1001:0')).toBe(true);
  });

  test('tags pick variants; mirrors and Bitnami copies match; bases that run as root do not', () => {
    expect(knownImageUser('postgres:16')?.user).toEqual({ name: 'postgres', uid: 999, gid: 999 });
    expect(knownImageUser('postgres:16-alpine')?.user).toMatchObject({ uid: 70, gid: 70 });
    expect(knownImageUser('redis:7-alpine')?.user).toMatchObject({ uid: 999, gid: 1000 });
    expect(knownImageUser('public.ecr.aws/docker/library/redis:7')?.user).toMatchObject({ uid: 999, gid: 999 });
    expect(knownImageUser('grafana/grafana-oss:11.1.0')).toMatchObject({ user: { uid: 472, gid: 0 }, startsAsRoot: false });
    expect(knownImageUser('bitnamilegacy/postgresql:16')?.user).toMatchObject({ uid: 1001, gid: 0 });
    expect(knownImageUser('bitnami/minideb:bookworm')).toBeUndefined();
    expect(knownImageUser('myorg/postgres:16')).toBeUndefined();
    expect(knownImageUser('nginx')).toBeUndefined();
  });
});

describe('the user a service runs as', () => {
  const svc = (extra: object) => ComposeDefinition.fromObject({ services: { s: { image: 'busybox', ...extra } } }, { variables: {} })._model.services[0];

  test('compose user: numbers as written, names through the image, unknown names unknown', () => {
    expect(runAsUser(svc({ user: '1000' }))).toMatchObject({ uid: 1000, gid: undefined, root: false });
    expect(runAsUser(svc({ user: '1000:2000' }))).toMatchObject({ uid: 1000, gid: 2000 });
    expect(runAsUser(svc({ image: 'postgres:16', user: 'postgres' }))).toMatchObject({ uid: 999, gid: 999, root: false });
    expect(runAsUser(svc({ user: 'nobody' }))).toMatchObject({ uid: 65534, gid: 65534 });
    expect(runAsUser(svc({ user: 'root' }))).toMatchObject({ uid: 0, root: true });
    expect(runAsUser(svc({ user: 'app' }))).toEqual({ root: true, from: 'user: "app"' });
  });

  test('no user: the known image (root when its entrypoint steps down from root), else unknown', () => {
    expect(runAsUser(svc({ image: 'postgres:16' }))).toMatchObject({ uid: 999, gid: 999, root: true });
    expect(runAsUser(svc({ image: 'prom/prometheus:v2.53.0' }))).toMatchObject({ uid: 65534, gid: 65534, root: false });
    expect(runAsUser(svc({ image: 'example/app:1' }))).toEqual({ root: true, from: 'the image example/app:1' });
  });

  test('a built image: the Dockerfile USER, names its RUN lines create, else its base image', () => {
    const build = (dockerfile: string) => {
      const dir = writeFiles(path.join(os.tmpdir(), `owners-build-${process.pid}-${Math.random().toString(36).slice(2)}`), { Dockerfile: dockerfile });
      return ComposeDefinition.fromObject({ services: { s: { build: dir } } }, { variables: {} })._model.services[0];
    };
    expect(runAsUser(build('FROM node:20\nUSER 1000:1000\n'))).toMatchObject({ uid: 1000, gid: 1000, root: false });
    expect(runAsUser(build('FROM debian\nRUN groupadd -g 1500 app && useradd -u 1500 -g app -m app\nUSER app\n'))).toMatchObject({ uid: 1500, gid: 1500 });
    expect(runAsUser(build('FROM alpine\nRUN addgroup -S -g 2000 app; adduser -S -D -u 2001 -G app app\nUSER app\n'))).toMatchObject({ uid: 2001, gid: 2000 });
    expect(runAsUser(build('FROM grafana/grafana:11.1.0\nUSER root\nRUN true\nUSER grafana\n'))).toMatchObject({ uid: 472, gid: 0 });
    expect(runAsUser(build('FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n'))).toMatchObject({ uid: 999, root: true });
    expect(runAsUser(build('FROM prom/prometheus\nUSER root\n'))).toMatchObject({ uid: 0, root: true });
    // A name no RUN line gives an id to: not known.
    expect(runAsUser(build('FROM debian\nRUN useradd app\nUSER app\n'))).toEqual({ root: true, from: 'USER app in Dockerfile' });
    expect(runAsUser(build('FROM example/base:1\nRUN true\n'))).toEqual({ root: true, from: 'Dockerfile, with no USER, built on an image not in the table' });
  });

  test('RUN lines: Debian adduser, groupadd --gid=, and `adduser user group` that creates nobody', () => {
    const built = builtImage('FROM debian\nRUN groupadd -r svc --gid=990 && adduser --system --uid 991 --ingroup svc svc && adduser svc staff\n');
    expect(built.accounts.users.get('svc')).toEqual({ uid: 991, group: 'svc' });
    expect(built.accounts.groups.get('svc')).toBe(990);
    expect(built.accounts.users.has('staff')).toBe(false);
  });
});

describe('grafana, postgres and prometheus with named volumes (one ECS service each)', () => {
  const stack = new Stack(new App(), 'S');
  new ComposeFargateProject(stack, 'App', {
    compose: ComposeDefinition.fromFile(path.join(FIXTURES, 'real/grafana-postgres-prometheus/docker-compose.yml'), { variables: {} }),
  });
  const template = validatedTemplate(stack);

  test('each volume\'s folder belongs to the user its service writes as', () => {
    expect(accessPoints(template)).toEqual({
      '/pgdata': '999:999 755',
      '/prom-data': '65534:65534 755',
      '/grafana-data': '472:0 755',
    });
  });

  test('root access to the file system only for the service that starts as root', () => {
    expect(efsActions(template, 'db')).toEqual(['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientRootAccess']);
    expect(efsActions(template, 'grafana')).toEqual(['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']);
    expect(efsActions(template, 'prometheus')).toEqual(['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']);
  });

  test('no warning about owners: every user is known', () => {
    expect(warningsWithId(stack, 'volume-owner')).toEqual([]);
    expect(warningsWithId(stack, 'shared-volume-owner')).toEqual([]);
  });
});

describe('owners the files do not settle', () => {
  test('a writer whose user is not known: mode 777, with a warning that says what sets it', () => {
    const stack = project('services:\n  app:\n    image: example/app:1\n    volumes: ["data:/data"]\n  reader:\n    image: example/other:1\n    volumes: ["data:/data:ro"]\nvolumes:\n  data:\n');
    expect(accessPoints(validatedTemplate(stack))).toEqual({ '/data': '0:0 777' });
    expect(warningsWithId(stack, 'volume-owner')).toEqual([
      expect.stringMatching(/^docker-compose\.yml: services\.app\.volumes\[0\]: the user app runs as is not known \(the image example\/app:1: no uid from the files or the table of known images\), .*mode 777.*set the service's user: /),
    ]);
  });

  test('compose user: makes it known; readers do not count', () => {
    const stack = project('services:\n  app:\n    image: example/app:1\n    user: "1000:1000"\n    volumes: ["data:/data"]\n  reader:\n    image: example/other:1\n    volumes: ["data:/data:ro"]\nvolumes:\n  data:\n');
    expect(accessPoints(validatedTemplate(stack))).toEqual({ '/data': '1000:1000 755' });
    expect(warningsWithId(stack, 'volume-owner')).toEqual([]);
  });

  test('two users in one group share a 775 folder; with no group in common, 777; both warned', () => {
    const shared = project('services:\n  a:\n    image: x/a:1\n    user: "1000:3000"\n    volumes: ["data:/data"]\n  b:\n    image: x/b:1\n    user: "1001:3000"\n    volumes: ["data:/data"]\nvolumes:\n  data:\n');
    expect(accessPoints(validatedTemplate(shared))).toEqual({ '/data': '1000:3000 775' });
    expect(warningsWithId(shared, 'shared-volume-owner')).toEqual([expect.stringContaining('services.b.volumes[0]: the volume "data" is written by a (1000:3000, user: "1000:3000"), b (1001:3000, user: "1001:3000"): its folder is made 1000:3000 with mode 775')]);

    const apart = project('services:\n  a:\n    image: postgres:16\n    volumes: ["data:/data"]\n  b:\n    image: grafana/grafana:11\n    volumes: ["data:/data"]\nvolumes:\n  data:\n');
    expect(accessPoints(validatedTemplate(apart))).toEqual({ '/data': '0:0 777' });
    expect(warningsWithId(apart, 'shared-volume-owner')).toEqual([expect.stringContaining('users with no group in common: its folder is made with mode 777')]);
  });

  test('root writers and the same user twice: that user, 755', () => {
    const stack = project('services:\n  a:\n    image: x/a:1\n    user: "0"\n    volumes: ["data:/data"]\n  b:\n    image: redis:7\n    volumes: ["data:/data"]\n  c:\n    image: x/c:1\n    user: "999:999"\n    volumes: ["data:/backup"]\nvolumes:\n  data:\n');
    expect(accessPoints(validatedTemplate(stack))).toEqual({ '/data': '999:999 755' });
    expect(warningsWithId(stack, 'shared-volume-owner')).toEqual([]);
  });

  test('one task (ComposeFargateService with EFS) decides over its own containers', () => {
    const stack = new Stack(new App(), 'S');
    new ComposeFargateService(stack, 'App', {
      compose: ComposeDefinition.fromFile(path.join(FIXTURES, 'real/grafana-postgres-prometheus/docker-compose.yml'), { variables: {} }),
      volumeStorage: VolumeStorage.EFS,
    });
    expect(accessPoints(validatedTemplate(stack))).toEqual({ '/pgdata': '999:999 755', '/prom-data': '65534:65534 755', '/grafana-data': '472:0 755' });
  });
});
