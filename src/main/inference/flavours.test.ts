import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caught, tempDirs } from './__test__/helpers';
import { declaredImageSize, detectFlavour, FLAVOURS, maxTextTokens, type FeedSource } from './flavours';
import { flavourOfModel } from './model-folder';
import type { FeedTensor, ValueInfo } from './tensors';
import type { TextRun } from './text';

const newDir = tempDirs('flavours');
const v = (name: string, type: string, dims: (number | string | null)[]): ValueInfo => ({ name, type, dims });

const A_INPUTS = [
  v('img', 'float32', ['batch', 3, 'height', 'width']),
  v('input_ids', 'int64', ['batch', 'seq']),
  v('attention_mask', 'bool', ['batch', 'seq']),
  v('position_ids', 'int64', ['batch', 'seq']),
  v('token_type_ids', 'int64', ['batch', 'seq']),
  v('text_token_mask', 'bool', ['batch', 'seq', 'seq']),
];
const A_OUTPUTS = [v('logits', 'float32', ['batch', 900, 256]), v('boxes', 'float32', ['batch', 900, 4])];

const B_INPUTS = [
  v('pixel_values', 'float32', ['batch_size', 3, 'height', 'width']),
  v('input_ids', 'int64', ['batch_size', 'sequence_length']),
  v('token_type_ids', 'int64', ['batch_size', 'sequence_length']),
  v('attention_mask', 'int64', ['batch_size', 'sequence_length']),
  v('pixel_mask', 'int64', ['batch_size', 'height', 'width']),
];
const B_OUTPUTS = [
  v('logits', 'float32', ['batch_size', 'num_queries', 256]),
  v('pred_boxes', 'float32', ['batch_size', 'num_queries', 4]),
];

const C_INPUTS = [
  v('inputs', 'float32', ['batch', 3, 544, 960]),
  v('input_ids', 'int64', ['batch', 256]),
  v('attention_mask', 'int64', ['batch', 256]),
  v('position_ids', 'int64', ['batch', 256]),
  v('token_type_ids', 'int64', ['batch', 256]),
  v('text_token_mask', 'bool', ['batch', 256, 256]),
];
const C_OUTPUTS = [
  v('pred_logits', 'float32', ['batch', 900, 256]),
  v('pred_boxes', 'float32', ['batch', 900, 4]),
];

const reversed = <T>(xs: readonly T[]) => [...xs].reverse();
const shuffled = <T>(xs: readonly T[]) =>
  xs
    .map((x, i) => [x, (i * 7 + 3) % xs.length] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([x]) => x);

describe('detectFlavour', () => {
  it('recognises the original-repo export (flavour A) by its input names', () => {
    const f = detectFlavour('a.onnx', A_INPUTS, A_OUTPUTS);
    expect(f.id).toBe('A');
    expect([f.imageInput, f.logits, f.boxes]).toEqual(['img', 'logits', 'boxes']);
  });

  it('recognises the Hugging Face export (flavour B) by its input names', () => {
    const f = detectFlavour('b.onnx', B_INPUTS, B_OUTPUTS);
    expect(f.id).toBe('B');
    expect([f.imageInput, f.logits, f.boxes]).toEqual(['pixel_values', 'logits', 'pred_boxes']);
  });

  it('recognises both flavours whatever the order of the inputs and outputs', () => {
    expect(detectFlavour('a.onnx', reversed(A_INPUTS), reversed(A_OUTPUTS)).id).toBe('A');
    expect(detectFlavour('a.onnx', shuffled(A_INPUTS), A_OUTPUTS).id).toBe('A');
    expect(detectFlavour('b.onnx', reversed(B_INPUTS), reversed(B_OUTPUTS)).id).toBe('B');
    expect(detectFlavour('b.onnx', shuffled(B_INPUTS), B_OUTPUTS).id).toBe('B');
  });

  it('accepts extra outputs besides logits and boxes', () => {
    expect(
      detectFlavour('b.onnx', B_INPUTS, [...B_OUTPUTS, v('last_hidden_state', 'float32', [1, 900, 256])]).id,
    ).toBe('B');
  });

  it('refuses the NVIDIA TAO export (flavour C) with model-unsupported, naming TAO, the file and the inputs found', async () => {
    const e = await caught(() => detectFlavour('/models/tao.onnx', C_INPUTS, C_OUTPUTS), 'model-unsupported');
    expect(e.message).toContain('TAO');
    expect(e.message).toContain('/models/tao.onnx');
    expect(e.message).toContain('inputs float32[batch,3,544,960]');
    expect(e.message).toContain('text_token_mask bool[batch,256,256]');
  });

  it('refuses unknown inputs with model-unsupported, listing what was found and what each flavour expects', async () => {
    const e = await caught(
      () =>
        detectFlavour(
          'yolo.onnx',
          [v('images', 'float32', [1, 3, 640, 640])],
          [v('output0', 'float32', [1, 84, 8400])],
        ),
      'model-unsupported',
    );
    expect(e.message).toContain('yolo.onnx');
    expect(e.message).toContain('images float32[1,3,640,640]');
    for (const f of FLAVOURS) for (const name of f.inputs) expect(e.message).toContain(name);
    expect(e.message).toContain('pixel_mask');
    expect(e.message).toContain('text_token_mask');
  });

  it('refuses a model with a flavour’s inputs but one missing, saying which were found', async () => {
    const e = await caught(
      () =>
        detectFlavour(
          'b.onnx',
          B_INPUTS.filter((i) => i.name !== 'pixel_mask'),
          B_OUTPUTS,
        ),
      'model-unsupported',
    );
    expect(e.message).toContain('pixel_values float32');
    expect(e.message).toContain('Expected');
  });

  it('refuses a model with no inputs, saying none were found', async () => {
    const e = await caught(() => detectFlavour('empty.onnx', [], []), 'model-unsupported');
    expect(e.message).toContain('none');
  });

  it('refuses a model with the inputs of a flavour but without its outputs, naming the missing ones and those found', async () => {
    const e = await caught(
      () =>
        detectFlavour('a.onnx', A_INPUTS, [
          v('logits', 'float32', [1, 900, 256]),
          v('pred_boxes', 'float32', [1, 900, 4]),
        ]),
      'model-unsupported',
    );
    expect(e.message).toContain('boxes');
    expect(e.message).toContain('pred_boxes float32[1,900,4]');
    const e2 = await caught(() => detectFlavour('b.onnx', B_INPUTS, []), 'model-unsupported');
    expect(e2.message).toContain('logits, pred_boxes');
  });
});

