/** What `npm run bench -- --model` and its contestant processes say to each other. */
import type { Device } from '../../src/main/inference/devices';

/** Everything a contestant process needs, passed as its one argument (JSON). */
export interface ContestantConfig {
  readonly variant: string;
  readonly model: string;
  readonly device: Device;
  readonly images: readonly string[];
  readonly prompt: string;
  readonly threads?: number;
  /** Where the GroundLabel side writes the exact feeds it gives the model, and the bare side reads them. */
  readonly feedsDir: string;
  readonly writeFeeds: boolean;
}

export interface Ready {
  readonly kind: 'ready';
  readonly createMs: number;
  readonly rssMb: number;
  /** The provider that runs: the bare sides use the one the GroundLabel side got. */
  readonly provider: string;
  readonly about: string;
}

export interface StartFailed {
  readonly kind: 'start-failed';
  readonly message: string;
}

export type Request = { readonly id: number; readonly kind: 'first' | 'turn' | 'breakdown' | 'quit' };

export type Reply =
  | { readonly id: number; readonly ok: true; readonly value: TurnFigures | Breakdown | Peak }
  | { readonly id: number; readonly ok: false; readonly message: string };

export interface TurnFigures {
  /** Wall time of the turn divided by its images (the first run: that one image). */
  readonly msPerImage: number;
  /**
   * CPU time of the whole process (every thread) per image. Other work on a shared machine inflates
   * wall times but hardly this; spinning threads count here, as they take cores from other work.
   */
  readonly cpuMsPerImage: number;
  readonly images: number;
  /** Boxes found (GroundLabel side) or outputs read (bare side): a turn that did nothing is a bug. */
  readonly boxes: number;
  readonly peakRssMb: number;
}

/** GroundLabel's steps for one image at a time, nothing overlapped: medians over the images. */
export interface Breakdown {
  readonly prepareMs: number;
  readonly textMs: number;
  /** From handing the feeds over to having the outputs back on the calling thread. */
  readonly roundTripMs: number;
  readonly postprocessMs: number;
}

export interface Peak {
  readonly peakRssMb: number;
}

export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** Wall and CPU time of `fn`, per item, in ms. */
export async function timed<T>(
  items: number,
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const ms = (performance.now() - t) / items;
  const used = process.cpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 / items };
}
