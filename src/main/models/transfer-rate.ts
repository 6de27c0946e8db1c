/**
 * Rate and time left of a transfer, from the bytes seen over the last few seconds: steady enough
 * to read, quick to follow a connection that slows down.
 */
export class TransferRate {
  private samples: { t: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  /** Records that `bytes` have arrived in all by time `t` (ms). */
  add(t: number, bytes: number): void {
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[1].t >= this.windowMs) this.samples.shift();
  }

  /** Bytes per second; 0 before two samples a moment apart. */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t - first.t < 200) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }

  /** Seconds until `total`, or null when the total or a rate is unknown. */
  etaSeconds(received: number, total: number | null): number | null {
    const rate = this.rate();
    if (total === null || rate <= 0) return null;
    return Math.max(0, Math.round((total - received) / rate));
  }

  reset(): void {
    this.samples = [];
  }
}
