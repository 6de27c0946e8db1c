/**
 * One contestant of `npm run bench -- --model`, in a process of its own so that its peak RSS is its
 * own. It loads the model, says `ready`, then does what the bench asks, one request at a time.
 */
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { Detector, detectorSessionOptions, type PreparedImage } from '../../src/main/inference/detector';
import { FLAVOURS } from '../../src/main/inference/flavours';
import { sessionOptionsFor } from '../../src/main/inference/session-options';
import type { Provider } from '../../src/main/inference/devices';
import { labelImages } from '../../src/main/jobs/label-images';
import { bundledVocabPath } from '../../src/main/paths';
import { median } from '../stats';
import { padFeeds, readFeeds, writeFeeds } from './feeds-file';
import {
  peakRssMb,
  timed,
  type Breakdown,
  type ContestantConfig,
  type Ready,
  type Reply,
  type Request,
  type StartFailed,
  type TurnFigures,
} from './protocol';
import { VARIANTS, type BareVariant, type GroundLabelVariant } from './variants';

type Handler = (kind: Request['kind']) => Promise<TurnFigures | Breakdown | { peakRssMb: number }>;

const send = (m: Ready | StartFailed | Reply) => process.send?.(m);
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

async function groundLabel(config: ContestantConfig, variant: GroundLabelVariant): Promise<Handler> {
  const t0 = performance.now();
  const detector = await Detector.open({
    model: config.model,
    device: config.device,
    bundledVocab: bundledVocabPath(),
    intraOpThreads: config.threads,
    ...variant.detector,
  });
  const createMs = performance.now() - t0;
  const targets = config.images.map((file) => ({ relPath: file, file }));
  if (config.writeFeeds) {
    const flavour = FLAVOURS.find((f) => f.id === detector.info.flavour);
    const [text] = detector.textRuns(config.prompt);
    if (!flavour || !text) throw new Error(`no flavour or text run for ${config.model}`);
    await mkdir(config.feedsDir, { recursive: true });
    const feeds = [];
    for (const file of config.images) {
      const image = await detector.prepareImage(file);
      feeds.push(flavour.feeds({ pixels: image.pixels, size: image.size, text }));
    }
    await writeFeeds(config.feedsDir, feeds);
  }
  send({
    kind: 'ready',
    createMs,
    rssMb: rssMb(),
    provider: detector.info.device.provider,
    about: `${variant.about}; model thread: ${detector.info.thread}; ${detector.textRuns(config.prompt).length} run(s) per image`,
  });
  const boxesOf = (results: { detections: readonly unknown[] }[]) =>
    results.reduce((n, r) => n + r.detections.length, 0);
  return async (kind) => {
    if (kind === 'first' || kind === 'turn') {
      const images = kind === 'first' ? targets.slice(0, 1) : targets;
      const {
        value: outcomes,
        ms,
        cpuMs,
      } = await timed(images.length, () => labelImages(detector, images, config.prompt));
      const failed = outcomes.find((o) => !o.ok);
      if (failed && !failed.ok) throw new Error(`${failed.relPath}: ${failed.error.message}`);
      return {
        msPerImage: ms,
        cpuMsPerImage: cpuMs,
        images: images.length,
        boxes: boxesOf(outcomes.flatMap((o) => (o.ok ? [o] : []))),
        peakRssMb: peakRssMb(),
      };
    }
    if (kind === 'breakdown') {
      const steps: { prepare: number; text: number; roundTrip: number; post: number }[] = [];
      for (const file of config.images) {
        const t = performance.now();
        const image: PreparedImage = await detector.prepareImage(file);
        const prepare = performance.now() - t;
        const r = await detector.detect(image, config.prompt);
        detector.release(image);
        steps.push({
          prepare,
          text: r.timings.textMs,
          roundTrip: r.timings.runMs,
          post: r.timings.postprocessMs,
        });
      }
      const med = (k: keyof (typeof steps)[number]) => median(steps.map((s) => s[k]));
      return {
        prepareMs: med('prepare'),
        textMs: med('text'),
        roundTripMs: med('roundTrip'),
        postprocessMs: med('post'),
      };
    }
    await detector.close();
    return { peakRssMb: peakRssMb() };
  };
}

async function bare(config: ContestantConfig, variant: BareVariant, provider: Provider): Promise<Handler> {
  let images = await readFeeds(config.feedsDir);
  if (variant.padded) {
    if (!images[0]?.some((f) => f.name === 'pixel_mask'))
      throw new Error('padding needs a model with a pixel_mask input (flavour B)');
    images = images.map((feeds) => padFeeds(feeds, { height: 800, width: 1333 }));
  }
  const threads = config.threads;
  const base: ort.InferenceSession.SessionOptions =
    variant.base === 'groundlabel'
      ? sessionOptionsFor(provider, detectorSessionOptions({ intraOpThreads: threads }))
      : { executionProviders: [provider], ...(threads !== undefined && { intraOpNumThreads: threads }) };
  const options = {
    ...(variant.change ? variant.change(base) : base),
    ...(variant.outputsOnGpu && { preferredOutputLocation: 'gpu-buffer' as const }),
  };
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(config.model, options);
  const createMs = performance.now() - t0;
  const feeds = images.map((named) =>
    Object.fromEntries(named.map((f) => [f.name, new ort.Tensor(f.type, f.data, f.dims)])),
  );
  const outputNames = session.outputNames;
  send({ kind: 'ready', createMs, rssMb: rssMb(), provider, about: variant.about });
  const runOne = async (f: Record<string, ort.Tensor>): Promise<number> => {
    const out = await session.run(f);
    let read = 0;
    for (const name of outputNames) {
      const t = out[name];
      // Outputs left on the GPU: download what post-processing reads (every output of these models).
      const data = variant.outputsOnGpu ? await t.getData(true) : t.data;
      read += data.length > 0 ? 1 : 0;
    }
    return read;
  };
  return async (kind) => {
    if (kind === 'first' || kind === 'turn') {
      const batch = kind === 'first' ? feeds.slice(0, 1) : feeds;
      const {
        value: read,
        ms,
        cpuMs,
      } = await timed(batch.length, async () => {
        let n = 0;
        for (const f of batch) n += await runOne(f);
        return n;
      });
      return {
        msPerImage: ms,
        cpuMsPerImage: cpuMs,
        images: batch.length,
        boxes: read,
        peakRssMb: peakRssMb(),
      };
    }
    if (kind === 'breakdown') throw new Error('only the GroundLabel side has a breakdown');
    await session.release();
    return { peakRssMb: peakRssMb() };
  };
}

async function main(): Promise<void> {
  // The bench is gone (stopped, or failed): so is the point of this process.
  process.on('disconnect', () => process.exit(0));
  const config = JSON.parse(process.argv[2] ?? '{}') as ContestantConfig & { provider?: Provider };
  const variant = VARIANTS[config.variant];
  let handle: Handler;
  try {
    if (!variant) throw new Error(`unknown variant ${config.variant}`);
    handle =
      variant.side === 'groundlabel'
        ? await groundLabel(config, variant)
        : await bare(config, variant, config.provider ?? 'cpu');
  } catch (e) {
    send({ kind: 'start-failed', message: (e as Error).message });
    process.exit(1);
  }
  process.on('message', (r: Request) => {
    handle(r.kind).then(
      (value) => {
        send({ id: r.id, ok: true, value });
        if (r.kind === 'quit') process.disconnect();
      },
      (e: unknown) => send({ id: r.id, ok: false, message: (e as Error).message }),
    );
  });
}

void main();
