/**
 * Who owns the folder of each EFS volume the construct makes. Docker copies an image's ownership into
 * a new named volume, so a container that runs as `postgres`, `nobody` or 472 can write its volume. An
 * EFS access point creates its root folder once, with the owner and mode it is given, and the
 * container then runs as whoever its image says: the folder must be created for that user. Pure
 * planning, no CDK.
 */
import { builtImage } from '../dockerfile';
import { COMMON_USERS, knownImageUser } from '../facts/known-users';
import { ServiceModel } from '../model';
import { DocPath, Problems, quote } from '../problems';

/** The user a container runs as, as far as the files tell. */
export interface RunAsUser {
  /** undefined: the user is not known (then the gid is not either). */
  readonly uid?: number;
  /** undefined: not known (the user's primary group in the image). */
  readonly gid?: number;
  /** The container acts as root on the files: it runs as root, or its entrypoint starts as root and steps down. */
  readonly root: boolean;
  /** Where the answer comes from, for messages: `user: "999"`, `USER app in ./api/Dockerfile`, `the postgres image`. */
  readonly from: string;
}

/** One mount of an EFS volume the construct makes. */
export interface EfsMountPlan {
  readonly volume: string;
  /** The compose service that mounts it. */
  readonly service: string;
  /** Where the mount is in the compose file. */
  readonly at: DocPath;
  readonly write: boolean;
  readonly user: RunAsUser;
}

