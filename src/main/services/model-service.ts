import { DEFAULT_THRESHOLDS, type Thresholds } from '../../shared/detection';
import { GroundLabelError, messageOf } from '../../shared/errors';
import type { InferResult, ModelStatus, PromptAnalysis } from '../../shared/ipc/contract';
import { overlappingPhrases, repeatedPhrases } from '../../shared/prompt/overlap';
import type { DeviceList, DeviceTestResult } from '../../shared/devices';
import { Detector, type DetectOptions, type DetectorOptions } from '../inference/detector';
import { devicesFor, fallbackSummary, providerCandidates, type Device } from '../inference/devices';
import {
  deviceSettingOf,
  memoryDeviceSetting,
  type DeviceSetting,
} from '../inference/providers/device-setting';
import { ModelLibrary } from '../models/model-library';
import type { SettingsStore } from '../settings/settings-store';
import { precheck, unavailableMessage } from '../inference/providers/failures';
import { systemProbe, type SystemProbe } from '../inference/providers/system-probe';
import { testDevice, type OpenDetector } from './device-test';
import { planTextRuns, countPromptTokens, parseExpressions, parsePhrases } from '../inference/text';
import { loadBundledVocab } from '../inference/tokenizer';
import { labelImages, type LabelOutcome, type LabelTarget } from '../jobs/label-images';

export interface ModelServiceOptions {
  readonly bundledVocab: string;
  readonly modelsDir: string;
  /** The device of the command line: used instead of the remembered one until a person chooses. */
  readonly device?: Device;
  /** Where the chosen device is remembered (default: the settings' device, or only for as long as the process runs). */
  readonly deviceSetting?: DeviceSetting;
  /** Where the device and the last model opened are remembered (default: nowhere). */
  readonly settings?: SettingsStore;
  /** The models the manager added (default: the library of modelsDir). */
  readonly library?: ModelLibrary;
  /** What this machine has, for the device list and test (default: asks the machine). */
  readonly probe?: SystemProbe;
  /** Opens a model (default: Detector.open). */
  readonly openDetector?: OpenDetector;
  /** Where warnings about a loaded model go (default: the console). */
  readonly warn?: (message: string) => void;
}

/** Holds the one loaded model, and answers prompt questions even when there is none. */
export class ModelService {
  private detector: Detector | null = null;
  /** What the loaded model was opened from, to open it again on another device. */
  private target: string | null = null;
  /** The device models open on; read from the setting on first use unless the command line named one. */
  private device: Device | null;
  private readonly setting: DeviceSetting;
  private probeCache: SystemProbe | null = null;
  readonly library: ModelLibrary;
  /** Counts opens, so that an open finishing after a later one never replaces its model. */
  private generation = 0;
  /** The model being opened in the background at start, and why the last one could not be. */
  private restoring: string | null = null;
  private restoreError: string | null = null;

  constructor(private readonly options: ModelServiceOptions) {
    this.device = options.device ?? null;
    this.setting =
      options.deviceSetting ?? (options.settings ? deviceSettingOf(options.settings) : memoryDeviceSetting());
    this.library = options.library ?? new ModelLibrary(options.modelsDir, options.bundledVocab);
  }

  /** What the loaded model was opened from (a folder or an .onnx file); null when none is loaded. */
  get openedFrom(): string | null {
    return this.detector ? this.target : null;
  }

  /** The device models open on: the command line's, else the remembered one, else auto. */
  chosenDevice(): Promise<Device> {
    return this.currentDevice();
  }

  /**
   * Forgets a model about to be deleted: closed when it is the loaded one, and no longer the one
   * opened at the next start.
   */
  async forget(target: string): Promise<void> {
    if (this.target === target) await this.close();
    if ((await this.options.settings?.get('lastModel')) === target)
      await this.options.settings?.set('lastModel', undefined);
  }

  private async currentDevice(): Promise<Device> {
    return (this.device ??= (await this.setting.load()) ?? 'auto');
  }

  private get probe(): SystemProbe {
    return (this.probeCache ??= this.options.probe ?? systemProbe());
  }

  private openWith(options: DetectorOptions): Promise<Detector> {
    return (this.options.openDetector ?? ((o) => Detector.open(o)))(options);
  }

  /**
   * Opens `target` and makes it the loaded model; `remember` keeps it as the one opened at the next
   * start (a person's choice, not a command line's). An open overtaken by a later one is closed
   * again and answers with the later one's status.
   */
  async open(target: string, { remember = false } = {}): Promise<ModelStatus> {
    const generation = ++this.generation;
    const next = await this.openWith({
      model: target,
      device: await this.currentDevice(),
      bundledVocab: this.options.bundledVocab,
    });
    if (generation !== this.generation) {
      await next.close();
      return this.status();
    }
    this.restoreError = null;
    if (remember) await this.options.settings?.set('lastModel', target);
    if (next.info.threadFallback) {
      (this.options.warn ?? console.warn)(
        `${next.info.name} runs on the main thread, so images are not decoded while it runs: ${next.info.threadFallback}`,
      );
    }
    const previous = this.detector;
    this.detector = next;
    this.target = target;
    await previous?.close();
    return this.status();
  }

