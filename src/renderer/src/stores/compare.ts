import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { MAX_VARIANTS, MIN_VARIANTS, type CompareReport } from '../../../shared/compare';
import type { Thresholds } from '../../../shared/detection';
import { useApi } from './api';
import { useBatchStore } from './batch';
import { useDatasetStore } from './dataset';
import { useModelStore } from './model';
import { usePromptStore } from './prompt';

/** One prompt to compare, with its thresholds; the prompt panel's mode (phrases or expressions) applies to all. */
export interface VariantDraft {
  readonly key: number;
  prompt: string;
  thresholds: Thresholds;
}

export type CompareImages = 'sample' | 'visible';

/**
 * "Compare prompts": 2–4 variants of the prompt run on the same images in the backend, counted per
 * class side by side. Nothing of the project changes until a person picks a variant, which only
 * puts it into the prompt panel.
 */
export const useCompareStore = defineStore('compare', () => {
  const api = useApi();
  const prompt = usePromptStore();
  const dataset = useDatasetStore();

  let nextKey = 0;
  const variants = ref<VariantDraft[]>([]);
  const images = ref<CompareImages>('sample');
  const sampleSize = ref(50);
  const seed = ref('1');
  const running = ref(false);
  const cancelling = ref(false);
  const progress = shallowRef<{ done: number; total: number } | null>(null);
  const report = shallowRef<CompareReport | null>(null);
  const error = ref<string | null>(null);

  const canAdd = computed(() => variants.value.length < MAX_VARIANTS);
  const canRemove = computed(() => variants.value.length > MIN_VARIANTS);
  const canRun = computed(
    () =>
      useModelStore().loaded &&
      !running.value &&
      !useBatchStore().running &&
      variants.value.every((v) => v.prompt.trim()) &&
      (images.value === 'sample' ? sampleSize.value >= 1 : dataset.visible.length > 0),
  );

  const draft = (text: string, thresholds: Thresholds): VariantDraft => ({
    key: nextKey++,
    prompt: text,
    thresholds: { ...thresholds },
  });

  /**
   * The first variant is the prompt as it is now; the others stay as they were edited last time, or
   * start as copies of it to be edited.
   */
  function prepare(): void {
    if (running.value) return;
    const [, ...others] = variants.value;
    const current = draft(prompt.text, prompt.thresholds);
    variants.value = [current, ...(others.length ? others : [draft(prompt.text, prompt.thresholds)])];
  }

  function add(): void {
    if (!canAdd.value) return;
    const last = variants.value.at(-1);
    variants.value.push(draft(last?.prompt ?? prompt.text, last?.thresholds ?? prompt.thresholds));
  }

  function remove(key: number): void {
    if (canRemove.value) variants.value = variants.value.filter((v) => v.key !== key);
  }

  function setThreshold(key: number, name: keyof Thresholds, value: number | null): void {
    const v = variants.value.find((x) => x.key === key);
    if (v) v.thresholds = { ...v.thresholds, [name]: value };
  }

  async function run(): Promise<void> {
    if (!canRun.value) return;
    running.value = true;
    error.value = null;
    report.value = null;
    const ids = images.value === 'visible' ? dataset.visible.map((im) => im.id) : undefined;
    progress.value = { done: 0, total: ids?.length ?? Math.min(sampleSize.value, dataset.images.length) };
    const off = api.on('compare:progress', (p) => (progress.value = p));
    try {
      const reply = await api['compare:run']({
        variants: variants.value.map((v) => ({
          prompt: v.prompt,
          thresholds: { ...v.thresholds },
          perPhrase: prompt.perPhrase,
          ...(prompt.rec && { rec: prompt.rec }),
        })),
        ...(ids ? { ids } : { sample: { size: sampleSize.value, seed: seed.value } }),
      });
      if (reply.ok) report.value = reply.value;
      else error.value = reply.error.message;
    } finally {
      off();
      running.value = false;
      cancelling.value = false;
      progress.value = null;
    }
  }

  async function cancel(): Promise<void> {
    cancelling.value = true;
    await api['compare:cancel']({});
  }

  /** Makes a compared variant the prompt (with its thresholds); the project itself is not touched. */
  function use(index: number): void {
    const v = report.value?.variants[index];
    if (!v) return;
    prompt.setText(v.prompt);
    prompt.thresholds = { ...v.thresholds };
  }

  return {
    variants,
    images,
    sampleSize,
    seed,
    running,
    cancelling,
    progress,
    report,
    error,
    canAdd,
    canRemove,
    canRun,
    prepare,
    add,
    remove,
    setThreshold,
    run,
    cancel,
    use,
  };
});
