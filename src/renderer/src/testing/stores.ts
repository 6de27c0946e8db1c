import { createPinia, setActivePinia } from 'pinia';
import { installApi } from '../stores/api';
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
