/**
 * One conformance run: export (or reuse) the model, make the images, run the same images and prompts
 * through transformers and through GroundLabel, and compare text inputs, pixel tensors and detections.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Thresholds } from '../src/shared/detection';
import type { ImageSize } from '../src/shared/geometry';
import { toNormalisedCHW } from '../src/main/inference/normalise';
import { parsePhrases } from '../src/main/inference/text';
import type { ImageCase, PromptCase } from './cases';
import {
  compareDetections,
  comparePixels,
  compareText,
  type DetectionParity,
  type PixelParity,
  type TextParity,
} from './compare';
import { pairKey, runGroundLabel, type GroundLabelRun } from './groundlabel';
import { runScript } from './python';
import { readTensor, runReference, type ReferenceResult } from './reference';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_CACHE = path.join(REPO_ROOT, '.cache', 'conformance');

export type ModelSize = 'tiny' | 'full';

export interface ExportedModel {
  readonly model: string;
  readonly quantised: string | null;
  readonly built: boolean;
  readonly seconds: number;
}

/** The export_model.py folder for `size`, built only when missing or out of date. */
export async function exportModel(
  size: ModelSize,
  options: { readonly quantised?: boolean; readonly cacheDir?: string; readonly echo?: boolean } = {},
): Promise<ExportedModel> {
  const args = ['--size', size, '--cache', options.cacheDir ?? DEFAULT_CACHE];
  if (options.quantised) args.push('--quantised');
  const out = await runScript('export_model.py', args, { echo: options.echo });
  const last = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as ExportedModel;
}

/** The case images in `dir` (made once; make_images.py keeps what exists). */
export async function makeImages(dir: string, cases: readonly ImageCase[]): Promise<Map<string, string>> {
  const missing = cases.filter((c) => !existsSync(path.join(dir, c.file)));
  if (missing.length) await runScript('make_images.py', [dir, ...missing.map((c) => c.file)]);
  return new Map(cases.map((c) => [c.id, path.join(dir, c.file)]));
}

export interface PixelRow {
  readonly image: ImageCase;
  readonly original: ImageSize;
  readonly groundlabel: ImageSize;
  readonly reference: ImageSize;
  /** Against GroundingDinoProcessor (Pillow backend) and the torchvision backend's resize. */
  readonly vsPil: PixelParity | null;
  readonly vsTorchvision: PixelParity | null;
  /** libvips' own resize (GroundLabel's earlier path) against the Pillow backend, when asked for. */
  readonly libvips?: PixelParity | null;
  readonly preprocessMs: number;
}

export interface TextRow {
  readonly prompt: PromptCase;
  readonly pass: number;
  readonly passes: number;
  readonly parity: TextParity;
}

export interface DetectionRow {
  readonly image: ImageCase;
  readonly prompt: PromptCase;
  readonly passes: number;
  readonly parity: DetectionParity;
  readonly ms: number;
}

export interface ParityReport {
  readonly model: string;
  readonly sizeRule: string;
  readonly reference: Pick<ReferenceResult, 'versions' | 'imageProcessor' | 'truncation' | 'sizes'>;
  readonly pixels: PixelRow[];
  readonly text: TextRow[];
  readonly detections: DetectionRow[];
  /** The quantised graph through GroundLabel against the fp32 graph through GroundLabel. */
  readonly quantised?: DetectionRow[];
}

export interface ParityOptions {
  readonly model: ExportedModel;
  readonly images: readonly ImageCase[];
  readonly imageDir: string;
  readonly prompts: readonly PromptCase[];
  readonly pairs: readonly (readonly [string, string])[];
  readonly thresholds: Thresholds;
  readonly workDir: string;
  readonly compareLibvips?: boolean;
  readonly echo?: boolean;
  readonly intraOpThreads?: number;
  readonly onProgress?: (line: string) => void;
  /** (width, height) pairs the reference also sizes by the processor's rule. */
  readonly sizes?: readonly (readonly [number, number])[];
}

const sizeOf = (shape: readonly number[]): ImageSize => ({ height: shape[1], width: shape[2] });

/** libvips' resize as GroundLabel used it before: kernel linear, in the decoding pipeline. */
async function libvipsPixels(file: string, size: ImageSize): Promise<Float32Array> {
  const data = await sharp(file, { autoOrient: true })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  return toNormalisedCHW(
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    size.width,
    size.height,
  );
}

const sameSize = (a: ImageSize, b: ImageSize) => a.width === b.width && a.height === b.height;

