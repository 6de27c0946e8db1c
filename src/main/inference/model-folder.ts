import { describeIssues } from '../../shared/validation';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { isInside } from '../fs/paths';
import { parseJsonText } from '../../shared/json-text';

/** `groundlabel.json`: optional facts about a model that its file cannot tell. */
export const descriptorSchema = z
  .object({
    name: z.string().min(1).optional(),
    /** The .onnx file to use when the folder holds several. */
    model: z.string().min(1).optional(),
    inputSize: z.object({ height: z.int().positive(), width: z.int().positive() }).optional(),
    boxThreshold: z.number().gt(0).lt(1).optional(),
    textThreshold: z.number().gt(0).lt(1).optional(),
    nmsIou: z.number().gt(0).lte(1).nullable().optional(),
  })
  .strict();

export type ModelDescriptor = z.infer<typeof descriptorSchema>;

export const DESCRIPTOR_FILE = 'groundlabel.json';

/** Where a model's pieces are: the weights, the folder searched for a tokenizer, the descriptor. */
export interface ModelLocation {
  readonly file: string;
  readonly dir: string;
  readonly descriptor: ModelDescriptor;
  readonly name: string;
}

async function readDescriptor(file: string): Promise<ModelDescriptor> {
  if (!existsSync(file)) return {};
  let json: unknown;
  try {
    json = parseJsonText(await readFile(file, 'utf8'), file);
  } catch (e) {
    throw new GroundLabelError('model-invalid', messageOf(e), { cause: e });
  }
  const parsed = descriptorSchema.safeParse(json);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error, '(root)');
    throw new GroundLabelError('model-invalid', `${file}: ${issues}`);
  }
  return parsed.data;
}

const onnxIn = async (dir: string): Promise<string[]> =>
  existsSync(dir) ? (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.onnx')).sort() : [];

/**
 * Resolves a model given as an .onnx file or a folder. In a folder the descriptor may name the
 * file; otherwise the only .onnx there (or in its `onnx/` subfolder, the Hugging Face layout), or
 * `model.onnx` among several.
 */
export async function locateModel(target: string): Promise<ModelLocation> {
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new GroundLabelError(
      'model-not-found',
      `Model not found: ${target} (give an .onnx file or a folder holding one)`,
    );
  }
  if (info.isFile()) {
    const dir = path.dirname(target);
    const stem = path.basename(target, path.extname(target));
    const descriptor = await readDescriptor(path.join(dir, `${stem}.${DESCRIPTOR_FILE}`));
    return { file: target, dir, descriptor, name: descriptor.name ?? stem };
  }
  const descriptor = await readDescriptor(path.join(target, DESCRIPTOR_FILE));
  const name = descriptor.name ?? path.basename(path.resolve(target));
  if (descriptor.model) {
    const file = path.resolve(target, descriptor.model);
    if (!isInside(target, file, { allowSame: false })) {
      throw new GroundLabelError(
        'model-invalid',
        `${path.join(target, DESCRIPTOR_FILE)}: "model" must stay inside the model folder`,
      );
    }
    return { file, dir: target, descriptor, name };
  }
  for (const dir of [target, path.join(target, 'onnx')]) {
    const files = await onnxIn(dir);
    if (files.length === 0) continue;
    const pick = files.length === 1 ? files[0] : files.find((f) => f === 'model.onnx');
    if (!pick) {
      throw new GroundLabelError(
        'model-invalid',
        `${dir} holds several models (${files.join(', ')}); give one file, or name it as "model" in ${DESCRIPTOR_FILE}.`,
      );
    }
    return { file: path.join(dir, pick), dir: target, descriptor, name };
  }
  throw new GroundLabelError(
    'model-not-found',
    `No .onnx file in ${target} (nor in ${path.join(target, 'onnx')}).`,
  );
}
