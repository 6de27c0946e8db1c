import { mkdir, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawScene } from '../../../test/fixtures/images';
import type { DatasetSnapshot } from '../../shared/ipc/contract';
import { tempDirs } from '../inference/__test__/helpers';
import { launchTestServer, mediaKey, request, value, writeRenderer } from './__test__/http-client';
import type { RunningServer } from './http-server';

const tempDir = tempDirs('http-thumbs');

/** A 64×32 PNG of one colour, stored uncompressed: every colour gives a file of the same size. */
const storedPng = (rgb: readonly number[]) =>
  sharp(
    Buffer.alloc(64 * 32 * 3).map((_, i) => rgb[i % 3]),
    { raw: { width: 64, height: 32, channels: 3 } },
  )
    .png({ compressionLevel: 0 })
    .toBuffer();

let server: RunningServer;
let datasetDir: string;
let ids: Record<string, string>;
let key: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const base = await tempDir();
  const rendererDir = await writeRenderer(path.join(base, 'renderer'));
  datasetDir = path.join(base, 'dataset');
  await mkdir(datasetDir);
  await writeFile(
    path.join(datasetDir, 'wide.jpg'),
    await drawScene({ width: 640, height: 320, format: 'jpeg', rects: [] }),
  );
  await writeFile(path.join(datasetDir, 'broken.jpg'), 'not a picture');
  await writeFile(path.join(datasetDir, 'escape.png'), await drawScene({ width: 10, height: 10, rects: [] }));
  await writeFile(path.join(datasetDir, 'replaced.png'), await storedPng([255, 0, 0]));
  await writeFile(path.join(base, 'outside.png'), await drawScene({ width: 10, height: 10, rects: [] }));

  const launched = await launchTestServer(rendererDir, [datasetDir]);
  server = launched.server;
  stop = launched.stop;
  const opened = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
  ids = Object.fromEntries(opened.images.map((im) => [im.relPath, im.id]));
  key = await mediaKey(server);
  // Replaced by a link to a file outside once the dataset lists it.
  await rm(path.join(datasetDir, 'escape.png'));
  await symlink(path.join(base, 'outside.png'), path.join(datasetDir, 'escape.png'));
});

afterAll(() => stop());

const thumb = (id: string, headers: Record<string, string> = {}) =>
  request(server, `/m/${key}/thumb/${encodeURIComponent(id)}`, { headers });

describe('browser-mode thumbnails', () => {
  it('answers 401 without a media key and with a wrong one', async () => {
    expect((await request(server, `/thumb/${ids['wide.jpg']}?token=${server.token}`)).status).toBe(404);
    expect((await request(server, `/m/${'x'.repeat(key.length)}/thumb/${ids['wide.jpg']}`)).status).toBe(401);
  });

  it('serves a small WebP thumbnail by id with the original size in headers', async () => {
    const reply = await thumb(ids['wide.jpg']);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('image/webp');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect([reply.headers['x-image-width'], reply.headers['x-image-height']]).toEqual(['640', '320']);
    const meta = await sharp(reply.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 128, 64]);
  });

  it('answers 422 for an unreadable image, 404 for an unknown id and 403 for a link outside', async () => {
    const broken = await thumb(ids['broken.jpg']);
    expect(broken.status).toBe(422);
    expect(broken.text).toContain('broken.jpg');
    expect((await thumb('unknown-id')).status).toBe(404);
    expect((await thumb('../wide.jpg')).status).toBe(404);
    expect((await thumb(ids['escape.png'])).status).toBe(403);
  });

  it('answers 304 while the image is the same, and a new thumbnail once it is replaced, even with the same size and time', async () => {
    const file = path.join(datasetDir, 'replaced.png');
    const first = await thumb(ids['replaced.png']);
    const etag = String(first.headers.etag);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect((await thumb(ids['replaced.png'], { 'if-none-match': etag })).status).toBe(304);

    // Another picture of the same byte size renamed over the old one, its time set to the old one's.
    const mtime = new Date(Date.now() - 60_000);
    await utimes(file, mtime, mtime);
    const old = await thumb(ids['replaced.png']);
    const blue = await storedPng([0, 0, 255]);
    expect(blue.length).toBe((await stat(file)).size);
    await writeFile(`${file}.new`, blue);
    await utimes(`${file}.new`, mtime, mtime);
    await rename(`${file}.new`, file);
    const replaced = await thumb(ids['replaced.png'], { 'if-none-match': String(old.headers.etag) });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.etag).not.toBe(old.headers.etag);
    const pixel = (await sharp(replaced.body).raw().toBuffer()).subarray(0, 3);
    expect([pixel[0] < 50, pixel[2] > 200]).toEqual([true, true]);
  });
});
