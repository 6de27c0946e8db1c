import { mkdir, symlink, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drawScene } from '../../../test/fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../../../test/fixtures/model-folders';
import { DEFAULT_THRESHOLDS } from '../../shared/detection';
import { iou } from '../../shared/geometry';
import type {
  Channel,
  DatasetSnapshot,
  Events,
  ImageDetail,
  InferResult,
  Result,
} from '../../shared/ipc/contract';
import { box } from '../__test__/docs';
import { AppServices } from '../app-services';
import { tempDirs } from '../inference/__test__/helpers';
import { startServer, type RunningServer } from './http-server';
import { EventHub } from './sse';

const tempDir = tempDirs('http');

const INDEX_HTML =
  '<!doctype html><title>GroundLabel</title><script type="module" src="/assets/app.js"></script>';
const APP_JS = 'console.log("groundlabel");';
const SECRET = 'top secret, outside the renderer';
const RED = { x1: 40, y1: 30, x2: 200, y2: 150 };

let rendererDir: string;
let datasetDir: string;
let models: FixtureModelPaths;

beforeAll(async () => {
  const base = await tempDir();
  rendererDir = path.join(base, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), APP_JS);
  await writeFile(path.join(base, 'secret.txt'), SECRET);
  await mkdir(path.join(base, 'renderer-other'));
  await writeFile(path.join(base, 'renderer-other', 'secret.txt'), SECRET);

  datasetDir = path.join(base, 'dataset');
  await mkdir(datasetDir);
  await writeFile(
    path.join(datasetDir, 'red.png'),
    await drawScene({ width: 320, height: 240, rects: [{ colour: 'red', ...RED }] }),
  );
  await writeFile(path.join(datasetDir, 'plain.png'), await drawScene({ width: 64, height: 48, rects: [] }));
  await writeFile(path.join(base, 'outside.png'), await drawScene({ width: 10, height: 10, rects: [] }));
  await symlink(path.join(base, 'outside.png'), path.join(datasetDir, 'escape.png'));
  models = await writeFixtureModels(path.join(base, 'models'));
});

const running: { server: RunningServer; services: AppServices }[] = [];
afterEach(async () => {
  for (const { server, services } of running.splice(0)) {
    await server.close();
    await services.close();
  }
});

async function start() {
  const events = new EventHub();
  const services = new AppServices({
    mode: 'browser',
    device: 'cpu',
    saveDebounceMs: 5,
    emit: (event, payload) => events.emit(event, payload),
  });
  const server = await startServer({ services, events, rendererDir });
  running.push({ server, services });
  return server;
}

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

