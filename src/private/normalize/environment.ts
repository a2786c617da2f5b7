/**
 * A service's environment and labels, and the variables whose names or values say they hold a
 * secret written into the file.
 */
import { ServiceBuilder, set, setVar } from './builder';
import { dict } from '../dict';
import { isToken } from '../load/load';
import { DocPath } from '../problems';

/** Compose `environment`: later entries win; a key without a value is taken from the variables. */
export function readEnvironment(svc: ServiceBuilder, v: unknown, at: DocPath): void {
  for (const kv of svc.r.keyValues(v, at) ?? []) {
    const value = kv.value ?? svc.ctx.variables.get(kv.name);
    if (value === undefined) {
      // compose unsets it in the container
      svc.r.problems.warn('unset-variable', kv.at, `${kv.name} has no value and is not set in the variables: left out of the container's environment, as compose leaves it out`);
      svc.environment = svc.environment.filter(e => e.name !== kv.name);
      continue;
    }
    svc.environment = setVar(svc.environment, kv.name, value);
    if (kv.value !== undefined) warnPlainSecret(svc, kv.name, kv.value, kv.at);
  }
}

/** Compose `labels`: a label without a value is "". */
export function readLabels(svc: ServiceBuilder, v: unknown, at: DocPath): void {
  const labels = dict<string>();
  for (const kv of svc.r.keyValues(v, at) ?? []) {
    // aws-cdk-lib renders a template's maps into object literals, where this one key cannot be
    if (kv.name === '__proto__') svc.r.problems.warn('ignored-key', kv.at, 'a Docker label named __proto__ cannot be written into a CloudFormation template by aws-cdk-lib (it drops that key): left out; rename the label to keep it');
    else labels[kv.name] = kv.value ?? '';
  }
  set(svc, 'labels', labels);
}

/** The last word of a variable that holds a secret (`MYSQL_ROOT_PASSWORD`, `JWT_SECRET`, `GITHUB_TOKEN`, `DB_PASS`). */
const SECRET_WORDS = ['PASSWORD', 'PASSWD', 'PASS', 'SECRET', 'TOKEN', 'APIKEY', 'PASSPHRASE', 'CREDENTIALS'];
/** Glued names end so: `PGPASSWORD`, `AUTHTOKEN`. */
const SECRET_SUFFIXES = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'APIKEY'];
/** The word before a last `KEY` that makes it a secret (`API_KEY`, `AWS_SECRET_ACCESS_KEY`, `SECRET_KEY_BASE`). */
const SECRET_KEY_WORDS = ['API', 'SECRET', 'PRIVATE', 'ACCESS', 'AUTH', 'ENCRYPTION', 'SIGNING', 'MASTER', 'LICENSE'];
/** Values that switch something on or off (`MYSQL_ALLOW_EMPTY_PASSWORD: "yes"`), not secrets. */
const FLAG_VALUE = /^(true|false|yes|no|on|off|y|n|0|1|none|null)$/i;
/** A URL with a password in it: `postgres://app:s3cret@db:5432/app`. */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:([^\s/@]+)@/i;

/** Whether a variable's name says it holds a secret. */
export function isSecretName(name: string): boolean {
  const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter(w => w !== '');
  const last = words[words.length - 1] ?? '';
  if (SECRET_WORDS.includes(last) || SECRET_SUFFIXES.some(x => last.endsWith(x))) return true;
  // SECRET_KEY_BASE (Rails), ..._KEY after API, SECRET, PRIVATE, ...
  const key = last === 'KEY' ? words.length - 1 : words[words.length - 2] === 'KEY' && last === 'BASE' ? words.length - 2 : -1;
  return key > 0 && SECRET_KEY_WORDS.includes(words[key - 1]);
}

/**
 * A secret written in the file as a variable's value goes into the task definition in plain text: a
 * warning says how to keep it out. Not for a value a set variable gave (`${DB_PASSWORD}`: it is not
 * in the file), an empty one, a flag, a reference the container resolves (`$${X}`) or a secrets path.
 */
function warnPlainSecret(svc: ServiceBuilder, name: string, value: string, at: DocPath) {
  const v = value.trim();
  if (v === '' || isToken(value) || v.includes('$') || v.startsWith('/run/secrets/')) return;
  if (svc.ctx.substituted?.has(value) || svc.ctx.substituted?.has(`${name}=${value}`)) return;
  const inUrl = URL_PASSWORD.exec(v);
  if (!(isSecretName(name) && !FLAG_VALUE.test(v)) && !inUrl) return;
  const what = inUrl && !isSecretName(name) ? `${name} holds a URL with a password in it` : `${name} looks like a secret`;
  svc.r.problems.warn('plaintext-secret', at, `${what}, and the file writes its value: it goes into the task definition (and the CloudFormation template) in plain text, for anyone who may read them. `
    + 'To keep it out, declare a compose secret (top-level secrets: with file:, or name: / external: true for a Secrets Manager secret), list it in the service\'s secrets: and point the image at its file '
    + `(${name}_FILE=/run/secrets/<secret>, where the image reads *_FILE variables); or remove ${name} here and give it in ecs-params `
    + `(task_definition.services.${svc.name}.secrets: [{name: ${name}, value_from: <Secrets Manager ARN or SSM parameter>}]); or set it from a variable (${name}: \${${name}}), which keeps it out of the file but not out of the template`);
}
