import type { ModelStatus, ParsedRequest, Reply } from '../../../shared/ipc/contract';
import type { modelChannels } from '../../../shared/ipc/model-channels';
import type {
  CatalogueEntry,
  DownloadStatus,
  InstalledModel,
  ModelLibraryView,
} from '../../../shared/models';

type ModelChannel = keyof typeof modelChannels;
type Handlers = { [C in ModelChannel]: (request: ParsedRequest<C>) => Reply<C> | Promise<Reply<C>> };

/** What the fake model manager holds, and what a test can change. */
export interface FakeModelState {
  library: ModelLibraryView;
  model: ModelStatus;
}

/** An error the fake answers with, like the services' GroundLabelError. */
export type FailWith = (code: 'model-not-found' | 'bad-argument' | 'forbidden', message: string) => never;

export const FAKE_CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'tiny-fixed',
    name: 'Grounding DINO tiny, fixed text mask',
    flavour: 'B',
    publisher: 'Example publisher',
    sourcePage: 'https://example.org/tiny-fixed',
    licence: 'Apache-2.0',
    approxBytes: 695_000_000,
    files: [
      {
        path: 'model.onnx',
        url: 'https://example.org/tiny-fixed/model.onnx',
        bytes: null,
        sha256: 'ae'.repeat(32),
      },
    ],
    note: 'Prompts of several phrases in one pass.',
  },
  {
    id: 'swint',
    name: 'Grounding DINO Swin-T',
    flavour: 'A',
    publisher: 'Example publisher',
    sourcePage: 'https://example.org/swint',
    licence: 'Apache-2.0',
    approxBytes: null,
    files: [{ path: 'swint.onnx', url: 'https://example.org/swint.onnx', bytes: null, sha256: null }],
  },
];

/** A model as the library lists it, for tests. */
export function fakeInstalled(id: string, overrides: Partial<InstalledModel> = {}): InstalledModel {
  return {
    id,
    name: overrides.name ?? id,
    flavour: 'B',
    inputs: [
      { name: 'pixel_values', type: 'float32', dims: [1, 3, 'height', 'width'] },
      { name: 'input_ids', type: 'int64', dims: [1, 'sequence'] },
    ],
    bytes: 689_000_000,
    source: { kind: 'disk', path: `/downloads/${id}` },
    sha256: '0123456789abcdef'.repeat(4),
    sha256From: 'computed',
    storage: 'copy',
    path: `/models/${id}`,
    files: [],
    addedAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/**
 * The model manager's channels over in-memory state: imports add a model, activate loads it,
 * downloads wait (running) until a test emits their progress or finishes them.
 */
export function fakeModelHandlers(state: () => FakeModelState, fail: FailWith): Handlers {
  const lib = () => state().library;
  const set = (next: Partial<ModelLibraryView>) => (state().library = { ...lib(), ...next });
  const download = (id: string): DownloadStatus =>
    lib().downloads.find((d) => d.id === id) ?? fail('bad-argument', `There is no download "${id}".`);
  const update = (id: string, next: Partial<DownloadStatus>): DownloadStatus => {
    const d = { ...download(id), ...next };
    set({ downloads: lib().downloads.map((x) => (x.id === id ? d : x)) });
    return d;
  };
  let downloads = 0;
  return {
    'models:library': () => lib(),
    'models:import': ({ path, mode, name }) => {
      if (!path.toLowerCase().endsWith('.onnx') && !path.endsWith('/model'))
        fail('model-not-found', `Model not found: ${path} (give an .onnx file or a folder holding one)`);
      const base = path
        .split('/')
        .pop()!
        .replace(/\.onnx$/i, '');
      const model = fakeInstalled(base, {
        name: name ?? base,
        storage: mode,
        source: { kind: 'disk', path },
        path: mode === 'link' ? path : `${lib().modelsDir}/${base}`,
      });
      set({ installed: [...lib().installed, model] });
      return model;
    },
    'models:remove': ({ id }) => {
      if (lib().active === id) {
        state().model = { ...state().model, loaded: false };
        set({ active: null });
      }
      return set({ installed: lib().installed.filter((m) => m.id !== id) });
    },
    'models:activate': ({ id }) => {
      const m =
        lib().installed.find((x) => x.id === id) ?? fail('model-not-found', `There is no model "${id}".`);
      set({ active: id });
      state().model = {
        ...state().model,
        loaded: true,
        name: m.name,
        file: m.path,
        openedFrom: m.path,
        flavour: m.flavour,
        provider: 'cpu',
      };
      return state().model;
    },
    'download:start': (request) => {
      if ('url' in request && !lib().anyAddress)
        fail('forbidden', 'Browser mode downloads only the models of the catalogue.');
      const entry =
        'catalogueId' in request ? lib().catalogue.find((e) => e.id === request.catalogueId) : null;
      const status: DownloadStatus = {
        id: `download-${++downloads}`,
        name: request.name ?? entry?.name ?? 'model',
        source: entry
          ? { kind: 'catalogue', catalogueId: entry.id, url: entry.files[0].url }
          : { kind: 'url', url: 'url' in request ? request.url : '' },
        state: 'running',
        received: 0,
        total: entry?.approxBytes ?? null,
        rate: 0,
        etaSeconds: null,
        resumable: true,
      };
      set({ downloads: [...lib().downloads, status] });
      return status;
    },
    'download:pause': ({ id }) => update(id, { state: 'paused', rate: 0, etaSeconds: null }),
    'download:resume': ({ id }) => update(id, { state: 'running', message: undefined }),
    'download:cancel': ({ id }) => set({ downloads: lib().downloads.filter((d) => d.id !== id) }),
  };
}