function request(
  server: RunningServer,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
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

const bearer = (server: RunningServer) => ({ authorization: `Bearer ${server.token}` });

async function api<T>(server: RunningServer, channel: Channel, body: unknown = {}): Promise<Result<T>> {
  const reply = await request(server, `/api/${channel}`, {
    method: 'POST',
    headers: { ...bearer(server), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(reply.status).toBe(200);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(reply.text) as Result<T>;
}

async function value<T>(server: RunningServer, channel: Channel, body: unknown = {}): Promise<T> {
  const result = await api<T>(server, channel, body);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** An open /api/events stream, parsed into events as they arrive. */
async function subscribe(server: RunningServer) {
  const seen: { event: string; data: unknown }[] = [];
  const waiters: { event: string; match: (data: never) => boolean; resolve: (data: unknown) => void }[] = [];
  let buffer = '';
  let res: http.IncomingMessage | undefined;
  let markEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  const req = http.get({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}` });
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
          seen.push({ event, data: parsed });
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
    seen,
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

describe('browser-mode server access', () => {
  it('listens on 127.0.0.1 and prints an address that carries the token', async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 to every kind of request without the token', async () => {
    const server = await start();
    for (const target of ['/', '/index.html', '/assets/app.js', '/api/x', '/api/events', '/image/x']) {
      const reply = await request(server, target);
      expect(reply.status, target).toBe(401);
      expect(reply.text, target).not.toContain('groundlabel");');
      expect(reply.headers['set-cookie'], target).toBeUndefined();
    }
    expect((await request(server, '/api/app:info', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('answers 401 to a wrong token, whatever its length or characters', async () => {
    const server = await start();
    const wrong = [
      server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A'),
      'short',
      `${server.token}x`,
    ];
    for (const token of wrong) {
      expect((await request(server, `/?token=${encodeURIComponent(token)}`)).status, token).toBe(401);
      expect(
        (
          await request(server, '/api/app:info', {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
        token,
      ).toBe(401);
      expect(
        (await request(server, '/', { headers: { cookie: `gl_token=${encodeURIComponent(token)}` } })).status,
        token,
      ).toBe(401);
    }
  });

  it('answers 401, not a server error, to a token of the right length in other characters', async () => {
    const server = await start();
    const same = 'é'.repeat(server.token.length);
    expect((await request(server, `/?token=${encodeURIComponent(same)}`)).status).toBe(401);
  });

  it('serves the page with ?token=, setting an HttpOnly same-site cookie and a CSP', async () => {
    const server = await start();
    const reply = await request(server, `/?token=${server.token}`);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(INDEX_HTML);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    const [cookie] = reply.headers['set-cookie'] ?? [];
    expect(cookie).toMatch(new RegExp(`^gl_token=${server.token};`));
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    const csp = String(reply.headers['content-security-policy']);
    for (const part of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'"])
      expect(csp).toContain(part);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('accepts the cookie on later requests, for files and API calls alike', async () => {
    const server = await start();
    const cookie = `gl_token=${server.token}`;
    const script = await request(server, '/assets/app.js', { headers: { cookie } });
    expect(script.status).toBe(200);
    expect(script.text).toBe(APP_JS);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['set-cookie']).toBeUndefined();
    const info = await request(server, '/api/app:info', {
      method: 'POST',
      headers: { cookie: `other=1; ${cookie}` },
      body: '{}',
    });
    expect(JSON.parse(info.text)).toMatchObject({ ok: true, value: { mode: 'browser' } });
  });

  it('refuses a request whose Host header is not this server with 403, token or not', async () => {
    const server = await start();
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      '127.0.0.1:1',
      `127.0.0.1.evil.example:${server.port}`,
    ]) {
      const reply = await request(server, `/?token=${server.token}`, { headers: { host } });
      expect(reply.status, host).toBe(403);
      expect(reply.headers['set-cookie'], host).toBeUndefined();
      const call = await request(server, '/api/app:info', {
        method: 'POST',
        headers: { host, ...bearer(server) },
        body: '{}',
      });
      expect(call.status, host).toBe(403);
    }
    expect(
      (await request(server, `/?token=${server.token}`, { headers: { host: `localhost:${server.port}` } }))
        .status,
    ).toBe(200);
  });

  it('never serves a file outside the renderer folder', async () => {
    const server = await start();
    const cookie = `gl_token=${server.token}`;
    for (const target of [
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/../secret.txt',
      '/..%2frenderer-other%2fsecret.txt',
      `/${encodeURIComponent(path.join(path.dirname(rendererDir), 'secret.txt'))}`,
    ]) {
      const reply = await request(server, target, { headers: { cookie } });
      expect(reply.status, target).toBe(404);
      expect(reply.text, target).not.toContain(SECRET);
    }
  });

  it('answers a path with a malformed escape with 404, not a server error', async () => {
    const server = await start();
    const reply = await request(server, '/%E0%A4%A', { headers: { cookie: `gl_token=${server.token}` } });
    expect(reply.status).toBe(404);
  });
});

describe('browser-mode API', () => {
  it('answers app:info over POST with a bearer token', async () => {
    const server = await start();
    expect(await value(server, 'app:info')).toMatchObject({
      mode: 'browser',
      platform: process.platform,
      version: expect.any(String),
    });
  });

  it('answers an unknown channel, a GET on a channel and a bad body without running anything', async () => {
    const server = await start();
    expect(
      (await request(server, '/api/nope', { method: 'POST', headers: bearer(server), body: '{}' })).status,
    ).toBe(404);
    expect(
      (await request(server, '/api/toString', { method: 'POST', headers: bearer(server), body: '{}' }))
        .status,
    ).toBe(404);
    expect((await request(server, '/api/app:info', { headers: bearer(server) })).status).toBe(404);
    const bad = await request(server, '/api/dataset:open', {
      method: 'POST',
      headers: bearer(server),
      body: '{"path": ',
    });
    expect(JSON.parse(bad.text)).toEqual({
      ok: false,
      error: { code: 'bad-argument', message: expect.stringContaining('Request body') },
    });
    const missing = await api(server, 'dataset:open', {});
    expect(missing).toEqual({
      ok: false,
      error: { code: 'bad-argument', message: expect.stringContaining('path') },
    });
  });

  it('opens a dataset, gives and saves an image, and shows its status in dataset:current', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    expect(snapshot.images.map((i) => i.relPath)).toEqual(['escape.png', 'plain.png', 'red.png']);
    const red = snapshot.images.find((i) => i.relPath === 'red.png')!;
    const detail = await value<ImageDetail>(server, 'image:get', { id: red.id });
    expect(detail.doc).toEqual({ relPath: 'red.png', width: 320, height: 240, reviewed: false, boxes: [] });
    const saved = await value(server, 'image:save', {
      id: red.id,
      doc: { ...detail.doc, reviewed: true, boxes: [box('c1', { kind: 'manual' }, RED)] },
    });
    expect(saved).toEqual({ status: 'reviewed' });
    const current = await value<DatasetSnapshot>(server, 'dataset:current');
    expect(current.images.find((i) => i.id === red.id)).toEqual({
      id: red.id,
      relPath: 'red.png',
      status: 'reviewed',
      boxes: 1,
      width: 320,
      height: 240,
    });
  });

  it('pushes save:status over /api/events after image:save', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const plain = snapshot.images.find((i) => i.relPath === 'plain.png')!;
    const stream = await subscribe(server);
    const saving = stream.next('save:status', (d) => d.state === 'saving');
    const saved = stream.next('save:status', (d) => d.state === 'saved');
    await value(server, 'image:save', {
      id: plain.id,
      doc: { relPath: 'plain.png', width: 64, height: 48, reviewed: true, boxes: [] },
    });
    expect(await saving).toEqual({ state: 'saving' });
    expect(await saved).toEqual({ state: 'saved' });
    stream.close();
  });

  it('ends the open event streams when it closes', async () => {
    const server = await start();
    const stream = await subscribe(server);
    await server.close();
    await stream.ended;
  });
});

describe('browser-mode images', () => {
  it('answers 404 while no dataset is open', async () => {
    const server = await start();
    expect((await request(server, '/image/anything', { headers: bearer(server) })).status).toBe(404);
  });

  it('serves an image by id with an image content type, and 404 for an unknown id', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const red = snapshot.images.find((i) => i.relPath === 'red.png')!;
    const reply = await request(server, `/image/${red.id}?token=${server.token}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^image\//);
    expect(reply.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await request(server, `/image/unknown-id?token=${server.token}`)).status).toBe(404);
    expect(
      (await request(server, `/image/${encodeURIComponent('../red.png')}?token=${server.token}`)).status,
    ).toBe(404);
    expect(
      (await request(server, `/image/${encodeURIComponent('%E0%A4%A')}?token=${server.token}`)).status,
    ).toBe(404);
  });

  it('refuses an image that links outside the dataset with 403', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const escape = snapshot.images.find((i) => i.relPath === 'escape.png')!;
    expect((await request(server, `/image/${escape.id}`, { headers: bearer(server) })).status).toBe(403);
  });
});

describe('browser-mode inference', () => {
  it('opens a fixture model and finds the red rectangle, pushing infer:progress', async () => {
    const server = await start();
    const status = await value(server, 'model:open', { path: models.flavourB });
    expect(status).toMatchObject({ loaded: true, flavour: 'B', name: 'Colour fixture B' });
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const red = snapshot.images.find((i) => i.relPath === 'red.png')!;
    const stream = await subscribe(server);
    const progress = stream.next('infer:progress');
    const results = await value<InferResult[]>(server, 'infer:run', {
      ids: [red.id],
      prompt: 'red . blue .',
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(results).toHaveLength(1);
    expect(results[0].relPath).toBe('red.png');
    expect(results[0].detections?.map((d) => d.phrase)).toEqual(['red']);
    expect(iou(results[0].detections![0].box, RED)).toBeGreaterThan(0.9);
    expect(await progress).toEqual({ done: 1, total: 1, result: results[0] });
    stream.close();
  });

  it('refuses to run without a model with model-not-loaded', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const red = snapshot.images.find((i) => i.relPath === 'red.png')!;
    const result = await api(server, 'infer:run', {
      ids: [red.id],
      prompt: 'red',
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'model-not-loaded' } });
  });

  it('refuses to run on an image that links outside the dataset with forbidden', async () => {
    const server = await start();
    await value(server, 'model:open', { path: models.flavourB });
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const escape = snapshot.images.find((i) => i.relPath === 'escape.png')!;
    const result = await api(server, 'infer:run', {
      ids: [escape.id],
      prompt: 'red',
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
