import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../__test__/helpers';
import {
  cudaInstallDir,
  findCudaInstall,
  MANIFEST,
  providersRoot,
  userDirs,
  userSettingsFile,
  type OrtTarget,
  type ProviderManifest,
} from './install-location';

const newDir = tempDirs('install-location');
const TARGET: OrtTarget = { version: '1.30.0', platform: 'linux', arch: 'x64' };

describe('userDirs', () => {
  it('uses the folders Electron uses for an app named groundlabel, on each platform', () => {
    expect(userDirs({}, 'linux', '/home/ann')).toEqual({
      config: '/home/ann/.config/groundlabel',
      data: '/home/ann/.local/share/groundlabel',
    });
    expect(userDirs({ XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: '/dat' }, 'linux', '/home/ann')).toEqual({
      config: '/cfg/groundlabel',
      data: '/dat/groundlabel',
    });
    expect(userDirs({ APPDATA: 'R', LOCALAPPDATA: 'L' }, 'win32', 'H')).toEqual({
      config: path.join('R', 'groundlabel'),
      data: path.join('L', 'groundlabel'),
    });
    const mac = path.join('/Users/ann', 'Library', 'Application Support', 'groundlabel');
    expect(userDirs({}, 'darwin', '/Users/ann')).toEqual({ config: mac, data: mac });
  });

  it('puts the settings file in the config folder and providers in the data folder, or where the variable says', () => {
    const dirs = { config: '/c', data: '/d' };
    expect(userSettingsFile(dirs)).toBe(path.join('/c', 'settings.json'));
    expect(providersRoot({}, dirs)).toBe(path.join('/d', 'providers'));
    expect(providersRoot({ GROUNDLABEL_PROVIDERS_DIR: '/shared/p' }, dirs)).toBe('/shared/p');
  });
});

describe('findCudaInstall', () => {
  async function install(manifest: Partial<ProviderManifest>, files: Record<string, string> = {}) {
    const root = await newDir();
    const dir = cudaInstallDir(root, TARGET);
    await mkdir(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
    const full: ProviderManifest = {
      provider: 'cuda',
      onnxruntimeVersion: '1.30.0',
      platform: 'linux',
      arch: 'x64',
      source: { package: 'p', url: 'u', sha512: 's' },
      files: Object.entries(files).map(([p, c]) => ({ path: p, size: c.length })),
      installedAt: '2024-01-01T00:00:00.000Z',
      ...manifest,
    };
    await writeFile(path.join(dir, MANIFEST), JSON.stringify(full));
    return { root, dir };
  }

  it('finds nothing where nothing was installed', async () => {
    expect(findCudaInstall(await newDir(), TARGET)).toMatchObject({ state: 'absent' });
  });

  it('finds a complete install for this version', async () => {
    const { root } = await install({}, { 'a.so': 'abc' });
    expect(findCudaInstall(root, TARGET)).toMatchObject({ state: 'installed' });
  });

  it('calls a folder without its manifest an install that never finished', async () => {
    const root = await newDir();
    await mkdir(cudaInstallDir(root, TARGET), { recursive: true });
    expect(findCudaInstall(root, TARGET)).toMatchObject({
      state: 'broken',
      problem: expect.stringContaining(`no ${MANIFEST}`),
    });
  });

  it('calls an install with a file missing or of another size broken, naming the file', async () => {
    const { root, dir } = await install({ files: [{ path: 'gone.so', size: 3 }] }, {});
    expect(findCudaInstall(root, TARGET)).toMatchObject({
      state: 'broken',
      problem: `${path.join(dir, 'gone.so')} is missing`,
    });
    const other = await install({}, { 'a.so': 'abc' });
    await writeFile(path.join(other.dir, 'a.so'), 'abcd');
    expect(findCudaInstall(other.root, TARGET)).toMatchObject({
      state: 'broken',
      problem: expect.stringContaining('4 bytes, not 3'),
    });
  });

  it('does not take an install made for another onnxruntime-node version', async () => {
    const { root } = await install({ onnxruntimeVersion: '1.29.0' });
    expect(findCudaInstall(root, TARGET)).toMatchObject({
      state: 'broken',
      problem: expect.stringContaining('ONNX Runtime 1.29.0, not 1.30.0'),
    });
  });
});
