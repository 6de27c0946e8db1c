import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepTempFiles, TEMP_MARKER, writeFileAtomic } from './atomic';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the content and leaves no temp file behind', async () => {
    const file = path.join(dir, 'nested', 'a.json');
    await writeFileAtomic(file, '{"v":1}');
    await writeFileAtomic(file, '{"v":2}');
    expect(await readFile(file, 'utf8')).toBe('{"v":2}');
    expect(await readdir(path.dirname(file))).toEqual(['a.json']);
  });

  it('fails with an io-failed error naming the file, keeping the old content', async () => {
    const file = path.join(dir, 'a.json');
    await writeFile(file, 'old');
    // A folder where the temp file's parent should be makes the write fail.
    const blocked = path.join(dir, 'a.json', 'child.json');
    await expect(writeFileAtomic(blocked, 'new')).rejects.toMatchObject({
      code: 'io-failed',
      message: expect.stringContaining('child.json'),
    });
    expect(await readFile(file, 'utf8')).toBe('old');
  });
});

describe('sweepTempFiles', () => {
  it('removes the temp files an interrupted write left, and nothing else', async () => {
    await writeFile(path.join(dir, `a.json${TEMP_MARKER}1234`), 'half');
    await writeFile(path.join(dir, 'a.json'), 'whole');
    expect(await sweepTempFiles(dir)).toBe(1);
    expect(await readdir(dir)).toEqual(['a.json']);
  });
});
