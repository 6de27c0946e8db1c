/**
 * How a prompt is read. In phrase mode it lists categories separated by " . " ("person . dog ."),
 * and each box gets the one phrase it matches best. In REC mode (referring expressions) each line
 * is one expression ("the man in the red shirt"): one object, scored over all of its words.
 */
export interface RecOptions {
  /** Boxes each expression yields at most: its best one, or its top k. */
  readonly topK: number;
}

/** The most boxes one expression may ask for: a referring expression names one object, or a few. */
export const MAX_REC_TOP_K = 20;

/** Lower-cased, trimmed and single-spaced: spacing and case variants are one unit. */
export const normaliseUnit = (raw: string): string => raw.trim().toLowerCase().replace(/\s+/g, ' ');

/** The prompt's phrases, in order, without repeats (split at "."). */
export function parsePhrases(prompt: string): string[] {
  const seen = new Set<string>();
  for (const raw of prompt.split('.')) {
    const phrase = normaliseUnit(raw);
    if (phrase) seen.add(phrase);
  }
  return [...seen];
}

/**
 * The prompt's referring expressions: one per line, in order, without repeats. A "." inside a line
 * is dropped: to the model it would end a phrase and cut the expression in two.
 */
export function parseExpressions(prompt: string): string[] {
  const seen = new Set<string>();
  for (const line of prompt.split(/\r?\n/)) {
    const expression = normaliseUnit(line.replace(/\./g, ' '));
    if (expression) seen.add(expression);
  }
  return [...seen];
}

/** The phrases or expressions the model is asked about, by mode. */
export const promptUnits = (prompt: string, rec: RecOptions | undefined | null): string[] =>
  rec ? parseExpressions(prompt) : parsePhrases(prompt);
