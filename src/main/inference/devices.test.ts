import { describe, expect, it } from 'vitest';
import { describeDevice, DEVICES, isDevice, providerCandidates } from './devices';

describe('providerCandidates', () => {
  it.each([
    ['linux', ['cuda', 'cpu']],
    ['win32', ['dml', 'cpu']],
    ['darwin', ['coreml', 'cpu']],
    ['freebsd', ['cpu']],
    ['aix', ['cpu']],
  ] as const)('tries the platform GPU then the CPU for auto on %s', (platform, expected) => {
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

describe('isDevice', () => {
  it('accepts every listed device and nothing else', () => {
    for (const d of DEVICES) expect(isDevice(d)).toBe(true);
    expect(isDevice('gpu')).toBe(false);
    expect(isDevice('CUDA')).toBe(false);
    expect(isDevice('')).toBe(false);
  });
});

describe('describeDevice', () => {
  it('names the provider that runs', () => {
    expect(describeDevice({ requested: 'auto', provider: 'cuda' })).toBe('cuda');
    expect(describeDevice({ requested: 'cpu', provider: 'cpu' })).toBe('cpu');
  });

  it('says which providers failed and why when auto fell back to the CPU', () => {
    const text = describeDevice({
      requested: 'auto',
      provider: 'cpu',
      fallback: 'cuda: libcudart.so.12: cannot open shared object file',
    });
    expect(text).toBe('cpu (fell back from cuda: libcudart.so.12: cannot open shared object file)');
  });
});
