import { messageOf } from '../../../shared/errors';
import { findCudaInstall, providersRoot, type CudaInstallState, type OrtTarget } from './install-location';
import { bundledOrtTarget } from './ort-package';

/** Whether the system's dynamic loader can load a library, by file name as a program would ask. */
export type LibraryState =
  | { readonly state: 'found' }
  | { readonly state: 'missing' }
  /** It is there but does not load (wrong architecture, a symbol of a newer version missing…). */
  | { readonly state: 'unusable'; readonly why: string };

/** What the device code asks about the machine; tests answer with a fake. */
export interface SystemProbe {
  readonly platform: NodeJS.Platform;
  /** The CUDA provider installed for this onnxruntime-node, if any. */
  cudaInstall(): CudaInstallState;
  library(name: string): LibraryState;
}

/**
 * Asks the dynamic loader itself, so the answer follows LD_LIBRARY_PATH, ld.so.cache and every
 * rule it applies when ONNX Runtime loads a provider. process.dlopen loads the library; one that is
 * no Node add-on then fails with "did not self-register", which means it was found and loads.
 */
export function dlopenProbe(name: string): LibraryState {
  try {
    process.dlopen({ exports: {} }, name);
    return { state: 'found' };
  } catch (e) {
    const message = messageOf(e);
    if (/did not self-register/i.test(message)) return { state: 'found' };
    if (/cannot open shared object file|no such file|not found|image not found/i.test(message))
      return { state: 'missing' };
    return { state: 'unusable', why: message };
  }
}

/** The probe of this machine; the library answers are kept, since loading never changes its mind. */
export function systemProbe(
  options: {
    readonly env?: NodeJS.ProcessEnv;
    readonly target?: OrtTarget;
    readonly platform?: NodeJS.Platform;
  } = {},
): SystemProbe {
  const libraries = new Map<string, LibraryState>();
  return {
    platform: options.platform ?? process.platform,
    cudaInstall: () => findCudaInstall(providersRoot(options.env), options.target ?? bundledOrtTarget()),
    library(name) {
      let state = libraries.get(name);
      if (!state) libraries.set(name, (state = dlopenProbe(name)));
      return state;
    },
  };
}

/** A library the CUDA provider needs, and other major versions that would not do. */
export interface RuntimeLibrary {
  readonly name: string;
  /** What it is, for a person. */
  readonly what: string;
  readonly otherVersions: readonly string[];
}

/**
 * The CUDA 12 and cuDNN 9 libraries ONNX Runtime's CUDA provider links against (the GPU packages
 * of ONNX Runtime 1.19 and later are built for CUDA 12.x and cuDNN 9.x). The NVIDIA driver's own
 * libcuda.so.1 comes first: without it there is no NVIDIA GPU to use.
 */
export const CUDA_RUNTIME: readonly RuntimeLibrary[] = [
  { name: 'libcuda.so.1', what: 'the NVIDIA driver', otherVersions: [] },
  {
    name: 'libcudart.so.12',
    what: 'the CUDA 12 runtime',
    otherVersions: ['libcudart.so.11.0', 'libcudart.so.13'],
  },
  {
    name: 'libcublas.so.12',
    what: 'cuBLAS (CUDA 12)',
    otherVersions: ['libcublas.so.11', 'libcublas.so.13'],
  },
  {
    name: 'libcublasLt.so.12',
    what: 'cuBLASLt (CUDA 12)',
    otherVersions: ['libcublasLt.so.11', 'libcublasLt.so.13'],
  },
  { name: 'libcufft.so.11', what: 'cuFFT (CUDA 12)', otherVersions: ['libcufft.so.10', 'libcufft.so.12'] },
  { name: 'libcudnn.so.9', what: 'cuDNN 9', otherVersions: ['libcudnn.so.8'] },
];

export interface MissingLibrary {
  readonly name: string;
  readonly what: string;
  /** Another major version that was found instead, which this provider cannot use. */
  readonly found?: string;
  /** Why it is there but does not load. */
  readonly unusable?: string;
}

/** The CUDA provider's runtime libraries the loader cannot load here. */
export function missingCudaRuntime(probe: Pick<SystemProbe, 'library'>): MissingLibrary[] {
  const missing: MissingLibrary[] = [];
  for (const lib of CUDA_RUNTIME) {
    const state = probe.library(lib.name);
    if (state.state === 'found') continue;
    const found = lib.otherVersions.find((other) => probe.library(other).state === 'found');
    missing.push({
      name: lib.name,
      what: lib.what,
      ...(found && { found }),
      ...(state.state === 'unusable' && { unusable: state.why }),
    });
  }
  return missing;
}

/** The Vulkan loader WebGPU goes through on Linux (Dawn, the WebGPU inside ONNX Runtime, opens it). */
export const VULKAN_LOADER = 'libvulkan.so.1';
