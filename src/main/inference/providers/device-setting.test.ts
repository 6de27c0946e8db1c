import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caught, tempDirs } from '../__test__/helpers';
import { fileDeviceSetting } from './device-setting';

const newDir = tempDirs('device-setting');

describe('fileDeviceSetting', () => {
  it('has no device before one is saved, and the saved one after, making the folder', async () => {
    const file = path.join(await newDir(), 'groundlabel', 'settings.json');
    const setting = fileDeviceSetting(file);
    expect(await setting.load()).toBeNull();
    await setting.save('webgpu');
    expect(await fileDeviceSetting(file).load()).toBe('webgpu');
  });

  it('keeps what else the settings file holds', async () => {
    const file = path.join(await newDir(), 'settings.json');
    await writeFile(file, JSON.stringify({ theme: 'dark', device: 'cpu' }));
    await fileDeviceSetting(file).save('cuda');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ theme: 'dark', device: 'cuda' });
  });

  it('reads an unknown device as none, and says so', async () => {
    const file = path.join(await newDir(), 'settings.json');
    await writeFile(file, JSON.stringify({ device: 'tpu' }));
    const warnings: string[] = [];
    expect(await fileDeviceSetting(file, (m) => warnings.push(m)).load()).toBeNull();
    expect(warnings).toEqual([expect.stringContaining(`${file} has an invalid "device" ("tpu")`)]);
  });

  it('never overwrites a settings file that does not parse, and names it', async () => {
    const file = path.join(await newDir(), 'settings.json');
    await writeFile(file, '{ "device": "cpu", ');
    const warnings: string[] = [];
    const setting = fileDeviceSetting(file, (m) => warnings.push(m));
    expect(await setting.load()).toBeNull();
    expect(warnings[0]).toContain(file);
    const e = await caught(() => setting.save('cpu'), 'io-failed');
    expect(e.message).toContain(file);
    expect(await readFile(file, 'utf8')).toBe('{ "device": "cpu", ');
  });
});
