import { describe, expect, it } from 'vitest';
import { DIST_TARGETS, distFailureMessage, distTargetOf } from './targets';

describe('what npm run dist builds', () => {
  it('makes NSIS installers for Windows and AppImage and .deb for Linux, x64 and arm64, and a dmg for Apple silicon', () => {
    expect(DIST_TARGETS).toEqual({
      win32: { builderKey: 'win', targets: ['nsis'], archs: ['x64', 'arm64'] },
      darwin: { builderKey: 'mac', targets: ['dmg'], archs: ['arm64'] },
      linux: { builderKey: 'linux', targets: ['AppImage', 'deb'], archs: ['x64', 'arm64'] },
    });
  });

  it('refuses Intel Macs, saying onnxruntime-node has no binary for them', () => {
    const result = distTargetOf('darwin', 'x64');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/Intel Macs: onnxruntime-node ships no darwin-x64 binary/);
  });

  it('refuses a processor it is not built for, naming the ones it is', () => {
    expect(distTargetOf('linux', 'ia32')).toEqual({
      ok: false,
      reason: 'GroundLabel is not packaged for linux-ia32; the architectures are x64 and arm64.',
    });
    expect(distTargetOf('freebsd', 'x64').ok).toBe(false);
    expect(distTargetOf('win32', 'arm64')).toEqual({
      ok: true,
      target: { platform: 'win32', arch: 'arm64' },
    });
  });
});

describe('when npm run dist fails', () => {
  const linux = { platform: 'linux', arch: 'x64' } as const;

  it("says a download that could not happen needs network access to Electron's builds", () => {
    const offline = Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' });
    expect(distFailureMessage(offline, linux)).toMatch(
      /^Packaging for linux-x64 needs Electron's build for it.*github\.com.*ENOTFOUND github\.com\. Installers cannot be built without that access\.$/,
    );
  });

  it("keeps electron-builder's own message for anything else", () => {
    expect(distFailureMessage(new Error('disk full'), linux)).toBe(
      'Packaging for linux-x64 failed: disk full',
    );
  });
});
