/**
 * Worker thread entry: owns one onnxruntime session. A run blocks the thread that calls it for the
 * model's whole time, so it happens here and the main thread stays free to decode the next images.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { isGroundLabelError, messageOf, type ErrorInfo } from '../../shared/errors';
import { openSession, type ModelSession } from './session';
import { movable, type FromWorker, type SessionWorkerData, type ToWorker } from './session-messages';
import type { FeedTensor } from './tensors';

function ownerPort(): MessagePort {
  if (!parentPort) throw new Error('session-worker must run in a worker thread');
  return parentPort;
}
const port = ownerPort();

const toErrorInfo = (e: unknown, code: ErrorInfo['code']): ErrorInfo =>
  isGroundLabelError(e) ? e.toJSON() : { code, message: messageOf(e) };

const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function serve(session: ModelSession, message: ToWorker): Promise<boolean> {
  if (message.kind === 'release') {
    // The thread ends right after, which frees the session's memory even if release failed.
    await session.release().catch(() => undefined);
    send({ kind: 'released' });
    return false;
  }
  const returned: Record<string, FeedTensor['data']> = {};
  for (const name of message.lent) returned[name] = message.feeds[name].data;
  try {
    const outputs = await session.run(message.feeds);
    const arrays = [...Object.values(returned), ...Object.values(outputs).map((o) => o.data)];
    send({ kind: 'result', id: message.id, outputs, returned }, movable(arrays));
  } catch (e) {
    send(
      { kind: 'run-failed', id: message.id, error: toErrorInfo(e, 'inference-failed'), returned },
      movable(Object.values(returned)),
    );
  }
  return true;
}

async function main(): Promise<void> {
  const { file, device, options } = workerData as SessionWorkerData;
  let session: ModelSession;
  try {
    session = await openSession(file, device, options);
  } catch (e) {
    send({ kind: 'open-failed', error: toErrorInfo(e, 'model-invalid') });
    port.close();
    return;
  }
  send({ kind: 'ready', inputs: [...session.inputs], outputs: [...session.outputs], device: session.device });
  // One message at a time: runs never overlap on the session, and release waits for the last run.
  let chain = Promise.resolve(true);
  port.on('message', (message: ToWorker) => {
    chain = chain.then((open) => (open ? serve(session, message) : false));
    void chain.then((open) => {
      if (!open) port.close();
    });
  });
}

void main();
