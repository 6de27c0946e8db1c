import { GroundLabelError, messageOf } from '../shared/errors';
import { DEVICES, isDevice, type Device } from '../main/inference/devices';
import { BUILT_IN_PRESETS, type PromptPreset } from '../shared/prompt/presets';
import { MAX_REC_TOP_K, type RecOptions } from '../shared/prompt/units';

/** What every command line says about itself: a 'bad-argument' error naming the option. */
export const bad = (message: string): GroundLabelError => new GroundLabelError('bad-argument', message);

/** Runs node:util's parseArgs, turning its errors into bad-argument ones. */
export function parseCli<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw bad(messageOf(e));
  }
}

/** The model's thresholds as options: strings so that a bad value gets a message of ours. */
export const THRESHOLD_OPTIONS = {
  'box-threshold': { type: 'string' },
  'text-threshold': { type: 'string' },
  'nms-iou': { type: 'string' },
  'cross-iou': { type: 'string' },
} as const;

export function probability(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0 || v >= 1)
    throw bad(`--${name} must be a number between 0 and 1 (exclusive), got "${raw}"`);
  return v;
}

export interface ThresholdArgs {
  readonly boxThreshold?: number;
  readonly textThreshold?: number;
  /** undefined: the model's default; null: NMS off. */
  readonly nmsIou?: number | null;
  /** Suppression across phrases above this IoU; undefined: off. */
  readonly crossIou?: number;
}

export const CROSS_IOU_USAGE = `  [--cross-iou 0.7]             drop a box covering a better box of another phrase above this IoU
                                (one object, one phrase), and report which phrases collided`;

/** The thresholds a command line sets, for DetectOptions (the model's defaults fill the rest). */
export const thresholdsOf = (a: ThresholdArgs) => ({
  ...(a.boxThreshold !== undefined && { box: a.boxThreshold }),
  ...(a.textThreshold !== undefined && { text: a.textThreshold }),
  ...(a.nmsIou !== undefined && { nmsIou: a.nmsIou }),
  ...(a.crossIou !== undefined && { crossIou: a.crossIou }),
});

export function thresholdArgs(values: {
  'box-threshold'?: string;
  'text-threshold'?: string;
  'nms-iou'?: string;
  'cross-iou'?: string;
}): ThresholdArgs {
  const nms = values['nms-iou'];
  return {
    boxThreshold: probability('box-threshold', values['box-threshold']),
    textThreshold: probability('text-threshold', values['text-threshold']),
    nmsIou: nms === undefined ? undefined : nms === 'off' ? null : probability('nms-iou', nms),
    crossIou: probability('cross-iou', values['cross-iou']),
  };
}

export function deviceArg(raw: string): Device {
  if (!isDevice(raw)) throw bad(`--device must be one of ${DEVICES.join(', ')}, got "${raw}"`);
  return raw;
}

/** The largest image a run opens, above the default 100 MP: `--max-pixels 250000000` or `250M`. */
export const MAX_PIXELS_OPTION = { 'max-pixels': { type: 'string' } } as const;

export const MAX_PIXELS_USAGE =
  '  [--max-pixels 100M]            open images up to this many pixels (100M is the default)';

export function maxPixelsArg(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(m|mp)?$/i.exec(raw.trim());
  const n = m ? Math.round(Number(m[1]) * (m[2] ? 1e6 : 1)) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw bad(`--max-pixels must be a number of pixels such as 250000000 or 250M, got "${raw}"`);
  return n;
}

/** A prompt given but blank is a mistake of its own, not a missing option. */
export function promptArg(raw: string | undefined): string | undefined {
  if (raw !== undefined && !raw.replace(/[\s.]/g, ''))
    throw bad('--prompt is empty: give the phrases to look for, such as --prompt "cat . dog"');
  return raw;
}

/** `--preset <id>`: a built-in class list as the prompt, with the list's own class names. */
export function presetArg(id: string | undefined, prompt: string | undefined): PromptPreset | undefined {
  if (id === undefined) return undefined;
  if (prompt !== undefined) throw bad('--preset is the prompt: give --preset or --prompt, not both');
  const found = BUILT_IN_PRESETS.find((b) => b.id === id);
  if (!found)
    throw bad(`--preset must be one of ${BUILT_IN_PRESETS.map((b) => b.id).join(', ')}, got "${id}"`);
  return found.preset;
}

/** `--rec` and `--top-k`: referring expressions, one per line of the prompt, each with its best k boxes. */
export const REC_OPTIONS = {
  rec: { type: 'boolean', default: false },
  'top-k': { type: 'string' },
} as const;

export const REC_USAGE = `  [--rec]                       each line of the prompt is one referring expression ("the man in the red shirt"),
                                scored over all of its words, yielding its best box
  [--top-k 1]                   with --rec: the best k boxes of each expression`;

export function recArgs(values: { rec?: boolean; 'top-k'?: string }): RecOptions | undefined {
  const raw = values['top-k'];
  if (!values.rec) {
    if (raw !== undefined)
      throw bad('--top-k is the number of boxes per referring expression; pass --rec too');
    return undefined;
  }
  if (raw === undefined) return { topK: 1 };
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > MAX_REC_TOP_K)
    throw bad(`--top-k must be a whole number from 1 to ${MAX_REC_TOP_K}, got "${raw}"`);
  return { topK: k };
}
