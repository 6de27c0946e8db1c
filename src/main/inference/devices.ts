import {
  DEVICES,
  isDevice,
  type Device,
  type DeviceReport,
  type Provider,
  type ProviderFailure,
} from '../../shared/devices';

export { DEVICES, isDevice };
export type { Device, DeviceReport, Provider, ProviderFailure };

/**
 * The providers `auto` tries on each platform, in order. The platform's own GPU provider comes
 * first (CUDA only runs once its provider is installed), then WebGPU (Vulkan on Linux, Direct3D 12
 * on Windows, Metal on macOS), then the CPU, which is always there.
 */
const AUTO_ORDER: Partial<Record<NodeJS.Platform, readonly Provider[]>> = {
  linux: ['cuda', 'webgpu', 'cpu'],
  win32: ['dml', 'webgpu', 'cpu'],
  darwin: ['coreml', 'webgpu', 'cpu'],
};

/** The providers to try, in order, for a request on a platform. */
export function providerCandidates(device: Device, platform: NodeJS.Platform): Provider[] {
  if (device !== 'auto') return [device];
  return [...(AUTO_ORDER[platform] ?? ['cpu'])];
}

/** The devices worth offering on a platform: `auto`, the CPU, and the GPU providers `auto` tries. */
export const devicesFor = (platform: NodeJS.Platform): Device[] => [
  'auto',
  'cpu',
  ...providerCandidates('auto', platform).filter((p) => p !== 'cpu'),
];

/** The provider that runs, and what was asked for when that differs. */
export const describeDevice = (r: DeviceReport): string =>
  r.requested === r.provider ? r.provider : `${r.provider} (${r.requested})`;

/**
 * One line per provider passed over, each said once: what was tried and why it did not load, what
 * to do, and the library's own words.
 */
export const failureLines = (failures: readonly ProviderFailure[]): string[] =>
  failures.flatMap((f) => [
    `note: ${f.reason} ${f.advice} Or choose the CPU (--device cpu) to stop this message.`,
    ...(f.detail ? [`      (ONNX Runtime: ${firstLine(f.detail)})`] : []),
  ]);

/** A one-paragraph account of the providers passed over, for a status line. */
export const fallbackSummary = (r: DeviceReport): string | undefined =>
  r.failures.length ? r.failures.map((f) => f.reason).join(' ') : undefined;

export const firstLine = (s: string): string => s.trim().split('\n')[0].trim();
