import type { Provider } from '../../../../shared/devices';
import { ortAttempt, type ProviderAttempt, type ProviderDeps } from '../../session';
import type { CudaInstallState, ProviderManifest } from '../install-location';
import { CUDA_RUNTIME, VULKAN_LOADER, type LibraryState, type SystemProbe } from '../system-probe';

/** Every CUDA 12 / cuDNN 9 library the CUDA provider needs, and the NVIDIA driver. */
export const CUDA_LIBS = CUDA_RUNTIME.map((l) => l.name);

export interface FakeMachine {
  readonly platform?: NodeJS.Platform;
  /** The state of the CUDA provider install (default: absent). */
  readonly cuda?: CudaInstallState['state'];
  /** Libraries the fake loader finds; every other one is missing. */
  readonly libraries?: readonly string[];
}

const manifest: ProviderManifest = {
  provider: 'cuda',
  onnxruntimeVersion: '1.30.0',
  platform: 'linux',
  arch: 'x64',
  source: { package: 'fake', url: 'http://127.0.0.1/fake.nupkg', sha512: 'fake' },
  files: [],
  installedAt: '2024-01-01T00:00:00.000Z',
};

/** A machine as the device code sees it: which providers are installed and which libraries load. */
export function fakeProbe(machine: FakeMachine = {}): SystemProbe & { readonly asked: string[] } {
  const found = new Set(machine.libraries ?? []);
  const asked: string[] = [];
  const dir = '/providers/onnxruntime-1.30.0-linux-x64-cuda12';
  const cuda = machine.cuda ?? 'absent';
  return {
    asked,
    platform: machine.platform ?? 'linux',
    cudaInstall: (): CudaInstallState =>
      cuda === 'installed'
        ? { state: 'installed', dir, manifest }
        : cuda === 'broken'
          ? {
              state: 'broken',
              dir,
              problem: `${dir} is not a finished install: it has no groundlabel-provider.json`,
            }
          : { state: 'absent', dir },
    library(name): LibraryState {
      asked.push(name);
      return found.has(name) ? { state: 'found' } : { state: 'missing' };
    },
  };
}

/** What a provider does when tried: load (a real CPU session standing in for it), or fail with a message. */
export type Behaviour = 'loads' | { readonly fails: string };

/**
 * Provider loading played by a script: each provider loads or fails as told (the CPU loads unless
 * told otherwise). `tried` lists the providers attempted, in order.
 */
export function scriptedAttempt(script: Partial<Record<Provider, Behaviour>>): {
  readonly attempt: ProviderAttempt;
  readonly tried: Provider[];
} {
  const tried: Provider[] = [];
  return {
    tried,
    attempt: async (file, provider, options) => {
      tried.push(provider);
      const behaviour =
        script[provider] ?? (provider === 'cpu' ? 'loads' : { fails: `${provider}: not scripted` });
      if (behaviour !== 'loads') throw new Error(behaviour.fails);
      return ortAttempt(file, 'cpu', options);
    },
  };
}

export const deps = (machine: FakeMachine, script: Partial<Record<Provider, Behaviour>>) => {
  const { attempt, tried } = scriptedAttempt(script);
  const probe = fakeProbe(machine);
  return { deps: { attempt, probe } satisfies ProviderDeps, tried, probe };
};

/** A Linux machine with an NVIDIA GPU, CUDA 12 and cuDNN 9, the CUDA provider installed, and Vulkan. */
export const GPU_LINUX: FakeMachine = { cuda: 'installed', libraries: [...CUDA_LIBS, VULKAN_LOADER] };

/** The messages ONNX Runtime gives, as seen on a machine without a GPU. */
export const ORT_SAYS = {
  cudaProviderMissing: 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library',
  cublasMissing:
    '/onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1637 onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open shared object file: No such file or directory',
  noAdapter:
    '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n',
  noDml: 'no available backend found. ERR: [dml] backend not found.',
  noCoreml: 'no available backend found. ERR: [coreml] backend not found.',
};
