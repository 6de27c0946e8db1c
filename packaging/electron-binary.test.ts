import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronBinaryState, FETCH_ELECTRON, missingElectronMessage } from './electron-binary';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-electron-pkg-'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ version: '45.3.4' }));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the Electron binary check', () => {
  it('finds the binary path.txt names inside dist', async () => {
    await writeFile(path.join(dir, 'path.txt'), 'electron');
    await mkdir(path.join(dir, 'dist'));
    await writeFile(path.join(dir, 'dist', 'electron'), '');
    expect(electronBinaryState(dir, {})).toEqual({
      state: 'installed',
      path: path.join(dir, 'dist', 'electron'),
    });
  });

  it('calls a package never downloaded missing, with its version', () => {
    expect(electronBinaryState(dir, {})).toMatchObject({ state: 'missing', version: '45.3.4' });
  });

  it('calls a path.txt whose binary was deleted missing', async () => {
    await writeFile(path.join(dir, 'path.txt'), 'electron');
    expect(electronBinaryState(dir, {}).state).toBe('missing');
  });

  it('says what happened and the one command that fetches it', () => {
    const state = electronBinaryState(dir, {});
    if (state.state !== 'missing') throw new Error('expected missing');
    const message = missingElectronMessage(state);
    expect(message).toContain('Electron 45.3.4 binary is not installed');
    expect(message).toContain(`\n  ${FETCH_ELECTRON}\n`);
    expect(FETCH_ELECTRON).toBe('npx install-electron');
  });
});
