// @ts-check
// Child process that runs the embedded registry (all services, PGlite, in-process bus, fs blobs) exactly as
// `node dist/apps/embedded/src/main.js` does, plus an IPC channel the benchmark driver uses to seed rows. Running it
// in its own process lets the driver read this process's peak RSS from /proc without counting the client.
'use strict';
const { join } = require('node:path');

const dist = process.env.BENCH_DIST;
if (!dist) throw new Error('BENCH_DIST must point at a compiled dist/ folder (see private-dist.mjs)');
require(join(dist, 'libs/platform/observability/src/register.js'));
const { startEmbedded } = require(join(dist, 'libs/embedded/src/embedded-app.js'));
const { seedArtifacts } = require('./seed-artifacts.cjs');

let app = null;

async function handle(msg) {
  if (msg.type === 'seed') {
    const t0 = performance.now();
    const { DataSource } = require('typeorm');
    const dataSource = app.services.gateway.app.get(DataSource, { strict: false });
    const count = await seedArtifacts(dataSource, msg.options);
    return { count, ms: performance.now() - t0 };
  }
  if (msg.type === 'memory') {
    // Where the resident memory is: JS heap vs external (WebAssembly memories such as PGlite's, Buffers).
    return process.memoryUsage();
  }
  if (msg.type === 'stop') {
    await app.close();
    setImmediate(() => process.exit(0));
    return {};
  }
  throw new Error(`unknown message ${msg.type}`);
}

process.on('message', (/** @type {any} */ msg) => {
  handle(msg).then(
    (result) => process.send({ id: msg.id, ok: true, result }),
    (err) => process.send({ id: msg.id, ok: false, error: err instanceof Error ? err.stack : String(err) }),
  );
});
// The driver dying must not leave a registry running.
process.on('disconnect', () => process.exit(0));

startEmbedded({ httpPort: 0 }).then(
  (started) => {
    app = started;
    process.send({ type: 'ready', url: started.url });
  },
  (err) => {
    process.stderr.write(`embedded start failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
