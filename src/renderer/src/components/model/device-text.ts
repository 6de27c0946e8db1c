import type { Device, FailureKind, ProviderFailure } from '../../../../shared/devices';

type Translate = (key: string, params?: Record<string, unknown>) => string;

const FAILURE_KEYS: Record<FailureKind, string> = {
  'not-installed': 'notInstalled',
  'runtime-missing': 'runtimeMissing',
  'no-vulkan': 'noVulkan',
  'no-adapter': 'noAdapter',
  'not-built': 'notBuilt',
  'broken-install': 'brokenInstall',
  failed: 'failed',
};

export const deviceName = (t: Translate, device: Device): string => t(`model.deviceNames.${device}`);

/** Why a provider cannot be used, in the page's language; the backend's English stays in the details. */
export const failureText = (t: Translate, f: ProviderFailure): string =>
  t(`model.failure.${FAILURE_KEYS[f.kind]}`, {
    device: deviceName(t, f.provider),
    libs: (f.missing ?? []).join(', '),
  });

/** The backend's own account, and the library's words: what the details line holds. */
export const failureDetails = (f: ProviderFailure): string =>
  [`${f.reason} ${f.advice}`, f.detail].filter(Boolean).join('\n');
