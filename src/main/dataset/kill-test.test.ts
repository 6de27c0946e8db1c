import { describe, expect, it } from 'vitest';
import { runKillTest } from './kill-test';

describe('the project store under SIGKILL', () => {
  it('loses no acknowledged edit and leaves no unparseable file over 12 random kills', async () => {
    const result = await runKillTest({ kills: 12 });
    expect(result.acknowledged).toBeGreaterThan(12);
    expect(result).toMatchObject({ kills: 12, lostAcknowledgedEdits: 0, unparseableFiles: 0 });
  }, 120_000);
});
