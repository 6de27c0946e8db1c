import type { ImageSize } from '../../geometry';
import { outputStems } from '../names';
import { byCodeUnits, hasUnsafeChars } from '../prepare';
import { decimal, nothingImported, parseClassesTxt, quote, ReportBuilder, usableImages } from './common';
import { claimImage, finishPerImage, type NamedBox, type PerImageFile } from './per-image';
import type { ImportResult, SizeLookup, SourceFile, StagedImport } from './types';
import { parseXml, type XmlElement } from './xml';

/** Pascal VOC: one XML file per image. */
export interface VocSource {
  /** The XML files, paths relative to the folder they were read from (`Annotations/sub/a.xml`). */
  readonly files: readonly SourceFile[];
  /**
   * The folder (relative to the same place) whose layout mirrors the image folder: `Annotations` in
   * a VOC folder, '' when the files sit directly in the folder read.
   */
  readonly annotationsDir?: string;
}

export interface VocOptions {
  /** Coordinates are 0-based pixel edges (x1 = xmin, x2 = xmax) instead of VOC's 1-based inclusive pixels. */
  readonly zeroBased?: boolean;
  /** A class list (one name per line, like classes.txt); by default the names in order of first appearance, images in name order. */
  readonly classes?: SourceFile;
}

/** Reads a VOC file's fields, reporting each problem at `file: object[2].bndbox.xmin`. */
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

  /** The single child `name` of `el`: null when absent, undefined when repeated (reported). */
  one(el: XmlElement, name: string, field: string): XmlElement | null | undefined {
    const found = el.children.filter((c) => c.name === name);
    if (found.length > 1) return this.fail(field, `appears ${found.length} times`);
    return found[0] ?? null;
  }

  required(el: XmlElement, name: string, field: string): XmlElement | undefined {
    const c = this.one(el, name, field);
    return c === null ? this.fail(field, 'is missing') : c;
  }

  number(el: XmlElement, name: string, field: string): number | undefined {
    const c = this.required(el, name, field);
    if (c === undefined) return undefined;
    const v = decimal(c.text.trim());
    return v === undefined ? this.fail(field, 'must be a number') : v;
  }
}

function readSize(el: XmlElement, r: Reader): { size?: ImageSize; sizeProblem?: string } {
  const s = r.one(el, 'size', 'size');
  if (s === undefined) return {};
  if (s === null) return { sizeProblem: 'size is missing' };
  const dims: number[] = [];
  for (const name of ['width', 'height']) {
    const c = r.one(s, name, `size.${name}`);
    if (c === undefined) return {};
    const v = c === null ? undefined : decimal(c.text.trim());
    if (v === undefined || !Number.isInteger(v) || v <= 0)
      return {
        sizeProblem: `size.${name} ${c === null ? 'is missing' : `${quote(c.text.trim())} is not a size`}`,
      };
    dims.push(v);
  }
  return { size: { width: dims[0], height: dims[1] } };
}

function readObject(
  el: XmlElement,
  j: number,
  opts: VocOptions,
  known: readonly string[] | undefined,
  r: Reader,
): NamedBox | undefined {
  const field = `object[${j}]`;
  const bad = r.bad;
  const nameEl = r.required(el, 'name', `${field}.name`);
  const name = nameEl?.text.trim();
  if (name === '') r.fail(`${field}.name`, 'is empty');
  else if (name !== undefined && hasUnsafeChars(name))
    r.fail(`${field}.name`, `${quote(name)} contains a line break or control character`);
  else if (name !== undefined && known !== undefined && !known.includes(name))
    r.fail(`${field}.name`, `"${name}" is not in ${opts.classes?.path ?? 'the class list'}`);
  const flag = (tag: 'difficult' | 'occluded'): boolean => {
    const e = r.one(el, tag, `${field}.${tag}`);
    const t = e?.text.trim();
    if (t !== undefined && t !== '0' && t !== '1') r.fail(`${field}.${tag}`, 'must be 0 or 1');
    return t === '1';
  };
  const difficult = flag('difficult');
  const occluded = flag('occluded');
  const bb = r.required(el, 'bndbox', `${field}.bndbox`);
  const v = bb && ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => r.number(bb, k, `${field}.bndbox.${k}`));
  if (r.bad > bad || name === undefined || !v || v.some((x) => x === undefined)) return undefined;
  const [xmin, ymin, xmax, ymax] = v as number[];
  const box = opts.zeroBased
    ? { x1: xmin, y1: ymin, x2: xmax, y2: ymax }
    : { x1: xmin - 1, y1: ymin - 1, x2: xmax, y2: ymax };
  return { where: `${r.path}: ${field}.bndbox`, name, box, difficult, occluded };
}

