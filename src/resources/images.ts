/**
 * The image each container runs: the registry image as it is; a `build:` as a CDK image asset; and
 * when the compose file mounts project files into the container, an image that holds them: a thin
 * image on top of a registry image, or the service's own build with COPY lines at the end of the
 * stage it builds. Docker runs only at deploy time; at synth, folders are written under the OS
 * temp folder, never into the user's folders.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileSystem, IgnoreMode, Stage } from 'aws-cdk-lib';
import * as ecr_assets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { appendToBuiltStage, copyInstruction } from '../private/dockerfile';
import { BuildModel } from '../private/model';
import { ContainerPlan, ProjectFilePlan } from '../private/plan/model';
import { within } from '../private/plan/volumes';

/** The folder of the project files in a generated build context, and the Dockerfile written next to it. */
const FILES_FOLDER = '.cdk-compose-fargate-files';
const STAGED_DOCKERFILE = 'Dockerfile.cdk-compose-fargate';

/**
 * A folder under the OS temp folder named by the hash of what goes in, written once: filled aside
 * and renamed into place, so that synths running side by side never see half a folder, and the
 * same content gives the same folder (and so the same image asset). `key` holds every text the
 * folder is made of (the Dockerfile written, not only its inputs) and fingerprints of the files.
 */
function contentFolder(kind: string, key: string[], copies: FileCopy[], fill: (dir: string) => void): string {
  const hash = crypto.createHash('sha256');
  for (const part of key) hash.update(`${part}\0`);
  copies.forEach(({ file, exclude }, i) => {
    hash.update(`${i}\0${file.target}\0${file.isFolder}\0`);
    hash.update(file.content !== undefined ? `content\0${file.content}\0` : `source\0${FileSystem.fingerprint(file.source!, { exclude, ignoreMode: IgnoreMode.DOCKER })}\0`);
  });
  const dir = path.join(os.tmpdir(), `cdk-compose-fargate-${kind}-${hash.digest('hex').slice(0, 20)}`);
  if (isComplete(dir)) return dir;
  const aside = fs.mkdtempSync(`${dir}.partial-`);
  try {
    fill(aside);
    fs.writeFileSync(path.join(aside, CONTENT_MARK), folderFingerprint(aside));
    // A folder that a temp cleaner emptied in part is replaced.
    if (fs.existsSync(dir) && !isComplete(dir)) fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(aside, dir);
  } catch (e) {
    fs.rmSync(aside, { recursive: true, force: true });
    // Another synth made the same folder first: its content is the same.
    if (!isComplete(dir)) throw e;
  }
  return dir;
}

/**
 * The file in a generated folder that holds the fingerprint of the rest, so that a folder is used
 * again only as it was written (temp cleaners delete old files). It is no part of the image asset.
 */
const CONTENT_MARK = '.cdk-compose-fargate-content';

function folderFingerprint(dir: string): string {
  return FileSystem.fingerprint(dir, { exclude: [`/${CONTENT_MARK}`], ignoreMode: IgnoreMode.DOCKER });
}

function isComplete(dir: string): boolean {
  try {
    return fs.readFileSync(path.join(dir, CONTENT_MARK), 'utf-8') === folderFingerprint(dir);
  } catch {
    return false;
  }
}

interface FileCopy {
  /** Where the file goes in the folder built. */
  readonly name: string;
  readonly file: ProjectFilePlan;
  /** What is not copied of a folder: paths an anonymous volume shields, cloud assemblies. */
  readonly exclude: string[];
  /** The COPY line that puts it at its target. */
  readonly copy: string;
}

/** Where each project file goes in a folder, what of it is left out, and the COPY line that puts it at its target. */
function fileCopies(folder: string, files: ProjectFilePlan[], outdir: string | undefined): FileCopy[] {
  // As Docker mounts them: the shallower target first, so a file mounted into a mounted folder wins.
  const depth = (f: ProjectFilePlan) => f.target.split('/').filter(x => x !== '').length;
  const ordered = files.map((file, i) => ({ file, i })).sort((a, b) => depth(a.file) - depth(b.file) || a.i - b.i).map(x => x.file);
  return ordered.map((file, i) => {
    const name = `${folder}/${i}`;
    const exclude = file.isFolder && file.source !== undefined
      ? [...(file.exclude ?? []).map(p => `/${p}`), ...cloudAssemblies(file.source, outdir)]
      : [];
    // A folder's content goes into the target folder.
    const options = { chown: file.chown, chmod: file.chmod };
    const copy = file.isFolder ? copyInstruction(`${name}/`, `${file.target.replace(/\/+$/, '')}/`, options) : copyInstruction(name, file.target, options);
    return { name, file, exclude, copy };
  });
}

/** Write the project files into the folder. */
function writeFiles(dir: string, copies: FileCopy[]): void {
  for (const { name, file, exclude } of copies) {
    const dest = path.join(dir, name);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (file.content !== undefined) {
      fs.writeFileSync(dest, file.content);
    } else if (file.isFolder) {
      fs.mkdirSync(dest, { recursive: true });
      FileSystem.copyDirectory(file.source!, dest, { exclude, ignoreMode: IgnoreMode.DOCKER });
    } else {
      fs.copyFileSync(file.source!, dest);
    }
  }
}

/**
 * A folder holding a Dockerfile that builds `image` with the project files at their targets: the
 * thin image of a service that mounts project files.
 */
