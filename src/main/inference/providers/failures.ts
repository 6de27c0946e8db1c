import type { FailureKind, Provider, ProviderFailure } from '../../../shared/devices';
import { firstLine } from '../devices';
import { missingCudaRuntime, VULKAN_LOADER, type MissingLibrary, type SystemProbe } from './system-probe';

/**
 * A person's account of a provider that cannot be used: what was tried, why it did not load, and
 * what to do. The library's own words stay in `detail`, for the details line and the log.
 */

const NAMES: Record<Provider, string> = {
  cpu: 'The CPU',
  cuda: 'CUDA',
  webgpu: 'WebGPU',
  dml: 'DirectML',
  coreml: 'Core ML',
};

const failure = (
  provider: Provider,
  kind: FailureKind,
  reason: string,
  advice: string,
  extra: { missing?: readonly string[]; detail?: string } = {},
): ProviderFailure => ({ provider, kind, reason, advice, ...extra });

const describeMissing = (libs: readonly MissingLibrary[]): string =>
  libs
    .map((l) =>
      l.found
        ? `${l.what} (${l.name}; ${l.found} is installed, which is another version)`
        : l.unusable
          ? `${l.what} (${l.name} is there but does not load: ${firstLine(l.unusable)})`
          : `${l.what} (${l.name})`,
    )
    .join(', ');

export function cudaRuntimeFailure(libs: readonly MissingLibrary[], detail?: string): ProviderFailure {
  const driverMissing = libs.some((l) => l.name === 'libcuda.so.1');
  const advice = driverMissing
    ? "Install NVIDIA's driver if this machine has an NVIDIA GPU."
    : `Install the CUDA 12 runtime and cuDNN 9 (for example NVIDIA's cuda-libraries-12-x and libcudnn9-cuda-12 packages) so the loader finds them (ldconfig or LD_LIBRARY_PATH).`;
  return failure(
    'cuda',
    'runtime-missing',
    `CUDA is installed for GroundLabel, but this machine lacks ${describeMissing(libs)}.`,
    advice,
    { missing: libs.map((l) => l.name), ...(detail && { detail }) },
  );
}

/**
 * Why a provider cannot load here, when that is known without trying: trying would only print the
 * same reason in the library's words (and, for WebGPU without Vulkan, a warning on stderr).
 * Null when it is worth a try.
 */
export function precheck(provider: Provider, probe: SystemProbe): ProviderFailure | null {
  const { platform } = probe;
  switch (provider) {
    case 'cpu':
      return null;
    case 'cuda': {
      if (platform !== 'linux')
        return failure(
          'cuda',
          'not-built',
          `CUDA is not available in GroundLabel's ONNX Runtime on ${platform}.`,
          platform === 'win32' ? 'Choose DirectML for the GPU.' : 'Choose another device.',
        );
      const install = probe.cudaInstall();
      if (install.state === 'absent')
        return failure(
          'cuda',
          'not-installed',
          'CUDA was not tried: its provider is not installed.',
          `Install it with \`npm run install:cuda\` (NVIDIA GPU, CUDA 12 and cuDNN 9).`,
        );
      if (install.state === 'broken')
        return failure(
          'cuda',
          'broken-install',
          'CUDA was not tried: its installed provider is incomplete.',
          `Run \`npm run install:cuda\` again.`,
          { detail: install.problem },
        );
      const missing = missingCudaRuntime(probe);
      return missing.length ? cudaRuntimeFailure(missing) : null;
    }
    case 'webgpu':
      if (platform === 'linux' && probe.library(VULKAN_LOADER).state !== 'found')
        return failure(
          'webgpu',
          'no-vulkan',
          `WebGPU was not tried: on Linux it runs through Vulkan, and this machine has no Vulkan loader (${VULKAN_LOADER}).`,
          `Install the Vulkan loader and your GPU's Vulkan driver (for example libvulkan1 with mesa-vulkan-drivers, or NVIDIA's driver).`,
          { missing: [VULKAN_LOADER] },
        );
      return null;
    case 'dml':
      return platform === 'win32'
        ? null
        : failure('dml', 'not-built', 'DirectML is only available on Windows.', 'Choose another device.');
    case 'coreml':
      return platform === 'darwin'
        ? null
        : failure('coreml', 'not-built', 'Core ML is only available on macOS.', 'Choose another device.');
  }
}

