/**
 * The renderer's web preferences, set explicitly rather than left to defaults (Electron's security
 * checklist; the electron-vite template leaves the sandbox off). Kept free of electron so a unit test
 * can hold them in place.
 */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
} as const;
