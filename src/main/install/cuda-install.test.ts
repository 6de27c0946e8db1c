import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { precheck } from '../inference/providers/failures';
import {
  bindingDir,
  bindingPackageDir,
  cudaInstallDir,
  findCudaInstall,
  type OrtTarget,
} from '../inference/providers/install-location';
import { systemProbe } from '../inference/providers/system-probe';
import {
  fakeGpuPackage,
  fakeLibrary,
  fakeOrtPackage,
  refusedFeed,
  sha512Of,
  startFakeFeed,
  type FakeFeed,
  type FakeFeedOptions,
} from './__test__/fake-feed';
import { CUDA_PACKAGE_ID, downloadCudaPackage, installCudaProvider } from './cuda-install';

const newDir = tempDirs('cuda-install');
const VERSION = '1.30.0';
const TARGET: OrtTarget = { version: VERSION, platform: 'linux', arch: 'x64' };
const PACKAGE = fakeGpuPackage(CUDA_PACKAGE_ID, VERSION);

let feeds: FakeFeed[] = [];
afterEach(async () => {
  await Promise.all(feeds.map((f) => f.close()));
  feeds = [];
});

async function feed(options: Partial<FakeFeedOptions> = {}): Promise<FakeFeed> {
  const f = await startFakeFeed({ id: CUDA_PACKAGE_ID, version: VERSION, package: PACKAGE, ...options });
  feeds.push(f);
  return f;
}

async function setUp() {
  const dir = await newDir();
  const root = path.join(dir, 'providers');
  const ortPackageDir = await fakeOrtPackage(path.join(dir, 'ort'), VERSION);
  return { dir, root, base: { root, target: TARGET, ortPackageDir, idleTimeoutMs: 5000 } };
}

const libsOf = (installDir: string) => bindingDir(bindingPackageDir(installDir), TARGET);

