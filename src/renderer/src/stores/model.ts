import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ModelStatus } from '../../../shared/ipc/contract';
import { useApi } from './api';

/** Which model is loaded and on what device; without one, the UI explains where model files go. */
export const useModelStore = defineStore('model', () => {
  const api = useApi();
  const status = shallowRef<ModelStatus | null>(null);
  const opening = ref(false);
  const error = ref<string | null>(null);

  const loaded = computed(() => !!status.value?.loaded);
  /** Set when a GPU provider failed and the model runs on the CPU: always shown, never hidden. */
  const fallback = computed(() => status.value?.fallback ?? null);
  const device = computed(() => status.value?.provider ?? null);
  const maxTokens = computed(() => status.value?.maxTokens ?? 256);

  async function refresh(): Promise<void> {
    const reply = await api['model:status']({});
    if (reply.ok) status.value = reply.value;
    else error.value = reply.error.message;
  }

  async function open(path: string): Promise<boolean> {
    opening.value = true;
    error.value = null;
    const reply = await api['model:open']({ path });
    opening.value = false;
    if (reply.ok) status.value = reply.value;
    else error.value = reply.error.message;
    return reply.ok;
  }

  return { status, opening, error, loaded, fallback, device, maxTokens, refresh, open };
});
