import { addCollisions, type PhraseCollision } from '../../../shared/prompt/collisions';
import { classNameForPhrase, ensurePhraseClasses } from '../../../shared/classes';
import { compareReport, countByClass, sampleImages, type ComparedImage } from '../../../shared/compare';
import type { Detection } from '../../../shared/detection';
import type { Device, DeviceList, DeviceTestResult } from '../../../shared/devices';
import { isGroundLabelError, type ErrorInfo } from '../../../shared/errors';
import type { ImportResult } from '../../../shared/formats/import';
import { planImport, previewImport, tally, type ImportTarget } from '../../../shared/import-plan';
import {
  CHANNELS,
  channels,
  type Api,
  type BatchStatus,
  type Channel,
  type DatasetSnapshot,
  type EventName,
  type Events,
  type ExportSummary,
  type InferResult,
  type LabelSource,
  type ModelStatus,
  type ParsedRequest,
  type Reply,
  type Result,
} from '../../../shared/ipc/contract';
import {
  classesOf,
  emptyProjectMeta,
  imageStatus,
  type ImageDoc,
  type ProjectMeta,
} from '../../../shared/project';
import {
  acceptSuggestions,
  pendingOf,
  suggestionRecords,
  withSuggestions,
} from '../../../shared/suggestions';
import { datasetStats } from '../../../shared/stats';
import { markNothingFoundNegative } from '../../../shared/decisions';
import { parseExpressions } from '../../../shared/prompt/units';
import { nothingToExport, planExport } from '../../../shared/export-plan';
import type { ModelLibraryView } from '../../../shared/models';
import { FAKE_CATALOGUE, fakeModelHandlers } from './fake-models';

export interface FakeImage {
  readonly relPath: string;
  readonly width: number;
  readonly height: number;
  readonly reviewed?: boolean;
  readonly boxes?: ImageDoc['boxes'];
  readonly modelRun?: ImageDoc['modelRun'];
}

export interface FakeApiOptions {
  readonly root?: string;
  readonly images?: readonly FakeImage[];
  /** Whether a dataset is already open at start (as when the server was started on a folder). */
  readonly opened?: boolean;
  readonly meta?: ProjectMeta;
  readonly model?: Partial<ModelStatus>;
  readonly detect?: (relPath: string, request: ParsedRequest<'infer:run'>) => readonly Detection[];
  /** What infer:run says was suppressed across phrases on an image (default: nothing). */
  readonly collisions?: (relPath: string, request: ParsedRequest<'infer:run'>) => readonly PhraseCollision[];
  readonly imageUrl?: (id: string) => string;
  /** Thumbnails default to `imageUrl`, or to a 1×1 image when neither is given. */
  readonly thumbUrl?: (id: string) => string;
  /** Time a fake batch takes per image (default 0: one timer tick). */
  readonly batchMsPerImage?: number;
  /** What import:preview and import:apply read at a path (the importers' result); other paths do not exist. */
  readonly imports?: Readonly<Record<string, ImportResult>>;
  /** Labels found in the folder; the snapshot offers them while no image is annotated, like the real service. */
  readonly labelSources?: readonly LabelSource[];
  /** What device:list answers (default: auto chosen, every Linux device available). */
  readonly devices?: DeviceList;
  /** What device:test answers per device (default: a failure saying the fake has none). */
  readonly deviceTests?: Partial<Record<Device, DeviceTestResult>>;
  /** The model manager's folder (default: empty, with a small catalogue, in the desktop app). */
  readonly library?: Partial<ModelLibraryView>;
  /** The desktop app's answer to a dropped item (its folder, or null); browser mode has none. */
  readonly openDropped?: (item: File) => string | null;
}

const ONE_PIXEL_GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

type Handlers = { [C in Channel]: (request: ParsedRequest<C>) => Reply<C> | Promise<Reply<C>> };

