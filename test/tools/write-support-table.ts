// Writes docs/support.md from the support tables in code: npx ts-node --project test/tsconfig.json test/tools/write-support-table.ts
import * as fs from 'fs';
import * as path from 'path';
import { renderSupportTable } from '../../src/private/support-table';

const out = path.join(__dirname, '..', '..', 'docs', 'support.md');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, renderSupportTable());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
