import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A slow upstream for tests: an HTTP proxy in front of a fake upstream that, for the first `holds` successful
 * responses whose path matches, sends status and headers at once but holds the body until `release()`.
 * The ingest is then provably "mid-download" for as long as the test wants.
 */
export interface GatedUpstream {
  url: string;
  /** Paths (with query) of every request seen. */
  requests: string[];
  /** Resolves once `count` bodies are being held. */
  whenHeld(count?: number): Promise<void>;
  /** Lets every held (and future matching) body through. */
  release(): void;
  close(): Promise<void>;
}

export async function startGatedUpstream(target: string, match: RegExp, holds = 1): Promise<GatedUpstream> {
  const targetUrl = new URL(target);
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let left = holds;
  let held = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const heldWaiters: Array<{ count: number; resolve: () => void }> = [];

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/';
    requests.push(path);
    const upstream = httpRequest(
      { host: targetUrl.hostname, port: targetUrl.port, path, method: req.method, headers: { ...req.headers, host: targetUrl.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        // Only a real body counts as a download in flight; redirects pass so the client reaches the file.
        const hold = left > 0 && up.statusCode === 200 && match.test(path);
        if (!hold) {
          up.pipe(res);
          return;
        }
        left -= 1;
        held += 1;
        res.flushHeaders();
        for (const w of heldWaiters.filter((x) => held >= x.count)) w.resolve();
        void gate.then(() => up.pipe(res));
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const server = createServer(forward);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    whenHeld: (count = 1) => (held >= count ? Promise.resolve() : new Promise<void>((resolve) => heldWaiters.push({ count, resolve }))),
    release: () => {
      left = 0;
      open();
    },
    close: () =>
      new Promise<void>((resolve) => {
        open();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
