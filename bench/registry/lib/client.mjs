// @ts-check
// Minimal HTTP client for the registry (node:http only), streaming request and response bodies.
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export const ADMIN_NAME = 'ece30861defaultadminuser';
export const ADMIN_PASSWORD = "correcthorsebatterystaple123(!__+@**(A'\"`;DROP TABLE packages;";

/** One keep-alive agent per benchmark so connection set-up is not part of every latency figure. */
export function makeAgent(maxSockets = 16) {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/**
 * @typedef {object} RequestOptions
 * @property {string} path
 * @property {string} [method]
 * @property {string} [token] X-Authorization value
 * @property {unknown} [body] a JSON value, or `{ file }` to stream a file as application/zip
 * @property {boolean} [discard] count the response bytes without keeping them (downloads)
 * @property {http.Agent} [agent]
 * @property {number} [timeoutMs]
 */

/**
 * @typedef {object} Response
 * @property {number} status
 * @property {http.IncomingHttpHeaders} headers
 * @property {any} body parsed JSON, text, or null when discarded
 * @property {number} bytes response body size
 * @property {number} ms time from sending the request to the end of the response
 */

/**
 * Sends a request; `body` may be a JSON value or { file } to stream a file. Resolves with status, headers and the
 * parsed JSON (or text) body, or with the byte count only when `discard` is set (downloads).
 * @param {string} base
 * @param {RequestOptions} options
 * @returns {Promise<Response>}
 */
export function request(base, { method = 'GET', path, token, body, discard = false, agent, timeoutMs = 600_000 }) {
  return new Promise((resolve, reject) => {
    /** @type {Record<string, string>} */
    const headers = {};
    if (token) headers['X-Authorization'] = token;
    let payload = null;
    /** @type {string | null} */
    let file = null;
    if (body && typeof body === 'object' && 'file' in body) {
      if (typeof body.file !== 'string') throw new TypeError('body.file must be a path');
      file = body.file;
      headers['Content-Type'] = 'application/zip';
      headers['Content-Length'] = String(statSync(file).size);
    } else if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body));
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const t0 = performance.now();
    const req = http.request(new URL(path, base), { method, headers, agent }, (res) => {
      let bytes = 0;
      const chunks = [];
      res.on('data', (chunk) => {
        bytes += chunk.length;
        if (!discard) chunks.push(chunk);
      });
      res.on('end', () => {
        const ms = performance.now() - t0;
        let parsed = null;
        if (!discard) {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            parsed = text.length > 0 ? JSON.parse(text) : null;
          } catch {
            parsed = text;
          }
        }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed, bytes, ms });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (file) {
      const src = createReadStream(file, { highWaterMark: 1 << 20 });
      src.on('error', (err) => req.destroy(err));
      src.pipe(req);
    } else {
      req.end(payload ?? undefined);
    }
  });
}

/** PUT /authenticate as the default admin; returns the X-Authorization value. */
export async function authenticate(base, agent) {
  const res = await request(base, {
    method: 'PUT',
    path: '/authenticate',
    agent,
    body: { user: { name: ADMIN_NAME, is_admin: true }, secret: { password: ADMIN_PASSWORD } },
  });
  if (res.status !== 200 || typeof res.body !== 'string') throw new Error(`authenticate failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Throws with the server's error body unless the status is one of `ok`. */
export function expectStatus(res, ok, what) {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  return res;
}

/**
 * Polls the version list until the latest version's scan is no longer pending. Returns that version and how long
 * the wait took. Blocked versions are released through the admin override so the download can be measured.
 */
/**
 * @param {string} base @param {string} token @param {string} type @param {string} id
 * @param {{ timeoutMs?: number, agent?: http.Agent }} [options]
 */
export async function waitForScan(base, token, type, id, { timeoutMs = 30 * 60_000, agent } = {}) {
  const t0 = performance.now();
  for (;;) {
    const res = expectStatus(await request(base, { path: `/artifacts/${type}/${id}/versions`, token, agent }), [200], 'versions');
    const latest = res.body[res.body.length - 1];
    if (latest && latest.scan_state !== 'pending') {
      const waitedMs = performance.now() - t0;
      if (latest.scan_state === 'blocked') {
        expectStatus(
          await request(base, {
            method: 'POST',
            path: `/artifacts/${type}/${id}/versions/${latest.version}/override`,
            token,
            agent,
            body: { reason: 'benchmark: random weights' },
          }),
          [200],
          'override',
        );
      }
      return { version: latest, waitedMs };
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`scan of ${id} still pending after ${timeoutMs} ms`);
    await sleep(500);
  }
}
