/**
 * `npm run bench`: where the time of one image goes outside the model. Prints figures only; it asserts
 * nothing. session.run uses a FIXTURE model (a tiny colour graph) unless GDINO_MODEL names a real or
 * stand-in export, so its figure is not Grounding DINO's latency. With arguments (`--model <folder>` …)
 * it compares the labeling path with a bare session.run loop instead: see bench/overhead/run.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { DEFAULT_THRESHOLDS } from '../src/shared/detection';
import { Detector } from '../src/main/inference/detector';
import { loadModelPixels } from '../src/main/inference/image';
import { toNormalisedCHW } from '../src/main/inference/normalise';
import { decodeDetections, finishDetections } from '../src/main/inference/postprocess';
import { originalRepoSize } from '../src/main/inference/resize';
import { delimiterSet, planTextRuns } from '../src/main/inference/text';
import { loadTokenizer } from '../src/main/inference/tokenizer';
import { bundledVocabPath } from '../src/main/paths';
import { writeFixtureModels } from '../test/fixtures/model-folders';
import { writeBenchImages } from './images';
import { runModelBench } from './overhead/run';
import { syntheticOutputs } from './postprocess-input';
import { runReference } from './reference';
import { goalLine, ms, table, type Figure } from './report';
import { interleavedMedians, median, medianMs, medianOf } from './stats';
import { decodeFloor, normaliseMulAdd } from './what-if';

const PROMPT = 'person . dog . traffic light . fire hydrant .';
// Twelve phrases: S = 32 text tokens, the scale of a busy labeling prompt, for the post-process tensor.
const LONG_PROMPT =
  'person . dog . traffic light . fire hydrant . bicycle . car . stop sign . bench . backpack . umbrella . handbag . skateboard .';
const REPS = { big: 25, small: 25, reference: 15, text: 300, post: 200, fixtureRun: 5, realRun: 3 };

const started = performance.now();
// A labeling batch never decodes the same file twice, so libvips' operation cache would only flatter
// the repeated runs of a benchmark.
sharp.cache(false);

const argv = process.argv.slice(2);
if (argv.length > 0) {
  // `--model <folder>`: GroundLabel's labeling path against a bare session.run loop (bench/overhead).
  await runModelBench(argv);
} else {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gl-bench-'));
  try {
    await main(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(dir: string): Promise<void> {
  const jpeg = path.join(dir, 'photo-4000x3000.jpg');
  const png = path.join(dir, 'photo-640x480.png');
  await writeBenchImages(jpeg, png);
  const models = await writeFixtureModels(path.join(dir, 'models'));
  const bundledVocab = bundledVocabPath();
  const open = (model: string) => Detector.open({ model, bundledVocab, device: 'cpu', warmup: false });

  const versions = sharp.versions as { sharp?: string; vips: string };
  console.log('GroundLabel engine bench');
  console.log(
    `node ${process.version}, sharp ${versions.sharp ?? '?'} (libvips ${versions.vips}, concurrency ${sharp.concurrency()}, cache off), ` +
      `onnxruntime-node ${ort.env.versions.node ?? '?'}, ${os.cpus().length} CPU(s): ${os.cpus()[0]?.model ?? '?'}`,
  );
  // Other work on a 2-core machine (a test run, a build) skews every figure; say so up front.
  const load = os.loadavg()[0];
  console.log(
    `load average (1 min) at start: ${load.toFixed(2)}${load > 0.5 ? '  ← machine busy: figures will be inflated' : ''}`,
  );
  console.log(
    'images: 4000×3000 JPEG q90 (noisy gradient + rectangles), 640×480 PNG; medians after warm-up\n',
  );

  // (1) decode + orient + resize + normalise. Flavour B = the original-repo resize rule, the same rule
  // as the Python reference, so the ratio compares like with like; flavour A stretches to 800×1200.
  const detB = await open(models.flavourB);
  const detA = await open(models.flavourA);
  // Variants are timed in turn per repetition (see interleavedMedians). The headline figures (A, B)
  // form a group of their own: the breakdown's extra 10 MB tensors would add GC work to them that a
  // real batch (one prepareImage per image) never has.
  const pxBig = await loadModelPixels(jpeg, originalRepoSize);
  const pxSmall = await loadModelPixels(png, originalRepoSize);
  const timeImage = async (file: string, px: typeof pxBig, reps: number, warmup: number, floor: boolean) => ({
    ...(await interleavedMedians(reps, warmup, {
      B: () => detB.prepareImage(file),
      A: () => detA.prepareImage(file),
    })),
    // Breakdown of B: libvips (header + decode + resize) vs the JS normalise loop, plus what-ifs.
    ...(await interleavedMedians(reps, warmup, {
      vips: () => loadModelPixels(file, originalRepoSize),
      norm: () => toNormalisedCHW(px.rgb, px.size.width, px.size.height),
      mulAdd: () => normaliseMulAdd(px.rgb, px.size.width, px.size.height),
      floor: () => (floor ? decodeFloor(file) : undefined),
    })),
  });
  const big = await timeImage(jpeg, pxBig, REPS.big, 2, true);
  const small = await timeImage(png, pxSmall, REPS.small, 3, false);
  const prepB = { big: big.B, small: small.B };
  const prepA = { big: big.A, small: small.A };
  const bdBig = { vips: big.vips, norm: big.norm, mulAdd: big.mulAdd, size: pxBig.size };
  const bdSmall = { vips: small.vips, norm: small.norm, mulAdd: small.mulAdd, size: pxSmall.size };
  const floorBig = big.floor;

  // (2) tokenise + sub-sentence masks. planTextRuns directly: the Detector caches runs per prompt.
  const tokenizer = await loadTokenizer(null, bundledVocab);
  const tokeniseMs = await medianMs(REPS.text, 30, () => planTextRuns(PROMPT, tokenizer, { maxTokens: 256 }));
  const tokeniseLongMs = await medianMs(REPS.text, 30, () =>
    planTextRuns(LONG_PROMPT, tokenizer, { maxTokens: 256 }),
  );

  // (3) session.run, as the Detector times it around its own forward pass.
  const realModel = process.env.GDINO_MODEL;
  const runDet = realModel ? await open(realModel) : detB;
  const runLabel = realModel
    ? `GDINO_MODEL=${realModel} (${runDet.info.flavourLabel})`
    : 'FIXTURE colour model (flavour B), NOT Grounding DINO latency';
  const runReps = realModel ? REPS.realRun : REPS.fixtureRun;
  const runOnce = async (file: string) =>
    (await runDet.detect(await runDet.prepareImage(file), PROMPT)).timings.runMs;
  const runBig = await medianOf(runReps, 1, () => runOnce(jpeg));
  const runSmall = await medianOf(realModel ? 1 : runReps, realModel ? 0 : 1, () => runOnce(png));

  // (4) post-process one 900×256 output of a 12-phrase prompt on the 12 MP image.
  const [run] = planTextRuns(LONG_PROMPT, tokenizer, { maxTokens: 256 });
  const raw = syntheticOutputs(run);
  const ctx = {
    ids: run.ids,
    phrases: run.phrases,
    hiddenIds: delimiterSet(tokenizer.ids),
    tokenOf: tokenizer.tokenOf,
    image: { width: 4000, height: 3000 },
  };
  const decoded = decodeDetections(raw, ctx, DEFAULT_THRESHOLDS);
  const kept = finishDetections([decoded], DEFAULT_THRESHOLDS).length;
  const postMs = await medianMs(REPS.post, 20, () =>
    finishDetections([decodeDetections(raw, ctx, DEFAULT_THRESHOLDS)], DEFAULT_THRESHOLDS),
  );

  // Cross-check through the public API: wall time of prepareImage + detect minus the Detector's own
  // runMs (the prompt's runs are cached after the first image, as in a batch).
  const e2e = async (file: string, reps: number) => {
    const over: number[] = [];
    for (let i = 0; i < reps + 1; i++) {
      const t0 = performance.now();
      const r = await detB.detect(await detB.prepareImage(file), PROMPT);
      if (i > 0) over.push(performance.now() - t0 - r.timings.runMs);
    }
    return median(over);
  };
  const e2eBig = await e2e(jpeg, REPS.fixtureRun);
  const e2eSmall = await e2e(png, REPS.fixtureRun);
  await Promise.all([detA.close(), detB.close(), realModel ? runDet.close() : undefined]);

  // (5) the reference implementation, same images, same resize rule.
  const ref = await runReference([jpeg, png], REPS.reference);
  const refBig: Figure = ref.ok ? (ref.medianMs[jpeg] ?? null) : null;
  const refSmall: Figure = ref.ok ? (ref.medianMs[png] ?? null) : null;
  const ratio = (r: Figure, ours: number): Figure => (r === null ? null : r / ours);
  const speedBig = ratio(refBig, prepB.big);
  const speedSmall = ratio(refSmall, prepB.small);
  // Like with like: both sides must have produced the same tensor shape.
  const chw = (size: { width: number; height: number }) => `3×${size.height}×${size.width}`;
  const sameShapes =
    ref.ok &&
    ref.shapes[jpeg]?.join('×') === chw(bdBig.size) &&
    ref.shapes[png]?.join('×') === chw(bdSmall.size);
  const shapeNote = sameShapes ? 'same CHW shapes as ours' : 'SHAPE MISMATCH with ours';

  const overheadBig = prepB.big + tokeniseMs + postMs;
  const overheadSmall = prepB.small + tokeniseMs + postMs;

  const x = (v: Figure) => (v === null ? 'unavailable' : `${v.toFixed(2)}×`);
  console.log(
    table(
      ['figure (ms, median)', '4000×3000 JPEG', '640×480 PNG', 'notes'],
      [
        [
          'preprocess, original-repo resize (B)',
          ms(prepB.big),
          ms(prepB.small),
          `Detector.prepareImage → ${bdBig.size.height}×${bdBig.size.width} / ${bdSmall.size.height}×${bdSmall.size.width} (H×W)`,
        ],
        [
          '  of which libvips decode+resize',
          ms(bdBig.vips),
          ms(bdSmall.vips),
          'loadModelPixels (header read + one sharp pipeline)',
        ],
        [
          '  of which JS normalise → CHW',
          ms(bdBig.norm),
          ms(bdSmall.norm),
          'toNormalisedCHW (table lookups)',
        ],
        [
          '  what-if: normalise as v·a+b',
          ms(bdBig.mulAdd),
          ms(bdSmall.mulAdd),
          'bench/what-if.ts, identical float32 output',
        ],
        [
          '  what-if: JPEG decode floor (1/8)',
          ms(floorBig),
          '',
          'sharp resize to 500×375: entropy decoding, no IDCT/resize to speak of',
        ],
        [
          'preprocess, fixed 800×1200 stretch (A)',
          ms(prepA.big),
          ms(prepA.small),
          'Detector.prepareImage, fixture-a',
        ],
        [
          'reference preprocess (PIL + numpy)',
          ms(refBig),
          ms(refSmall),
          ref.ok ? `${ref.versions}; ${shapeNote}` : 'unavailable',
        ],
        ['speed-up vs reference (ref / B)', x(speedBig), x(speedSmall), 'same resize rule on both sides'],
        [
          'tokenise + masks',
          ms(tokeniseMs),
          '',
          `planTextRuns("${PROMPT}"); 12 phrases: ${ms(tokeniseLongMs)}`,
        ],
        ['session.run', ms(runBig), ms(runSmall), runLabel],
        [
          'post-process 900×256',
          ms(postMs),
          '',
          `decode + NMS, S=${run.ids.length}, ${decoded.length} above threshold, ${kept} after NMS`,
        ],
        [
          'overhead (all but session.run)',
          ms(overheadBig),
          ms(overheadSmall),
          'preprocess B + tokenise + post-process',
        ],
        [
          '  cross-check via Detector.detect',
          ms(e2eBig),
          ms(e2eSmall),
          'prepare + detect wall − runMs (prompt cached)',
        ],
      ],
    ),
  );
  if (!ref.ok) console.log(`\nreference unavailable: ${ref.reason}`);

  console.log('\ngoals:');
  // GroundLabel makes Pillow's own pixels (decoded at full size, Pillow's bilinear arithmetic), so it
  // cannot skip work Pillow does: the goal is not to be slower than Pillow, side by side on the same files.
  const goals = [
    {
      name: 'preprocess_speedup_vs_reference',
      value: speedBig,
      met: (v: number) => v >= 1,
      target: '≥ 1×, not slower than the Pillow reference (12 MP)',
    },
    {
      name: 'preprocess_speedup_vs_reference_640x480',
      value: speedSmall,
      met: (v: number) => v >= 1,
      target: '≥ 1×, not slower than the Pillow reference (upscaled image)',
    },
    { name: 'postprocess_ms', value: postMs, met: (v: number) => v < 5, target: '< 5 ms' },
    {
      name: 'overhead_ms_12mp',
      value: overheadBig,
      met: (v: number) => v < 80,
      target: `< 80 ms on this ${os.cpus().length}-core machine`,
    },
  ];
  for (const g of goals) console.log(`  ${goalLine(g)}`);

  console.log(`\nsession_run_ms_* below: ${runLabel}`);
  console.log(
    `bench time: ${((performance.now() - started) / 1000).toFixed(1)} s, load average (1 min) at end: ${os.loadavg()[0].toFixed(2)}\n`,
  );
  const lines: [string, Figure][] = [
    ['preprocess_ms_12mp', prepB.big],
    ['preprocess_ms_640x480', prepB.small],
    ['preprocess_flavour_a_ms_12mp', prepA.big],
    ['preprocess_flavour_a_ms_640x480', prepA.small],
    ['decode_resize_ms_12mp', bdBig.vips],
    ['normalise_ms_12mp', bdBig.norm],
    ['decode_resize_ms_640x480', bdSmall.vips],
    ['normalise_ms_640x480', bdSmall.norm],
    ['normalise_muladd_ms_12mp', bdBig.mulAdd],
    ['jpeg_decode_floor_ms_12mp', floorBig],
    ['reference_preprocess_ms_12mp', refBig],
    ['reference_preprocess_ms_640x480', refSmall],
    ['preprocess_speedup_vs_reference', speedBig],
    ['preprocess_speedup_vs_reference_640x480', speedSmall],
    ['tokenise_ms', tokeniseMs],
    ['session_run_ms_12mp', runBig],
    ['session_run_ms_640x480', runSmall],
    ['postprocess_ms', postMs],
    ['overhead_ms_12mp', overheadBig],
    ['overhead_ms_640x480', overheadSmall],
  ];
  for (const [name, value] of lines) console.log(`${name}: ${ms(value)}`);
}
