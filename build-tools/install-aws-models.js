// The ECS API model that botocore (the AWS SDK for Python) ships: the deploy-readiness check of the tests
// (test/deploy-readiness.ts) turns each task definition and service of a template into the
// RegisterTaskDefinition / CreateService request CloudFormation makes, and validates it against this model.
// The botocore wheel (a pinned version, from PyPI) is downloaded into .tmp/ and the model extracted, without
// its documentation, to .tmp/aws-models/ecs.json. No Python package is installed.
//   node build-tools/install-aws-models.js          extract it unless it is there
//   node build-tools/install-aws-models.js --check  exit 0 when an install is needed, 1 when not (a projen condition)
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const VERSION = '1.44.18';
const root = path.join(__dirname, '..');
const dir = path.join(root, '.tmp', 'aws-models');
const model = path.join(dir, 'ecs.json');

function installed() {
  try {
    return JSON.parse(fs.readFileSync(model, 'utf-8')).botocore === VERSION;
  } catch {
    return false;
  }
}

if (process.argv.includes('--check')) process.exit(installed() ? 1 : 0);
if (installed()) process.exit(0);

fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
execFileSync('python3', ['-m', 'pip', 'download', '--no-deps', '--no-cache-dir', '--quiet', '--dest', dir, `botocore==${VERSION}`], { stdio: 'inherit', cwd: root });
const script = `
import glob, gzip, json, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(sys.argv[1] + '/botocore-*.whl')[0])
m = json.loads(gzip.decompress(wheel.read('botocore/data/ecs/2014-11-13/service-2.json.gz')))
def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k != 'documentation'}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node
out = {'botocore': sys.argv[2], 'metadata': m['metadata'], 'operations': {k: strip(v) for k, v in m['operations'].items() if k in ('RegisterTaskDefinition', 'CreateService')}, 'shapes': strip(m['shapes'])}
json.dump(out, open(sys.argv[3], 'w'))
`;
execFileSync('python3', ['-c', script, dir, VERSION, model], { stdio: 'inherit', cwd: root });
for (const f of fs.readdirSync(dir)) if (f.endsWith('.whl')) fs.rmSync(path.join(dir, f));
console.log(`${path.relative(root, model)}: the ECS API model of botocore ${VERSION}`);
