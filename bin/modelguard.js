#!/usr/bin/env node
'use strict';
// Thin launcher for the compiled CLI (build: npx tsc -p libs/scanner/tsconfig.lib.json, or the repo build).
// `verify` lives in the signing library (npx tsc -p libs/signing/tsconfig.lib.json); every other command is the scanner's.
// MODELGUARD_DIST points at another build output root (tests build into a private directory).
const { join, resolve } = require('node:path');
const root = process.env.MODELGUARD_DIST ? resolve(process.env.MODELGUARD_DIST) : join(__dirname, '..', 'dist');
const argv = process.argv.slice(2);
const lib = argv[0] === 'verify' ? 'signing' : 'scanner';
let cli;
try {
  cli = require(join(root, 'libs', lib, 'src', 'cli', lib === 'signing' ? 'verify-command.js' : 'main.js'));
} catch (err) {
  process.stderr.write(`modelguard: the ${lib} CLI is not built (${err.message}). Run: npx tsc -p libs/${lib}/tsconfig.lib.json\n`);
  process.exit(2);
}
(lib === 'signing' ? cli.runVerify(argv.slice(1), process) : cli.runCli(argv)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`modelguard: internal error: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 2; },
);
