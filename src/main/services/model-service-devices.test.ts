import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModels, type FixtureModelPaths } from '../../../test/fixtures/model-folders';
import type { Device } from '../../shared/devices';
import { GroundLabelError } from '../../shared/errors';
import { BUNDLED_VOCAB_PATH, caught, tempDirs } from '../inference/__test__/helpers';
import { Detector, type DetectorOptions } from '../inference/detector';
import { fakeProbe, type FakeMachine } from '../inference/providers/__test__/fake-machine';
import { fileDeviceSetting } from '../inference/providers/device-setting';
import { ModelService, type ModelServiceOptions } from './model-service';

const tempDir = tempDirs('model-service-devices');
let models: FixtureModelPaths;
let modelsDir: string;

beforeAll(async () => {
  modelsDir = path.join(await tempDir(), 'models');
  models = await writeFixtureModels(modelsDir);
});

/** A Linux machine without a GPU: no CUDA provider, no NVIDIA driver, no Vulkan. */
const NO_GPU: FakeMachine = { cuda: 'absent', libraries: [] };

/**
 * Opens models for real, on the CPU; a device in `unavailable` fails as the session does when its
 * provider cannot load. `opened` lists the device of every open.
 */
function opener(unavailable: readonly Device[] = []) {
  const opened: Device[] = [];
  const open = async (o: DetectorOptions) => {
    const device = o.device ?? 'auto';
    opened.push(device);
    if (unavailable.includes(device))
      throw new GroundLabelError('device-unavailable', `Device "${device}": it did not load here.`);
    return Detector.open({ ...o, device: 'cpu' });
  };
  return { open, opened };
}

const service = (options: Partial<ModelServiceOptions> = {}) =>
  new ModelService({ bundledVocab: BUNDLED_VOCAB_PATH, modelsDir, probe: fakeProbe(NO_GPU), ...options });

const settingsFile = async () => path.join(await tempDir(), 'settings.json');

describe('the device list', () => {
  it('offers auto with its order, the CPU, CUDA and WebGPU on Linux, each with whether it can load and why not', async () => {
    const list = await service().devices();
    expect(list.chosen).toBe('auto');
    expect(list.options.map((o) => [o.device, o.available])).toEqual([
      ['auto', true],
      ['cpu', true],
      ['cuda', false],
      ['webgpu', false],
    ]);
    expect(list.options[0].order).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(list.options[2].failure).toMatchObject({ kind: 'not-installed' });
    expect(list.options[2].failure?.advice).toContain('npm run install:cuda');
    expect(list.options[3].failure).toMatchObject({ kind: 'no-vulkan', missing: ['libvulkan.so.1'] });
  });

  it('shows CUDA as available once its provider, CUDA 12 and cuDNN 9 are there', async () => {
    const probe = fakeProbe({
      cuda: 'installed',
      libraries: [
        'libcuda.so.1',
        'libcudart.so.12',
        'libcublas.so.12',
        'libcublasLt.so.12',
        'libcufft.so.11',
        'libcudnn.so.9',
      ],
    });
    const cuda = (await service({ probe }).devices()).options.find((o) => o.device === 'cuda');
    expect(cuda).toEqual({ device: 'cuda', available: true });
  });

  it('names the settings file the choice is kept in', async () => {
    const file = await settingsFile();
    expect((await service({ deviceSetting: fileDeviceSetting(file) }).devices()).settingsFile).toBe(file);
  });
});