export async function runParity(options: ParityOptions): Promise<ParityReport> {
  const log = options.onProgress ?? (() => undefined);
  const files = await makeImages(options.imageDir, options.images);
  const imageList = options.images.map((c) => ({ id: c.id, file: files.get(c.id)! }));
  const pairs = options.pairs;

  log(`GroundLabel: ${options.images.length} images, ${pairs.length} image × prompt pairs`);
  const gl: GroundLabelRun = await runGroundLabel(
    {
      model: options.model.model,
      images: imageList,
      prompts: options.prompts,
      pairs,
      thresholds: options.thresholds,
      intraOpThreads: options.intraOpThreads,
    },
    (image, prompt, ms) => log(`  GroundLabel ${image} × ${prompt}: ${(ms / 1000).toFixed(1)} s`),
  );

  log('transformers: the same images and prompts');
  const ref = await runReference(
    {
      model: options.model.model,
      images: imageList,
      prompts: options.prompts.map((p) => ({
        id: p.id,
        text: p.text,
        runs: gl.text.get(p.id)!.runs.map((r) => ({ caption: r.caption, firstPhrase: r.phrases[0].index })),
      })),
      pairs,
      thresholds: { box: options.thresholds.box, text: options.thresholds.text },
      sizes: options.sizes,
    },
    options.workDir,
    { echo: options.echo },
  );

  const pixels: PixelRow[] = [];
  for (const image of options.images) {
    const mine = gl.images.get(image.id)!;
    const theirs = ref.pixels[image.id];
    const refSize = sizeOf(theirs.shape);
    const comparable = sameSize(mine.size, refSize);
    pixels.push({
      image,
      original: mine.original,
      groundlabel: mine.size,
      reference: refSize,
      vsPil: comparable ? comparePixels(mine.pixels, await readTensor(theirs.files.pil)) : null,
      vsTorchvision: comparable
        ? comparePixels(mine.pixels, await readTensor(theirs.files.torchvision))
        : null,
      ...(options.compareLibvips && {
        libvips: comparePixels(
          await libvipsPixels(files.get(image.id)!, refSize),
          await readTensor(theirs.files.pil),
        ),
      }),
      preprocessMs: mine.preprocessMs,
    });
  }

  // bert-base-uncased's [CLS], [SEP], '.' and '?': the delimiters of both sides (transformers' SPECIAL_TOKENS).
  const delimiters = new Set([101, 102, 1012, 1029]);
  const text: TextRow[] = options.prompts.flatMap((prompt) => {
    const mine = gl.text.get(prompt.id)!;
    const theirs = ref.text[prompt.id];
    // One pass: against the processor on the prompt as written. Several: against each pass's caption.
    return mine.inputs.map((inputs, pass) => ({
      prompt,
      pass,
      passes: mine.inputs.length,
      parity: compareText(inputs, mine.inputs.length === 1 ? theirs.whole : theirs.runs[pass], delimiters),
    }));
  });

  const byImage = new Map(options.images.map((c) => [c.id, c]));
  const byPrompt = new Map(options.prompts.map((p) => [p.id, p]));
  const detections: DetectionRow[] = pairs.map(([imageId, promptId]) => {
    const key = pairKey(imageId, promptId);
    const mine = gl.detections.get(key)!;
    const prompt = byPrompt.get(promptId)!;
    return {
      image: byImage.get(imageId)!,
      prompt,
      passes: gl.text.get(promptId)!.runs.length,
      parity: compareDetections(
        ref.detections[key],
        mine.detections,
        parsePhrases(prompt.text),
        gl.images.get(imageId)!.original,
        { minIou: 0.99, boxThreshold: options.thresholds.box },
      ),
      ms: mine.ms,
    };
  });

  let quantised: DetectionRow[] | undefined;
  if (options.model.quantised) {
    log('GroundLabel with the quantised graph');
    const q = await runGroundLabel({
      model: options.model.quantised,
      images: imageList,
      prompts: options.prompts,
      pairs,
      thresholds: options.thresholds,
      intraOpThreads: options.intraOpThreads,
    });
    quantised = pairs.map(([imageId, promptId]) => {
      const key = pairKey(imageId, promptId);
      const prompt = byPrompt.get(promptId)!;
      // The fp32 result plays the reference here: same phrases, labels compared as phrases.
      const fp32 = gl.detections.get(key)!.detections.map((d) => ({
        box: [d.box.x1, d.box.y1, d.box.x2, d.box.y2] as const,
        score: d.score,
        label: d.phrase,
        phraseIndex: d.phraseIndex,
      }));
      return {
        image: byImage.get(imageId)!,
        prompt,
        passes: gl.text.get(promptId)!.runs.length,
        parity: compareDetections(
          fp32,
          q.detections.get(key)!.detections,
          parsePhrases(prompt.text),
          gl.images.get(imageId)!.original,
          {
            minIou: 0.5,
            boxThreshold: options.thresholds.box,
            borderline: 0,
          },
        ),
        ms: q.detections.get(key)!.ms,
      };
    });
  }

  return {
    model: options.model.model,
    sizeRule: gl.sizeRule,
    reference: {
      versions: ref.versions,
      imageProcessor: ref.imageProcessor,
      truncation: ref.truncation,
      sizes: ref.sizes,
    },
    pixels,
    text,
    detections,
    ...(quantised && { quantised }),
  };
}
