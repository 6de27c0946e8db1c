import { performance } from 'node:perf_hooks';
import { DEFAULT_THRESHOLDS, type Detection, type Thresholds } from '../../shared/detection';
import { GroundLabelError } from '../../shared/errors';
import type { ImageSize } from '../../shared/geometry';
import type { Device, DeviceReport } from './devices';
import { declaredImageSize, maxTextTokens, type Flavour, type FlavourId } from './flavours';
import { loadModelPixels, type ImageLoadOptions } from './image';
import { flavourOfModel, locateModel } from './model-folder';
import { toNormalisedCHW } from './normalise';
import type { RecOptions } from '../../shared/prompt/units';
import {
  decodeDetections,
  decodeExpressions,
  finishDetections,
  suppressAcrossPhrases,
  type RawOutputs,
} from './postprocess';
import type { PhraseCollision } from '../../shared/prompt/collisions';
import { targetSize, type InputSizeRule } from './resize';
import type { ModelSession, SessionOptions } from './session';
import { delimiterSet, planTextRuns, type TextRun } from './text';
import { loadTokenizer, type TextTokenizer } from './tokenizer';
import { openModelSession, type SessionThread } from './worker-session';

export interface DetectorOptions {
  /** An .onnx file or a model folder. */
  readonly model: string;
  readonly device?: Device;
  /** Overrides the model's input size (H×W), e.g. for an export traced at another size. */
  readonly inputSize?: ImageSize;
  /** The bundled bert-base-uncased vocab.txt, used when the model brings no tokenizer. */
  readonly bundledVocab: string;
  /** Run one pass at load so the first image is not slow; by default only on GPU providers. */
  readonly warmup?: boolean;
  readonly image?: ImageLoadOptions;
  /** ORT intra-op threads (default: one per core); fewer leaves cores to decode the next images. */
  readonly intraOpThreads?: number;
  /**
   * Whether idle intra-op threads spin (see SessionOptions). Off by default: a spinning thread burns
   * a core that decoding the next images, or any other program, could use. On 2 shared cores the
   * full-size Grounding DINO-T ran no faster with it and took 10 % more CPU time (`npm run bench --
   * --model`); with many cores a model of thousands of small operators may gain from it: measure there.
   */
  readonly intraOpSpinning?: boolean;
  /**
   * Where session.run happens. It blocks its thread for the model's whole time, so by default a
   * worker thread runs it and the main thread decodes the next images meanwhile.
   */
  readonly thread?: SessionThread;
}

export interface ModelInfo {
  readonly name: string;
  readonly file: string;
  readonly flavour: FlavourId;
  readonly flavourLabel: string;
  readonly sizeRule: InputSizeRule;
  readonly maxTokens: number;
  readonly device: DeviceReport;
  /** The thread the model runs on, and why not on a worker if one was asked for and failed. */
  readonly thread: SessionThread;
  readonly threadFallback?: string;
  readonly defaults: Thresholds;
  readonly tokenizer: string;
}

/** An image decoded, oriented, resized and normalised, ready for any number of prompts. */
export interface PreparedImage {
  readonly file: string;
  readonly original: ImageSize;
  readonly size: ImageSize;
  /** Replaced, not rewritten, while it visits the model thread: read it again after each run. */
  pixels: Float32Array;
  readonly ms: number;
}

export interface DetectOptions {
  readonly thresholds?: Partial<Thresholds>;
  /** One forward pass per phrase, for exports whose text mask was baked for a single phrase. */
  readonly perPhrase?: boolean;
  /** Read the prompt as referring expressions, one per line, each yielding its best `topK` boxes. */
  readonly rec?: RecOptions;
}

export interface DetectTimings {
  readonly preprocessMs: number;
  readonly textMs: number;
  readonly runMs: number;
  readonly postprocessMs: number;
}

export interface DetectResult {
  readonly file: string;
  readonly image: ImageSize;
  readonly detections: Detection[];
  /** Phrase pairs whose boxes of one object were suppressed across phrases (thresholds.crossIou). */
  readonly collisions: PhraseCollision[];
  readonly runs: number;
  readonly timings: DetectTimings;
}

