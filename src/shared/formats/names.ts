import { byCodeUnits } from './prepare';

export interface StemParts {
  /** relPath without its extension, subfolders kept: `sub/a` for `sub/a.jpg`. */
  readonly stem: string;
  /** The extension with its dot as written (`.JPG`), or '' when there is none. */
  readonly ext: string;
}

/** Splits off the last extension; a leading dot (`.hidden`) is part of the name, not an extension. */
export function splitExt(relPath: string): StemParts {
  const slash = relPath.lastIndexOf('/');
  const dot = relPath.lastIndexOf('.');
  if (dot <= slash + 1) return { stem: relPath, ext: '' };
  return { stem: relPath.slice(0, dot), ext: relPath.slice(dot) };
}

export interface StemOptions {
  /** Rewrites each folder segment of a stem (the YOLO writer renames `images` folders). */
  readonly mapDir?: (segment: string) => string;
}

/** Windows and macOS file systems fold case (and macOS Unicode normalisation), so compare that way. */
const collisionKey = (stem: string): string => stem.normalize('NFC').toLowerCase();

function mappedStem(relPath: string, opts: StemOptions): StemParts {
  const { stem, ext } = splitExt(relPath);
  const mapDir = opts.mapDir;
  if (mapDir === undefined) return { stem, ext };
  const segments = stem.split('/');
  const dirs = segments.slice(0, -1).map(mapDir);
  return { stem: [...dirs, segments[segments.length - 1]].join('/'), ext };
}

/**
 * Output stems (`sub/a` → `labels/.../sub/a.txt`, `Annotations/sub/a.xml`) that never collide, even
 * on case-insensitive file systems. In relPath order the first image claiming a stem keeps it; every
 * other one becomes `<stem>_<ext>` (then `<stem>_<ext>_2`, `_3`, ...). Natural stems are reserved
 * first, so a real `a_png.jpg` keeps its name and the renamed `a.png` moves aside instead.
 */
export function outputStems(relPaths: readonly string[], opts: StemOptions = {}): Map<string, string> {
  const sorted = [...new Set(relPaths)].sort(byCodeUnits);
  const taken = new Set<string>();
  const result = new Map<string, string>();
  const losers: string[] = [];
  for (const relPath of sorted) {
    const { stem } = mappedStem(relPath, opts);
    const key = collisionKey(stem);
    if (taken.has(key)) losers.push(relPath);
    else {
      taken.add(key);
      result.set(relPath, stem);
    }
  }
  for (const relPath of losers) {
    const { stem, ext } = mappedStem(relPath, opts);
    const base = ext === '' ? stem : `${stem}_${ext.slice(1)}`;
    let candidate = base;
    for (let n = 2; taken.has(collisionKey(candidate)); n += 1) candidate = `${base}_${n}`;
    taken.add(collisionKey(candidate));
    result.set(relPath, candidate);
  }
  return result;
}
