import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawScene } from '../../../test/fixtures/images';
import type { DatasetSnapshot } from '../../shared/ipc/contract';
import { cls, meta } from '../__test__/docs';
import { STORE_DIR } from '../dataset/project-store';
import { tempDirs } from '../inference/__test__/helpers';
import {
  api,
  APP_JS,
  fromPage,
  INDEX_HTML,
  mediaKey,
  request,
  startTestServer,
  subscribe,
  value,
  writeRenderer,
} from './__test__/http-client';
import { parseHostRule } from './hosts';
import type { RefusedRequest, RunningServer } from './http-server';

const tempDir = tempDirs('http');

const SECRET = 'top secret, outside the renderer';

let base: string;
let rendererDir: string;
let datasetDir: string;
let outsideDir: string;

beforeAll(async () => {
  base = await tempDir();
  rendererDir = await writeRenderer(path.join(base, 'renderer'));
  await writeFile(path.join(base, 'secret.txt'), SECRET);
  await mkdir(path.join(base, 'renderer-other'));
  await writeFile(path.join(base, 'renderer-other', 'secret.txt'), SECRET);
  datasetDir = path.join(base, 'dataset');
  outsideDir = path.join(base, 'outside');
  for (const dir of [datasetDir, outsideDir]) {
    await mkdir(dir);
    await writeFile(path.join(dir, 'a.png'), await drawScene({ width: 64, height: 48, rects: [] }));
  }
});

const start = (options: Parameters<typeof startTestServer>[2] = {}) =>
  startTestServer(rendererDir, [datasetDir], options);

const post = (server: RunningServer, channel: string, headers: Record<string, string>, body = '{}') =>
  request(server, `/api/${channel}`, { method: 'POST', headers, body });

const withoutToken = ({ authorization: _, ...rest }: Record<string, string>) => rest;

/** The project's class list as stored on disk, read back to see that nothing changed it. */
const storedMeta = () => readFile(path.join(datasetDir, STORE_DIR, 'project.json'), 'utf8');

