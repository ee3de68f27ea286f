import { Agent, createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpDrain } from './http-drain';

/** A real server: /stream is an endless event stream, /slow answers after `ms`, anything else at once. */
async function serve(): Promise<{ server: Server; drain: HttpDrain; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/stream') {
      // As Express and the gateway's audit stream set it (writeHead's own header object is not readable back).
      res.setHeader('Content-Type', 'text/event-stream');
      res.writeHead(200);
      res.write(': open\n\n');
      return;
    }
    const ms = Number(url.searchParams.get('ms') ?? '0');
    setTimeout(() => res.end('done'), ms);
  });
  const drain = new HttpDrain(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, drain, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function request(url: string, agent?: Agent): Promise<{ res: IncomingMessage; body: Promise<string> }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      const body = new Promise<string>((done, fail) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(text));
        res.on('error', fail);
        res.on('aborted', () => fail(new Error('aborted')));
      });
      body.catch(() => undefined);
      resolve({ res, body });
    }).on('error', reject);
  });
}

describe('HttpDrain', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.closeAllConnections();
  });

  it('lets an in-flight request finish, is not held up by an idle kept-alive connection, and ends event streams at once', async () => {
    const { server, drain, url } = await serve();
    servers.push(server);
    const agent = new Agent({ keepAlive: true });
    await (await request(`${url}/fast`, agent)).body; // leaves an idle kept-alive socket behind
    const stream = await request(`${url}/stream`);
    const slow = request(`${url}/slow?ms=400`);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const t0 = Date.now();
    const result = await drain.drain(5_000);
    expect(result).toEqual({ finished: true, cutConnections: 0 });
    expect(await (await slow).body).toBe('done');
    expect(await stream.body).toContain(': open');
    expect(Date.now() - t0).toBeLessThan(2_500);
    expect(server.listening).toBe(false);
    agent.destroy();
  });

  it('cuts what is still running after the grace period', async () => {
    const { server, drain, url } = await serve();
    servers.push(server);
    const slow = request(`${url}/slow?ms=10000`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = Date.now();
    expect(await drain.drain(200)).toEqual({ finished: false, cutConnections: 1 });
    expect(Date.now() - t0).toBeLessThan(2_000);
    await expect(slow.then((r) => r.body)).rejects.toThrow();
  });
});
