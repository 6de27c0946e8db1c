import { onBeforeUnmount, ref, shallowRef, watch } from 'vue';

export type ImageState = 'none' | 'loading' | 'ready' | 'failed';

/** Loads the image behind a URL; a newer URL wins over a slower older one. */
export function useImageLoader(url: () => string | null) {
  const element = shallowRef<HTMLImageElement | null>(null);
  const state = ref<ImageState>('none');
  let current: HTMLImageElement | null = null;

  function load(src: string | null): void {
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
  }

  watch(url, load, { immediate: true });
  onBeforeUnmount(() => {
    if (current) current.onload = current.onerror = null;
  });

  /** Tries a failed image again, e.g. once the pixel limit that refused it was raised. */
  function retry(): void {
    if (state.value === 'failed') load(url());
  }

  return { element, state, retry };
}
