import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../inference/__test__/helpers';
import { fileSettings, memorySettings } from './settings-store';

const newDir = tempDirs('settings');

describe('fileSettings', () => {
  it('keeps both of two keys saved at the same moment', async () => {
    const file = path.join(await newDir(), 'settings.json');
    const store = fileSettings(file);
    await Promise.all([store.set('device', 'cpu'), store.set('lastModel', '/m/a.onnx')]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ device: 'cpu', lastModel: '/m/a.onnx' });
  });

  it('reads a bad value as none and says which key, without losing the other keys', async () => {
    const file = path.join(await newDir(), 'settings.json');
    await writeFile(file, JSON.stringify({ recentFolders: 'not a list', lastModel: '/m/b.onnx' }));
    const warnings: string[] = [];
    const store = fileSettings(file, (m) => warnings.push(m));
    expect(await store.get('recentFolders')).toBeNull();
    expect(await store.get('lastModel')).toBe('/m/b.onnx');
    expect(warnings).toEqual([expect.stringContaining(`${file} has an invalid "recentFolders"`)]);
  });

  it('removes a key set to undefined and leaves the rest', async () => {
    const file = path.join(await newDir(), 'settings.json');
    await writeFile(file, JSON.stringify({ theme: 'dark', lastModel: '/m/c.onnx' }));
    await fileSettings(file).set('lastModel', undefined);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ theme: 'dark' });
  });
});

describe('memorySettings', () => {
  it('remembers for as long as the process runs', async () => {
    const store = memorySettings({ device: 'cuda' });
    await store.set('recentFolders', ['/a']);
    expect([await store.get('device'), await store.get('recentFolders'), await store.get('window')]).toEqual([
      'cuda',
      ['/a'],
      null,
    ]);
  });
});
