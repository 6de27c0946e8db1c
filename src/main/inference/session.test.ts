import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caught, tempDirs } from './__test__/helpers';
import { openSession } from './session';

const newDir = tempDirs('session');

describe('openSession', () => {
  it('reports a missing model file with model-not-found, naming it', async () => {
    const file = path.join(await newDir(), 'missing.onnx');
    expect((await caught(() => openSession(file, 'cpu'), 'model-not-found')).message).toContain(file);
  });

  it('reports a file that is not an ONNX model with model-invalid, naming it', async () => {
    const file = path.join(await newDir(), 'not-a-model.onnx');
    await writeFile(file, 'this is not a protobuf');
    const e = await caught(() => openSession(file, 'cpu'), 'model-invalid');
    expect(e.message).toContain(file);
    expect(e.message).toContain('not a loadable ONNX model');
  });
});
