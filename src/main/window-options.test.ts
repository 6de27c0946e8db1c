import { describe, expect, it } from 'vitest';
import { SECURE_WEB_PREFERENCES } from './window-options';

describe('SECURE_WEB_PREFERENCES', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, web security on, no webviews', () => {
    expect(SECURE_WEB_PREFERENCES).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});
