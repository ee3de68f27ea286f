#!/usr/bin/env node
// @ts-check
// Summarises V8 .cpuprofile files (node --cpu-prof): self time per function, heaviest first, so a benchmark's
// profile can be read without a browser. Idle and garbage collection are shown as their own rows.
//
//   node bench/registry/lib/cpu-profile-top.mjs <file.cpuprofile> [--top 25] [--match upload]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
for (const file of positionals) {
  /** @type {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number }[], samples: number[], timeDeltas: number[] }} */
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<string, number>} */
  const selfUs = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  });
  const busy = total - (selfUs.get('(idle)') ?? 0);
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s not idle`);
  console.log('| self ms | % of busy | function |');
  console.log('|---|---|---|');
  for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) {
    console.log(`| ${(us / 1000).toFixed(0)} | ${key === '(idle)' ? '' : ((100 * us) / busy).toFixed(1)} | ${key} |`);
  }
}
