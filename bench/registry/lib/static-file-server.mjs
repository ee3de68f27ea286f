// @ts-check
// The machine's references (issue 13), each in its own process (as the registry is) so the benchmark's client does
// not share its event loop: a plain Node static file server (`http` + `fs.createReadStream`, Node's defaults) for a
// full download, and a plain receiver (`http` + `fs.createWriteStream`) for an upload. No auth, no database, no
// hashing: what Node itself can do.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat (clock ticks of 10 ms). On a
 * shared, loaded machine a download's CPU cost is steadier than its wall-clock rate.
 * @param {number} pid
 */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15 of stat(5))
}

const SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const file = process.argv[1];
const size = fs.statSync(file).size;
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': size });
  fs.createReadStream(file).pipe(res);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/**
 * The upload's reference (issue 13, upload row: "vs the same plain server receiving the bytes"): `http` +
 * `fs.createWriteStream` with Node's defaults, writing each request body to a new file in a directory, answering
 * 201 with the byte count once the file is closed, then removing it. No parsing, no hashing, no database.
 */
const RECEIVER = `
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[1];
let n = 0;
const server = http.createServer((req, res) => {
  const file = path.join(dir, 'received-' + n++);
  const out = fs.createWriteStream(file);
  req.pipe(out);
  out.on('close', () => {
    fs.rmSync(file, { force: true });
    res.writeHead(201, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ bytes: out.bytesWritten }));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/**
 * Starts the static server for `file`; resolves with its URL and a stop function.
 * @param {string} file
 * @returns {Promise<{ url: string, pid: number, stop: () => Promise<void> }>}
 */
export function startStaticFileServer(file) {
  return startPlainServer(SERVER, file, 'static file server');
}

/**
 * Starts the plain receiver, writing into `dir`; resolves with its URL and a stop function.
 * @param {string} dir
 * @returns {Promise<{ url: string, pid: number, stop: () => Promise<void> }>}
 */
export function startPlainReceiver(dir) {
  return startPlainServer(RECEIVER, dir, 'plain receiver');
}

/**
 * @param {string} script
 * @param {string} arg
 * @param {string} what
 * @returns {Promise<{ url: string, pid: number, stop: () => Promise<void> }>}
 */
function startPlainServer(script, arg, what) {
  const child = spawn(process.execPath, ['-e', script, arg], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(undefined);
      child.once('exit', () => resolve(undefined));
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ url: `http://127.0.0.1:${Number(line)}`, pid: child.pid ?? 0, stop });
    });
  });
}
