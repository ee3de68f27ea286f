#!/usr/bin/env node
'use strict';
// Thin launcher for the compiled CLI (build: npx tsc -p libs/scanner/tsconfig.lib.json, or the repo build).
// MODELGUARD_DIST points at another build output root (tests build into a private directory).
const { join, resolve } = require('node:path');
const root = process.env.MODELGUARD_DIST ? resolve(process.env.MODELGUARD_DIST) : join(__dirname, '..', 'dist');
let cli;
try {
  cli = require(join(root, 'libs', 'scanner', 'src', 'cli', 'main.js'));
} catch (err) {
  process.stderr.write(`modelguard: the scanner is not built (${err.message}). Run: npx tsc -p libs/scanner/tsconfig.lib.json\n`);
  process.exit(2);
}
cli.runCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`modelguard: internal error: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 2; },
);
