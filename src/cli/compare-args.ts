import { parseArgs } from 'node:util';
import { MAX_VARIANTS, MIN_VARIANTS } from '../shared/compare';
import { DEVICES, type Device } from '../main/inference/devices';
import type { RecOptions } from '../shared/prompt/units';
import { bad, deviceArg, parseCli, probability, REC_OPTIONS, REC_USAGE, recArgs } from './args';

/** The thresholds of one variant; undefined ones are the model's defaults. */
export interface VariantThresholds {
  readonly box?: number;
  readonly text?: number;
  readonly nmsIou?: number | null;
  /** Suppression across phrases above this IoU; undefined: off. */
  readonly crossIou?: number;
}

export interface CompareArgs {
  readonly dataset: string;
  readonly model: string;
  readonly prompts: readonly string[];
  /** One per prompt, in prompt order. */
  readonly thresholds: readonly VariantThresholds[];
  readonly perPhrase: boolean;
  readonly rec?: RecOptions;
  readonly sample: number;
  readonly seed: string;
  readonly device: Device;
}

export const COMPARE_USAGE = `Usage: npm run compare -- --dataset <folder> --model <file-or-folder> --prompt "<text>" --prompt "<text>" [--prompt …]
  Runs ${MIN_VARIANTS}–${MAX_VARIANTS} prompts on the same sample of the dataset's images and prints their boxes per class
  side by side, and the images where they disagree most. Nothing is written: the dataset is only read
  (its lock is not taken, so the app may have it open).
  [--sample 50]                 images chosen at random with the seed (all when the dataset has fewer)
  [--seed 1]                    the same seed picks the same images
  [--box-threshold 0.35]        once for every prompt, or once per prompt in the order of the prompts
  [--text-threshold 0.25]       likewise
  [--nms-iou 0.5|off]           likewise
  [--cross-iou 0.7|off]         likewise: one phrase per object above this IoU (off when not given)
  [--per-phrase]                one forward pass per phrase
${REC_USAGE}
  [--device ${DEVICES.join('|')}]  (default auto: the platform's GPU, else CPU)`;

/** A threshold option given once (for every prompt) or once per prompt. */
function perPrompt<T>(
  name: string,
  raw: readonly string[] | undefined,
  count: number,
  read: (v: string) => T,
) {
  if (!raw?.length) return Array.from({ length: count }, () => undefined);
  if (raw.length !== 1 && raw.length !== count)
    throw bad(
      `--${name} is given ${raw.length} times for ${count} prompts: give it once for all, or once per prompt`,
    );
  const values = raw.map(read);
  return Array.from({ length: count }, (_, i) => values[raw.length === 1 ? 0 : i]);
}

export function parseCompareArgs(argv: readonly string[]): CompareArgs | 'help' {
  const { values } = parseCli(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      options: {
        dataset: { type: 'string' },
        model: { type: 'string' },
        prompt: { type: 'string', multiple: true },
        'box-threshold': { type: 'string', multiple: true },
        'text-threshold': { type: 'string', multiple: true },
        'nms-iou': { type: 'string', multiple: true },
        'cross-iou': { type: 'string', multiple: true },
        'per-phrase': { type: 'boolean', default: false },
        ...REC_OPTIONS,
        sample: { type: 'string', default: '50' },
        seed: { type: 'string', default: '1' },
        device: { type: 'string', default: 'auto' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) return 'help';
  const missing: string[] = (['dataset', 'model'] as const).filter((k) => !values[k]);
  if (!values.prompt?.length) missing.push('prompt');
  if (missing.length) throw bad(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  const prompts = values.prompt!;
  if (prompts.length < MIN_VARIANTS || prompts.length > MAX_VARIANTS)
    throw bad(`give ${MIN_VARIANTS} to ${MAX_VARIANTS} --prompt options to compare, got ${prompts.length}`);
  const blank = prompts.findIndex((p) => !p.trim());
  if (blank >= 0) throw bad(`--prompt number ${blank + 1} is empty`);
  const sample = Number(values.sample);
  if (!Number.isInteger(sample) || sample < 1)
    throw bad(`--sample must be a whole number of images (1 or more), got "${values.sample}"`);
  const n = prompts.length;
  const box = perPrompt('box-threshold', values['box-threshold'], n, (v) => probability('box-threshold', v));
  const text = perPrompt('text-threshold', values['text-threshold'], n, (v) =>
    probability('text-threshold', v),
  );
  const nms = perPrompt('nms-iou', values['nms-iou'], n, (v) =>
    v === 'off' ? null : probability('nms-iou', v),
  );
  const cross = perPrompt('cross-iou', values['cross-iou'], n, (v) =>
    v === 'off' ? undefined : probability('cross-iou', v),
  );
  const rec = recArgs(values);
  return {
    dataset: values.dataset!,
    model: values.model!,
    prompts,
    thresholds: prompts.map((_, i) => ({ box: box[i], text: text[i], nmsIou: nms[i], crossIou: cross[i] })),
    perPhrase: values['per-phrase'],
    ...(rec && { rec }),
    sample,
    seed: values.seed,
    device: deviceArg(values.device),
  };
}
