import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildColourModel } from '../../../test/fixtures/onnx/colour-model';
import { GroundLabelError } from '../../shared/errors';
import { caught, tempDirs } from './__test__/helpers';
import { toNormalisedCHW } from './normalise';
import { openSession, type ModelSession } from './session';
import type { FeedTensor } from './tensors';
import { openModelSession, openWorkerSession, type WorkerModelSession } from './worker-session';

const newDir = tempDirs('worker-session');
let dir: string;
let modelFile: string;

beforeAll(async () => {
  dir = await newDir();
  modelFile = path.join(dir, 'colour-a.onnx');
  await writeFile(modelFile, buildColourModel({ flavour: 'A' }));
});

const H = 40;
const W = 60;

/** Flavour A feeds for a white image, red on its left half unless `blank`, and the prompt "red . blue". */
function feeds(blank = false): Record<string, FeedTensor> {
  const rgb = new Uint8Array(3 * H * W).fill(255);
  for (let y = 0; y < H && !blank; y++) {
    for (let x = 0; x < W / 2; x++) rgb.set([255, 0, 0], 3 * (y * W + x));
  }
  const pixels = toNormalisedCHW(rgb, W, H);
  const n = 5;
  return {
    img: { type: 'float32', data: pixels, dims: [1, 3, H, W] },
    input_ids: { type: 'int64', data: BigInt64Array.from([101n, 2417n, 1012n, 2630n, 102n]), dims: [1, n] },
    attention_mask: { type: 'bool', data: new Uint8Array(n).fill(1), dims: [1, n] },
    position_ids: { type: 'int64', data: BigInt64Array.from([0n, 1n, 2n, 1n, 0n]), dims: [1, n] },
    token_type_ids: { type: 'int64', data: new BigInt64Array(n), dims: [1, n] },
    text_token_mask: { type: 'bool', data: new Uint8Array(n * n).fill(1), dims: [1, n, n] },
  };
}

describe('openWorkerSession', () => {
  let local: ModelSession;
  let remote: WorkerModelSession;
  beforeAll(async () => {
    local = await openSession(modelFile, 'cpu');
    remote = await openWorkerSession(modelFile, 'cpu');
  });
  afterAll(async () => {
    await local.release();
    await remote.release();
  });

  it('describes the model and device exactly as the in-thread session does', () => {
    expect(remote.inputs).toEqual(local.inputs);
    expect(remote.outputs).toEqual(local.outputs);
    expect(remote.device).toEqual(local.device);
  });

  it('returns the same outputs, bit for bit, as the in-thread session', async () => {
    const expected = await local.run(feeds());
    const actual = await remote.run(feeds());
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, out] of Object.entries(expected)) {
      expect(actual[name].dims).toEqual(out.dims);
      expect(Buffer.from(actual[name].data.buffer).equals(Buffer.from(out.data.buffer))).toBe(true);
    }
  });

  it('moves a lent feed to the thread and hands the same data back through restore', async () => {
    const f = feeds();
    const original = f.img.data.slice();
    const restored: Record<string, FeedTensor['data']> = {};
    const running = remote.run(f, { lend: ['img'], restore: (name, data) => (restored[name] = data) });
    // Moved, not copied: the caller's array is detached while the model has it.
    expect(f.img.data.length).toBe(0);
    await running;
    expect(Object.keys(restored)).toEqual(['img']);
    expect(restored.img).toEqual(original);
    // Feeds that were not lent stay with the caller.
    expect(f.input_ids.data.length).toBe(5);
  });

  it('copies a lent feed that is a view into a larger buffer instead of moving it', async () => {
    const f = feeds();
    const pixels = f.img.data as Float32Array;
    const backing = new Float32Array(pixels.length + 8);
    const view = backing.subarray(8);
    view.set(pixels);
    let restored = false;
    const out = await remote.run(
      { ...f, img: { type: 'float32', data: view, dims: f.img.dims } },
      { lend: ['img'], restore: () => (restored = true) },
    );
    expect(backing.length).toBe(pixels.length + 8);
    expect(
      Buffer.from(out.boxes.data.buffer).equals(Buffer.from((await local.run(f)).boxes.data.buffer)),
    ).toBe(true);
    expect(restored).toBe(false);
  });

  it('serves concurrent runs, each with its own outputs', async () => {
    const [a, b, c] = await Promise.all([remote.run(feeds()), remote.run(feeds(true)), remote.run(feeds())]);
    const [ea, eb] = [await local.run(feeds()), await local.run(feeds(true))];
    const same = (x: Float32Array, y: Float32Array) => Buffer.from(x.buffer).equals(Buffer.from(y.buffer));
    for (const name of ['logits', 'boxes']) {
      expect(same(a[name].data, ea[name].data)).toBe(true);
      expect(same(c[name].data, ea[name].data)).toBe(true);
      expect(same(b[name].data, eb[name].data)).toBe(true);
    }
    // The red box is only in the red image's outputs: the replies were not mixed up.
    expect(same(a.boxes.data, b.boxes.data)).toBe(false);
  });

  it('refuses a feed whose buffer was moved away, instead of waiting for a reply that never comes', async () => {
    const f = feeds();
    structuredClone(f.img.data.buffer, { transfer: [f.img.data.buffer as ArrayBuffer] });
    const e = await caught(() => remote.run(f, { lend: ['img'] }), 'inference-failed');
    expect(e.message).toBe(`img float32[1,3,${H},${W}] holds 0 values (its buffer was moved away)`);
    expect((await remote.run(feeds())).logits.dims).toEqual([1, 900, 256]);
  });

  it('rethrows a failed run as the GroundLabelError the in-thread session throws, and lends back', async () => {
    const bad = {
      ...feeds(),
      input_ids: { type: 'int64', data: new BigInt64Array(3), dims: [1, 3] },
    } as const;
    const expected = await caught(() => local.run(bad), 'inference-failed');
    const f = { ...bad, img: feeds().img };
    let back: FeedTensor['data'] | undefined;
    const e = await caught(
      () => remote.run(f, { lend: ['img'], restore: (_, d) => (back = d) }),
      'inference-failed',
    );
    expect(e.message).toBe(expected.message);
    expect(back?.length).toBe(3 * H * W);
    // The thread is still usable after a failed run.
    expect((await remote.run(feeds())).logits.dims).toEqual([1, 900, 256]);
  });
});

