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
  /** Set when GPU providers failed and the model runs on the CPU: always shown, never hidden. */
  const fallback = computed(() =>
    status.value?.provider === 'cpu' || !status.value?.fallbacks ? (status.value?.fallback ?? null) : null,
  );
  /** Each provider `auto` passed over on the way to the one running, with why and what to do. */
  const fallbacks = computed(() => status.value?.fallbacks ?? []);
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

  /** Takes the status a device change answered with. */
  function apply(next: ModelStatus): void {
    status.value = next;
  }

  return { status, opening, error, loaded, fallback, fallbacks, device, maxTokens, refresh, open, apply };
});
