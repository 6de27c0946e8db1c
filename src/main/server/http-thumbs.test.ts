import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawScene } from '../../../test/fixtures/images';
import type { DatasetSnapshot, Result } from '../../shared/ipc/contract';
import { AppServices } from '../app-services';
import { tempDirs } from '../inference/__test__/helpers';
import { startServer, type RunningServer } from './http-server';
import { EventHub } from './sse';

const tempDir = tempDirs('http-thumbs');

let server: RunningServer;
let services: AppServices;
let ids: Record<string, string>;

beforeAll(async () => {
  const base = await tempDir();
  const rendererDir = path.join(base, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>GroundLabel</title>');
  const datasetDir = path.join(base, 'dataset');
  await mkdir(datasetDir);
  await writeFile(
    path.join(datasetDir, 'wide.jpg'),
    await drawScene({ width: 640, height: 320, format: 'jpeg', rects: [] }),
  );
  await writeFile(path.join(datasetDir, 'broken.jpg'), 'not a picture');
  await writeFile(path.join(base, 'outside.png'), await drawScene({ width: 10, height: 10, rects: [] }));
  await symlink(path.join(base, 'outside.png'), path.join(datasetDir, 'escape.png'));

  const events = new EventHub();
  services = new AppServices({ mode: 'browser', device: 'cpu', emit: (e, p) => events.emit(e, p) });
  server = await startServer({ services, events, rendererDir });
  const opened = (await (
    await fetch(`http://127.0.0.1:${server.port}/api/dataset:open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ path: datasetDir }),
    })
  ).json()) as Result<DatasetSnapshot>;
  if (!opened.ok) throw new Error(opened.error.message);
  ids = Object.fromEntries(opened.value.images.map((im) => [im.relPath, im.id]));
});

afterAll(async () => {
  await server.close();
  await services.close();
});

const thumb = (id: string, token: string | null = server.token) =>
  fetch(`http://127.0.0.1:${server.port}/thumb/${encodeURIComponent(id)}${token ? `?token=${token}` : ''}`);

describe('browser-mode thumbnails', () => {
  it('answers 401 without the token and with a wrong one', async () => {
    expect((await thumb(ids['wide.jpg'], null)).status).toBe(401);
    expect((await thumb(ids['wide.jpg'], 'x'.repeat(server.token.length))).status).toBe(401);
  });

  it('serves a small WebP thumbnail by id with the original size in headers', async () => {
    const reply = await thumb(ids['wide.jpg']);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('image/webp');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect([reply.headers.get('x-image-width'), reply.headers.get('x-image-height')]).toEqual(['640', '320']);
    const meta = await sharp(Buffer.from(await reply.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 128, 64]);
  });

  it('answers 422 for an unreadable image, 404 for an unknown id and 403 for a link outside', async () => {
    const broken = await thumb(ids['broken.jpg']);
    expect(broken.status).toBe(422);
    expect(await broken.text()).toContain('broken.jpg');
    expect((await thumb('unknown-id')).status).toBe(404);
    expect((await thumb('../wide.jpg')).status).toBe(404);
    expect((await thumb(ids['escape.png'])).status).toBe(403);
  });
});