function sizeRuleFor(
  flavour: Flavour,
  session: ModelSession,
  descriptorSize?: ImageSize,
  override?: ImageSize,
): InputSizeRule {
  const size = override ?? descriptorSize ?? declaredImageSize(flavour, session.inputs);
  return size ? { kind: 'fixed', size } : flavour.defaultSize;
}

/** The session options a Detector opens its model with. */
export const detectorSessionOptions = (
  options: Pick<DetectorOptions, 'intraOpThreads' | 'intraOpSpinning'>,
): SessionOptions => ({
  intraOpThreads: options.intraOpThreads,
  intraOpSpinning: options.intraOpSpinning ?? false,
});

/** One model, loaded once: images and prompts in, labelled boxes in original-image pixels out. */
export class Detector {
  private readonly textCache = new Map<string, TextRun[]>();
  /** Pixel buffers handed back through release(), reused by the next images of the same size. */
  private readonly pool: Float32Array[] = [];
  /** Runs handed to the session and not settled yet; close() waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** An image whose pixels are away on a run, until they are back: its next run waits for them. */
  private readonly away = new WeakMap<PreparedImage, Promise<unknown>>();

  private constructor(
    readonly info: ModelInfo,
    private readonly session: ModelSession,
    private readonly flavour: Flavour,
    /** The model's own tokenizer, or the bundled vocabulary's. */
    readonly tokenizer: TextTokenizer,
    private readonly imageOptions: ImageLoadOptions,
  ) {}

  static async open(options: DetectorOptions): Promise<Detector> {
    const location = await locateModel(options.model);
    const tokenizer = await loadTokenizer(location.dir, options.bundledVocab);
    const { session, thread, threadFallback } = await openModelSession(
      location.file,
      options.device ?? 'auto',
      { ...detectorSessionOptions(options), thread: options.thread },
    );
    let flavour: Flavour;
    try {
      flavour = flavourOfModel(location.file, session.inputs, session.outputs);
    } catch (e) {
      await session.release();
      throw e;
    }
    const { descriptor } = location;
    const info: ModelInfo = {
      name: location.name,
      file: location.file,
      flavour: flavour.id,
      flavourLabel: flavour.label,
      sizeRule: sizeRuleFor(flavour, session, descriptor.inputSize, options.inputSize),
      maxTokens: maxTextTokens(flavour, session.outputs),
      device: session.device,
      thread,
      ...(threadFallback && { threadFallback }),
      defaults: {
        box: descriptor.boxThreshold ?? DEFAULT_THRESHOLDS.box,
        text: descriptor.textThreshold ?? DEFAULT_THRESHOLDS.text,
        nmsIou: descriptor.nmsIou === undefined ? DEFAULT_THRESHOLDS.nmsIou : descriptor.nmsIou,
      },
      tokenizer: tokenizer.source,
    };
    const detector = new Detector(info, session, flavour, tokenizer, options.image ?? {});
    if (options.warmup ?? session.device.provider !== 'cpu') await detector.warmUp();
    return detector;
  }

  /** Decodes and normalises an image; independent of the session, so it can run ahead of it. */
  async prepareImage(file: string): Promise<PreparedImage> {
    const t0 = performance.now();
    const { rgb, size, original } = await loadModelPixels(
      file,
      (o) => targetSize(this.info.sizeRule, o),
      this.imageOptions,
    );
    const length = 3 * size.width * size.height;
    const index = this.pool.findIndex((b) => b.length === length);
    const reuse = index >= 0 ? this.pool.splice(index, 1)[0] : undefined;
    return {
      file,
      original,
      size,
      pixels: toNormalisedCHW(rgb, size.width, size.height, reuse),
      ms: performance.now() - t0,
    };
  }

  /** Hands a prepared image's buffer back for reuse; the image must not be used afterwards. */
  release(image: PreparedImage): void {
    // A buffer lost with a stopped model thread is empty (detached) and not worth keeping.
    if (this.pool.length < 4 && image.pixels.length > 0) this.pool.push(image.pixels);
  }

