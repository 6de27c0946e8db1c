import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_VOCAB_PATH, caught } from './__test__/helpers';
import {
  countPromptTokens,
  delimiterSet,
  normaliseCaption,
  parseExpressions,
  parsePhrases,
  planTextRuns,
  subSentenceMasks,
  type TextRun,
} from './text';
import { loadBundledVocab, type TextTokenizer } from './tokenizer';

const D = new Set([101, 102, 1012, 1029]);

/** Mask rows as strings of 0/1, as docs/model-inputs.md §3 writes them. */
function rows(mask: Uint8Array, n: number): string[] {
  expect(mask.length).toBe(n * n);
  return Array.from({ length: n }, (_, r) => Array.from(mask.subarray(r * n, (r + 1) * n)).join(''));
}

function identityRows(n: number): string[] {
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) => (r === c ? '1' : '0')).join(''),
  );
}

let bert: TextTokenizer;
beforeAll(async () => {
  bert = await loadBundledVocab(BUNDLED_VOCAB_PATH);
});

const wholeCaptionIds = (prompt: string) => [101, ...bert.encodeBare(normaliseCaption(prompt)), 102];

/** Every run must carry the model-inputs §3 masks of its own ids, and its caption must tokenise to its ids. */
function expectConsistent(run: TextRun) {
  const n = run.ids.length;
  const expected = subSentenceMasks(run.ids, D);
  expect(run.positionIds).toEqual(expected.positionIds);
  expect(rows(run.mask, n)).toEqual(rows(expected.mask, n));
  expect([101, ...bert.encodeBare(run.caption), 102]).toEqual(run.ids);
  expect(run.phrases.map((p) => [p.start, p.end])).toEqual(expected.ranges);
  for (const p of run.phrases) expect(run.ids.slice(p.start, p.end)).toEqual(bert.encodeBare(p.phrase));
}

describe('normaliseCaption', () => {
  it('lower-cases, trims and appends " ." when the caption does not end with a dot', () => {
    expect(normaliseCaption('  Cat . Dog  ')).toBe('cat . dog .');
  });

  it('leaves a caption that already ends with a dot as it is, apart from case and outer spaces', () => {
    expect(normaliseCaption(' A cat. ')).toBe('a cat.');
    expect(normaliseCaption('cat . dog .')).toBe('cat . dog .');
  });
});

describe('parsePhrases', () => {
  it('keeps the phrases in prompt order', () => {
    expect(parsePhrases('person . dog . chair')).toEqual(['person', 'dog', 'chair']);
  });

  it('drops repeated phrases, keeping the first place', () => {
    expect(parsePhrases('dog . cat . Dog . cat .')).toEqual(['dog', 'cat']);
  });

  it('lower-cases, trims and collapses inner whitespace, so spacing variants are one phrase', () => {
    expect(parsePhrases('  Traffic   Light .traffic light\t. FIRE\nhydrant ')).toEqual([
      'traffic light',
      'fire hydrant',
    ]);
  });

  it('ignores empty phrases between consecutive dots', () => {
    expect(parsePhrases('. . cat .. . dog . .')).toEqual(['cat', 'dog']);
  });

  it('finds no phrase in a blank prompt', () => {
    expect(parsePhrases('   ')).toEqual([]);
    expect(parsePhrases(' . . ')).toEqual([]);
  });
});

