// Makes every command in package.json's `bin` executable (adds x for all) after jsii compiles it. npm sets the mode
// when it installs a package, but the jsii runtime does not: the Python console script (and any jsii host)
// asks the kernel for the script's path inside the extracted npm tarball and runs that file directly, so the
// tarball that jsii-pacmak packs (`npm pack`, which keeps the mode on disk) must hold it executable.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const { bin } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
const scripts = typeof bin === 'string' ? [bin] : Object.values(bin ?? {});
for (const script of scripts) {
  const file = path.join(root, script);
  fs.chmodSync(file, fs.statSync(file).mode | 0o111);
}
