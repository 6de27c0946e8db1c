import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SECURE_WEB_PREFERENCES } from './window-options';

/** Each `webPreferences: { … }` written in a source file, as the names of what it spreads and sets. */
function webPreferencesLiterals(file: URL): { spreads: string[]; sets: string[] }[] {
  const source = ts.createSourceFile(file.pathname, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: { spreads: string[]; sets: string[] }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isPropertyAssignment(node) &&
      node.name.getText(source) === 'webPreferences' &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      const { properties } = node.initializer;
      found.push({
        spreads: properties.filter(ts.isSpreadAssignment).map((p) => p.expression.getText(source)),
        sets: properties.filter((p) => !ts.isSpreadAssignment(p)).map((p) => p.name?.getText(source) ?? '?'),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

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

  it('is what the app window gets, with only the preload added and nothing overridden', () => {
    // The Electron spec reads the window's live preferences; this holds where Electron cannot run.
    expect(webPreferencesLiterals(new URL('./index.ts', import.meta.url))).toEqual([
      { spreads: ['SECURE_WEB_PREFERENCES'], sets: ['preload'] },
    ]);
  });
});
