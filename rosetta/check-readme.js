// The README shows the tutorial in TypeScript, Python and Java. The TypeScript is compiled by
// `jsii-rosetta extract --strict` (see the `rosetta` task); this checks, in the tablet that command
// wrote, that every ```python and ```java block of the README is exactly rosetta's translation of
// the nearest ```ts block above it. On a mismatch it prints the translation to paste.
// Run: `npx projen rosetta` (after `npx projen compile`).
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const tabletFile = path.join(root, '.jsii.tabl.json');
const readmeFile = path.join(root, 'README.md');

if (!fs.existsSync(tabletFile)) {
  console.error(`${tabletFile} does not exist: run \`npx projen rosetta\``);
  process.exit(1);
}
const snippets = Object.values(JSON.parse(fs.readFileSync(tabletFile, 'utf-8')).snippets);
const translationsOf = source =>
  snippets.find(s => s.translations.$.source.trim() === source.trim())?.translations;

const fences = [];
const fence = /^```(\S*)[^\n]*\n([\s\S]*?)^```$/gm;
const markdown = fs.readFileSync(readmeFile, 'utf-8');
for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
  fences.push({ lang: m[1], code: m[2], line: markdown.slice(0, m.index).split('\n').length });
}

let checked = 0;
const problems = [];
let ts;
for (const f of fences) {
  if (f.lang === 'ts' || f.lang === 'typescript') ts = f;
  const language = f.lang;
  if (language !== 'python' && language !== 'java') continue;
  const where = `README.md:${f.line}: the ${language} block`;
  if (!ts) {
    problems.push(`${where} follows no TypeScript block`);
    continue;
  }
  const translations = translationsOf(ts.code);
  if (!translations) {
    problems.push(`${where}: the TypeScript block at line ${ts.line} is not in ${path.basename(tabletFile)}: run \`npx projen compile\`, then \`npx projen rosetta\``);
    continue;
  }
  const expected = translations[language].source.trim();
  if (f.code.trim() !== expected) {
    problems.push(`${where} is not rosetta's translation of the TypeScript block at line ${ts.line}; it should read:\n\n${expected}\n`);
  }
  checked++;
}
if (checked === 0 && problems.length === 0) problems.push('README.md has no Python or Java block to check');

for (const p of problems) console.error(p);
if (problems.length > 0) process.exit(1);
console.log(`README.md: ${checked} Python/Java blocks are rosetta's translations of their TypeScript`);
