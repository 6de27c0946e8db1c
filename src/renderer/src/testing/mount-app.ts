import { onTestFinished } from 'vitest';
import App from '../App.vue';
import type { FakeApiOptions } from './fake-api';
import { mountWith, solidImage, until } from './mount';

/**
 * The whole app at 1400×900 on a fake folder whose images are a plain 320×240 picture, once the
 * first image is on the canvas. It is unmounted when the test finishes.
 */
export async function mountApp(options: FakeApiOptions) {
  const mounted = await mountWith(
    App,
    { imageUrl: () => solidImage(320, 240, '#406080'), ...options },
    { width: 1400, height: 900 },
  );
  onTestFinished(mounted.unmount);
  await until(() => window.__groundlabel?.imageReady);
  return mounted;
}
