import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Electron's fuse wire as its binary carries it: sentinel, version 1, nine fuses at Electron's defaults. */
export const STAND_IN_WIRE = Buffer.concat([
  Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
  Buffer.from([1, 9]),
  Buffer.from('101100011'),
]);

/**
 * An unpacked Linux Electron for electron-builder's `electronDist`: where the real one cannot be
 * downloaded, packaging still runs whole, hooks included, and the fuses land in this file.
 */
export async function writeStandInElectron(dir: string, version: string): Promise<string> {
  await mkdir(path.join(dir, 'resources'), { recursive: true });
  const exe = path.join(dir, 'electron');
  await writeFile(exe, Buffer.concat([Buffer.from('stand-in for the Electron binary\n'), STAND_IN_WIRE]));
  await chmod(exe, 0o755);
  await writeFile(path.join(dir, 'version'), version);
  return dir;
}