describe('declaredImageSize', () => {
  const [A, B] = [FLAVOURS.find((f) => f.id === 'A')!, FLAVOURS.find((f) => f.id === 'B')!];

  it('uses numeric H and W declared on the image input (a static export)', () => {
    const inputs = B_INPUTS.map((i) =>
      i.name === 'pixel_values' ? v('pixel_values', 'float32', [1, 3, 800, 800]) : i,
    );
    expect(declaredImageSize(B, inputs)).toEqual({ height: 800, width: 800 });
    const a = A_INPUTS.map((i) => (i.name === 'img' ? v('img', 'float32', [1, 3, 800, 1200]) : i));
    expect(declaredImageSize(A, a)).toEqual({ height: 800, width: 1200 });
  });

  it('gives no size for symbolic or unknown dims', () => {
    expect(declaredImageSize(A, A_INPUTS)).toBeNull();
    expect(declaredImageSize(B, B_INPUTS)).toBeNull();
    expect(declaredImageSize(B, [v('pixel_values', 'float32', [1, 3, null, null])])).toBeNull();
    expect(declaredImageSize(B, [v('pixel_values', 'float32', [1, 3, 800, 'width'])])).toBeNull();
  });

  it('gives no size when the image input is absent', () => {
    expect(declaredImageSize(A, B_INPUTS)).toBeNull();
  });
});

describe('the default image size of each flavour', () => {
  it("is the fixed 800×1200 (H×W) traced size for flavour A and transformers' 800/1333 rule for flavour B", () => {
    expect(FLAVOURS.find((f) => f.id === 'A')!.defaultSize).toEqual({
      kind: 'fixed',
      size: { height: 800, width: 1200 },
    });
    expect(FLAVOURS.find((f) => f.id === 'B')!.defaultSize).toEqual({
      kind: 'shortest-edge',
      shortestEdge: 800,
      longestEdge: 1333,
    });
  });

  it("takes flavour B's rule from the processor config of its Hugging Face folder", async () => {
    const dir = await newDir();
    await mkdir(path.join(dir, 'onnx'));
    await writeFile(
      path.join(dir, 'preprocessor_config.json'),
      JSON.stringify({ size: { shortest_edge: 600, longest_edge: 1000 }, resample: 2 }),
    );
    expect(flavourOfModel(path.join(dir, 'onnx', 'model.onnx'), B_INPUTS, B_OUTPUTS).defaultSize).toEqual({
      kind: 'shortest-edge',
      shortestEdge: 600,
      longestEdge: 1000,
    });
  });

  it('keeps flavour A at its traced size even beside a processor config', async () => {
    const dir = await newDir();
    await writeFile(
      path.join(dir, 'preprocessor_config.json'),
      JSON.stringify({ size: { height: 5, width: 5 } }),
    );
    expect(flavourOfModel(path.join(dir, 'a.onnx'), A_INPUTS, A_OUTPUTS).defaultSize).toEqual({
      kind: 'fixed',
      size: { height: 800, width: 1200 },
    });
  });
});

