import type { Box, ImageSize } from '../../geometry';
import { splitExt } from '../names';
import { byCodeUnits, hasUnsafeChars } from '../prepare';
import { jsonSyntaxError, quote, ReportBuilder, stripBom, usableImages } from './common';
import { claimImage, finishPerImage, type NamedBox, type PerImageFile } from './per-image';
import type { ImportResult, SizeLookup, SourceFile, StagedImport } from './types';

/** LabelMe / X-AnyLabeling: one JSON file per image, usually beside it. */
export interface LabelmeSource {
  /** The JSON files, paths relative to the folder they were read from (forward slashes), e.g. `sub/a.json`. */
  readonly files: readonly SourceFile[];
}

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short rendering of a JSON value for a message; never stringifies a nested value (no deep recursion). */
const shown = (v: unknown): string =>
  typeof v === 'string' ? quote(v) : Array.isArray(v) ? '[…]' : isObject(v) ? '{…}' : String(v);

/** Reads a LabelMe file's fields, reporting each problem at `file: shapes[2].points[1][0]`. */
class Reader {
  bad = 0;

  constructor(
    readonly path: string,
    readonly report: ReportBuilder,
  ) {}

  fail(field: string, text: string): undefined {
    this.report.error(`${this.path}: ${field}`, text, ' ');
    this.bad += 1;
    return undefined;
  }
}

/** The top-level object, or why the file is not a LabelMe file (with a syntax error's line when known). */
function parseLabelme(path: string, text: string): { root: JsonObject } | { where: string; why: string } {
  const body = stripBom(text);
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (e) {
    const { line, why } = jsonSyntaxError(body, e);
    return { where: line === undefined ? path : `${path}:${line}`, why };
  }
  if (!isObject(root)) return { where: path, why: 'not a LabelMe file (the top level is not an object)' };
  if (!Array.isArray(root.shapes))
    return { where: path, why: 'not a LabelMe file (there is no "shapes" list)' };
  return { root };
}

function readSize(root: JsonObject): { size?: ImageSize; sizeProblem?: string } {
  const dims: number[] = [];
  for (const key of ['imageWidth', 'imageHeight']) {
    const v = root[key];
    if (v === undefined || v === null) return { sizeProblem: `${key} is missing` };
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      return { sizeProblem: `${key} ${shown(v)} is not a size` };
    dims.push(v);
  }
  return { size: { width: dims[0], height: dims[1] } };
}

/** A rectangle's box: min/max over its points (LabelMe writes 2 corners, X-AnyLabeling 4, any order). */
function readBox(v: unknown, field: string, r: Reader): Box | undefined {
  if (v === undefined) return r.fail(field, 'is missing');
  if (!Array.isArray(v)) return r.fail(field, 'must be a list of [x, y] points');
  if (v.length < 2)
    return r.fail(field, `has ${v.length} point${v.length === 1 ? '' : 's'}; a rectangle needs 2 or more`);
  const b = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  for (let k = 0; k < v.length; k += 1) {
    // The first bad point only: a long broken list would otherwise flood the report.
    const p: unknown = v[k];
    if (!Array.isArray(p) || p.length !== 2) return r.fail(`${field}[${k}]`, 'must be an [x, y] pair');
    // JSON.parse turns 1e999 into Infinity: finite numbers only.
    const bad = [0, 1].find((i) => typeof p[i] !== 'number' || !Number.isFinite(p[i]));
    if (bad !== undefined) return r.fail(`${field}[${k}][${bad}]`, 'must be a number');
    const [x, y] = p as [number, number];
    b.x1 = Math.min(b.x1, x);
    b.x2 = Math.max(b.x2, x);
    b.y1 = Math.min(b.y1, y);
    b.y2 = Math.max(b.y2, y);
  }
  return b;
}

/** A rectangle, the type of a shape that is not one (`{ other }`), or undefined after an error. */
function readShape(v: unknown, j: number, r: Reader): NamedBox | { other: string } | undefined {
  const field = `shapes[${j}]`;
  if (!isObject(v)) return r.fail(field, 'must be an object');
  const type = v.shape_type ?? 'polygon'; // what LabelMe assumes when it is missing
  if (typeof type !== 'string') return r.fail(`${field}.shape_type`, 'must be a string');
  if (type !== 'rectangle') return { other: type };
  const bad = r.bad;
  const label = v.label;
  const name = typeof label === 'string' ? label.trim() : undefined;
  if (label === undefined) r.fail(`${field}.label`, 'is missing');
  else if (name === undefined) r.fail(`${field}.label`, 'must be a string');
  else if (name === '') r.fail(`${field}.label`, 'is empty');
  else if (hasUnsafeChars(name))
    r.fail(`${field}.label`, `${quote(name)} contains a line break or control character`);
  const d = v.difficult;
  if (d !== undefined && d !== null && typeof d !== 'boolean')
    r.fail(`${field}.difficult`, 'must be true or false');
  const box = readBox(v.points, `${field}.points`, r);
  if (r.bad > bad || name === undefined || box === undefined) return undefined;
  return { where: `${r.path}: ${field}.points`, name, box, difficult: d === true };
}

