import { parseArgs } from 'node:util';
import { GroundLabelError } from '../shared/errors';
import { isDevice, DEVICES, type Device } from '../main/inference/devices';

export interface BatchArgs {
  readonly dataset: string;
  readonly model: string;
  /** Absent with --resume: the saved job's prompt is used. */
  readonly prompt?: string;
  readonly boxThreshold?: number;
  readonly textThreshold?: number;
  /** undefined: the model's default; null: NMS off. */
  readonly nmsIou?: number | null;
  readonly perPhrase: boolean;
  readonly skipReviewed: boolean;
  readonly resume: boolean;
  readonly device: Device;
}

export const BATCH_USAGE = `Usage: npm run batch -- --dataset <folder> --model <file-or-folder> --prompt "<text>"
  Runs the prompt over every image of the dataset; results are stored as pending suggestions in
  <folder>/.groundlabel (accepted and drawn boxes are kept), ready for review in the app.
  [--box-threshold 0.35]        keep boxes scoring strictly above this
  [--text-threshold 0.25]       tokens above this make up the raw text shown with a box
  [--nms-iou 0.5|off]           per-phrase non-maximum suppression
  [--per-phrase]                one forward pass per phrase
  [--skip-reviewed]             leave out images a person has already reviewed
  [--resume]                    go on with the batch that was stopped (Ctrl+C), instead of --prompt
  [--device ${DEVICES.join('|')}]  (default auto: the platform's GPU, else CPU)
Ctrl+C stops after the current image; the job is saved and --resume finishes it.`;

const bad = (message: string) => new GroundLabelError('bad-argument', message);

function probability(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0 || v >= 1)
    throw bad(`--${name} must be a number between 0 and 1 (exclusive), got "${raw}"`);
  return v;
}

/** Parses and checks the command line; every problem is a 'bad-argument' error naming the option. */
export function parseBatchArgs(argv: readonly string[]): BatchArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        dataset: { type: 'string' },
        model: { type: 'string' },
        prompt: { type: 'string' },
        'box-threshold': { type: 'string' },
        'text-threshold': { type: 'string' },
        'nms-iou': { type: 'string' },
        'per-phrase': { type: 'boolean', default: false },
        'skip-reviewed': { type: 'boolean', default: false },
        resume: { type: 'boolean', default: false },
        device: { type: 'string', default: 'auto' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (values.help) return 'help';
  const missing: string[] = (['dataset', 'model'] as const).filter((k) => !values[k]);
  if (!values.resume && !values.prompt?.trim()) missing.push('prompt');
  if (missing.length) throw bad(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  if (values.resume && values.prompt !== undefined)
    throw bad('--resume goes on with the saved job and its prompt; leave out --prompt');
  if (!isDevice(values.device))
    throw bad(`--device must be one of ${DEVICES.join(', ')}, got "${values.device}"`);
  const nms = values['nms-iou'];
  return {
    dataset: values.dataset!,
    model: values.model!,
    prompt: values.prompt,
    boxThreshold: probability('box-threshold', values['box-threshold']),
    textThreshold: probability('text-threshold', values['text-threshold']),
    nmsIou: nms === undefined ? undefined : nms === 'off' ? null : probability('nms-iou', nms),
    perPhrase: values['per-phrase'],
    skipReviewed: values['skip-reviewed'],
    resume: values.resume,
    device: values.device,
  };
}
