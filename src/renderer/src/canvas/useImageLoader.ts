import { onBeforeUnmount, ref, shallowRef, watch } from 'vue';

export type ImageState = 'none' | 'loading' | 'ready' | 'failed';

/** Loads the image behind a URL; a newer URL wins over a slower older one. */
export function useImageLoader(url: () => string | null) {
  const element = shallowRef<HTMLImageElement | null>(null);
  const state = ref<ImageState>('none');
  let current: HTMLImageElement | null = null;

  watch(
    url,
    (src) => {
      if (current) current.onload = current.onerror = null;
      element.value = null;
      current = null;
      state.value = src ? 'loading' : 'none';
      if (!src) return;
      const img = new Image();
      current = img;
      img.decoding = 'async';
      img.onload = () => {
        state.value = 'ready';
        element.value = img;
      };
      img.onerror = () => (state.value = 'failed');
      img.src = src;
    },
    { immediate: true },
  );
  onBeforeUnmount(() => {
    if (current) current.onload = current.onerror = null;
  });

  return { element, state };
}
