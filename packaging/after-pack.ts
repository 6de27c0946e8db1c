import path from 'node:path';
import { Arch, type AfterPackContext } from 'electron-builder';
import { setAppFuses } from './fuses';
import { pruneNativeBinaries } from './native-binaries';
import { distTargetOf, type DistTarget } from './targets';

/** Where a packaged app keeps its resources, and the file the fuses are set in. */
export function packagedPaths(
  appOutDir: string,
  platform: DistTarget['platform'],
  productFilename: string,
  executableName: string,
): { readonly resources: string; readonly executable: string } {
  if (platform === 'darwin') {
    const app = path.join(appOutDir, `${productFilename}.app`);
    return { resources: path.join(app, 'Contents', 'Resources'), executable: app };
  }
  const exe = platform === 'win32' ? `${productFilename}.exe` : executableName;
  return { resources: path.join(appOutDir, 'resources'), executable: path.join(appOutDir, exe) };
}

/**
 * Runs after electron-builder has laid out the app and before it is signed and made an installer:
 * the other platforms' native binaries leave the unpacked folder, and the fuses are set.
 */
export async function afterPack(context: AfterPackContext): Promise<void> {
  const chosen = distTargetOf(context.electronPlatformName, Arch[context.arch]);
  if (!chosen.ok) throw new Error(chosen.reason);
  const { target } = chosen;
  const { appInfo } = context.packager;
  const { resources, executable } = packagedPaths(
    context.appOutDir,
    target.platform,
    appInfo.productFilename,
    // Only Linux's packager names its executable apart from the product.
    (context.packager as { executableName?: string }).executableName ?? appInfo.productFilename,
  );
  const pruned = await pruneNativeBinaries(path.join(resources, 'app.asar.unpacked'), target);
  console.log(
    `  • kept ${target.platform}-${target.arch} native binaries only: removed ${pruned.removed.length} files, ` +
      `${(pruned.bytes / 1024 ** 2).toFixed(0)} MB`,
  );
  await setAppFuses(executable, target.platform === 'darwin' && target.arch === 'arm64');
}
