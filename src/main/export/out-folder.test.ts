import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_MARKER } from '../dataset/scan';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { checkOutFolder } from './out-folder';

const tempDir = tempDirs('out-folder');

async function dataset(): Promise<{ dir: string; images: string }> {
  const dir = await tempDir();
  const images = path.join(dir, 'images');
  await mkdir(images);
  await writeFile(path.join(images, 'a.png'), 'image bytes');
  return { dir, images };
}

describe('checkOutFolder', () => {
  it('accepts a folder still to be made, inside or beside the images, and an earlier export', async () => {
    const { dir, images } = await dataset();
    await checkOutFolder(path.join(dir, 'out', 'deeper'), images);
    await checkOutFolder(path.join(images, 'out'), images);
    const earlier = path.join(dir, 'earlier');
    await mkdir(path.join(earlier, 'images', 'train'), { recursive: true });
    await writeFile(path.join(earlier, 'images', 'train', 'a.png'), 'a copy');
    await writeFile(path.join(earlier, EXPORT_MARKER), '');
    await checkOutFolder(earlier, images);
  });

  it('refuses the image folder itself and a folder holding it', async () => {
    const { dir, images } = await dataset();
    await caught(() => checkOutFolder(images, images), 'bad-argument');
    await caught(() => checkOutFolder(dir, images), 'bad-argument');
  });

  it('refuses a file, and a folder that would have to be made inside a file', async () => {
    const { dir, images } = await dataset();
    const file = path.join(dir, 'labels.json');
    await writeFile(file, '{}');
    expect((await caught(() => checkOutFolder(file, images), 'bad-argument')).message).toBe(
      `--out ${file} is a file; an export needs a folder of its own.`,
    );
    const below = path.join(file, 'out');
    expect((await caught(() => checkOutFolder(below, images), 'bad-argument')).message).toContain(
      `${file} is a file, not a folder`,
    );
    await caught(() => checkOutFolder(path.join(images, 'a.png'), images), 'bad-argument');
  });

  it('refuses a folder holding images that an export could overwrite', async () => {
    const { images } = await dataset();
    const sub = path.join(images, 'sub');
    await mkdir(path.join(sub, 'images', 'train'), { recursive: true });
    await writeFile(path.join(sub, 'images', 'train', 'b.png'), 'image bytes');
    const error = await caught(() => checkOutFolder(sub, images, '--out'), 'bad-argument');
    expect(error.message).toContain('holds 1 image of its own (images/train/b.png, …)');
  });
});
