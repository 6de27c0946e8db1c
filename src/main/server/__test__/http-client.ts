import { mkdir, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { Channel, Events, Result } from '../../../shared/ipc/contract';
import { AppServices } from '../../app-services';
import { FolderAccess } from '../../fs/folder-access';
import { startServer, type RunningServer, type ServerOptions } from '../http-server';
import { EventHub } from '../sse';

export const INDEX_HTML =
  '<!doctype html><title>GroundLabel</title><script type="module" src="/assets/app.js"></script>';
export const APP_JS = 'console.log("groundlabel");';

/** A built renderer of two files in `dir`. */
export async function writeRenderer(dir: string): Promise<string> {
  await mkdir(path.join(dir, 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(dir, 'assets', 'app.js'), APP_JS);
  return dir;
}

/** Browser mode on a free port; `roots` are the folders it may use. Closed by `stop`. */
export async function launchTestServer(
  rendererDir: string,
  roots: readonly string[],
  options: Partial<Pick<ServerOptions, 'port' | 'allowHosts' | 'maxBodyBytes' | 'onRefused'>> = {},
): Promise<{ server: RunningServer; stop(): Promise<void> }> {
  const events = new EventHub();
  const services = new AppServices({
    mode: 'browser',
    device: 'cpu',
    saveDebounceMs: 5,
    emit: (event, payload) => events.emit(event, payload),
    access: new FolderAccess(roots),
  });
  const server = await startServer({ services, events, rendererDir, port: 0, ...options });
  return {
    server,
    async stop() {
      await server.close();
      await services.close();
    },
  };
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

/** A test server closed after the test (one process may hold a dataset open only once). */
export async function startTestServer(...args: Parameters<typeof launchTestServer>): Promise<RunningServer> {
  const { server, stop } = await launchTestServer(...args);
  running.push(stop);
  return server;
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

export function request(
  server: RunningServer,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: target,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The headers the served page's own fetch sends. */
export const fromPage = (server: RunningServer): Record<string, string> => ({
  authorization: `Bearer ${server.token}`,
  'content-type': 'application/json',
  origin: `http://127.0.0.1:${server.port}`,
  'sec-fetch-site': 'same-origin',
});

export async function api<T>(
  server: RunningServer,
  channel: Channel,
  body: unknown = {},
): Promise<Result<T>> {
  const reply = await request(server, `/api/${channel}`, {
    method: 'POST',
    headers: fromPage(server),
    body: JSON.stringify(body),
  });
  expect(reply.status, reply.text).toBe(200);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(reply.text) as Result<T>;
}

export async function value<T>(server: RunningServer, channel: Channel, body: unknown = {}): Promise<T> {
  const result = await api<T>(server, channel, body);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** A media key, asked for as the page asks for it. */
export async function mediaKey(server: RunningServer): Promise<string> {
  const reply = await request(server, '/api/media-key', {
    method: 'POST',
    headers: fromPage(server),
    body: '{}',
  });
  expect(reply.status).toBe(200);
  return (JSON.parse(reply.text) as { value: { key: string } }).value.key;
}

/** An open event stream, parsed into events as they arrive. */
export async function subscribe(server: RunningServer) {
  const key = await mediaKey(server);
  const waiters: { event: string; match: (data: never) => boolean; resolve: (data: unknown) => void }[] = [];
  let buffer = '';
  let res: http.IncomingMessage | undefined;
  let markEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  const req = http.get({ host: '127.0.0.1', port: server.port, path: `/m/${key}/events` });
  await new Promise<void>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (response) => {
      res = response;
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
      response.setEncoding('utf8');
      response.on('close', () => markEnded());
      response.on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.startsWith(': connected\n\n')) resolve();
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (!event || data === undefined) continue;
          const parsed: unknown = JSON.parse(data);
          for (const w of [...waiters]) {
            if (w.event !== event || !w.match(parsed as never)) continue;
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(parsed);
          }
        }
      });
    });
  });
  return {
    /** Resolves when the server ends the stream. */
    ended,
    /** The next event of that name (from now on) whose data matches. */
    next<E extends keyof Events>(
      event: E,
      match: (data: Events[E]) => boolean = () => true,
    ): Promise<Events[E]> {
      return new Promise((resolve) =>
        waiters.push({
          event,
          match: match as (data: never) => boolean,
          resolve: resolve as (data: unknown) => void,
        }),
      );
    },
    close: () => {
      res?.destroy();
      req.destroy();
    },
  };
}