describe('browser-mode server: the page and the token', () => {
  it('listens on 127.0.0.1 and prints an address that carries the token', async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it("serves the app's own files to anyone, with a CSP and no cookie: they hold nothing of a dataset", async () => {
    const server = await start();
    for (const target of ['/', `/?token=${server.token}`, '/index.html']) {
      const reply = await request(server, target);
      expect(reply.status, target).toBe(200);
      expect(reply.text).toBe(INDEX_HTML);
      expect(reply.headers['set-cookie'], target).toBeUndefined();
      const csp = String(reply.headers['content-security-policy']);
      for (const part of [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
      ])
        expect(csp).toContain(part);
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
    }
    const script = await request(server, '/assets/app.js');
    expect([script.status, script.text]).toEqual([200, APP_JS]);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('accepts the token in an Authorization header only: not in a cookie, not in the query', async () => {
    const server = await start();
    const { authorization, ...rest } = fromPage(server);
    expect((await post(server, 'app:info', { ...rest, authorization })).status).toBe(200);
    for (const headers of [
      rest,
      { ...rest, cookie: `gl_token=${server.token}` },
      { ...rest, 'x-groundlabel-token': server.token },
    ])
      expect((await post(server, 'app:info', headers)).status).toBe(401);
    const query = await request(server, `/api/app:info?token=${server.token}`, {
      method: 'POST',
      headers: rest,
      body: '{}',
    });
    expect(query.status).toBe(401);
    expect(query.text).toContain('npm run serve');
  });

  it('answers 401 to a wrong token, whatever its length or characters', async () => {
    const server = await start();
    const wrong = [
      server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A'),
      'short',
      `${server.token}x`,
      'é'.repeat(server.token.length),
    ];
    for (const token of wrong) {
      const headers = { ...fromPage(server), authorization: `Bearer ${encodeURIComponent(token)}` };
      expect((await post(server, 'app:info', headers)).status, token).toBe(401);
    }
  });

  it('answers a malformed cookie, header, address or escape with 401, 400 or 404, never a server error', async () => {
    const server = await start();
    const page = fromPage(server);
    const replies = [
      await post(server, 'app:info', { ...page, authorization: 'Bearer' }),
      await post(server, 'app:info', { ...page, authorization: `Basic ${server.token}` }),
      await post(server, 'app:info', { ...page, authorization: `Bearer  ${server.token}` }),
      await post(server, 'app:info', { ...withoutToken(page), cookie: 'gl_token=%E0%A4%A; =; ;;' }),
      await post(server, 'app:info', { ...page, authorization: 'Bearer %E0%A4%A' }),
      await post(server, 'app:info', { ...page, authorization: 'Bearer \u00e9' }),
      await request(server, '/api/%E0%A4%A', { method: 'POST', headers: page, body: '{}' }),
      await request(server, '/m/%E0%A4%A/image/x'),
      await request(server, '/m//image/x'),
      await request(server, '/%E0%A4%A'),
      await request(server, '//evil.example/x'),
    ];
    for (const reply of replies) expect([400, 401, 404]).toContain(reply.status);
  });
});

describe('browser-mode server: only the served page changes state', () => {
  it('refuses a request that a page of another site or port sends, with 403, and says so', async () => {
    const refused: RefusedRequest[] = [];
    const server = await start({ onRefused: (r) => refused.push(r) });
    const page = fromPage(server);
    const others = [
      { ...page, origin: 'http://127.0.0.1:1' },
      { ...page, origin: 'http://evil.example' },
      { ...page, origin: 'null' },
      { ...page, origin: 'not an origin' },
      { ...page, 'sec-fetch-site': 'same-site' },
      { ...page, 'sec-fetch-site': 'cross-site' },
      { ...page, 'sec-fetch-site': 'none' },
    ];
    for (const headers of others) expect((await post(server, 'app:info', headers)).status).toBe(403);
    expect(refused).toEqual(others.map(() => ({ method: 'POST', path: '/api/app:info', status: 403 })));
    const { origin: _o, 'sec-fetch-site': _s, ...script } = page;
    expect((await post(server, 'app:info', script)).status).toBe(200);
  });

  it('refuses a body not declared as JSON with 415, whatever else it carries', async () => {
    const server = await start();
    await value(server, 'dataset:open', { path: datasetDir });
    const events = await subscribe(server);
    const saved = events.next('save:status', (s) => s.state === 'saved');
    await value(server, 'project:save', meta([cls('c1', 'cat')]));
    await saved;
    events.close();
    const before = await storedMeta();
    expect(before).toContain('"cat"');
    const evil = JSON.stringify(meta([cls('c9', 'evil')]));
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
    ])
      expect(
        (await post(server, 'project:save', { ...fromPage(server), 'content-type': type }, evil)).status,
      ).toBe(415);
    const { 'content-type': _t, ...noType } = fromPage(server);
    expect((await post(server, 'project:save', noType, evil)).status).toBe(415);
    expect(await storedMeta()).toBe(before);
    expect(
      (
        await post(server, 'app:info', {
          ...fromPage(server),
          'content-type': 'Application/JSON; charset=utf-8',
        })
      ).status,
    ).toBe(200);
  });
});

describe('browser-mode server: images, thumbnails and events', () => {
  it('serves them only under a media key the page asked for with the token', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const id = snapshot.images[0].id;
    const key = await mediaKey(server);
    expect((await request(server, `/m/${key}/image/${id}`)).status).toBe(200);
    expect((await request(server, `/m/${key}/thumb/${id}`)).status).toBe(200);
    for (const target of [
      `/image/${id}?token=${server.token}`,
      `/m/${server.token}/image/${id}`,
      `/m/${key}x/image/${id}`,
      `/m/${key}/events?token=${server.token}`.replace(key, 'nope'),
    ])
      expect([401, 404], target).toContain((await request(server, target)).status);
    const { authorization: _a, ...noToken } = fromPage(server);
    expect((await post(server, 'media-key', noToken)).status).toBe(401);
  });

  it('refuses them to pages of other sites, and keeps them from being embedded elsewhere', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const key = await mediaKey(server);
    const target = `/m/${key}/image/${snapshot.images[0].id}`;
    for (const site of ['cross-site', 'same-site'])
      expect((await request(server, target, { headers: { 'sec-fetch-site': site } })).status).toBe(403);
    for (const site of ['same-origin', 'none'])
      expect((await request(server, target, { headers: { 'sec-fetch-site': site } })).status).toBe(200);
    expect((await request(server, target)).headers['cross-origin-resource-policy']).toBe('same-origin');
  });
});

