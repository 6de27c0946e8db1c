/**
 * GroundLabel against transformers' own Grounding DINO (GroundingDinoProcessor, the model,
 * post_process_grounded_object_detection) on a tiny export with random weights: the same text
 * inputs, the same pixel tensor within 3 levels, the same boxes, scores and phrases.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readImageProcessorRule } from '../../src/main/inference/model-folder';
import { targetSize } from '../../src/main/inference/resize';
import { parsePhrases } from '../../src/main/inference/text';
import { tempDirs } from '../../src/main/inference/__test__/helpers';
import { imageCase, promptCase, type ImageCase } from '../../conformance/cases';
import {
  DEFAULT_CACHE,
  exportModel,
  runParity,
  type ExportedModel,
  type ParityReport,
} from '../../conformance/harness';
import { INSTALL_HINT, probePython } from '../../conformance/python';

const probe = probePython();
// CI installs these packages (.ci/run): there, their absence is a failure, not a reason to skip.
if (!probe.ok && process.env.CI) throw new Error(`the conformance tests need Python in CI: ${probe.reason}`);

const IMAGES: readonly ImageCase[] = [
  'upscaled',
  'downscaled',
  'portrait',
  'long-side-cap',
  'model-size',
  'exif-rotated',
  'grey',
  'rgba',
  'small-photo',
  'large-jpeg',
  'noise',
].map(imageCase);
const PROMPTS = ['one-phrase', 'several', 'multi-word', 'long'].map(promptCase);
const PAIRS: [string, string][] = [
  ['upscaled', 'multi-word'],
  ['long-side-cap', 'several'],
  ['exif-rotated', 'one-phrase'],
  ['rgba', 'multi-word'],
  ['model-size', 'long'],
];
// The tiny model's scores lie between about 0.3 and 0.7: at 0.55 some of each pair's queries are kept.
const THRESHOLDS = { box: 0.55, text: 0.4, nmsIou: null };

let seed = 7;
const next = (max: number) => 1 + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % max);
/** Random (width, height) pairs, and the cases where the rules part: the cap, half-way rounding, extremes. */
const SHAPES: [number, number][] = [
  ...Array.from({ length: 500 }, (): [number, number] => [next(4000), next(3000)]),
  [2000, 1000],
  [1000, 2000],
  [2666, 1001],
  [1333, 1],
  [800, 801],
];

const newDir = tempDirs('conformance');
let model: ExportedModel;
let report: ParityReport;

describe.skipIf(!probe.ok)(
  probe.ok
    ? "GroundLabel against transformers' Grounding DINO, tiny export"
    : `GroundLabel against transformers' Grounding DINO (skipped: ${probe.reason}; ${INSTALL_HINT})`,
  () => {
    beforeAll(async () => {
      model = await exportModel('tiny');
      report = await runParity({
        model,
        images: IMAGES,
        imageDir: path.join(DEFAULT_CACHE, 'images'),
        prompts: PROMPTS,
        pairs: PAIRS,
        thresholds: THRESHOLDS,
        workDir: await newDir(),
        sizes: SHAPES,
      });
    }, 600_000);

    describe('text inputs', () => {
      it('feeds the input_ids, attention mask and token type ids the processor makes, for every prompt and pass', () => {
        for (const row of report.text) {
          const what = `${row.prompt.id} pass ${row.pass + 1}`;
          expect(row.parity.idsEqual, what).toBe(true);
          expect(row.parity.attentionMaskEqual, what).toBe(true);
          expect(row.parity.tokenTypeIdsEqual, what).toBe(true);
        }
        expect(report.text.map((r) => r.prompt.id)).toEqual([
          'one-phrase',
          'several',
          'multi-word',
          'long',
          'long',
        ]);
      });

      it("builds the text self-attention mask of generate_masks_with_special_tokens_and_transfer_map, and its position ids but at each phrase's closing dot", () => {
        for (const row of report.text) {
          const what = `${row.prompt.id} pass ${row.pass + 1}`;
          expect(row.parity.textMaskEqual, what).toBe(true);
          // transformers 5.17 gives a closing '.' position 0; GroundLabel, as the original repository, its place in the phrase.
          expect(row.parity.positionDiffs, what).toBe(row.parity.positionDiffsAtClosingDelimiters);
        }
      });

      it('splits a prompt over 256 tokens into passes the model takes whole, where transformers alone would cut phrases off', () => {
        const long = report.text.filter((r) => r.prompt.id === 'long');
        expect(long.length).toBe(2);
        expect(long.every((r) => r.parity.tokens <= 256)).toBe(true);
        expect(report.reference.truncation.long.phrasesCut).toBeGreaterThan(0);
        const passes = report.detections.find((d) => d.prompt.id === 'long')!;
        expect(passes.passes).toBe(2);
        expect(parsePhrases(promptCase('long').text)).toHaveLength(report.reference.truncation.long.phrases);
      });
    });

    describe('pixel tensor', () => {
      it.each(IMAGES.map((c) => [c.id, c.what, c] as const))(
        'matches GroundingDinoProcessor within 3 levels for the %s image (%s)',
        (_id, _what, image) => {
          const row = report.pixels.find((p) => p.image.id === image.id)!;
          expect(row.groundlabel).toEqual(row.reference);
          expect(
            row.vsPil!.over3,
            `up to ${row.vsPil!.maxLevels.toFixed(2)} levels from the Pillow backend`,
          ).toBe(0);
          expect(
            row.vsTorchvision!.over3,
            `up to ${row.vsTorchvision!.maxLevels.toFixed(2)} levels from torchvision's`,
          ).toBe(0);
        },
      );

      it("sizes 500 images of random shapes as the folder's processor config says, rounded as transformers rounds", () => {
        const rule = readImageProcessorRule(path.join(model.model, 'onnx', 'model.onnx'))!;
        expect(rule).toEqual({ kind: 'shortest-edge', shortestEdge: 800, longestEdge: 1333 });
        const theirs = report.reference.sizes!;
        expect(theirs).toHaveLength(SHAPES.length);
        const differ = SHAPES.filter(([w, h], i) => {
          const [th, tw] = theirs[i];
          const mine = targetSize(rule, { width: w, height: h });
          // transformers can make a side of 0 pixels (Pillow then refuses); GroundLabel keeps 1.
          return mine.height !== Math.max(1, th) || mine.width !== Math.max(1, tw);
        });
        expect(differ).toEqual([]);
      });
    });

    describe('detections', () => {
      it.each(PAIRS)(
        'finds the boxes, scores and phrases transformers finds on the %s image with the %s prompt',
        (image, prompt) => {
          const row = report.detections.find((d) => d.image.id === image && d.prompt.id === prompt)!;
          const p = row.parity;
          // Some queries kept and some not, so the threshold is part of what is compared.
          expect(p.reference).toBeGreaterThan(0);
          expect(p.reference).toBeLessThan(50 * row.passes);
          expect(p.unmatchedReference + p.unmatchedGroundlabel).toBe(0);
          expect(p.matched + p.borderline).toBeGreaterThanOrEqual(p.reference);
          expect(p.maxBoxErrorPx).toBeLessThan(0.1);
          expect(p.maxScoreDiff).toBeLessThan(2e-3);
          expect(p.phraseDiffer).toBe(0);
        },
      );
    });
  },
);
