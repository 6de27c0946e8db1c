import { readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_THRESHOLDS } from '../shared/detection';
import { GroundLabelError } from '../shared/errors';
import type { AppInfo, EventName, Events, Handlers } from '../shared/ipc/contract';
import { datasetStats } from '../shared/stats';
import { fillDataset, type BackgroundFill } from './dataset/background-fill';
import { DatasetService, EXPORTS_DIR } from './dataset/dataset-service';
import { FolderAccess } from './fs/folder-access';
import { SuggestionAcceptor } from './jobs/accept';
import { NothingFoundMarker } from './jobs/mark-negative';
import { BatchService } from './jobs/batch';
import { comparePrompts } from './jobs/compare';
import { sampleImages } from '../shared/compare';
import { classNameForPhrase } from '../shared/classes';
import type { Device } from './inference/devices';
import { DEFAULT_MAX_PIXELS, maxPixels, setMaxPixels } from './inference/image-file';
import { appRoot, bundledVocabPath, userDataPaths } from './paths';
import type { SettingsStore } from './settings/settings-store';
import { planExport } from '../shared/export-plan';
import { runExport } from './services/export-service';
import { applyLabelImport, previewLabelImport } from './services/import-service';
import { ModelService } from './services/model-service';
import {
  deferredModelHandlers,
  modelManagerHandlers,
  type ModelHandlers,
} from './services/model-manager-handlers';
import { DownloadManager } from './models/downloads';

export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface AppServicesOptions {
  readonly mode: AppInfo['mode'];
  readonly emit: Emit;
  readonly root?: string;
  /** The device of the command line, used until a person chooses another in the app. */
  readonly device?: Device;
  /** Where the chosen device and the last model are remembered; without it, choices last for this run. */
  readonly settings?: SettingsStore;
  /** The models folder (default: the one in the person's data folder, never inside the app). */
  readonly modelsDir?: string;
  /** The largest image opened, in pixels; else `maxPixels` in the settings file, else 100 MP. */
  readonly maxPixels?: number;
  /** The folders datasets, imports and exports may use; none when not given. */
  readonly access?: FolderAccess;
  /**
   * The folders models may be loaded from, when limited (browser mode: a page holding the token must
   * not make the server read any file as a model); any path the person types when not given.
   */
  readonly modelAccess?: FolderAccess;
  /** Quiet time before label files are rewritten (the journal makes every edit durable at once). */
  readonly saveDebounceMs?: number;
  /** Told each folder opened as the dataset (the desktop app's File → Open Recent). */
  readonly onDatasetOpened?: (root: string) => void;
}

/** `maxPixels` of the JSON settings file, when it holds a positive whole number; nothing otherwise. */
function pixelLimitSetting(file: string): number | undefined {
  try {
    const n = (JSON.parse(readFileSync(file, 'utf8')) as { maxPixels?: unknown }).maxPixels;
    return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    // No settings file yet, or one the device setting reports on: the default limit holds.
    return undefined;
  }
}

const version = (root: string): string => {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
};

/**
 * The services behind every channel, composed once. Electron's IPC binding and browser mode's HTTP
 * server both dispatch to the handlers made here, so the two can never drift apart.
 */
export class AppServices {
  private dataset: DatasetService | null = null;
  private batch: { readonly dataset: DatasetService; readonly service: Promise<BatchService> } | null = null;
  private readonly acceptor = new SuggestionAcceptor();
  private readonly negatives = new NothingFoundMarker();
  /** Sizes and thumbnails of the open dataset, filled in behind the list. */
  private fill: BackgroundFill | null = null;
  /** Stops the running comparison of prompts, while there is one. */
  private comparing: AbortController | null = null;
  readonly models: ModelService;
  /** Model downloads into the models folder, going on after a restart from what arrived. */
  readonly downloads: DownloadManager;
  private readonly modelManager: ModelHandlers;
  readonly access: FolderAccess;

