import { describe, expect, it } from 'vitest';
import type { ProviderFailure } from '../../shared/devices';
import { describeDevice, DEVICES, devicesFor, failureLines, isDevice, providerCandidates } from './devices';

describe('providerCandidates', () => {
  it.each([
    ['linux', ['cuda', 'webgpu', 'cpu']],
    ['win32', ['dml', 'webgpu', 'cpu']],
    ['darwin', ['coreml', 'webgpu', 'cpu']],
    ['freebsd', ['cpu']],
    ['aix', ['cpu']],
  ] as const)("tries the platform's GPU, then WebGPU, then the CPU for auto on %s", (platform, expected) => {
    expect(providerCandidates('auto', platform)).toEqual(expected);
  });

  it.each(['cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const)(
    'tries only %s when it is asked for explicitly, on any platform',
    (device) => {
      for (const platform of ['linux', 'win32', 'darwin', 'freebsd'] as const) {
        expect(providerCandidates(device, platform)).toEqual([device]);
      }
    },
  );
});

describe('devicesFor', () => {
  it('offers auto, the CPU and the GPU providers auto tries, on each platform', () => {
    expect(devicesFor('linux')).toEqual(['auto', 'cpu', 'cuda', 'webgpu']);
    expect(devicesFor('win32')).toEqual(['auto', 'cpu', 'dml', 'webgpu']);
    expect(devicesFor('darwin')).toEqual(['auto', 'cpu', 'coreml', 'webgpu']);
    expect(devicesFor('freebsd')).toEqual(['auto', 'cpu']);
  });
});

describe('isDevice', () => {
  it('accepts every listed device and nothing else', () => {
    for (const d of DEVICES) expect(isDevice(d)).toBe(true);
    expect(isDevice('gpu')).toBe(false);
    expect(isDevice('CUDA')).toBe(false);
    expect(isDevice('')).toBe(false);
  });
});

describe('describeDevice', () => {
  it('names the provider that runs, and what was asked for when that differs', () => {
    expect(describeDevice({ requested: 'auto', provider: 'cuda', failures: [] })).toBe('cuda (auto)');
    expect(describeDevice({ requested: 'cpu', provider: 'cpu', failures: [] })).toBe('cpu');
  });
});

describe('failureLines', () => {
  const vulkan: ProviderFailure = {
    provider: 'webgpu',
    kind: 'no-vulkan',
    missing: ['libvulkan.so.1'],
    reason: 'WebGPU was not tried: no Vulkan loader (libvulkan.so.1).',
    advice: 'Install the Vulkan loader.',
  };
  const cuda: ProviderFailure = {
    provider: 'cuda',
    kind: 'failed',
    reason: 'CUDA did not load.',
    advice: 'The details hold its message.',
    detail: 'first line of the library\nsecond line',
  };

  it('says each failure once, with what to do and how to stop the message, and the first line of the library', () => {
    expect(failureLines([vulkan, cuda])).toEqual([
      'note: WebGPU was not tried: no Vulkan loader (libvulkan.so.1). Install the Vulkan loader. Or choose the CPU (--device cpu) to stop this message.',
      'note: CUDA did not load. The details hold its message. Or choose the CPU (--device cpu) to stop this message.',
      '      (ONNX Runtime: first line of the library)',
    ]);
  });

  it('says nothing when nothing was passed over', () => {
    expect(failureLines([])).toEqual([]);
  });
});
