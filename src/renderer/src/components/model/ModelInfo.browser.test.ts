import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { ProviderFailure } from '../../../../shared/devices';
import { mountWith } from '../../testing/mount';
import { useModelStore } from '../../stores/model';
import ModelInfo from './ModelInfo.vue';

let unmount = () => {};
afterEach(() => {
  unmount();
  localStorage.clear();
});

async function mountInfo(model: Parameters<typeof mountWith>[1]['model']) {
  const mounted = await mountWith(ModelInfo, { images: [], model });
  unmount = mounted.unmount;
  await useModelStore().refresh();
  return mounted;
}

const RAW_CUDA = 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library';
const cudaMissing: ProviderFailure = {
  provider: 'cuda',
  kind: 'runtime-missing',
  missing: ['libcudnn.so.9'],
  reason: 'CUDA is installed for GroundLabel, but this machine lacks cuDNN 9 (libcudnn.so.9).',
  advice: 'Install the CUDA 12 runtime and cuDNN 9.',
  detail: RAW_CUDA,
};
const noVulkan: ProviderFailure = {
  provider: 'webgpu',
  kind: 'no-vulkan',
  missing: ['libvulkan.so.1'],
  reason: 'WebGPU was not tried: this machine has no Vulkan loader (libvulkan.so.1).',
  advice: 'Install the Vulkan loader.',
};

describe('model panel', () => {
  it('says in words why each GPU was passed over, keeping the library message in the details', async () => {
    await mountInfo({
      loaded: true,
      name: 'gdino-tiny',
      provider: 'cpu',
      requested: 'auto',
      fallback: `${cudaMissing.reason} ${noVulkan.reason}`,
      fallbacks: [cudaMissing, noVulkan],
    });
    const box = page.getByRole('status').filter({ hasText: 'passed over' });
    await expect.element(box).toHaveTextContent(/Running on CPU\. The automatic order passed over:/);
    await expect
      .element(box)
      .toHaveTextContent(/CUDA \(NVIDIA\) is installed, but these libraries are missing: libcudnn\.so\.9\./);
    await expect
      .element(box)
      .toHaveTextContent(/WebGPU needs Vulkan \(libvulkan\.so\.1\), which this machine does not have\./);
    await expect.element(box).toHaveTextContent(/choose a device under Device/);
    // The library's own words are there, but only inside the closed details line.
    const raw = page.getByText(RAW_CUDA, { exact: false });
    await expect.element(raw).not.toBeVisible();
    await box.getByText('Details').first().click();
    await expect.element(raw).toBeVisible();
  });

  it('shows the account of GPUs passed over once: after "Got it" it stays folded away, until another device fails', async () => {
    const status = {
      loaded: true,
      name: 'gdino-tiny',
      provider: 'cpu' as const,
      requested: 'auto' as const,
      fallback: cudaMissing.reason,
      fallbacks: [cudaMissing],
    };
    await mountInfo(status);
    const box = page.getByRole('status').filter({ hasText: 'passed over' });
    await expect.element(box).toBeInTheDocument();
    await box.getByRole('button', { name: 'Got it' }).click();
    await expect.element(box).not.toBeInTheDocument();
    await expect.element(page.getByText(/the CPU stands in/)).toBeInTheDocument();
    unmount();
    await mountInfo(status);
    await expect.element(page.getByText(/the CPU stands in/)).toBeInTheDocument();
    expect(document.querySelector('.passed-over')).toBeNull();
    unmount();
    await mountInfo({ ...status, fallbacks: [cudaMissing, noVulkan] });
    await expect.element(page.getByRole('status').filter({ hasText: 'passed over' })).toBeInTheDocument();
  });

  it('says so when the model thread could not be used', async () => {
    await mountInfo({
      loaded: true,
      name: 'gdino-tiny',
      provider: 'cpu',
      threadFallback: 'worker threads are unavailable',
    });
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(/main thread.*worker threads are unavailable/);
  });

  it('shows no warning when the model runs where it should', async () => {
    await mountInfo({ loaded: true, name: 'gdino-tiny', provider: 'cuda', requested: 'auto', fallbacks: [] });
    await expect.element(page.getByText(/gdino-tiny/)).toBeVisible();
    await expect.element(page.getByText('Device: CUDA (NVIDIA)')).toBeVisible();
    expect(page.getByRole('alert').elements()).toHaveLength(0);
    expect(page.getByText(/passed over/).elements()).toHaveLength(0);
  });
});
