/**
 * Where a model runs: the devices a person can ask for, why a GPU provider could not be used, and
 * what the device setting and its test report. Pure types, shared by the services and the page.
 */

/** What a person can ask for. `auto` tries the platform's GPU providers in order, then the CPU. */
export const DEVICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export type Device = (typeof DEVICES)[number];
export type Provider = Exclude<Device, 'auto'>;

export const isDevice = (s: string): s is Device => (DEVICES as readonly string[]).includes(s);

/**
 * Why a provider could not be used, as a kind the page can put in its own language:
 * - `not-installed`: the provider's libraries are not on this machine (CUDA: `npm run install:cuda`);
 * - `runtime-missing`: the provider is installed but libraries it needs (CUDA, cuDNN) are missing
 *   or of another version;
 * - `no-vulkan`: WebGPU on Linux needs the Vulkan loader, and there is none;
 * - `no-adapter`: the graphics stack answered but offered no GPU;
 * - `not-built`: this build of ONNX Runtime has no such provider on this platform;
 * - `broken-install`: the installed provider folder is incomplete or could not be loaded;
 * - `failed`: anything else; `detail` says what.
 */
export type FailureKind =
  | 'not-installed'
  | 'runtime-missing'
  | 'no-vulkan'
  | 'no-adapter'
  | 'not-built'
  | 'broken-install'
  | 'failed';

export interface ProviderFailure {
  readonly provider: Provider;
  readonly kind: FailureKind;
  /** The libraries that are missing (runtime-missing, no-vulkan), by file name. */
  readonly missing?: readonly string[];
  /** One sentence for a person: what was tried and why it did not load. */
  readonly reason: string;
  /** What to do about it. */
  readonly advice: string;
  /** The library's own words, for a details line and the log; absent when nothing was tried. */
  readonly detail?: string;
}

/** Which provider runs a model, and each provider `auto` passed over on the way, with why. */
export interface DeviceReport {
  readonly requested: Device;
  readonly provider: Provider;
  /** Providers tried (or ruled out) before `provider`, in order; empty when the first one loaded. */
  readonly failures: readonly ProviderFailure[];
}

/** One device of the setting: whether its provider can load here, as far as can be told without a model. */
export interface DeviceOption {
  readonly device: Device;
  readonly available: boolean;
  /** Why not, when it is not available. */
  readonly failure?: ProviderFailure;
  /** For `auto`: the providers it tries here, in order. */
  readonly order?: readonly Provider[];
}

export interface DeviceList {
  /** The device models open on: the remembered choice, or the command line's. */
  readonly chosen: Device;
  readonly options: readonly DeviceOption[];
  /** Where the choice is remembered; absent when it is not (a command-line run). */
  readonly settingsFile?: string;
}

/** The outcome of the device test: one session on the current model, one image run through it. */
export type DeviceTestResult =
  | {
      readonly ok: true;
      readonly device: Device;
      /** The provider that ran (for `auto`, the one it picked) and those passed over. */
      readonly report: DeviceReport;
      readonly loadMs: number;
      /** The first run includes the provider's own warm-up (GPU kernels compiled, memory reserved). */
      readonly firstRunMs: number;
      readonly runMs: number;
      /** The image it ran on: the current image, or a built-in one. */
      readonly image: string;
    }
  | {
      readonly ok: false;
      readonly device: Device;
      /** Why the device could not run the model, for a person. */
      readonly message: string;
      readonly failure?: ProviderFailure;
    };