describe('a session on either thread', () => {
  it.each(['main', 'worker'] as const)(
    'on the %s thread, runs calls made before the last settled in order, past a failing one, and releases after them',
    async (thread) => {
      const { session } = await openModelSession(modelFile, 'cpu', { thread });
      const settled: string[] = [];
      const bad = {
        ...feeds(),
        input_ids: { type: 'int64', data: new BigInt64Array(3), dims: [1, 3] },
      } as const;
      const runs = [
        session.run(feeds()).then(() => settled.push('red')),
        session.run(bad).catch(() => settled.push('failed')),
        session.run(feeds(true)).then(() => settled.push('blank')),
      ];
      const released = session.release().then(() => settled.push('released'));
      await Promise.all([...runs, released]);
      expect(settled).toEqual(['red', 'failed', 'blank', 'released']);
    },
  );
});

describe('openWorkerSession errors and lifetime', () => {
  it('reports a missing model with the same code and message as the in-thread session', async () => {
    const file = path.join(dir, 'missing.onnx');
    const expected = await caught(() => openSession(file, 'cpu'), 'model-not-found');
    expect((await caught(() => openWorkerSession(file, 'cpu'), 'model-not-found')).message).toBe(
      expected.message,
    );
  });

  it('reports a file that is no ONNX model with the same code and message', async () => {
    const file = path.join(dir, 'not-a-model.onnx');
    await writeFile(file, 'this is not a protobuf');
    const expected = await caught(() => openSession(file, 'cpu'), 'model-invalid');
    const e = await caught(() => openWorkerSession(file, 'cpu'), 'model-invalid');
    expect(e.message).toBe(expected.message);
  });

  it('ends the thread on release, after which runs fail with inference-failed', async () => {
    const session = await openWorkerSession(modelFile, 'cpu');
    let ended = false;
    void session.exited.then(() => (ended = true));
    await session.run(feeds());
    expect(ended).toBe(false);
    await session.release();
    await session.exited;
    expect(ended).toBe(true);
    await caught(() => session.run(feeds()), 'inference-failed');
  });

  it('fails runs in flight with inference-failed when the thread dies', async () => {
    // A stand-in thread that loads nothing, says it is ready and dies on its first run.
    const entry = path.join(dir, 'dies-on-run.mjs');
    await writeFile(
      entry,
      `import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ kind: 'ready', inputs: [], outputs: [], device: { requested: 'cpu', provider: 'cpu' } });
parentPort.on('message', () => process.exit(7));
`,
    );
    const session = await openWorkerSession(modelFile, 'cpu', {}, { url: pathToFileURL(entry).href });
    const e = await caught(() => session.run(feeds(), { lend: ['img'] }), 'inference-failed');
    expect(e.message).toContain('exit code 7');
    await caught(() => session.run(feeds()), 'inference-failed');
    await session.release();
  });
});

describe('openModelSession', () => {
  it('runs the model on a worker thread by default', async () => {
    const { session, thread, threadFallback } = await openModelSession(modelFile, 'cpu', {});
    expect(thread).toBe('worker');
    expect(threadFallback).toBeUndefined();
    await session.release();
  });

  it('falls back to the main thread, saying why, when no thread can start', async () => {
    const missing = pathToFileURL(path.join(dir, 'no-such-worker.mjs')).href;
    const opened = await openModelSession(modelFile, 'cpu', { entry: { url: missing } });
    expect(opened.thread).toBe('main');
    expect(opened.threadFallback).toContain('model thread');
    expect((await opened.session.run(feeds())).logits.dims).toEqual([1, 900, 256]);
    await opened.session.release();
  });

  it('does not hide model errors behind the fallback', async () => {
    const e = await caught(
      () => openModelSession(path.join(dir, 'missing.onnx'), 'cpu', {}),
      'model-not-found',
    );
    expect(e).toBeInstanceOf(GroundLabelError);
  });
});
