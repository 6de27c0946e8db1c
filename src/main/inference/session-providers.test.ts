import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModels } from '../../../test/fixtures/model-folders';
import { caught, tempDirs } from './__test__/helpers';
import { failureLines } from './devices';
import { CUDA_LIBS, deps, GPU_LINUX, ORT_SAYS } from './providers/__test__/fake-machine';
import { VULKAN_LOADER } from './providers/system-probe';
import { openSession, ortAttempt, type ProviderAttempt } from './session';
import { ProviderRuledOut, unusableInstall } from './providers/failures';

const tempDir = tempDirs('session-providers');
let model: string;

beforeAll(async () => {
  const models = await writeFixtureModels(await tempDir());
  model = path.join(models.flavourB, 'model.onnx');
});

describe('auto on Linux: CUDA, then WebGPU, then the CPU', () => {
  it('runs on CUDA when its provider is installed and loads', async () => {
    const { deps: d, tried } = deps(GPU_LINUX, { cuda: 'loads' });
    const session = await openSession(model, 'auto', {}, d);
    expect(session.device).toEqual({ requested: 'auto', provider: 'cuda', failures: [] });
    expect(tried).toEqual(['cuda']);
    await session.release();
  });

  it('goes on to WebGPU when the CUDA provider fails to load, and says why once', async () => {
    const { deps: d, tried } = deps(GPU_LINUX, { cuda: { fails: ORT_SAYS.cublasMissing }, webgpu: 'loads' });
    const session = await openSession(model, 'auto', {}, d);
    expect(tried).toEqual(['cuda', 'webgpu']);
    expect(session.device.provider).toBe('webgpu');
    expect(session.device.failures).toHaveLength(1);
    const [cuda] = session.device.failures;
    expect(cuda).toMatchObject({ provider: 'cuda', kind: 'runtime-missing', missing: ['libcublasLt.so.12'] });
    expect(cuda.reason).toContain('libcublasLt.so.12');
    // The library's own words are kept for the details line, not in the sentence a person reads.
    expect(cuda.detail).toBe(ORT_SAYS.cublasMissing);
    expect(cuda.reason).not.toContain('onnxruntime_src');
    await session.release();
  });

  it('does not try CUDA when cuDNN 9 is missing, and names it and the version found instead', async () => {
    const libraries = [...CUDA_LIBS.filter((l) => l !== 'libcudnn.so.9'), 'libcudnn.so.8', VULKAN_LOADER];
    const { deps: d, tried } = deps({ cuda: 'installed', libraries }, { webgpu: 'loads' });
    const session = await openSession(model, 'auto', {}, d);
    expect(tried).toEqual(['webgpu']);
    const [cuda] = session.device.failures;
    expect(cuda).toMatchObject({ kind: 'runtime-missing', missing: ['libcudnn.so.9'] });
    expect(cuda.reason).toMatch(
      /cuDNN 9 \(libcudnn\.so\.9; libcudnn\.so\.8 is installed, which is another version\)/,
    );
    expect(cuda.advice).toMatch(/cuDNN 9/);
    await session.release();
  });

  it('falls to the CPU without trying WebGPU when there is no Vulkan loader, and says so', async () => {
    const { deps: d, tried } = deps({ cuda: 'absent', libraries: [] }, {});
    const session = await openSession(model, 'auto', {}, d);
    expect(tried).toEqual(['cpu']);
    expect(session.device.provider).toBe('cpu');
    expect(session.device.failures).toEqual([
      expect.objectContaining({ provider: 'webgpu', kind: 'no-vulkan', missing: [VULKAN_LOADER] }),
    ]);
    expect(session.device.failures[0].reason).toMatch(/Vulkan loader \(libvulkan\.so\.1\)/);
    await session.release();
  });

  it('says that WebGPU found no GPU when Vulkan is there but offers no adapter', async () => {
    const { deps: d, tried } = deps(
      { libraries: [VULKAN_LOADER] },
      { webgpu: { fails: ORT_SAYS.noAdapter } },
    );
    const session = await openSession(model, 'auto', {}, d);
    expect(tried).toEqual(['webgpu', 'cpu']);
    expect(session.device.failures).toEqual([
      expect.objectContaining({ provider: 'webgpu', kind: 'no-adapter', detail: ORT_SAYS.noAdapter.trim() }),
    ]);
    await session.release();
  });

  it('keeps quiet about CUDA not being installed on a machine without an NVIDIA driver', async () => {
    const { deps: d } = deps({ libraries: [VULKAN_LOADER] }, { webgpu: 'loads' });
    const session = await openSession(model, 'auto', {}, d);
    expect(session.device).toEqual({ requested: 'auto', provider: 'webgpu', failures: [] });
    await session.release();
  });

  it('tells a machine with an NVIDIA driver to install the CUDA provider, without trying it', async () => {
    const { deps: d, tried } = deps({ libraries: ['libcuda.so.1', VULKAN_LOADER] }, { webgpu: 'loads' });
    const session = await openSession(model, 'auto', {}, d);
    expect(tried).toEqual(['webgpu']);
    expect(session.device.failures).toEqual([
      expect.objectContaining({ provider: 'cuda', kind: 'not-installed' }),
    ]);
    expect(session.device.failures[0].advice).toContain('npm run install:cuda');
    await session.release();
  });

  it('names an incomplete CUDA install and says to run the installer again', async () => {
    const { deps: d, tried } = deps({ cuda: 'broken', libraries: [VULKAN_LOADER] }, { webgpu: 'loads' });
    const session = await openSession(model, 'auto', {}, d);
    expect(tried).toEqual(['webgpu']);
    expect(session.device.failures[0]).toMatchObject({ kind: 'broken-install' });
    expect(session.device.failures[0].detail).toContain('groundlabel-provider.json');
    await session.release();
  });

  it("takes a provider's reason as it is when the attempt gives it in words", async () => {
    const { probe } = deps(GPU_LINUX, {});
    const failure = unusableInstall(
      'the ONNX Runtime in /p/node_modules/onnxruntime-node did not load: bad ELF',
    );
    const attempt: ProviderAttempt = async (file, provider, options) => {
      if (provider === 'cuda') throw new ProviderRuledOut(failure);
      return ortAttempt(file, 'cpu', options);
    };
    const session = await openSession(model, 'auto', {}, { attempt, probe });
    expect(session.device.failures[0]).toEqual(failure);
    expect(failure.advice).toContain('npm run install:cuda');
    await session.release();
  });

  it('says each provider it passed over once, in the order tried', async () => {
    const { deps: d } = deps(
      { cuda: 'installed', libraries: [...CUDA_LIBS, VULKAN_LOADER] },
      { cuda: { fails: ORT_SAYS.cudaProviderMissing }, webgpu: { fails: ORT_SAYS.noAdapter } },
    );
    const session = await openSession(model, 'auto', {}, d);
    expect(session.device.failures.map((f) => f.provider)).toEqual(['cuda', 'webgpu']);
    const lines = failureLines(session.device.failures);
    // One sentence per provider, plus one line of the library's own words under each.
    expect(lines.filter((l) => l.startsWith('note: '))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('Failed to load shared library'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('No supported adapters'))).toHaveLength(1);
    expect(lines[0]).toMatch(/--device cpu/);
    await session.release();
  });
});

