import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../__test__/helpers';
import { cudaInstallDir } from './install-location';
import { loadOrtFrom } from './ort-loader';
import { bundledOrtTarget } from './ort-package';

const newDir = tempDirs('ort-loader');

describe('loadOrtFrom', () => {
  it("uses the app's own onnxruntime-node when no CUDA provider is installed", async () => {
    const loaded = loadOrtFrom(await newDir());
    expect(loaded).toMatchObject({ from: 'bundled', cuda: { state: 'absent' } });
    expect(typeof loaded.ort.InferenceSession.create).toBe('function');
  });

  it("uses the app's own onnxruntime-node, and says why, when the install is unfinished", async () => {
    const root = await newDir();
    await mkdir(cudaInstallDir(root, bundledOrtTarget()), { recursive: true });
    const loaded = loadOrtFrom(root);
    expect(loaded.from).toBe('bundled');
    expect(loaded.cudaProblem).toContain('is not a finished install');
  });
});
