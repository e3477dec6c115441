// `npm run docs`: rewrites the generated pages and blocks of docs/ from the built code (dist/).
import { readFileSync, writeFileSync } from 'node:fs';
import { buildProgram } from '../dist/cli.js';
import { generatedDocs, replaceGenerated } from '../dist/commands/reference.js';

const program = buildProgram({ stdout: () => {}, stderr: () => {} }, async () => {});
const { whole, blocks } = generatedDocs(program);
for (const [page, text] of Object.entries(whole)) writeFileSync(`docs/${page}`, text);
for (const [page, block] of Object.entries(blocks)) {
  const path = `docs/${page}`;
  writeFileSync(path, replaceGenerated(readFileSync(path, 'utf8'), block));
}
