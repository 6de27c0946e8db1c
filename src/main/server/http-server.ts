import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GroundLabelError } from '../../shared/errors';
import type { Result } from '../../shared/ipc/contract';
import type { AppServices } from '../app-services';
import { answerImageRequest, imageRouteOf } from '../dataset/image-requests';
import { dispatch, isChannel } from '../dispatch';
import { MAX_BODY_BYTES, readBody } from './body';
import { hostAllowed, loopbackRules, type HostRule } from './hosts';
import { MediaKeys } from './media-keys';
import {
  bearerToken,
  declaresJson,
  loadedByAnotherSite,
  notFromServedPage,
  sameSecret,
  type Refusal,
} from './request-checks';
import type { EventHub } from './sse';
import { CSP, staticFile } from './static-files';

/** The port `npm run serve` listens on unless told otherwise; the README's tunnel example uses it. */
export const DEFAULT_PORT = 8765;

/** `POST /api/media-key`: a key for the image, thumbnail and event URLs of one page. */
export const MEDIA_KEY_PATH = 'media-key';

export interface ServerOptions {
  readonly services: AppServices;
  readonly events: EventHub;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  /** 0 for any free port. */
  readonly port: number;
  /** Other names browsers reach the server by (a reverse proxy, an SSH tunnel to another port). */
  readonly allowHosts?: readonly HostRule[];
  readonly token?: string;
  readonly maxBodyBytes?: number;
  /** Told of each request refused for where it came from, what it lacked or its size. */
  readonly onRefused?: (refused: RefusedRequest) => void;
}

export interface RefusedRequest {
  readonly method: string;
  /** The path, a media key in it blanked out. */
  readonly path: string;
  readonly status: number;
}

/** Statuses that say a request was turned away, not that something failed. */
const REFUSALS = new Set([401, 403, 405, 413, 415]);

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

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
    'referrer-policy': 'no-referrer',
    // Other sites' pages may not even embed what this server answers.
    'cross-origin-resource-policy': 'same-origin',
    ...extra,
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, value: Result<unknown>) =>
  send(res, 200, JSON.stringify(value), 'application/json; charset=utf-8');

/** A refused request gets no more of a hearing: whatever it still sends is dropped with the connection. */
function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  if (!req.complete) res.once('finish', () => req.destroy());
  send(res, refusal.status, refusal.message, undefined, req.complete ? {} : { connection: 'close' });
}

const NO_TOKEN: Refusal = {
  status: 401,
  message: 'GroundLabel: open the address printed by `npm run serve`; it carries the access token.',
};

const NOT_JSON: Refusal = { status: 415, message: 'API requests must be sent as application/json.' };

async function listen(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, resolve);
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new GroundLabelError('io-failed', `port ${port} is in use; pass --port with another one`, {
        cause: e,
      });
    if (code === 'EACCES')
      throw new GroundLabelError('io-failed', `port ${port} needs privileges; pass --port above 1023`, {
        cause: e,
      });
    throw e;
  }
}

/**
 * Browser mode: the renderer and every handler over HTTP on 127.0.0.1. The page's files are served to
 * anyone who can reach the port (they are the app's public code, with nothing of a dataset in them);
 * everything else needs a secret only the page holds: API calls the token, in a header that only the
 * page's own scripts can set, and only from the page's own origin, as JSON; images, thumbnails and
 * events a media key the page asked for. The Host header is checked against DNS rebinding.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const mediaKeys = new MediaKeys();
  let hosts: readonly HostRule[] = [];

  const tokenRefusal = (req: IncomingMessage): Refusal | null => {
    const given = bearerToken(req.headers);
    return given !== null && sameSecret(given, token) ? null : NO_TOKEN;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    if (req.method !== 'POST')
      return send(res, 405, 'API calls are POST requests', undefined, { allow: 'POST' });
    const refusal =
      notFromServedPage(req.headers, hosts) ??
      tokenRefusal(req) ??
      (declaresJson(req.headers) ? null : NOT_JSON);
    if (refusal) return refuse(req, res, refusal);
    if (name === MEDIA_KEY_PATH) return sendJson(res, { ok: true, value: { key: mediaKeys.issue() } });
    if (!isChannel(name)) return refuse(req, res, { status: 404, message: 'unknown channel' });
    const body = await readBody(req, maxBody);
    if (typeof body !== 'string') return refuse(req, res, body);
    let request: unknown;
    try {
      request = body ? JSON.parse(body) : {};
    } catch {
      return sendJson(res, {
        ok: false,
        error: { code: 'bad-argument', message: `${name}: the request body is not valid JSON` },
      });
    }
    return sendJson(res, await dispatch(options.services.handlers, name, request));
  };

  /** `/m/<key>/events`, `/m/<key>/image/<id>`, `/m/<key>/thumb/<id>`. */
  const media = async (req: IncomingMessage, res: ServerResponse, rest: string) => {
    if (req.method !== 'GET') return send(res, 405, 'method not allowed', undefined, { allow: 'GET' });
    if (loadedByAnotherSite(req.headers)) return send(res, 403, 'not for pages of other sites');
    const [key = '', routeName = '', ...idParts] = rest.split('/');
    if (!mediaKeys.valid(key)) return send(res, 401, 'This address has expired; reload the page.');
    if (routeName === 'events' && idParts.length === 0) return options.events.attach(res);
    const route = imageRouteOf(routeName);
    if (!route || idParts.length !== 1) return send(res, 404, 'not found');
    // A row scrolled away closes its request: its thumbnail leaves the queue.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const dataset = options.services.currentDataset();
    const ifNoneMatch = req.headers['if-none-match'];
    const reply = await answerImageRequest(dataset, route, idParts[0], gone.signal, ifNoneMatch);
    if (res.destroyed) return;
    const { 'content-type': type, ...extra } = reply.headers;
    return send(res, reply.status, reply.body, type, extra);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req.headers.host, hosts))
      return refuse(req, res, { status: 403, message: 'forbidden host' });
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://host.invalid').pathname;
    } catch {
      return send(res, 400, 'bad request');
    }
    if (pathname.startsWith('/api/')) return api(req, res, pathname.slice('/api/'.length));
    if (pathname.startsWith('/m/')) return media(req, res, pathname.slice('/m/'.length));
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'method not allowed', undefined, { allow: 'GET, HEAD' });
    const file = await staticFile(options.rendererDir, pathname);
    if (!file) return send(res, 404, 'not found');
    send(res, 200, file.body, file.type, { 'content-security-policy': CSP });
  };

  const server = createServer((req, res) => {
    if (options.onRefused) {
      const report = options.onRefused;
      res.once('finish', () => {
        if (!REFUSALS.has(res.statusCode)) return;
        const path = (req.url ?? '').split('?')[0].replace(/^\/m\/[^/]*/, '/m/…');
        report({ method: req.method ?? '', path, status: res.statusCode });
      });
    }
    handle(req, res).catch((e: unknown) => {
      console.error(`GroundLabel: ${req.method} ${req.url} failed`, e);
      if (!res.headersSent) send(res, 500, 'GroundLabel: internal error');
      else res.end();
    });
  });
  await listen(server, options.port);
  const port = (server.address() as AddressInfo).port;
  hosts = loopbackRules(port, options.allowHosts);
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        mediaKeys.revokeAll();
        options.events.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
