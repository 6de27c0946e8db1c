import type { Detection } from '../../../shared/detection';
import type { ErrorInfo } from '../../../shared/errors';
import {
  CHANNELS,
  channels,
  type Api,
  type Channel,
  type DatasetSnapshot,
  type EventName,
  type Events,
  type ExportSummary,
  type InferResult,
  type ModelStatus,
  type ParsedRequest,
  type Reply,
  type Result,
} from '../../../shared/ipc/contract';
import { emptyProjectMeta, imageStatus, type ImageDoc, type ProjectMeta } from '../../../shared/project';

export interface FakeImage {
  readonly relPath: string;
  readonly width: number;
  readonly height: number;
  readonly reviewed?: boolean;
  readonly boxes?: ImageDoc['boxes'];
}

export interface FakeApiOptions {
  readonly root?: string;
  readonly images?: readonly FakeImage[];
  /** Whether a dataset is already open at start (as when the server was started on a folder). */
  readonly opened?: boolean;
  readonly meta?: ProjectMeta;
  readonly model?: Partial<ModelStatus>;
  readonly detect?: (relPath: string, request: ParsedRequest<'infer:run'>) => readonly Detection[];
  readonly imageUrl?: (id: string) => string;
}

type Handlers = { [C in Channel]: (request: ParsedRequest<C>) => Reply<C> | Promise<Reply<C>> };

/** An in-memory Api for unit and component tests: validates requests with the contract's schemas, like the real services. */
export interface FakeApi extends Api {
  readonly calls: { channel: Channel; request: unknown }[];
  /** Stored documents by image id. */
  readonly docs: Map<string, ImageDoc>;
  readonly ids: readonly string[];
  meta: ProjectMeta;
  model: ModelStatus;
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
  const snapshot = (): DatasetSnapshot => ({
    root,
    images: ids.map((id) => {
      const d = docOf(id);
      return { id, relPath: d.relPath, status: imageStatus(d), boxes: d.boxes.length };
    }),
    meta: fake.meta,
    readOnly: {},
  });
  const summary = (classIds?: readonly string[]): ExportSummary => {
    const all = [...docs.values()];
    const classes = fake.meta.classes.filter((c) => !classIds || classIds.includes(c.id));
    return {
      reviewed: all.filter((d) => imageStatus(d) === 'reviewed').length,
      negatives: all.filter((d) => imageStatus(d) === 'negative').length,
      unlabeledLeftOut: all.filter((d) => ['unlabeled', 'suggested'].includes(imageStatus(d))).length,
      boxesPerClass: classes.map((c) => ({
        name: c.name,
        boxes: all.flatMap((d) => d.boxes).filter((b) => b.classId === c.id && b.origin.kind !== 'suggestion')
          .length,
      })),
      problems: [],
      val: 0,
    };
  };

  const handlers: Handlers = {
    'app:info': () => ({ version: '0.0.0-test', mode: 'browser', platform: 'test' }),
    'model:status': () => fake.model,
    'model:open': ({ path }) =>
      (fake.model = { ...fake.model, loaded: true, name: path, file: path, provider: 'cpu' }),
    'dataset:open': ({ path }) => {
      if (path !== root)
        throw new Fail({ code: 'io-failed', message: `Cannot open ${path}: no such folder` });
      opened = true;
      return snapshot();
    },
    'dataset:current': () => (opened ? snapshot() : null),
    'image:get': ({ id }) => ({ id, doc: structuredClone(docOf(id)) }),
    'image:save': ({ id, doc }) => {
      docOf(id);
      docs.set(id, doc);
      return { status: imageStatus(doc) };
    },
    'project:save': (meta) => (fake.meta = meta),
    'prompt:analyse': ({ prompt }) => {
      const phrases = prompt
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
        return { relPath, detections: options.detect?.(relPath, request) ?? [] };
      });
      results.forEach((result, i) =>
        fake.emit('infer:progress', { done: i + 1, total: results.length, result }),
      );
      return results;
    },
    'export:preview': ({ classIds }) => summary(classIds),
    'export:run': ({ format, classIds }) => {
      const total = docs.size;
      for (let done = 1; done <= total; done++) fake.emit('export:progress', { done, total });
      return { outDir: `${root}/export-${format}`, summary: summary(classIds) };
    },
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
    model: {
      loaded: false,
      maxTokens: 256,
      defaults: { box: 0.35, text: 0.25, nmsIou: 0.5 },
      modelsDir: '/models',
      available: [],
      ...options.model,
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
    imageUrl: (id) => options.imageUrl?.(id) ?? `fake-image://${id}`,
  };
  // Each channel's reply type is checked by the handlers table; the generic call erases it.
  const fake = Object.assign(
    base,
    Object.fromEntries(CHANNELS.map((c) => [c, (r: unknown) => call(c, r)])),
  ) as unknown as FakeApi;
  return fake;
}
