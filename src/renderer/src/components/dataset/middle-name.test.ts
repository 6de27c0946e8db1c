import { describe, expect, it } from 'vitest';
import { middleSplit } from './middle-name';

describe('middleSplit', () => {
  it('keeps the last four characters of the stem with the extension, where numbered names differ', () => {
    expect(middleSplit('IMG_20230512_0001.jpg')).toEqual({ head: 'IMG_20230512_', tail: '0001.jpg' });
    expect(middleSplit('IMG_20230512_0002.jpg').tail).not.toBe(middleSplit('IMG_20230512_0001.jpg').tail);
  });

  it('keeps folders in the head and never cuts into them from the tail', () => {
    expect(middleSplit('shoot/roll-1/motorcycle_street.png')).toEqual({
      head: 'shoot/roll-1/motorcycle_st',
      tail: 'reet.png',
    });
    expect(middleSplit('sub/ab.png')).toEqual({ head: 'sub/', tail: 'ab.png' });
  });

  it('treats a name without an extension, or a dot file, as all stem', () => {
    expect(middleSplit('README_LONG')).toEqual({ head: 'README_', tail: 'LONG' });
    expect(middleSplit('dir/.hidden')).toEqual({ head: 'dir/.hi', tail: 'dden' });
  });
});
