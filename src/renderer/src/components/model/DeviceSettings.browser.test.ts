import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { DeviceList, DeviceTestResult } from '../../../../shared/devices';
import { mountWith, until } from '../../testing/mount';
import { useModelStore } from '../../stores/model';
import DeviceSettings from './DeviceSettings.vue';

let unmount = () => {};
afterEach(() => unmount());

const LINUX_NO_GPU: DeviceList = {
  chosen: 'auto',
  settingsFile: '/home/ann/.config/groundlabel/settings.json',
  options: [
    { device: 'auto', available: true, order: ['cuda', 'webgpu', 'cpu'] },
    { device: 'cpu', available: true },
    {
      device: 'cuda',
      available: false,
      failure: {
        provider: 'cuda',
        kind: 'not-installed',
        reason: 'CUDA was not tried: its provider is not installed.',
        advice: 'Install it with `npm run install:cuda`.',
      },
    },
    {
      device: 'webgpu',
      available: false,
      failure: {
        provider: 'webgpu',
        kind: 'no-vulkan',
        missing: ['libvulkan.so.1'],
        reason: 'WebGPU was not tried: no Vulkan loader (libvulkan.so.1).',
        advice: 'Install the Vulkan loader.',
      },
    },
  ],
};

const cpuRan: DeviceTestResult = {
  ok: true,
  device: 'cpu',
  report: { requested: 'cpu', provider: 'cpu', failures: [] },
  loadMs: 812.4,
  firstRunMs: 2710.2,
  runMs: 2498.6,
  image: 'a.jpg',
};

async function mountSettings(options: Parameters<typeof mountWith>[1]) {
  // The width of the sidebar the panel sits in.
  const mounted = await mountWith(DeviceSettings, options, { width: 360, height: 800 });
  unmount = mounted.unmount;
  await useModelStore().refresh();
  await page.getByText('Device: Automatic').click();
  return mounted;
}

const images = [{ relPath: 'a.jpg', width: 640, height: 480 }];
const loadedModel = { loaded: true, name: 'gdino', provider: 'cpu', requested: 'auto' as const };

describe('device setting', () => {
  it('lists the devices, says why the unavailable ones cannot be used, and where the choice is kept', async () => {
    await mountSettings({ images, model: loadedModel, devices: LINUX_NO_GPU });
    await expect.element(page.getByRole('radio', { name: 'Automatic' })).toBeChecked();
    await expect.element(page.getByText('tries CUDA (NVIDIA) → WebGPU → CPU')).toBeVisible();
    await expect.element(page.getByRole('radio', { name: 'CUDA (NVIDIA)' })).toBeDisabled();
    await expect
      .element(page.getByText(/CUDA \(NVIDIA\) is not installed: run npm run install:cuda/))
      .toBeVisible();
    await expect.element(page.getByText(/WebGPU needs Vulkan \(libvulkan\.so\.1\)/)).toBeVisible();
    await expect
      .element(page.getByRole('button', { name: 'Test WebGPU: load the model there and time one image' }))
      .toBeDisabled();
    await expect
      .element(page.getByText('Remembered in /home/ann/.config/groundlabel/settings.json'))
      .toBeVisible();
  });

  it('tests a device on the current image and shows its time per image', async () => {
    const { api } = await mountSettings({
      images,
      model: loadedModel,
      devices: LINUX_NO_GPU,
      deviceTests: { cpu: cpuRan },
    });
    await page.getByRole('button', { name: 'Test CPU: load the model there and time one image' }).click();
    await expect
      .element(page.getByRole('status'))
      .toHaveTextContent('2,499 ms per image (first run 2,710 ms, loading 812 ms), on a.jpg');
    expect(api.callsOf('device:test')).toEqual([{ device: 'cpu', imageId: 'img-0' }]);
  });

  it('shows why a device could not run the model', async () => {
    const failed: DeviceTestResult = {
      ok: false,
      device: 'auto',
      message: 'The model loaded on auto but did not run: out of memory',
    };
    await mountSettings({ images, model: loadedModel, devices: LINUX_NO_GPU, deviceTests: { auto: failed } });
    await page
      .getByRole('button', { name: 'Test Automatic: load the model there and time one image' })
      .click();
    await expect.element(page.getByRole('status')).toHaveTextContent('did not run: out of memory');
  });

  it('asks for a model before a test', async () => {
    await mountSettings({ images, devices: LINUX_NO_GPU });
    await expect.element(page.getByText('Load a model to test a device.')).toBeVisible();
    await expect
      .element(page.getByRole('button', { name: 'Test CPU: load the model there and time one image' }))
      .toBeDisabled();
  });

  it('remembers a device chosen and shows the model on it', async () => {
    const { api } = await mountSettings({ images, model: loadedModel, devices: LINUX_NO_GPU });
    await page.getByRole('radio', { name: 'CPU' }).click();
    await until(() => api.callsOf('device:choose').length === 1);
    expect(api.callsOf('device:choose')).toEqual([{ device: 'cpu' }]);
    await expect.element(page.getByText('Device: CPU')).toBeVisible();
    expect(useModelStore().status?.requested).toBe('cpu');
  });

  it('keeps the device it had, and says why, when the choice is refused', async () => {
    const { api } = await mountSettings({ images, model: loadedModel, devices: LINUX_NO_GPU });
    api.failNext('device:choose', { code: 'device-unavailable', message: 'Device "cpu": it did not load.' });
    await page.getByRole('radio', { name: 'CPU' }).click();
    await expect.element(page.getByRole('alert')).toHaveTextContent('Device "cpu": it did not load.');
    await expect.element(page.getByText('Device: Automatic')).toBeVisible();
  });
});
