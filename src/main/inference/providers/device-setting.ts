import { readFile } from 'node:fs/promises';
import { isDevice, type Device } from '../../../shared/devices';
import { GroundLabelError, messageOf } from '../../../shared/errors';
import { writeFileAtomic } from '../../fs/atomic';

/** Where the device models open on is remembered between runs. */
export interface DeviceSetting {
  /** The settings file, to show a person; absent when nothing is written anywhere. */
  readonly file?: string;
  /** The remembered device, or null when there is none (or the file holds none that is valid). */
  load(): Promise<Device | null>;
  save(device: Device): Promise<void>;
}

type Settings = Record<string, unknown>;

/** Reads the settings object; null when the file does not exist. */
async function readSettings(file: string): Promise<Settings | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GroundLabelError('io-failed', `Cannot read the settings file ${file}: ${messageOf(e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new GroundLabelError(
      'io-failed',
      `The settings file ${file} is not a JSON object; fix or delete it, then choose the device again.`,
    );
  return value as Settings;
}

/**
 * The device in a JSON settings file (`{ "device": "cuda" }`), next to whatever else the file holds.
 * A file that does not parse is left as it is: reading it gives no device, and saving is refused
 * with its name, rather than replacing what someone may have written by hand.
 */
export function fileDeviceSetting(
  file: string,
  warn: (message: string) => void = console.warn,
): DeviceSetting {
  return {
    file,
    async load() {
      let settings: Settings | null;
      try {
        settings = await readSettings(file);
      } catch (e) {
        warn(`${messageOf(e)} Models open on the automatic device until then.`);
        return null;
      }
      const device = settings?.device;
      if (device === undefined) return null;
      if (typeof device === 'string' && isDevice(device)) return device;
      warn(
        `The settings file ${file} names an unknown device ${JSON.stringify(device)}; using the automatic one.`,
      );
      return null;
    },
    async save(device) {
      const settings = (await readSettings(file)) ?? {};
      await writeFileAtomic(file, `${JSON.stringify({ ...settings, device }, null, 2)}\n`);
    },
  };
}

/**
 * Writes one more setting into the same JSON file, beside what it already holds; a file that does
 * not parse is refused with its name rather than replaced.
 */
export async function rememberSetting(file: string, key: string, value: unknown): Promise<void> {
  const settings = (await readSettings(file)) ?? {};
  await writeFileAtomic(file, `${JSON.stringify({ ...settings, [key]: value }, null, 2)}\n`);
}

/** A setting that lasts as long as the process: command-line runs and tests. */
export function memoryDeviceSetting(initial: Device | null = null): DeviceSetting {
  let device = initial;
  return {
    load: async () => device,
    save: async (d) => {
      device = d;
    },
  };
}
