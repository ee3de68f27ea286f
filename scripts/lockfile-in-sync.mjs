// Exit 0 when node_modules already holds exactly what package-lock.json asks for, 1 when `npm ci` is needed.
// bootstrap.sh asks this only when the lockfile's mtime is newer than npm's install receipt
// (node_modules/.package-lock.json): mtimes alone can flip by milliseconds during an install, and a needless
// `npm ci` deletes node_modules under everyone else working in the same checkout.
//
// The receipt lists what was installed. It legitimately omits optional packages for other platforms
// (e.g. another OS's native binary), so those may be missing; anything else missing, extra or at another
// version means the install is stale.
//
//   node scripts/lockfile-in-sync.mjs [repo-root]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');

function packagesOf(file) {
  try {
    const lock = JSON.parse(readFileSync(join(root, file), 'utf8'));
    return lock && typeof lock.packages === 'object' && lock.packages !== null ? lock.packages : undefined;
  } catch {
    return undefined; // missing or unreadable: treat as out of sync
  }
}

const wanted = packagesOf('package-lock.json');
const installed = packagesOf('node_modules/.package-lock.json');
if (!wanted || !installed) process.exit(1);

for (const [path, entry] of Object.entries(wanted)) {
  if (path === '') continue; // the project itself
  const have = installed[path];
  if (!have) {
    if (entry.optional) continue;
    console.error(`[bootstrap] not installed: ${path}`);
    process.exit(1);
  }
  if (have.version !== entry.version) {
    console.error(`[bootstrap] ${path}: installed ${have.version}, lockfile wants ${entry.version}`);
    process.exit(1);
  }
}
for (const path of Object.keys(installed)) {
  if (!(path in wanted)) {
    console.error(`[bootstrap] installed but no longer in the lockfile: ${path}`);
    process.exit(1);
  }
}
