/**
 * What `npm run dist` builds, per operating system, and for which processors. macOS is Apple silicon
 * only: onnxruntime-node ships no darwin-x64 binary, so an Intel Mac build would have no model runtime.
 */
export const DIST_TARGETS = {
  win32: { builderKey: 'win', targets: ['nsis'], archs: ['x64', 'arm64'] },
  darwin: { builderKey: 'mac', targets: ['dmg'], archs: ['arm64'] },
  linux: { builderKey: 'linux', targets: ['AppImage', 'deb'], archs: ['x64', 'arm64'] },
} as const;

export type DistPlatform = keyof typeof DIST_TARGETS;
export type DistArch = 'x64' | 'arm64';

/** One packaged app: an operating system and a processor. */
export interface DistTarget {
  readonly platform: DistPlatform;
  readonly arch: DistArch;
}

const isPlatform = (p: string): p is DistPlatform => Object.hasOwn(DIST_TARGETS, p);

/**
 * The target for a platform and architecture as Node names them, or why GroundLabel is not built
 * for it (said in words a person acts on).
 */
export function distTargetOf(
  platform: string,
  arch: string,
): { readonly ok: true; readonly target: DistTarget } | { readonly ok: false; readonly reason: string } {
  if (!isPlatform(platform))
    return {
      ok: false,
      reason: `GroundLabel is not packaged for ${platform}: only Windows, macOS and Linux.`,
    };
  if (platform === 'darwin' && arch === 'x64')
    return {
      ok: false,
      reason:
        'GroundLabel is not packaged for Intel Macs: onnxruntime-node ships no darwin-x64 binary, so the app ' +
        'could not run a model there. Build on (or for) Apple silicon: npm run dist -- --arch arm64.',
    };
  const archs: readonly string[] = DIST_TARGETS[platform].archs;
  if (!archs.includes(arch))
    return {
      ok: false,
      reason: `GroundLabel is not packaged for ${platform}-${arch}; the architectures are ${archs.join(' and ')}.`,
    };
  return { ok: true, target: { platform, arch: arch as DistArch } };
}

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
]);

/**
 * What `npm run dist` says when packaging fails: a download that could not happen gets what it
 * needs in words; anything else keeps electron-builder's own message.
 */
export function distFailureMessage(error: unknown, target: DistTarget): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (typeof e?.code === 'string' && NETWORK_CODES.has(e.code))
    return (
      `Packaging for ${target.platform}-${target.arch} needs Electron's build for it, and its installer ` +
      `tools, downloaded from github.com (set ELECTRON_MIRROR and ELECTRON_BUILDER_BINARIES_MIRROR for ` +
      `mirrors); the download failed: ${message}. Installers cannot be ` +
      'built without that access.'
    );
  return `Packaging for ${target.platform}-${target.arch} failed: ${message}`;
}
