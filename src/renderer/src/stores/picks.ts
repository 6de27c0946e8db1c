import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import * as commands from '../editor/commands';
import { EMPTY_DIFF, type Command } from '../editor/types';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';
import { usePromptStore } from './prompt';

/** What marking the picked images negative did. */
export interface MarkedNegative {
  readonly marked: number;
  /** Images left as they were: they hold boxes someone drew or accepted. */
  readonly kept: number;
  /** Images that could not be changed (read-only or unreadable). */
  readonly failed: number;
}

/** Negative only where nothing was confirmed: a person's boxes are never thrown away by a bulk step. */
const markNegativeIfNoBoxes: Command = (doc) =>
  [...doc.boxes.values()].some((b) => b.origin.kind !== 'suggestion')
    ? EMPTY_DIFF
    : commands.markNegative(doc);

/**
 * Images picked in the list (Ctrl+click toggles one, Shift+click takes a range from the current
 * image) for one step on all of them: mark them negative, or run the prompt on them. The current
 * image stays what it was.
 */
export const usePicksStore = defineStore('picks', () => {
  const dataset = useDatasetStore();
  const picked = shallowRef<ReadonlySet<string>>(new Set());
  const busy = ref(false);
  const lastMarked = shallowRef<MarkedNegative | null>(null);

  /** The picked images in list order. */
  const ids = computed(() => dataset.images.filter((im) => picked.value.has(im.id)).map((im) => im.id));

  function toggle(id: string): void {
    const start = picked.value.size || dataset.currentId === null ? picked.value : [dataset.currentId];
    const next = new Set(start);
    if (!next.delete(id)) next.add(id);
    picked.value = next;
    lastMarked.value = null;
  }

  /** From the current image to `id`, in the list as it is filtered. */
  function range(id: string): void {
    const list = dataset.visible;
    const from = list.findIndex((im) => im.id === dataset.currentId);
    const to = list.findIndex((im) => im.id === id);
    if (to < 0) return;
    const [a, b] = from < 0 ? [to, to] : [Math.min(from, to), Math.max(from, to)];
    picked.value = new Set(list.slice(a, b + 1).map((im) => im.id));
    lastMarked.value = null;
  }

  function clear(): void {
    picked.value = new Set();
  }

  /** Each picked image without confirmed boxes becomes a reviewed negative, one undo step on each. */
  async function markNegative(): Promise<MarkedNegative> {
    const editor = useEditorStore();
    busy.value = true;
    let marked = 0;
    let kept = 0;
    let failed = 0;
    for (const id of ids.value) {
      const problem = await editor.runOn(id, markNegativeIfNoBoxes);
      const status = dataset.images[dataset.indexById.get(id) ?? -1]?.status;
      if (problem) failed++;
      else if (status === 'negative') marked++;
      else kept++;
    }
    busy.value = false;
    picked.value = new Set();
    return (lastMarked.value = { marked, kept, failed });
  }

  /** The prompt over the picked images, as a backend batch. */
  async function runPrompt(): Promise<boolean> {
    const list = ids.value;
    if (!list.length) return false;
    const started = await usePromptStore().runBatch(list);
    if (started) picked.value = new Set();
    return started;
  }

  watch(
    () => dataset.datasetId,
    () => {
      picked.value = new Set();
      lastMarked.value = null;
    },
  );

  return { picked, ids, busy, lastMarked, toggle, range, clear, markNegative, runPrompt };
});
