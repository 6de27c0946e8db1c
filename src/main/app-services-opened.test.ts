import { realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drawScene } from '../../test/fixtures/images';
import { tempFolderAccess } from './__test__/access';
import { AppServices } from './app-services';
import { tempDirs } from './inference/__test__/helpers';

const tempDir = tempDirs('app-services-opened');
let services: AppServices | null = null;
afterEach(async () => {
  await services?.close();
  services = null;
});

describe('telling the desktop app which folder opened', () => {
  it('names each folder opened as the dataset, and not one that failed to open', async () => {
    const opened: string[] = [];
    services = new AppServices({
      mode: 'electron',
      device: 'cpu',
      emit: () => undefined,
      access: tempFolderAccess(),
      onDatasetOpened: (root) => opened.push(root),
    });
    const dir = await tempDir();
    await writeFile(path.join(dir, 'a.png'), await drawScene({ width: 32, height: 24, rects: [] }));
    await services.openDataset(dir);
    await expect(services.openDataset(path.join(dir, 'missing'))).rejects.toThrow();
    expect(opened).toEqual([await realpath(dir)]);
  });
});
