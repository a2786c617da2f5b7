// Makes the package's entry point (lib/index.js, what `require('cdk-compose-fargate')` and the jsii
// runtime of Python and Java load) one file: the library's modules and the bundled yaml package, with
// aws-cdk-lib and constructs left to the app (its own copies: one aws-cdk-lib per app). An app then
// loads one file instead of some 120 modules, which is most of what synthesis through the construct
// cost beyond a hand-written app of the same resources (BENCHMARKS.md). The other files of lib/ stay as
// jsii compiled them: the command-line tool (lib/cli/) and the type declarations use them. The source
// map (lib/index.js.map) maps the bundle back to src/.
//
//   node build-tools/bundle.js [ENTRY [OUTFILE]]    (default: lib/index.js in place)
const path = require('path');

/** Bundle `entry` into `outfile` (they may be the same file). */
function bundle(entry, outfile = entry) {
  // Required here, not at the top: the benchmark loads this file to bundle the sources it compiles.
  const esbuild = require('esbuild');
  esbuild.buildSync({
    entryPoints: [entry],
    outfile,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // The oldest Node.js aws-cdk-lib still runs on.
    target: 'node18',
    external: ['aws-cdk-lib', 'constructs'],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

module.exports = { bundle };

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const [entry = path.join(root, 'lib', 'index.js'), outfile] = process.argv.slice(2);
  bundle(entry, outfile ?? entry);
}
