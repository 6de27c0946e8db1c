import { describeIssues } from '../../shared/validation';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { isInside } from '../fs/paths';
import { parseJsonText } from '../../shared/json-text';
import { MEAN, STD } from './normalise';
import { detectFlavour, withProcessorRule, type Flavour } from './flavours';
import { TRANSFORMERS_DEFAULT_RULE, type InputSizeRule } from './resize';
import type { ValueInfo } from './tensors';

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

/**
 * The image processor settings a Hugging Face model folder ships: `preprocessor_config.json` (older
 * transformers and the onnx-community exports) or the `image_processor` part of
 * `processor_config.json` (transformers 5). Only what GroundLabel's preprocessing acts on is read.
 */
const imageProcessorSchema = z.object({
  do_resize: z.boolean().optional(),
  size: z
    .union([
      z.number().int().positive(),
      z.object({
        shortest_edge: z.number().int().positive().nullish(),
        longest_edge: z.number().int().positive().nullish(),
        height: z.number().int().positive().nullish(),
        width: z.number().int().positive().nullish(),
      }),
    ])
    .optional(),
  max_size: z.number().int().positive().nullish(),
  resample: z.number().int().nullish(),
  do_rescale: z.boolean().optional(),
  rescale_factor: z.number().optional(),
  do_normalize: z.boolean().optional(),
  image_mean: z.array(z.number()).length(3).optional(),
  image_std: z.array(z.number()).length(3).optional(),
});

type ImageProcessorConfig = z.infer<typeof imageProcessorSchema>;

const PROCESSOR_FILES = [
  { name: 'preprocessor_config.json', pick: (json: unknown) => json },
  {
    name: 'processor_config.json',
    pick: (json: unknown) => (json as { image_processor?: unknown } | null)?.image_processor,
  },
] as const;

/** Pillow's number for bilinear resampling, the only filter GroundLabel implements. */
const BILINEAR = 2;

const near = (a: readonly number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6);

/** The resize rule a processor config describes, or why GroundLabel cannot prepare images as it says. */
function ruleOf(config: ImageProcessorConfig, file: string): InputSizeRule {
  const refuse = (what: string) =>
    new GroundLabelError(
      'model-unsupported',
      `${file}: ${what}; GroundLabel prepares images as Grounding DINO's processor does (bilinear resize, ` +
        'x/255, ImageNet mean and std), so it cannot follow this setting.',
    );
  if (config.do_resize === false) throw refuse('"do_resize" is false');
  if (config.resample != null && config.resample !== BILINEAR)
    throw refuse(`"resample" is ${config.resample}, not ${BILINEAR} (bilinear)`);
  if (config.do_rescale === false) throw refuse('"do_rescale" is false');
  if (config.rescale_factor !== undefined && Math.abs(config.rescale_factor - 1 / 255) > 1e-9)
    throw refuse(`"rescale_factor" is ${config.rescale_factor}, not 1/255`);
  if (config.do_normalize === false) throw refuse('"do_normalize" is false');
  if (config.image_mean && !near(config.image_mean, MEAN))
    throw refuse(`"image_mean" is [${config.image_mean.join(', ')}], not [${MEAN.join(', ')}]`);
  if (config.image_std && !near(config.image_std, STD))
    throw refuse(`"image_std" is [${config.image_std.join(', ')}], not [${STD.join(', ')}]`);

  const { size } = config;
  if (size === undefined) return TRANSFORMERS_DEFAULT_RULE;
  // The old form: size is the shorter side, max_size the cap (1333 when absent, as transformers reads it).
  if (typeof size === 'number')
    return { kind: 'shortest-edge', shortestEdge: size, longestEdge: config.max_size ?? 1333 };
  if (size.shortest_edge != null && size.longest_edge != null)
    return { kind: 'shortest-edge', shortestEdge: size.shortest_edge, longestEdge: size.longest_edge };
  if (size.height != null && size.width != null)
    return { kind: 'fixed', size: { height: size.height, width: size.width } };
  throw refuse(
    `"size" is ${JSON.stringify(size)}; expected {"shortest_edge", "longest_edge"} or {"height", "width"}`,
  );
}

/**
 * The image size rule of a Hugging Face model folder, from the processor config beside `modelFile`
 * (or one folder up, for the `onnx/model.onnx` layout); null when there is none. Read synchronously:
 * it is a small file, read once when a model opens.
 */
export function readImageProcessorRule(modelFile: string): InputSizeRule | null {
  const dir = path.dirname(path.resolve(modelFile));
  const dirs = path.basename(dir) === 'onnx' ? [dir, path.dirname(dir)] : [dir];
  for (const folder of dirs) {
    for (const { name, pick } of PROCESSOR_FILES) {
      const file = path.join(folder, name);
      if (!existsSync(file)) continue;
      let json: unknown;
      try {
        json = parseJsonText(readFileSync(file, 'utf8'), file);
      } catch (e) {
        throw new GroundLabelError('model-invalid', messageOf(e), { cause: e });
      }
      const section = pick(json);
      if (section === undefined) continue; // a processor_config.json without image settings
      const parsed = imageProcessorSchema.safeParse(section);
      if (!parsed.success) {
        throw new GroundLabelError('model-invalid', `${file}: ${describeIssues(parsed.error, '(root)')}`);
      }
      return ruleOf(parsed.data, file);
    }
  }
  return null;
}

/** The model's flavour, with the size rule of its own processor config where the flavour reads one. */
export function flavourOfModel(
  file: string,
  inputs: readonly ValueInfo[],
  outputs: readonly ValueInfo[],
): Flavour {
  const flavour = detectFlavour(file, inputs, outputs);
  return withProcessorRule(flavour, flavour.readsProcessorConfig ? readImageProcessorRule(file) : null);
}
