import { BUILT_IN_PRESETS } from '../shared/prompt/presets';
import { parseArgs } from 'node:util';
import type { ImageSize } from '../shared/geometry';
import { DEVICES, type Device } from '../main/inference/devices';
import {
  bad,
  deviceArg,
  MAX_PIXELS_OPTION,
  MAX_PIXELS_USAGE,
  maxPixelsArg,
  parseCli,
  presetArg,
  promptArg,
  REC_OPTIONS,
  REC_USAGE,
  recArgs,
  CROSS_IOU_USAGE,
  THRESHOLD_OPTIONS,
  thresholdArgs,
  type ThresholdArgs,
} from './args';
import type { RecOptions } from '../shared/prompt/units';
import { parseClassSpec } from '../shared/labels/class-map';
import { parseShardCount, parseShardOption, type ShardRequest } from '../main/shards/scheduler-env';

export const FORMATS = ['coco', 'yolo', 'voc'] as const;
export type Format = (typeof FORMATS)[number];

export interface LabelArgs extends ThresholdArgs {
  readonly model: string;
  readonly images: string;
  readonly prompt: string;
  readonly out: string;
  readonly format: Format;
  readonly device: Device;
  readonly maxPixels?: number;
  readonly inputSize?: ImageSize;
  readonly classes: ReadonlyMap<string, string>;
  readonly copyImages: boolean;
  readonly perPhrase: boolean;
  /** Referring expressions instead of phrases. */
  readonly rec?: RecOptions;
  /** Label only one shard of the images, for `npm run merge` to join (see src/main/shards). */
  readonly shard?: { readonly request: ShardRequest; readonly count?: number };
}

export const LABEL_USAGE = `Usage: npm run label -- --model <file-or-folder> --images <folder> --prompt "<text>" --out <folder>
  [--preset <list>]             instead of --prompt: a built-in class list as the prompt, exported under
                                its own class names (${BUILT_IN_PRESETS.map((b) => b.id).join(', ')})
  [--format coco|yolo|voc]      output format (default coco)
  [--box-threshold 0.35]        keep boxes scoring strictly above this
  [--text-threshold 0.25]       tokens above this make up the raw text shown with a box
  [--nms-iou 0.5|off]           per-phrase non-maximum suppression
${CROSS_IOU_USAGE}
  [--device ${DEVICES.join('|')}]  (default auto: the platform's GPU, else CPU)
${MAX_PIXELS_USAGE}
  [--input-size HxW]            model input size, e.g. 800x1200
  [--classes "phrase=class,..."] map prompt phrases to class names
  [--per-phrase]                one forward pass per phrase
${REC_USAGE}
  [--copy-images]               YOLO: copy images instead of linking them
  [--shard K/N|auto]            label only shard K of N (0-based) into <out>/shard-K-of-N, for npm run merge;
                                auto: from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or GROUNDLABEL_SHARD=K/N
  [--shards N]                  the shard count, for --shard auto in a Kubernetes Indexed Job`;

function inputSize(raw: string | undefined): ImageSize | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/i.exec(raw.trim());
  if (!m || Number(m[1]) < 32 || Number(m[2]) < 32)
    throw bad(`--input-size must look like 800x1200 (height x width, each ≥ 32), got "${raw}"`);
  return { height: Number(m[1]), width: Number(m[2]) };
}

/** Parses and checks the command line; every problem is a 'bad-argument' error naming the option. */
export function parseLabelArgs(argv: readonly string[]): LabelArgs | 'help' {
  const { values } = parseCli(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      options: {
        model: { type: 'string' },
        images: { type: 'string' },
        prompt: { type: 'string' },
        preset: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        ...THRESHOLD_OPTIONS,
        device: { type: 'string', default: 'auto' },
        ...MAX_PIXELS_OPTION,
        'input-size': { type: 'string' },
        classes: { type: 'string', default: '' },
        'copy-images': { type: 'boolean', default: false },
        'per-phrase': { type: 'boolean', default: false },
        ...REC_OPTIONS,
        shard: { type: 'string' },
        shards: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) return 'help';
  const preset = presetArg(values.preset, values.prompt);
  // A --prompt given empty is its own mistake (promptArg), not a missing option.
  const missing = (['model', 'images', ...(preset ? [] : (['prompt'] as const)), 'out'] as const).filter(
    (k) => (k === 'prompt' ? values.prompt === undefined : !values[k]),
  );
  if (missing.length) throw bad(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  const format = (values.format ?? 'coco') as Format;
  if (!FORMATS.includes(format))
    throw bad(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  const device = deviceArg(values.device);
  const classes = parseClassSpec(values.classes);
  if (!classes.ok) throw bad(`--classes: ${classes.error}`);
  // A class list's own names, unless --classes says otherwise.
  const classMap = new Map([...Object.entries(preset?.phraseNames ?? {}), ...classes.value]);
  const shard = shardArgs(values);
  promptArg(values.prompt);
  const maxPixels = maxPixelsArg(values['max-pixels']);
  const rec = recArgs(values);
  return {
    model: values.model!,
    images: values.images!,
    prompt: preset?.prompt ?? values.prompt!,
    out: values.out!,
    format,
    ...thresholdArgs(values),
    device,
    inputSize: inputSize(values['input-size']),
    classes: classMap,
    copyImages: values['copy-images'],
    perPhrase: values['per-phrase'],
    ...(rec && { rec }),
    ...(shard && { shard }),
    ...(maxPixels !== undefined && { maxPixels }),
  };
}

/** `--shard` and `--shards`; a shard writes results for merge, which is where the format is chosen. */
function shardArgs(values: {
  shard?: string;
  shards?: string;
  format?: string;
  'copy-images'?: boolean;
}): LabelArgs['shard'] {
  const count = parseShardCount(values.shards);
  if (values.shard === undefined) {
    if (count !== undefined) throw bad('--shards is the shard count of --shard auto; pass --shard auto too');
    return undefined;
  }
  const request = parseShardOption(values.shard);
  const notHere = [
    values.format !== undefined && '--format',
    values['copy-images'] && '--copy-images',
  ].filter(Boolean);
  if (notHere.length)
    throw bad(
      `${notHere.join(' and ')} cannot go with --shard: a shard writes its results for npm run merge, which writes the dataset (npm run merge -- --format …)`,
    );
  return count === undefined ? { request } : { request, count };
}
