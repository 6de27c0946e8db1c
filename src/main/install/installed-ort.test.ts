import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModels } from '../../../test/fixtures/model-folders';
import { tempDirs } from '../inference/__test__/helpers';
import { bindingDir, bindingPackageDir } from '../inference/providers/install-location';
import { bundledOrtTarget } from '../inference/providers/ort-package';
import { fakeGpuPackage, startFakeFeed, type FakeFeed } from './__test__/fake-feed';
import { CUDA_PACKAGE_ID, installCudaProvider } from './cuda-install';

const newDir = tempDirs('installed-ort');
const target = bundledOrtTarget();
const LOADER = fileURLToPath(new URL('./__test__/load-installed.ts', import.meta.url));
let feed: FakeFeed;

beforeAll(async () => {
  feed = await startFakeFeed({
    id: CUDA_PACKAGE_ID,
    version: target.version,
    package: fakeGpuPackage(CUDA_PACKAGE_ID, target.version),
  });
});
afterAll(() => feed.close());

// The CUDA provider exists for Linux x64 only; elsewhere there is nothing to install.
describe.skipIf(target.platform !== 'linux' || target.arch !== 'x64')('an installed CUDA provider', () => {
  it("is where the app's ONNX Runtime looks: the copy loads, runs on the CPU, and tries the provider beside it", async () => {
    const dir = await newDir();
    const root = path.join(dir, 'providers');
    const { dir: installDir } = await installCudaProvider({ root, feed: feed.index });
    const model = path.join((await writeFixtureModels(path.join(dir, 'models'))).flavourB, 'model.onnx');

    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', LOADER, root, model],
      {
        env: { ...process.env, GROUNDLABEL_PROVIDERS_DIR: root },
      },
    );
    const result = JSON.parse(stdout) as { from: string; inputs: string[]; cudaError: string };
    expect(result.from).toBe('cuda-install');
    expect(result.inputs).toContain('pixel_values');
    // The fake provider libraries are no ELF files, so loading them fails, and the log names the
    // file it tried: the one in the install folder, not in node_modules.
    expect(result.cudaError).not.toBe('');
    const shared = path.join(
      bindingDir(bindingPackageDir(installDir), target),
      'libonnxruntime_providers_shared.so',
    );
    expect(stderr).toContain(`Failed to load library ${shared}`);
  });
});