  constructor(private readonly options: AppServicesOptions) {
    this.access = options.access ?? new FolderAccess();
    // Read at once (not in the background): a dataset opened right after start uses it already.
    const limit = options.maxPixels ?? (options.settings?.file && pixelLimitSetting(options.settings.file));
    if (limit) setMaxPixels(limit);
    const root = options.root ?? appRoot();
    this.models = new ModelService({
      bundledVocab: bundledVocabPath(root),
      modelsDir: options.modelsDir ?? userDataPaths().modelsDir,
      device: options.device,
      ...(options.settings && { settings: options.settings }),
    });
    this.downloads = new DownloadManager({
      library: this.models.library,
      onChange: (status) => options.emit('download:progress', status),
      onInstalled: (model, id) => options.emit('download:installed', { id, model }),
    });
    this.modelManager = modelManagerHandlers({
      models: this.models,
      downloads: this.downloads,
      anyAddress: options.mode === 'electron',
      ...(options.modelAccess && { modelAccess: options.modelAccess }),
      batchRunning: () => this.batchRunning(),
    });
  }

  private requireDataset(): DatasetService {
    if (!this.dataset) throw new GroundLabelError('dataset-not-open', 'Open a folder of images first.');
    return this.dataset;
  }

  /** The batch service of the open dataset, made on first use; it reads the dataset's last job. */
  batchService(): Promise<BatchService> {
    const dataset = this.requireDataset();
    if (this.batch?.dataset !== dataset) {
      const { emit } = this.options;
      const service = BatchService.open({
        dataset,
        onProgress: (p) => emit('batch:progress', p),
        onImage: (e) => emit('batch:image', e),
        onFinished: (e) => emit('batch:finished', e),
      });
      this.batch = { dataset, service };
    }
    return this.batch.service;
  }

  /** Whether a batch is running (on `dataset`, when given): it holds the detector and writes documents. */
  private async batchRunning(dataset?: DatasetService): Promise<boolean> {
    const batch = this.batch;
    if (!batch || (dataset && batch.dataset !== dataset)) return false;
    return (await batch.service.catch(() => null))?.isRunning === true;
  }

  /** After the pixel limit changed: the open folder's images it refused are read again; those that read now lose their mark. */
  private async readOverLimitAgain(): Promise<void> {
    const { dataset, fill } = this;
    if (!dataset || !fill) return;
    const entries = await fill.readAgain(dataset.overPixelLimit().map((r) => dataset.idFor(r)));
    for (const e of entries) dataset.clearUnreadable(dataset.relPathOf(e.id));
    if (entries.length) this.options.emit('dataset:meta', { root: dataset.root, entries });
  }

  /** A running batch stops (resumable) before its dataset is closed. */
  private async stopBatch(): Promise<void> {
    const batch = this.batch;
    this.batch = null;
    await (await batch?.service)?.close();
  }

  async openDataset(folder: string): Promise<DatasetService> {
    // The open folder holds this process's lock on it: opening it again closes it, then reads it afresh.
    if (this.dataset && (await realpath(folder).catch(() => null)) === this.dataset.root)
      await this.closeDataset();
    const next = await DatasetService.open(folder, {
      debounceMs: this.options.saveDebounceMs ?? 1000,
      onStatus: (state, message) =>
        this.options.emit('save:status', message ? { state, message } : { state }),
      lock: {
        label: this.options.mode === 'electron' ? 'GroundLabel desktop' : 'GroundLabel (npm run serve)',
      },
    });
    if (next.store.lockNotice) console.warn(`${next.root}: ${next.store.lockNotice}`);
    const previous = this.dataset;
    await this.stopBatch();
    this.dataset = next;
    await this.fill?.close();
    this.fill = fillDataset(next, {
      onMeta: (entries) => {
        for (const e of entries) if ('error' in e) next.markUnreadable(next.relPathOf(e.id), e.error, e.code);
        this.options.emit('dataset:meta', { root: next.root, entries });
      },
      // Waits while a batch runs on the dataset; inference pauses it by hand (infer:run).
      isBusy: () => this.batchRunning(next),
    });
    await previous?.close();
    this.options.onDatasetOpened?.(next.root);
    return next;
  }

  private async closeDataset(): Promise<void> {
    await this.stopBatch();
    await this.fill?.close();
    this.fill = null;
    const dataset = this.dataset;
    this.dataset = null;
    await dataset?.close();
  }

  currentDataset(): DatasetService | null {
    return this.dataset;
  }

  /** The request with its label path resolved against the dataset folder and through links, if allowed. */
  private async importable<R extends { readonly path: string }>(d: DatasetService, request: R): Promise<R> {
    return { ...request, path: await this.access.check(path.resolve(d.root, request.path), 'import') };
  }

