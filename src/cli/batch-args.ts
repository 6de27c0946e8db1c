import { parseArgs } from 'node:util';
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
import { BUILT_IN_PRESETS } from '../shared/prompt/presets';
import type { RecOptions } from '../shared/prompt/units';

export interface BatchArgs extends ThresholdArgs {
  readonly dataset: string;
  readonly model: string;
  /** Absent with --resume: the saved job's prompt is used. */
  readonly prompt?: string;
  /** With --preset: the list's class name for each phrase whose name differs from the phrase. */
  readonly phraseNames?: Readonly<Record<string, string>>;
  readonly perPhrase: boolean;
  /** Referring expressions instead of phrases. */
  readonly rec?: RecOptions;
  readonly skipReviewed: boolean;
  readonly resume: boolean;
  readonly device: Device;
  readonly maxPixels?: number;
}

export const BATCH_USAGE = `Usage: npm run batch -- --dataset <folder> --model <file-or-folder> --prompt "<text>"
  Runs the prompt over every image of the dataset; results are stored as pending suggestions in
  <folder>/.groundlabel (accepted and drawn boxes are kept), ready for review in the app.
  [--preset <list>]             instead of --prompt: a built-in class list as the prompt, its classes
                                named as the list names them (${BUILT_IN_PRESETS.map((b) => b.id).join(', ')})
  [--box-threshold 0.35]        keep boxes scoring strictly above this
  [--text-threshold 0.25]       tokens above this make up the raw text shown with a box
  [--nms-iou 0.5|off]           per-phrase non-maximum suppression
${CROSS_IOU_USAGE}
  [--per-phrase]                one forward pass per phrase
${REC_USAGE}
  [--skip-reviewed]             leave out images a person has already reviewed
  [--resume]                    go on with the batch that was stopped (Ctrl+C), instead of --prompt
  [--device ${DEVICES.join('|')}]  (default auto: the platform's GPU, else CPU)
${MAX_PIXELS_USAGE}
Ctrl+C stops after the images already on the model; the job is saved and --resume finishes it.`;

/** Parses and checks the command line; every problem is a 'bad-argument' error naming the option. */
export function parseBatchArgs(argv: readonly string[]): BatchArgs | 'help' {
  const { values } = parseCli(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      options: {
        dataset: { type: 'string' },
        model: { type: 'string' },
        prompt: { type: 'string' },
        preset: { type: 'string' },
        ...THRESHOLD_OPTIONS,
        'per-phrase': { type: 'boolean', default: false },
        ...REC_OPTIONS,
        'skip-reviewed': { type: 'boolean', default: false },
        resume: { type: 'boolean', default: false },
        device: { type: 'string', default: 'auto' },
        ...MAX_PIXELS_OPTION,
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) return 'help';
  const missing: string[] = (['dataset', 'model'] as const).filter((k) => !values[k]);
  if (!values.resume && values.prompt === undefined && values.preset === undefined) missing.push('prompt');
  if (missing.length) throw bad(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  if (values.resume && (values.prompt ?? values.preset) !== undefined)
    throw bad(
      `--resume goes on with the saved job and its prompt; leave out ${values.prompt !== undefined ? '--prompt' : '--preset'}`,
    );
  const preset = presetArg(values.preset, values.prompt);
  const device = deviceArg(values.device);
  const prompt = promptArg(values.prompt);
  const maxPixels = maxPixelsArg(values['max-pixels']);
  const rec = recArgs(values);
  if (values.resume && rec) throw bad('--resume goes on with the saved job and its mode; leave out --rec');
  return {
    dataset: values.dataset!,
    model: values.model!,
    prompt: preset?.prompt ?? prompt,
    ...(preset && { phraseNames: preset.phraseNames }),
    ...thresholdArgs(values),
    perPhrase: values['per-phrase'],
    ...(rec && { rec }),
    skipReviewed: values['skip-reviewed'],
    resume: values.resume,
    device,
    ...(maxPixels !== undefined && { maxPixels }),
  };
}
