/** What the model thread and the thread that owns it say to each other. */
import type { ErrorInfo } from '../../shared/errors';
import type { Device, DeviceReport } from './devices';
import type { SessionOptions } from './session';
import type { FeedTensor, OutputTensor, ValueInfo } from './tensors';

export interface SessionWorkerData {
  readonly file: string;
  readonly device: Device;
  readonly options: SessionOptions;
}

export type ToWorker =
  | {
      readonly kind: 'run';
      readonly id: number;
      readonly feeds: Record<string, FeedTensor>;
      /** Feeds whose buffers were moved here and go back with the reply. */
      readonly lent: readonly string[];
    }
  | { readonly kind: 'release' };

export type FromWorker =
  | {
      readonly kind: 'ready';
      readonly inputs: ValueInfo[];
      readonly outputs: ValueInfo[];
      readonly device: DeviceReport;
    }
  | { readonly kind: 'open-failed'; readonly error: ErrorInfo }
  | {
      readonly kind: 'result';
      readonly id: number;
      readonly outputs: Record<string, OutputTensor>;
      readonly returned: Record<string, FeedTensor['data']>;
    }
  | {
      readonly kind: 'run-failed';
      readonly id: number;
      readonly error: ErrorInfo;
      readonly returned: Record<string, FeedTensor['data']>;
    }
  | { readonly kind: 'released' };

/**
 * Whether moving `data`'s buffer moves nothing else: a view over part of a larger or shared buffer
 * (Node's Buffer pool, for one) must be copied, or its neighbours would vanish with it.
 */
export const ownsBuffer = (data: ArrayBufferView): boolean =>
  data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;

/** The buffers of `arrays` that can be moved rather than copied. */
export const movable = (arrays: readonly ArrayBufferView[]): ArrayBuffer[] => [
  ...new Set(arrays.filter(ownsBuffer).map((a) => a.buffer as ArrayBuffer)),
];
