import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { messageOf } from '../../../shared/errors';

/**
 * Where GroundLabel keeps what belongs to a person rather than to a checkout: the device setting
 * and the GPU providers `npm run install:cuda` adds. Outside node_modules, so `npm ci` keeps them;
 * the same folders Electron uses for an app named "groundlabel".
 */
export interface UserDirs {
  /** Settings (Electron's userData): ~/.config/groundlabel on Linux. */
  readonly config: string;
  /** Large files that can be made again: ~/.local/share/groundlabel on Linux. */
  readonly data: string;
}

const APP = 'groundlabel';

export function userDirs(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): UserDirs {
  if (platform === 'win32') {
    const roaming = env.APPDATA ?? path.join(home, 'AppData', 'Roaming');
    const local = env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local');
    return { config: path.join(roaming, APP), data: path.join(local, APP) };
  }
  if (platform === 'darwin') {
    const support = path.join(home, 'Library', 'Application Support', APP);
    return { config: support, data: support };
  }
  return {
    config: path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), APP),
    data: path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), APP),
  };
}

/** The settings file: the same one for the desktop app and `npm run serve`. */
export const userSettingsFile = (dirs: UserDirs = userDirs()): string =>
  path.join(dirs.config, 'settings.json');

/** Where installed providers live; GROUNDLABEL_PROVIDERS_DIR moves them (a shared disk, a test). */
export const providersRoot = (env: NodeJS.ProcessEnv = process.env, dirs: UserDirs = userDirs(env)): string =>
  env.GROUNDLABEL_PROVIDERS_DIR || path.join(dirs.data, 'providers');

/** What a provider install is made for: onnxruntime-node's version, the platform and architecture. */
export interface OrtTarget {
  readonly version: string;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
}

/**
 * The CUDA provider's folder for one onnxruntime-node version. A provider library only works with
 * the ONNX Runtime it was built with, so each version has its own folder and an upgrade of
 * onnxruntime-node asks for `npm run install:cuda` again instead of loading a mismatched one.
 */
export const cudaInstallDir = (root: string, t: OrtTarget): string =>
  path.join(root, `onnxruntime-${t.version}-${t.platform}-${t.arch}-cuda12`);

/** The manifest, written last: a folder without it is an install that never finished. */
export const MANIFEST = 'groundlabel-provider.json';

export const manifestSchema = z.object({
  provider: z.literal('cuda'),
  onnxruntimeVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
  /** Where the libraries came from, and the checksum they were verified against. */
  source: z.object({ package: z.string(), url: z.string(), sha512: z.string() }),
  /** Files of the install, relative to its folder, with their sizes. */
  files: z.array(z.object({ path: z.string(), size: z.number().int().nonnegative() })),
  installedAt: z.string(),
});
export type ProviderManifest = z.infer<typeof manifestSchema>;

/** The node_modules-style folder inside an install that holds the onnxruntime-node copy. */
export const bindingPackageDir = (installDir: string): string =>
  path.join(installDir, 'node_modules', 'onnxruntime-node');

/** The folder of the native binding inside onnxruntime-node, where ONNX Runtime looks for providers. */
export const bindingDir = (packageDir: string, t: Pick<OrtTarget, 'platform' | 'arch'>): string =>
  path.join(packageDir, 'bin', 'napi-v6', t.platform, t.arch);

export const CUDA_PROVIDER_FILES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];

export type CudaInstallState =
  | { readonly state: 'absent'; readonly dir: string }
  | { readonly state: 'installed'; readonly dir: string; readonly manifest: ProviderManifest }
  | { readonly state: 'broken'; readonly dir: string; readonly problem: string };

/** Whether the CUDA provider for `target` is installed under `root`, complete and for this version. */
export function findCudaInstall(root: string, target: OrtTarget): CudaInstallState {
  const dir = cudaInstallDir(root, target);
  if (!existsSync(dir)) return { state: 'absent', dir };
  const file = path.join(dir, MANIFEST);
  let manifest: ProviderManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    const why = existsSync(file)
      ? `its ${MANIFEST} is unreadable (${messageOf(e)})`
      : `it has no ${MANIFEST}`;
    return { state: 'broken', dir, problem: `${dir} is not a finished install: ${why}` };
  }
  if (manifest.onnxruntimeVersion !== target.version)
    return {
      state: 'broken',
      dir,
      problem: `${dir} holds the provider for ONNX Runtime ${manifest.onnxruntimeVersion}, not ${target.version}`,
    };
  for (const f of manifest.files) {
    const size = sizeOf(path.join(dir, f.path));
    if (size !== f.size)
      return {
        state: 'broken',
        dir,
        problem: `${path.join(dir, f.path)} is ${size === null ? 'missing' : `${size} bytes, not ${f.size}`}`,
      };
  }
  return { state: 'installed', dir, manifest };
}

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}
