import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventRecorder } from './__test__/events';
import { AppServices } from './app-services';
import { LOCK_FILE, STORE_DIR } from './dataset/project-store';
import { caught, tempDirs } from './inference/__test__/helpers';

const tempDir = tempDirs('app-services-lock');

let open: AppServices[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

function services(): AppServices {
  const s = new AppServices({ mode: 'electron', device: 'cpu', emit: eventRecorder().emit });
  open.push(s);
  return s;
}

const lockOf = (root: string) => path.join(root, STORE_DIR, LOCK_FILE);

describe('AppServices and the dataset lock', () => {
  it('opens the folder that is open already again, instead of refusing it as locked', async () => {
    const root = await tempDir();
    const s = services();
    const first = await s.openDataset(root);
    const again = await s.openDataset(path.join(root, '.'));
    expect(again).not.toBe(first);
    expect(s.currentDataset()).toBe(again);
    expect(JSON.parse(await readFile(lockOf(root), 'utf8'))).toMatchObject({
      pid: process.pid,
      label: 'GroundLabel desktop',
    });
    await s.close();
    expect(existsSync(lockOf(root))).toBe(false);
  });

  it('lets go of the previous folder when another one is opened', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    const s = services();
    await s.openDataset(a);
    await s.openDataset(b);
    expect(existsSync(lockOf(a))).toBe(false);
    expect(existsSync(lockOf(b))).toBe(true);
  });

  it('refuses a folder that other services of this process hold', async () => {
    const root = await tempDir();
    await services().openDataset(root);
    const refusal = await caught(() => services().openDataset(root), 'dataset-locked');
    expect(refusal.message).toContain(root);
  });
});
