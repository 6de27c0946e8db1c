import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Request } from '../../../shared/ipc/contract';
import type { DownloadStatus, InstalledModel, ModelLibraryView } from '../../../shared/models';
import { useApi } from './api';
import { useModelStore } from './model';

/**
 * The Models view's data: the models in the models folder, the catalogue and downloads. Download
 * progress arrives as events; a finished download reloads the list.
 */
export const useModelLibraryStore = defineStore('modelLibrary', () => {
  const api = useApi();
  const model = useModelStore();
  const view = shallowRef<ModelLibraryView | null>(null);
  const busy = ref(false);
  const error = ref<string | null>(null);
  /** Said once after an add or a finished download: the name of the model added. */
  const added = ref<string | null>(null);

  const installed = computed(() => view.value?.installed ?? []);
  const downloads = computed(() => view.value?.downloads ?? []);
  /** The catalogue entry a download in progress is fetching, by catalogue id. */
  const downloadOf = (catalogueId: string): DownloadStatus | undefined =>
    downloads.value.find((d) => d.source.kind === 'catalogue' && d.source.catalogueId === catalogueId);

  async function refresh(): Promise<void> {
    const reply = await api['models:library']({});
    if (reply.ok) view.value = reply.value;
    else error.value = reply.error.message;
  }

  /** Runs a call, showing its error; true when it went through. */
  async function attempt<T>(
    run: () => Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>,
  ) {
    busy.value = true;
    error.value = null;
    try {
      const reply = await run();
      if (!reply.ok) error.value = reply.error.message;
      return reply.ok ? reply.value : null;
    } finally {
      busy.value = false;
    }
  }

  /** Checks and adds a model from disk: the model added, or null when it was refused. */
  async function importModel(request: Request<'models:import'>): Promise<InstalledModel | null> {
    added.value = null;
    const model = await attempt(() => api['models:import'](request));
    if (model) added.value = model.name;
    await refresh();
    return model;
  }

  /**
   * Adds the model in use, opened from outside the models folder, and makes the one added the
   * model in use: a copy is opened from the folder; a link to what is open already is the same.
   */
  async function adoptInUse(mode: 'copy' | 'link'): Promise<void> {
    const status = model.status;
    const from = status?.loaded ? (status.openedFrom ?? status.file) : undefined;
    if (!from) return;
    const next = await importModel({ path: from, mode, ...(status?.name && { name: status.name }) });
    if (next && view.value?.active !== next.id) await activate(next.id);
  }

  async function activate(id: string): Promise<void> {
    const status = await attempt(() => api['models:activate']({ id }));
    if (status) model.apply(status);
    await refresh();
  }

  async function remove(id: string): Promise<void> {
    const next = await attempt(() => api['models:remove']({ id }));
    if (next) view.value = next;
    await model.refresh();
  }

  async function download(request: Request<'download:start'>): Promise<void> {
    const status = await attempt(() => api['download:start'](request));
    if (status) track(status);
  }

  const pause = async (id: string) => void track(await attempt(() => api['download:pause']({ id })));
  const resume = async (id: string) => void track(await attempt(() => api['download:resume']({ id })));
  async function cancel(id: string): Promise<void> {
    const next = await attempt(() => api['download:cancel']({ id }));
    if (next) view.value = next;
  }

  /** Puts a download's latest status into the list. */
  function track(status: DownloadStatus | null): void {
    if (!status || !view.value) return;
    const rest = view.value.downloads.filter((d) => d.id !== status.id);
    view.value = { ...view.value, downloads: [...rest, status] };
  }

  /** Follows download events; returns the function that stops following. */
  function listen(): () => void {
    const offProgress = api.on('download:progress', track);
    const offInstalled = api.on('download:installed', ({ model: m }) => {
      added.value = m.name;
      void refresh();
      void model.refresh();
    });
    return () => {
      offProgress();
      offInstalled();
    };
  }

  return {
    view,
    busy,
    error,
    added,
    installed,
    downloads,
    downloadOf,
    refresh,
    importModel,
    adoptInUse,
    activate,
    remove,
    download,
    pause,
    resume,
    cancel,
    listen,
  };
});
