import { describe, expect, it } from 'vitest';
import { missingSeparators } from './separators';

describe('missingSeparators', () => {
  it('flags a comma-separated list, which the model reads as one phrase, and rewrites it with " . "', () => {
    expect(missingSeparators('red, blue, Green')).toEqual({
      asOne: 'red, blue, green',
      phrases: ['red', 'blue', 'green'],
      rewrite: 'red . blue . green .',
      kind: 'list',
    });
    expect(missingSeparators('cat; dog\nbird')?.rewrite).toBe('cat . dog . bird .');
  });

  it('flags words without separators, offering each word as a phrase', () => {
    expect(missingSeparators('red blue')).toMatchObject({ phrases: ['red', 'blue'], kind: 'words' });
  });

  it('keeps multi-word phrases of a list whole', () => {
    expect(missingSeparators('traffic light, fire hydrant')?.phrases).toEqual([
      'traffic light',
      'fire hydrant',
    ]);
  });

  it('says nothing about a prompt with dots, a single word, or a blank one', () => {
    expect(missingSeparators('red . blue')).toBeNull();
    expect(missingSeparators('red blue .')).toBeNull();
    expect(missingSeparators('dog')).toBeNull();
    expect(missingSeparators('  ')).toBeNull();
    expect(missingSeparators('dog dog')).toBeNull();
  });
});
