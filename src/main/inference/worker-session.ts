import { Worker } from 'node:worker_threads';
import { GroundLabelError, type ErrorInfo } from '../../shared/errors';
import type { Device } from './devices';
import { openSession, type ModelSession, type RunOptions, type SessionOptions } from './session';
import {
  movable,
  ownsBuffer,
  type FromWorker,
  type SessionWorkerData,
  type ToWorker,
} from './session-messages';
import { sessionWorkerEntry, type WorkerEntry } from './session-worker-entry';
import { describeFeed, type FeedTensor, type OutputTensor } from './tensors';

/** The model thread could not be started at all (as opposed to the model failing to load in it). */
export class WorkerStartError extends Error {
  override readonly name = 'WorkerStartError';
}

/** A session on a worker thread; `exited` settles once the thread has ended. */
export interface WorkerModelSession extends ModelSession {
  readonly exited: Promise<void>;
}

const rethrow = (e: ErrorInfo): GroundLabelError => new GroundLabelError(e.code, e.message);

interface Pending {
  readonly resolve: (out: Record<string, OutputTensor>) => void;
  readonly reject: (e: Error) => void;
  readonly restore?: RunOptions['restore'];
}

/** Starts the thread; a module given as a file URL is imported after `entry.loader` registers. */
function startWorker(entry: WorkerEntry, data: SessionWorkerData): Worker {
  if (!entry.loader) return new Worker(new URL(entry.url), { workerData: data });
  const boot =
    `import(${JSON.stringify(entry.loader)})` +
    `.then((m) => m.register())` +
    `.then(() => import(${JSON.stringify(entry.url)}))`;
  return new Worker(boot, { eval: true, workerData: data });
}

/**
 * A ModelSession whose runs happen on a worker thread (session-worker.ts). The image tensor moves to
 * the thread and back without a copy; outputs move back the same way. Errors come back as ErrorInfo
 * and are rethrown as the same GroundLabelError. release() ends the thread.
 */
export async function openWorkerSession(
  file: string,
  device: Device,
  options: SessionOptions = {},
  entry?: WorkerEntry,
): Promise<WorkerModelSession> {
  let worker: Worker;
  try {
    worker = startWorker(entry ?? sessionWorkerEntry(), { file, device, options });
  } catch (e) {
    throw new WorkerStartError(`could not start the model thread: ${(e as Error).message}`, { cause: e });
  }
  const ready = await new Promise<Extract<FromWorker, { kind: 'ready' }>>((resolve, reject) => {
    const fail = (why: string, cause?: unknown) => {
      void worker.terminate();
      reject(new WorkerStartError(`the model thread stopped before the model loaded: ${why}`, { cause }));
    };
    worker.once('message', (m: FromWorker) => {
      worker.off('error', onError).off('exit', onExit);
      if (m.kind === 'ready') resolve(m);
      else if (m.kind === 'open-failed') {
        void worker.terminate();
        reject(rethrow(m.error));
      } else fail(`unexpected "${m.kind}"`);
    });
    const onError = (e: Error) => fail(e.message, e);
    const onExit = (code: number) => fail(`exit code ${code}`);
    worker.once('error', onError).once('exit', onExit);
  });
  return new WorkerSession(worker, ready);
}

class WorkerSession implements WorkerModelSession {
  readonly inputs;
  readonly outputs;
  readonly device;
  readonly exited: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Why the thread is gone, once it is. */
  private stopped: string | null = null;
  private released: Promise<void> | null = null;

  constructor(
    private readonly worker: Worker,
    ready: Extract<FromWorker, { kind: 'ready' }>,
  ) {
    this.inputs = ready.inputs;
    this.outputs = ready.outputs;
    this.device = ready.device;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) => this.stop(`the model thread failed: ${e.message}`));
    worker.on('exit', (code) => this.stop(`the model thread stopped (exit code ${code})`));
    // An idle model thread must not keep the process alive; a run in flight must.
    worker.unref();
  }

  run(
    feeds: Readonly<Record<string, FeedTensor>>,
    options: RunOptions = {},
  ): Promise<Record<string, OutputTensor>> {
    if (this.stopped) return Promise.reject(new GroundLabelError('inference-failed', this.stopped));
    // A message whose transfer list holds a buffer moved away earlier is dropped without a word: the
    // run would never settle. Refuse any feed that does not hold the values its dims call for.
    const short = Object.entries(feeds).find(([, t]) => t.data.length !== t.dims.reduce((a, d) => a * d, 1));
    if (short) {
      const [name, t] = short;
      return Promise.reject(
        new GroundLabelError(
          'inference-failed',
          `${describeFeed(name, t)} holds ${t.data.length} values${t.data.length === 0 ? ' (its buffer was moved away)' : ''}`,
        ),
      );
    }
    const lent = (options.lend ?? []).filter((name) => feeds[name] && ownsBuffer(feeds[name].data));
    const id = this.nextId++;
    const message: ToWorker = { kind: 'run', id, feeds: { ...feeds }, lent };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, restore: options.restore });
      if (this.pending.size === 1) this.worker.ref();
      try {
        this.worker.postMessage(message, movable(lent.map((name) => feeds[name].data)));
      } catch (e) {
        this.settle(id)?.reject(
          new GroundLabelError('inference-failed', `could not send the inputs: ${(e as Error).message}`),
        );
      }
    });
  }

  release(): Promise<void> {
    this.released ??= this.stopped ? this.worker.terminate().then(() => undefined) : this.releaseNow();
    return this.released;
  }

  private async releaseNow(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.worker.on('message', (m: FromWorker) => m.kind === 'released' && resolve());
      this.worker.once('exit', () => resolve());
    });
    this.worker.ref();
    this.worker.postMessage({ kind: 'release' } satisfies ToWorker);
    await done;
    this.stop('the model was closed');
    await this.worker.terminate();
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0 && !this.released) this.worker.unref();
    return p;
  }

  private onMessage(m: FromWorker): void {
    if (m.kind !== 'result' && m.kind !== 'run-failed') return;
    const p = this.settle(m.id);
    if (!p) return;
    for (const [name, data] of Object.entries(m.returned)) p.restore?.(name, data);
    if (m.kind === 'result') p.resolve(m.outputs);
    else p.reject(rethrow(m.error));
  }

  /** Fails every run in flight: their replies will never come. */
  private stop(why: string): void {
    this.stopped ??= why;
    for (const id of [...this.pending.keys()]) {
      this.settle(id)?.reject(new GroundLabelError('inference-failed', why));
    }
  }
}

export type SessionThread = 'worker' | 'main';

export interface OpenedSession {
  readonly session: ModelSession;
  readonly thread: SessionThread;
  /** Why the model runs on the main thread although a worker was asked for. */
  readonly threadFallback?: string;
}

/**
 * Opens the model on a worker thread, or on the calling thread when asked to or when no thread can
 * be started; model errors (missing, invalid, no provider) are thrown as they are either way.
 */
export async function openModelSession(
  file: string,
  device: Device,
  options: SessionOptions & { readonly thread?: SessionThread; readonly entry?: WorkerEntry },
): Promise<OpenedSession> {
  const { thread = 'worker', entry, ...sessionOptions } = options;
  if (thread === 'worker') {
    try {
      return { session: await openWorkerSession(file, device, sessionOptions, entry), thread };
    } catch (e) {
      if (!(e instanceof WorkerStartError)) throw e;
      const session = await openSession(file, device, sessionOptions);
      return { session, thread: 'main', threadFallback: e.message };
    }
  }
  return { session: await openSession(file, device, sessionOptions), thread: 'main' };
}
