import { createPinia, setActivePinia } from 'pinia';
import type { Detection } from '../../../shared/detection';
import { installApi } from '../stores/api';
import { useDatasetStore } from '../stores/dataset';
import { useEditorStore } from '../stores/editor';
import { useModelStore } from '../stores/model';
import { useProjectStore } from '../stores/project';
import { usePromptStore } from '../stores/prompt';
import { detection } from './boxes';
import { createFakeApi, type FakeApiOptions, type FakeApi } from './fake-api';

/** A fresh Pinia on a fresh fake Api, for store tests. */
export function setupStores(options: FakeApiOptions = {}): FakeApi {
  const api = createFakeApi(options);
  installApi(api);
  setActivePinia(createPinia());
  return api;
}

/** Lets pending promise callbacks and timers at 0 ms run. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export const threeImages = [
  { relPath: 'a.jpg', width: 200, height: 100 },
  { relPath: 'b.jpg', width: 200, height: 100 },
  { relPath: 'c.jpg', width: 200, height: 100 },
];

/** What the fake model finds: a cat and a dog on a.jpg, a cat on the others. */
export const catsAndDogs = (relPath: string): Detection[] =>
  relPath === 'a.jpg'
    ? [detection('cat', 0.9, [10, 10, 50, 60]), detection('dog', 0.4, [100, 10, 140, 60])]
    : [detection('cat', 0.8, [10, 10, 50, 60])];

/**
 * Stores with threeImages open, a model loaded and "cat . dog" typed: ready to run the prompt.
 * `early` makes stores that must see the folder open (as the app makes them at start).
 */
export async function readyToPrompt(detect = catsAndDogs, early: () => void = () => {}) {
  const api = setupStores({ images: threeImages, model: { loaded: true, provider: 'cpu' }, detect });
  early();
  await useDatasetStore().open('/data/set');
  await useModelStore().refresh();
  const editor = useEditorStore();
  const prompt = usePromptStore();
  await settle();
  prompt.setText('cat . dog');
  return { api, editor, prompt, dataset: useDatasetStore(), project: useProjectStore() };
}
