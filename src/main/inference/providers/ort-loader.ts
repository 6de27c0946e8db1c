import { createRequire } from 'node:module';
import path from 'node:path';
import type * as OrtModule from 'onnxruntime-node';
import { messageOf } from '../../../shared/errors';
import {
  bindingDir,
  bindingPackageDir,
  findCudaInstall,
  providersRoot,
  type CudaInstallState,
} from './install-location';
import { bundledOrtPackageDir, bundledOrtTarget } from './ort-package';

export type Ort = typeof OrtModule;

export interface LoadedOrt {
  readonly ort: Ort;
  /** The onnxruntime-node in use: the app's own, or the copy beside the installed CUDA provider. */
  readonly from: 'bundled' | 'cuda-install';
  /** The CUDA install found, and why it is not in use when it is there but the app's own is. */
  readonly cuda: CudaInstallState;
  readonly cudaProblem?: string;
}

/**
 * ONNX Runtime loads a provider library from the folder of the libonnxruntime it runs from, never
 * from a search path. So `npm run install:cuda` puts a copy of onnxruntime-node (its JavaScript,
 * native binding and libonnxruntime, unchanged) beside the provider libraries, and the app loads
 * that copy when it is there: sessions then find the CUDA provider, and CPU and WebGPU work as
 * with the app's own. The two must not both be loaded in one process: the second binding would
 * link to the libonnxruntime already loaded, and look for providers beside that one.
 */
export function loadOrtFrom(root: string = providersRoot()): LoadedOrt {
  const target = bundledOrtTarget();
  const bundledDir = bundledOrtPackageDir();
  const requireHere = createRequire(path.join(bundledDir, 'package.json'));
  const cuda = findCudaInstall(root, target);
  const bundled = (cudaProblem?: string): LoadedOrt =>
    prepare({
      ort: requireHere(bundledDir) as Ort,
      from: 'bundled',
      cuda,
      ...(cudaProblem && { cudaProblem }),
    });
  if (cuda.state !== 'installed') return bundled(cuda.state === 'broken' ? cuda.problem : undefined);
  const ownBinding = path.join(bindingDir(bundledDir, target), 'onnxruntime_binding.node');
  if (requireHere.cache[ownBinding])
    return bundled(`the app's own ONNX Runtime was loaded before the one in ${cuda.dir}`);
  const copyDir = bindingPackageDir(cuda.dir);
  try {
    return prepare({
      ort: createRequire(path.join(copyDir, 'package.json'))(copyDir) as Ort,
      from: 'cuda-install',
      cuda,
    });
  } catch (e) {
    return bundled(`the ONNX Runtime in ${copyDir} did not load: ${messageOf(e)}`);
  }
}

function prepare(loaded: LoadedOrt): LoadedOrt {
  // Provider-load failures are reported by the device code, in words; ORT's own log would repeat them as noise.
  loaded.ort.env.logLevel = 'fatal';
  return loaded;
}

let current: LoadedOrt | null = null;

/** The onnxruntime-node this thread uses, loaded once (a native library cannot be swapped later). */
export function loadOrt(): LoadedOrt {
  return (current ??= loadOrtFrom());
}
