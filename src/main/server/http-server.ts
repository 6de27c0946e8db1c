import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { messageOf } from '../../shared/errors';
import type { AppServices } from '../app-services';
import { answerImageRequest, imageRouteOf } from '../dataset/image-requests';
import { dispatch, isChannel } from '../dispatch';
import { isInside } from '../fs/paths';
import type { EventHub } from './sse';

export interface ServerOptions {
  readonly services: AppServices;
  readonly events: EventHub;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly port?: number;
  readonly token?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_BODY = 32 * 1024 * 1024;
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type = 'text/plain; charset=utf-8',
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, value: unknown) =>
  send(res, 200, JSON.stringify(value), 'application/json; charset=utf-8');

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The token may come as a bearer header (API calls), a query parameter (first load, images, events) or the cookie set then. */
function presentedToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const query = url.searchParams.get('token');
  if (query) return query;
  const cookie = /(?:^|;\s*)gl_token=([^;]+)/.exec(req.headers.cookie ?? '');
  return cookie ? decodeURIComponent(cookie[1]) : null;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Browser mode: the renderer and every handler over HTTP on 127.0.0.1, each request checked against
 * a random token, the Host header checked against DNS rebinding.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = options.port ?? 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const serveStatic = async (res: ServerResponse, pathname: string, setCookie: boolean) => {
    let rel: string;
    try {
      rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
    } catch {
      return send(res, 404, 'not found');
    }
    const file = path.resolve(options.rendererDir, rel);
    if (!isInside(options.rendererDir, file, { allowSame: false })) return send(res, 404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return send(res, 404, 'not found');
    }
    const extra: Record<string, string> = { 'content-security-policy': CSP };
    if (setCookie)
      extra['set-cookie'] = `gl_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    send(res, 200, body, TYPES[path.extname(file)] ?? 'application/octet-stream', extra);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 403, 'forbidden host');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const given = presentedToken(req, url);
    if (!given || !sameToken(given, token)) {
      return send(
        res,
        401,
        'GroundLabel: open the address printed by `npm run serve`; it carries the access token.',
      );
    }
    const { pathname } = url;
    if (pathname.startsWith('/api/')) {
      const name = pathname.slice(5);
      if (name === 'events' && req.method === 'GET') return options.events.attach(res);
      if (req.method !== 'POST' || !isChannel(name)) return send(res, 404, 'unknown channel');
      let body: unknown;
      try {
        const text = await readBody(req);
        body = text ? JSON.parse(text) : {};
      } catch (e) {
        return sendJson(res, {
          ok: false,
          error: { code: 'bad-argument', message: `Request body: ${messageOf(e)}` },
        });
      }
      return sendJson(res, await dispatch(options.services.handlers, name, body));
    }
    const [, routeName = '', rawId = ''] = /^\/([a-z]+)\/(.*)$/.exec(pathname) ?? [];
    const route = imageRouteOf(routeName);
    if (route && req.method === 'GET') {
      // A row scrolled away closes its request: its thumbnail leaves the queue.
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      const dataset = options.services.currentDataset();
      const reply = await answerImageRequest(dataset, route, rawId, gone.signal);
      if (res.destroyed) return;
      const { 'content-type': type, ...extra } = reply.headers;
      return send(res, reply.status, reply.body, type, extra);
    }
    if (req.method === 'GET') return serveStatic(res, pathname, url.searchParams.has('token'));
    return send(res, 405, 'method not allowed');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, messageOf(e));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, resolve);
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        options.events.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
