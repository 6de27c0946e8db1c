import { z } from 'zod';
import type { ImageSize } from '../../geometry';
import { relPathProblem } from '../prepare';
import { flagsOf, type BoxFlags } from '../../project';
import type { ExportBox } from '../types';
import {
  checkNames,
  finishWithSizes,
  fitBox,
  jsonSyntaxError,
  nothingImported,
  quote,
  ReportBuilder,
  sizeText,
  stripBom,
  usableImages,
} from './common';
import type { ImportResult, SizeLookup, SourceFile, StagedImport } from './types';

/** zod reports a string given for an int as "expected number"; ids and sizes must be whole numbers. */
const int = () => z.int({ error: 'must be a whole number' });

const ImageSchema = z.looseObject({
  id: int(),
  file_name: z.string(),
  width: int().positive(),
  height: int().positive(),
});

const AnnotationSchema = z.looseObject({
  id: int(),
  image_id: int(),
  category_id: int(),
  bbox: z.tuple([z.number(), z.number(), z.number().min(0), z.number().min(0)]),
  iscrowd: z.literal([0, 1]).optional(),
  /** CVAT keeps a person's flags here; other attributes are ignored. */
  attributes: z
    .looseObject({ occluded: z.boolean().optional(), difficult: z.boolean().optional() })
    .optional()
    .catch(undefined),
});

const CategorySchema = z.looseObject({ id: int(), name: z.string() });

type Key = string | number | symbol;

/** `annotations[12].bbox[2]`, `images[0]["file name"]`. */
export function jsonPath(base: string, path: readonly Key[]): string {
  return path.reduce<string>((acc, k) => {
    if (typeof k === 'number') return `${acc}[${k}]`;
    const s = String(k);
    return /^[A-Za-z_$][\w$]*$/.test(s) ? `${acc}.${s}` : `${acc}[${JSON.stringify(s)}]`;
  }, base);
}

function valueAt(value: unknown, path: readonly Key[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Object.hasOwn(v, k) ? (v as Record<Key, unknown>)[k] : undefined;
  }
  return v;
}

const TYPE_WORDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  tuple: 'an array',
};

