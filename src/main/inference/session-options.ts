import type * as ort from 'onnxruntime-node';
import type { Provider } from './devices';
import type { SessionOptions } from './session';

/**
 * The ONNX Runtime options every session is created with; whatever is left out is ONNX Runtime's
 * own default. `npm run bench -- --model` creates its bare sessions from the same function, so that
 * it compares like with like.
 */
export function sessionOptionsFor(
  provider: Provider,
  options: SessionOptions,
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // ORT's memory pattern pre-plans one block per input shape; on the full-size Grounding DINO-T it
    // raised peak RSS by about 400 MiB (2,412 → 2,813 MiB at 800×1066) and made runs no faster.
    enableMemPattern: false,
    ...(options.intraOpThreads !== undefined && { intraOpNumThreads: options.intraOpThreads }),
    ...(options.intraOpSpinning === false && { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  };
}
