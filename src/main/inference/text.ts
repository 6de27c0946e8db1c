import { GroundLabelError } from '../../shared/errors';
import { parseExpressions, parsePhrases } from '../../shared/prompt/units';
import type { TextTokenizer, TokenIds } from './tokenizer';

export { parseExpressions, parsePhrases };

/** One prompt phrase (or referring expression) as the model sees it in a run: tokens [start, end) of that run's ids. */
export interface PhraseSpan {
  readonly phrase: string;
  /** Index of the phrase in the whole prompt, stable across runs. */
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

/** Everything the text side of one forward pass needs. */
export interface TextRun {
  readonly caption: string;
  readonly ids: readonly number[];
  readonly positionIds: readonly number[];
  /** n×n row-major block-diagonal self-attention mask, 1 = attend. */
  readonly mask: Uint8Array;
  readonly phrases: readonly PhraseSpan[];
}

/** Grounding DINO's caption rule: lower-case, trimmed, ending in " ." (a final dot closes the last phrase). */
export function normaliseCaption(prompt: string): string {
  const caption = prompt.toLowerCase().trim();
  return caption.endsWith('.') ? caption : `${caption} .`;
}

/**
 * Sub-sentence masks and position ids (docs/model-inputs.md §3): each block of tokens between two delimiters,
 * closing delimiter included, attends only to itself, and positions restart at 0 in each block.
 */
export function subSentenceMasks(
  ids: readonly number[],
  delimiters: ReadonlySet<number>,
): { mask: Uint8Array; positionIds: number[]; ranges: [number, number][] } {
  const n = ids.length;
  const mask = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) mask[i * n + i] = 1;
  const positionIds = new Array<number>(n).fill(0);
  const ranges: [number, number][] = [];
  let prev = 0;
  for (let c = 0; c < n; c++) {
    if (!delimiters.has(ids[c])) continue;
    if (c !== 0 && c !== n - 1) {
      for (let r = prev + 1; r <= c; r++) {
        positionIds[r] = r - prev - 1;
        mask.fill(1, r * n + prev + 1, r * n + c + 1);
      }
      ranges.push([prev + 1, c]);
    }
    prev = c;
  }
  return { mask, positionIds, ranges };
}

export const delimiterSet = (ids: TokenIds): ReadonlySet<number> =>
  new Set([ids.cls, ids.sep, ids.dot, ids.question]);

function buildRun(
  items: readonly { phrase: string; index: number; tokens: number[] }[],
  ids: TokenIds,
  delimiters: ReadonlySet<number>,
): TextRun {
  const seq: number[] = [ids.cls];
  const phrases: PhraseSpan[] = [];
  for (const { phrase, index, tokens } of items) {
    phrases.push({ phrase, index, start: seq.length, end: seq.length + tokens.length });
    seq.push(...tokens, ids.dot);
  }
  seq.push(ids.sep);
  const { mask, positionIds } = subSentenceMasks(seq, delimiters);
  return { caption: items.map((i) => `${i.phrase} .`).join(' '), ids: seq, positionIds, mask, phrases };
}

export interface TextPlanOptions {
  readonly maxTokens: number;
  /** One pass per phrase. */
  readonly perPhrase?: boolean;
  /** Read the prompt as referring expressions, one per line, instead of phrases split at ".". */
  readonly expressions?: boolean;
}

/**
 * Splits the prompt into forward passes of at most `maxTokens` tokens each, at phrase boundaries, so
 * no phrase is ever dropped or cut. With `perPhrase`, every phrase gets a pass of its own (for exports
 * whose text mask was baked for one phrase, and for prompts with more phrases than fit in one pass).
 * Referring expressions are packed the same way: each is closed by a dot, so the model's text mask
 * keeps them apart, and expressions too long together go into separate passes.
 */
export function planTextRuns(prompt: string, tokenizer: TextTokenizer, options: TextPlanOptions): TextRun[] {
  const phrases = options.expressions ? parseExpressions(prompt) : parsePhrases(prompt);
  if (phrases.length === 0) {
    throw new GroundLabelError(
      'prompt-empty',
      options.expressions
        ? 'The prompt has no referring expressions; write one per line, e.g. "the man in the red shirt".'
        : 'The prompt has no phrases; write them separated by " . ", e.g. "person . dog .".',
    );
  }
  const { ids } = tokenizer;
  const delimiters = delimiterSet(ids);
  // [CLS] and [SEP] frame every run, and each phrase brings its closing dot.
  const budget = options.maxTokens - 2;
  const items = phrases.map((phrase, index) => {
    const tokens = tokenizer.encodeBare(phrase);
    if (tokens.length + 1 > budget) {
      throw new GroundLabelError(
        'phrase-too-long',
        `The ${options.expressions ? 'expression' : 'phrase'} "${phrase.slice(0, 60)}${phrase.length > 60 ? '…' : ''}" is ${tokens.length} tokens; one may have at most ${budget - 1}.`,
      );
    }
    return { phrase, index, tokens };
  });

  const runs: TextRun[] = [];
  let current: typeof items = [];
  let used = 0;
  for (const item of items) {
    const cost = item.tokens.length + 1;
    if (current.length > 0 && (options.perPhrase || used + cost > budget)) {
      runs.push(buildRun(current, ids, delimiters));
      current = [];
      used = 0;
    }
    current.push(item);
    used += cost;
  }
  runs.push(buildRun(current, ids, delimiters));
  return runs;
}

/** Count of tokens the prompt takes as one caption ([CLS] … [SEP]), for a counter against the limit. */
export function countPromptTokens(prompt: string, tokenizer: TextTokenizer, expressions = false): number {
  const units = expressions ? parseExpressions(prompt) : parsePhrases(prompt);
  return units.reduce((n, p) => n + tokenizer.encodeBare(p).length + 1, 2);
}
