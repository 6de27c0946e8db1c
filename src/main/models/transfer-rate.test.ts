import { describe, expect, it } from 'vitest';
import { TransferRate } from './transfer-rate';

describe('TransferRate', () => {
  it('gives the rate over the last seconds and the time left at that rate', () => {
    const r = new TransferRate(5000);
    r.add(0, 0);
    r.add(1000, 1_000_000);
    r.add(2000, 2_000_000);
    expect(r.rate()).toBe(1_000_000);
    expect(r.etaSeconds(2_000_000, 10_000_000)).toBe(8);
  });

  it('follows a connection that slows down rather than averaging from the start', () => {
    const r = new TransferRate(2000);
    r.add(0, 0);
    r.add(1000, 10_000_000);
    for (let t = 2000; t <= 6000; t += 1000) r.add(t, 10_000_000 + (t - 1000) * 100);
    expect(r.rate()).toBeCloseTo(100_000, -3);
  });

  it('knows no rate or time left before two samples, nor a time left without a total', () => {
    const r = new TransferRate();
    r.add(0, 100);
    expect(r.rate()).toBe(0);
    r.add(1000, 200);
    expect(r.etaSeconds(200, null)).toBeNull();
  });
});
