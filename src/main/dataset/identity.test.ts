import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveEdit, viaService } from '../../../test/fixtures/edits';
import { drawScene } from '../../../test/fixtures/images';
import { cls, meta } from '../__test__/docs';
import { DatasetService } from './dataset-service';
import { ProjectStore, SCHEMA_VERSION, STORE_DIR } from './project-store';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gl-identity-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const scene = (colour: 'red' | 'blue', x: number) =>
  drawScene({ width: 120, height: 90, rects: [{ colour, x1: x, y1: 10, x2: x + 30, y2: 50 }] });

/** Gives the image one reviewed box of the class "cat", which the project is told of first. */
async function labelled(d: DatasetService, relPath: string) {
  await d.saveMeta(meta([cls('c1', 'cat')]));
  const box = { id: 'b1', classId: 'c1', x1: 1, y1: 2, x2: 30, y2: 40, origin: { kind: 'manual' as const } };
  await saveEdit(viaService(d), d.idFor(relPath), { reviewed: true, boxes: [box] });
}

describe('image identity', () => {
  it('moves the annotations with an image that was renamed and moved while the app was closed', async () => {
    await writeFile(path.join(root, 'a.png'), await scene('red', 10));
    await writeFile(path.join(root, 'b.png'), await scene('blue', 40));
    const first = await DatasetService.open(root);
    await labelled(first, 'a.png');
    await first.close();

    await mkdir(path.join(root, 'sorted'));
    await rename(path.join(root, 'a.png'), path.join(root, 'sorted', 'renamed.png'));
    const second = await DatasetService.open(root);
    expect(second.relinked).toEqual([{ from: 'a.png', to: 'sorted/renamed.png' }]);
    expect(second.store.get('sorted/renamed.png')?.boxes).toHaveLength(1);
    expect(second.store.get('a.png')).toBeUndefined();
    expect(second.entry('b.png').status).toBe('unlabeled');
    await second.close();

    const third = await DatasetService.open(root);
    expect(third.relinked).toEqual([]);
    expect(third.store.get('sorted/renamed.png')?.boxes).toHaveLength(1);
    await third.close();
  });

  it('leaves a label alone when two new files could be its image', async () => {
    const bytes = await scene('red', 10);
    await writeFile(path.join(root, 'a.png'), bytes);
    const first = await DatasetService.open(root);
    await labelled(first, 'a.png');
    await first.close();
    await rename(path.join(root, 'a.png'), path.join(root, 'copy-1.png'));
    await writeFile(path.join(root, 'copy-2.png'), bytes);
    const second = await DatasetService.open(root);
    expect(second.relinked).toEqual([]);
    expect(second.store.get('a.png')?.boxes).toHaveLength(1);
    await second.close();
  });
});

describe('format versions', () => {
  it('backs up and rewrites label files of an older version, keeping their boxes', async () => {
    const labels = path.join(root, STORE_DIR, 'labels');
    await mkdir(labels, { recursive: true });
    const v1 = { version: 1, relPath: 'a.png', width: 10, height: 10, reviewed: true, boxes: [] };
    await writeFile(path.join(labels, 'a.png.json'), JSON.stringify(v1));
    const store = await ProjectStore.open(root);
    expect(store.get('a.png')).toMatchObject({ relPath: 'a.png', reviewed: true });
    await store.close();
    const rewritten = JSON.parse(await readFile(path.join(labels, 'a.png.json'), 'utf8')) as {
      version: number;
    };
    expect(rewritten.version).toBe(SCHEMA_VERSION);
    const [backup] = await readdir(path.join(root, STORE_DIR, 'backups'));
    expect(
      JSON.parse(
        await readFile(path.join(root, STORE_DIR, 'backups', backup, 'labels', 'a.png.json'), 'utf8'),
      ),
    ).toEqual(v1);
  });

  it('opens a label file from a newer version read-only and never rewrites it', async () => {
    const labels = path.join(root, STORE_DIR, 'labels');
    await mkdir(labels, { recursive: true });
    const future = JSON.stringify({
      version: SCHEMA_VERSION + 1,
      relPath: 'a.png',
      width: 10,
      height: 10,
      reviewed: true,
      boxes: [],
    });
    await writeFile(path.join(labels, 'a.png.json'), future);
    const store = await ProjectStore.open(root);
    expect(store.readOnlyReasons().get('a.png')).toMatch(/newer GroundLabel/);
    await store.close();
    expect(await readFile(path.join(labels, 'a.png.json'), 'utf8')).toBe(future);
  });
});
