import { existsSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { GroundLabelError, messageOf } from '../../shared/errors';
import {
  providerCandidates,
  type Device,
  type DeviceReport,
  type Provider,
  type ProviderFailure,
} from './devices';
import {
  explainFailure,
  precheck,
  ProviderRuledOut,
  unavailableMessage,
  unusableInstall,
  worthSaying,
} from './providers/failures';
import { loadOrt } from './providers/ort-loader';
import { systemProbe, type SystemProbe } from './providers/system-probe';
import { sessionOptionsFor } from './session-options';
import { describeFeed, type FeedTensor, type OutputTensor, type ValueInfo } from './tensors';

/**
 * One loaded model: created once, reused for every image. Runs happen one at a time in the order
 * they were asked for; a caller may ask for the next before the last has settled.
 */
export interface ModelSession {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly device: DeviceReport;
  run(
    feeds: Readonly<Record<string, FeedTensor>>,
    options?: RunOptions,
  ): Promise<Record<string, OutputTensor>>;
  release(): Promise<void>;
}

export interface RunOptions {
  /**
   * Feeds whose arrays may be moved to the thread that runs the model instead of copied. A moved
   * array is unusable until the run settles; `restore` then gets the array that holds its data.
   */
  readonly lend?: readonly string[];
  readonly restore?: (name: string, data: FeedTensor['data']) => void;
}

const valueInfo = (m: ort.InferenceSession.ValueMetadata): ValueInfo =>
  m.isTensor
    ? {
        name: m.name,
        type: m.type,
        dims: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? d : null)),
      }
    : { name: m.name, type: 'non-tensor', dims: [] };

function toOrt(t: FeedTensor): ort.Tensor {
  return new (loadOrt().ort.Tensor)(t.type, t.data, t.dims);
}

export interface SessionOptions {
  /** Threads ORT uses inside one operator; ORT's default is one per core. */
  readonly intraOpThreads?: number;
  /** Whether idle intra-op threads spin waiting for work (ORT's default), burning cores other work could use. */
  readonly intraOpSpinning?: boolean;
}

/** Opens `file` with one provider: the session, or a rejection carrying ONNX Runtime's reason. */
export type ProviderAttempt = (
  file: string,
  provider: Provider,
  options: SessionOptions,
) => Promise<ort.InferenceSession>;

/** How providers are tried and what the machine has; tests pass fakes to play a GPU. */
export interface ProviderDeps {
  readonly attempt: ProviderAttempt;
  readonly probe: SystemProbe;
}

/** The real thing: ONNX Runtime (the copy beside an installed CUDA provider, if any) on this machine. */
export const ortAttempt: ProviderAttempt = async (file, provider, options) => {
  const loaded = loadOrt();
  // CUDA's provider is found only beside the copy of ONNX Runtime the installer made.
  if (provider === 'cuda' && loaded.from !== 'cuda-install' && loaded.cudaProblem)
    throw new ProviderRuledOut(unusableInstall(loaded.cudaProblem));
  return loaded.ort.InferenceSession.create(file, sessionOptionsFor(provider, options));
};

let machine: SystemProbe | null = null;
const defaultDeps = (): ProviderDeps => ({ attempt: ortAttempt, probe: (machine ??= systemProbe()) });

/**
 * Opens `file` on the requested device. `auto` goes through the platform's providers in order
 * (see providerCandidates), passing over those that cannot load and saying why once each, in the
 * report; a provider asked for by name that cannot load is an error that says why.
 */
export async function openSession(
  file: string,
  device: Device,
  options: SessionOptions = {},
  deps: ProviderDeps = defaultDeps(),
): Promise<ModelSession> {
  if (!existsSync(file)) throw new GroundLabelError('model-not-found', `Model file not found: ${file}`);
  const failures: ProviderFailure[] = [];
  const passOver = (f: ProviderFailure) => {
    if (device !== 'auto') throw new GroundLabelError('device-unavailable', unavailableMessage(f));
    if (worthSaying(f, deps.probe)) failures.push(f);
  };
  for (const provider of providerCandidates(device, deps.probe.platform)) {
    const ruledOut = precheck(provider, deps.probe);
    if (ruledOut) {
      passOver(ruledOut);
      continue;
    }
    let session: ort.InferenceSession;
    try {
      session = await deps.attempt(file, provider, options);
    } catch (e) {
      // The CPU provider is always present, so its failure is the model's.
      if (provider === 'cpu') {
        throw new GroundLabelError('model-invalid', `${file} is not a loadable ONNX model: ${messageOf(e)}`, {
          cause: e,
        });
      }
      passOver(
        e instanceof ProviderRuledOut ? e.failure : explainFailure(provider, messageOf(e), deps.probe),
      );
      continue;
    }
    return wrap(session, { requested: device, provider, failures });
  }
  // Only reached when every candidate was passed over, which `auto` never does: the CPU comes last.
  throw new GroundLabelError('device-unavailable', `No provider could load ${file} for device "${device}".`);
}

function wrap(session: ort.InferenceSession, device: DeviceReport): ModelSession {
  const inputs = session.inputMetadata.map(valueInfo);
  const outputs = session.outputMetadata.map(valueInfo);
  let last: Promise<unknown> = Promise.resolve();
  const runNow = async (feeds: Readonly<Record<string, FeedTensor>>) => {
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrt(v)]));
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await session.run(ortFeeds);
    } catch (e) {
      const given = Object.entries(feeds)
        .map(([k, v]) => describeFeed(k, v))
        .join(', ');
      throw new GroundLabelError(
        'inference-failed',
        `The model failed to run (${messageOf(e)}); inputs were ${given}`,
        { cause: e },
      );
    }
    const out: Record<string, OutputTensor> = {};
    for (const [name, value] of Object.entries(result)) {
      if (value.type !== 'float32') continue;
      out[name] = { data: value.data as Float32Array, dims: value.dims };
    }
    Object.values(ortFeeds).forEach((t) => t.dispose());
    return out;
  };
  return {
    inputs,
    outputs,
    device,
    run(feeds) {
      const task = last.then(() => runNow(feeds));
      last = task.catch(() => undefined);
      return task;
    },
    release: () => last.then(() => session.release()),
  };
}
