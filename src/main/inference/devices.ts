/** What a person can ask for. `auto` means the platform's GPU provider, else the CPU. */
export const DEVICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export type Device = (typeof DEVICES)[number];
export type Provider = Exclude<Device, 'auto'>;

export const isDevice = (s: string): s is Device => (DEVICES as readonly string[]).includes(s);

/** The GPU provider each platform's onnxruntime-node build can use. */
const PLATFORM_GPU: Partial<Record<NodeJS.Platform, Provider>> = {
  linux: 'cuda',
  win32: 'dml',
  darwin: 'coreml',
};

/** Providers to try, in order, for a request on a platform. */
export function providerCandidates(device: Device, platform: NodeJS.Platform): Provider[] {
  if (device !== 'auto') return [device];
  const gpu = PLATFORM_GPU[platform];
  return gpu ? [gpu, 'cpu'] : ['cpu'];
}

/** Which provider runs, and why it is not the one asked for. */
export interface DeviceReport {
  readonly requested: Device;
  readonly provider: Provider;
  /** Set when `auto` fell back to the CPU: each provider that failed, with its reason. */
  readonly fallback?: string;
}

export const describeDevice = (r: DeviceReport): string =>
  r.fallback ? `${r.provider} (fell back from ${r.fallback})` : r.provider;
