import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../inference/__test__/helpers';
import {
  fsyncDir,
  makeDirDurable,
  nodeFileSystem,
  removeIfPresent,
  type SaveFileSystem,
} from './file-system';

const tempDir = tempDirs('file-system');

describe('makeDirDurable', () => {
  it('fsyncs the parent of every folder it creates, outermost first', async () => {
    const root = await tempDir();
    const synced: string[] = [];
    const fs: SaveFileSystem = { ...nodeFileSystem, fsyncDir: async (dir) => void synced.push(dir) };
    await makeDirDurable(fs, path.join(root, 'a', 'b', 'c'));
    expect(synced).toEqual([root, path.join(root, 'a'), path.join(root, 'a', 'b')]);
  });

  it('fsyncs nothing when the folder is there already', async () => {
    const root = await tempDir();
    const synced: string[] = [];
    await makeDirDurable({ ...nodeFileSystem, fsyncDir: async (dir) => void synced.push(dir) }, root);
    expect(synced).toEqual([]);
  });
});

describe('fsyncDir', () => {
  it.skipIf(process.platform === 'win32')(
    'fails on a folder that is not there, rather than pass for done',
    async () => {
      await expect(fsyncDir(path.join(await tempDir(), 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );
});

describe('removeIfPresent', () => {
  it('removes a file, and says nothing about one that is already gone', async () => {
    const file = path.join(await tempDir(), 'journal.ndjson');
    await writeFile(file, '');
    await removeIfPresent(nodeFileSystem, file);
    expect(existsSync(file)).toBe(false);
    await expect(removeIfPresent(nodeFileSystem, file)).resolves.toBeUndefined();
  });
});
