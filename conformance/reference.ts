/** transformers' side of the comparison: reference.py run on a spec, its result read back typed. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runScript } from './python';

export interface ReferenceText {
  readonly input_ids: number[];
  readonly attention_mask: number[];
  readonly token_type_ids: number[];
  readonly position_ids: number[];
  /** n×n row-major text self-attention mask as a string of 0 and 1. */
  readonly text_mask: string;
}

export interface ReferenceDetection {
  /** [x1, y1, x2, y2] in pixels of the oriented image, not clamped. */
  readonly box: [number, number, number, number];
  readonly score: number;
  /** post_process_grounded_object_detection's text label. */
  readonly label: string;
  /** The phrase GroundLabel's rule picks from the same logits, as an index into the whole prompt. */
  readonly phraseIndex: number;
  readonly run: number;
  readonly query: number;
}

export interface ReferenceResult {
  readonly versions: Record<string, string>;
  readonly imageProcessor: string;
  readonly pixels: Record<
    string,
    {
      readonly shape: [number, number, number];
      readonly original: [number, number];
      readonly files: { readonly pil: string; readonly torchvision: string };
    }
  >;
  readonly text: Record<string, { readonly whole: ReferenceText; readonly runs: ReferenceText[] }>;
  readonly detections: Record<string, ReferenceDetection[]>;
  readonly truncation: Record<
    string,
    { readonly tokens: number; readonly kept: number; readonly phrases: number; readonly phrasesCut: number }
  >;
  /** [height, width] for each of the spec's sizes. */
  readonly sizes?: [number, number][];
  readonly seconds: number;
}

export interface ReferenceSpec {
  readonly model: string;
  readonly images: readonly { readonly id: string; readonly file: string }[];
  readonly prompts: readonly {
    readonly id: string;
    readonly text: string;
    /** GroundLabel's passes for this prompt, each with the prompt index of its first phrase. */
    readonly runs: readonly { readonly caption: string; readonly firstPhrase: number }[];
  }[];
  readonly pairs: readonly (readonly [string, string])[];
  readonly thresholds: { readonly box: number; readonly text: number };
  /** (width, height) pairs to size by the processor's rule. */
  readonly sizes?: readonly (readonly [number, number])[];
}

export const pairKey = (imageId: string, promptId: string): string => `${imageId}|${promptId}`;

/** Runs reference.py in `workDir` (spec, result and pixel tensors are written there). */
export async function runReference(
  spec: ReferenceSpec,
  workDir: string,
  options: { readonly echo?: boolean } = {},
): Promise<ReferenceResult> {
  await mkdir(workDir, { recursive: true });
  const specFile = path.join(workDir, 'reference-spec.json');
  const resultFile = path.join(workDir, 'reference-result.json');
  await writeFile(specFile, JSON.stringify({ ...spec, pixelDir: path.join(workDir, 'pixels') }));
  await runScript('reference.py', [specFile, resultFile], { echo: options.echo });
  return JSON.parse(await readFile(resultFile, 'utf8')) as ReferenceResult;
}

/** A float32 CHW tensor written by reference.py. */
export async function readTensor(file: string): Promise<Float32Array> {
  const bytes = await readFile(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
