import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import tls from 'node:tls';
import { proxyFor } from './proxy-env';

export interface GetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Where the proxy variables are read (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  readonly maxRedirects?: number;
}

/** A request that never got an answer: no network, no such host, refused, or the proxy said no. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
  constructor(
    readonly host: string,
    readonly why: string,
  ) {
    super(`cannot reach ${host} (${why})`);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const basicAuth = (proxy: URL): Record<string, string> =>
  proxy.username
    ? {
        'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`,
      }
    : {};

const portOf = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

function send(
  mod: typeof http | typeof https,
  options: https.RequestOptions,
  host: string,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = mod.request(options, resolve);
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.name === 'AbortError' ? e : new UnreachableError(host, e.code ?? e.message)),
    );
    req.end();
  });
}

/** A TCP tunnel to `target` through an http proxy (CONNECT), for https requests. */
function tunnel(proxy: URL, target: URL, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.hostname,
      port: portOf(proxy),
      method: 'CONNECT',
      path: `${target.hostname}:${portOf(target)}`,
      headers: { host: `${target.hostname}:${portOf(target)}`, ...basicAuth(proxy) },
      signal,
    });
    req.on('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new UnreachableError(target.host, `the proxy ${proxy.host} answered HTTP ${res.statusCode}`));
      }
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.name === 'AbortError'
          ? e
          : new UnreachableError(target.host, `proxy ${proxy.host}: ${e.code ?? e.message}`),
      ),
    );
    req.end();
  });
}

async function once(url: URL, options: GetOptions): Promise<IncomingMessage> {
  const headers = { 'user-agent': 'GroundLabel', ...options.headers };
  const proxy = proxyFor(url, options.env ?? process.env);
  const secure = url.protocol === 'https:';
  const target = { host: url.hostname, port: portOf(url), path: `${url.pathname}${url.search}` };
  if (!proxy) return send(secure ? https : http, { ...target, headers, signal: options.signal }, url.host);
  if (!secure)
    // A plain http request goes to the proxy whole, with the absolute address as its path.
    return send(
      http,
      {
        host: proxy.hostname,
        port: portOf(proxy),
        path: url.href,
        headers: { ...headers, host: url.host, ...basicAuth(proxy) },
        signal: options.signal,
      },
      url.host,
    );
  const socket = await tunnel(proxy, url, options.signal);
  return send(
    https,
    {
      ...target,
      headers,
      signal: options.signal,
      agent: false,
      createConnection: () => tls.connect({ socket, servername: url.hostname }),
    },
    url.host,
  );
}

/**
 * GET over http or https, through the proxy the environment names, following redirects (Hugging
 * Face and GitHub answer with one to their storage). The response is returned whatever its status;
 * the caller reads or discards its body.
 */
export async function httpGet(
  address: string,
  options: GetOptions = {},
): Promise<IncomingMessage & { url: string }> {
  let url = new URL(address);
  for (let hops = 0; ; hops++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new UnreachableError(url.host, `${url.protocol} addresses are not downloaded`);
    const res = await once(url, options);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) return Object.assign(res, { url: url.href });
    res.resume();
    if (hops >= (options.maxRedirects ?? 8)) throw new UnreachableError(url.host, 'too many redirects');
    url = new URL(location, url);
  }
}
