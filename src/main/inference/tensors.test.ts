import { describe, expect, it } from 'vitest';
import { describeFeed, describeValue, int64 } from './tensors';

describe('int64', () => {
  it('stores numbers as a BigInt64Array with the given dims', () => {
    const t = int64([101, 4937, 102], [1, 3]);
    expect(t.type).toBe('int64');
    expect(t.data).toEqual(BigInt64Array.from([101n, 4937n, 102n]));
    expect(t.dims).toEqual([1, 3]);
  });
});

describe('describeValue', () => {
  it('writes name, type and dims, with ? for unknown dims', () => {
    expect(describeValue({ name: 'pixel_values', type: 'float32', dims: ['batch', 3, null, 800] })).toBe(
      'pixel_values float32[batch,3,?,800]',
    );
  });
});

describe('describeFeed', () => {
  it('writes name, type and dims of a feed', () => {
    expect(describeFeed('text_token_mask', { type: 'bool', data: new Uint8Array(4), dims: [1, 2, 2] })).toBe(
      'text_token_mask bool[1,2,2]',
    );
  });
});
