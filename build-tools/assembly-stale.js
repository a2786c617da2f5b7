// Exits 0 (the compile step runs) when the jsii assembly (.jsii) is missing or older than a file under
// src/, so that `npx projen test` works on a fresh clone on its own and never tests a stale assembly;
// exits 1 (skipped) when the assembly is current, as it is right after `npx projen compile` in `build`.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}
let assembly;
try {
  assembly = fs.statSync(path.join(root, '.jsii')).mtimeMs;
} catch {
  process.exit(0);
}
process.exit(newest(path.join(root, 'src')) > assembly ? 0 : 1);