/** The owner and mode the access point of an EFS volume creates its root folder with. */
export interface VolumeOwnerPlan {
  readonly volume: string;
  readonly uid: number;
  readonly gid: number;
  /** Octal, as the access point takes it: `755`, `775` (a group shares it) or `777` (a writer is not known). */
  readonly permissions: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/;

/** `uid`, `uid:gid`, `name`, `name:group`, as compose `user:` and Dockerfile `USER` write them. */
function splitUser(text: string): { user: string; group?: string } | undefined {
  const m = /^([^:\s]+)(?::([^:\s]+))?$/.exec(text.trim());
  return m ? { user: m[1], group: m[2] } : undefined;
}

interface Names {
  /** Users by name: their uid and primary group. */
  user(name: string): { uid?: number; group?: string | number } | undefined;
  group(name: string): number | undefined;
}

/** A user as written, with names resolved: numbers as they are, names through what the image is known to define. */
function resolve(text: string, names: Names, from: string): RunAsUser {
  const parts = splitUser(text);
  if (!parts) return { root: true, from };
  let uid: number | undefined;
  let primary: string | number | undefined;
  if (/^\d+$/.test(parts.user)) {
    uid = Number(parts.user);
  } else if (NAME.test(parts.user)) {
    const found = names.user(parts.user);
    uid = found?.uid;
    primary = found?.group;
  }
  let gid: number | undefined;
  const groupWord = parts.group ?? primary;
  if (typeof groupWord === 'number') gid = groupWord;
  else if (groupWord !== undefined && /^\d+$/.test(groupWord)) gid = Number(groupWord);
  else if (groupWord !== undefined) gid = names.group(groupWord);
  if (uid === undefined) return { root: true, from };
  return { uid, gid, root: uid === 0, from };
}

/** Names every image defines (root, nobody), and the users of one known image. */
function imageNames(image: string | undefined): Names {
  const known = image === undefined ? undefined : knownImageUser(image);
  const users = [...(known ? [known.user] : []), ...COMMON_USERS];
  return {
    user: name => {
      const u = users.find(x => x.name === name);
      return u ? { uid: u.uid, group: u.gid } : undefined;
    },
    group: name => users.find(x => x.name === name)?.gid,
  };
}

/** What the image says when the compose file gives no user (undefined: it does not say). */
function imageUser(svc: ServiceModel): RunAsUser | undefined {
  if (svc.build) {
    const built = builtImage(svc.build.dockerfileText, svc.build.target, svc.build.args);
    const dockerfile = svc.build.dockerfile ?? 'Dockerfile';
    const base = imageNames(built.baseImage);
    if (built.lastUser !== undefined) {
      const names: Names = {
        user: n => {
          const own = built.accounts.users.get(n);
          return own ? { uid: own.uid, group: own.group } : base.user(n);
        },
        group: n => built.accounts.groups.get(n) ?? base.group(n),
      };
      return resolve(built.lastUser, names, `USER ${built.lastUser} in ${dockerfile}`);
    }
    // No USER: the base image's user.
    return built.baseImage === undefined ? undefined : knownUser(built.baseImage, `the base image ${built.baseImage} of ${dockerfile}`);
  }
  return svc.image === undefined ? undefined : knownUser(svc.image, `the image ${svc.image}`);
}

function knownUser(image: string, from: string): RunAsUser | undefined {
  const known = knownImageUser(image);
  if (!known) return undefined;
  return { uid: known.user.uid, gid: known.user.gid, root: known.startsAsRoot || known.user.uid === 0, from: `${from} (${known.user.name}, ${known.user.uid}:${known.user.gid})` };
}

/**
 * The user a compose service runs as: its `user:` (numbers, or names the image is known to define),
 * else its Dockerfile's last `USER` (names created with an id by its RUN lines, or known from its base
 * image), else the user the table of known images gives. Unknown otherwise: uid undefined, and root
 * access kept (an image that says nothing usually runs as root).
 */
export function runAsUser(svc: ServiceModel): RunAsUser {
  if (svc.user !== undefined) {
    const names = svc.build ? imageNames(builtImage(svc.build.dockerfileText, svc.build.target, svc.build.args).baseImage) : imageNames(svc.image);
    return resolve(svc.user, names, `user: ${quote(svc.user)}`);
  }
  return imageUser(svc) ?? { root: true, from: svc.build ? `${svc.build.dockerfile ?? 'Dockerfile'}, with no USER, built on an image not in the table` : `the image ${svc.image ?? ''}` };
}

/**
 * The owner of each volume's folder, from the users of the containers that write it (readers only need
 * the 755 every folder gets; root writes anywhere):
 * - every writer known and the same non-root user: that user, mode 755;
 * - writers of different users in one group: the first's uid, that group, mode 775 (warned: each
 *   file they create is still their own);
 * - a writer whose user is not known, or writers with no group in common: root's, mode 777, so that
 *   any user can create files there (warned, with what sets the user).
 */
export function planVolumeOwners(mounts: EfsMountPlan[], problems: Problems): VolumeOwnerPlan[] {
  const volumes = [...new Set(mounts.map(m => m.volume))];
  const out: VolumeOwnerPlan[] = [];
  for (const volume of volumes) {
    const writers = mounts.filter(m => m.volume === volume && m.write);
    const unknown = writers.find(w => w.user.uid === undefined);
    const users = writers.filter(w => w.user.uid !== undefined && w.user.uid !== 0);
    const distinct = [...new Map(users.map(w => [`${w.user.uid}:${w.user.gid ?? ''}`, w])).values()];
    if (unknown) {
      problems.warn('volume-owner', unknown.at, `the user ${unknown.service} runs as is not known (${unknown.user.from}: no uid from the files or the table of known images), `
        + `so the EFS access point creates the folder of the volume ${quote(volume)} with mode 777, writable by any user: `
        + 'set the service\'s user: to the uid:gid its image runs as to make the folder that user\'s (mode 755)');
      out.push({ volume, uid: 0, gid: 0, permissions: '777' });
    } else if (distinct.length === 0) {
      out.push({ volume, uid: 0, gid: 0, permissions: '755' });
    } else if (new Set(distinct.map(w => w.user.uid)).size === 1) {
      out.push({ volume, uid: distinct[0].user.uid!, gid: distinct[0].user.gid ?? 0, permissions: '755' });
    } else {
      const gids = new Set(distinct.map(w => w.user.gid));
      const shared = gids.size === 1 ? distinct[0].user.gid : undefined;
      const who = distinct.map(w => `${w.service} (${w.user.uid}:${w.user.gid ?? '?'}, ${w.user.from})`).join(', ');
      if (shared !== undefined) {
        problems.warn('shared-volume-owner', distinct[1].at, `the volume ${quote(volume)} is written by ${who}: its folder is made ${distinct[0].user.uid}:${shared} with mode 775, `
          + 'writable by the group they share (the files each creates are still its own: give them one user: to share those too)');
        out.push({ volume, uid: distinct[0].user.uid!, gid: shared, permissions: '775' });
      } else {
        problems.warn('shared-volume-owner', distinct[1].at, `the volume ${quote(volume)} is written by ${who}, users with no group in common: its folder is made with mode 777, `
          + 'writable by any user; give the services one user: (or one group) to keep it to them');
        out.push({ volume, uid: 0, gid: 0, permissions: '777' });
      }
    }
  }
  return out;
}
