import path from 'node:path';
import { SingleBar } from 'cli-progress';
import {
  labelImages,
  type DetectorLike,
  type LabelJobOptions,
  type LabelOutcome,
} from '../main/jobs/label-images';

export interface Progress {
  tick(): void;
  stop(): void;
}

const formatEta = (s: number): string =>
  !Number.isFinite(s) ? '--:--' : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

/** A progress bar with count, rate and ETA on stderr; a line every few seconds when stderr is not a terminal. */
export function startProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  const bar = new SingleBar({
    stream,
    format: 'labeling [{bar}] {value}/{total} | {rate} img/s | ETA {etaText}',
    noTTYOutput: !stream.isTTY,
    notTTYSchedule: 3000,
    hideCursor: stream.isTTY,
    etaBuffer: 20,
  });
  bar.start(total, 0, { rate: '0.00', etaText: '--:--' });
  let done = 0;
  return {
    tick() {
      done++;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      bar.update(done, {
        rate: rate.toFixed(2),
        etaText: formatEta(rate > 0 ? (total - done) / rate : Infinity),
      });
    },
    stop: () => bar.stop(),
  };
}

/**
 * Labels the images of a folder (paths relative to `images`) with a progress bar, as `label` does
 * with or without `--shard`; `onOutcome` sees each image as it finishes.
 */
export async function labelFolderWithProgress(
  detector: DetectorLike,
  images: string,
  relPaths: readonly string[],
  prompt: string,
  options: Omit<LabelJobOptions, 'onOutcome'> & { readonly onOutcome?: (outcome: LabelOutcome) => void },
): Promise<LabelOutcome[]> {
  const progress = startProgress(relPaths.length);
  const { onOutcome, ...rest } = options;
  try {
    return await labelImages(
      detector,
      relPaths.map((relPath) => ({ relPath, file: path.join(images, relPath) })),
      prompt,
      {
        ...rest,
        onOutcome: (outcome) => {
          onOutcome?.(outcome);
          progress.tick();
        },
      },
    );
  } finally {
    progress.stop();
  }
}
