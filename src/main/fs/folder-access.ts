import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError } from '../../shared/errors';
import { isInside } from './paths';

/** What a path is checked for; it only changes the wording of a refusal. */
export type AccessPurpose = 'dataset' | 'import' | 'export' | 'model';

const DOING: Record<AccessPurpose, string> = {
  dataset: 'open datasets in',
  import: 'import labels from',
  export: 'export into',
  model: 'load models from',
};

/**
 * The real path of `target`, links resolved. A path that does not exist yet (an export folder about
 * to be made, a mistyped dataset) is its nearest existing ancestor's real path plus the rest, so a
 * link anywhere above it is still followed.
 */
async function realPathOf(target: string): Promise<string> {
  const missing: string[] = [];
  let at = path.resolve(target);
  for (;;) {
    try {
      return path.join(await realpath(at), ...missing.reverse());
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return path.resolve(target);
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

/**
 * The folders the app may read labels from and write into: a dataset, an import's label files and an
 * export's destination must lie inside one of them, links resolved, so that neither a mistyped path
 * nor a page that got hold of the access token can reach the rest of the disk. Browser mode fixes
 * them from its command line; the desktop app adds each folder the person picks in the system dialog.
 */
export class FolderAccess {
  private readonly folders = new Set<string>();

  /** `hint` ends a refusal: how the person allows another folder where they are. */
  constructor(
    folders: Iterable<string> = [],
    private readonly hint = 'Choose the folder with Browse… to allow it.',
  ) {
    for (const folder of folders) this.allow(folder);
  }

  /** Allows `folder` and everything below it. */
  allow(folder: string): void {
    this.folders.add(path.resolve(folder));
  }

  get roots(): readonly string[] {
    return [...this.folders];
  }

  /**
   * The real path of `target` when it lies inside an allowed folder (or is one); otherwise a
   * `forbidden` error naming the path and the allowed folders. Callers use the returned path, so a
   * link swapped in after the check cannot lead elsewhere.
   */
  async check(target: string, purpose: AccessPurpose): Promise<string> {
    const real = await realPathOf(target);
    for (const folder of this.folders) {
      if (isInside(await realPathOf(folder), real)) return real;
    }
    const where = `${path.resolve(target)} is outside the folders GroundLabel may ${DOING[purpose]}`;
    const allowed = this.folders.size ? `(${this.roots.join(', ')})` : '(none is allowed yet)';
    throw new GroundLabelError('forbidden', `${where} ${allowed}. ${this.hint}`);
  }
}
