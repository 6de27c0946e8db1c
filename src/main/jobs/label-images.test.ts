import { describe, expect, it } from 'vitest';
import { GroundLabelError } from '../../shared/errors';
import type { DetectResult, PreparedImage } from '../inference/detector';
import { labelImages, type DetectorLike } from './label-images';

/** A detector whose steps are observable: which images are being decoded while one is detected. */
function fakeDetector(opts: { failPrepare?: string[]; failDetect?: string[] } = {}) {
  const events: string[] = [];
  let inFlightPrepares = 0;
  let maxPreparesDuringDetect = 0;
  let inFlightDetects = 0;
  let maxDetectsInFlight = 0;
  const detector: DetectorLike = {
    async prepareImage(file) {
      inFlightPrepares++;
      events.push(`prepare ${file}`);
      await new Promise((r) => setTimeout(r, 5));
      inFlightPrepares--;
      if (opts.failPrepare?.includes(file))
        throw new GroundLabelError('image-unreadable', `${file}: not a readable image`);
      return {
        file,
        original: { width: 10, height: 10 },
        size: { width: 10, height: 10 },
        pixels: new Float32Array(300),
        ms: 5,
      };
    },
    async detect(image: PreparedImage): Promise<DetectResult> {
      maxPreparesDuringDetect = Math.max(maxPreparesDuringDetect, inFlightPrepares);
      events.push(`detect ${image.file}`);
      maxDetectsInFlight = Math.max(maxDetectsInFlight, ++inFlightDetects);
      await new Promise((r) => setTimeout(r, 10));
      inFlightDetects--;
      events.push(`detected ${image.file}`);
      if (opts.failDetect?.includes(image.file)) throw new Error('model crashed');
      return {
        file: image.file,
        image: image.original,
        detections: [
          { box: { x1: 1, y1: 1, x2: 5, y2: 5 }, score: 0.9, phrase: 'cat', phraseIndex: 0, rawText: 'cat' },
        ],
        collisions: [],
        runs: 1,
        timings: { preprocessMs: 5, textMs: 0, runMs: 10, postprocessMs: 0 },
      };
    },
  };
  return {
    detector,
    events,
    maxPreparesDuringDetect: () => maxPreparesDuringDetect,
    maxDetectsInFlight: () => maxDetectsInFlight,
  };
}

const targets = (names: string[]) => names.map((n) => ({ relPath: n, file: n }));

describe('labelImages', () => {
  it('returns one outcome per image, in order', async () => {
    const { detector } = fakeDetector();
    const outcomes = await labelImages(detector, targets(['a', 'b', 'c']), 'cat .');
    expect(outcomes.map((o) => [o.relPath, o.ok])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
  });

  it('decodes the next images while the model works on the current one', async () => {
    const fake = fakeDetector();
    await labelImages(fake.detector, targets(['a', 'b', 'c', 'd']), 'cat .', { lookahead: 2 });
    expect(fake.maxPreparesDuringDetect()).toBeGreaterThan(0);
    expect(fake.events.indexOf('prepare b')).toBeLessThan(fake.events.indexOf('detect a'));
  });

  it('records a broken image and a failing run, and goes on with the rest', async () => {
    const { detector } = fakeDetector({ failPrepare: ['b'], failDetect: ['c'] });
    const seen: string[] = [];
    const outcomes = await labelImages(detector, targets(['a', 'b', 'c', 'd']), 'cat .', {
      onOutcome: (o, done, total) => seen.push(`${o.relPath} ${done}/${total}`),
    });
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true]);
    const [, b, c] = outcomes;
    expect(!b.ok && b.error).toEqual({ code: 'image-unreadable', message: 'b: not a readable image' });
    expect(!c.ok && c.error).toEqual({ code: 'inference-failed', message: 'model crashed' });
    expect(seen).toEqual(['a 1/4', 'b 2/4', 'c 3/4', 'd 4/4']);
  });

  it('when cancelled, finishes the run already handed to the model and starts no other', async () => {
    const fake = fakeDetector();
    const controller = new AbortController();
    const outcomes = await labelImages(fake.detector, targets(['a', 'b', 'c', 'd']), 'cat .', {
      signal: controller.signal,
      onOutcome: () => controller.abort(),
    });
    expect(outcomes.map((o) => o.relPath)).toEqual(['a', 'b']);
    expect(fake.events.filter((e) => e.startsWith('detect '))).toEqual(['detect a', 'detect b']);
  });

  it('hands the next image to the model before the current run has settled', async () => {
    const fake = fakeDetector();
    await labelImages(fake.detector, targets(['a', 'b', 'c']), 'cat .');
    expect(fake.maxDetectsInFlight()).toBe(2);
    expect(fake.events.indexOf('detect b')).toBeLessThan(fake.events.indexOf('detected a'));
  });
});