/** An in-memory Api for unit and component tests: validates requests with the contract's schemas, like the real services. */
export interface FakeApi extends Api {
  readonly calls: { channel: Channel; request: unknown }[];
  /** Stored documents by image id. */
  readonly docs: Map<string, ImageDoc>;
  readonly ids: readonly string[];
  meta: ProjectMeta;
  model: ModelStatus;
  devices: DeviceList;
  /** The model manager's folder: models, catalogue, downloads; a test may change it. */
  library: ModelLibraryView;
  /** The pixel limit settings:pixel-limit reports and sets. */
  maxPixels: number;
  /** The last batch job, as batch:status reports it. */
  batch: BatchStatus | null;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  /** The next call of `channel` fails with `error`. */
  failNext(channel: Channel, error: ErrorInfo): void;
  /** Calls of `channel` wait until the returned function is called. */
  hold(channel: Channel): () => void;
  callsOf<C extends Channel>(channel: C): ParsedRequest<C>[];
}

class Fail extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

export function createFakeApi(options: FakeApiOptions = {}): FakeApi {
  const root = options.root ?? '/data/set';
  const images = options.images ?? [];
  const ids = images.map((_, i) => `img-${i}`);
  const docs = new Map<string, ImageDoc>(
    images.map((im, i) => [
      ids[i],
      {
        relPath: im.relPath,
        width: im.width,
        height: im.height,
        reviewed: im.reviewed ?? false,
        boxes: [...(im.boxes ?? [])],
        ...(im.modelRun && { modelRun: im.modelRun }),
      },
    ]),
  );
  let opened = options.opened ?? false;
  const listeners = new Map<EventName, Set<(p: never) => void>>();
  const failures = new Map<Channel, ErrorInfo>();
  const holds = new Map<Channel, Promise<void>>();

  const docOf = (id: string): ImageDoc => {
    const d = docs.get(id);
    if (!d) throw new Fail({ code: 'image-not-found', message: `No image with id ${id}` });
    return d;
  };
  const datasetId = `fake:${root}`;
  // Every image's file has this fingerprint; a test changes it to stand for a file replaced on disk.
  const identity = { size: 1, hash: 'fake-file-0' };
  const snapshot = (): DatasetSnapshot => ({
    datasetId,
    root,
    images: ids.map((id) => {
      const d = docOf(id);
      return {
        id,
        relPath: d.relPath,
        status: imageStatus(d),
        boxes: d.boxes.length,
        classIds: classesOf(d),
      };
    }),
    meta: fake.meta,
    readOnly: {},
    ...(options.labelSources?.length &&
      [...docs.values()].every((d) => !d.reviewed && d.boxes.length === 0) && {
        labelSources: options.labelSources,
      }),
  });
  // The app's own export rule and counts, on the documents here.
  const summary = (request: ParsedRequest<'export:preview'>): ExportSummary => {
    const relPaths = images.map((im) => im.relPath);
    return planExport(relPaths, (r) => docs.get(ids[relPaths.indexOf(r)]), fake.meta.classes, request)
      .summary;
  };

  // A batch in the fake: one image per timer tick, so a test sees it running and can cancel it.
  let cancelRequested = false;
  let batchRun: Promise<BatchStatus> | null = null;
  const undoSteps = new Map<string, ImageDoc[]>();
  const entryOf = (id: string) => {
    const d = docOf(id);
    return { id, relPath: d.relPath, status: imageStatus(d), boxes: d.boxes.length, classIds: classesOf(d) };
  };
  const batchStatus = (
    jobId: string,
    prompt: string,
    jobIds: readonly string[],
    done: string[],
    state: BatchStatus['state'],
    collisions: readonly PhraseCollision[] = [],
  ): BatchStatus => ({
    jobId,
    state,
    prompt,
    total: jobIds.length,
    done: done.length,
    labeled: done.length,
    withSuggestions: done.filter((id) => pendingOf(docs.get(id)).count > 0).length,
    nothingFound: done.filter((id) => imageStatus(docs.get(id)) === 'nothing-found').length,
    skipped: 0,
    failed: 0,
    resumable: state === 'cancelled' && done.length < jobIds.length,
    failures: [],
    lookFirst: [],
    perClass: [],
    collisions,
    startedAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  });
  async function runBatch(
    request: ParsedRequest<'infer:run'> & { skipReviewed: boolean },
    jobId: string,
    jobIds: readonly string[],
    done: string[],
  ) {
    const tick = () => new Promise((r) => setTimeout(r, options.batchMsPerImage ?? 0));
    let collisions: PhraseCollision[] = [];
    await tick();
    for (const id of jobIds) {
      if (done.includes(id)) continue;
      if (cancelRequested) break;
      const doc = docOf(id);
      const detections = options.detect?.(doc.relPath, request) ?? [];
      collisions = addCollisions(collisions, options.collisions?.(doc.relPath, request));
      const ensured = ensurePhraseClasses(fake.meta, new Set(detections.map((d) => d.phrase)));
      fake.meta = ensured.meta;
      const next = {
        ...withSuggestions(
          doc,
          suggestionRecords(detections, (p) => ensured.classOf.get(p) ?? ''),
        ),
        modelRun: { prompt: request.prompt, at: '2024-01-01T00:00:00.000Z' },
      };
      docs.set(id, next);
      done.push(id);
      fake.emit('batch:image', {
        jobId,
        id,
        relPath: doc.relPath,
        status: imageStatus(next),
        boxes: next.boxes.length,
        classIds: classesOf(next),
        outcome: 'labeled',
      });
      fake.emit('batch:progress', {
        jobId,
        done: done.length,
        total: jobIds.length,
        rate: 10,
        etaSeconds: (jobIds.length - done.length) / 10,
        relPath: doc.relPath,
      });
      await tick();
    }
    const status = batchStatus(
      jobId,
      request.prompt,
      jobIds,
      done,
      done.length < jobIds.length ? 'cancelled' : 'done',
      collisions,
    );
    fake.batch = status;
    batchRun = null;
    fake.emit('batch:finished', { status });
    return status;
  }
  let lastBatch: {
    request: ParsedRequest<'infer:run'> & { skipReviewed: boolean };
    jobIds: readonly string[];
    done: string[];
  } | null = null;
  const startBatch = (jobId: string) => {
    const job = lastBatch!;
    cancelRequested = false;
    fake.batch = batchStatus(jobId, job.request.prompt, job.jobIds, job.done, 'running');
    batchRun = runBatch(job.request, jobId, job.jobIds, job.done);
    return { jobId };
  };
  // Imports run the app's own planning on a given importer result, so counts match the real service.
  const importOf = (path: string): ImportResult => {
    const result = options.imports?.[path];
    if (!result) throw new Fail({ code: 'bad-argument', message: `${path} does not exist` });
    return result;
  };
  const importTarget = (): ImportTarget => ({
    relPaths: images.map((im) => im.relPath),
    meta: fake.meta,
    docOf: (relPath) => docs.get(ids[images.findIndex((im) => im.relPath === relPath)]),
    readOnlyReason: () => undefined,
  });
  const importing = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      throw isGroundLabelError(e) ? new Fail(e.toJSON()) : e;
    }
  };
  /** Puts back the documents of an accept or a marking, as the backend's undo does. */
  const restore = (token: string) => {
    const before = undoSteps.get(token);
    if (!before) throw new Fail({ code: 'bad-argument', message: `Nothing to undo for token ${token}` });
    undoSteps.delete(token);
    const restored = before.map((doc) => {
      const id = ids[images.findIndex((im) => im.relPath === doc.relPath)];
      docs.set(id, doc);
      return id;
    });
    return { restored: restored.length, skipped: [], entries: restored.map(entryOf) };
  };
  // A comparison in the fake: one image per timer tick, so a test sees its progress and can cancel it.
  let compareCancelled: boolean | null = null;
  const runCompare = async ({ variants, ids: requested, sample }: ParsedRequest<'compare:run'>) => {
    if (!fake.model.loaded)
      throw new Fail({ code: 'model-not-loaded', message: `No model in ${fake.model.modelsDir}` });
    if (compareCancelled !== null) throw new Fail({ code: 'compare-running', message: 'Already comparing' });
    const relPaths = requested
      ? requested.map((id) => docOf(id).relPath)
      : sampleImages(
          images.map((im) => im.relPath),
          sample.size,
          sample.seed,
        );
    compareCancelled = false;
    const compared: ComparedImage[] = [];
    try {
      for (const relPath of relPaths) {
        await new Promise((r) => setTimeout(r, options.batchMsPerImage ?? 0));
        if (compareCancelled) break;
        compared.push({
          relPath,
          variants: variants.map((v) => ({
            ok: true,
            perClass: countByClass(
              options.detect?.(relPath, {
                ids: [],
                prompt: v.prompt,
                thresholds: v.thresholds,
                perPhrase: false,
                rec: v.rec,
              }) ?? [],
              (phrase) => classNameForPhrase(fake.meta, phrase),
            ),
          })),
        });
        fake.emit('compare:progress', { done: compared.length, total: relPaths.length });
      }
      return compareReport(variants, compared, {
        sampled: relPaths.length,
        cancelled: compared.length < relPaths.length,
      });
    } finally {
      compareCancelled = null;
    }
  };
  const refuseWhileRunning = () => {
    if (batchRun) throw new Fail({ code: 'batch-running', message: 'A batch is already running' });
  };

  const handlers: Handlers = {
    ...fakeModelHandlers(
      () => fake,
      (code, message) => {
        throw new Fail({ code, message });
      },
    ),
    'app:info': () => ({ version: '0.0.0-test', mode: 'browser', platform: 'test' }),
    'model:status': () => fake.model,
    'model:open': ({ path }) =>
      (fake.model = {
        ...fake.model,
        loaded: true,
        name: path,
        file: path,
        openedFrom: path,
        provider: 'cpu',
      }),
    'device:list': () => fake.devices,
    'settings:pixel-limit': ({ maxPixels }) => {
      if (maxPixels !== undefined) fake.maxPixels = maxPixels;
      return { maxPixels: fake.maxPixels, defaultMaxPixels: 100_000_000 };
    },
    'device:test': ({ device }) =>
      options.deviceTests?.[device] ?? {
        ok: false,
        device,
        message: `The fake has no test result for ${device}`,
      },
    // Like the service: the chosen device is remembered and a loaded model opens there, as asked.
    'device:choose': ({ device }) => {
      fake.devices = { ...fake.devices, chosen: device };
      if (fake.model.loaded)
        fake.model = {
          ...fake.model,
          requested: device,
          provider: device === 'auto' ? 'cpu' : device,
          fallback: undefined,
          fallbacks: [],
        };
      return fake.model;
    },
    'dataset:open': ({ path }) => {
      if (path !== root)
        throw new Fail({ code: 'io-failed', message: `Cannot open ${path}: no such folder` });
      opened = true;
      return snapshot();
    },
    'dataset:current': () => (opened ? snapshot() : null),
    'image:get': ({ id }) => ({
      id,
      doc: { ...structuredClone(docOf(id)), identity, revision: docOf(id).revision ?? 0 },
    }),
    'image:save': ({ datasetId: named, id, baseRevision, doc }) => {
      const stored = docOf(id);
      if (named !== datasetId)
        throw new Fail({
          code: 'dataset-mismatch',
          message: `This edit belongs to another folder than ${root}`,
        });
      const revision = stored.revision ?? 0;
      if (baseRevision !== revision)
        throw new Fail({
          code: 'edit-conflict',
          message: `${doc.relPath} was changed elsewhere (revision ${revision}, edit made on ${baseRevision})`,
        });
      docs.set(id, { ...doc, revision: revision + 1 });
      return { status: imageStatus(doc), revision: revision + 1 };
    },
    'project:save': (meta) => {
      const revision = fake.meta.revision ?? 0;
      if ((meta.revision ?? 0) !== revision)
        throw new Fail({
          code: 'edit-conflict',
          message: `The class list was changed elsewhere (revision ${revision}, change made on ${meta.revision ?? 0})`,
        });
      return (fake.meta = { ...meta, revision: revision + 1 });
    },
    'prompt:analyse': ({ prompt, rec }) => {
      const phrases = rec
        ? parseExpressions(prompt)
        : prompt
            .split('.')
            .map((p) => p.trim().toLowerCase())
            .filter(Boolean);
      const tokens = phrases.reduce((n, p) => n + p.split(/\s+/).length + 1, 2);
      const repeated = phrases.filter((p, i) => phrases.indexOf(p) !== i);
      return { phrases, tokens, maxTokens: fake.model.maxTokens, passes: 1, repeated, overlapping: [] };
    },
    'infer:run': (request) => {
      if (!fake.model.loaded)
        throw new Fail({ code: 'model-not-found', message: `No model in ${fake.model.modelsDir}` });
      const results: InferResult[] = request.ids.map((id) => {
        const relPath = docOf(id).relPath;
        const collisions = options.collisions?.(relPath, request) ?? [];
        return {
          relPath,
          detections: options.detect?.(relPath, request) ?? [],
          ...(collisions.length && { collisions }),
        };
      });
      results.forEach((result, i) =>
        fake.emit('infer:progress', { done: i + 1, total: results.length, result }),
      );
      return results;
    },
    'batch:start': ({ ids: requested, prompt, thresholds, perPhrase, skipReviewed }) => {
      refuseWhileRunning();
      if (!fake.model.loaded)
        throw new Fail({ code: 'model-not-loaded', message: `No model in ${fake.model.modelsDir}` });
      const jobIds = requested ?? ids;
      jobIds.forEach(docOf);
      lastBatch = {
        request: { ids: [...jobIds], prompt, thresholds, perPhrase, skipReviewed },
        jobIds,
        done: [],
      };
      return startBatch(`job-${fake.calls.length}`);
    },
    'compare:run': (request) => runCompare(request),
    'compare:cancel': () => {
      const running = compareCancelled !== null;
      if (running) compareCancelled = true;
      return { cancelled: running };
    },
    'batch:cancel': async () => {
      cancelRequested = true;
      return batchRun ? await batchRun : fake.batch;
    },
    'batch:status': () => fake.batch,
    'batch:resume': () => {
      refuseWhileRunning();
      if (!lastBatch || !fake.batch?.resumable)
        throw new Fail({ code: 'batch-not-found', message: 'There is no stopped batch to resume' });
      return startBatch(fake.batch.jobId);
    },
    'suggestions:accept': ({ minScore, classIds }) => {
      const before: ImageDoc[] = [];
      const changed: string[] = [];
      let accepted = 0;
      for (const id of ids) {
        const result = acceptSuggestions(docOf(id), { minScore, classIds });
        if (!result.accepted) continue;
        before.push(docOf(id));
        docs.set(id, result.doc);
        changed.push(id);
        accepted += result.accepted;
      }
      const token = `accept-${fake.calls.length}`;
      undoSteps.set(token, before);
      return { token, accepted, images: changed.length, entries: changed.map(entryOf) };
    },
    'suggestions:accept-undo': ({ token }) => restore(token),
    'nothing-found:mark-negative': () => {
      const before: ImageDoc[] = [];
      const changed: string[] = [];
      for (const id of ids) {
        const next = markNothingFoundNegative(docOf(id));
        if (!next) continue;
        before.push(docOf(id));
        docs.set(id, next);
        changed.push(id);
      }
      const token = `negative-${fake.calls.length}`;
      undoSteps.set(token, before);
      return { token, images: changed.length, entries: changed.map(entryOf) };
    },
    'nothing-found:mark-negative-undo': ({ token }) => restore(token),
    'dataset:stats': () => {
      if (!opened) throw new Fail({ code: 'dataset-not-open', message: 'Open a folder of images first.' });
      return datasetStats(ids, (id) => docs.get(id), fake.meta);
    },
    'export:preview': (request) => summary(request),
    'export:run': (request) => {
      const refusal = nothingToExport(summary(request));
      if (refusal) throw new Fail({ code: 'export-refused', message: refusal });
      const total = docs.size;
      for (let done = 1; done <= total; done++) fake.emit('export:progress', { done, total });
      return { outDir: `${root}/export-${request.format}`, summary: summary(request) };
    },
    'import:preview': ({ path }) => importing(() => previewImport(importOf(path), importTarget(), path)),
    'import:apply': ({ path, mode }) =>
      importing(() => {
        const plan = planImport(importOf(path), importTarget(), mode, path);
        fake.meta = plan.meta;
        const written = plan.writes.filter((w) => w.changed);
        const idOf = (relPath: string) => ids[images.findIndex((im) => im.relPath === relPath)];
        for (const w of written) docs.set(idOf(w.doc.relPath), w.doc);
        return {
          ...tally(plan.writes),
          skipped: plan.skipped,
          newClasses: plan.newClasses,
          problems: plan.problems,
          entries: written.map((w) => entryOf(idOf(w.doc.relPath))),
          meta: fake.meta,
        };
      }),
  };

  async function call(channel: Channel, request: unknown): Promise<Result<unknown>> {
    // Electron's IPC structured-clones requests, and cannot clone Vue's reactive proxies: fail the same way.
    request = structuredClone(request);
    fake.calls.push({ channel, request });
    await holds.get(channel);
    const failure = failures.get(channel);
    if (failure) {
      failures.delete(channel);
      return { ok: false, error: failure };
    }
    const parsed = channels[channel].request.safeParse(request);
    if (!parsed.success)
      return { ok: false, error: { code: 'bad-argument', message: `${channel}: ${parsed.error.message}` } };
    try {
      const handler = handlers[channel] as (r: unknown) => unknown;
      return { ok: true, value: structuredClone(await handler(parsed.data)) };
    } catch (e) {
      if (e instanceof Fail) return { ok: false, error: e.info };
      throw e;
    }
  }

  const base: Omit<FakeApi, Channel> = {
    calls: [],
    docs,
    ids,
    meta: options.meta ?? emptyProjectMeta(),
    batch: null,
    maxPixels: 100_000_000,
    devices: options.devices ?? {
      chosen: 'auto',
      options: [
        { device: 'auto', available: true, order: ['cuda', 'webgpu', 'cpu'] },
        { device: 'cpu', available: true },
        { device: 'cuda', available: true },
        { device: 'webgpu', available: true },
      ],
    },
    model: {
      loaded: false,
      maxTokens: 256,
      defaults: { box: 0.35, text: 0.25, nmsIou: 0.5 },
      modelsDir: '/models',
      available: [],
      ...options.model,
    },
    library: {
      modelsDir: '/models',
      installed: [],
      found: [],
      catalogue: FAKE_CATALOGUE,
      downloads: [],
      active: null,
      anyAddress: true,
      device: 'auto',
      ...options.library,
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) (l as (p: typeof payload) => void)(payload);
    },
    failNext(channel, error) {
      failures.set(channel, error);
    },
    hold(channel) {
      let release!: () => void;
      holds.set(channel, new Promise<void>((r) => (release = r)));
      return () => {
        holds.delete(channel);
        release();
      };
    },
    callsOf<C extends Channel>(channel: C) {
      return fake.calls.filter((c) => c.channel === channel).map((c) => c.request as ParsedRequest<C>);
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: never) => void);
      return () => set.delete(listener as (p: never) => void);
    },
    ...(options.openDropped && { openDropped: async (item: File) => options.openDropped!(item) }),
    imageUrl: (id) => options.imageUrl?.(id) ?? `fake-image://${id}`,
    thumbUrl: (id) => options.thumbUrl?.(id) ?? options.imageUrl?.(id) ?? ONE_PIXEL_GIF,
  };
  // Each channel's reply type is checked by the handlers table; the generic call erases it.
  const fake = Object.assign(
    base,
    Object.fromEntries(CHANNELS.map((c) => [c, (r: unknown) => call(c, r)])),
  ) as unknown as FakeApi;
  return fake;
}
