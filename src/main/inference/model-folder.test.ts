import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caught, tempDirs } from './__test__/helpers';
import { DESCRIPTOR_FILE, locateModel } from './model-folder';

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
