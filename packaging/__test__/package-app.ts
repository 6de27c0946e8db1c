import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Arch, build, Platform } from 'electron-builder';
import { appRoot } from '../../src/main/paths';
import { BUILDER_CONFIG } from '../builder-config';

/** A Linux app laid out by electron-builder: its folder, resources and unpacked files. */
export interface PackagedApp {
  readonly dir: string;
  readonly executable: string;
  readonly resources: string;
  readonly asar: string;
  readonly unpacked: string;
}

/** Builds out/ (main, preload, renderer, command lines) where a step is missing. */
export function ensureProductionBuild(): void {
  const root = appRoot();
  const built = [
    'out/main/index.js',
    'out/preload/index.cjs',
    'out/renderer/index.html',
    'out/cli/groundlabel.mjs',
  ];
  if (built.every((f) => existsSync(path.join(root, f)))) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}

/**
 * `npm run dist`'s packaging, hooks included, up to the unpacked app (electron-builder's `dir`
 * target, no installer), for Linux on this machine's processor, from the Electron in `electronDist`.
 */
export async function packageLinuxApp(
  electronDist: string,
  outDir: string,
  arch: 'x64' | 'arm64',
): Promise<PackagedApp> {
  ensureProductionBuild();
  await build({
    projectDir: appRoot(),
    targets: Platform.LINUX.createTarget(['dir'], Arch[arch]),
    config: {
      ...BUILDER_CONFIG,
      electronDist,
      directories: { ...BUILDER_CONFIG.directories, output: outDir },
    },
    publish: 'never',
  });
  const dir = path.join(outDir, arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`);
  const resources = path.join(dir, 'resources');
  return {
    dir,
    executable: path.join(dir, BUILDER_CONFIG.executableName),
    resources,
    asar: path.join(resources, 'app.asar'),
    unpacked: path.join(resources, 'app.asar.unpacked'),
  };
}
