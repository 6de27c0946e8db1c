/**
 * File → Open Recent: the dataset folders opened last, most recent first, kept in the settings file
 * (`recentFolders`) so the list outlives the app and its updates.
 */
export const RECENT_FOLDERS_LIMIT = 10;

/** Windows and macOS file systems ignore case by default: C:\Data and c:\data are one folder there. */
const sameFolder = (a: string, b: string, platform: NodeJS.Platform): boolean =>
  platform === 'win32' || platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;

/** The list with `folder` first, once, and at most RECENT_FOLDERS_LIMIT long. */
export function withRecentFolder(
  list: readonly string[],
  folder: string,
  platform: NodeJS.Platform = process.platform,
): string[] {
  return [folder, ...list.filter((f) => !sameFolder(f, folder, platform))].slice(0, RECENT_FOLDERS_LIMIT);
}

/** The list without `folder` (one that no longer exists, say). */
export function withoutRecentFolder(
  list: readonly string[],
  folder: string,
  platform: NodeJS.Platform = process.platform,
): string[] {
  return list.filter((f) => !sameFolder(f, folder, platform));
}
