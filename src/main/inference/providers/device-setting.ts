import type { Device } from '../../../shared/devices';
import { fileSettings, memorySettings, type SettingsStore } from '../../settings/settings-store';

/** Where the device models open on is remembered between runs. */
export interface DeviceSetting {
  /** The settings file, to show a person; absent when nothing is written anywhere. */
  readonly file?: string;
  /** The remembered device, or null when there is none (or the file holds none that is valid). */
  load(): Promise<Device | null>;
  save(device: Device): Promise<void>;
}

/** The device as one key of the settings store (`{ "device": "cuda" }`). */
export const deviceSettingOf = (store: SettingsStore): DeviceSetting => ({
  ...(store.file && { file: store.file }),
  load: () => store.get('device'),
  save: (device) => store.set('device', device),
});

/** The device in a JSON settings file, next to whatever else the file holds. */
export const fileDeviceSetting = (
  file: string,
  warn: (message: string) => void = console.warn,
): DeviceSetting => deviceSettingOf(fileSettings(file, warn));

/** A setting that lasts as long as the process: command-line runs and tests. */
export const memoryDeviceSetting = (initial: Device | null = null): DeviceSetting =>
  deviceSettingOf(memorySettings(initial ? { device: initial } : {}));
