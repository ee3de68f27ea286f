// Child process for the benchmark: scans one file with the built library (worker pool included) and prints
// wall time and peak RSS of this process (worker threads share it). Default options apart from the timeout:
// the opcode budget scales with the input size, so the ~60 M-opcode 200 MB pickle is scannable as configured.
const { join } = require('node:path');
const [dist, file] = process.argv.slice(2);
const lib = require(join(dist, 'libs/scanner/src/index.js'));
(async () => {
  const t0 = process.hrtime.bigint();
  const report = await lib.scanPaths([file], lib.defaultScanOptions({ timeoutMs: 600_000, concurrency: 1 }));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // Whole-process CPU since start (Node start-up, library load, worker threads): the baseline reports the same.
  const c = process.cpuUsage();
  const cpu = (c.user + c.system) / 1e6;
  const f = report.files[0];
  process.stdout.write(JSON.stringify({ file, seconds, cpu, maxrss_kb: process.resourceUsage().maxRSS, verdict: f.verdict, format: f.format, findings: f.findings.map((x) => x.ruleId) }) + '\n');
})();
