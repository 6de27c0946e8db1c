import { mkdir, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { FolderAccess } from './folder-access';

const tempDir = tempDirs('folder-access');

let base: string;
let allowed: string;
let other: string;

beforeAll(async () => {
  base = await realpath(await tempDir());
  allowed = path.join(base, 'allowed');
  other = path.join(base, 'other');
  await mkdir(path.join(allowed, 'sub'), { recursive: true });
  await mkdir(other);
  await symlink(other, path.join(allowed, 'link-out'));
  await symlink(path.join(allowed, 'sub'), path.join(base, 'link-in'));
});

describe('folder access', () => {
  it('allows an allowed folder itself and anything below it, existing or not', async () => {
    const access = new FolderAccess([allowed]);
    expect(await access.check(allowed, 'dataset')).toBe(allowed);
    expect(await access.check(path.join(allowed, 'sub'), 'import')).toBe(path.join(allowed, 'sub'));
    expect(await access.check(path.join(allowed, 'exports', 'coco-1'), 'export')).toBe(
      path.join(allowed, 'exports', 'coco-1'),
    );
  });

  it('refuses a folder outside, naming the path, the allowed folders and how to allow more', async () => {
    const access = new FolderAccess([allowed], 'Pass --root <folder> to allow another.');
    const e = await caught(() => access.check(other, 'dataset'), 'forbidden');
    expect(e.message).toBe(
      `${other} is outside the folders GroundLabel may open datasets in (${allowed}). Pass --root <folder> to allow another.`,
    );
  });

  it('refuses a link that leads out of an allowed folder, even below a missing folder', async () => {
    const access = new FolderAccess([allowed]);
    await caught(() => access.check(path.join(allowed, 'link-out'), 'import'), 'forbidden');
    await caught(() => access.check(path.join(allowed, 'link-out', 'new', 'x'), 'export'), 'forbidden');
  });

  it('refuses a path that climbs out with ..', async () => {
    const access = new FolderAccess([allowed]);
    await caught(() => access.check(path.join(allowed, '..', 'other'), 'dataset'), 'forbidden');
  });

  it('allows a link from outside into an allowed folder, as the real path it names', async () => {
    const access = new FolderAccess([allowed]);
    expect(await access.check(path.join(base, 'link-in'), 'dataset')).toBe(path.join(allowed, 'sub'));
  });

  it('refuses everything until a folder is allowed, then allows that folder', async () => {
    const access = new FolderAccess();
    const e = await caught(() => access.check(allowed, 'dataset'), 'forbidden');
    expect(e.message).toContain('none is allowed yet');
    access.allow(allowed);
    expect(await access.check(allowed, 'dataset')).toBe(allowed);
    expect(access.roots).toEqual([allowed]);
  });
});
