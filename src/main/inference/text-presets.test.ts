import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_PRESETS } from '../../shared/prompt/presets';
import { parsePhrases } from '../../shared/prompt/units';
import { BUNDLED_VOCAB_PATH } from './__test__/helpers';
import { planTextRuns } from './text';
import { loadBundledVocab, type TextTokenizer } from './tokenizer';

let bert: TextTokenizer;
beforeAll(async () => {
  bert = await loadBundledVocab(BUNDLED_VOCAB_PATH);
});

describe('built-in class lists as prompts', () => {
  it.each(BUILT_IN_PRESETS.map((b) => [b.id, b] as const))(
    '%s runs in passes of at most 256 tokens that ask for every class once',
    (_, { preset, classes }) => {
      const runs = planTextRuns(preset.prompt, bert, { maxTokens: 256 });
      for (const run of runs) expect(run.ids.length).toBeLessThanOrEqual(256);
      const asked = runs.flatMap((r) => r.phrases.map((p) => p.phrase));
      expect(asked).toEqual(parsePhrases(preset.prompt));
      expect(asked).toHaveLength(classes);
      if (classes > 100) expect(runs.length).toBeGreaterThan(1);
    },
  );
});