/** A person's account of a provider that was tried and failed, from the library's message. */
export function explainFailure(provider: Provider, raw: string, probe: SystemProbe): ProviderFailure {
  const detail = raw.trim();
  const lib = /([\w.+-]+\.so(?:\.[\d.]+)?): cannot open shared object file/.exec(detail)?.[1];
  if (provider === 'cuda') {
    const missing = missingCudaRuntime(probe);
    if (missing.length) return cudaRuntimeFailure(missing, detail);
    if (lib && !lib.startsWith('libonnxruntime'))
      return cudaRuntimeFailure([{ name: lib, what: 'a library the CUDA provider needs' }], detail);
    if (
      /no CUDA-capable device|cudaErrorNoDevice|CUDA driver version is insufficient|cudaErrorInsufficientDriver/i.test(
        detail,
      )
    )
      return failure(
        'cuda',
        'no-adapter',
        'CUDA found no usable NVIDIA GPU: the driver is missing, too old for CUDA 12, or sees no GPU.',
        `Update NVIDIA's driver.`,
        { detail },
      );
    if (/Failed to load shared library|libonnxruntime_providers/i.test(detail))
      return failure(
        'cuda',
        'not-installed',
        "CUDA's provider library did not load.",
        `Run \`npm run install:cuda\` again.`,
        { detail },
      );
  }
  if (provider === 'webgpu' && /WebGPU adapter|No supported adapters/i.test(detail))
    return failure(
      'webgpu',
      'no-adapter',
      probe.platform === 'linux'
        ? 'WebGPU found no GPU through Vulkan: the Vulkan loader is there, but no Vulkan driver offered a GPU.'
        : 'WebGPU found no GPU on this machine.',
      `Install your GPU's ${probe.platform === 'linux' ? 'Vulkan ' : ''}driver.`,
      { detail },
    );
  if (/backend not found/i.test(detail))
    return failure(
      provider,
      'not-built',
      `${NAMES[provider]} is not part of GroundLabel's ONNX Runtime on ${probe.platform}.`,
      'Choose another device.',
      {
        detail,
      },
    );
  return failure(provider, 'failed', `${NAMES[provider]} did not load.`, 'The details hold its message.', {
    detail,
  });
}

/**
 * Whether `auto` should mention a provider it passed over. A machine without NVIDIA's driver has no
 * use for the CUDA provider, so its absence there is no news; everything else is said.
 */
export const worthSaying = (f: ProviderFailure, probe: SystemProbe): boolean =>
  !(f.provider === 'cuda' && f.kind === 'not-installed' && probe.library('libcuda.so.1').state !== 'found');

/** What a person reads when the device they asked for cannot be used. */
export const unavailableMessage = (f: ProviderFailure): string =>
  `Device "${f.provider}": ${f.reason} ${f.advice}${f.detail ? ` (ONNX Runtime: ${firstLine(f.detail)})` : ''}`;

/** A provider attempt that knows in words why it cannot load; the session takes its failure as it is. */
export class ProviderRuledOut extends Error {
  override readonly name = 'ProviderRuledOut';
  constructor(readonly failure: ProviderFailure) {
    super(`${failure.reason} ${failure.detail ?? ''}`.trim());
  }
}

/** The CUDA install is there, but the copy of ONNX Runtime beside it could not be used. */
export const unusableInstall = (problem: string): ProviderFailure =>
  failure(
    'cuda',
    'broken-install',
    'CUDA was not tried: its installed provider could not be loaded.',
    'Run `npm run install:cuda` again.',
    {
      detail: problem,
    },
  );
