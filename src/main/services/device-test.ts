import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { Device, DeviceTestResult } from '../../shared/devices';
import { isGroundLabelError, messageOf } from '../../shared/errors';
import type { DetectResult, Detector, DetectorOptions } from '../inference/detector';
import { precheck, unavailableMessage } from '../inference/providers/failures';
import type { SystemProbe } from '../inference/providers/system-probe';

export type OpenDetector = (options: DetectorOptions) => Promise<Detector>;

export interface DeviceTestInput {
  readonly open: OpenDetector;
  readonly model: string;
  readonly bundledVocab: string;
  readonly device: Device;
  readonly probe: SystemProbe;
  /** The image to run: the current one; a built-in one when absent. */
  readonly image?: { readonly file: string; readonly name: string };
}

/** A plain 1066×800 picture, the size the model's usual resize gives a 4:3 photo. */
async function writeBuiltInImage(): Promise<string> {
  const file = path.join(os.tmpdir(), `groundlabel-device-test-${randomBytes(4).toString('hex')}.png`);
  await sharp({ create: { width: 1066, height: 800, channels: 3, background: { r: 118, g: 132, b: 150 } } })
    .png()
    .toFile(file);
  return file;
}

/**
 * Opens the model on `device` beside the loaded one and runs one image through it twice: the first
 * run carries the provider's warm-up, the second is what each image costs. A device that cannot
 * load or run the model is an answer (ok: false, with why), not an error.
 */
export async function testDevice(input: DeviceTestInput): Promise<DeviceTestResult> {
  const { device } = input;
  const ruledOut = device === 'auto' ? null : precheck(device, input.probe);
  if (ruledOut) return { ok: false, device, message: unavailableMessage(ruledOut), failure: ruledOut };
  const t0 = performance.now();
  let detector: Detector;
  try {
    detector = await input.open({
      model: input.model,
      device,
      bundledVocab: input.bundledVocab,
      warmup: false,
    });
  } catch (e) {
    if (isGroundLabelError(e) && e.code === 'device-unavailable')
      return { ok: false, device, message: e.message };
    throw e;
  }
  const loadMs = performance.now() - t0;
  const builtIn = input.image ? null : await writeBuiltInImage();
  try {
    // An image that does not decode is the image's fault, not the device's: that one is an error.
    const prepared = await detector.prepareImage(input.image?.file ?? (builtIn as string));
    let runs: [DetectResult, DetectResult];
    try {
      runs = [await detector.detect(prepared, 'object .'), await detector.detect(prepared, 'object .')];
    } catch (e) {
      return { ok: false, device, message: `The model loaded on ${device} but did not run: ${messageOf(e)}` };
    }
    return {
      ok: true,
      device,
      report: detector.info.device,
      loadMs,
      firstRunMs: runs[0].timings.runMs,
      runMs: runs[1].timings.runMs,
      image: input.image?.name ?? 'built-in 1066×800 image',
    };
  } finally {
    await detector.close();
    if (builtIn) await rm(builtIn, { force: true });
  }
}
