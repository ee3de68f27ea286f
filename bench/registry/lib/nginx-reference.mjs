// @ts-check
// The reference server for concurrent downloads: nginx (the Debian package) serving one file from the page cache with
// sendfile, on its own loopback port, from a private prefix in the benchmark's temp dir. It never touches a system
// nginx service or /etc/nginx, and it is stopped with the benchmark.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './gateway-server.mjs';

export const NGINX_INSTALL_HINT = 'apt-get install -y --no-install-recommends nginx';

/** The nginx binary (NGINX_BIN, /usr/sbin/nginx or PATH), or null when it is not installed. */
export function findNginx() {
  const candidates = [process.env['NGINX_BIN'], '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

/**
 * GETs `path` once with the clients' own request (same header) and writes the body to `dest`: the exact bytes the
 * registry served, for nginx to serve. Resolves with the status, size, SHA-256 and response headers.
 * @param {string} base @param {string} path @param {string} token @param {string} dest
 */
export function fetchToFile(base, path, token, dest) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, base), { headers: { 'X-Authorization': token } }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      res.on('data', (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      pipeline(res, createWriteStream(dest)).then(
        () => resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest('hex'), headers: res.headers }),
        reject,
      );
    });
    req.on('error', reject);
  });
}

/**
 * CPU seconds (utime + stime) and bytes written to storage (/proc/<pid>/io write_bytes) of `pid` plus its direct
 * children (nginx's workers); a pid that is gone counts 0.
 * @param {number} pid
 */
export function procTreeUsage(pid) {
  const tick = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const read = (p) => {
    try {
      // Fields after the ")" that closes the command name: state is index 0, ppid 1, utime 11, stime 12.
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      const written = Number(/^write_bytes: (\d+)/m.exec(readFileSync(`/proc/${p}/io`, 'utf8'))?.[1] ?? 0);
      return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / tick, written };
    } catch {
      return { ppid: -1, cpu: 0, written: 0 };
    }
  };
  const total = read(pid);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === pid) continue;
    const s = read(name);
    if (s.ppid !== pid) continue;
    total.cpu += s.cpu;
    total.written += s.written;
  }
  return { cpu: total.cpu, written: total.written };
}

/**
 * Starts a private nginx serving `file` as /package.zip: worker_processes auto, sendfile, keep-alive, pid file and
 * logs under `dir`. Resolves once it answers 200 on the free loopback port it was given.
 * @param {{ nginx: string, dir: string, file: string }} options
 */
export async function startNginx({ nginx, dir, file }) {
  const www = join(dir, 'www');
  mkdirSync(www, { recursive: true });
  // A hard link: the very bytes fetched from the registry, without a second copy in the page cache.
  linkSync(file, join(www, 'package.zip'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  // Run as the current user: as root nginx would switch workers to `nobody`, which may not read the temp dir.
  const userLine = process.getuid?.() === 0 ? 'user root;' : '';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, `${t}_temp`)};`).join('\n  ');
  writeFileSync(
    conf,
    `${userLine}
worker_processes auto;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log ${join(dir, 'access.log')};
  ${temp}
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65s;
  keepalive_requests 10000;
  default_type application/zip;
  server {
    listen 127.0.0.1:${port};
    root ${www};
  }
}
`,
  );
  // -e: nginx would otherwise open the compiled-in /var/log/nginx/error.log before reading the config.
  const child = spawn(nginx, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGQUIT'); // graceful: workers finish, master removes its pid file
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`nginx exited during start-up: ${stderr.trim() || readFileSync(join(dir, 'error.log'), 'utf8').slice(-500)}`);
    const status = await new Promise((resolve) => {
      http.get(`${url}/package.zip`, { method: 'HEAD' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', () => resolve(0)).end();
    });
    if (status === 200) break;
    if (i > 100) {
      await stop();
      throw new Error(`nginx did not answer 200 on ${url}/package.zip (last status ${status})`);
    }
    await sleep(100);
  }
  const version = spawnSync(nginx, ['-v'], { encoding: 'utf8' }).stderr.trim();
  return { url, path: '/package.zip', pid: /** @type {number} */ (child.pid), version, stop };
}