const stripXml = (p: string): string => p.replace(/\.xml$/i, '');

/** Reads what does not depend on image sizes; `finish` clips the boxes to the oriented sizes. */
export function stageVoc(
  source: VocSource,
  imageListing: readonly string[],
  opts: VocOptions = {},
): StagedImport {
  const staged = new ReportBuilder();
  const images = usableImages(imageListing, staged);
  const fail = (): StagedImport => ({ needs: [], finish: () => nothingImported(images, staged.clone()) });
  let known: string[] | undefined;
  if (opts.classes !== undefined) {
    if ('unreadable' in opts.classes) {
      staged.error(opts.classes.path, opts.classes.unreadable);
      return fail();
    }
    known = parseClassesTxt(opts.classes, staged);
    if (known === undefined) return fail();
  }
  const inFolder = new Set(images);
  const byStem = new Map([...outputStems(images)].map(([relPath, stem]) => [stem, relPath]));
  const dir = source.annotationsDir ? `${source.annotationsDir}/` : '';
  const rejected = new Set<string>();
  const owner = new Map<string, string>();
  const files: PerImageFile[] = [];
  const sorted = [...source.files].sort((a, b) => byCodeUnits(a.path, b.path));
  for (const file of sorted) {
    const key = stripXml(file.path.startsWith(dir) ? file.path.slice(dir.length) : file.path);
    let relPath = byStem.get(key);
    const leftOut = (why: string, addImage = true) => {
      const tail =
        addImage && relPath !== undefined
          ? `; ${relPath} is left out of the import (the file is not changed)`
          : '';
      staged.error(file.path, `${why}${tail}`);
      if (relPath !== undefined) rejected.add(relPath);
    };
    if ('unreadable' in file) {
      leftOut(file.unreadable);
      continue;
    }
    const xml = parseXml(file.text);
    if (!xml.ok) {
      staged.error(`${file.path}:${xml.line}`, `not valid XML: ${xml.message}`);
      if (relPath !== undefined)
        leftOut(`${relPath} is left out of the import (the file is not changed)`, false);
      continue;
    }
    const root = xml.root;
    const r = new Reader(file.path, staged);
    if (root.name !== 'annotation') {
      leftOut(`the root element is <${root.name}>, expected <annotation>`);
      continue;
    }
    const filename = r.one(root, 'filename', 'filename')?.text.trim();
    const folder = r.one(root, 'folder', 'folder')?.text.trim();
    if (relPath === undefined && filename) {
      const inFolderPath = folder && folder !== '.' ? `${folder}/${filename}` : filename;
      relPath = [inFolderPath, filename].find((p) => inFolder.has(p));
    } else if (
      relPath !== undefined &&
      filename &&
      filename !== relPath.slice(relPath.lastIndexOf('/') + 1)
    ) {
      staged.warn(
        file.path,
        `<filename> says ${quote(filename)}; paired with ${relPath} by the name of the XML file`,
      );
    }
    const { size, sizeProblem } = readSize(root, r);
    const objects = root.children
      .filter((c) => c.name === 'object')
      .map((o, j) => readObject(o, j, opts, known, r))
      .filter((o): o is NamedBox => o !== undefined);
    if (relPath === undefined) {
      staged.notFound(
        'error',
        file.path,
        `no image in the image folder for it (looked for ${key}.* and ${quote(filename ?? '')})`,
      );
      continue;
    }
    if (!claimImage(owner, relPath, file.path, staged, rejected)) continue;
    if (r.bad > 0) {
      leftOut(`${r.bad} error${r.bad === 1 ? '' : 's'}`);
      continue;
    }
    files.push({
      path: file.path,
      relPath,
      boxes: objects,
      ...(size && { size }),
      ...(sizeProblem && { sizeProblem }),
    });
  }
  return finishPerImage(images, staged, files, rejected, known, {
    missing: 'size is missing',
    says: 'size says',
  });
}

/** Imports Pascal VOC XML files; `sizes` gives oriented sizes (undefined: trust `<size>`). */
export function importVoc(
  source: VocSource,
  images: readonly string[],
  sizes: SizeLookup,
  opts: VocOptions = {},
): ImportResult {
  return stageVoc(source, images, opts).finish(sizes);
}
