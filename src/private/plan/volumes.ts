/**
 * Where each service's files and data live on Fargate: named and anonymous volumes (task storage
 * or EFS), bind mounts of project files (put into the image, left out when they only serve
 * development, or a volume when they hold data), and compose secrets and configs (written to
 * files by an init container, or put into the image). Pure planning, no CDK.
 */
import * as path from 'path';
import { builtImage, containerPath } from '../dockerfile';
import type { ContainerPlan, FileInitPlan, InitFilePlan, PlanInput, ProjectFilePlan, VolumePlan } from './model';
import { EfsMountPlan, runAsUser } from './volume-owners';
import { MountModel, ServiceModel } from '../model';
import { Problems, quote } from '../problems';

export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
}

/** Whether a path is the folder or inside it. */
export function within(folder: string, p: string): boolean {
  const rel = path.relative(folder, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Who owns project files put into the image: the user the service runs as (compose \`user\`, else
 * the last USER of its Dockerfile), as the files' owner on the developer's machine usually is the
 * user the container runs as (a Dockerfile USER with variables as written: BuildKit fills them).
 * Undefined for root.
 */
function filesOwner(svc: ServiceModel, c: ContainerPlan): string | undefined {
  const user = c.user ?? (svc.build ? builtImage(svc.build.dockerfileText, svc.build.target).user : undefined);
  return user === undefined || /^(root|0)(:.*)?$/.test(user) ? undefined : user;
}

/**
 * A development mount: files the image already holds, mounted over themselves so that edits show
 * without a rebuild. The service builds from a context holding the source, and its Dockerfile
 * copies it to the same target; or a `develop.watch` sync rule says so.
 */
export function isDevelopmentMount(svc: ServiceModel, mount: MountModel): boolean {
  const bind = mount.bind;
  if (!bind) return false;
  const target = containerPath(mount.target);
  const maps = (source: string, destination: string) =>
    within(source, bind.source) && target === containerPath(path.posix.join(destination, path.relative(source, bind.source).split(path.sep).join('/')));
  for (const rule of svc.developWatch ?? []) {
    if (rule.action.startsWith('sync') && rule.target !== undefined && maps(rule.path, rule.target)) return true;
  }
  const build = svc.build;
  if (!build || !within(build.context, bind.source)) return false;
  return builtImage(build.dockerfileText, build.target).copies.some(c => c.sources.some(src => !/[*?[]/.test(src) && maps(path.resolve(build.context, src), c.destination)));
}

/**
 * How project files get into a service's image: a thin image on its registry image, or COPY lines
 * at the end of the stage its build ends with (in a copy of the build context made at synth).
 */
function intoImage(svc: ServiceModel): string {
  if (!svc.build) return `in an image built on ${svc.image} at deploy time (Docker runs where you deploy, as for build:)`;
  const dockerfile = path.relative(svc.build.context, path.resolve(svc.build.context, svc.build.dockerfile ?? 'Dockerfile')).split(path.sep).join('/');
  return `copied at the end of ${svc.build.target === undefined ? 'the last stage' : `the stage ${svc.build.target}`} of ${dockerfile}, in a copy of the build context made at synth (the folder itself is not changed)`;
}

/**
 * Task volumes and each container's mount points: named volumes are EFS when ecs-params defines
 * them (or `volumeStorage: 'efs'`: file systems the construct makes), otherwise task storage
 * (declared at the top level, no driver options); anonymous volumes get a generated name, as
 * ecs-cli's `volume-N`. Bind mounts of project files: see isDevelopmentMount and ProjectFilePlan.
 */
export function planVolumes(input: PlanInput, containers: ContainerPlan[], problems: Problems, efsMounts: EfsMountPlan[] = []): VolumePlan[] {
  const { compose, ecsParams: params } = input;
  const efsMode = input.volumeStorage === 'efs';
  const efs = new Map((params?.efsVolumes ?? []).map(v => [v.name, v]));
  const existing = new Set(input.existingFileSystems ?? []);
  const declared = new Map(compose.volumes.map(v => [v.name, v]));
  const volumes: VolumePlan[] = [];
  const warned = new Set<string>();
  const add = (v: VolumePlan) => {
    if (!volumes.some(x => x.name === v.name)) volumes.push(v);
  };
  const dataVolume = (name: string, at: MountModel['path'], why: string): VolumePlan => {
    if (efsMode) {
      if (!warned.has(name)) {
        warned.add(name);
        problems.warn('retained-volume', at, `${name}: an EFS file system the stack makes and keeps on cdk destroy; a deploy after a destroy makes a new, empty one `
          + '(docker compose up finds its volume again): to go on with the data, pass the old file system in the fileSystems prop (README: deploying again after cdk destroy)');
      }
      return { name, managedEfs: { volume: name, existing: false } };
    }
    if (!warned.has(name)) {
      warned.add(name);
      problems.warn('ephemeral-volume', at, `${why}task storage on Fargate: its data lives only as long as the task; define it in ecs-params efs_volumes to keep it`);
    }
    return { name };
  };
  let anonymous = 0;
  for (const svc of compose.services) {
    const c = containers.find(x => x.name === svc.name)!;
    const files = c.projectFiles as ProjectFilePlan[];
    // Folders of project files the image holds (a development mount, or files put into the image)...
    const projectFolders = svc.volumes.filter(m => m.bind && m.bind.kind === 'dir');
    // ...and the anonymous volumes inside them: under compose they keep the image's files there
    // (node_modules) from being hidden by the mount. The image holds them anyway on Fargate, where a
    // volume would start empty and hide them.
    // With a read-only root file system, the volume is what makes the path writable: it stays.
    const readOnlyRoot = c.readonlyRootFilesystem ?? svc.readOnly ?? false;
    const shielding = (m: MountModel) => !readOnlyRoot && m.bind === undefined && m.source === undefined
      ? projectFolders.find(b => containerPath(m.target) !== containerPath(b.target) && within(containerPath(b.target), containerPath(m.target)))
      : undefined;
    for (const m of [...svc.volumes, ...borrowedMounts(svc, input, efs, existing, problems)]) {
      let name: string;
      const shielded = shielding(m);
      if (shielded) {
        problems.warn('shielded-path', m.path, `left out: under compose this volume keeps the image's files at ${m.target} from being hidden by the mount of ${shielded.bind!.relative}; `
          + 'on Fargate the image keeps them without it (a volume there would start empty)');
        continue;
      }
      if (m.bind) {
        const bind = m.bind;
        if (isDevelopmentMount(svc, m)) {
          problems.warn('development-mount', m.path, `left out: ${bind.relative} holds files the image already has at ${m.target} (a development mount, for edits without a rebuild)`);
          continue;
        }
        const refused = bind.kind === 'missing' ? missingSourceRefusal(bind, m) : undefined;
        if (refused) {
          problems.error(m.path, `${bind.relative}: file not found in the project folder: ${refused}`);
          continue;
        }
        if (bind.kind === 'missing' || bind.kind === 'empty-dir') {
          name = `bind-${slug(bind.relative)}`.slice(0, 255);
          add(dataVolume(name, m.path, `${bind.relative} is ${bind.kind === 'missing' ? 'missing' : 'an empty folder'}, so it holds data the service writes: a volume like a named one${efsMode ? '' : ', '}`));
          if (efsMode) problems.warn('data-mount', m.path, `${bind.relative} is ${bind.kind === 'missing' ? 'missing' : 'an empty folder'}, so it holds data the service writes: an EFS file system the construct makes, like a named volume`);
        } else {
          // What an anonymous volume shields stays as the image has it (see shielding).
          const exclude = svc.volumes.filter(v => shielding(v) === m).map(v => path.posix.relative(containerPath(m.target), containerPath(v.target)));
          files.push({ target: m.target, source: bind.source, isFolder: bind.kind === 'dir', exclude: exclude.length > 0 ? exclude : undefined, chown: filesOwner(svc, c) });
          problems.warn('project-files', m.path, `${bind.relative} is put into the container at ${m.target}: ${intoImage(svc)}${m.readOnly ? '' : '; what the service writes there stays in the task'}`);
          continue;
        }
      } else if (m.source === undefined) {
        do name = `volume-${anonymous++}`; while (declared.has(name) || efs.has(name));
        add({ name });
      } else {
        name = m.source;
        const decl = declared.get(name);
        if (efs.has(name)) {
          add({ name, efs: efs.get(name) });
        } else if (existing.has(name)) {
          add({ name, managedEfs: { volume: name, existing: true } });
        } else if (!decl) {
          problems.error(m.path, `named volume ${quote(name)} is used but not declared: add it under the top-level volumes (task storage), or define it in ecs-params efs_volumes`);
          continue;
        } else if (decl.external) {
          problems.error(decl.path, `external volume ${quote(name)} must be an EFS file system on Fargate: define it in ecs-params task_definition.efs_volumes, or pass it in the fileSystems prop`);
          continue;
        } else if (decl.unsupported.length > 0) {
          problems.error([...decl.path, decl.unsupported[0]], 'cannot be honoured on Fargate: volume drivers and their options need EC2 container instances; use ecs-params efs_volumes for shared, lasting storage');
          continue;
        } else {
          add(dataVolume(name, decl.path, ''));
        }
      }
      c.mountPoints.push({ volume: name, containerPath: m.target, readOnly: m.readOnly });
      const planned = volumes.find(v => v.name === name);
      if (planned?.managedEfs && !planned.managedEfs.existing) {
        efsMounts.push({ volume: planned.managedEfs.volume, service: svc.name, at: m.path, write: !m.readOnly, user: runAsUser(svc) });
      }
    }
    for (const v of svc.volumesFrom) {
      if (v.container === svc.name) {
        problems.error(v.path, `${svc.name} cannot take volumes from itself`);
      } else if (![...compose.services, ...input.otherServices ?? []].some(x => x.name === v.container)) {
        const all = [...compose.services, ...input.otherServices ?? []].map(x => x.name);
        problems.error(v.path, `no service ${quote(v.container)} to take volumes from: the services are ${all.join(', ')}`);
      }
    }
  }
  // ecs-params EFS volumes that no service mounts are still part of the task (as ecs-cli did).
  for (const v of efs.values()) add({ name: v.name, efs: v });
  return volumes;
}

