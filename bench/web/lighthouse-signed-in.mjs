// Lighthouse on the signed-in pages of the web interface (used by lighthouse.mjs).
//
// The token lives in page memory only, so a Lighthouse navigation (a fresh load) would always show the sign-in
// form. Instead, Lighthouse's own puppeteer-core drives Debian's Chromium: it signs in through the form, moves
// between pages in-app (history.pushState, no reload), and Lighthouse audits each page in snapshot mode (the DOM as
// the user sees it). Snapshot mode has no load-time metrics, so these rows carry accessibility only.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ADMIN_NAME = process.env.MG_ADMIN_NAME ?? 'ece30861defaultadminuser';
const ADMIN_PASSWORD = process.env.MG_ADMIN_PASSWORD ?? 'correcthorsebatterystaple123(!__+@**(A\'"`;DROP TABLE packages;';

/** The lighthouse package folder: LIGHTHOUSE_BIN's, node_modules', else the one `npx lighthouse@12.2.3` caches. */
function lighthouseDir(root) {
  const local = join(root, 'node_modules', 'lighthouse');
  if (existsSync(local)) return local;
  const bin = process.env.LIGHTHOUSE_BIN ?? spawnSync('npx', ['--yes', '-p', 'lighthouse@12.2.3', 'sh', '-c', 'command -v lighthouse'], { encoding: 'utf8' }).stdout.trim();
  if (!bin) throw new Error('lighthouse 12.2.3 is not available (set LIGHTHOUSE_BIN)');
  return dirname(dirname(realpathSync(bin))); // …/lighthouse/cli/index.js -> …/lighthouse
}

/** A small model (README with a license, config, weights) so the artifact page has its sections. */
function sampleZip() {
  const dir = mkdtempSync(join(tmpdir(), 'mg-lh-zip-'));
  const path = join(dir, 'model.zip');
  execFileSync('python3', ['-c', `import os,zipfile\nwith zipfile.ZipFile(${JSON.stringify(path)}, 'w') as z:\n    z.writestr('README.md', '---\\nlicense: mit\\n---\\n# lighthouse-bert\\nA small text model.\\n')\n    z.writestr('config.json', '{"model_type":"bert"}')\n    z.writestr('model.safetensors', os.urandom(4096))\n`]);
  const zip = readFileSync(path);
  rmSync(dir, { recursive: true, force: true });
  return zip;
}

async function signInByApi(url) {
  const res = await fetch(`${url}/authenticate`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { name: ADMIN_NAME, is_admin: true }, secret: { password: ADMIN_PASSWORD } }) });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Uploads the sample model and waits for its scan, so the artifact page is the full page a user sees. */
async function sampleModel(url) {
  const token = await signInByApi(url);
  const res = await fetch(`${url}/artifact/model/package?name=lighthouse-bert`, { method: 'POST', headers: { 'x-authorization': token, 'content-type': 'application/zip' }, body: sampleZip() });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  const id = (await res.json()).metadata.id;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const versions = await (await fetch(`${url}/artifacts/model/${id}/versions`, { headers: { 'x-authorization': token } })).json();
    if (versions.at(-1)?.scan_state && versions.at(-1).scan_state !== 'pending') return id;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the sample model was not scanned within 120 s');
}

/** Audits each signed-in page; returns rows like lighthouse.mjs prints. */
export async function auditSignedIn({ root, url, chromium, outDir }) {
  const dir = lighthouseDir(root);
  const { snapshot } = await import(pathToFileURL(join(dir, 'core', 'index.js')).href);
  const puppeteer = createRequire(join(dir, 'package.json'))('puppeteer-core');
  const modelId = await sampleModel(url);
  const pages = [
    { route: '/browse', heading: 'Browse the registry' },
    { route: `/view/model/${modelId}`, heading: 'lighthouse-bert', wait: 'Release aliases' },
    { route: '/upload', heading: 'Upload a package' },
    { route: '/admin', heading: 'Administration', wait: 'Tokens' },
    { route: '/status', heading: 'Health of the registry' },
  ];
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], defaultViewport: { width: 1350, height: 940 } });
  const rows = [];
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/signin`, { waitUntil: 'networkidle0' });
    await page.type('#signin-name', ADMIN_NAME);
    await page.type('#signin-password', ADMIN_PASSWORD);
    await page.click('#signin-admin');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Browse the registry', { timeout: 30_000 });
    for (const { route, heading, wait } of pages) {
      await page.evaluate((to) => {
        history.pushState(null, '', to);
        dispatchEvent(new PopStateEvent('popstate'));
      }, route);
      await page.waitForFunction(
        (h, w) => document.querySelector('h1')?.textContent?.includes(h) && (!w || [...document.querySelectorAll('h2')].some((e) => e.textContent === w)),
        { timeout: 30_000 },
        heading,
        wait,
      );
      await page.waitForNetworkIdle({ idleTime: 500, timeout: 30_000 });
      const result = await snapshot(page, { flags: { onlyCategories: ['accessibility'] } });
      const report = result.lhr;
      const name = `signed-in_${route === '/' ? 'root' : route.slice(1).split('/')[0]}`;
      writeFileSync(join(outDir, `${name}.json`), JSON.stringify(report));
      const a11y = Math.round(report.categories.accessibility.score * 100);
      const failing = report.categories.accessibility.auditRefs.map((r) => report.audits[r.id]).filter((a) => a.scoreDisplayMode === 'binary' && a.score === 0);
      const shown = route.startsWith('/view/') ? '/view/model/<id>' : route;
      rows.push({ route: `${shown} (signed in)`, accessibility: a11y, failing: failing.map((a) => a.id) });
      console.log(`${`${shown} (signed in)`.padEnd(34)} accessibility ${a11y}  (snapshot)${failing.length ? `  failing: ${failing.map((a) => a.id).join(', ')}` : ''}`);
    }
  } finally {
    await browser.close();
  }
  return rows;
}
