#!/usr/bin/env node
'use strict';
// Thin launcher for the compiled CLI (build: npx tsc -p libs/scanner/tsconfig.lib.json, or the repo build).
// `verify` lives in the signing library (npx tsc -p libs/signing/tsconfig.lib.json); every other command is the scanner's.
// MODELGUARD_DIST points at another build output root (tests build into a private directory).
const { join, resolve } = require('node:path');
const root = process.env.MODELGUARD_DIST ? resolve(process.env.MODELGUARD_DIST) : join(__dirname, '..', 'dist');
const argv = process.argv.slice(2);
// `audit verify` lives in the audit service's library (repo build: flock /tmp/build.lock npm run build).
const lib = argv[0] === 'verify' ? 'signing' : argv[0] === 'audit' ? 'audit' : 'scanner';
const entry = { signing: ['libs', 'signing', 'src', 'cli', 'verify-command.js'], audit: ['libs', 'audit', 'feature', 'src', 'cli', 'audit-verify-command.js'], scanner: ['libs', 'scanner', 'src', 'cli', 'main.js'] }[lib];
let cli;
try {
  cli = require(join(root, ...entry));
} catch (err) {
  const how = lib === 'audit' ? 'npm run build' : `npx tsc -p libs/${lib}/tsconfig.lib.json`;
  process.stderr.write(`modelguard: the ${lib} CLI is not built (${err.message}). Run: ${how}\n`);
  process.exit(2);
}
const run = { signing: () => cli.runVerify(argv.slice(1), process), audit: () => cli.runAuditCli(argv.slice(1), process), scanner: () => cli.runCli(argv) }[lib];
// A security CLI must never pass by accident: if the event loop ran dry before the command settled (an unref'd
// worker, a lost callback), node would exit 0. Make that exit an internal error instead.
let settled = false;
process.on('exit', () => {
  if (settled) return;
  process.stderr.write('modelguard: internal error: the command ended before it produced a result\n');
  process.exitCode = 2;
});
run().then(
  (code) => { settled = true; process.exitCode = code; },
  (err) => { settled = true; process.stderr.write(`modelguard: internal error: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 2; },
);
