import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEVICES } from '../../shared/devices';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { writeFileAtomic } from '../fs/atomic';

/**
 * The one settings file of a person (`settings.json` in the user data folder), shared by the
 * desktop app and `npm run serve`: the device, the last model, recent folders, the window's place.
 * Each key is checked on its own, so one bad value never costs the others.
 */
export const SETTING_SCHEMAS = {
  device: z.enum(DEVICES),
  /** The model opened last (a path), opened again at start. */
  lastModel: z.string().min(1),
  /** The largest image opened, in pixels (the app's Largest image setting). */
  maxPixels: z.int().positive(),
  /** Dataset folders opened, most recent first. */
  recentFolders: z.array(z.string().min(1)),
  /** The desktop window's last bounds, and whether it was maximised. */
  window: z.object({
    x: z.int(),
    y: z.int(),
    width: z.int().positive(),
    height: z.int().positive(),
    maximized: z.boolean(),
  }),
} as const;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTING_SCHEMAS)[K]>;

export interface SettingsStore {
  /** The settings file, to show a person; absent when nothing is written anywhere. */
  readonly file?: string;
  /** The value of `key`, or null when there is none, the file is unreadable or the value is invalid (said once via warn). */
  get<K extends SettingKey>(key: K): Promise<SettingValue<K> | null>;
  /** Sets (or with undefined, removes) `key`, keeping everything else the file holds. */
  set<K extends SettingKey>(key: K, value: SettingValue<K> | undefined): Promise<void>;
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
      `The settings file ${file} is not a JSON object; fix or delete it, then choose again.`,
    );
  return value as Settings;
}

/**
 * Settings in a JSON file. Writes go one at a time (read, change one key, write atomically), so
 * the device and the last model saved together both land. A file that does not parse is left as
 * it is: reading gives nothing, and saving is refused with its name, rather than replacing what
 * someone may have written by hand.
 */
export function fileSettings(file: string, warn: (message: string) => void = console.warn): SettingsStore {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    file,
    async get(key) {
      let settings: Settings | null;
      try {
        settings = await readSettings(file);
      } catch (e) {
        warn(`${messageOf(e)} The defaults are used until then.`);
        return null;
      }
      const raw = settings?.[key];
      if (raw === undefined) return null;
      const parsed = SETTING_SCHEMAS[key].safeParse(raw);
      if (parsed.success) return parsed.data as SettingValue<typeof key>;
      warn(`The settings file ${file} has an invalid "${key}" (${JSON.stringify(raw)}); it is not used.`);
      return null;
    },
    set(key, value) {
      const write = queue.then(async () => {
        const settings = (await readSettings(file)) ?? {};
        const next = { ...settings, [key]: value };
        if (value === undefined) delete next[key];
        await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
      });
      queue = write.catch(() => undefined);
      return write;
    },
  };
}

/** Settings that last as long as the process: command-line runs and tests. */
export function memorySettings(initial: Partial<{ [K in SettingKey]: SettingValue<K> }> = {}): SettingsStore {
  const values = new Map<SettingKey, unknown>(Object.entries(initial) as [SettingKey, unknown][]);
  return {
    get: async (key) => (values.get(key) as SettingValue<typeof key> | undefined) ?? null,
    set: async (key, value) => {
      if (value === undefined) values.delete(key);
      else values.set(key, value);
    },
  };
}