  readonly handlers: Handlers = {
    ...deferredModelHandlers(() => this.modelManager),
    'app:info': async () => ({
      version: version(this.options.root ?? appRoot()),
      mode: this.options.mode,
      platform: process.platform,
    }),
    'model:status': () => this.models.status(),
    'model:open': async ({ path: target }) => {
      // The running batch holds the detector; swapping it underneath would close it mid-image.
      if (await this.batchRunning()) {
        throw new GroundLabelError(
          'batch-running',
          'A batch is running with the current model. Cancel it or wait until it finishes before opening another model.',
        );
      }
      const allowed = this.options.modelAccess;
      return this.models.open(allowed ? await allowed.check(target, 'model') : target, { remember: true });
    },
    'device:list': () => this.models.devices(),
    'settings:pixel-limit': async ({ maxPixels: limit }) => {
      if (limit !== undefined) {
        setMaxPixels(limit);
        await this.options.settings?.set('maxPixels', limit);
        await this.readOverLimitAgain();
      }
      return { maxPixels: maxPixels(), defaultMaxPixels: DEFAULT_MAX_PIXELS };
    },
    'device:test': async ({ device, imageId }) => {
      // The test shares the machine with a running batch: its time would mean nothing.
      if (await this.batchRunning())
        throw new GroundLabelError(
          'batch-running',
          'A batch is running; test the device when it has finished.',
        );
      const d = imageId ? this.requireDataset() : null;
      const image = d && imageId ? { file: await d.fileOf(imageId), name: d.relPathOf(imageId) } : undefined;
      return this.models.testDevice(device, image);
    },
    'device:choose': async ({ device }) => {
      if (await this.batchRunning())
        throw new GroundLabelError(
          'batch-running',
          'A batch is running with the current model. Cancel it or wait until it finishes before choosing another device.',
        );
      return this.models.chooseDevice(device);
    },
    'dataset:open': async ({ path: folder }) =>
      (await this.openDataset(await this.access.check(folder, 'dataset'))).snapshot(),
    'dataset:current': async () => {
      const snapshot = this.dataset?.snapshot() ?? null;
      return snapshot && this.fill ? { ...snapshot, images: this.fill.annotate(snapshot.images) } : snapshot;
    },
    'image:get': ({ id }) => this.requireDataset().image(id),
    'image:save': (request) => this.requireDataset().save(request),
    // The meta names the revision it was read at; a save on an older one is refused.
    'project:save': (meta) => this.requireDataset().saveMeta(meta, meta.revision ?? 0),
    'prompt:analyse': ({ prompt, rec }) => this.models.analyse(prompt, rec),
    'infer:run': async ({ ids, prompt, thresholds, perPhrase, rec }) => {
      const dataset = this.requireDataset();
      const targets = await Promise.all(
        ids.map(async (id) => ({ relPath: dataset.relPathOf(id), file: await dataset.fileOf(id) })),
      );
      const resume = this.fill?.pause();
      try {
        return await this.models.run(
          targets,
          prompt,
          { ...DEFAULT_THRESHOLDS, ...thresholds },
          { perPhrase, rec },
          (result, done, total) => this.options.emit('infer:progress', { done, total, result }),
        );
      } finally {
        resume?.();
      }
    },
    'batch:start': async ({ ids, prompt, thresholds, perPhrase, rec, skipReviewed }) => {
      const dataset = this.requireDataset();
      if (this.comparing)
        throw new GroundLabelError(
          'compare-running',
          'Prompts are being compared; start the batch when the comparison has finished, or cancel it.',
        );
      const relPaths = ids?.map((id) => dataset.relPathOf(id));
      const detector = this.models.requireDetector();
      return (await this.batchService()).start(detector, {
        relPaths,
        prompt,
        thresholds,
        perPhrase,
        rec,
        skipReviewed,
      });
    },
    'compare:run': async ({ variants, ids, sample }) => {
      const d = this.requireDataset();
      const detector = this.models.requireDetector();
      if (this.comparing)
        throw new GroundLabelError(
          'compare-running',
          'Prompts are being compared already; cancel that comparison or wait for it first.',
        );
      // A batch would share the model: both would crawl, and the counts would be of a changing model.
      if (await this.batchRunning())
        throw new GroundLabelError(
          'batch-running',
          'A batch is running; compare prompts when it has finished, or cancel it first.',
        );
      const relPaths = ids
        ? ids.map((id) => d.relPathOf(id))
        : sampleImages(d.relPaths, sample.size, sample.seed);
      const targets = await Promise.all(
        relPaths.map(async (relPath) => ({ relPath, file: await d.fileOf(d.idFor(relPath)) })),
      );
      const controller = new AbortController();
      this.comparing = controller;
      const resume = this.fill?.pause();
      try {
        // Counted under the project's class names, read now: nothing of the project changes.
        const meta = d.store.getMeta();
        return await comparePrompts(detector, targets, variants, {
          classOf: (phrase) => classNameForPhrase(meta, phrase),
          signal: controller.signal,
          onProgress: (done, total) => this.options.emit('compare:progress', { done, total }),
        });
      } finally {
        this.comparing = null;
        resume?.();
      }
    },
    'compare:cancel': async () => {
      const running = this.comparing;
      running?.abort();
      return { cancelled: !!running };
    },
    'batch:cancel': async () => (await this.batchService()).cancel(),
    'batch:status': async () => (await this.batchService()).status(),
    'batch:resume': async () => {
      const service = await this.batchService();
      return service.resume(this.models.requireDetector());
    },
    'suggestions:accept': async ({ minScore, classIds }) => {
      const d = this.requireDataset();
      // The batch replaces suggestions as it goes: an accept between its read and write would be lost.
      if (await this.batchRunning(d))
        throw new GroundLabelError(
          'batch-running',
          'A batch is running on this dataset; wait until it finishes, then accept its suggestions.',
        );
      const { token, accepted, relPaths } = await this.acceptor.accept(d, { minScore, classIds });
      return { token, accepted, images: relPaths.length, entries: relPaths.map((r) => d.entry(r)) };
    },
    'suggestions:accept-undo': async ({ token }) => {
      const d = this.requireDataset();
      const { restored, skipped } = await this.acceptor.undo(d, token);
      return { restored: restored.length, skipped, entries: restored.map((r) => d.entry(r)) };
    },
    'nothing-found:mark-negative': async () => {
      const d = this.requireDataset();
      // A running batch writes the same documents and would undo the marks it raced with.
      if (await this.batchRunning(d))
        throw new GroundLabelError(
          'batch-running',
          'A batch is running on this dataset; wait until it finishes, then mark the images where nothing was found.',
        );
      const { token, relPaths } = await this.negatives.mark(d);
      return { token, images: relPaths.length, entries: relPaths.map((r) => d.entry(r)) };
    },
    'nothing-found:mark-negative-undo': async ({ token }) => {
      const d = this.requireDataset();
      const { restored, skipped } = await this.negatives.undo(d, token);
      return { restored: restored.length, skipped, entries: restored.map((r) => d.entry(r)) };
    },
    'dataset:stats': async () => {
      const d = this.requireDataset();
      return datasetStats(
        d.relPaths,
        (r) => d.store.get(r),
        d.store.getMeta(),
        (r) => d.isUnreadable(r),
      );
    },
    'export:preview': async (request) => {
      const d = this.requireDataset();
      return planExport(d.relPaths, (r) => d.store.get(r), d.store.getMeta().classes, request).summary;
    },
    'export:run': async (request) => {
      const d = this.requireDataset();
      await this.access.check(path.join(d.root, EXPORTS_DIR), 'export');
      await d.store.flush();
      const plan = planExport(d.relPaths, (r) => d.store.get(r), d.store.getMeta().classes, request);
      const { outDir, problems } = await runExport(d.root, request.format, plan, (done, total) =>
        this.options.emit('export:progress', { done, total }),
      );
      return { outDir, summary: { ...plan.summary, problems: [...plan.summary.problems, ...problems] } };
    },
    'import:preview': async (request) => {
      const d = this.requireDataset();
      return previewLabelImport(d, await this.importable(d, request));
    },
    'import:apply': async (request) => {
      const d = this.requireDataset();
      // A running batch writes the same documents; an import between its reads and writes would be lost.
      if (await this.batchRunning(d))
        throw new GroundLabelError(
          'batch-running',
          'A batch is running on this dataset; cancel it or wait until it finishes, then import.',
        );
      return applyLabelImport(d, await this.importable(d, request));
    },
  };

  async close(): Promise<void> {
    this.comparing?.abort();
    await this.fill?.close();
    await this.stopBatch();
    await this.dataset?.close();
    await this.downloads.close();
    await this.models.close();
  }
}
