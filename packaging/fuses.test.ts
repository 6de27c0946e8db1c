import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../src/main/inference/__test__/helpers';
import { STAND_IN_WIRE } from './__test__/stand-in-electron';
import { APP_FUSES, setAppFuses } from './fuses';

const tempDir = tempDirs('gl-fuses');

describe('the fuses set in the packaged app', () => {
  it('turn off running as Node, NODE_OPTIONS and --inspect, and turn on cookie encryption, asar integrity and asar-only loading', () => {
    expect(APP_FUSES).toMatchObject({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    });
  });

  it('name every fuse Electron has, so a new one is decided rather than left at its default', () => {
    const fuses = Object.values(FuseV1Options).filter((v) => typeof v === 'number');
    expect(
      Object.keys(APP_FUSES)
        .filter((k) => /^\d+$/.test(k))
        .map(Number)
        .sort(),
    ).toEqual(fuses.sort());
    expect(APP_FUSES.strictlyRequireAllFuses).toBe(true);
  });

  it('are written into the binary the packager laid out', async () => {
    const exe = path.join(await tempDir(), 'groundlabel');
    await writeFile(exe, Buffer.concat([Buffer.from('ELF…'), STAND_IN_WIRE, Buffer.from('…')]));
    await setAppFuses(exe, false);
    const wire = await getCurrentFuseWire(exe);
    const on = (fuse: FuseV1Options) => wire[fuse] === FuseState.ENABLE;
    expect({
      runAsNode: on(FuseV1Options.RunAsNode),
      nodeOptions: on(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
      inspect: on(FuseV1Options.EnableNodeCliInspectArguments),
      cookieEncryption: on(FuseV1Options.EnableCookieEncryption),
      asarIntegrity: on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
      onlyAsar: on(FuseV1Options.OnlyLoadAppFromAsar),
    }).toEqual({
      runAsNode: false,
      nodeOptions: false,
      inspect: false,
      cookieEncryption: true,
      asarIntegrity: true,
      onlyAsar: true,
    });
  });
});
