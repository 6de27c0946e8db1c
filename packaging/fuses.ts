import { flipFuses, FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

/**
 * Electron's fuses, set in the packaged binary: features that are switched off can never be turned
 * back on by whoever starts the app. Every fuse is named, so a new one in a later Electron fails the
 * build until someone decides it.
 */
export const APP_FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // The binary never acts as a plain Node.js (ELECTRON_RUN_AS_NODE): the command lines run on the
  // machine's own node instead.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // No NODE_OPTIONS, no --inspect / --inspect-brk: nobody injects code into a started app.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash the packager embedded (Windows and macOS), and the app is
  // loaded from it only, never from a loose app folder beside it.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // Pages come from app://, never file://.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.WasmTrapHandlers]: true,
} as const satisfies FuseV1Config;

/** Sets APP_FUSES in a packaged Electron binary (or macOS .app), re-signing ad hoc on Apple silicon. */
export async function setAppFuses(executable: string, resetAdHocDarwinSignature: boolean): Promise<void> {
  await flipFuses(executable, { ...APP_FUSES, resetAdHocDarwinSignature });
}
