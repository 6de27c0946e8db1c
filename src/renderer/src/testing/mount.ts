import type { Component } from 'vue';
import type { TestHookView } from '../canvas/test-hook';
import { useDatasetStore } from '../stores/dataset';
import type { FakeApiOptions } from './fake-api';
import { mountBare } from './mount-bare';

/** Browser tests: a plain image as a data: URL, so no server is needed. */
export function solidImage(width: number, height: number, color = '#000000'): string {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, width, height);
  }
  return canvas.toDataURL('image/png');
}

export async function until<T>(read: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const start = performance.now();
  for (;;) {
    const v = read();
    if (v) return v;
    if (performance.now() - start > timeoutMs) throw new Error('Timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const hook = (): TestHookView => {
  const h = window.__groundlabel;
  if (!h) throw new Error('window.__groundlabel is not installed');
  return h;
};

/** Mounts a component with Pinia, i18n and a fake Api in a box of the given size, and opens the fake folder. */
export async function mountWith(
  component: Component,
  options: FakeApiOptions,
  size = { width: 800, height: 600 },
) {
  const mounted = mountBare(component, options, () => {}, size);
  await useDatasetStore().open(options.root ?? '/data/set');
  return mounted;
}
