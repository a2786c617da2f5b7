/**
 * What a container may do on Fargate: Linux capabilities, sysctls and Docker's security options.
 */
import { ServiceBuilder } from './builder';
import { SysctlModel } from '../model';
import { DocPath, quote } from '../problems';

/** Linux capabilities as ECS names them. */
export const CAPABILITIES = [
  'ALL', 'AUDIT_CONTROL', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER',
  'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE', 'MKNOD',
  'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID',
  'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE', 'SYS_RAWIO',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'SYSLOG', 'WAKE_ALARM',
];
/** The only capability Fargate lets a task add. */
export const FARGATE_ADDABLE_CAPABILITIES = ['SYS_PTRACE'];

const IPC_SYSCTLS = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax',
  'kernel.shmmni', 'kernel.shm_rmid_forced'];

/** Whether Fargate accepts a sysctl (the namespaced ones: IPC and network). */
export function isFargateSysctl(name: string): boolean {
  return IPC_SYSCTLS.includes(name) || /^fs\.mqueue\.[a-z0-9_.]+$/.test(name) || /^net\.[A-Za-z0-9_.\-/]+$/.test(name);
}

export function readCapabilities(svc: ServiceBuilder, v: unknown, at: DocPath, adding: boolean): string[] {
  const out: string[] = [];
  (svc.r.list(v, at, 'a list of capabilities') ?? []).forEach((item, i) => {
    const s = svc.r.string(item, [...at, i], 'a capability name');
    if (s === undefined) return;
    const name = s.trim().toUpperCase().replace(/^CAP_/, '');
    if (!CAPABILITIES.includes(name)) {
      svc.r.problems.error([...at, i], `unknown capability ${quote(s)}: allowed are ${CAPABILITIES.join(', ')}`);
    } else if (adding && !FARGATE_ADDABLE_CAPABILITIES.includes(name)) {
      svc.r.problems.error([...at, i], `cannot be honoured on Fargate (got ${quote(s)}): Fargate allows adding only ${FARGATE_ADDABLE_CAPABILITIES.join(', ')}`);
    } else if (!out.includes(name)) {
      out.push(name);
    }
  });
  return out;
}

export function readSysctls(svc: ServiceBuilder, v: unknown, at: DocPath): SysctlModel[] {
  const out: SysctlModel[] = [];
  for (const kv of svc.r.keyValues(v, at) ?? []) {
    if (kv.value === undefined) {
      svc.r.problems.error(kv.at, `${quote(kv.name)} has no value`);
    } else if (!isFargateSysctl(kv.name)) {
      // A setting of the host's kernel: Docker itself refuses it (it is not namespaced), and Fargate has no host to tune.
      svc.r.problems.warn('ignored-key', kv.at, `left out on Fargate (${kv.name}=${kv.value}): a task sets only namespaced sysctls (net.*, fs.mqueue.*, ${IPC_SYSCTLS.join(', ')}); the kernel keeps Fargate's value`);
    } else {
      out.push({ name: kv.name, value: kv.value, path: kv.at });
    }
  }
  return out;
}

/** Docker's `--security-opt` options, by what they do. */
const SECURITY_OPTIONS = ['no-new-privileges', 'label', 'apparmor', 'seccomp', 'systempaths', 'credentialspec'];

/**
 * Compose `security_opt`. ECS takes no docker security options on Fargate (dockerSecurityOptions is
 * valid on EC2 only): each is left out with a warning saying what the container runs with instead.
 */
export function readSecurityOptions(svc: ServiceBuilder, v: unknown, at: DocPath) {
  const instead = 'ECS takes no docker security options on Fargate';
  (svc.r.list(v, at, 'a list of security options') ?? []).forEach((item, i) => {
    const iAt = [...at, i];
    const text = svc.r.string(item, iAt, 'a security option like "no-new-privileges:true"');
    if (text === undefined) return;
    const m = /^([^:=]+)(?:[:=](.*))?$/.exec(text.trim());
    const name = m?.[1].trim().toLowerCase() ?? '';
    const value = m?.[2]?.trim() ?? '';
    const loosens = /^unconfined$/i.test(value) || (name === 'label' && /^disable$/i.test(value));
    let what: string;
    if (name === 'no-new-privileges') {
      what = /^false$/i.test(value)
        ? 'false is Docker\'s default'
        : 'the container runs without it, so a setuid program can gain privileges; cap_drop (ALL) and a user that is not root (user:) limit what a process may do';
    } else if (name === 'credentialspec') {
      svc.r.problems.error(iAt, `cannot be honoured on Fargate (got ${quote(text)}): gMSA credential specs (Active Directory) are not read by this construct`);
      return;
    } else if (!SECURITY_OPTIONS.includes(name)) {
      what = `Docker knows ${SECURITY_OPTIONS.join(', ')}`;
    } else if (loosens) {
      what = `the container keeps the confinement Fargate gives it (the ${name} option cannot lift it), so a program that needs what this lifts (system calls, paths) can fail`;
    } else {
      what = `the container runs with the confinement Fargate gives it, not the ${name} profile or label named here`;
    }
    svc.r.problems.warn('ignored-key', iAt, `ignored on Fargate (got ${quote(text)}): ${instead}; ${what}`);
  });
}
