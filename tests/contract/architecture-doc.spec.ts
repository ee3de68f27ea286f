import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHITECTURE_BLOCK_BEGIN, ARCHITECTURE_BLOCK_END, renderArchitectureBlock, replaceArchitectureBlock } from '@modelguard/contracts';
import { describe, expect, it } from 'vitest';

const PAGE = join(__dirname, '..', '..', 'docs', 'architecture.md');

describe('docs/architecture.md', () => {
  it('holds the picture generated from the contract catalogue (run node scripts/gen-architecture.mjs after a build)', () => {
    const page = readFileSync(PAGE, 'utf8');
    expect(page).toContain(ARCHITECTURE_BLOCK_BEGIN);
    expect(page).toContain(ARCHITECTURE_BLOCK_END);
    expect(page, 'the generated block is stale').toBe(replaceArchitectureBlock(page, renderArchitectureBlock()));
  });
});