/** imagePath relative to the JSON file's folder; undefined when absolute or outside the folder read. */
function resolveImagePath(jsonPath: string, imagePath: string): string | undefined {
  const p = imagePath.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return undefined;
  const out = jsonPath.split('/').slice(0, -1);
  for (const seg of p.split('/')) {
    if (seg === '..') {
      if (out.pop() === undefined) return undefined;
    } else if (seg !== '' && seg !== '.') out.push(seg);
  }
  return out.join('/');
}

/** Reads what does not depend on image sizes; `finish` clips the boxes to the oriented sizes. */
export function stageLabelme(source: LabelmeSource, imageListing: readonly string[]): StagedImport {
  const staged = new ReportBuilder();
  const images = usableImages(imageListing, staged);
  const inFolder = new Set(images);
  // LabelMe names the file after its image minus the extension, so a.jpg and a.png would share a.json.
  const byStem = new Map<string, string[]>();
  for (const relPath of images) {
    const { stem } = splitExt(relPath);
    byStem.set(stem, [...(byStem.get(stem) ?? []), relPath]);
  }
  const rejected = new Set<string>();
  const owner = new Map<string, string>();
  const files: PerImageFile[] = [];
  const sorted = [...source.files].sort((a, b) => byCodeUnits(a.path, b.path));
  for (const file of sorted) {
    const key = file.path.replace(/\.json$/i, '');
    const beside = byStem.get(key) ?? [];
    // Not readable as LabelMe: refused when it sits where an image's labels belong, else skipped,
    // since other JSON files (a COCO file, notes) may share an image folder.
    const unusable = (where: string, why: string) => {
      if (beside.length === 0) staged.warn(where, `${why}; no image is called ${key}.*, so it is skipped`);
      else if (beside.length > 1)
        staged.error(where, `${why}; it is not read (${beside.length} images are called ${key}.*)`);
      else {
        staged.error(where, `${why}; ${beside[0]} is left out of the import (the file is not changed)`);
        rejected.add(beside[0]);
      }
    };
    if ('unreadable' in file) {
      unusable(file.path, file.unreadable);
      continue;
    }
    const parsed = parseLabelme(file.path, file.text);
    if (!('root' in parsed)) {
      unusable(parsed.where, parsed.why);
      continue;
    }
    const root = parsed.root;
    const shapeList = root.shapes as readonly unknown[];
    const r = new Reader(file.path, staged);
    const ip = root.imagePath ?? undefined;
    if (ip !== undefined && typeof ip !== 'string') r.fail('imagePath', 'must be a string');
    const imagePath = typeof ip === 'string' ? ip : undefined;
    const target = imagePath === undefined ? undefined : resolveImagePath(file.path, imagePath);
    const named = target !== undefined && inFolder.has(target) ? target : undefined;
    if (named !== undefined && beside.length > 0 && !beside.includes(named))
      staged.warn(
        file.path,
        `imagePath ${quote(imagePath!)} names ${named}; paired with it, not with ${beside.join(' or ')} of the same name`,
      );
    const { size, sizeProblem } = readSize(root);
    const shapes: NamedBox[] = [];
    const others: string[] = [];
    shapeList.forEach((v, j) => {
      const s = readShape(v, j, r);
      if (s !== undefined && 'other' in s) others.push(s.other);
      else if (s !== undefined) shapes.push(s);
    });
    const relPath = named ?? (beside.length === 1 ? beside[0] : undefined);
    if (relPath === undefined && beside.length > 1) {
      const why =
        imagePath !== undefined
          ? `imagePath ${quote(imagePath)} does not name one of them`
          : 'there is no imagePath to choose one';
      staged.error(
        file.path,
        `${beside.length} images are called ${key}.* (${beside.join(', ')}); ${why}, so the file is left out`,
      );
      continue;
    }
    if (relPath === undefined) {
      staged.notFound(
        'error',
        file.path,
        `no image in the image folder for it (looked for ${key}.* and ${quote(target ?? imagePath ?? '')})`,
      );
      continue;
    }
    if (!claimImage(owner, relPath, file.path, staged, rejected)) continue;
    if (r.bad > 0) {
      staged.error(
        file.path,
        `${r.bad} error${r.bad === 1 ? '' : 's'}; ${relPath} is left out of the import (the file is not changed)`,
      );
      rejected.add(relPath);
      continue;
    }
    if (others.length > 0) {
      const types = [...new Set(others)];
      const list =
        types
          .slice(0, 5)
          .map((t) => (/^[\w-]{1,40}$/.test(t) ? t : quote(t)))
          .join(', ') + (types.length > 5 ? ', …' : '');
      staged.warn(
        file.path,
        others.length === 1
          ? `1 shape is not a rectangle (${list}) and is left out`
          : `${others.length} shapes are not rectangles (${list}) and are left out`,
      );
    }
    files.push({
      path: file.path,
      relPath,
      boxes: shapes,
      ...(size && { size }),
      ...(sizeProblem && { sizeProblem }),
    });
  }
  return finishPerImage(images, staged, files, rejected, undefined, {
    missing: 'imageWidth is missing',
    says: 'imageWidth×imageHeight say',
  });
}

/** Imports LabelMe / X-AnyLabeling JSON files; `sizes` gives oriented sizes (undefined: trust imageWidth/imageHeight). */
export function importLabelme(
  source: LabelmeSource,
  images: readonly string[],
  sizes: SizeLookup,
): ImportResult {
  return stageLabelme(source, images).finish(sizes);
}
