// Closing lines of `npm test`: per-tier counts from vitest's JSON reports, then one
//   total: N passed, N failed, N skipped
// line that CI and humans read. A test file that fails as a whole (syntax/import error, a throwing
// beforeAll) has no failed test of its own, so it counts as one failure instead of vanishing from the totals.
//
//   node scripts/test-summary.mjs <results-dir> <tier>...     (reads <results-dir>/<tier>.json when present)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...tiers] = process.argv.slice(2);
if (!dir || tiers.length === 0) {
  console.error('usage: node scripts/test-summary.mjs <results-dir> <tier>...');
  process.exit(2);
}

const total = { passed: 0, failed: 0, skipped: 0 };
for (const tier of tiers) {
  const file = join(dir, `${tier}.json`);
  if (!existsSync(file)) {
    console.log(`[test] ${tier.padEnd(12)} not run`);
    continue;
  }
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // A tier killed mid-write leaves a truncated report: that tier failed, whatever it had counted.
    console.log(`[test] ${tier.padEnd(12)} unreadable report (${error instanceof Error ? error.message : error})`);
    total.failed += 1;
    continue;
  }
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  // A file that failed without any failed test: it did not load, or a beforeAll/afterAll hook threw (its
  // tests then show as skipped). Each counts as one failure, named so it cannot go unnoticed.
  const broken = files.filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'));
  for (const f of broken) console.log(`[test] ${tier.padEnd(12)} file-level failure: ${f.name}: ${String(f.message ?? '').split('\n')[0]}`);
  const brokenFiles = broken.length;
  const passed = report.numPassedTests ?? 0;
  const failed = (report.numFailedTests ?? 0) + brokenFiles;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(`[test] ${tier.padEnd(12)} ${passed} passed, ${failed} failed, ${skipped} skipped (${files.length} files)`);
  total.passed += passed;
  total.failed += failed;
  total.skipped += skipped;
}
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
