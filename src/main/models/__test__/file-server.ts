import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ServerBehaviour {
  /** Whether Range requests are answered with 206 (default true); false answers every GET whole. */
  readonly ranges?: boolean;
  /** The first GET of each file breaks off after this many bytes of its body. */
  readonly dropFirstAt?: number;
  /** Every GET sends this many bytes of its body, then nothing more (a stalled server). */
  readonly stallAfter?: number;
}

export interface RecordedRequest {
  readonly path: string;
  readonly range?: string;
  readonly ifRange?: string;
}

export interface FileServer {
  readonly requests: RecordedRequest[];
  url(path: string): string;
  /** Changes how the server behaves from the next request on (a server that recovers). */
  behave(next: ServerBehaviour): void;
  /** Replaces a file's bytes (a file changed on the server, with a new ETag). */
  replace(path: string, body: Buffer): void;
  close(): Promise<void>;
}

const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;

/** A local HTTP server of fixed files, for download tests: Range support, drops and stalls on demand. */
export async function startFileServer(
  files: Record<string, Buffer>,
  initial: ServerBehaviour = {},
): Promise<FileServer> {
  let behaviour = initial;
  const bodies = new Map(Object.entries(files));
  const served = new Set<string>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const range = req.headers.range;
    const ifRange = req.headers['if-range'] as string | undefined;
    requests.push({ path, ...(range && { range }), ...(ifRange && { ifRange }) });
    const body = bodies.get(path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const etag = etagOf(body);
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(range ?? '');
    const useRange = behaviour.ranges !== false && m && (!ifRange || ifRange === etag);
    if (useRange) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        etag,
        'accept-ranges': 'bytes',
      });
    } else {
      res.writeHead(200, {
        'content-length': body.length,
        etag,
        ...(behaviour.ranges !== false && { 'accept-ranges': 'bytes' }),
      });
    }
    const rest = body.subarray(start);
    const first = !served.has(path);
    served.add(path);
    if (first && behaviour.dropFirstAt !== undefined) {
      // A FIN after the bytes (not a reset, which could discard them on the way).
      res.write(rest.subarray(0, behaviour.dropFirstAt), () => res.socket?.end());
      return;
    }
    if (behaviour.stallAfter !== undefined) {
      res.write(rest.subarray(0, behaviour.stallAfter));
      return;
    }
    res.end(rest);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    behave: (next) => void (behaviour = next),
    replace: (path, body) => void bodies.set(path, body),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
