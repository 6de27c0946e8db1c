import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { IMAGE_STATUSES } from '../../../shared/project';
import type { DatasetStats } from '../../../shared/stats';
import { useApi } from './api';
import { useDatasetStore } from './dataset';
import { useSaveStore } from './save';

/** Quiet time before refreshing after a save, and the most often a running batch refreshes the view. */
const AFTER_SAVE_MS = 300;
const DURING_BATCH_MS = 1000;

/**
 * The numbers of the statistics view, computed by the services (the same function the command
 * line prints after a batch). Loaded when the view opens; while it is open, refreshed when a batch
 * finishes, as a batch labels images, and after saves.
 */
export const useStatsStore = defineStore('stats', () => {
  const api = useApi();
  const dataset = useDatasetStore();
  const save = useSaveStore();
  const stats = shallowRef<DatasetStats | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** Whether the view is showing: events refresh only then, so a closed view costs nothing. */
  const watching = ref(false);
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const totalImages = computed(() =>
    stats.value ? IMAGE_STATUSES.reduce((n, s) => n + stats.value!.images[s], 0) : 0,
  );
  const totalBoxes = computed(() => stats.value?.boxesPerClass.reduce((n, c) => n + c.boxes, 0) ?? 0);
  const totalPending = computed(() => stats.value?.boxesPerClass.reduce((n, c) => n + c.pending, 0) ?? 0);

  async function load(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const mine = ++asked;
    if (!dataset.root) {
      stats.value = null;
      loading.value = false;
      return;
    }
    loading.value = true;
    const reply = await api['dataset:stats']({});
    // A newer load (a refresh, another folder) answers instead.
    if (mine !== asked) return;
    loading.value = false;
    if (reply.ok) {
      stats.value = reply.value;
      error.value = null;
    } else error.value = reply.error.message;
  }

  /** One refresh for a burst of events: a batch can label many images a second. */
  function schedule(ms: number): void {
    if (!watching.value || timer) return;
    timer = setTimeout(() => void load(), ms);
  }

  function show(): Promise<void> {
    watching.value = true;
    return load();
  }

  function hide(): void {
    watching.value = false;
    clearTimeout(timer);
    timer = undefined;
  }

  api.on('batch:finished', () => {
    if (watching.value) void load();
  });
  api.on('batch:image', () => schedule(DURING_BATCH_MS));
  watch(
    () => save.state,
    (state) => {
      if (state === 'saved') schedule(AFTER_SAVE_MS);
    },
  );
  watch(
    () => dataset.root,
    () => {
      stats.value = null;
      error.value = null;
      if (watching.value) void load();
    },
  );

  return {
    stats,
    loading,
    error,
    watching,
    totalImages,
    totalBoxes,
    totalPending,
    load,
    show,
    hide,
  };
});
