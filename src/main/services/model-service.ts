import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../shared/detection';
import { GroundLabelError } from '../../shared/errors';
import type { InferResult, ModelStatus, PromptAnalysis } from '../../shared/ipc/contract';
import { overlappingPhrases, repeatedPhrases } from '../../shared/prompt/overlap';
import { Detector } from '../inference/detector';
import type { Device } from '../inference/devices';
import { planTextRuns, countPromptTokens, parsePhrases } from '../inference/text';
import { loadBundledVocab, type TextTokenizer } from '../inference/tokenizer';
import { labelImages, type LabelOutcome, type LabelTarget } from '../jobs/label-images';

export interface ModelServiceOptions {
  readonly bundledVocab: string;
  readonly modelsDir: string;
  readonly device?: Device;
  /** Where warnings about a loaded model go (default: the console). */
  readonly warn?: (message: string) => void;
}

/** Holds the one loaded model, and answers prompt questions even when there is none. */
export class ModelService {
  private detector: Detector | null = null;
  private bundled: TextTokenizer | null = null;

  constructor(private readonly options: ModelServiceOptions) {}

  async open(target: string): Promise<ModelStatus> {
    const next = await Detector.open({
      model: target,
      device: this.options.device ?? 'auto',
      bundledVocab: this.options.bundledVocab,
    });
    if (next.info.threadFallback) {
      (this.options.warn ?? console.warn)(
        `${next.info.name} runs on the main thread, so images are not decoded while it runs: ${next.info.threadFallback}`,
      );
    }
    const previous = this.detector;
    this.detector = next;
    await previous?.close();
    return this.status();
  }

  async status(): Promise<ModelStatus> {
    const available = await this.availableModels();
    const base = { modelsDir: this.options.modelsDir, available };
    if (!this.detector) return { loaded: false, maxTokens: 256, defaults: DEFAULT_THRESHOLDS, ...base };
    const { info } = this.detector;
    return {
      loaded: true,
      name: info.name,
      file: info.file,
      flavour: info.flavour,
      provider: info.device.provider,
      fallback: info.device.fallback,
      threadFallback: info.threadFallback,
      maxTokens: info.maxTokens,
      defaults: info.defaults,
      ...base,
    };
  }

  async analyse(prompt: string): Promise<PromptAnalysis> {
    const maxTokens = this.detector?.info.maxTokens ?? 256;
    const tokenizer = (this.bundled ??= await loadBundledVocab(this.options.bundledVocab));
    const phrases = parsePhrases(prompt);
    const passes = phrases.length ? planTextRuns(prompt, tokenizer, { maxTokens }).length : 0;
    return {
      phrases,
      tokens: phrases.length ? countPromptTokens(prompt, tokenizer) : 0,
      maxTokens,
      passes,
      repeated: repeatedPhrases(prompt),
      overlapping: overlappingPhrases(phrases),
    };
  }

  /** The loaded model, or an error saying where to put one. */
  requireDetector(): Detector {
    if (!this.detector) {
      throw new GroundLabelError(
        'model-not-loaded',
        `No model is loaded. Put a Grounding DINO .onnx file or folder in ${this.options.modelsDir} and open it.`,
      );
    }
    return this.detector;
  }

  async run(
    targets: readonly LabelTarget[],
    prompt: string,
    thresholds: Thresholds,
    perPhrase: boolean,
    onResult?: (result: InferResult, done: number, total: number) => void,
  ): Promise<InferResult[]> {
    const outcomes = await labelImages(this.requireDetector(), targets, prompt, {
      thresholds,
      perPhrase,
      onOutcome: (o, done, total) => onResult?.(toResult(o), done, total),
    });
    return outcomes.map(toResult);
  }

  private async availableModels(): Promise<string[]> {
    const entries = await readdir(this.options.modelsDir, { withFileTypes: true }).catch(() => []);
    return entries
      .filter(
        (e) =>
          (e.isFile() && e.name.endsWith('.onnx')) || (e.isDirectory() && e.name !== 'bert-base-uncased'),
      )
      .map((e) => path.join(this.options.modelsDir, e.name))
      .sort();
  }

  async close(): Promise<void> {
    await this.detector?.close();
    this.detector = null;
  }
}

const toResult = (o: LabelOutcome): InferResult =>
  o.ok ? { relPath: o.relPath, detections: o.detections } : { relPath: o.relPath, error: o.error };
