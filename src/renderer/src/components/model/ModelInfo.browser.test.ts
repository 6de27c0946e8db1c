import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { mountWith } from '../../testing/mount';
import { useModelStore } from '../../stores/model';
import ModelInfo from './ModelInfo.vue';

let unmount = () => {};
afterEach(() => unmount());

async function mountInfo(model: Parameters<typeof mountWith>[1]['model']) {
  const mounted = await mountWith(ModelInfo, { images: [], model });
  unmount = mounted.unmount;
  await useModelStore().refresh();
  return mounted;
}

describe('model panel', () => {
  it('says so when the GPU or the model thread could not be used', async () => {
    await mountInfo({
      loaded: true,
      name: 'gdino-tiny',
      provider: 'cpu',
      fallback: 'libcudart.so.12 not found',
      threadFallback: 'worker threads are unavailable',
    });
    const alerts = page.getByRole('alert');
    await expect.element(alerts.first()).toHaveTextContent(/CPU .*libcudart\.so\.12 not found/);
    await expect.element(alerts.nth(1)).toHaveTextContent(/main thread.*worker threads are unavailable/);
  });

  it('shows no warning when the model runs where it should', async () => {
    await mountInfo({ loaded: true, name: 'gdino-tiny', provider: 'cuda' });
    await expect.element(page.getByText(/gdino-tiny/)).toBeVisible();
    expect(page.getByRole('alert').elements()).toHaveLength(0);
  });
});
