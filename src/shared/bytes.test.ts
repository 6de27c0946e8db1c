import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';

describe('formatBytes', () => {
  it('writes sizes in decimal units with one decimal below a hundred', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(231_508)).toBe('232 kB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(695_000_000)).toBe('695 MB');
    expect(formatBytes(1_200_000_000)).toBe('1.2 GB');
    expect(formatBytes(2_000_000_000)).toBe('2 GB');
  });
});