describe('maxTextTokens', () => {
  const B = FLAVOURS.find((f) => f.id === 'B')!;

  it("reads the text length from the logits' last dim", () => {
    expect(maxTextTokens(B, [v('logits', 'float32', [1, 900, 256])])).toBe(256);
    expect(maxTextTokens(B, [v('logits', 'float32', [1, 900, 128])])).toBe(128);
  });

  it('caps it at 256, the BERT limit', () => {
    expect(maxTextTokens(B, [v('logits', 'float32', [1, 900, 512])])).toBe(256);
  });

  it('falls back to 256 when the last dim is symbolic, unknown or absent', () => {
    expect(maxTextTokens(B, [v('logits', 'float32', ['b', 'q', 't'])])).toBe(256);
    expect(maxTextTokens(B, [v('logits', 'float32', [1, 900, null])])).toBe(256);
    expect(maxTextTokens(B, [])).toBe(256);
  });
});

describe('feeds', () => {
  // "cat . dog ." with its model-inputs §3 mask.
  const text: TextRun = {
    caption: 'cat . dog .',
    ids: [101, 4937, 1012, 3899, 1012, 102],
    positionIds: [0, 0, 1, 0, 1, 0],
    mask: Uint8Array.from('100000011000011000000110000110000001', Number),
    phrases: [
      { phrase: 'cat', index: 0, start: 1, end: 2 },
      { phrase: 'dog', index: 1, start: 3, end: 4 },
    ],
  };
  const size = { height: 4, width: 6 };
  const src: FeedSource = { pixels: new Float32Array(3 * 4 * 6).fill(0.25), size, text };
  const shape = (feeds: Record<string, FeedTensor>) =>
    Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, [t.type, t.dims]]));

  it('builds exactly the inputs of flavour A, with bool masks and int64 ids', () => {
    const a = FLAVOURS.find((f) => f.id === 'A')!;
    const feeds = a.feeds(src);
    expect(shape(feeds)).toEqual({
      img: ['float32', [1, 3, 4, 6]],
      input_ids: ['int64', [1, 6]],
      attention_mask: ['bool', [1, 6]],
      position_ids: ['int64', [1, 6]],
      token_type_ids: ['int64', [1, 6]],
      text_token_mask: ['bool', [1, 6, 6]],
    });
    expect(Object.keys(feeds).sort()).toEqual([...a.inputs].sort());
    expect(feeds.img.data).toBe(src.pixels);
    expect(feeds.input_ids.data).toEqual(BigInt64Array.from([101n, 4937n, 1012n, 3899n, 1012n, 102n]));
    expect(feeds.position_ids.data).toEqual(BigInt64Array.from([0n, 0n, 1n, 0n, 1n, 0n]));
    expect(feeds.token_type_ids.data).toEqual(new BigInt64Array(6));
    expect(feeds.attention_mask.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(feeds.attention_mask.data as Uint8Array)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(feeds.text_token_mask.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(feeds.text_token_mask.data as Uint8Array)).toEqual(Array.from(text.mask));
  });

  it('builds exactly the inputs of flavour B, with int64 masks and a pixel mask of ones', () => {
    const b = FLAVOURS.find((f) => f.id === 'B')!;
    const feeds = b.feeds(src);
    expect(shape(feeds)).toEqual({
      pixel_values: ['float32', [1, 3, 4, 6]],
      input_ids: ['int64', [1, 6]],
      token_type_ids: ['int64', [1, 6]],
      attention_mask: ['int64', [1, 6]],
      pixel_mask: ['int64', [1, 4, 6]],
    });
    expect(Object.keys(feeds).sort()).toEqual([...b.inputs].sort());
    expect(feeds.pixel_values.data).toBe(src.pixels);
    expect(feeds.input_ids.data).toEqual(BigInt64Array.from([101n, 4937n, 1012n, 3899n, 1012n, 102n]));
    expect(feeds.token_type_ids.data).toEqual(new BigInt64Array(6));
    expect(feeds.attention_mask.data).toEqual(new BigInt64Array(6).fill(1n));
    expect(feeds.pixel_mask.data).toEqual(new BigInt64Array(24).fill(1n));
  });

  it('sizes every feed by its data', () => {
    for (const f of FLAVOURS) {
      for (const [name, t] of Object.entries(f.feeds(src))) {
        expect(t.data.length, `${f.id}.${name}`).toBe(t.dims.reduce((a, b) => a * b, 1));
      }
    }
  });
});
