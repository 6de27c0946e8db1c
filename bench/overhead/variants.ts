/**
 * The contestants `npm run bench -- --model` can put side by side. `groundlabel` is the product's own
 * path; every `bare-*` is a plain session.run loop over the feeds groundlabel built, with one lever
 * changed from GroundLabel's own session options (or, for bare-ort-defaults, none of them).
 */
import type * as ort from 'onnxruntime-node';
import type { DetectorOptions } from '../../src/main/inference/detector';
import type { Device } from '../../src/main/inference/devices';

type OrtOptions = ort.InferenceSession.SessionOptions;

export interface GroundLabelVariant {
  readonly side: 'groundlabel';
  readonly about: string;
  readonly detector: Pick<DetectorOptions, 'intraOpSpinning' | 'thread'>;
}

export interface BareVariant {
  readonly side: 'bare';
  readonly about: string;
  /** Start from GroundLabel's session options, or from ONNX Runtime's defaults (provider only). */
  readonly base: 'groundlabel' | 'ort-defaults';
  readonly change?: (o: OrtOptions) => OrtOptions;
  /** Pad every image to 800×1333 with pixel_mask 0 outside it, so one input shape serves all. */
  readonly padded?: boolean;
  /** Leave outputs on the GPU and download only logits and boxes (GPU providers only). */
  readonly outputsOnGpu?: boolean;
  readonly devices?: readonly Device[];
}

export type Variant = GroundLabelVariant | BareVariant;

type Entries = Record<string, unknown>;
/** Adds ORT session config entries (`extra.session.*`) to `o`, keeping those already there. */
const session = (o: OrtOptions, entries: Entries): OrtOptions => {
  const extra = (o.extra ?? {}) as Entries;
  return { ...o, extra: { ...extra, session: { ...((extra.session ?? {}) as Entries), ...entries } } };
};
const spinning = (o: OrtOptions, on: boolean): OrtOptions =>
  session(o, { intra_op: { allow_spinning: on ? '1' : '0' } });
/** Gives the (single) execution provider options of its own, e.g. WebGPU's preferredLayout. */
const providerOptions = (o: OrtOptions, extra: Entries): OrtOptions => {
  const [first] = o.executionProviders ?? [];
  const name = typeof first === 'string' ? first : (first?.name ?? 'cpu');
  return { ...o, executionProviders: [{ ...(typeof first === 'object' ? first : {}), name, ...extra }] };
};
/** The WebGPU provider reads its settings from session config entries under this prefix. */
const webgpu = (o: OrtOptions, key: string, value: string): OrtOptions => {
  const extra = (o.extra ?? {}) as Entries;
  return { ...o, extra: { ...extra, [`ep.webgpuexecutionprovider.${key}`]: value } };
};
const GPU: readonly Device[] = ['webgpu', 'cuda', 'dml'];
const WEBGPU: readonly Device[] = ['webgpu'];

export const VARIANTS: Readonly<Record<string, Variant>> = {
  groundlabel: {
    side: 'groundlabel',
    about: 'labelImages + Detector, as npm run label opens it',
    detector: {},
  },
  'groundlabel-spin': {
    side: 'groundlabel',
    about: 'the same, idle ORT threads spinning',
    detector: { intraOpSpinning: true },
  },
  'groundlabel-no-spin': {
    side: 'groundlabel',
    about: 'the same, idle ORT threads sleeping',
    detector: { intraOpSpinning: false },
  },
  'groundlabel-main-thread': {
    side: 'groundlabel',
    about: 'the same, model on the main thread',
    detector: { thread: 'main' },
  },
  bare: { side: 'bare', about: "session.run loop, GroundLabel's session options", base: 'groundlabel' },
  'bare-ort-defaults': {
    side: 'bare',
    about: "session.run loop, ONNX Runtime's defaults",
    base: 'ort-defaults',
  },
  'bare-spin': {
    side: 'bare',
    about: 'bare, spinning',
    base: 'groundlabel',
    change: (o) => spinning(o, true),
  },
  'bare-no-spin': {
    side: 'bare',
    about: 'bare, no spinning',
    base: 'groundlabel',
    change: (o) => spinning(o, false),
  },
  'bare-opt-disabled': {
    side: 'bare',
    about: 'bare, graph optimisation off',
    base: 'groundlabel',
    change: (o) => ({ ...o, graphOptimizationLevel: 'disabled' }),
  },
  'bare-opt-basic': {
    side: 'bare',
    about: 'bare, graph optimisation basic',
    base: 'groundlabel',
    change: (o) => ({ ...o, graphOptimizationLevel: 'basic' }),
  },
  'bare-opt-extended': {
    side: 'bare',
    about: 'bare, graph optimisation extended',
    base: 'groundlabel',
    change: (o) => ({ ...o, graphOptimizationLevel: 'extended' }),
  },
  'bare-no-arena': {
    side: 'bare',
    about: 'bare, enableCpuMemArena false',
    base: 'groundlabel',
    change: (o) => ({ ...o, enableCpuMemArena: false }),
  },
  'bare-mem-pattern': {
    side: 'bare',
    about: 'bare, enableMemPattern true (ORT default)',
    base: 'groundlabel',
    change: (o) => ({ ...o, enableMemPattern: true }),
  },
  'bare-no-prepack': {
    side: 'bare',
    about: 'bare, session.disable_prepacking',
    base: 'groundlabel',
    change: (o) => session(o, { disable_prepacking: '1' }),
  },
  'bare-init-device-alloc': {
    side: 'bare',
    about: 'bare, initializers in the device allocator',
    base: 'groundlabel',
    change: (o) => session(o, { use_device_allocator_for_initializers: '1' }),
  },
  'bare-padded': {
    side: 'bare',
    about: 'bare, every image padded to 800×1333 (one shape)',
    base: 'groundlabel',
    padded: true,
  },
  'bare-outputs-on-gpu': {
    side: 'bare',
    about: 'bare, outputs kept on the GPU, logits+boxes downloaded',
    base: 'groundlabel',
    outputsOnGpu: true,
    devices: GPU,
  },
  'bare-webgpu-int64': {
    side: 'bare',
    about: 'bare, WebGPU runs int64 ops itself (shape arithmetic off the CPU)',
    base: 'groundlabel',
    change: (o) => webgpu(o, 'enableInt64', '1'),
    devices: WEBGPU,
  },
  'bare-webgpu-nhwc': {
    side: 'bare',
    about: 'bare, WebGPU preferredLayout NHWC',
    base: 'groundlabel',
    change: (o) => providerOptions(o, { preferredLayout: 'NHWC' }),
    devices: WEBGPU,
  },
  'bare-webgpu-no-validation': {
    side: 'bare',
    about: "bare, WebGPU validationMode 'wgpuOnly' (less CPU per dispatch)",
    base: 'groundlabel',
    change: (o) => providerOptions(o, { validationMode: 'wgpuOnly' }),
    devices: WEBGPU,
  },
  'bare-webgpu-high-performance': {
    side: 'bare',
    about: 'bare, WebGPU powerPreference high-performance',
    base: 'groundlabel',
    change: (o) => webgpu(o, 'powerPreference', 'high-performance'),
    devices: WEBGPU,
  },
  'bare-padded-graph-capture': {
    side: 'bare',
    about: 'bare, padded, outputs on the GPU, WebGPU graph capture',
    base: 'groundlabel',
    padded: true,
    outputsOnGpu: true,
    change: (o) => webgpu(o, 'enableGraphCapture', '1'),
    devices: WEBGPU,
  },
};

export const DEFAULT_VARIANTS = ['groundlabel', 'bare', 'bare-ort-defaults'] as const;
