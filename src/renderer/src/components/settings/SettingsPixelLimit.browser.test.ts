import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { mountWith } from '../../testing/mount';
import SettingsPixelLimit from './SettingsPixelLimit.vue';

let unmount = () => {};
afterEach(() => unmount());

describe('largest image setting', () => {
  it('shows the pixel limit and raises it in the backend', async () => {
    const mounted = await mountWith(SettingsPixelLimit, { images: [] });
    unmount = mounted.unmount;
    await page.getByText('Largest image: 100 MP').click();
    const field = page.getByRole('spinbutton', { name: /Largest image/ });
    await expect.element(field).toHaveValue(100);
    await userEvent.fill(field, '250');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.element(page.getByText('Largest image: 250 MP')).toBeInTheDocument();
    expect(mounted.api.callsOf('settings:pixel-limit').at(-1)).toEqual({ maxPixels: 250_000_000 });
    expect(mounted.api.maxPixels).toBe(250_000_000);
  });

  it('refuses a number out of range without asking the backend', async () => {
    const mounted = await mountWith(SettingsPixelLimit, { images: [] });
    unmount = mounted.unmount;
    await page.getByText('Largest image: 100 MP').click();
    await userEvent.fill(page.getByRole('spinbutton', { name: /Largest image/ }), '0.5');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Give a number of megapixels from 1 to 2000.');
    expect(mounted.api.callsOf('settings:pixel-limit')).toEqual([{}]);
  });
});
