import type { ImageDoc } from '../../../shared/project';
import type { StepDataset } from '../dataset-steps';

/**
 * A dataset in memory for the step tests, whose store counts revisions and refuses a write on an old
 * one as the project store does. Its listing holds one image with no document.
 */
export function memoryDataset(docs: ImageDoc[]): StepDataset & { docs: Map<string, ImageDoc> } {
  const map = new Map(docs.map((d) => [d.relPath, d]));
  const revisionOf = (relPath: string) => map.get(relPath)?.revision ?? 0;
  return {
    root: '/data',
    relPaths: [...map.keys(), 'no-doc.png'],
    docs: map,
    store: {
      get: (r) => map.get(r),
      revisionOf,
      putImage: async (d, { baseRevision } = {}) => {
        const current = revisionOf(d.relPath);
        if (baseRevision !== undefined && baseRevision !== current)
          throw new Error(`${d.relPath} is at revision ${current}, not ${baseRevision}`);
        const stored = { ...d, revision: current + 1 };
        map.set(d.relPath, stored);
        return stored;
      },
    },
  };
}
