// Lighthouse (accessibility score, time to interactive) for every page of the web interface, on Debian's Chromium.
// Boots the built embedded registry (dist/, run `npm run build` first) on a free port with a throw-away data dir,
// audits each client route, prints one line per page and writes the JSON reports under .tmp/lighthouse/.
//
//   node bench/web/lighthouse.mjs [--url http://127.0.0.1:3000]    audit a registry that is already running
//
// Lighthouse 12.2.3 is the last line that runs on Node 20. It is not a devDependency (it pulls in ~150 packages
// the rest of the project does not need); the script uses LIGHTHOUSE_BIN, else node_modules/.bin/lighthouse, else
// `npx --yes lighthouse@12.2.3`. CHROMIUM_PATH (default /usr/bin/chromium) is the browser.
//
// The token is held in page memory only, so a fresh browser sees every route signed out: the navigation audits
// (accessibility, performance, time to interactive) are what an anonymous visitor gets at each address (the sign-in
// form inside the app shell). Then lighthouse-signed-in.mjs signs in through the form and audits the signed-in
// pages (directory, artifact page, upload, admin, health) in snapshot mode; `--signed-out-only` skips that part.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditSignedIn } from './lighthouse-signed-in.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, '.tmp', 'lighthouse');
const ROUTES = ['/', '/browse', '/view/model/example', '/upload', '/admin', '/status'];
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function lighthouseCommand() {
  if (process.env.LIGHTHOUSE_BIN) return [process.env.LIGHTHOUSE_BIN];
  const local = join(root, 'node_modules', '.bin', 'lighthouse');
  return existsSync(local) ? [local] : ['npx', '--yes', 'lighthouse@12.2.3'];
}

const freePort = () =>
  new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.on('error', fail);
  });

async function waitForHealth(url, child) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the registry exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the registry did not become healthy within 180 s');
}

async function main() {
  const given = process.argv.indexOf('--url');
  let url = given > 0 ? process.argv[given + 1] : undefined;
  let child;
  let dataDir;
  if (!url) {
    const main = join(root, 'dist', 'apps', 'embedded', 'src', 'main.js');
    if (!existsSync(main) || !existsSync(join(root, 'dist', 'web', 'index.html'))) throw new Error('dist/ is not built: run `npm run build`');
    const port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'mg-lighthouse-'));
    child = spawn(process.execPath, [main], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, HTTP_PORT: String(port), LOG_LEVEL: 'warn' }, stdio: 'inherit' });
    url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, child);
  }
  mkdirSync(outDir, { recursive: true });
  const [cmd, ...pre] = lighthouseCommand();
  const rows = [];
  try {
    for (const route of ROUTES) {
      const name = route === '/' ? 'root' : route.slice(1).replace(/\//g, '_');
      const output = join(outDir, `${name}.json`);
      const result = spawnSync(
        cmd,
        [...pre, `${url}${route}`, '--only-categories=accessibility,performance', '--preset=desktop', '--output=json', `--output-path=${output}`, '--quiet', '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage'],
        { cwd: root, env: { ...process.env, CHROME_PATH: chromium }, stdio: ['ignore', 'inherit', 'inherit'] },
      );
      if (result.status !== 0) throw new Error(`lighthouse failed on ${route} (exit ${result.status})`);
      const report = JSON.parse(readFileSync(output, 'utf8'));
      const a11y = Math.round(report.categories.accessibility.score * 100);
      const tti = report.audits.interactive?.numericValue;
      const failing = Object.values(report.audits).filter((a) => a.scoreDisplayMode === 'binary' && a.score === 0 && report.categories.accessibility.auditRefs.some((r) => r.id === a.id));
      rows.push({ route, accessibility: a11y, interactiveMs: Math.round(tti ?? NaN), performance: Math.round(report.categories.performance.score * 100), failing: failing.map((a) => a.id) });
      console.log(`${route.padEnd(22)} accessibility ${a11y}  performance ${rows.at(-1).performance}  time to interactive ${rows.at(-1).interactiveMs} ms${failing.length ? `  failing: ${failing.map((a) => a.id).join(', ')}` : ''}`);
    }
    if (!process.argv.includes('--signed-out-only')) rows.push(...(await auditSignedIn({ root, url, chromium, outDir })));
  } finally {
    child?.kill('SIGTERM');
    if (dataDir) setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 3000);
  }
  if (rows.some((r) => r.accessibility < 100)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`[lighthouse] ${error.message}`);
  process.exit(1);
});
