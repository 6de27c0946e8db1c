import { describe, expect, it } from 'vitest';
import { MediaKeys } from './media-keys';

describe('media keys', () => {
  it('opens with a key it issued, until that key is revoked', () => {
    const keys = new MediaKeys();
    const key = keys.issue();
    expect(key).toMatch(/^[\w-]{32}$/);
    expect(keys.valid(key)).toBe(true);
    expect(keys.valid(`${key}x`)).toBe(false);
    expect(keys.valid('')).toBe(false);
    keys.revoke(key);
    expect(keys.valid(key)).toBe(false);
  });

  it('revokes the oldest key once more pages than it keeps have asked', () => {
    const keys = new MediaKeys(2);
    const [first, second, third] = [keys.issue(), keys.issue(), keys.issue()];
    expect([first, second, third].map((k) => keys.valid(k))).toEqual([false, true, true]);
    keys.revokeAll();
    expect([second, third].map((k) => keys.valid(k))).toEqual([false, false]);
  });
});