/**
 * `volumes_from` a service that runs in a task of its own (ComposeFargateProject): ECS shares volumes
 * only between the containers of one task, so its named volumes are mounted here directly (the
 * project's tasks share them on EFS), read-only when either side says so. What lives in its task only
 * (an anonymous volume, project files, task storage) cannot be shared: an error says which.
 */
function borrowedMounts(
  svc: ServiceModel, input: PlanInput, efs: Map<string, unknown>, existing: Set<string>, problems: Problems,
): MountModel[] {
  const out: MountModel[] = [];
  for (const v of svc.volumesFrom) {
    const other = input.otherServices?.find(x => x.name === v.container);
    if (!other) continue;
    for (const m of other.volumes) {
      const shared = m.source !== undefined && !m.bind && (input.volumeStorage === 'efs' || efs.has(m.source) || existing.has(m.source));
      if (shared) {
        out.push({ ...m, readOnly: m.readOnly || v.readOnly, path: v.path });
      } else {
        const what = m.bind ? `the project files ${m.bind.relative}` : m.source === undefined ? 'an anonymous volume' : `the volume ${quote(m.source)}, task storage (volumeStorage: TASK)`;
        problems.error(v.path, `${other.name} runs in a task of its own (an ECS service each), and its ${m.target} is ${what}, which only the containers of one task share: `
          + `make it a named volume (EFS, which the project's tasks share)${m.source !== undefined ? ', or leave volumeStorage at EFS' : ''}, or mount it in ${svc.name} yourself`);
      }
    }
  }
  return out;
}

