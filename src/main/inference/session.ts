import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { providerCandidates, type Device, type DeviceReport, type Provider } from './devices';
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

// Provider-load failures are reported through DeviceReport; ORT's own log would repeat them as noise.
ort.env.logLevel = 'fatal';

const valueInfo = (m: ort.InferenceSession.ValueMetadata): ValueInfo =>
  m.isTensor
    ? {
        name: m.name,
        type: m.type,
        dims: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? d : null)),
      }
    : { name: m.name, type: 'non-tensor', dims: [] };

function toOrt(t: FeedTensor): ort.Tensor {
  return new ort.Tensor(t.type, t.data, t.dims);
}

export interface SessionOptions {
  /** Threads ORT uses inside one operator; ORT's default is one per core. */
  readonly intraOpThreads?: number;
  /** Whether idle intra-op threads spin waiting for work (ORT's default), burning cores other work could use. */
  readonly intraOpSpinning?: boolean;
}

async function createWith(
  file: string,
  provider: Provider,
  options: SessionOptions,
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(options.intraOpThreads !== undefined && { intraOpNumThreads: options.intraOpThreads }),
    ...(options.intraOpSpinning === false && { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  });
}

/**
 * Opens `file` on the requested device. `auto` tries the platform's GPU provider first and falls
 * back to the CPU, recording why; an explicitly requested provider that fails is an error.
 */
export async function openSession(
  file: string,
  device: Device,
  options: SessionOptions = {},
): Promise<ModelSession> {
  if (!existsSync(file)) throw new GroundLabelError('model-not-found', `Model file not found: ${file}`);
  const failures: string[] = [];
  for (const provider of providerCandidates(device, process.platform)) {
    let session: ort.InferenceSession;
    try {
      session = await createWith(file, provider, options);
    } catch (e) {
      const reason = messageOf(e);
      // The CPU provider is always present, so its failure is the model's.
      if (provider === 'cpu') {
        throw new GroundLabelError('model-invalid', `${file} is not a loadable ONNX model: ${reason}`, {
          cause: e,
        });
      }
      failures.push(`${provider}: ${reason.split('\n')[0]}`);
      continue;
    }
    const report: DeviceReport = failures.length
      ? { requested: device, provider, fallback: failures.join('; ') }
      : { requested: device, provider };
    return wrap(session, report);
  }
  throw new GroundLabelError(
    'device-unavailable',
    `No execution provider could load ${file} for device "${device}": ${failures.join('; ')}`,
  );
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
