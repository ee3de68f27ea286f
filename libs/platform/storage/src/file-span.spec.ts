import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSpan, sendBody } from './file-span';
import { SendBufferPool } from './send-buffers';

const MiB = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'mg-file-span-'));
// Larger than what loopback socket buffers absorb (so writes queue behind a slow reader), and not a multiple of the
// 1 MiB send chunk (so the last write is a partial buffer).
const bytes = randomBytes(24 * MiB + 12_345);
const path = join(dir, 'blob');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Per request: which span to send, how, and what the send's promise did. */
let plan: (res: ServerResponse) => Promise<FileSpan>;
let send: (span: FileSpan, res: ServerResponse) => Promise<void> = sendBody;
let declaredLength = bytes.length;
const outcomes: Promise<unknown>[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  writeFileSync(path, bytes);
  server = createServer((_req, res) => {
    const outcome = plan(res).then((span) => {
      res.setHeader('Content-Length', String(declaredLength));
      return send(span, res);
    });
    outcome.catch(() => undefined); // the test awaits it once its client is done
    outcomes.push(outcome);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function request(method = 'GET'): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => httpRequest({ host: '127.0.0.1', port, path: '/', agent: false, method }, resolve).on('error', reject).end());
}

/** Reads a response slowly, so the server's writes stay pending while it reads the next chunk into the other buffer. */
async function readSlowly(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  res.pause();
  await sleep(100); // the kernel's buffers fill up and the server's writes queue behind them
  for await (const chunk of res) {
    chunks.push(chunk as Buffer);
    if (chunks.length % 16 === 0) await sleep(2);
  }
  return Buffer.concat(chunks);
}

async function whole(): Promise<{ span: FileSpan; fh: FileHandle }> {
  const fh = await open(path, 'r');
  return { span: new FileSpan(fh, 0, bytes.length), fh };
}

describe('FileSpan sent to an HTTP response (reused buffers)', () => {
  it('delivers every byte intact to slow concurrent readers', async () => {
    plan = async () => (await whole()).span;
    outcomes.length = 0;
    const bodies = await Promise.all(Array.from({ length: 4 }, async () => readSlowly(await request())));
    for (const body of bodies) expect(sha(body)).toBe(sha(bytes));
    await expect(Promise.all(outcomes)).resolves.toBeDefined();
  });

  it('sends from pooled buffers while the pool lasts, then from small ones, and gets the pooled ones back', async () => {
    // Room for one download's pair: of 4 concurrent downloads, one sends from the pool and three from their own.
    const pool = new SendBufferPool(MiB, 2, 60_000);
    let peakLent = 0;
    send = (span, res) => {
      const sent = span.sendTo(res, pool);
      peakLent = Math.max(peakLent, pool.lent);
      return sent;
    };
    plan = async () => (await whole()).span;
    outcomes.length = 0;
    try {
      const bodies = await Promise.all(Array.from({ length: 4 }, async () => readSlowly(await request())));
      for (const body of bodies) expect(sha(body)).toBe(sha(bytes));
      await Promise.all(outcomes);
    } finally {
      send = sendBody;
    }
    expect(peakLent).toBe(2);
    expect({ lent: pool.lent, kept: pool.keptCount }).toEqual({ lent: 0, kept: 2 });
  });

  it('does not take back the buffers of a send the client broke off (a write may still refer to them)', async () => {
    const pool = new SendBufferPool(MiB, 4, 60_000);
    send = (span, res) => span.sendTo(res, pool);
    plan = async () => (await whole()).span;
    outcomes.length = 0;
    try {
      const res = await request();
      await new Promise<void>((resolve) => res.once('data', () => resolve()));
      res.destroy();
      await expect(outcomes[0]).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    } finally {
      send = sendBody;
    }
    expect({ lent: pool.lent, kept: pool.keptCount }).toEqual({ lent: 0, kept: 0 });
  });

  it('rejects like pipeline when the client goes away, and closes the file', async () => {
    let opened: FileHandle | undefined;
    plan = async () => {
      const { span, fh } = await whole();
      opened = fh;
      return span;
    };
    outcomes.length = 0;
    const res = await request();
    await new Promise<void>((resolve) => res.once('data', () => resolve()));
    res.destroy();
    await expect(outcomes[0]).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    await sleep(20);
    expect(opened?.fd).toBe(-1);
  });

  it('answers HEAD with the headers only, without reading the file', async () => {
    let opened: FileHandle | undefined;
    // A span 10 bytes longer than its file: any read to its end would fail ("short of its recorded size").
    plan = async () => {
      opened = await open(path, 'r');
      return new FileSpan(opened, 0, bytes.length + 10);
    };
    outcomes.length = 0;
    const res = await request('HEAD');
    res.resume();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(bytes.length));
    await expect(outcomes[0]).resolves.toBeUndefined();
    await sleep(20);
    expect(opened?.fd).toBe(-1);
  });

  it('cuts the response when the stored file is shorter than its recorded size', async () => {
    plan = async () => {
      const fh = await open(path, 'r');
      return new FileSpan(fh, 0, bytes.length + 10); // as if the file had been truncated after it was stat()ed
    };
    declaredLength = bytes.length + 10;
    outcomes.length = 0;
    const res = await request();
    const received = await new Promise<{ aborted: boolean; length: number }>((resolve) => {
      let length = 0;
      res.on('data', (c: Buffer) => (length += c.length));
      res.on('error', () => resolve({ aborted: true, length }));
      res.on('end', () => resolve({ aborted: !res.complete, length }));
    });
    expect(received.aborted).toBe(true);
    await expect(outcomes[0]).rejects.toThrow(/10 bytes short of its recorded size/);
    declaredLength = bytes.length;
  });
});

