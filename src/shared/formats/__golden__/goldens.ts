/// <reference types="vite/client" />
import { textOf } from '../content';
import type { ExportFormat, ExportResult } from '../types';

// Vite's raw import keeps src/shared free of node:fs, even in tests. The `.golden` suffix keeps
// Prettier (and editors' format-on-save) away from files that must stay byte for byte.
const RAW = import.meta.glob<string>('./*/**/*.golden', { query: '?raw', import: 'default', eager: true });

/** A folder of golden files: a format's export of PROJECT, or of UNSPLIT_PROJECT where it differs. */
export type GoldenSet = ExportFormat | 'coco-unsplit';

/** The golden files of one set, keyed by their path in the export folder. */
export function goldenFiles(set: GoldenSet): Record<string, string> {
  const prefix = `./${set}/`;
  const entries = Object.entries(RAW)
    .filter(([path]) => path.startsWith(prefix))
    .map(([path, content]) => [path.slice(prefix.length, -'.golden'.length), content] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The text files of an export, keyed by path, in the same order as `goldenFiles`. */
export function textFiles(result: ExportResult): Record<string, string> {
  const entries = result.files.flatMap((f) => (f.kind === 'text' ? [[f.path, textOf(f.content)] as const] : []));
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}
