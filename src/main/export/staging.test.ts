import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeStaging, recoverInterrupted, swapInto } from './staging';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-staging-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const put = async (file: string, text: string): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
};

describe('staging', () => {
  it('makes a hidden staging folder next to the export folder', async () => {
    const staging = await makeStaging(path.join(dir, 'out'));
    expect(path.dirname(staging)).toBe(dir);
    expect(path.basename(staging)).toMatch(/^\.out\.gl-staging-[A-Za-z0-9]{6}$/);
  });

  it('swaps the new export in and removes the old one', async () => {
    const out = path.join(dir, 'out');
    await put(path.join(out, 'old.txt'), 'old');
    const staging = await makeStaging(out);
    await put(path.join(staging, 'new.txt'), 'new');
    expect(await swapInto(staging, out)).toBe(true);
    expect(await readdir(out)).toEqual(['new.txt']);
    expect(await readdir(dir)).toEqual(['out']);
  });

  it('changes nothing and says so when the export folder cannot be moved', async () => {
    const staging = await makeStaging(path.join(dir, 'out'));
    expect(await swapInto(staging, path.join(dir, 'missing', 'out'))).toBe(false);
    expect(await readdir(dir)).toEqual([path.basename(staging)]);
  });

  it('removes staging folders an interrupted export left, and only those of this export folder', async () => {
    const out = path.join(dir, 'out');
    await put(path.join(dir, '.out.gl-staging-Ab12Cd', 'labels', 'a.txt'), 'half');
    await put(path.join(dir, '.other.gl-staging-Ab12Cd', 'a.txt'), 'another export');
    await put(path.join(dir, '.out.gl-staging-notours', 'a.txt'), 'not our name');
    await recoverInterrupted(out);
    expect((await readdir(dir)).sort()).toEqual(['.other.gl-staging-Ab12Cd', '.out.gl-staging-notours']);
  });

  it('puts back an earlier export moved aside by a swap that never finished, and drops it after one that did', async () => {
    const out = path.join(dir, 'out');
    await put(path.join(dir, '.out.gl-old-0a1b2c3d', 'notes.txt'), 'kept');
    await recoverInterrupted(out);
    expect(await readFile(path.join(out, 'notes.txt'), 'utf8')).toBe('kept');
    await put(path.join(dir, '.out.gl-old-99999999', 'notes.txt'), 'older');
    await recoverInterrupted(out);
    expect(await readdir(dir)).toEqual(['out']);
    expect(await readFile(path.join(out, 'notes.txt'), 'utf8')).toBe('kept');
  });
});
