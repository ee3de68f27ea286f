import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { type ByteRange, contentRange, parseRangeHeader } from '@modelguard/packages';

/**
 * Fault injection shared by the fakes: make the next N matching requests fail, hang, reset the connection,
 * redirect elsewhere, or send a body larger than its Content-Length promises.
 */
export interface FakeFault {
  /** Substring or RegExp matched against the request path (with query). */
  match: string | RegExp;
  /** How many requests the fault applies to; defaults to 1. Infinity = forever. */
  times?: number;
  status?: number;
  action?: 'status' | 'hang' | 'reset' | 'redirect';
  /** For action 'redirect': the Location to send. */
  location?: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  range?: string;
}

export interface FakeServerHandle {
  url: string;
  requests: RequestLogEntry[];
  inject(fault: FakeFault): void;
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export async function startServer(route: Route): Promise<FakeServerHandle> {
  const faults: Array<FakeFault & { left: number }> = [];
  const requests: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const pathWithQuery = url.pathname + url.search;
    requests.push({ method: req.method ?? 'GET', path: pathWithQuery, range: req.headers.range });
    const fault = faults.find((f) => f.left > 0 && (typeof f.match === 'string' ? pathWithQuery.includes(f.match) : f.match.test(pathWithQuery)));
    if (fault) {
      fault.left -= 1;
      switch (fault.action ?? 'status') {
        case 'hang':
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'redirect':
          res.writeHead(fault.status ?? 302, { location: fault.location ?? '/' }).end();
          return;
        case 'status':
          sendJson(res, fault.status ?? 500, { error: 'Injected failure' });
          return;
      }
    }
    try {
      route(req, res, url);
    } catch (error) {
      sendJson(res, 500, { error: `fake upstream bug: ${(error as Error).message}` });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(data.length), ...headers }).end(data);
}

/** Serves bytes with Content-Length, Accept-Ranges and single-range 206 support, like the Hub's CDN. */
export function sendBytes(req: IncomingMessage, res: ServerResponse, data: Buffer, headers: Record<string, string>): void {
  const base = { 'accept-ranges': 'bytes', 'content-type': headers['content-type'] ?? 'application/octet-stream', ...headers };
  let range: ByteRange | null;
  try {
    range = parseRangeHeader(req.headers.range, data.length);
  } catch {
    res.writeHead(416, { ...base, 'content-range': contentRange(null, data.length) }).end();
    return;
  }
  if (range) {
    const part = data.subarray(range.start, range.end + 1);
    res.writeHead(206, { ...base, 'content-length': String(part.length), 'content-range': contentRange(range, data.length) });
    res.end(req.method === 'HEAD' ? undefined : part);
    return;
  }
  res.writeHead(200, { ...base, 'content-length': String(data.length) });
  res.end(req.method === 'HEAD' ? undefined : data);
}
