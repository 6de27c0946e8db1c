import { mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { drawScene } from '../../../test/fixtures/images';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { maxPixels, setMaxPixels } from '../inference/image-file';
import { DatasetService } from './dataset-service';
import { answerImageRequest, thumbnailsOf } from './image-requests';
import { decodeCacheFile, ThumbnailService, type ThumbnailOptions } from './thumbnails';

const tempDir = tempDirs('thumbs');

/** Every cache file under `dir`, recursively. */
async function cacheFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** A service over `files` (id → path) in a fresh folder, recording the ids it encodes, in order. */
async function setup(
  files: Record<string, string>,
  options: Partial<ThumbnailOptions> = {},
  /** Resolving these ids waits for the promise: an encode held in progress. */
  held: Record<string, Promise<void>> = {},
) {
  const cacheDir = path.join(await tempDir(), 'thumbs');
  const encoded: string[] = [];
  const service = new ThumbnailService({
    cacheDir,
    resolve: async (id) => {
      await held[id];
      const file = files[id];
      if (!file) throw new Error(`unknown id ${id}`);
      return file;
    },
    onEncode: (id) => encoded.push(id),
    ...options,
  });
  return { service, cacheDir, encoded };
}

async function writeImage(dir: string, name: string, spec: Parameters<typeof drawScene>[0]) {
  const file = path.join(dir, name);
  await writeFile(file, await drawScene(spec));
  return file;
}

/** The RGB of the pixel at (x, y) of an encoded image. */
async function pixel(data: Buffer, x: number, y: number): Promise<number[]> {
  const { data: raw, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [raw[at], raw[at + 1], raw[at + 2]];
}

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const isRed = ([r, g, b]: number[]) => r > 180 && g < 90 && b < 90;

describe('thumbnails', () => {
  it('encodes a thumbnail once, stores it in the cache and serves later requests from there', async () => {
    const dir = await tempDir();
    const file = await writeImage(dir, 'a.jpg', {
      width: 1600,
      height: 1200,
      format: 'jpeg',
      rects: [{ colour: 'red', x1: 0, y1: 0, x2: 800, y2: 1200 }],
    });
    const { service, cacheDir, encoded } = await setup({ a: file });

    const first = await service.get('a');
    expect(first.contentType).toBe('image/webp');
    expect([first.width, first.height]).toEqual([1600, 1200]);
    const meta = await sharp(first.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 128, 96]);
    expect(isRed(await pixel(first.data, 10, 48))).toBe(true);
    expect(isRed(await pixel(first.data, 118, 48))).toBe(false);

    const [cached] = await cacheFiles(cacheDir);
    expect(cached).toMatch(/\.thumb$/);
    const entry = decodeCacheFile(await readFile(cached));
    expect(entry?.header).toMatchObject({ width: 1600, height: 1200 });
    expect(entry?.data.equals(first.data)).toBe(true);
    const writtenAt = (await stat(cached)).mtimeMs;

    const second = await service.get('a');
    expect(second.data.equals(first.data)).toBe(true);
    expect(encoded).toEqual(['a']);
    expect((await stat(cached)).mtimeMs).toBe(writtenAt);

    // A new service on the same folder (the app restarted) still finds it.
    const again = await setup({ a: file }, { cacheDir });
    expect((await again.service.get('a')).data.equals(first.data)).toBe(true);
    expect(again.encoded).toEqual([]);
  });

  it('shows a rotated image the way it is displayed, with its oriented size', async () => {
    const dir = await tempDir();
    // Displayed 320×160 with red on the left; stored 160×320 with EXIF orientation 6.
    const file = await writeImage(dir, 'rotated.jpg', {
      width: 320,
      height: 160,
      format: 'jpeg',
      orientation: 6,
      rects: [{ colour: 'red', x1: 0, y1: 0, x2: 100, y2: 160 }],
    });
    const { service } = await setup({ r: file });
    const thumb = await service.get('r');
    expect([thumb.width, thumb.height]).toEqual([320, 160]);
    const meta = await sharp(thumb.data).metadata();
    expect([meta.width, meta.height]).toEqual([128, 64]);
    expect(isRed(await pixel(thumb.data, 10, 32))).toBe(true);
    expect(isRed(await pixel(thumb.data, 110, 32))).toBe(false);
  });

  it('makes a new thumbnail when the image changes', async () => {
    const dir = await tempDir();
    const file = await writeImage(dir, 'c.png', { width: 200, height: 100, rects: [] });
    const { service, encoded } = await setup({ c: file });
    const before = await service.get('c');
    expect([before.width, before.height]).toEqual([200, 100]);

    await writeImage(dir, 'c.png', {
      width: 100,
      height: 200,
      rects: [{ colour: 'red', x1: 0, y1: 0, x2: 100, y2: 200 }],
    });
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    const after = await service.get('c');
    expect([after.width, after.height]).toEqual([100, 200]);
    expect(isRed(await pixel(after.data, 20, 60))).toBe(true);
    expect(encoded).toEqual(['c', 'c']);
  });

  it('reports a broken image as image-unreadable, remembers it, and goes on with the others', async () => {
    const dir = await tempDir();
    const broken = path.join(dir, 'broken.jpg');
    await writeFile(broken, 'this is not a JPEG');
    const whole = await drawScene({ width: 400, height: 300, format: 'jpeg', rects: [] });
    const truncated = path.join(dir, 'truncated.jpg');
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const good = await writeImage(dir, 'good.png', { width: 40, height: 30, rects: [] });
    const { service, cacheDir, encoded } = await setup({ broken, truncated, good });

    const error = await caught(() => service.get('broken'), 'image-unreadable');
    expect(error.message).toContain('broken.jpg');
    await caught(() => service.get('truncated'), 'image-unreadable');
    expect((await service.get('good')).width).toBe(40);
    expect(encoded).toEqual(['good']);

    const headers = await Promise.all(
      (await cacheFiles(cacheDir)).map(async (f) => decodeCacheFile(await readFile(f))?.header),
    );
    expect(headers.filter((h) => h?.error?.code === 'image-unreadable')).toHaveLength(2);
    // Served from the cache the second time: still the clear error.
    await caught(() => service.get('broken'), 'image-unreadable');
  });

  it('does not remember an image refused for the pixel limit: raising the limit gives its thumbnail', async () => {
    const dir = await tempDir();
    const big = await writeImage(dir, 'big.png', { width: 400, height: 300, rects: [] });
    const { service, encoded } = await setup({ big });
    const before = maxPixels();
    try {
      setMaxPixels(100_000);
      expect((await caught(() => service.get('big'), 'image-too-large')).message).toContain('big.png');
      setMaxPixels(200_000);
      expect((await service.get('big')).width).toBeGreaterThan(0);
      expect(encoded).toEqual(['big']);
    } finally {
      setMaxPixels(before);
    }
  });

  it('lets requests for rows on screen go before prefetching', async () => {
    const dir = await tempDir();
    const files: Record<string, string> = {};
    for (const id of ['p1', 'p2', 'p3', 'v']) {
      files[id] = await writeImage(dir, `${id}.png`, { width: 300, height: 200, rects: [] });
    }
    const hold = gate();
    const { service, encoded } = await setup(files, { concurrency: 1 }, { p1: hold.promise });
    service.prefetch(['p1', 'p2', 'p3']);
    const visible = service.get('v');
    await expect.poll(() => service.pending).toBe(4);
    hold.resolve();
    await visible;
    // p1 had already started when v came; v then went before the rest of the prefetch.
    expect(encoded).toEqual(['p1', 'v']);
    await expect.poll(() => service.pending).toBe(0);
    expect(encoded).toEqual(['p1', 'v', 'p2', 'p3']);
  });

  it('drops a queued thumbnail whose request was cancelled, as when a row scrolls away', async () => {
    const dir = await tempDir();
    const a = await writeImage(dir, 'a.png', { width: 300, height: 200, rects: [] });
    const b = await writeImage(dir, 'b.png', { width: 300, height: 200, rects: [] });
    const hold = gate();
    const { service, encoded } = await setup({ a, b }, { concurrency: 1 }, { a: hold.promise });
    service.prefetch(['a']);
    const gone = new AbortController();
    const second = service.get('b', { signal: gone.signal });
    await expect.poll(() => service.pending).toBe(2);
    gone.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    expect(service.pending).toBe(1);
    hold.resolve();
    await expect.poll(() => service.pending).toBe(0);
    expect(encoded).toEqual(['a']);
  });

  it('shares one encode between requests, and keeps it for those that stay', async () => {
    const dir = await tempDir();
    const a = await writeImage(dir, 'a.png', { width: 300, height: 200, rects: [] });
    const b = await writeImage(dir, 'b.png', { width: 300, height: 200, rects: [] });
    const hold = gate();
    const { service, encoded } = await setup({ a, b }, { concurrency: 1 }, { a: hold.promise });
    service.prefetch(['a']);
    const leaving = new AbortController();
    const first = service.get('b', { signal: leaving.signal });
    const second = service.get('b', { signal: new AbortController().signal });
    await expect.poll(() => service.pending).toBe(2);
    leaving.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    hold.resolve();
    expect((await second).width).toBe(300);
    expect(encoded).toEqual(['a', 'b']);
  });
});

describe('thumbnail cache', () => {
  it('prunes the thumbnails of images that are gone and keeps the others', async () => {
    const dir = await tempDir();
    const files = {
      a: await writeImage(dir, 'a.png', { width: 64, height: 48, rects: [] }),
      b: await writeImage(dir, 'b.png', { width: 64, height: 48, rects: [] }),
    };
    const { service, cacheDir, encoded } = await setup(files);
    await service.get('a');
    await service.get('b');
    expect(await cacheFiles(cacheDir)).toHaveLength(2);
    expect(await service.prune(['a'])).toBe(1);
    expect(await cacheFiles(cacheDir)).toHaveLength(1);
    await service.get('a');
    expect(encoded).toEqual(['a', 'b']);
  });
});

describe('thumbnails of a dataset', () => {
  it('caches under .groundlabel/thumbs and refuses unknown ids and links out of the dataset', async () => {
    const base = await tempDir();
    const root = path.join(base, 'dataset');
    const outside = await writeImage(base, 'outside.png', { width: 20, height: 20, rects: [] });
    await mkdir(root);
    await writeImage(root, 'in.png', { width: 64, height: 48, rects: [] });
    await symlink(outside, path.join(root, 'listed-never.png'));
    await writeImage(root, 'escape.png', { width: 20, height: 20, rects: [] });
    const dataset = await DatasetService.open(root);
    // A link out of the folder is not listed; one swapped in after the listing is refused when read.
    expect(dataset.relPaths).toEqual(['escape.png', 'in.png']);
    await rm(path.join(root, 'escape.png'));
    await symlink(outside, path.join(root, 'escape.png'));
    try {
      const thumbs = thumbnailsOf(dataset);
      expect(thumbnailsOf(dataset)).toBe(thumbs);
      await caught(() => thumbs.get(dataset.idFor('escape.png')), 'forbidden');
      await caught(() => thumbs.get('no-such-id'), 'image-not-found');
      await caught(() => thumbs.get('../outside.png'), 'image-not-found');
      expect(await cacheFiles(path.join(root, '.groundlabel', 'thumbs'))).toEqual([]);

      expect((await thumbs.get(dataset.idFor('in.png'))).width).toBe(64);
      expect(await cacheFiles(path.join(root, '.groundlabel', 'thumbs'))).toHaveLength(1);

      const ok = await answerImageRequest(dataset, 'thumb', encodeURIComponent(dataset.idFor('in.png')));
      expect(ok.status).toBe(200);
      expect(ok.headers).toMatchObject({ 'content-type': 'image/webp', 'x-image-width': '64' });
      const refused = await answerImageRequest(dataset, 'thumb', dataset.idFor('escape.png'));
      expect(refused.status).toBe(403);
      expect((await answerImageRequest(dataset, 'thumb', '%E0%A4%A')).status).toBe(404);
      expect((await answerImageRequest(null, 'thumb', 'x')).status).toBe(404);
    } finally {
      await dataset.close();
    }
  });
});