describe('FileSpan: a long send', () => {
  it('keeps no more in the heap three quarters into a 1 GiB send than a quarter of the way in', async () => {
    // Each step of a send waits for a write or a read or the response's end. Racing every step against the end
    // promise left reactions on it until the send finished: with 128 KiB buffers, 7.6 MiB of live heap per GiB sent
    // (11.0, 18.7 and 26.1 MiB at 1, 2 and 3 GiB of a 4 GiB send, 10.4, 12.2 and 14.2 MiB at the quarters of this
    // one; flat since). A sparse file keeps the test's disk cost at nothing.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const size = 1024 * MiB;
    const sparse = join(dir, 'sparse');
    writeFileSync(sparse, '');
    truncateSync(sparse, size);
    const noPool = new SendBufferPool(MiB, 0, 60_000); // every send from 128 KiB buffers, as when the pool is lent out
    send = (span, res) => span.sendTo(res, noPool);
    plan = async () => new FileSpan(await open(sparse, 'r'), 0, size);
    declaredLength = size;
    outcomes.length = 0;
    const heapAt: number[] = [];
    try {
      const res = await request();
      let received = 0;
      for await (const chunk of res) {
        const before = received;
        received += (chunk as Buffer).length;
        if (Math.floor(before / (size / 4)) !== Math.floor(received / (size / 4))) {
          gc();
          heapAt.push(process.memoryUsage().heapUsed / MiB);
        }
      }
      expect(received).toBe(size);
      await outcomes[0];
    } finally {
      send = sendBody;
      declaredLength = bytes.length;
    }
    // Measured while the send runs: once it has ended, whatever it kept is released anyway.
    const [quarter, , threeQuarters] = heapAt as [number, number, number];
    expect(threeQuarters - quarter, `live heap (MiB) at each quarter: ${heapAt.map((h) => h.toFixed(1)).join(', ')}`).toBeLessThan(1.5);
  });
});

describe('FileSpan elsewhere (a plain stream)', () => {
  it('reads the span as a stream and closes the file at the end', async () => {
    const fh = await open(path, 'r');
    const span = new FileSpan(fh, MiB - 7, 3 * MiB + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of span) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes.subarray(MiB - 7, 3 * MiB + 1))).toBe(true);
    await sleep(20);
    expect(fh.fd).toBe(-1);
  });

  it('is piped, not sent with reused buffers, into a writable that may keep its chunks', async () => {
    // A PassThrough hands the very chunk on: refilling it after the write callback would corrupt what it holds.
    const { span } = await whole();
    const sink = new PassThrough({ highWaterMark: 64 * MiB });
    await sendBody(span, sink);
    const kept: Buffer[] = [];
    let chunk: Buffer | null;
    while ((chunk = sink.read() as Buffer | null) !== null) kept.push(chunk);
    expect(sha(Buffer.concat(kept))).toBe(sha(bytes));
  });

  it('refuses to be sent after it was read as a stream', async () => {
    const { span } = await whole();
    await new Promise<void>((resolve) => span.once('data', () => resolve()));
    span.pause();
    const res = new PassThrough();
    await expect(span.sendTo(res)).rejects.toThrow(/already read/);
    span.destroy();
  });
});
