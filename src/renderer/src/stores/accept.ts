import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ImageEntry } from '../../../shared/ipc/contract';
import { useApi } from './api';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';

/**
 * "Accept every suggestion above a score" across the whole dataset, done in the backend as one step
 * that can be undone (until the app restarts): the images it changed are put back as they were.
 */
export const useAcceptStore = defineStore('accept', () => {
  const api = useApi();
  const dataset = useDatasetStore();
  const editor = useEditorStore();

  const busy = ref(false);
  const error = ref<string | null>(null);
  /** The last accept, while it can be undone. */
  const last = shallowRef<{
    readonly token: string;
    readonly accepted: number;
    readonly images: number;
  } | null>(null);
  /** What the last undo did. */
  const undone = shallowRef<{ readonly restored: number; readonly skipped: number } | null>(null);

  function apply(entries: readonly ImageEntry[]): void {
    for (const e of entries) dataset.patchEntry(e.id, { status: e.status, boxes: e.boxes });
    editor.reload(entries.map((e) => e.id));
  }

  /** Accepts pending suggestions scoring at least `minScore` in every image, of `classIds` only when given. */
  async function acceptAbove(minScore: number, classIds?: readonly string[]): Promise<void> {
    busy.value = true;
    error.value = null;
    undone.value = null;
    const reply = await api['suggestions:accept']({ minScore, ...(classIds && { classIds: [...classIds] }) });
    busy.value = false;
    if (!reply.ok) {
      error.value = reply.error.message;
      return;
    }
    const { token, accepted, images, entries } = reply.value;
    last.value = { token, accepted, images };
    apply(entries);
  }

  async function undo(): Promise<void> {
    const step = last.value;
    if (!step) return;
    busy.value = true;
    error.value = null;
    const reply = await api['suggestions:accept-undo']({ token: step.token });
    busy.value = false;
    last.value = null;
    if (!reply.ok) {
      error.value = reply.error.message;
      return;
    }
    undone.value = { restored: reply.value.restored, skipped: reply.value.skipped.length };
    apply(reply.value.entries);
  }

  return { busy, error, last, undone, acceptAbove, undo };
});
