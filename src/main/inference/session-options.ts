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
    ...(options.intraOpThreads !== undefined && { intraOpNumThreads: options.intraOpThreads }),
    ...(options.intraOpSpinning === false && { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  };
}