export function projectFilesImageFolder(image: string, files: ProjectFilePlan[], outdir?: string): string {
  const copies = fileCopies('files', files, outdir);
  const dockerfile = [`FROM ${image}`, ...copies.map(c => c.copy), ''].join('\n');
  return contentFolder('image', [dockerfile], copies, dir => {
    writeFiles(dir, copies);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  });
}

/**
 * CDK output folders in a build context or a mounted project folder, as exclude patterns: the app's
 * own output folder, and any cloud assembly at the top of the folder (`cdk-compose-fargate synth`
 * writes `cdk.out` into the project folder, often the context of `build: .`). They are never part
 * of an image, and an image holding the previous synth's output would change with every synth.
 */
function cloudAssemblies(folder: string, outdir: string | undefined): string[] {
  const found = new Set<string>();
  if (outdir !== undefined && within(folder, path.resolve(outdir)) && path.resolve(outdir) !== folder) found.add(path.resolve(outdir));
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const dir = path.join(folder, entry.name);
    // A cloud assembly holds a manifest.json and a file named cdk.out with the schema version.
    if (entry.isDirectory() && fs.existsSync(path.join(dir, 'cdk.out')) && fs.existsSync(path.join(dir, 'manifest.json'))) found.add(dir);
  }
  return [...found].map(dir => `/${path.relative(folder, dir).split(path.sep).join('/')}`);
}

/** The ignore patterns BuildKit applies to a build: `<Dockerfile>.dockerignore` next to it, else the context's `.dockerignore`. */
function ignorePatterns(context: string, dockerfile: string): string[] {
  for (const file of [`${dockerfile}.dockerignore`, path.join(context, '.dockerignore')]) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf-8').split(/\r?\n/).map(l => l.trim()).filter(l => l !== '' && !l.startsWith('#'));
  }
  return [];
}

/** Where a build happens: the folder and the Dockerfile in it. */
export interface BuildSource {
  readonly directory: string;
  readonly file?: string;
  /** Paths of the folder that are not part of the build context, beyond its .dockerignore. */
  readonly exclude?: string[];
}

/**
 * The build context of a `build:`. The user's context as it is, unless the build needs more than
 * it holds: project files mounted into the service (copied at the end of the stage the build ends
 * with), or a Dockerfile outside the context (which a CDK asset cannot take). Then a copy of the
 * context (what `.dockerignore` leaves) with the files and the Dockerfile in it.
 */
export function buildSource(build: BuildModel, files: ProjectFilePlan[], outdir?: string): BuildSource {
  const dockerfile = path.resolve(build.context, build.dockerfile ?? 'Dockerfile');
  const output = cloudAssemblies(build.context, outdir);
  if (files.length === 0 && within(build.context, dockerfile)) {
    return {
      directory: build.context,
      file: build.dockerfile === undefined || !path.isAbsolute(build.dockerfile) ? build.dockerfile : path.relative(build.context, dockerfile),
      exclude: output.length > 0 ? output : undefined,
    };
  }
  const patterns = ignorePatterns(build.context, dockerfile);
  const exclude = [...patterns, ...output];
  const copies = fileCopies(FILES_FOLDER, files, outdir);
  const comment = copies.length === 0 ? [] : ['# cdk-compose-fargate: the project files the compose file mounts into the service'];
  const text = appendToBuiltStage(build.dockerfileText, build.target, [...comment, ...copies.map(c => c.copy)]);
  // The files are part of the context whatever the ignore file says (the last matching line decides).
  const ignore = patterns.length === 0 ? undefined : [...patterns, `!${FILES_FOLDER}`, `!${FILES_FOLDER}/**`, ''].join('\n');
  const context = FileSystem.fingerprint(build.context, { exclude, ignoreMode: IgnoreMode.DOCKER });
  const directory = contentFolder('build', [context, text, ignore ?? ''], copies, dir => {
    FileSystem.copyDirectory(build.context, dir, { exclude, ignoreMode: IgnoreMode.DOCKER });
    writeFiles(dir, copies);
    if (ignore !== undefined) fs.writeFileSync(path.join(dir, '.dockerignore'), ignore);
    fs.writeFileSync(path.join(dir, STAGED_DOCKERFILE), text);
  });
  return { directory, file: STAGED_DOCKERFILE, exclude: [`/${CONTENT_MARK}`] };
}

/** The image of a container, from its plan. */
export function containerImage(scope: Construct, c: ContainerPlan, platform: ecr_assets.Platform | undefined): ecs.ContainerImage {
  if (c.build) {
    const source = buildSource(c.build, c.projectFiles, Stage.of(scope)?.outdir);
    return ecs.ContainerImage.fromAsset(source.directory, {
      file: source.file,
      exclude: source.exclude,
      buildArgs: Object.keys(c.build.args).length > 0 ? c.build.args : undefined,
      target: c.build.target,
      platform,
    });
  }
  // The project files the compose file mounts: in a thin image on top of the service's, built at deploy time.
  if (c.projectFiles.length > 0) {
    return ecs.ContainerImage.fromAsset(projectFilesImageFolder(c.image, c.projectFiles, Stage.of(scope)?.outdir), { platform, exclude: [`/${CONTENT_MARK}`] });
  }
  const credentials = c.repositoryCredentials
    ? secretsmanager.Secret.fromSecretPartialArn(scope, `${c.name}RepositoryCredentials`, c.repositoryCredentials)
    : undefined;
  return ecs.ContainerImage.fromRegistry(c.image, credentials ? { credentials } : undefined);
}