/** A zod issue as the end of a sentence that starts with its JSON path: `must be ≥ 0`. */
function describe(issue: z.core.$ZodIssue, value: unknown): string {
  const at = valueAt(value, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (at === undefined) return 'is missing';
      return issue.message.startsWith('must ')
        ? issue.message
        : `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small':
    case 'too_big': {
      const op = issue.code === 'too_small' ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      if (issue.origin === 'array')
        return issue.path.at(-1) === 'bbox'
          ? 'must be [x, y, width, height]'
          : `must have ${op} ${limit} items`;
      return `must be ${op} ${limit}`;
    }
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    default:
      return issue.message;
  }
}

/** Reports every issue of `schema` for `value` at `base`; the parsed value, or undefined. */
function check<T>(schema: z.ZodType<T>, value: unknown, base: string, report: ReportBuilder): T | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const issue of r.error.issues) report.error(jsonPath(base, issue.path), describe(issue, value), ' ');
  return undefined;
}

function rootArray(root: Record<string, unknown>, key: string, report: ReportBuilder): unknown[] | undefined {
  const v = Object.hasOwn(root, key) ? root[key] : undefined;
  if (Array.isArray(v)) return v;
  report.error(key, v === undefined ? 'is missing' : 'must be an array', ' ');
  return undefined;
}

interface Category {
  readonly names: readonly string[];
  readonly classOf: ReadonlyMap<number, number>;
}

function readCategories(list: readonly unknown[], report: ReportBuilder): Category | undefined {
  const before = report.errors.length;
  const ids: number[] = [];
  const raw: string[] = [];
  const firstIndex = new Map<number, number>();
  list.forEach((item, i) => {
    const c = check(CategorySchema, item, `categories[${i}]`, report);
    if (c === undefined) return;
    const first = firstIndex.get(c.id);
    if (first !== undefined)
      report.error(`categories[${i}].id`, `${c.id} is also categories[${first}].id`, ' ');
    else firstIndex.set(c.id, i);
    ids.push(c.id);
    raw.push(c.name);
  });
  if (report.errors.length > before) return undefined;
  const names = checkNames(raw, (i) => `categories[${i}].name`, report);
  if (names === undefined) return undefined;
  if (ids.some((id, i) => id !== i + 1)) {
    const mapping = ids.map((id, i) => `${id} → ${i} "${names[i]}"`).join(', ');
    report.warn(
      'categories',
      `ids ${ids.join(', ')} are not 1…${ids.length}; the categories keep their order and become project class ids ${mapping}`,
    );
  }
  return { names, classOf: new Map(ids.map((id, i) => [id, i])) };
}

interface ImageEntry {
  readonly index: number;
  readonly relPath: string;
  readonly size: ImageSize;
  readonly boxes: {
    readonly index: number;
    readonly classId: number;
    readonly bbox: readonly number[];
    readonly flags: BoxFlags;
  }[];
}

/** Reads what does not depend on image sizes; `finish` checks the sizes and clips the boxes. */
export function stageCoco(file: SourceFile, imageListing: readonly string[]): StagedImport {
  const staged = new ReportBuilder();
  const images = usableImages(imageListing, staged);
  const fail = (): StagedImport => ({ needs: [], finish: () => nothingImported(images, staged.clone()) });
  if ('unreadable' in file) {
    staged.error(file.path, file.unreadable);
    return fail();
  }
  let root: unknown;
  const body = stripBom(file.text);
  try {
    root = JSON.parse(body);
  } catch (e) {
    const { line, why } = jsonSyntaxError(body, e);
    staged.error(line === undefined ? file.path : `${file.path}:${line}`, why);
    return fail();
  }
  if (Array.isArray(root)) {
    staged.error(
      file.path,
      'is a list, not a COCO dataset (a results file [{image_id, category_id, bbox, score}] has no images or categories)',
    );
    return fail();
  }
  if (root === null || typeof root !== 'object') {
    staged.error(file.path, 'must be an object with images, annotations and categories');
    return fail();
  }
  const obj = root as Record<string, unknown>;
  const categoryList = rootArray(obj, 'categories', staged);
  const imageList = rootArray(obj, 'images', staged);
  const annotationList = rootArray(obj, 'annotations', staged);
  if (categoryList === undefined || imageList === undefined || annotationList === undefined) return fail();
  const categories = readCategories(categoryList, staged);
  if (categories === undefined) return fail();

  const inFolder = new Set(images);
  const rejected = new Set<string>();
  const byId = new Map<number, ImageEntry | number>();
  const byFile = new Map<string, number>();
  const entries: ImageEntry[] = [];
  imageList.forEach((item, i) => {
    const base = `images[${i}]`;
    const im = check(ImageSchema, item, base, staged);
    const rawId = valueAt(item, ['id']);
    const rawFile = valueAt(item, ['file_name']);
    const relPath = typeof rawFile === 'string' && inFolder.has(rawFile) ? rawFile : undefined;
    if (relPath !== undefined) {
      const first = byFile.get(relPath);
      if (first !== undefined) {
        staged.error(
          `${base}.file_name`,
          `${quote(relPath)} is also images[${first}].file_name; the image is left out of the import`,
          ' ',
        );
        rejected.add(relPath);
      } else byFile.set(relPath, i);
    }
    if (typeof rawId === 'number' && Number.isInteger(rawId)) {
      const first = byId.get(rawId);
      if (first !== undefined) {
        const firstIndex = typeof first === 'number' ? first : first.index;
        staged.error(
          `${base}.id`,
          `${rawId} is also images[${firstIndex}].id; both images are left out of the import`,
          ' ',
        );
        if (typeof first !== 'number') rejected.add(first.relPath);
        if (relPath !== undefined) rejected.add(relPath);
        return;
      }
    }
    if (im === undefined) {
      if (relPath !== undefined) rejected.add(relPath);
      if (typeof rawId === 'number' && Number.isInteger(rawId)) byId.set(rawId, i);
      return;
    }
    const why = relPathProblem(im.file_name);
    if (why !== undefined || relPath === undefined) {
      const text = `${quote(im.file_name, 200)} ${why ?? 'is not in the image folder'}; the entry and its annotations are left out`;
      if (why === undefined) staged.notFound('error', `${base}.file_name`, text, ' ');
      else staged.error(`${base}.file_name`, text, ' ');
      byId.set(im.id, i);
      return;
    }
    const entry: ImageEntry = { index: i, relPath, size: { width: im.width, height: im.height }, boxes: [] };
    byId.set(im.id, entry);
    entries.push(entry);
  });

  const annotationIds = new Map<number, number>();
  let scores = 0;
  annotationList.forEach((item, i) => {
    const base = `annotations[${i}]`;
    const a = check(AnnotationSchema, item, base, staged);
    const rawImage = valueAt(item, ['image_id']);
    const target = typeof rawImage === 'number' ? byId.get(rawImage) : undefined;
    const reject = () => {
      if (target !== undefined && typeof target !== 'number') rejected.add(target.relPath);
    };
    if (a === undefined) return reject();
    if (target === undefined) {
      staged.error(`${base}.image_id`, `${a.image_id} is not the id of an image`, ' ');
      return;
    }
    const first = annotationIds.get(a.id);
    if (first !== undefined) {
      staged.error(`${base}.id`, `${a.id} is also annotations[${first}].id`, ' ');
      return reject();
    }
    annotationIds.set(a.id, i);
    const classId = categories.classOf.get(a.category_id);
    if (classId === undefined) {
      staged.error(`${base}.category_id`, `${a.category_id} is not the id of a category`, ' ');
      return reject();
    }
    if (Object.hasOwn(a, 'score')) scores += 1;
    if (a.iscrowd === 1) {
      staged.warn(base, 'is a crowd region (iscrowd 1), not an object; it is left out', ' ');
      return;
    }
    // An entry that was refused already carries the error; its annotations go with it.
    if (typeof target !== 'number')
      target.boxes.push({ index: i, classId, bbox: a.bbox, flags: flagsOf(a.attributes ?? {}) });
  });
  if (scores > 0)
    staged.warn(
      'annotations',
      `${scores} annotation${scores === 1 ? ' has' : 's have'} a score: ground truth has none, so the scores are ignored`,
      ' ',
    );

  const accepted = entries.filter((e) => !rejected.has(e.relPath));
  return finishWithSizes(images, categories.names, staged, rejected, accepted, (e, real, report) => {
    const base = `images[${e.index}]`;
    if (real !== undefined && 'error' in real) {
      report.error(base, `${e.relPath}: ${real.error}; the image is left out of the import`);
      return undefined;
    }
    const size = real ?? e.size;
    if (size.width !== e.size.width || size.height !== e.size.height)
      report.warn(
        base,
        `says ${sizeText(e.size)} but ${e.relPath} is ${sizeText(size)} (EXIF-oriented); its boxes are clipped to ${sizeText(size)}`,
        ' ',
      );
    const boxes: ExportBox[] = [];
    for (const b of e.boxes) {
      const [x, y, w, h] = b.bbox;
      const box = fitBox(
        { x1: x, y1: y, x2: x + w, y2: y + h },
        size,
        report,
        `annotations[${b.index}].bbox`,
        ' ',
      );
      if (box !== undefined) boxes.push({ classId: b.classId, ...box, ...b.flags });
    }
    return { boxes, size };
  });
}

/**
 * Imports COCO detection JSON. `images` is the image folder's listing; `sizes` gives oriented sizes
 * (undefined: trust the JSON's width and height).
 */
export function importCoco(file: SourceFile, images: readonly string[], sizes: SizeLookup): ImportResult {
  return stageCoco(file, images).finish(sizes);
}
