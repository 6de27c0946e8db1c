import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetMetaEntry } from '../../shared/ipc/contract';
import { drawScene, type SceneSpec } from '../../../test/fixtures/images';
import { tempDirs } from '../inference/__test__/helpers';
import { BackgroundFill, fillDataset, type BackgroundFillOptions } from './background-fill';
import { DatasetService } from './dataset-service';
import { STORE_DIR } from './project-store';
import { ThumbnailService } from './thumbnails';

const tempDir = tempDirs('fill');

async function writeImage(dir: string, name: string, spec: Omit<SceneSpec, 'rects'>): Promise<string> {
  const file = path.join(dir, ...name.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await drawScene({ ...spec, rects: [] }));
  return file;
}

async function thumbFiles(root: string): Promise<string[]> {
  const dir = path.join(root, STORE_DIR, 'thumbs');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.thumb')).map((e) => e.name);
}

/** A fill over `files` (id → path) on its own thumbnail queue, recording steps, encodes and batches. */
async function setup(
  files: Record<string, string>,
  options: Partial<BackgroundFillOptions> & { concurrency?: number } = {},
) {
  const encoded: string[] = [];
  const steps: string[] = [];
  const batches: (readonly DatasetMetaEntry[])[] = [];
  const thumbs = new ThumbnailService({
    cacheDir: path.join(await tempDir(), 'thumbs'),
    resolve: async (id) => files[id],
    concurrency: options.concurrency ?? 1,
    onEncode: (id) => encoded.push(id),
  });
  const fill = new BackgroundFill({
    ids: Object.keys(files),
    fileOf: async (id) => files[id],
    thumbs,
    onMeta: (entries) => batches.push(entries),
    pollMs: 20,
    flushMs: 20,
    ...options,
    onStep: (kind, id) => {
      steps.push(`${kind}:${id}`);
      options.onStep?.(kind, id);
    },
  });
  return { fill, thumbs, encoded, steps, batches, entries: () => batches.flat() };
}

