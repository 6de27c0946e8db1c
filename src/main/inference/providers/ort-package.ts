import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OrtTarget } from './install-location';

const require = createRequire(import.meta.url);

/** The folder of the onnxruntime-node package the app was installed with. */
export const bundledOrtPackageDir = (): string =>
  path.dirname(require.resolve('onnxruntime-node/package.json'));

/** The folder of the onnxruntime-common package that onnxruntime-node uses. */
export function ortCommonPackageDir(ortPackageDir: string = bundledOrtPackageDir()): string {
  // Its exports map hides package.json: resolve its entry point and walk up to the package.
  let dir = path.dirname(
    createRequire(path.join(ortPackageDir, 'package.json')).resolve('onnxruntime-common'),
  );
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'onnxruntime-common') return dir;
    } catch {
      // not the package root yet
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`onnxruntime-common not found above ${ortPackageDir}`);
    dir = up;
  }
}

export const packageVersion = (dir: string): string =>
  (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;

/** What a provider must be built for to work with this app's onnxruntime-node. */
export const bundledOrtTarget = (): OrtTarget => ({
  version: packageVersion(bundledOrtPackageDir()),
  platform: process.platform,
  arch: process.arch,
});
