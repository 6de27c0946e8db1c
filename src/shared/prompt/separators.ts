import { normaliseUnit } from './units';

/** A prompt that reads as one phrase although it probably lists several, and how to write it instead. */
export interface SeparatorAdvice {
  /** What the prompt is read as now: one phrase. */
  readonly asOne: string;
  /** The phrases it probably meant. */
  readonly phrases: readonly string[];
  /** The prompt written with " . " between them. */
  readonly rewrite: string;
  /** 'list': it is split by commas, semicolons or lines; 'words': only by spaces (maybe one multi-word phrase). */
  readonly kind: 'list' | 'words';
}

/**
 * Grounding DINO separates phrases only at ".": "red, blue, green" or "red blue" is one phrase, and
 * every box gets that one label. A prompt without a dot that a person most likely meant as a list
 * (commas, semicolons, bars, lines) or that has several words is flagged, with the rewrite.
 */
export function missingSeparators(prompt: string): SeparatorAdvice | null {
  if (prompt.includes('.')) return null;
  const asOne = normaliseUnit(prompt);
  if (!asOne) return null;
  const parts = prompt
    .split(/[,;|\n]/)
    .map(normaliseUnit)
    .filter(Boolean);
  const [kind, phrases] =
    parts.length >= 2 ? (['list', parts] as const) : (['words', asOne.split(' ')] as const);
  const unique = [...new Set(phrases)];
  if (unique.length < 2) return null;
  return { asOne, phrases: unique, rewrite: `${unique.join(' . ')} .`, kind };
}
