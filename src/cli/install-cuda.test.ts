import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../main/inference/__test__/helpers';
import { bundledOrtTarget } from '../main/inference/providers/ort-package';
import {
  fakeGpuPackage,
  refusedFeed,
  startFakeFeed,
  type FakeFeed,
} from '../main/install/__test__/fake-feed';
import { CUDA_PACKAGE_ID } from '../main/install/cuda-install';

const newDir = tempDirs('install-cuda-cli');
const SCRIPT = fileURLToPath(new URL('./install-cuda.ts', import.meta.url));
const target = bundledOrtTarget();
let feed: FakeFeed;

beforeAll(async () => {
  feed = await startFakeFeed({
    id: CUDA_PACKAGE_ID,
    version: target.version,
    package: fakeGpuPackage(CUDA_PACKAGE_ID, target.version),
  });
});
afterAll(() => feed.close());

async function installCuda(args: string[], providers: string) {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
      env: { ...process.env, GROUNDLABEL_PROVIDERS_DIR: providers, HTTPS_PROXY: '' },
    });
    return { code: 0, stderr };
  } catch (e) {
    const { code, stderr } = e as { code: number; stderr: string };
    return { code, stderr };
  }
}

describe.skipIf(target.platform !== 'linux' || target.arch !== 'x64')('npm run install:cuda', () => {
  it('installs into GROUNDLABEL_PROVIDERS_DIR and says where, and whether CUDA and cuDNN load here', async () => {
    const providers = path.join(await newDir(), 'providers');
    const { code, stderr } = await installCuda(['--feed', feed.index], providers);
    expect(code).toBe(0);
    expect(stderr).toContain(`installed ${CUDA_PACKAGE_ID} ${target.version} into ${providers}`);
    // Whichever this machine has, it is said: ready, or what is missing.
    expect(stderr).toMatch(
      /CUDA 12 and cuDNN 9 load here|warning: CUDA is installed for GroundLabel, but this machine lacks/,
    );
    expect(await readdir(providers)).toEqual([`onnxruntime-${target.version}-linux-x64-cuda12`]);
  });

  it('exits with 1 and the way to bring the package by hand when the feed cannot be reached', async () => {
    const providers = path.join(await newDir(), 'providers');
    const { code, stderr } = await installCuda(['--feed', await refusedFeed()], providers);
    expect(code).toBe(1);
    expect(stderr).toMatch(/error \[io-failed\]: Cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(stderr).toContain('--from <file>');
  });
});
