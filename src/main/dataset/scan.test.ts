import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../inference/__test__/helpers';
import { EXPORT_MARKER, listImages } from './scan';

const tempDir = tempDirs('scan');

async function put(root: string, relPath: string, content = 'image bytes'): Promise<void> {
  await mkdir(path.dirname(path.join(root, relPath)), { recursive: true });
  await writeFile(path.join(root, relPath), content);
}

describe('listImages', () => {
  it('lists image files recursively in code-unit order, leaving out hidden entries and other files', async () => {
    const root = await tempDir();
    for (const p of [
      'b.png',
      'a.JPG',
      'sub/c.webp',
      'notes.txt',
      '.hidden.png',
      '.git/x.png',
      '.groundlabel/t.png',
    ])
      await put(root, p);
    expect(await listImages(root)).toEqual(['a.JPG', 'b.png', 'sub/c.webp']);
  });

  it('never lists the exports/ folder at the top, nor a folder holding an export marker, wherever it is', async () => {
    const root = await tempDir();
    await put(root, 'a.png');
    await put(root, 'exports/yolo-1/images/train/a.png');
    await put(root, 'runs/out/images/train/a.png');
    await put(root, `runs/out/${EXPORT_MARKER}`, '');
    await put(root, 'deeper/exports/b.png');
    expect(await listImages(root)).toEqual(['a.png', 'deeper/exports/b.png']);
  });

  it('lists a folder holding an export marker when it is the folder asked for', async () => {
    const root = await tempDir();
    await put(root, 'images/train/a.png');
    await put(root, EXPORT_MARKER, '');
    expect(await listImages(root)).toEqual(['images/train/a.png']);
  });

  it('leaves out the folders it is told to', async () => {
    const root = await tempDir();
    await put(root, 'a.png');
    await put(root, 'out/images/train/a.png');
    expect(await listImages(root, [path.join(root, 'out')])).toEqual(['a.png']);
  });

  it('never follows a link to a file or a folder outside the folder, and lists a link to an image inside it', async () => {
    const root = await tempDir();
    const elsewhere = await tempDir();
    await put(root, 'a.png');
    await put(elsewhere, 'secret.png');
    await put(elsewhere, 'photos/b.png');
    await symlink(path.join(elsewhere, 'secret.png'), path.join(root, 'escape.png'));
    await symlink(path.join(elsewhere, 'photos'), path.join(root, 'photos'));
    await symlink(path.join(root, 'a.png'), path.join(root, 'alias.png'));
    await symlink(path.join(root, 'missing.png'), path.join(root, 'dangling.png'));
    expect(await listImages(root)).toEqual(['a.png', 'alias.png']);
  });

  it('does not follow a link to a folder inside the folder either: no cycle, no image listed twice', async () => {
    const root = await tempDir();
    await put(root, 'sub/a.png');
    await symlink(root, path.join(root, 'sub', 'loop'));
    expect(await listImages(root)).toEqual(['sub/a.png']);
  });

  it('lists links to images outside when asked to (a YOLO export read in place)', async () => {
    const root = await tempDir();
    const elsewhere = await tempDir();
    await put(elsewhere, 'a.png');
    await mkdir(path.join(root, 'images', 'train'), { recursive: true });
    await symlink(path.join(elsewhere, 'a.png'), path.join(root, 'images', 'train', 'a.png'));
    expect(await listImages(root)).toEqual([]);
    expect(await listImages(root, [], { followLinksOut: true })).toEqual(['images/train/a.png']);
  });
});
