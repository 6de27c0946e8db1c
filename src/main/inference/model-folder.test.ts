import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caught, tempDirs } from './__test__/helpers';
import { DESCRIPTOR_FILE, locateModel, readImageProcessorRule } from './model-folder';

const newDir = tempDirs('model-folder');

/** A folder holding empty placeholder files (locateModel never opens an .onnx). */
async function folder(files: Record<string, string> = {}, name = 'grounding-dino'): Promise<string> {
  const dir = path.join(await newDir(), name);
  await mkdir(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return dir;
}

describe('locateModel', () => {
  it('takes an .onnx file as given, with its folder for the tokenizer and its stem as the name', async () => {
    const dir = await folder({ 'groundingdino_swint_ogc.onnx': '', 'other.onnx': '' });
    const file = path.join(dir, 'groundingdino_swint_ogc.onnx');
    expect(await locateModel(file)).toEqual({ file, dir, descriptor: {}, name: 'groundingdino_swint_ogc' });
  });

  it('reads the descriptor named after a given file', async () => {
    const dir = await folder({
      'gd.onnx': '',
      'gd.groundlabel.json': JSON.stringify({ name: 'Tiny', inputSize: { height: 800, width: 800 } }),
    });
    const loc = await locateModel(path.join(dir, 'gd.onnx'));
    expect(loc.name).toBe('Tiny');
    expect(loc.descriptor.inputSize).toEqual({ height: 800, width: 800 });
  });

  it('picks the only .onnx in a folder, naming the model after the folder', async () => {
    const dir = await folder(
      { 'groundingdino_swint_ogc.onnx': '', 'README.md': '', 'vocab.txt': '' },
      'gdino-a',
    );
    expect(await locateModel(dir)).toEqual({
      file: path.join(dir, 'groundingdino_swint_ogc.onnx'),
      dir,
      descriptor: {},
      name: 'gdino-a',
    });
  });

  it('recognises the .onnx extension in any case', async () => {
    const dir = await folder({ 'MODEL.ONNX': '' });
    expect((await locateModel(dir)).file).toBe(path.join(dir, 'MODEL.ONNX'));
  });

  it('refuses a folder with several .onnx files and no model.onnx, listing them', async () => {
    const dir = await folder({ 'b_quant.onnx': '', 'a_fp32.onnx': '' });
    const e = await caught(() => locateModel(dir), 'model-invalid');
    expect(e.message).toContain('a_fp32.onnx, b_quant.onnx');
    expect(e.message).toContain(DESCRIPTOR_FILE);
  });

  it('picks model.onnx among several', async () => {
    const dir = await folder({ 'model_fp16.onnx': '', 'model.onnx': '', 'model_quantized.onnx': '' });
    expect((await locateModel(dir)).file).toBe(path.join(dir, 'model.onnx'));
  });

  it('finds the model in the onnx/ subfolder of the Hugging Face layout, keeping the root as the tokenizer folder', async () => {
    const dir = await folder(
      {
        'config.json': '{}',
        'tokenizer.json': '{}',
        'onnx/model.onnx': '',
        'onnx/model_fp16.onnx': '',
        'onnx/model_quantized.onnx': '',
      },
      'grounding-dino-tiny-ONNX',
    );
    expect(await locateModel(dir)).toEqual({
      file: path.join(dir, 'onnx', 'model.onnx'),
      dir,
      descriptor: {},
      name: 'grounding-dino-tiny-ONNX',
    });
  });

  it('refuses an onnx/ subfolder with several files and no model.onnx, listing them', async () => {
    const dir = await folder({ 'onnx/model_fp16.onnx': '', 'onnx/model_q4.onnx': '' });
    const e = await caught(() => locateModel(dir), 'model-invalid');
    expect(e.message).toContain('model_fp16.onnx, model_q4.onnx');
  });

  it('takes the file a descriptor names, and its name and settings', async () => {
    const descriptor = {
      name: 'GD quant',
      model: 'onnx/model_quantized.onnx',
      boxThreshold: 0.3,
      textThreshold: 0.2,
      nmsIou: null,
    };
    const dir = await folder({
      'onnx/model.onnx': '',
      'onnx/model_quantized.onnx': '',
      [DESCRIPTOR_FILE]: JSON.stringify(descriptor),
    });
    expect(await locateModel(dir)).toEqual({
      file: path.join(dir, 'onnx', 'model_quantized.onnx'),
      dir,
      descriptor,
      name: 'GD quant',
    });
  });

  it('refuses a descriptor with a bad field with model-invalid, naming the field', async () => {
    const dir = await folder({ 'model.onnx': '', [DESCRIPTOR_FILE]: JSON.stringify({ boxThreshold: 1.5 }) });
    const e = await caught(() => locateModel(dir), 'model-invalid');
    expect(e.message).toContain(path.join(dir, DESCRIPTOR_FILE));
    expect(e.message).toContain('boxThreshold');
  });

  it('names the nested field of a bad input size', async () => {
    const dir = await folder({
      'model.onnx': '',
      [DESCRIPTOR_FILE]: JSON.stringify({ inputSize: { height: 800, width: -1 } }),
    });
    expect((await caught(() => locateModel(dir), 'model-invalid')).message).toContain('inputSize.width');
  });

  it('refuses a descriptor with an unknown field, naming it', async () => {
    const dir = await folder({ 'model.onnx': '', [DESCRIPTOR_FILE]: JSON.stringify({ boxThreshhold: 0.3 }) });
    expect((await caught(() => locateModel(dir), 'model-invalid')).message).toContain('boxThreshhold');
  });

  it('refuses a descriptor that is not JSON with model-invalid, naming the file', async () => {
    const dir = await folder({ 'model.onnx': '', [DESCRIPTOR_FILE]: '{ name: Tiny }' });
    expect((await caught(() => locateModel(dir), 'model-invalid')).message).toContain(
      path.join(dir, DESCRIPTOR_FILE),
    );
  });

  it('refuses a descriptor whose model points outside the folder', async () => {
    const dir = await folder({
      'model.onnx': '',
      [DESCRIPTOR_FILE]: JSON.stringify({ model: '../elsewhere/model.onnx' }),
    });
    const e = await caught(() => locateModel(dir), 'model-invalid');
    expect(e.message).toContain('inside the model folder');
  });

  it('refuses a descriptor whose model is an absolute path outside the folder', async () => {
    const dir = await folder({
      'model.onnx': '',
      [DESCRIPTOR_FILE]: JSON.stringify({ model: '/etc/model.onnx' }),
    });
    await caught(() => locateModel(dir), 'model-invalid');
  });

  it('accepts a descriptor naming a file inside the folder whose name begins with two dots', async () => {
    const dir = await folder({
      '..model.onnx': '',
      'other.onnx': '',
      [DESCRIPTOR_FILE]: JSON.stringify({ model: '..model.onnx' }),
    });
    expect((await locateModel(dir)).file).toBe(path.join(dir, '..model.onnx'));
  });

  it('reports a missing path with model-not-found, naming it', async () => {
    const missing = path.join(await newDir(), 'no-such-model.onnx');
    expect((await caught(() => locateModel(missing), 'model-not-found')).message).toContain(missing);
  });

  it('reports a folder without any .onnx with model-not-found, naming both places searched', async () => {
    const dir = await folder({ 'README.md': '' });
    const e = await caught(() => locateModel(dir), 'model-not-found');
    expect(e.message).toContain(dir);
    expect(e.message).toContain(path.join(dir, 'onnx'));
  });
});

describe('readImageProcessorRule', () => {
  const IMAGENET = { image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] };

  it("reads transformers 5's processor_config.json one folder above onnx/model.onnx", async () => {
    const dir = await folder({
      'onnx/model.onnx': '',
      'processor_config.json': JSON.stringify({
        processor_class: 'GroundingDinoProcessor',
        image_processor: {
          ...IMAGENET,
          resample: 2,
          rescale_factor: 0.00392156862745098,
          size: { longest_edge: 1333, shortest_edge: 800 },
        },
      }),
    });
    expect(readImageProcessorRule(path.join(dir, 'onnx', 'model.onnx'))).toEqual({
      kind: 'shortest-edge',
      shortestEdge: 800,
      longestEdge: 1333,
    });
  });

  it('prefers preprocessor_config.json, the file older exports carry, beside the model', async () => {
    const dir = await folder({
      'model.onnx': '',
      'preprocessor_config.json': JSON.stringify({ size: { shortest_edge: 640, longest_edge: 1024 } }),
      'processor_config.json': JSON.stringify({
        image_processor: { size: { shortest_edge: 800, longest_edge: 1333 } },
      }),
    });
    expect(readImageProcessorRule(path.join(dir, 'model.onnx'))).toEqual({
      kind: 'shortest-edge',
      shortestEdge: 640,
      longestEdge: 1024,
    });
  });

  it('reads the old form "size": 800 with "max_size", and a fixed height and width', async () => {
    const old = await folder({ 'preprocessor_config.json': JSON.stringify({ size: 600, max_size: 1000 }) });
    expect(readImageProcessorRule(path.join(old, 'm.onnx'))).toEqual({
      kind: 'shortest-edge',
      shortestEdge: 600,
      longestEdge: 1000,
    });
    const fixed = await folder({
      'preprocessor_config.json': JSON.stringify({ size: { height: 800, width: 800 } }),
    });
    expect(readImageProcessorRule(path.join(fixed, 'm.onnx'))).toEqual({
      kind: 'fixed',
      size: { height: 800, width: 800 },
    });
  });

  it("gives transformers' default when the config does not say the size", async () => {
    const dir = await folder({ 'preprocessor_config.json': JSON.stringify({ do_resize: true }) });
    expect(readImageProcessorRule(path.join(dir, 'm.onnx'))).toEqual({
      kind: 'shortest-edge',
      shortestEdge: 800,
      longestEdge: 1333,
    });
  });

  it('gives null for a folder without a processor config', async () => {
    const dir = await folder({
      'model.onnx': '',
      'processor_config.json': JSON.stringify({ processor_class: 'X' }),
    });
    expect(readImageProcessorRule(path.join(dir, 'model.onnx'))).toBeNull();
  });

  it.each([
    [{ resample: 3 }, '"resample" is 3'],
    [{ image_mean: [0.5, 0.5, 0.5] }, '"image_mean" is [0.5, 0.5, 0.5]'],
    [{ rescale_factor: 1 }, '"rescale_factor" is 1'],
    [{ do_normalize: false }, '"do_normalize" is false'],
    [{ do_resize: false }, '"do_resize" is false'],
    [{ size: { shortest_edge: 800 } }, '"size" is {"shortest_edge":800}'],
  ])(
    'refuses a config GroundLabel cannot follow (%j), naming the file and the setting',
    async (config, said) => {
      const dir = await folder({ 'preprocessor_config.json': JSON.stringify(config) });
      const e = await caught(() => readImageProcessorRule(path.join(dir, 'm.onnx')), 'model-unsupported');
      expect(e.message).toContain(path.join(dir, 'preprocessor_config.json'));
      expect(e.message).toContain(said);
    },
  );

  it('refuses a processor config that is not JSON with model-invalid, naming the file and line', async () => {
    const dir = await folder({ 'preprocessor_config.json': '{\n  "size": 800,\n  oops\n}' });
    const e = await caught(() => readImageProcessorRule(path.join(dir, 'm.onnx')), 'model-invalid');
    expect(e.message).toContain('preprocessor_config.json:3');
  });

  it('refuses a size of the wrong type with model-invalid, naming the field', async () => {
    const dir = await folder({ 'preprocessor_config.json': JSON.stringify({ resample: 'bilinear' }) });
    const e = await caught(() => readImageProcessorRule(path.join(dir, 'm.onnx')), 'model-invalid');
    expect(e.message).toContain('resample');
  });
});