describe('auto on Windows and macOS', () => {
  it.each([
    ['win32', 'dml', ORT_SAYS.noDml],
    ['darwin', 'coreml', ORT_SAYS.noCoreml],
  ] as const)('tries the platform GPU, then WebGPU, then the CPU on %s', async (platform, gpu, says) => {
    const { deps: d, tried } = deps(
      { platform },
      { [gpu]: { fails: says }, webgpu: { fails: ORT_SAYS.noAdapter } },
    );
    const session = await openSession(model, 'auto', {}, d);
    expect(tried).toEqual([gpu, 'webgpu', 'cpu']);
    expect(session.device.failures.map((f) => [f.provider, f.kind])).toEqual([
      [gpu, 'not-built'],
      ['webgpu', 'no-adapter'],
    ]);
    await session.release();
  });
});

describe('a device asked for by name', () => {
  it('fails with device-unavailable, naming the device and the reason, and never falls back', async () => {
    const { deps: d, tried } = deps(GPU_LINUX, { webgpu: { fails: ORT_SAYS.noAdapter } });
    const e = await caught(() => openSession(model, 'webgpu', {}, d), 'device-unavailable');
    expect(tried).toEqual(['webgpu']);
    expect(e.message).toMatch(/^Device "webgpu": WebGPU found no GPU through Vulkan/);
    expect(e.message).toContain('No supported adapters');
  });

  it('refuses CUDA when its provider is not installed, saying how to install it, without trying', async () => {
    const { deps: d, tried } = deps({ libraries: ['libcuda.so.1'] }, {});
    const e = await caught(() => openSession(model, 'cuda', {}, d), 'device-unavailable');
    expect(tried).toEqual([]);
    expect(e.message).toContain('npm run install:cuda');
  });

  it('runs on the CPU when asked, trying nothing else', async () => {
    const { deps: d, tried } = deps(GPU_LINUX, { cuda: 'loads' });
    const session = await openSession(model, 'cpu', {}, d);
    expect(tried).toEqual(['cpu']);
    expect(session.device).toEqual({ requested: 'cpu', provider: 'cpu', failures: [] });
    await session.release();
  });
});
