import { describe, expect, it } from 'vitest';
import { fakeProbe } from './__test__/fake-machine';
import { dlopenProbe, missingCudaRuntime } from './system-probe';

describe.skipIf(process.platform !== 'linux')('dlopenProbe', () => {
  it("finds a library the system's loader has, and not one it lacks", () => {
    expect(dlopenProbe('libc.so.6')).toEqual({ state: 'found' });
    expect(dlopenProbe('libgroundlabel-no-such-library.so.1')).toEqual({ state: 'missing' });
  });
});

describe('missingCudaRuntime', () => {
  it('names each CUDA 12 and cuDNN 9 library missing, with another version found in its place', () => {
    const probe = fakeProbe({
      libraries: [
        'libcuda.so.1',
        'libcudart.so.11.0',
        'libcublas.so.12',
        'libcublasLt.so.12',
        'libcufft.so.11',
        'libcudnn.so.8',
      ],
    });
    expect(missingCudaRuntime(probe)).toEqual([
      { name: 'libcudart.so.12', what: 'the CUDA 12 runtime', found: 'libcudart.so.11.0' },
      { name: 'libcudnn.so.9', what: 'cuDNN 9', found: 'libcudnn.so.8' },
    ]);
  });
});