/** Endings of the files a project mounts over an image's (configuration, scripts, certificates). */
const FILE_ENDINGS = new Set([
  'conf', 'cnf', 'cfg', 'config', 'ini', 'json', 'yml', 'yaml', 'toml', 'xml', 'properties', 'env', 'txt', 'js', 'mjs', 'cjs', 'ts', 'py',
  'rb', 'php', 'sh', 'sql', 'lua', 'html', 'htm', 'css', 'crt', 'pem', 'key', 'cert', 'p12', 'jks', 'htpasswd', 'rules', 'tmpl', 'tpl', 'j2', 'hcl', 'list',
]);

/** Whether a path names a file by its ending (`nginx.conf`, `init.sql`), not a folder. */
function looksLikeFile(p: string): boolean {
  const base = p.replace(/\/+$/, '').split('/').pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 && FILE_ENDINGS.has(base.slice(dot + 1).toLowerCase());
}

/**
 * Why a missing project path cannot become a data volume, or undefined when it can (a folder the
 * service fills: Docker makes it, and so does a task volume). A missing file is a mistake: Docker
 * would make a folder there and the container would see no file, or refuse to start.
 */
function missingSourceRefusal(bind: NonNullable<MountModel['bind']>, m: MountModel): string | undefined {
  if (!bind.createHostPath) {
    return 'a long-syntax bind mount of a missing path does not start under Docker either (it makes the folder only with bind.create_host_path: true); create it, or mount a named volume';
  }
  if (m.readOnly) return `it is mounted read-only at ${m.target}, so it can only hold what the project gives: create it, or remove the mount`;
  if (looksLikeFile(m.target) || looksLikeFile(bind.relative)) {
    return `it is mounted at ${m.target}, a file (by its name), where an empty volume would hide the image's file: create ${bind.relative}, or remove the mount`;
  }
  return undefined;
}

