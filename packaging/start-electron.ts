/**
 * `npm start` runs this first: when the Electron binary is missing it fetches it (the download
 * Electron would attempt on first use anyway); when that fails it says what happened and the one
 * command to run, instead of electron-vite's bare "Electron uninstall".
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { electronBinaryState, missingElectronMessage } from './electron-binary';

const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const before = electronBinaryState(packageDir);
if (before.state === 'missing') {
  process.stderr.write(`The Electron binary is missing; fetching Electron ${before.version} once…\n`);
  spawnSync(process.execPath, [path.join(packageDir, 'install.js')], { stdio: 'inherit' });
  const after = electronBinaryState(packageDir);
  if (after.state === 'missing') {
    process.stderr.write(`\n${missingElectronMessage(after)}\n`);
    process.exit(1);
  }
}
