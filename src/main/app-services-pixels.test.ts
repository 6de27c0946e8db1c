import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppServices } from './app-services';
import { DEFAULT_MAX_PIXELS, maxPixels, setMaxPixels } from './inference/image-file';
import { tempDirs } from './inference/__test__/helpers';
import { eventRecorder } from './__test__/events';
import { FolderAccess } from './fs/folder-access';
import { fileSettings } from './settings/settings-store';

const tempDir = tempDirs('pixels');
const emit = () => undefined;
afterEach(() => setMaxPixels(DEFAULT_MAX_PIXELS));

describe('the pixel limit of the app', () => {
  it('is raised by "maxPixels" in the settings file, and by the option before it', async () => {
    const settingsFile = path.join(await tempDir(), 'settings.json');
    await writeFile(settingsFile, JSON.stringify({ device: 'cpu', maxPixels: 250_000_000 }));
    new AppServices({ mode: 'electron', device: 'cpu', emit, settings: fileSettings(settingsFile) });
    expect(maxPixels()).toBe(250_000_000);
    new AppServices({
      mode: 'browser',
      device: 'cpu',
      emit,
      settings: fileSettings(settingsFile),
      maxPixels: 300_000_000,
    });
    expect(maxPixels()).toBe(300_000_000);
  });

  it('is raised from the page and remembered in the settings file, beside the device', async () => {
    const settingsFile = path.join(await tempDir(), 'settings.json');
    await writeFile(settingsFile, JSON.stringify({ device: 'cpu' }));
    const app = new AppServices({
      mode: 'electron',
      device: 'cpu',
      emit,
      settings: fileSettings(settingsFile),
    });
    expect(await app.handlers['settings:pixel-limit']({})).toEqual({
      maxPixels: DEFAULT_MAX_PIXELS,
      defaultMaxPixels: DEFAULT_MAX_PIXELS,
    });
    await app.handlers['settings:pixel-limit']({ maxPixels: 300_000_000 });
    expect(maxPixels()).toBe(300_000_000);
    expect(JSON.parse(await readFile(settingsFile, 'utf8'))).toEqual({
      device: 'cpu',
      maxPixels: 300_000_000,
    });
    setMaxPixels(DEFAULT_MAX_PIXELS);
    new AppServices({ mode: 'electron', device: 'cpu', emit, settings: fileSettings(settingsFile) });
    expect(maxPixels()).toBe(300_000_000);
  });

  it('stays at 100 MP with no setting, or one that is not a positive whole number', async () => {
    const settingsFile = path.join(await tempDir(), 'settings.json');
    new AppServices({ mode: 'electron', device: 'cpu', emit, settings: fileSettings(settingsFile) });
    expect(maxPixels()).toBe(DEFAULT_MAX_PIXELS);
    await writeFile(settingsFile, JSON.stringify({ maxPixels: 'lots' }));
    new AppServices({ mode: 'electron', device: 'cpu', emit, settings: fileSettings(settingsFile) });
    expect(maxPixels()).toBe(DEFAULT_MAX_PIXELS);
  });

  it('takes back the unreadable mark of images over the old limit once it is raised, and of those only', async () => {
    const folder = await tempDir();
    // 1.2 MP, over a 1 MP limit; and a file no limit makes readable.
    await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#808080' } })
      .png()
      .toFile(path.join(folder, 'big.png'));
    await writeFile(path.join(folder, 'broken.jpg'), 'not a JPEG');
    setMaxPixels(1_000_000);
    const recorder = eventRecorder();
    const app = new AppServices({
      mode: 'browser',
      device: 'cpu',
      emit: recorder.emit,
      access: new FolderAccess([folder], 'Pass --root <folder> to allow another.'),
    });
    try {
      const marked = recorder.next((e) => e.event === 'dataset:meta');
      await app.handlers['dataset:open']({ path: folder });
      const first = await marked;
      expect(first.event === 'dataset:meta' && first.payload.entries).toEqual([
        expect.objectContaining({ code: 'image-too-large' }),
        expect.objectContaining({ code: 'image-unreadable' }),
      ]);
      const statuses = async () =>
        Object.fromEntries(
          (await app.handlers['dataset:current']({}))!.images.map((i) => [
            i.relPath,
            [i.status, !!i.unreadable],
          ]),
        );
      expect(await statuses()).toEqual({
        'big.png': ['unreadable', true],
        'broken.jpg': ['unreadable', true],
      });

      const readAgain = recorder.next((e) => e.event === 'dataset:meta');
      await app.handlers['settings:pixel-limit']({ maxPixels: 2_000_000 });
      const second = await readAgain;
      expect(second.event === 'dataset:meta' && second.payload.entries).toEqual([
        { id: expect.any(String), width: 1200, height: 1000 },
      ]);
      expect(await statuses()).toEqual({
        'big.png': ['unlabeled', false],
        'broken.jpg': ['unreadable', true],
      });
    } finally {
      await app.close();
    }
  });
});