/**
 * Compose secrets and configs. Stored on AWS (external, name): files written by one init container
 * into per-folder volumes. A project secret (file:, content:, environment:): the same, from a Secrets
 * Manager secret the construct makes (its local value never enters the template). A project config:
 * put into the image, like a mounted project file.
 */
export function planFileInit(input: PlanInput, containers: ContainerPlan[], volumes: VolumePlan[], problems: Problems): FileInitPlan | undefined {
  const { compose } = input;
  const files: InitFilePlan[] = [];
  for (const svc of compose.services) {
    const c = containers.find(x => x.name === svc.name)!;
    const all = [
      ...svc.secretFiles.map(f => ({ f, kind: 'secret' as const, decl: compose.secrets.find(d => d.key === f.source) })),
      ...svc.configFiles.map(f => ({ f, kind: 'config' as const, decl: compose.configs.find(d => d.key === f.source) })),
    ];
    const seen = new Map<string, string>();
    for (const { f, kind, decl } of all) {
      if (!decl) continue; // reported by normalization
      if (seen.has(f.target)) {
        problems.error(f.path, `${quote(f.target)} is also the target of ${seen.get(f.target)}: each file needs its own path`);
        continue;
      }
      seen.set(f.target, f.path.join('.'));
      if (kind === 'config' && decl.local) {
        const owner = f.uid !== undefined || f.gid !== undefined ? `${f.uid ?? '0'}:${f.gid ?? '0'}` : filesOwner(svc, c);
        (c.projectFiles as ProjectFilePlan[]).push({ target: f.target, content: decl.local.content ?? '', isFolder: false, chown: owner, chmod: f.mode });
        continue;
      }
      if (f.target.includes("'")) {
        problems.error(f.path, `the target ${quote(f.target)} may not contain a single quote`);
        continue;
      }
      const dir = f.target.slice(0, f.target.lastIndexOf('/'));
      const clash = c.mountPoints.find(m => m.containerPath === dir || dir.startsWith(`${m.containerPath}/`) || m.containerPath.startsWith(`${dir}/`));
      if (clash && !clash.volume.startsWith(`${svc.name}-files-`)) {
        problems.error(f.path, `the folder ${quote(dir)} of ${quote(f.target)} overlaps the volume mounted at ${quote(clash.containerPath)}: give the file a folder of its own`);
        continue;
      }
      const volume = `${svc.name}-files-${slug(dir)}`.slice(0, 255);
      if (!volumes.some(v => v.name === volume)) volumes.push({ name: volume });
      if (!c.mountPoints.some(m => m.volume === volume)) c.mountPoints.push({ volume, containerPath: dir, readOnly: true });
      if (kind === 'secret' && decl.local && !(input.existingSecrets ?? []).includes(decl.key)) {
        problems.warn('generated-secret', decl.path, 'the stack makes a Secrets Manager secret with a generated value (the local value is for development and is not deployed). '
          + 'When the value must be exact (an API key), set it after deploying with `aws secretsmanager put-secret-value --secret-id <the secret\'s ARN> --secret-string file://<the file>`, or pass an existing secret in the secrets prop');
      }
      files.push({
        store: kind === 'secret' ? (decl.local ? 'generated' : 'secretsmanager') : 'ssm',
        name: decl.local ? decl.key : decl.name,
        volume,
        fileName: f.target.slice(dir.length + 1),
        mode: f.mode ?? '0444',
        uid: f.uid,
        gid: f.gid,
      });
    }
  }
  if (files.length === 0) return undefined;
  let containerName = 'compose-files-init';
  for (let i = 2; containers.some(c => c.name === containerName); i++) containerName = `compose-files-init-${i}`;
  return { containerName, files, mountRoot: '/compose-files' };
}
