import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../src/main/inference/__test__/helpers';
import { foreignNativeFiles, pruneNativeBinaries } from './native-binaries';
import type { DistTarget } from './targets';

const tempDir = tempDirs('gl-prune');
const ORT = 'node_modules/onnxruntime-node/bin/napi-v6';

/** onnxruntime-node 1.30's binaries for every platform, and sharp's per-platform packages. */
const ALL_PLATFORMS: Record<string, readonly string[]> = {
  'darwin-arm64': [
    `${ORT}/darwin/arm64/libonnxruntime.1.30.0.dylib`,
    `${ORT}/darwin/arm64/libonnxruntime.1.dylib`,
    `${ORT}/darwin/arm64/onnxruntime_binding.node`,
    'node_modules/@img/sharp-darwin-arm64/package.json',
    'node_modules/@img/sharp-darwin-arm64/lib/sharp-darwin-arm64-0.35.5.node',
    'node_modules/@img/sharp-libvips-darwin-arm64/lib/libvips-cpp.8.18.7.dylib',
  ],
  'linux-arm64': [
    `${ORT}/linux/arm64/libonnxruntime.so.1`,
    `${ORT}/linux/arm64/onnxruntime_binding.node`,
    'node_modules/@img/sharp-linux-arm64/package.json',
    'node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64-0.35.5.node',
    'node_modules/@img/sharp-libvips-linux-arm64/lib/libvips-cpp.so.8.18.7',
  ],
  'linux-x64': [
    `${ORT}/linux/x64/libonnxruntime.so.1`,
    `${ORT}/linux/x64/onnxruntime_binding.node`,
    'node_modules/@img/sharp-linux-x64/package.json',
    'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node',
    'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7',
  ],
  'win32-arm64': [
    `${ORT}/win32/arm64/DirectML.dll`,
    `${ORT}/win32/arm64/onnxruntime.dll`,
    `${ORT}/win32/arm64/onnxruntime_binding.node`,
    'node_modules/@img/sharp-win32-arm64/package.json',
    'node_modules/@img/sharp-win32-arm64/lib/libvips-42.dll',
  ],
  'win32-x64': [
    `${ORT}/win32/x64/DirectML.dll`,
    `${ORT}/win32/x64/dxcompiler.dll`,
    `${ORT}/win32/x64/dxil.dll`,
    `${ORT}/win32/x64/onnxruntime.dll`,
    `${ORT}/win32/x64/onnxruntime_binding.node`,
    'node_modules/@img/sharp-win32-x64/package.json',
    'node_modules/@img/sharp-win32-x64/lib/libvips-42.dll',
  ],
  // musl Linux (Alpine): Electron does not run there.
  'linuxmusl-x64': ['node_modules/@img/sharp-linuxmusl-x64/lib/sharp-linuxmusl-x64-0.35.5.node'],
};
/** Files of no platform, which every build keeps. */
const SHARED = [
  'node_modules/onnxruntime-node/dist/index.js',
  'node_modules/onnxruntime-node/package.json',
  'node_modules/@img/colour/index.cjs',
  'node_modules/sharp/dist/index.cjs',
];
const EVERYTHING = [...Object.values(ALL_PLATFORMS).flat(), ...SHARED];

async function fakeTree(files: readonly string[]): Promise<string> {
  const dir = await tempDir();
  for (const file of files) {
    await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
    await writeFile(path.join(dir, file), 'x'.repeat(100));
  }
  return dir;
}

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

const TARGETS: DistTarget[] = [
  { platform: 'linux', arch: 'x64' },
  { platform: 'linux', arch: 'arm64' },
  { platform: 'win32', arch: 'x64' },
  { platform: 'win32', arch: 'arm64' },
  { platform: 'darwin', arch: 'arm64' },
];

describe('keeping only the target platform native binaries', () => {
  it.each(TARGETS)(
    'leaves $platform-$arch its own binaries and the shared files, nothing else',
    async (target) => {
      const own = ALL_PLATFORMS[`${target.platform}-${target.arch}`]!;
      expect(foreignNativeFiles(EVERYTHING, target).sort()).toEqual(
        EVERYTHING.filter((f) => !own.includes(f) && !SHARED.includes(f)).sort(),
      );
    },
  );

  it('deletes the other platforms files and the folders they leave empty from an unpacked app', async () => {
    const dir = await fakeTree(EVERYTHING);
    const result = await pruneNativeBinaries(dir, { platform: 'linux', arch: 'x64' });
    const kept = (await listTree(dir)).filter((f) => /\.(node|so(\.\d+)*|dll|dylib|json|js|cjs)$/.test(f));
    expect(kept.sort()).toEqual([...ALL_PLATFORMS['linux-x64']!, ...SHARED].sort());
    expect(result.bytes).toBe(100 * (EVERYTHING.length - kept.length));
    const left = await listTree(dir);
    expect(
      left.filter((f) => /\/(darwin|win32)$|sharp-(win32|darwin|linuxmusl)|linux\/arm64/.test(f)),
    ).toEqual([]);
  });

  it('refuses a target whose own binaries are not installed, naming them and the install command', async () => {
    const dir = await fakeTree(EVERYTHING.filter((f) => !f.includes('sharp-linux-arm64/')));
    await expect(pruneNativeBinaries(dir, { platform: 'linux', arch: 'arm64' })).rejects.toThrow(
      /node_modules\/@img\/sharp-linux-arm64\/package\.json is not installed.*npm install --os=linux --cpu=arm64/,
    );
  });
});
