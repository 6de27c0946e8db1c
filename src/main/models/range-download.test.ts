import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../inference/__test__/helpers';
import { startFileServer, type FileServer } from './__test__/file-server';
import { DownloadError, downloadWithResume } from './range-download';

const tempDir = tempDirs('range-download');
const BODY = randomBytes(200_000);
let servers: FileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
const serve = async (...args: Parameters<typeof startFileServer>) => {
  const s = await startFileServer(...args);
  servers.push(s);
  return s;
};

async function failure(p: Promise<unknown>): Promise<DownloadError> {
  const e = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(DownloadError);
  return e as DownloadError;
}

describe('downloadWithResume', () => {
  it('goes on from the bytes already there after a connection breaks off, asking for the rest only', async () => {
    const server = await serve({ '/m.onnx': BODY }, { dropFirstAt: 70_000 });
    const dest = path.join(await tempDir(), 'm.onnx');
    let validator: string | undefined;
    const e = await failure(
      downloadWithResume(server.url('/m.onnx'), dest, { onStart: (i) => (validator = i.validator) }),
    );
    expect(e.kind).toBe('interrupted');
    expect(e.message).toContain('broke off');
    const done = await downloadWithResume(server.url('/m.onnx'), dest, { validator });
    expect(done.size).toBe(BODY.length);
    expect(await readFile(dest)).toEqual(BODY);
    const second = server.requests[1];
    expect(second.range).toMatch(/^bytes=\d+-$/);
    expect(Number(second.range!.slice(6, -1))).toBeGreaterThan(0);
    expect(second.ifRange).toBe(validator);
  });

  it('starts over cleanly when the server answers a range with the whole file', async () => {
    const server = await serve({ '/m.onnx': BODY }, { ranges: false });
    const dest = path.join(await tempDir(), 'm.onnx');
    await writeFile(dest, BODY.subarray(0, 50_000));
    let restarted: boolean | undefined;
    await downloadWithResume(server.url('/m.onnx'), dest, { onStart: (i) => (restarted = i.restarted) });
    expect(restarted).toBe(true);
    expect(await readFile(dest)).toEqual(BODY);
  });

  it('starts over when the file changed on the server since the bytes already there', async () => {
    const server = await serve({ '/m.onnx': BODY });
    const dest = path.join(await tempDir(), 'm.onnx');
    let validator: string | undefined;
    await downloadWithResume(server.url('/m.onnx'), dest, { onStart: (i) => (validator = i.validator) });
    await writeFile(dest, BODY.subarray(0, 1000));
    const changed = randomBytes(5000);
    server.replace('/m.onnx', changed);
    await downloadWithResume(server.url('/m.onnx'), dest, { validator });
    expect(await readFile(dest)).toEqual(changed);
  });

  it('says which address answered 404 and that there is no file there', async () => {
    const server = await serve({});
    const e = await failure(downloadWithResume(server.url('/gone.onnx'), path.join(await tempDir(), 'x')));
    expect(e).toMatchObject({ kind: 'http', status: 404 });
    expect(e.message).toBe(
      `${server.url('/gone.onnx')} answered HTTP 404 (there is no file at that address)`,
    );
  });

  it('gives up on a server that goes quiet, keeping what arrived', async () => {
    const server = await serve({ '/m.onnx': BODY }, { stallAfter: 10_000 });
    const dest = path.join(await tempDir(), 'm.onnx');
    const e = await failure(downloadWithResume(server.url('/m.onnx'), dest, { idleTimeoutMs: 300 }));
    expect(e.kind).toBe('interrupted');
    expect(e.message).toContain('sent nothing for 0 s (after 10000 bytes)');
    expect((await readFile(dest)).length).toBe(10_000);
  });

  it('stops at once when paused just as the server answers, before the file is open', async () => {
    const server = await serve({ '/m.onnx': BODY }, { stallAfter: 10_000 });
    const stop = new AbortController();
    const e = await failure(
      downloadWithResume(server.url('/m.onnx'), path.join(await tempDir(), 'm.onnx'), {
        signal: stop.signal,
        // Only the pause can end it within the test's time.
        idleTimeoutMs: 600_000,
        onStart: () => stop.abort(),
      }),
    );
    expect(e.kind).toBe('aborted');
  });

  it('calls an address nothing answers at unreachable', async () => {
    const server = await serve({});
    const url = server.url('/m.onnx');
    await server.close();
    servers = [];
    const e = await failure(downloadWithResume(url, path.join(await tempDir(), 'x')));
    expect(e.kind).toBe('unreachable');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('goes through the proxy HTTP_PROXY names', async () => {
    const origin = await serve({ '/m.onnx': BODY });
    // Loopback is never proxied, so the file is asked for under another name the proxy resolves.
    const url = origin.url('/m.onnx').replace('127.0.0.1', 'origin.test');
    const proxied: string[] = [];
    const proxy = http.createServer((req, res) => {
      proxied.push(req.url ?? '');
      http.get((req.url ?? '').replace('origin.test', '127.0.0.1'), (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const { port } = proxy.address() as AddressInfo;
      const dest = path.join(await tempDir(), 'm.onnx');
      await downloadWithResume(url, dest, { env: { HTTP_PROXY: `http://127.0.0.1:${port}` } });
      expect(await readFile(dest)).toEqual(BODY);
      expect(proxied).toEqual([url]);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});