  /** The text passes for a prompt, cached since a batch reuses one prompt for every image. */
  textRuns(prompt: string, perPhrase = false, expressions = false): TextRun[] {
    const key = `${perPhrase ? 1 : 0}${expressions ? 1 : 0}\u0000${prompt}`;
    let runs = this.textCache.get(key);
    if (!runs) {
      runs = planTextRuns(prompt, this.tokenizer, { maxTokens: this.info.maxTokens, perPhrase, expressions });
      this.textCache.set(key, runs);
    }
    return runs;
  }

  async detect(
    image: string | PreparedImage,
    prompt: string,
    options: DetectOptions = {},
  ): Promise<DetectResult> {
    const prepared = typeof image === 'string' ? await this.prepareImage(image) : image;
    const thresholds: Thresholds = { ...this.info.defaults, ...options.thresholds };
    const t0 = performance.now();
    const { rec } = options;
    const runs = this.textRuns(prompt, options.perPhrase, !!rec);
    const textMs = performance.now() - t0;
    let runMs = 0;
    let postprocessMs = 0;
    const perRun: Detection[][] = [];
    for (const run of runs) {
      const t1 = performance.now();
      const raw = await this.forward(prepared, run);
      const t2 = performance.now();
      const ctx = {
        ids: run.ids,
        phrases: run.phrases,
        hiddenIds: delimiterSet(this.tokenizer.ids),
        tokenOf: this.tokenizer.tokenOf,
        image: prepared.original,
      };
      perRun.push(
        rec ? decodeExpressions(raw, ctx, thresholds, rec.topK) : decodeDetections(raw, ctx, thresholds),
      );
      runMs += t2 - t1;
      postprocessMs += performance.now() - t2;
    }
    const t3 = performance.now();
    const merged = finishDetections(perRun, thresholds, !!rec);
    const crossIou = rec ? null : (thresholds.crossIou ?? null);
    const { kept: detections, collisions } =
      crossIou === null ? { kept: merged, collisions: [] } : suppressAcrossPhrases(merged, crossIou);
    postprocessMs += performance.now() - t3;
    return {
      file: prepared.file,
      image: prepared.original,
      detections,
      collisions,
      runs: runs.length,
      timings: { preprocessMs: prepared.ms, textMs, runMs, postprocessMs },
    };
  }

  /**
   * One session.run. The session runs them in call order, so the next image's run can be handed over
   * while this one is on the model, and the model goes on without waiting for a round trip. The
   * pixels move to the model thread for a run, so another run on the same image waits for them.
   */
  private forward(image: PreparedImage, text: TextRun): Promise<RawOutputs> {
    const before = this.away.get(image);
    const task = before ? before.then(() => this.runOn(image, text)) : this.runOn(image, text);
    const settled = task.catch(() => undefined);
    this.away.set(image, settled);
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return task;
  }

  private async runOn(image: PreparedImage, text: TextRun): Promise<RawOutputs> {
    const out = await this.session.run(this.flavour.feeds({ pixels: image.pixels, size: image.size, text }), {
      lend: [this.flavour.imageInput],
      restore: (_, data) => {
        image.pixels = data as Float32Array;
      },
    });
    const logits = out[this.flavour.logits];
    const boxes = out[this.flavour.boxes];
    if (!logits || !boxes || logits.dims.length !== 3 || boxes.dims.at(-1) !== 4) {
      throw new GroundLabelError(
        'inference-failed',
        `${this.info.file} returned unexpected outputs: ${Object.entries(out)
          .map(([k, v]) => `${k}[${v.dims.join(',')}]`)
          .join(', ')}`,
      );
    }
    return { logits: logits.data, boxes: boxes.data, queries: logits.dims[1], width: logits.dims[2] };
  }

  private async warmUp(): Promise<void> {
    const size = this.info.sizeRule.kind === 'fixed' ? this.info.sizeRule.size : { height: 800, width: 1066 };
    const pixels = new Float32Array(3 * size.width * size.height);
    await this.forward(
      { file: '(warm-up)', original: size, size, pixels, ms: 0 },
      this.textRuns('object .')[0],
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.session.release();
  }
}
