import { GroundLabelError, messageOf } from '../shared/errors';
import { DEVICES, isDevice, type Device } from '../main/inference/devices';

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
}

export function thresholdArgs(values: {
  'box-threshold'?: string;
  'text-threshold'?: string;
  'nms-iou'?: string;
}): ThresholdArgs {
  const nms = values['nms-iou'];
  return {
    boxThreshold: probability('box-threshold', values['box-threshold']),
    textThreshold: probability('text-threshold', values['text-threshold']),
    nmsIou: nms === undefined ? undefined : nms === 'off' ? null : probability('nms-iou', nms),
  };
}

export function deviceArg(raw: string): Device {
  if (!isDevice(raw)) throw bad(`--device must be one of ${DEVICES.join(', ')}, got "${raw}"`);
  return raw;
}