describe('subSentenceMasks', () => {
  it('gives the worked example of model-inputs §3 for "cat . dog ."', () => {
    const ids = [101, 4937, 1012, 3899, 1012, 102];
    const { mask, positionIds, ranges } = subSentenceMasks(ids, D);
    expect(positionIds).toEqual([0, 0, 1, 0, 1, 0]);
    expect(rows(mask, 6)).toEqual(['100000', '011000', '011000', '000110', '000110', '000001']);
    expect(ranges).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('numbers the positions of a multi-word phrase 0, 1, 2, … up to its dot ("the running dog .")', () => {
    const ids = [101, ...[2, 3, 4], 1012, 102]; // three word tokens; their values do not matter
    const { mask, positionIds, ranges } = subSentenceMasks(ids, D);
    expect(positionIds).toEqual([0, 0, 1, 2, 3, 0]);
    expect(rows(mask, 6)).toEqual(['100000', '011110', '011110', '011110', '011110', '000001']);
    expect(ranges).toEqual([[1, 4]]);
  });

  it('gives positions [0,0,1,0] for "car ."', () => {
    const { mask, positionIds, ranges } = subSentenceMasks([101, 2482, 1012, 102], D);
    expect(positionIds).toEqual([0, 0, 1, 0]);
    expect(rows(mask, 4)).toEqual(['1000', '0110', '0110', '0001']);
    expect(ranges).toEqual([[1, 2]]);
  });

  it('gives the model-inputs §3 positions, blocks and phrase ranges for "traffic light . fire hydrant ."', () => {
    const ids = [101, 4026, 2422, 1012, 2543, 26018, 3372, 1012, 102];
    const { mask, positionIds, ranges } = subSentenceMasks(ids, D);
    expect(positionIds).toEqual([0, 0, 1, 2, 0, 1, 2, 3, 0]);
    expect(rows(mask, 9)).toEqual([
      '100000000',
      '011100000',
      '011100000',
      '011100000',
      '000011110',
      '000011110',
      '000011110',
      '000011110',
      '000000001',
    ]);
    expect(ranges).toEqual([
      [1, 3],
      [4, 7],
    ]);
  });

  it('leaves "a cat" without a final dot as an identity mask with all positions 0 and no phrase', () => {
    const { mask, positionIds, ranges } = subSentenceMasks([101, 1037, 4937, 102], D);
    expect(positionIds).toEqual([0, 0, 0, 0]);
    expect(rows(mask, 4)).toEqual(identityRows(4));
    expect(ranges).toEqual([]);
  });

  it('treats "?" as a delimiter closing its block', () => {
    const { positionIds, ranges } = subSentenceMasks([101, 2711, 1029, 6045, 1012, 102], D);
    expect(positionIds).toEqual([0, 0, 1, 0, 1, 0]);
    expect(ranges).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('keeps the diagonal and position 0 for text after the last delimiter and for padding', () => {
    // [CLS] cat . dog [SEP] [PAD] [PAD]: "dog" is closed by [SEP] only when [SEP] is not last.
    const ids = [101, 4937, 1012, 3899, 0, 0];
    const { mask, positionIds, ranges } = subSentenceMasks(ids, D);
    expect(positionIds).toEqual([0, 0, 1, 0, 0, 0]);
    expect(rows(mask, 6)).toEqual(['100000', '011000', '011000', '000100', '000010', '000001']);
    expect(ranges).toEqual([[1, 2]]);
  });

  it('builds its delimiter set from the tokenizer ids', () => {
    expect([...delimiterSet({ cls: 101, sep: 102, dot: 1012, question: 1029 })].sort()).toEqual(
      [101, 1012, 1029, 102].sort(),
    );
  });
});

describe('planTextRuns', () => {
  it.each([
    ['cat . dog .', [101, 4937, 1012, 3899, 1012, 102]],
    ['a cat.', [101, 1037, 4937, 1012, 102]],
    ['chair . person . dog .', [101, 3242, 1012, 2711, 1012, 3899, 1012, 102]],
    ['traffic light . fire hydrant', [101, 4026, 2422, 1012, 2543, 26018, 3372, 1012, 102]],
    ['tricycle . van .', [101, 13012, 23490, 1012, 3158, 1012, 102]],
    ['t-shirt .', [101, 1056, 1011, 3797, 1012, 102]],
    ['strawberries', [101, 13137, 20968, 1012, 102]],
  ])('gives %j the contract ids of its normalised caption', (prompt, ids) => {
    const runs = planTextRuns(prompt, bert, { maxTokens: 256 });
    expect(runs).toHaveLength(1);
    expect(runs[0].ids).toEqual(ids);
    expect(runs[0].ids).toEqual(wholeCaptionIds(prompt));
    expectConsistent(runs[0]);
  });

  it('gives the ids of the whole normalised caption for multi-word, accented and upper-case phrases', () => {
    const prompt = 'Traffic Light . Fire Hydrant . Café au lait . naïve dog';
    const [run] = planTextRuns(prompt, bert, { maxTokens: 256 });
    expect(run.ids).toEqual(wholeCaptionIds(prompt));
  });

  it('spans each phrase over its own tokens, without the closing dot', () => {
    const [run] = planTextRuns('traffic light . fire hydrant', bert, { maxTokens: 256 });
    expect(run.phrases).toEqual([
      { phrase: 'traffic light', index: 0, start: 1, end: 3 },
      { phrase: 'fire hydrant', index: 1, start: 4, end: 7 },
    ]);
    expect(run.positionIds).toEqual([0, 0, 1, 2, 0, 1, 2, 3, 0]);
    expect(run.caption).toBe('traffic light . fire hydrant .');
  });

  it('feeds a repeated phrase once', () => {
    const [run] = planTextRuns('dog . cat . dog', bert, { maxTokens: 256 });
    expect(run.ids).toEqual([101, 3899, 1012, 4937, 1012, 102]);
    expect(run.phrases.map((p) => p.phrase)).toEqual(['dog', 'cat']);
  });

  it('splits a 300-token prompt into runs of at most 256 tokens holding every phrase exactly once, uncut', () => {
    const words = ['red', 'green', 'blue', 'small', 'large', 'old', 'new', 'wooden', 'metal', 'plastic'];
    const things = ['cup', 'chair', 'table', 'box', 'bag', 'car', 'door', 'lamp', 'book', 'shoe'];
    const phrases = words.flatMap((w) => things.map((t) => `${w} ${t}`)); // 100 phrases of 2 tokens
    const prompt = phrases.join(' . ');
    expect(countPromptTokens(prompt, bert)).toBe(302);

    const runs = planTextRuns(prompt, bert, { maxTokens: 256 });
    expect(runs.length).toBeGreaterThan(1);
    for (const run of runs) {
      expect(run.ids.length).toBeLessThanOrEqual(256);
      expect(run.ids[0]).toBe(101);
      expect(run.ids.at(-1)).toBe(102);
      expectConsistent(run);
    }
    const seen = runs.flatMap((r) => r.phrases.map((p) => [p.index, p.phrase] as const));
    expect(seen).toEqual(phrases.map((p, i) => [i, p]));
    // Nothing is truncated: all phrase tokens plus one dot each, plus [CLS]/[SEP] per run.
    const total = runs.reduce((n, r) => n + r.ids.length, 0);
    expect(total).toBe(300 + 2 * runs.length);
  });

  it('splits at the limit given by the model, not a hard-coded 256', () => {
    const runs = planTextRuns('cat . dog . bird . fish', bert, { maxTokens: 6 });
    expect(runs.map((r) => r.ids)).toEqual([
      [101, 4937, 1012, 3899, 1012, 102],
      [101, 4743, 1012, 3869, 1012, 102],
    ]);
    expect(runs.flatMap((r) => r.phrases.map((p) => p.index))).toEqual([0, 1, 2, 3]);
  });

  it('gives one run per phrase in per-phrase mode, each as "<phrase> ."', () => {
    const runs = planTextRuns('traffic light . dog . cat', bert, { maxTokens: 256, perPhrase: true });
    expect(runs.map((r) => r.caption)).toEqual(['traffic light .', 'dog .', 'cat .']);
    expect(runs.map((r) => r.ids)).toEqual([
      [101, 4026, 2422, 1012, 102],
      [101, 3899, 1012, 102],
      [101, 4937, 1012, 102],
    ]);
    expect(runs.map((r) => r.phrases)).toEqual([
      [{ phrase: 'traffic light', index: 0, start: 1, end: 3 }],
      [{ phrase: 'dog', index: 1, start: 1, end: 2 }],
      [{ phrase: 'cat', index: 2, start: 1, end: 2 }],
    ]);
    runs.forEach(expectConsistent);
  });

  it('accepts a single phrase that exactly fills the limit with its dot, [CLS] and [SEP]', () => {
    const runs = planTextRuns(Array(253).fill('cat').join(' '), bert, { maxTokens: 256 });
    expect(runs).toHaveLength(1);
    expect(runs[0].ids).toHaveLength(256);
  });

  it('refuses a single phrase longer than the limit with phrase-too-long, quoting it', async () => {
    const e = await caught(
      () => planTextRuns(`dog . ${Array(254).fill('cat').join(' ')}`, bert, { maxTokens: 256 }),
      'phrase-too-long',
    );
    expect(e.message).toContain('cat cat cat');
    expect(e.message).toContain('254');
  });

  it('refuses an empty prompt with prompt-empty', async () => {
    await caught(() => planTextRuns('', bert, { maxTokens: 256 }), 'prompt-empty');
    await caught(() => planTextRuns('  .  . ', bert, { maxTokens: 256 }), 'prompt-empty');
  });
});

describe('parseExpressions', () => {
  it('reads one referring expression per line, in order, without repeats or blank lines', () => {
    expect(
      parseExpressions('The man in the RED shirt\n\n  a dog  on a sofa \r\nthe man in the red shirt'),
    ).toEqual(['the man in the red shirt', 'a dog on a sofa']);
  });

  it('drops dots inside a line, which would cut the expression in two', () => {
    expect(parseExpressions('the sign of st. john.')).toEqual(['the sign of st john']);
  });
});

describe('planTextRuns for referring expressions', () => {
  it('spans each expression over all of its words, closed by a dot that keeps it apart', () => {
    const [run] = planTextRuns('the red car\na dog', bert, { maxTokens: 256, expressions: true });
    expect(run.caption).toBe('the red car . a dog .');
    expect(run.phrases.map((p) => [p.phrase, p.end - p.start])).toEqual([
      ['the red car', 3],
      ['a dog', 2],
    ]);
    expectConsistent(run);
  });

  it('runs expressions longer than the limit together in separate passes, none cut', () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) => `the ${['red', 'green', 'blue'][i % 3]} car number ${i} on the left`,
    );
    const runs = planTextRuns(lines.join('\n'), bert, { maxTokens: 64, expressions: true });
    expect(runs.length).toBeGreaterThan(1);
    for (const run of runs) {
      expect(run.ids.length).toBeLessThanOrEqual(64);
      expectConsistent(run);
    }
    expect(runs.flatMap((r) => r.phrases.map((p) => p.phrase))).toEqual(lines);
  });

  it('refuses a prompt without expressions, saying to write one per line', async () => {
    const e = await caught(
      () => planTextRuns(' \n . \n', bert, { maxTokens: 256, expressions: true }),
      'prompt-empty',
    );
    expect(e.message).toContain('one per line');
  });
});

describe('countPromptTokens', () => {
  it('counts [CLS], [SEP], the phrase tokens and one dot per phrase', () => {
    expect(countPromptTokens('cat . dog', bert)).toBe(6);
    expect(countPromptTokens('traffic light . fire hydrant .', bert)).toBe(9);
  });

  it('counts a repeated phrase once, as it is fed once', () => {
    expect(countPromptTokens('cat . cat . cat', bert)).toBe(4);
  });

  it('agrees with the length of the single run it plans', () => {
    const prompt = 'tricycle . van . Café . t-shirt . strawberries';
    expect(countPromptTokens(prompt, bert)).toBe(
      planTextRuns(prompt, bert, { maxTokens: 256 })[0].ids.length,
    );
  });

  it('counts expressions line by line in REC mode', () => {
    expect(countPromptTokens('red car\nblue car', bert, true)).toBe(8);
    expect(countPromptTokens('red car\nblue car', bert)).toBe(7);
  });

  it('counts only [CLS] and [SEP] for an empty prompt', () => {
    expect(countPromptTokens('', bert)).toBe(2);
  });
});
