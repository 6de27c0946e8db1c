import path from 'node:path';
import { z } from 'zod';

/**
 * The folder a launch of the desktop app was given (`groundlabel ~/photos`), found without Electron
 * so it can be tested. argv[0] is the executable; an unpackaged app (`electron .`, `npm run dev`)
 * has its own path as the first argument that is not a flag (debuggers put flags before it). Flags
 * are never folders: Chromium's and Electron's switches, and the `-psn_…` of older macOS.
 */
export function folderArgument(
  argv: readonly string[],
  options: { readonly cwd: string; readonly defaultApp: boolean },
): string | null {
  const positional = argv.slice(1).filter((arg) => arg !== '' && !arg.startsWith('-'));
  const folder = positional[options.defaultApp ? 1 : 0];
  return folder === undefined ? null : path.resolve(options.cwd, folder);
}

/**
 * What a second launch hands to the first through the single-instance lock. Its argv reaches the
 * first instance too, but Chromium may add and reorder switches on the way, so the folder travels
 * here, already resolved against the second launch's working folder.
 */
export interface LaunchData {
  readonly folder: string | null;
}

const launchDataSchema = z.object({ folder: z.string().min(1).nullable() });

/** The folder a second launch asks the first one to open, or null for "just show the window". */
export function folderOfSecondLaunch(
  additionalData: unknown,
  argv: readonly string[],
  options: { readonly cwd: string; readonly defaultApp: boolean },
): string | null {
  const data = launchDataSchema.safeParse(additionalData);
  if (data.success) return data.data.folder === null ? null : path.resolve(data.data.folder);
  // A launch of another version, without the data: its command line is all there is.
  return folderArgument(argv, options);
}
