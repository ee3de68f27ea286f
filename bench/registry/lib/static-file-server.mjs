// @ts-check
// The machine's reference for a full download (issue 13): a plain Node static file server, `http` +
// `fs.createReadStream` with Node's defaults, serving one file, in its own process (as the registry is) so the
// benchmark's client does not share its event loop. No auth, no database, no hashing: what Node itself can do.
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
 * Starts the server for `file`; resolves with its URL and a stop function.
 * @param {string} file
 * @returns {Promise<{ url: string, pid: number, stop: () => Promise<void> }>}
 */
export function startStaticFileServer(file) {
  const child = spawn(process.execPath, ['-e', SERVER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(undefined);
      child.once('exit', () => resolve(undefined));
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`static file server exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ url: `http://127.0.0.1:${Number(line)}`, pid: child.pid ?? 0, stop });
    });
  });
}
