import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface SseEvent {
  id: string;
  data: Record<string, unknown>;
}

/** A real SSE reader over node:http: parses `id:`/`data:` blocks as they arrive, counts comment lines. */
export interface SseStream {
  status: number;
  /** The body of a refusal (status not 200). */
  body: string;
  contentType: string | undefined;
  events: SseEvent[];
  comments: string[];
  ended: boolean;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      const stream: SseStream = { status: res.statusCode ?? 0, body: '', contentType: res.headers['content-type'], events: [], comments: [], ended: false, close: () => req.destroy() };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (stream.status !== 200) {
          stream.body += chunk;
          return;
        }
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          let data: string | undefined;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data = line.slice(6);
          }
          if (id !== undefined && data !== undefined) stream.events.push({ id, data: JSON.parse(data) as Record<string, unknown> });
        }
      });
      const done = (): void => {
        stream.ended = true;
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
      if (stream.status === 200) resolve(stream);
      else res.on('end', () => resolve(stream));
    });
    req.on('error', (error) => reject(error));
    req.end();
  });
}

/**
 * A client that sends the request and then never reads a byte: the server's writes fill the socket buffers and then
 * queue in the server, which is what the gateway must detect. `closed` flips when the server cuts the connection.
 */
export function openNeverReadingClient(port: number, path: string, token: string): Promise<{ socket: Socket; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let closed = false;
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Authorization: ${token}\r\nAccept: text/event-stream\r\n\r\n`);
      socket.pause();
      resolve({ socket, closed: () => closed });
    });
    socket.on('error', () => {
      closed = true;
    });
    socket.on('close', () => {
      closed = true;
    });
    socket.once('error', reject);
  });
}