describe('installCudaProvider from a feed', () => {
  it('installs the checked provider libraries beside a copy of onnxruntime-node, where the app looks', async () => {
    const { root, base } = await setUp();
    const f = await feed();
    const progress: number[] = [];
    const installed = await installCudaProvider({
      ...base,
      feed: f.index,
      onProgress: (n) => progress.push(n),
    });

    expect(installed.dir).toBe(cudaInstallDir(root, TARGET));
    for (const name of ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'])
      expect(await readFile(path.join(libsOf(installed.dir), name))).toEqual(fakeLibrary(name));
    expect(existsSync(path.join(libsOf(installed.dir), 'onnxruntime_binding.node'))).toBe(true);
    expect(existsSync(path.join(libsOf(installed.dir), 'libonnxruntime.so.1'))).toBe(true);
    expect(existsSync(path.join(installed.dir, 'node_modules', 'onnxruntime-common', 'package.json'))).toBe(
      true,
    );
    expect(installed.manifest.source.sha512).toBe(sha512Of(PACKAGE));
    expect(progress.at(-1)).toBe(PACKAGE.length);
    // Nothing else is left in the providers folder: no download, no staging folder.
    expect(await readdir(root)).toEqual([path.basename(installed.dir)]);

    // What the app asks at session creation: the install is found and CUDA is worth a try.
    const probe = {
      ...systemProbe({ env: { GROUNDLABEL_PROVIDERS_DIR: root }, target: TARGET }),
      library: () => ({ state: 'found' as const }),
    };
    expect(findCudaInstall(root, TARGET).state).toBe('installed');
    expect(precheck('cuda', probe)).toBeNull();
  });

  it('refuses a package that does not match the published SHA-512, and installs nothing', async () => {
    const { root, base } = await setUp();
    const f = await feed({ publishedSha512: sha512Of(Buffer.from('another package')) });
    const e = await caught(() => installCudaProvider({ ...base, feed: f.index }), 'io-failed');
    expect(e.message).toMatch(/does not match the SHA-512 .*catalog.*nothing was installed/);
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses a download cut short by a dropped connection, and leaves nothing half-installed', async () => {
    const { root, base } = await setUp();
    const f = await feed({ dropAfter: Math.floor(PACKAGE.length / 2) });
    const e = await caught(() => installCudaProvider({ ...base, feed: f.index }), 'io-failed');
    expect(e.message).toMatch(/broke off|ended after/);
    expect(e.message).toContain('.nupkg');
    expect(await readdir(root)).toEqual([]);
  });

  it('names the address it cannot reach and says how to bring the package from another machine', async () => {
    const { root, base } = await setUp();
    const index = await refusedFeed();
    const e = await caught(() => installCudaProvider({ ...base, feed: index }), 'io-failed');
    expect(e.message).toContain(`Cannot reach ${new URL(index).host} (ECONNREFUSED)`);
    expect(e.message).toContain('--download <folder>');
    expect(e.message).toContain('--from <file>');
    expect(await readdir(root)).toEqual([]);
  });

  it('keeps the earlier install when a new one is refused, and replaces it when one succeeds', async () => {
    const { root, base } = await setUp();
    const good = await feed();
    const first = await installCudaProvider({ ...base, feed: good.index });
    const bad = await feed({ publishedSha512: sha512Of(Buffer.from('x')) });
    await caught(() => installCudaProvider({ ...base, feed: bad.index }), 'io-failed');
    expect(findCudaInstall(root, TARGET)).toMatchObject({ state: 'installed', manifest: first.manifest });
    const second = await installCudaProvider({ ...base, feed: good.index });
    expect(second.manifest.installedAt >= first.manifest.installedAt).toBe(true);
    expect(await readdir(root)).toEqual([path.basename(second.dir)]);
  });

  it('refuses a package of another version than the installed onnxruntime-node', async () => {
    const { root, base } = await setUp();
    const other = fakeGpuPackage(CUDA_PACKAGE_ID, '1.29.0');
    const f = await feed({ package: other });
    const e = await caught(() => installCudaProvider({ ...base, feed: f.index }), 'io-failed');
    expect(e.message).toContain(`is ${CUDA_PACKAGE_ID} 1.29.0`);
    expect(e.message).toContain(`needs ${CUDA_PACKAGE_ID} ${VERSION}`);
    expect(await readdir(root)).toEqual([]);
  });
});

describe('installCudaProvider --from a file brought by hand', () => {
  it('installs a package downloaded elsewhere with --download, checked against the .sha512 beside it, with no network', async () => {
    const { dir, root, base } = await setUp();
    const f = await feed();
    const file = await downloadCudaPackage(path.join(dir, 'carried'), { feed: f.index, target: TARGET });
    expect((await readFile(`${file}.sha512`, 'utf8')).trim()).toBe(sha512Of(PACKAGE));
    const offline = await refusedFeed();
    const installed = await installCudaProvider({ ...base, from: file, feed: offline });
    expect(findCudaInstall(root, TARGET).state).toBe('installed');
    expect(installed.manifest.source.url).toBe(file);
  });

  it('refuses a file whose SHA-512 is not the one given, and installs nothing', async () => {
    const { dir, root, base } = await setUp();
    const file = path.join(dir, 'package.nupkg');
    await writeFile(file, PACKAGE);
    const wrong = sha512Of(Buffer.from('something else'));
    const e = await caught(() => installCudaProvider({ ...base, from: file, sha512: wrong }), 'io-failed');
    expect(e.message).toContain('--sha512');
    expect(await readdir(root)).toEqual([]);
  });

  it('accepts the hash in hex as sha512sum prints it', async () => {
    const { dir, root, base } = await setUp();
    const file = path.join(dir, 'package.nupkg');
    await writeFile(file, PACKAGE);
    const hex = Buffer.from(sha512Of(PACKAGE), 'base64').toString('hex');
    await installCudaProvider({ ...base, from: file, sha512: hex });
    expect(findCudaInstall(root, TARGET).state).toBe('installed');
  });

  it('refuses a file with no hash to check it against when the feed cannot be reached', async () => {
    const { dir, root, base } = await setUp();
    const file = path.join(dir, 'package.nupkg');
    await writeFile(file, PACKAGE);
    const offline = await refusedFeed();
    const e = await caught(() => installCudaProvider({ ...base, from: file, feed: offline }), 'io-failed');
    expect(e.message).toMatch(/No SHA-512 to check .*--sha512/);
    expect(await readdir(root)).toEqual([]);
  });
});
