import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { BatchStatus, Request } from '../../../shared/ipc/contract';
import { useApi } from './api';
import { useDatasetStore, type EntryPatch } from './dataset';
import { useEditorStore } from './editor';
import { useProjectStore } from './project';

/**
 * The list, status bar and progress follow a running batch at most this often. Redrawn for every
 * image, a visible page took the cores the model needed and halved the batch's rate.
 */
export const BATCH_UPDATE_MS = 500;

export interface BatchProgress {
  readonly done: number;
  readonly total: number;
  /** Images per second, once the first image is through. */
  readonly rate: number | null;
  readonly etaSeconds: number | null;
}

/**
 * The backend batch: the prompt over many images, its results written straight into the project
 * store. Here: its progress, cancel and resume, and each finished image reflected in the image list
 * (and in the image on screen). The last job's summary comes from batch:status.
 */
export const useBatchStore = defineStore('batch', () => {
  const api = useApi();
  const dataset = useDatasetStore();
  const editor = useEditorStore();

  const status = shallowRef<BatchStatus | null>(null);
  const running = ref(false);
  const cancelling = ref(false);
  const progress = shallowRef<BatchProgress | null>(null);
  const error = ref<string | null>(null);
  /** Set when a batch started from this window has stopped: its summary is worth showing. */
  const finishedHere = ref(false);
  let landing: Promise<void> = Promise.resolve();
  /** What the batch changed since the page last showed it. */
  const pendingEntries = new Map<string, EntryPatch>();
  let pendingProgress: BatchProgress | null = null;
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let flushedAt = -Infinity;

  function flush(): void {
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    flushedAt = performance.now();
    if (pendingEntries.size) dataset.patchEntries(pendingEntries);
    pendingEntries.clear();
    if (pendingProgress) progress.value = pendingProgress;
    pendingProgress = null;
  }

  /** Shows a change at once after a quiet spell; within BATCH_UPDATE_MS of the last, with the next ones. */
  function later(): void {
    const wait = flushedAt + BATCH_UPDATE_MS - performance.now();
    if (wait <= 0) flush();
    else flushTimer ??= setTimeout(flush, Math.max(0, wait));
  }

  const canResume = computed(() => !running.value && !!status.value?.resumable);
  const failures = computed(() => (finishedHere.value ? (status.value?.failures ?? []) : []));
  /** Phrase pairs suppressed across phrases over the finished job. */
  const collisions = computed(() => (finishedHere.value ? (status.value?.collisions ?? []) : []));

  /** Shows the batch as running at once, while the request is still being prepared. */
  function begin(total: number): void {
    running.value = true;
    finishedHere.value = false;
    error.value = null;
    progress.value = { done: 0, total, rate: null, etaSeconds: null };
  }

  function stopped(message: string): void {
    running.value = false;
    progress.value = null;
    error.value = message;
  }

  async function start(request: Request<'batch:start'>): Promise<boolean> {
    if (!running.value) begin(request.ids?.length ?? dataset.images.length);
    const reply = await api['batch:start'](request);
    if (!reply.ok) stopped(reply.error.message);
    return reply.ok;
  }

  async function resume(): Promise<boolean> {
    const last = status.value;
    begin(last?.total ?? 0);
    if (last) progress.value = { done: last.done, total: last.total, rate: null, etaSeconds: null };
    const reply = await api['batch:resume']({});
    if (!reply.ok) stopped(reply.error.message);
    return reply.ok;
  }

  async function cancel(): Promise<void> {
    cancelling.value = true;
    const reply = await api['batch:cancel']({});
    cancelling.value = false;
    if (!reply.ok) error.value = reply.error.message;
  }

  /** The dataset's last job, e.g. a stopped one to resume after a restart. */
  async function refresh(): Promise<void> {
    const reply = await api['batch:status']({});
    if (!reply.ok) return;
    status.value = reply.value;
    if (reply.value?.state === 'running' && !running.value) begin(reply.value.total);
  }

  /** Classes the backend had to create (a phrase's class was deleted meanwhile) come into the project here. */
  async function syncClasses(): Promise<void> {
    const project = useProjectStore();
    const reply = await api['dataset:current']({});
    if (!reply.ok || !reply.value) return;
    const known = new Set(project.classes.map((c) => c.id));
    if (reply.value.meta.classes.some((c) => !known.has(c.id))) project.load(reply.value.meta);
  }

  api.on('batch:progress', (p) => {
    if (!running.value) begin(p.total);
    pendingProgress = {
      done: p.done,
      total: p.total,
      rate: p.rate > 0 ? p.rate : null,
      etaSeconds: p.etaSeconds,
    };
    later();
  });
  api.on('batch:image', (e) => {
    pendingEntries.set(e.id, { status: e.status, boxes: e.boxes, classIds: e.classIds });
    // Shown with the progress that follows each image (or after the interval, should none come).
    flushTimer ??= setTimeout(flush, BATCH_UPDATE_MS);
    if (e.outcome === 'labeled')
      landing = landing.then(() => editor.takeBackendSuggestions(e.id)).catch(() => undefined);
  });
  api.on('batch:finished', (e) => {
    flush();
    void landing.then(async () => {
      await syncClasses();
      status.value = e.status;
      finishedHere.value = true;
      running.value = false;
      progress.value = null;
      error.value = e.error?.message ?? null;
    });
  });

  watch(
    () => dataset.root,
    (root) => {
      status.value = null;
      finishedHere.value = false;
      if (root) void refresh();
    },
  );

  return {
    status,
    running,
    cancelling,
    progress,
    error,
    finishedHere,
    canResume,
    failures,
    collisions,
    begin,
    start,
    resume,
    cancel,
    refresh,
  };
});
