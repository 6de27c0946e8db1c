import { describe, expect, it } from 'vitest';
import { killDelays, killSeed, runKillTest } from './kill-test';

describe('the project store under SIGKILL', () => {
  it('loses no acknowledged edit and leaves no unparseable file over 12 random kills', async () => {
    const result = await runKillTest({ kills: 12, seed: killSeed() });
    const replay = `replay with KILL_SEED=${result.seed}`;
    expect(result.acknowledged, replay).toBeGreaterThan(12);
    expect(result, replay).toMatchObject({ kills: 12, lostAcknowledgedEdits: 0, unparseableFiles: 0 });
    // Every kill left the child's lock behind, and every reopen took it over.
    expect(result.staleLocksTakenOver, replay).toBe(12);
  }, 120_000);
});

describe('kill test replay', () => {
  it('gives the same kill delays for the same seed, and others for another seed', () => {
    const delays = killDelays(1234, 50, 250);
    expect(killDelays(1234, 50, 250)).toEqual(delays);
    expect(killDelays(1235, 50, 250)).not.toEqual(delays);
    expect(delays.every((d) => Number.isInteger(d) && d >= 0 && d <= 250)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('takes the seed from KILL_SEED, and refuses one that is not an integer', () => {
    expect(killSeed({ KILL_SEED: ' 987 ' })).toBe(987);
    expect(Number.isSafeInteger(killSeed({}))).toBe(true);
    expect(() => killSeed({ KILL_SEED: '12abc' })).toThrow(/KILL_SEED must be an integer, got "12abc"/);
  });

  it('runs with the delays of the seed it was given, and prints them first', async () => {
    const lines: string[] = [];
    const result = await runKillTest({ kills: 2, seed: 42, maxKillDelayMs: 50, log: (l) => lines.push(l) });
    expect(result.delays).toEqual(killDelays(42, 2, 50));
    expect(lines).toEqual([
      `kill test: seed 42 (replay with KILL_SEED=42); kill delays (ms): ${result.delays.join(' ')}`,
    ]);
  }, 60_000);
});
