import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long connections ended after their last response get to flush before they are destroyed. */
const CLOSE_SETTLE_MS = 2_000;

/** What a drain achieved: whether every in-flight request finished, and how many connections were cut. */
export interface DrainResult {
  finished: boolean;
  cutConnections: number;
}

/**
 * Drains one HTTP server: stop accepting, let requests already being served finish within a bound, then cut what is
 * left. Node's server.close() alone waits without bound for kept-alive connections, and Nest's close destroys
 * every open socket at once, in-flight downloads included; this sits between the two.
 *
 * Attach it right after listen(): it counts requests per socket from then on.
 */
export class HttpDrain {
  /** Responses being served, per connection. */
  private readonly busy = new Map<Socket, Set<ServerResponse>>();
  private draining = false;
  private settled: (() => void) | undefined;

  constructor(private readonly server: Server) {
    // Prepended, so it runs before Express writes anything and may still ask for `Connection: close`.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.track(req.socket, res));
  }

  get inFlight(): number {
    let n = 0;
    for (const responses of this.busy.values()) n += responses.size;
    return n;
  }

  /** Stops accepting at once; resolves when every in-flight request has finished or `graceMs` has passed. */
  async drain(graceMs: number): Promise<DrainResult> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Kept-alive connections with nothing in flight would hold close() open until their keep-alive timeout.
    this.server.closeIdleConnections();
    // Event streams never finish on their own; ended now, their clients reconnect (Last-Event-ID) to another replica.
    for (const responses of this.busy.values()) for (const res of responses) if (isEventStream(res)) res.end();
    const finished = await this.allFinishedWithin(graceMs);
    const cutConnections = this.busy.size;
    if (!finished) this.server.closeAllConnections();
    // Ended connections flush their last bytes; one still sending its request headers would hold close() open.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_SETTLE_MS)))]);
    clearTimeout(timer);
    this.server.closeAllConnections();
    await closed;
    return { finished, cutConnections: finished ? 0 : cutConnections };
  }

  private track(socket: Socket, res: ServerResponse): void {
    const responses = this.busy.get(socket) ?? new Set<ServerResponse>();
    responses.add(res);
    this.busy.set(socket, responses);
    // A request that arrives on a kept-alive connection during the drain is served, and the connection then closed.
    if (this.draining && !res.headersSent) res.setHeader('Connection', 'close');
    res.once('close', () => {
      responses.delete(res);
      if (responses.size === 0) this.busy.delete(socket);
      if (!this.draining) return;
      // The response is out; a connection kept alive for more would only delay close().
      if (responses.size === 0 && !socket.destroyed) socket.end();
      if (this.busy.size === 0) this.settled?.();
    });
  }

  private allFinishedWithin(ms: number): Promise<boolean> {
    if (this.busy.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(this.busy.size === 0), Math.max(0, ms));
      this.settled = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}

/** Read from the headers set with setHeader (Express, the gateway's audit stream); writeHead's own object is not kept. */
function isEventStream(res: ServerResponse): boolean {
  return String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream');
}
