import { describe, expect, it } from 'vitest';
import { historyStep, type FieldKey } from './history-keys';

const key = (k: string, value: string, at: number, extra: Partial<FieldKey> = {}): FieldKey => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  value,
  selectionStart: at,
  selectionEnd: at,
  ...extra,
});

describe('historyStep', () => {
  it('steps to an older prompt with Up and a newer one with Down in a one-line field', () => {
    expect(historyStep(key('ArrowUp', 'cat . dog', 4))).toBe(1);
    expect(historyStep(key('ArrowDown', 'cat . dog', 4))).toBe(-1);
  });

  it('leaves Up and Down to move the caret between the lines of a prompt of several lines', () => {
    const text = 'the cat\nthe dog';
    expect(historyStep(key('ArrowUp', text, 10))).toBeNull();
    expect(historyStep(key('ArrowDown', text, 3))).toBeNull();
    expect(historyStep(key('ArrowUp', text, 3))).toBe(1);
    expect(historyStep(key('ArrowDown', text, 10))).toBe(-1);
  });

  it('ignores Up and Down with a modifier, with text selected, and other keys', () => {
    expect(historyStep(key('ArrowUp', 'cat', 1, { shiftKey: true }))).toBeNull();
    expect(historyStep(key('ArrowUp', 'cat', 1, { ctrlKey: true }))).toBeNull();
    expect(historyStep(key('ArrowUp', 'cat', 0, { selectionEnd: 3 }))).toBeNull();
    expect(historyStep(key('Enter', 'cat', 1))).toBeNull();
  });
});
