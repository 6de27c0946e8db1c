import { ref, shallowRef, watch } from 'vue';
import type { DatasetStepUndone, ImageEntry, Result } from '../../../shared/ipc/contract';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';

/** What a step across the dataset replies: the token that undoes it and the images it changed. */
interface StepDone {
  readonly token: string;
  readonly entries: readonly ImageEntry[];
}

/**
 * A change the backend makes across the whole dataset as one step that can be undone until the app
 * restarts (accept above a score, mark "nothing found" negative): its progress, error, the last step
 * while it can be undone, and what the undo did. The images it changed show their new state in the
 * list and are read again by the editor. A step of another folder is forgotten when one opens.
 */
export function useDatasetStep<Done extends StepDone, Last extends { readonly token: string }>(
  keep: (done: Done) => Last,
  sendUndo: (token: string) => Promise<Result<DatasetStepUndone>>,
) {
  const dataset = useDatasetStore();
  const editor = useEditorStore();

  const busy = ref(false);
  const error = ref<string | null>(null);
  /** The last step, while it can be undone. */
  const last = shallowRef<Last | null>(null);
  /** What the last undo did. */
  const undone = shallowRef<{ readonly restored: number; readonly skipped: number } | null>(null);

  function apply(entries: readonly ImageEntry[]): void {
    for (const e of entries)
      dataset.patchEntry(e.id, { status: e.status, boxes: e.boxes, classIds: e.classIds });
    editor.reload(entries.map((e) => e.id));
  }

  async function run(send: () => Promise<Result<Done>>): Promise<void> {
    busy.value = true;
    error.value = null;
    undone.value = null;
    const reply = await send();
    busy.value = false;
    if (!reply.ok) {
      error.value = reply.error.message;
      return;
    }
    last.value = keep(reply.value);
    apply(reply.value.entries);
  }

  async function undo(): Promise<void> {
    const step = last.value;
    if (!step) return;
    busy.value = true;
    error.value = null;
    const reply = await sendUndo(step.token);
    busy.value = false;
    last.value = null;
    if (!reply.ok) {
      error.value = reply.error.message;
      return;
    }
    undone.value = { restored: reply.value.restored, skipped: reply.value.skipped.length };
    apply(reply.value.entries);
  }

  watch(
    () => dataset.datasetId,
    () => {
      last.value = null;
      undone.value = null;
      error.value = null;
    },
  );

  return { busy, error, last, undone, run, undo };
}
