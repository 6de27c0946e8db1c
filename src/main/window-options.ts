/**
 * The smallest the app window may be made: the size the layout is checked at (the toolbar folds
 * what does not fit into "More", the canvas keeps room to work in). Below it panels would overlap.
 */
export const MIN_WINDOW_SIZE = { minWidth: 800, minHeight: 600 } as const;

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