describe('browser-mode server: folders', () => {
  it('opens datasets only inside --dataset and --root, and creates nothing elsewhere', async () => {
    const server = await start();
    const refused = await api(server, 'dataset:open', { path: outsideDir });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(!refused.ok && refused.error.message).toContain(datasetDir);
    expect(existsSync(path.join(outsideDir, STORE_DIR))).toBe(false);
    const both = await startTestServer(rendererDir, [datasetDir, outsideDir]);
    expect(await api(both, 'dataset:open', { path: outsideDir })).toMatchObject({ ok: true });
  });
});

describe('browser-mode server: hosts and port', () => {
  it('refuses a request whose Host header is not this server with 403, token or not', async () => {
    const server = await start();
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      '127.0.0.1:1',
      `127.0.0.1.evil.example:${server.port}`,
      `0x7f.0.0.1:${server.port}`,
      `localhost:${server.port}/x`,
    ]) {
      expect((await request(server, '/', { headers: { host } })).status, host).toBe(403);
      expect((await post(server, 'app:info', { ...fromPage(server), host })).status, host).toBe(403);
    }
    expect((await request(server, '/', { headers: { host: `localhost:${server.port}` } })).status).toBe(200);
    expect((await request(server, '/', { headers: { host: `LOCALHOST:${server.port}` } })).status).toBe(200);
  });

  it('answers the names given with --allow-host, and still no other name (DNS rebinding)', async () => {
    const server = await start({ allowHosts: ['localhost:9000', 'gl.example.com'].map(parseHostRule) });
    const tunnel = { ...fromPage(server), host: 'localhost:9000', origin: 'http://localhost:9000' };
    expect((await post(server, 'app:info', tunnel)).status).toBe(200);
    const proxy = { ...fromPage(server), host: 'gl.example.com', origin: 'https://gl.example.com' };
    expect((await post(server, 'app:info', proxy)).status).toBe(200);
    for (const host of ['localhost:9001', 'evil.example:9000', 'example.com', 'gl.example.com.evil.example'])
      expect((await request(server, '/', { headers: { host } })).status, host).toBe(403);
    expect((await post(server, 'app:info', { ...tunnel, origin: 'http://localhost:9001' })).status).toBe(403);
  });

  it('refuses a malformed --allow-host', () => {
    for (const bad of ['', 'http://x', 'x/y', 'a b', 'x:0', 'x:70000', 'user@x'])
      expect(() => parseHostRule(bad), bad).toThrow('--allow-host');
  });

  it('says which flag to pass when its port is in use', async () => {
    const first = await start();
    await expect(start({ port: first.port })).rejects.toThrow(`port ${first.port} is in use; pass --port`);
  });
});

describe('browser-mode server: size limits', () => {
  it('refuses a prompt over the limit with a message that says the limit', async () => {
    const server = await start();
    const result = await api(server, 'prompt:analyse', { prompt: 'cat . '.repeat(11_000) });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
    expect(!result.ok && result.error.message).toContain('65,536 characters');
  });

  it('refuses a body over the limit with 413 before reading it, and goes on answering', async () => {
    const server = await start({ maxBodyBytes: 1024 });
    const declared = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: server.port,
        path: '/api/prompt:analyse',
        method: 'POST',
        headers: { ...fromPage(server), 'content-length': String(31 * 2 ** 20) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(declared.status).toBe(413);
    expect(declared.text).toBe('A request body may be at most 1 KiB; this one is larger and was not read.');
    // Without a Content-Length, counted as it arrives.
    const streamed = await post(
      server,
      'prompt:analyse',
      { ...fromPage(server), 'transfer-encoding': 'chunked' },
      JSON.stringify({ prompt: 'x'.repeat(4096) }),
    );
    expect(streamed.status).toBe(413);
    expect((await post(server, 'app:info', fromPage(server))).status).toBe(200);
  });
});
