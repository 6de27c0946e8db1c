import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ImportApplied, ImportMode, ImportPreview, Request } from '../../../shared/ipc/contract';
import { useApi } from './api';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';
import { useProjectStore } from './project';
import { useSaveStore } from './save';

export type ImportFormat = Request<'import:preview'>['format'];

/**
 * Importing labels into the open dataset: the counts are shown first (import:preview), then
 * import:apply with what to do about images that already have annotations. Import is only offered
 * for the file and format that were previewed.
 */
export const useImportStore = defineStore('import', () => {
  const api = useApi();
  const dataset = useDatasetStore();
  const editor = useEditorStore();
  const project = useProjectStore();

  const format = ref<ImportFormat>('yolo');
  const path = ref('');
  const mode = ref<ImportMode>('merge');
  const preview = shallowRef<ImportPreview | null>(null);
  /** The format and path the preview was made for. */
  const previewed = ref<string | null>(null);
  const previewing = ref(false);
  const applying = ref(false);
  const applied = shallowRef<ImportApplied | null>(null);
  const error = ref<string | null>(null);
  /** Set by `prefill`: the dialog previews the given labels as soon as it opens. */
  const previewOnOpen = ref(false);

  const key = computed(() => `${format.value}\n${path.value.trim()}`);
  const stale = computed(() => preview.value !== null && previewed.value !== key.value);
  /** Merge, replace or skip only matters when some matched image already has annotations. */
  const asksMode = computed(() => !!preview.value && preview.value.annotated > 0);
  const canApply = computed(
    () =>
      !!preview.value && !stale.value && preview.value.matched > 0 && !applying.value && !previewing.value,
  );

  /** Clears the last preview and result, for a dialog opened afresh; the choices stay. */
  function reset(): void {
    preview.value = null;
    previewed.value = null;
    applied.value = null;
    error.value = null;
  }

  /** Fills in labels found in the folder, for the dialog about to open. */
  function prefill(f: ImportFormat, p: string): void {
    format.value = f;
    path.value = p;
    previewOnOpen.value = true;
  }

  /** The dialog opened: a fresh start, and the preview of prefilled labels. */
  async function opened(): Promise<void> {
    reset();
    if (!previewOnOpen.value) return;
    previewOnOpen.value = false;
    await runPreview();
  }

  async function runPreview(): Promise<boolean> {
    const asked = key.value;
    previewing.value = true;
    error.value = null;
    applied.value = null;
    const reply = await api['import:preview']({ format: format.value, path: path.value.trim() });
    previewing.value = false;
    if (!reply.ok) {
      preview.value = null;
      previewed.value = null;
      error.value = reply.error.message;
      return false;
    }
    preview.value = reply.value;
    previewed.value = asked;
    return true;
  }

  /** Imports what was previewed; the image list, the classes and the image on screen follow. */
  async function apply(): Promise<boolean> {
    if (!canApply.value) return false;
    applying.value = true;
    error.value = null;
    // An edit a moment ago must be in the backend before it decides which images are annotated.
    await useSaveStore().settled();
    const reply = await api['import:apply']({
      format: format.value,
      path: path.value.trim(),
      mode: mode.value,
    });
    applying.value = false;
    if (!reply.ok) {
      error.value = reply.error.message;
      return false;
    }
    const result = reply.value;
    project.load(result.meta);
    for (const e of result.entries)
      dataset.patchEntry(e.id, { status: e.status, boxes: e.boxes, classIds: e.classIds });
    editor.reload(result.entries.map((e) => e.id));
    applied.value = result;
    // What was previewed is no longer what an import would do.
    preview.value = null;
    previewed.value = null;
    return true;
  }

  return {
    format,
    path,
    mode,
    preview,
    previewing,
    applying,
    applied,
    error,
    stale,
    asksMode,
    canApply,
    reset,
    prefill,
    opened,
    runPreview,
    apply,
  };
});
