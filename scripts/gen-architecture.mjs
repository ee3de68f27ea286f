// Regenerates the catalogue block of docs/architecture.md (the Mermaid picture of services, topics and internal
// queries, and the two tables under it) from the contract catalogue in libs/contracts, so the page cannot drift
// from the code: tests/contract/architecture-doc.spec.ts fails when the committed block differs from what this
// writes. Reads the BUILT contracts (dist/libs/contracts/src/index.js), like tools/kafka/create-topics.mjs.
//
//   node scripts/build.mjs && node scripts/gen-architecture.mjs           rewrite the block
//   node scripts/gen-architecture.mjs --check                             exit 1 when the page is stale
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const contractsJs = join(root, 'dist', 'libs', 'contracts', 'src', 'index.js');
const page = join(root, 'docs', 'architecture.md');

if (!existsSync(contractsJs)) {
  console.error(`[gen-architecture] ${contractsJs} is missing: build first (node scripts/build.mjs)`);
  process.exit(1);
}
// dist/ is CommonJS, so load it with require from this ES module.
const { renderArchitectureBlock, replaceArchitectureBlock } = createRequire(import.meta.url)(contractsJs);
const current = readFileSync(page, 'utf8');
const next = replaceArchitectureBlock(current, renderArchitectureBlock());

if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('[gen-architecture] docs/architecture.md is stale: run node scripts/gen-architecture.mjs');
    process.exit(1);
  }
  console.log('[gen-architecture] docs/architecture.md is up to date');
} else if (next !== current) {
  writeFileSync(page, next);
  console.log('[gen-architecture] docs/architecture.md updated');
} else {
  console.log('[gen-architecture] docs/architecture.md already up to date');
}
