import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { box, doc } from '../__test__/docs';
import { tempDirs } from '../inference/__test__/helpers';
import { ProjectStore, SCHEMA_VERSION, STORE_DIR } from './project-store';

const tempDir = tempDirs('flags');
const NEVER = 600_000;
const labelPath = (root: string, relPath: string) => path.join(root, STORE_DIR, 'labels', `${relPath}.json`);

describe('difficult and occluded flags in label files', () => {
  it('keeps a box’s flags through its label file and a reopen', async () => {
    const root = await tempDir();
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    const flagged = doc('a.png', {
      reviewed: true,
      boxes: [
        { ...box('c1'), difficult: true },
        { ...box('c1'), id: 'b2', occluded: true },
        { ...box('c1'), id: 'b3' },
      ],
    });
    await store.putImage(flagged);
    await store.close();
    const onDisk = JSON.parse(await readFile(labelPath(root, 'a.png'), 'utf8'));
    expect(onDisk.boxes.map((b: Record<string, unknown>) => [b.difficult, b.occluded])).toEqual([
      [true, undefined],
      [undefined, true],
      [undefined, undefined],
    ]);
    const reopened = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(reopened.get('a.png')?.boxes.map((b) => [b.difficult, b.occluded])).toEqual([
      [true, undefined],
      [undefined, true],
      [undefined, undefined],
    ]);
    await reopened.close();
  });

  it('reads a label file written before the flags existed, as boxes with no flag, and leaves it as it is', async () => {
    const root = await tempDir();
    const old = {
      version: SCHEMA_VERSION,
      ...doc('a.png', { reviewed: true, boxes: [box('c1')] }),
      revision: 1,
    };
    await mkdir(path.join(root, STORE_DIR, 'labels'), { recursive: true });
    const text = `${JSON.stringify(old)}\n`;
    await writeFile(labelPath(root, 'a.png'), text);
    const store = await ProjectStore.open(root, { debounceMs: NEVER });
    expect(store.readOnlyReasons().size).toBe(0);
    expect(store.get('a.png')?.boxes[0]).not.toHaveProperty('difficult');
    await store.close();
    expect(await readFile(labelPath(root, 'a.png'), 'utf8')).toBe(text);
  });
});