describe('the chosen device', () => {
  it('is remembered in the settings file and used when models open in the next run', async () => {
    const file = await settingsFile();
    await service({ deviceSetting: fileDeviceSetting(file) }).chooseDevice('cpu');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ device: 'cpu' });

    const { open, opened } = opener();
    const next = service({ deviceSetting: fileDeviceSetting(file), openDetector: open });
    expect((await next.devices()).chosen).toBe('cpu');
    await next.open(models.flavourB);
    expect(opened).toEqual(['cpu']);
    await next.close();
  });

  it("gives way to the command line's device until a person chooses another", async () => {
    const file = await settingsFile();
    await writeFile(file, JSON.stringify({ device: 'webgpu' }));
    const { open, opened } = opener();
    const s = service({ device: 'cpu', deviceSetting: fileDeviceSetting(file), openDetector: open });
    await s.open(models.flavourB);
    await s.chooseDevice('auto');
    expect(opened).toEqual(['cpu', 'auto']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ device: 'auto' });
    await s.close();
  });

  it('opens the loaded model again on the device chosen, and reports it', async () => {
    const { open, opened } = opener();
    const s = service({ openDetector: open });
    await s.open(models.flavourB);
    const status = await s.chooseDevice('cpu');
    expect(opened).toEqual(['auto', 'cpu']);
    expect(status).toMatchObject({ loaded: true, name: 'Colour fixture B' });
    await s.close();
  });

  it('changes nothing when the loaded model cannot open on the device chosen', async () => {
    const file = await settingsFile();
    const { open } = opener(['webgpu']);
    const s = service({ deviceSetting: fileDeviceSetting(file), openDetector: open });
    await s.chooseDevice('cpu');
    await s.open(models.flavourB);
    const e = await caught(() => s.chooseDevice('webgpu'), 'device-unavailable');
    expect(e.message).toContain('webgpu');
    expect((await s.devices()).chosen).toBe('cpu');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ device: 'cpu' });
    expect((await s.status()).loaded).toBe(true);
    await s.close();
  });

  it('is refused without a model when its provider cannot load on this machine, saying why', async () => {
    const file = await settingsFile();
    const s = service({ deviceSetting: fileDeviceSetting(file) });
    const e = await caught(() => s.chooseDevice('webgpu'), 'device-unavailable');
    expect(e.message).toMatch(/^Device "webgpu": .*Vulkan/);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the device test', () => {
  it('opens the loaded model on the device, runs a built-in image twice and gives the times', async () => {
    const s = service();
    await s.open(models.flavourB);
    const result = await s.testDevice('cpu');
    expect(result).toMatchObject({
      ok: true,
      device: 'cpu',
      report: { requested: 'cpu', provider: 'cpu', failures: [] },
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.loadMs).toBeGreaterThan(0);
    expect(result.firstRunMs).toBeGreaterThan(0);
    expect(result.runMs).toBeGreaterThan(0);
    expect(result.image).toMatch(/built-in/);
    // The loaded model is not touched.
    expect((await s.status()).loaded).toBe(true);
    await s.close();
  });

  it('runs the image it is given and names it', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'photo.png');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
      .png()
      .toFile(file);
    const s = service();
    await s.open(models.flavourB);
    const result = await s.testDevice('auto', { file, name: 'photos/photo.png' });
    expect(result).toMatchObject({ ok: true, device: 'auto', image: 'photos/photo.png' });
    await s.close();
  });

  it("answers why, without opening anything, when the device's provider cannot load here", async () => {
    const { open, opened } = opener();
    const s = service({ openDetector: open });
    await s.open(models.flavourB);
    const result = await s.testDevice('webgpu');
    expect(result).toMatchObject({ ok: false, device: 'webgpu', failure: { kind: 'no-vulkan' } });
    expect(opened).toEqual(['auto']);
    await s.close();
  });

  it('answers why when the session cannot be made on the device', async () => {
    const { open } = opener(['cpu']);
    const s = service({ openDetector: open });
    await s.open(models.flavourB);
    expect(await s.testDevice('cpu')).toEqual({
      ok: false,
      device: 'cpu',
      message: 'Device "cpu": it did not load here.',
    });
    await s.close();
  });

  it('asks for a model first', async () => {
    await caught(() => service().testDevice('cpu'), 'model-not-loaded');
  });
});
