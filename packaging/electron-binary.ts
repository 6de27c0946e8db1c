import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Electron 45 downloads its binary on first use (`require('electron')`, `npx install-electron`),
 * not during `npm install`. This says whether it is there without triggering that download.
 */
export type ElectronBinary =
  | { readonly state: 'installed'; readonly path: string }
  | { readonly state: 'missing'; readonly version: string; readonly expected: string };

/** The one command that fetches the binary, as a person types it in the project folder. */
export const FETCH_ELECTRON = 'npx install-electron';

export function electronBinaryState(
  packageDir: string,
  env: NodeJS.ProcessEnv = process.env,
): ElectronBinary {
  const pathFile = path.join(packageDir, 'path.txt');
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const full = path.join(dist, exe ?? 'electron');
  if (exe && existsSync(full)) return { state: 'installed', path: full };
  let version = '?';
  try {
    version = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    // an electron package without its package.json: say "?" rather than fail here
  }
  return { state: 'missing', version, expected: full };
}

/** What `npm start` says when the binary is missing, with the command that fetches it. */
export function missingElectronMessage(missing: Extract<ElectronBinary, { state: 'missing' }>): string {
  return [
    `The Electron ${missing.version} binary is not installed (${missing.expected} does not exist).`,
    'Electron downloads it on first use, not during `npm install`, and this download did not happen.',
    'Fetch it once, with a network connection, from the project folder:',
    '',
    `  ${FETCH_ELECTRON}`,
    '',
    'It needs Node.js 22.12 or newer and reaches github.com (set HTTPS_PROXY behind a proxy, or',
    'ELECTRON_MIRROR for a mirror). Then run `npm start` again.',
  ].join('\n');
}
