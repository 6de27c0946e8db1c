import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ExportSummary, Request } from '../../../shared/ipc/contract';
import { useApi } from './api';
import { useProjectStore } from './project';

export type ExportFormat = Request<'export:run'>['format'];

/** The export dialog's choices, the summary shown before writing, and the run's progress and result. */
export const useExportStore = defineStore('export', () => {
  const api = useApi();
  const project = useProjectStore();
  const format = ref<ExportFormat>('yolo');
  /** Class ids left out of the export; everything else is in, including classes added later. */
  const excluded = ref<string[]>([]);
  const split = ref(false);
  const valFraction = ref(0.2);
  const seed = ref('groundlabel');
  const summary = shallowRef<ExportSummary | null>(null);
  const previewing = ref(false);
  const running = ref(false);
  const progress = ref<{ done: number; total: number } | null>(null);
  const outDir = ref<string | null>(null);
  const error = ref<string | null>(null);
  let previewTimer: ReturnType<typeof setTimeout> | undefined;

  const classIds = computed(() =>
    project.classes.map((c) => c.id).filter((id) => !excluded.value.includes(id)),
  );
  const request = computed<Request<'export:run'>>(() => ({
    format: format.value,
    classIds: classIds.value,
    valFraction: split.value ? valFraction.value : 0,
    seed: seed.value || 'groundlabel',
  }));

  function toggleClass(id: string, included: boolean): void {
    excluded.value = included
      ? excluded.value.filter((c) => c !== id)
      : [...new Set([...excluded.value, id])];
  }

  async function preview(): Promise<void> {
    const asked = request.value;
    previewing.value = true;
    const reply = await api['export:preview'](asked);
    previewing.value = false;
    if (asked !== request.value) return;
    if (reply.ok) {
      summary.value = reply.value;
      error.value = null;
    } else error.value = reply.error.message;
  }

  /** Previews shortly after the last change of the choices, not on every keystroke. */
  function schedulePreview(): void {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => void preview(), 150);
  }

  async function run(): Promise<boolean> {
    running.value = true;
    error.value = null;
    outDir.value = null;
    progress.value = null;
    const off = api.on('export:progress', (p) => (progress.value = p));
    const reply = await api['export:run'](request.value);
    off();
    running.value = false;
    if (reply.ok) {
      outDir.value = reply.value.outDir;
      summary.value = reply.value.summary;
    } else error.value = reply.error.message;
    return reply.ok;
  }

  return {
    format,
    excluded,
    split,
    valFraction,
    seed,
    summary,
    previewing,
    running,
    progress,
    outDir,
    error,
    classIds,
    toggleClass,
    preview,
    schedulePreview,
    run,
  };
});
