import { describe, expect, it } from 'vitest';
import { sessionOptionsFor } from './session-options';

describe('sessionOptionsFor', () => {
  it("turns ONNX Runtime's memory pattern off, which held more memory at peak and ran no faster", () => {
    // Measured side by side on the full-size Grounding DINO-T export (npm run bench -- --model).
    expect(sessionOptionsFor('cpu', {}).enableMemPattern).toBe(false);
    expect(sessionOptionsFor('webgpu', { intraOpThreads: 4 }).enableMemPattern).toBe(false);
  });

  it('passes the thread count and spinning through, and nothing else by default', () => {
    expect(sessionOptionsFor('cpu', { intraOpThreads: 3, intraOpSpinning: false })).toMatchObject({
      executionProviders: ['cpu'],
      intraOpNumThreads: 3,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    const plain = sessionOptionsFor('cpu', {});
    expect(plain.intraOpNumThreads).toBeUndefined();
    expect(plain.extra).toBeUndefined();
  });
});
