import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppServices } from './app-services';
import { DEFAULT_MAX_PIXELS, maxPixels, setMaxPixels } from './inference/image-file';
import { tempDirs } from './inference/__test__/helpers';
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
});
