import { GroundLabelError } from '../../shared/errors';
import type { ImageSize } from '../../shared/geometry';
import { TRANSFORMERS_DEFAULT_RULE, type InputSizeRule } from './resize';
import type { TextRun } from './text';
import { describeValue, int64, type FeedTensor, type ValueInfo } from './tensors';

export type FlavourId = 'A' | 'B';

/** What one forward pass is fed from: the normalised image and one text run. */
export interface FeedSource {
  readonly pixels: Float32Array;
  readonly size: ImageSize;
  readonly text: TextRun;
}

/**
 * A row of the flavour registry: the names that identify an export, where its outputs are, how its
 * image is sized by default and how its inputs are built. Adding an export means adding a row.
 */
export interface Flavour {
  readonly id: FlavourId;
  readonly label: string;
  readonly inputs: readonly string[];
  readonly imageInput: string;
  readonly logits: string;
  readonly boxes: string;
  /** Used when neither the descriptor nor the declared dims give a size. */
  readonly defaultSize: InputSizeRule;
  /** Whether the model folder's processor config (Hugging Face layout) decides the size rule. */
  readonly readsProcessorConfig: boolean;
  feeds(src: FeedSource): Record<string, FeedTensor>;
}

const imageTensor = (src: FeedSource): FeedTensor => ({
  type: 'float32',
  data: src.pixels,
  dims: [1, 3, src.size.height, src.size.width],
});

export const FLAVOURS: readonly Flavour[] = [
  {
    id: 'A',
    label: 'original-repo export (img, text_token_mask)',
    inputs: ['img', 'input_ids', 'attention_mask', 'position_ids', 'token_type_ids', 'text_token_mask'],
    imageInput: 'img',
    logits: 'logits',
    boxes: 'boxes',
    // These files are traced at 800×1200 and only work at that size (docs/model-inputs.md §1).
    defaultSize: { kind: 'fixed', size: { height: 800, width: 1200 } },
    readsProcessorConfig: false,
    feeds: (src) => {
      const n = src.text.ids.length;
      return {
        img: imageTensor(src),
        input_ids: int64(src.text.ids, [1, n]),
        attention_mask: { type: 'bool', data: new Uint8Array(n).fill(1), dims: [1, n] },
        position_ids: int64(src.text.positionIds, [1, n]),
        token_type_ids: { type: 'int64', data: new BigInt64Array(n), dims: [1, n] },
        text_token_mask: { type: 'bool', data: src.text.mask, dims: [1, n, n] },
      };
    },
  },
  {
    id: 'B',
    label: 'Hugging Face / transformers.js export (pixel_values, pixel_mask)',
    inputs: ['pixel_values', 'input_ids', 'token_type_ids', 'attention_mask', 'pixel_mask'],
    imageInput: 'pixel_values',
    logits: 'logits',
    boxes: 'pred_boxes',
    // A Hugging Face export is sized as transformers sizes it: by its folder's processor config,
    // else by transformers' default for Grounding DINO.
    defaultSize: TRANSFORMERS_DEFAULT_RULE,
    readsProcessorConfig: true,
    feeds: (src) => {
      const n = src.text.ids.length;
      const { width, height } = src.size;
      return {
        pixel_values: imageTensor(src),
        input_ids: int64(src.text.ids, [1, n]),
        token_type_ids: { type: 'int64', data: new BigInt64Array(n), dims: [1, n] },
        attention_mask: { type: 'int64', data: new BigInt64Array(n).fill(1n), dims: [1, n] },
        pixel_mask: {
          type: 'int64',
          data: new BigInt64Array(width * height).fill(1n),
          dims: [1, height, width],
        },
      };
    },
  },
];

/** Exports we recognise but cannot run, with the reason shown to the person. */
const REFUSED = [
  {
    inputs: ['inputs', 'input_ids', 'attention_mask', 'position_ids', 'token_type_ids', 'text_token_mask'],
    reason:
      'This is an NVIDIA TAO Grounding DINO export (flavour C: inputs "inputs" [B,3,544,960], pred_logits), which GroundLabel does not support yet.',
  },
];

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((n) => b.includes(n));

const expected = () => FLAVOURS.map((f) => `flavour ${f.id}, ${f.label}: ${f.inputs.join(', ')}`).join('; ');

/**
 * Picks the flavour from the session's input names, or explains what was found and what was
 * expected. A Hugging Face export's default size rule comes from its folder's processor config.
 */
export function detectFlavour(
  file: string,
  inputs: readonly ValueInfo[],
  outputs: readonly ValueInfo[],
): Flavour {
  const names = inputs.map((i) => i.name);
  const found = inputs.map(describeValue).join(', ');
  const refused = REFUSED.find((r) => sameNames(r.inputs, names));
  if (refused)
    throw new GroundLabelError('model-unsupported', `${file}: ${refused.reason} Inputs found: ${found}.`);
  const flavour = FLAVOURS.find((f) => sameNames(f.inputs, names));
  if (!flavour) {
    throw new GroundLabelError(
      'model-unsupported',
      `${file} is not a Grounding DINO export GroundLabel knows. Inputs found: ${found || 'none'}. Expected ${expected()}.`,
    );
  }
  const outNames = outputs.map((o) => o.name);
  const missing = [flavour.logits, flavour.boxes].filter((n) => !outNames.includes(n));
  if (missing.length) {
    throw new GroundLabelError(
      'model-unsupported',
      `${file} has the inputs of flavour ${flavour.id} but lacks the output(s) ${missing.join(', ')}; outputs found: ${outputs.map(describeValue).join(', ')}.`,
    );
  }
  return flavour;
}

/** A flavour whose images are prepared by the size rule of the model's own processor config, when it has one. */
export const withProcessorRule = (flavour: Flavour, rule: InputSizeRule | null): Flavour =>
  rule && flavour.readsProcessorConfig ? { ...flavour, defaultSize: rule } : flavour;

/** A numeric H and W declared on the image input mean the export is static: use them. */
export function declaredImageSize(flavour: Flavour, inputs: readonly ValueInfo[]): ImageSize | null {
  const dims = inputs.find((i) => i.name === flavour.imageInput)?.dims;
  const [, , h, w] = dims ?? [];
  return typeof h === 'number' && typeof w === 'number' ? { height: h, width: w } : null;
}

/** The text length the model accepts: the logits' last dim when declared, capped at BERT's 256. */
export function maxTextTokens(flavour: Flavour, outputs: readonly ValueInfo[]): number {
  const last = outputs.find((o) => o.name === flavour.logits)?.dims.at(-1);
  return typeof last === 'number' && last > 2 ? Math.min(last, 256) : 256;
}
