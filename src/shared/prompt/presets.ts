import { z } from 'zod';
import { promptSchema, recSchema, thresholdsSchema } from './schemas';
import { COCO_80 } from './class-lists/coco';
import { LVIS_COMMON } from './class-lists/lvis-common';
import { OBJECTS365 } from './class-lists/objects365';
import { VOC_20, VOC_PHRASES } from './class-lists/voc';
import { normaliseUnit } from './units';

/** The longest name a preset may have: it is shown in a list. */
export const MAX_PRESET_NAME = 80;
/** The most presets one list (a project's, or the app's) keeps. */
export const MAX_PRESETS = 200;

/**
 * A prompt kept under a name: its text, how it is read (phrases, or referring expressions with their
 * top k), its thresholds, and the class each phrase's boxes go to where that is not the phrase
 * itself (phraseNames, as in the project file).
 */
export const presetSchema = z.object({
  name: z.string().trim().min(1).max(MAX_PRESET_NAME),
  prompt: promptSchema.min(1),
  rec: recSchema.optional(),
  thresholds: thresholdsSchema.partial().optional(),
  phraseNames: z.record(z.string(), z.string().trim().min(1)).default({}),
});
export type PromptPreset = z.infer<typeof presetSchema>;

/** What presets are written to and read from: a small JSON file with a format marker. */
export const presetFileSchema = z.object({
  format: z.literal('groundlabel-presets'),
  version: z.literal(1),
  presets: z.array(presetSchema).max(MAX_PRESETS),
});
export type PresetFile = z.infer<typeof presetFileSchema>;

export const presetFile = (presets: readonly PromptPreset[]): PresetFile => ({
  format: 'groundlabel-presets',
  version: 1,
  presets: [...presets],
});

/**
 * The phrase the model is asked for a class name: lower case, underscores as spaces, a slash as
 * "or" ("cabinet/shelf"), a parenthesised sense left out ("bat_(animal)" → "bat"): the model reads
 * words, and brackets and slashes are tokens of their own that it was not trained to read.
 */
export function phraseOfClassName(name: string, keepSense = false): string {
  const words = name
    .replace(/_/g, ' ')
    .replace(/\s*\(([^)]*)\)/g, keepSense ? ' $1' : '')
    .replace(/\s*\/\s*/g, ' or ')
    .replace(/\./g, ' ');
  return normaliseUnit(words);
}

/**
 * A class list as a prompt: one phrase per class (" . " between them), and the class name of each
 * phrase that differs from it. Two names that would read as one phrase keep their senses in words.
 * Long lists run in several passes of ≤ 256 tokens, as every long prompt does.
 */
export function presetOfClassList(
  name: string,
  classNames: readonly string[],
  /** The phrase of a class name where phraseOfClassName would not read well ("pottedplant"). */
  spelled: Readonly<Record<string, string>> = {},
): PromptPreset {
  const plain = classNames.map((n) => spelled[n] ?? phraseOfClassName(n));
  const phrases = plain.map((p, i) =>
    plain.indexOf(p) !== plain.lastIndexOf(p) ? phraseOfClassName(classNames[i], true) : p,
  );
  const phraseNames: Record<string, string> = {};
  phrases.forEach((p, i) => {
    if (p !== classNames[i]) phraseNames[p] = classNames[i];
  });
  return { name, prompt: `${phrases.join(' . ')} .`, phraseNames };
}

export interface BuiltInPreset {
  readonly id: string;
  /** How many classes the list has. */
  readonly classes: number;
  readonly preset: PromptPreset;
}

const builtIn = (
  id: string,
  name: string,
  list: readonly string[],
  spelled?: Readonly<Record<string, string>>,
): BuiltInPreset => ({
  id,
  classes: list.length,
  preset: presetOfClassList(name, list, spelled),
});

/** The class lists detectors are commonly trained and compared on, in prompt form. */
export const BUILT_IN_PRESETS: readonly BuiltInPreset[] = [
  builtIn('coco-80', 'COCO', COCO_80),
  builtIn('voc-20', 'Pascal VOC', VOC_20, VOC_PHRASES),
  builtIn('objects365', 'Objects365', OBJECTS365),
  builtIn('lvis-common', 'LVIS (common)', LVIS_COMMON),
];

/** Puts a preset in a list, replacing the one of the same name (case ignored); at most MAX_PRESETS. */
export function withPreset(list: readonly PromptPreset[], preset: PromptPreset): PromptPreset[] {
  const key = preset.name.trim().toLowerCase();
  return [preset, ...list.filter((p) => p.name.trim().toLowerCase() !== key)].slice(0, MAX_PRESETS);
}