  /**
   * Opens the model opened last, as remembered, in the background of a start: the window is usable
   * meanwhile, status() says which model is on its way, and a failure is kept for status() to say
   * (the setting stays, so a model on a drive plugged in later opens next time).
   */
  async restoreLast(): Promise<ModelStatus> {
    const before = this.generation;
    const last = await this.options.settings?.get('lastModel');
    // A model opened (or opening) meanwhile is the one wanted.
    if (!last || this.detector || this.generation !== before) return this.status();
    this.restoring = last;
    const generation = this.generation;
    try {
      await this.open(last);
    } catch (e) {
      // Only when nothing else was opened meanwhile: a person's own choice says all there is to say.
      if (generation + 1 === this.generation)
        this.restoreError = `The model opened last (${last}) could not be opened: ${messageOf(e)}`;
    } finally {
      this.restoring = null;
    }
    return this.status();
  }

  /** The devices this machine offers, whether each can load here (without trying a model), and the one chosen. */
  async devices(): Promise<DeviceList> {
    const { platform } = this.probe;
    return {
      chosen: await this.currentDevice(),
      options: devicesFor(platform).map((device) => {
        if (device === 'auto')
          return { device, available: true, order: providerCandidates('auto', platform) };
        const failure = precheck(device, this.probe);
        return failure ? { device, available: false, failure } : { device, available: true };
      }),
      ...(this.setting.file && { settingsFile: this.setting.file }),
    };
  }

  /** Opens the loaded model on `device` beside it, runs one image (`image`, or a built-in one) and times it. */
  async testDevice(device: Device, image?: { file: string; name: string }): Promise<DeviceTestResult> {
    this.requireDetector();
    return testDevice({
      open: (o) => this.openWith(o),
      model: this.target as string,
      bundledVocab: this.options.bundledVocab,
      device,
      probe: this.probe,
      image,
    });
  }

  /**
   * Makes `device` the one models open on, and remembers it. A loaded model is opened there first:
   * if that fails, nothing changes and the error says why. Without a model, a device that cannot
   * load here at all is refused.
   */
  async chooseDevice(device: Device): Promise<ModelStatus> {
    const previous = await this.currentDevice();
    if (this.target) {
      this.device = device;
      try {
        await this.open(this.target);
      } catch (e) {
        this.device = previous;
        throw e;
      }
    } else {
      const ruledOut = device === 'auto' ? null : precheck(device, this.probe);
      if (ruledOut) throw new GroundLabelError('device-unavailable', unavailableMessage(ruledOut));
      this.device = device;
    }
    await this.setting.save(device);
    return this.status();
  }

  async status(): Promise<ModelStatus> {
    const { installed, found } = await this.library.list();
    const available = [
      ...installed.filter((m) => !m.problem).map((m) => m.path),
      ...found.map((f) => f.path),
    ].sort();
    const base = {
      modelsDir: this.options.modelsDir,
      available,
      ...(this.restoring && { restoring: this.restoring }),
      ...(this.restoreError && { restoreError: this.restoreError }),
    };
    if (!this.detector) return { loaded: false, maxTokens: 256, defaults: DEFAULT_THRESHOLDS, ...base };
    const { info } = this.detector;
    return {
      loaded: true,
      name: info.name,
      file: info.file,
      ...(this.target && { openedFrom: this.target }),
      flavour: info.flavour,
      provider: info.device.provider,
      requested: info.device.requested,
      fallback: fallbackSummary(info.device),
      fallbacks: info.device.failures,
      threadFallback: info.threadFallback,
      maxTokens: info.maxTokens,
      defaults: info.defaults,
      ...base,
    };
  }

  /** The prompt's phrases (or, with `rec`, referring expressions), tokens and passes, and the lint's findings. */
  async analyse(prompt: string, rec = false): Promise<PromptAnalysis> {
    const maxTokens = this.detector?.info.maxTokens ?? 256;
    // The loaded model's own tokenizer counts its tokens; without a model, the bundled one.
    const tokenizer = this.detector?.tokenizer ?? (await loadBundledVocab(this.options.bundledVocab));
    const phrases = rec ? parseExpressions(prompt) : parsePhrases(prompt);
    const passes = phrases.length
      ? planTextRuns(prompt, tokenizer, { maxTokens, expressions: rec }).length
      : 0;
    return {
      phrases,
      tokens: phrases.length ? countPromptTokens(prompt, tokenizer, rec) : 0,
      maxTokens,
      passes,
      // Expressions are whole sentences: words in common between them are expected, not overlaps.
      repeated: rec ? [] : repeatedPhrases(prompt),
      overlapping: rec ? [] : overlappingPhrases(phrases),
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
    mode: Pick<DetectOptions, 'perPhrase' | 'rec'>,
    onResult?: (result: InferResult, done: number, total: number) => void,
  ): Promise<InferResult[]> {
    const outcomes = await labelImages(this.requireDetector(), targets, prompt, {
      thresholds,
      ...mode,
      onOutcome: (o, done, total) => onResult?.(toResult(o), done, total),
    });
    return outcomes.map(toResult);
  }

  async close(): Promise<void> {
    await this.detector?.close();
    this.detector = null;
    this.target = null;
  }
}

const toResult = (o: LabelOutcome): InferResult =>
  o.ok
    ? {
        relPath: o.relPath,
        detections: o.detections,
        ...(o.result.collisions.length && { collisions: o.result.collisions }),
      }
    : { relPath: o.relPath, error: o.error };