/** Five 300×200 PNGs named p0…p4. */
async function fiveImages(): Promise<Record<string, string>> {
  const dir = await tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 5; i++)
    files[`p${i}`] = await writeImage(dir, `p${i}.png`, { width: 300, height: 200 });
  return files;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('background fill', () => {
  it('reads every size from the header, makes every thumbnail, and sends the sizes in batches', async () => {
    const root = await tempDir();
    await writeImage(root, 'a/one.jpg', { width: 640, height: 480, format: 'jpeg' });
    await writeImage(root, 'a/b/two.png', { width: 120, height: 90 });
    // Stored rotated: the displayed (oriented) size is what counts.
    await writeImage(root, 'c/rotated.jpg', { width: 200, height: 100, format: 'jpeg', orientation: 6 });
    await writeImage(root, 'd.png', { width: 50, height: 70 });
    const dataset = await DatasetService.open(root);
    // A stored document already says the size of d.png: its header is not read again.
    await dataset.store.putImage({ relPath: 'd.png', width: 50, height: 70, reviewed: true, boxes: [] });
    const batches: (readonly DatasetMetaEntry[])[] = [];
    const steps: string[] = [];
    const fill = fillDataset(dataset, {
      onMeta: (entries) => batches.push(entries),
      onStep: (kind, id) => steps.push(`${kind}:${dataset.relPathOf(id)}`),
      startDelayMs: 0,
      batchSize: 2,
      flushMs: 10_000,
    });
    await fill.done;

    expect(batches.map((b) => b.length)).toEqual([2, 1]);
    const size = (relPath: string) => batches.flat().find((e) => e.id === dataset.idFor(relPath));
    expect(size('a/one.jpg')).toMatchObject({ width: 640, height: 480 });
    expect(size('a/b/two.png')).toMatchObject({ width: 120, height: 90 });
    expect(size('c/rotated.jpg')).toMatchObject({ width: 200, height: 100 });
    expect(size('d.png')).toBeUndefined();
    expect(steps.filter((s) => s.startsWith('size:'))).toEqual([
      'size:a/b/two.png',
      'size:a/one.jpg',
      'size:c/rotated.jpg',
    ]);
    expect(steps.filter((s) => s.startsWith('thumb:'))).toHaveLength(4);
    expect(await thumbFiles(root)).toHaveLength(4);
    // The snapshot of a reloaded window gets what was learned.
    const annotated = fill.annotate(dataset.snapshot().images);
    expect(annotated.map((e) => [e.relPath, e.width, e.height])).toEqual([
      ['a/b/two.png', 120, 90],
      ['a/one.jpg', 640, 480],
      ['c/rotated.jpg', 200, 100],
      ['d.png', 50, 70],
    ]);
    await dataset.close();
  });

  it('serves thumbnails asked for by visible rows before the rest of the background work', async () => {
    const dir = await tempDir();
    const files: Record<string, string> = {};
    for (const id of ['p1', 'p2', 'p3', 'p4', 'v1', 'v2'])
      files[id] = await writeImage(dir, `${id}.jpg`, { width: 1200, height: 900, format: 'jpeg' });
    const visible: Promise<unknown>[] = [];
    const { fill, thumbs, encoded } = await setup(files, { startDelayMs: 0 });
    // Rows on screen ask for v1 and v2 while the pass is making p1's thumbnail.
    const asked = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (thumbs.pending === 0) return;
        clearInterval(timer);
        visible.push(thumbs.get('v1'), thumbs.get('v2'));
        resolve();
      }, 1);
    });
    await asked;
    await Promise.all(visible);
    await fill.done;
    // At most the background job already queued runs first; the visible ones go before the rest.
    expect(encoded.indexOf('v2')).toBeLessThan(encoded.indexOf('p3'));
    expect(encoded.indexOf('v1')).toBeLessThan(encoded.indexOf('p3'));
    // Each thumbnail is made once: the pass finds v1 and v2 in the cache.
    expect([...encoded].sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'v1', 'v2']);
  });

  it('makes no new step while paused or while real work runs, and goes on when resumed', async () => {
    const files = await fiveImages();
    let resume = () => {};
    let busy = false;
    const { fill, steps, entries } = await setup(files, {
      startDelayMs: 0,
      onStep: () => {
        if (steps.length === 2) resume = fill.pause();
      },
      isBusy: () => busy,
    });
    await expect.poll(() => steps.length).toBe(2);
    await sleep(150);
    expect(steps).toHaveLength(2);
    expect(fill.paused).toBe(true);
    busy = true;
    resume();
    await sleep(150);
    expect(steps).toHaveLength(2);
    busy = false;
    await fill.done;
    expect(steps).toHaveLength(10);
    expect(entries()).toHaveLength(5);
  });

  it('stops when closed, sending nothing more', async () => {
    const files = await fiveImages();
    const { fill, steps, batches, encoded } = await setup(files, {
      startDelayMs: 0,
      flushMs: 10_000,
      onStep: () => {
        if (steps.length === 3) void fill.close();
      },
    });
    await fill.done;
    await sleep(100);
    expect(steps).toHaveLength(3);
    expect(batches).toEqual([]);
    expect(encoded).toEqual([]);
  });

  it('reports broken images with the reason and goes on with the others', async () => {
    const root = await tempDir();
    await writeFile(path.join(root, 'a-broken.jpg'), 'this is not a JPEG');
    const whole = await drawScene({ width: 400, height: 300, format: 'jpeg', rects: [] });
    // The header is whole, the pixels are not: the size is read, the thumbnail fails.
    await writeFile(path.join(root, 'b-truncated.jpg'), whole.subarray(0, Math.floor(whole.length / 2)));
    await writeImage(root, 'c-good.png', { width: 40, height: 30 });
    const dataset = await DatasetService.open(root);
    const batches: (readonly DatasetMetaEntry[])[] = [];
    const fill = fillDataset(dataset, { onMeta: (e) => batches.push(e), startDelayMs: 0, flushMs: 10 });
    await fill.done;
    const of = (relPath: string) => batches.flat().filter((e) => e.id === dataset.idFor(relPath));
    expect(of('a-broken.jpg')).toEqual([
      { id: dataset.idFor('a-broken.jpg'), error: expect.any(String), code: 'image-unreadable' },
    ]);
    expect((of('a-broken.jpg')[0] as { error: string }).error).toContain('a-broken.jpg');
    expect(of('b-truncated.jpg')).toEqual([
      { id: dataset.idFor('b-truncated.jpg'), width: 400, height: 300 },
      {
        id: dataset.idFor('b-truncated.jpg'),
        error: expect.stringContaining('b-truncated.jpg'),
        code: 'image-unreadable',
      },
    ]);
    expect(of('c-good.png')).toEqual([{ id: dataset.idFor('c-good.png'), width: 40, height: 30 }]);
    const annotated = fill.annotate(dataset.snapshot().images);
    expect(annotated.map((e) => e.unreadable !== undefined)).toEqual([true, true, false]);
    await dataset.close();
  });

  it('drops the cached thumbnails of images that left the folder once the pass is through', async () => {
    const root = await tempDir();
    await writeImage(root, 'keep.png', { width: 40, height: 30 });
    await writeImage(root, 'sub/gone.png', { width: 40, height: 30 });
    const first = await DatasetService.open(root);
    await fillDataset(first, { onMeta: () => undefined, startDelayMs: 0, flushMs: 10 }).done;
    await first.close();
    expect(await thumbFiles(root)).toHaveLength(2);
    await rm(path.join(root, 'sub'), { recursive: true });
    const second = await DatasetService.open(root);
    await fillDataset(second, { onMeta: () => undefined, startDelayMs: 0, flushMs: 10 }).done;
    await second.close();
    expect(await thumbFiles(root)).toHaveLength(1);
  });
});
