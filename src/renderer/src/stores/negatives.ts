import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { ImageEntry } from '../../../shared/ipc/contract';
import { useApi } from './api';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';

/**
 * "Mark every image where the model found nothing as negative", done in the backend across the
 * whole dataset as one step that can be undone (until the app restarts): only images a model run
 * left empty and no one has touched since change; they then go into exports as negatives.
 */
export const useNegativesStore = defineStore('negatives', () => {
  const api = useApi();
  const dataset = useDatasetStore();
  const editor = useEditorStore();

  const busy = ref(false);
  const error = ref<string | null>(null);
  /** The last marking, while it can be undone. */
  const last = shallowRef<{ readonly token: string; readonly images: number } | null>(null);
  /** What the last undo did. */
  const undone = shallowRef<{ readonly restored: number; readonly skipped: number } | null>(null);

  function apply(entries: readonly ImageEntry[]): void {
    for (const e of entries) dataset.patchEntry(e.id, { status: e.status, boxes: e.boxes });
    editor.reload(entries.map((e) => e.id));
  }

  async function markAll(): Promise<void> {
    busy.value = true;
    error.value = null;
    undone.value = null;
    const reply = await api['nothing-found:mark-negative']({});
    busy.value = false;
    if (!reply.ok) {
      error.value = reply.error.message;
      return;
    }
    last.value = { token: reply.value.token, images: reply.value.images };
    apply(reply.value.entries);
  }

  async function undo(): Promise<void> {
    const step = last.value;
    if (!step) return;
    busy.value = true;
    error.value = null;
    const reply = await api['nothing-found:mark-negative-undo']({ token: step.token });
    busy.value = false;
    last.value = null;
    if (!reply.ok) {
      error.value = reply.error.message;
      return;
    }
    undone.value = { restored: reply.value.restored, skipped: reply.value.skipped.length };
    apply(reply.value.entries);
  }

  // In another folder, the last step belongs to the one before.
  watch(
    () => dataset.root,
    () => {
      last.value = null;
      undone.value = null;
      error.value = null;
    },
  );

  return { busy, error, last, undone, markAll, undo };
});
