import { chunked } from './content';
import { jsonObjectChunks, StreamedArray } from './json-chunks';
import { prepareExport, type PreparedExport, type PreparedImage } from './prepare';
import { SPLITS, type Split } from './split';
import type { ExportInput, ExportResult, OutputFile } from './types';

export interface CocoOptions {
  readonly description?: string;
  /** Written to `info.date_created`; passed in so that the same project gives the same bytes. */
  readonly dateCreated?: string;
}

export interface CocoImage {
  readonly id: number;
  readonly file_name: string;
  readonly width: number;
  readonly height: number;
}

export interface CocoAnnotation {
  readonly id: number;
  readonly image_id: number;
  readonly category_id: number;
  readonly bbox: readonly [number, number, number, number];
  readonly area: number;
  readonly iscrowd: 0;
  readonly segmentation: readonly never[];
  /**
   * A person's flags, as CVAT writes them (`attributes.occluded`); only on annotations that carry a
   * flag, so files without any stay as pycocotools' own.
   */
  readonly attributes?: { readonly occluded: boolean; readonly difficult: boolean };
}

export interface CocoCategory {
  readonly id: number;
  readonly name: string;
  readonly supercategory: string;
}

export interface CocoDataset {
  readonly info: { readonly description: string; readonly version: string; readonly date_created: string };
  readonly licenses: readonly never[];
  readonly images: readonly CocoImage[];
  readonly annotations: readonly CocoAnnotation[];
  readonly categories: readonly CocoCategory[];
}

export const COCO_FILE = 'annotations.json';
export const COCO_SPLIT_FILES: Readonly<Record<Split, string>> = {
  train: 'annotations/instances_train.json',
  val: 'annotations/instances_val.json',
};

/** Rounds to 6 decimals to drop float noise (0.1 + 0.2) and normalises -0 to 0. */
export const round6 = (v: number): number => Number(v.toFixed(6)) + 0;

/** Annotations in file order, ids from 1: pycocotools treats a matched id 0 as unmatched. */
function* cocoAnnotations(images: readonly PreparedImage[]): Generator<CocoAnnotation> {
  let id = 0;
  for (const [i, im] of images.entries()) {
    for (const b of im.boxes) {
      const w = round6(b.x2 - b.x1);
      const h = round6(b.y2 - b.y1);
      yield {
        id: (id += 1),
        image_id: i + 1,
        category_id: b.classId + 1,
        bbox: [round6(b.x1), round6(b.y1), w, h],
        area: round6(w * h),
        iscrowd: 0,
        segmentation: [],
        ...((b.difficult || b.occluded) && {
          attributes: { occluded: b.occluded, difficult: b.difficult },
        }),
      };
    }
  }
}

function* cocoImages(images: readonly PreparedImage[]): Generator<CocoImage> {
  for (const [i, im] of images.entries())
    yield { id: i + 1, file_name: im.relPath, width: im.width, height: im.height };
}

/** A JSON number as JSON.stringify writes it; JSON has no NaN or Infinity. */
const num = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');

/**
 * `nestedJson(a, depth)` of one annotation, written out by hand: JSON.stringify per item is ten
 * times slower, and COCO files hold hundreds of thousands of annotations.
 */
export function cocoAnnotationJson(a: CocoAnnotation, depth: number): string {
  const p = '  '.repeat(depth);
  const [x, y, w, h] = a.bbox;
  return `{
${p}  "id": ${num(a.id)},
${p}  "image_id": ${num(a.image_id)},
${p}  "category_id": ${num(a.category_id)},
${p}  "bbox": [
${p}    ${num(x)},
${p}    ${num(y)},
${p}    ${num(w)},
${p}    ${num(h)}
${p}  ],
${p}  "area": ${num(a.area)},
${p}  "iscrowd": 0,
${p}  "segmentation": []${
    a.attributes
      ? `,
${p}  "attributes": {
${p}    "occluded": ${a.attributes.occluded},
${p}    "difficult": ${a.attributes.difficult}
${p}  }`
      : ''
  }
${p}}`;
}

/** `nestedJson(im, depth)` of one image, by hand like `cocoAnnotationJson`. */
export function cocoImageJson(im: CocoImage, depth: number): string {
  const p = '  '.repeat(depth);
  return `{
${p}  "id": ${num(im.id)},
${p}  "file_name": ${JSON.stringify(im.file_name)},
${p}  "width": ${num(im.width)},
${p}  "height": ${num(im.height)}
${p}}`;
}

const cocoInfo = (opts: CocoOptions): CocoDataset['info'] => ({
  description: opts.description ?? 'GroundLabel export',
  version: '1.0',
  date_created: opts.dateCreated ?? '',
});

const cocoCategories = (prep: PreparedExport): CocoCategory[] =>
  prep.classes.map((name, i) => ({ id: i + 1, name, supercategory: '' }));

/**
 * The files of a COCO export and the images each holds. Unsplit, one `annotations.json`. When any
 * image is in the validation split, one file per split named as COCO's own release and the tools
 * reading it (mmdetection, detectron2, YOLOX) expect: `annotations/instances_train.json` and
 * `annotations/instances_val.json`, each a whole dataset (ids from 1, every category).
 */
export function cocoFiles(images: readonly PreparedImage[]): { path: string; images: PreparedImage[] }[] {
  if (!images.some((im) => im.split === 'val')) return [{ path: COCO_FILE, images: [...images] }];
  return SPLITS.map((split) => ({
    path: COCO_SPLIT_FILES[split],
    images: images.filter((im) => im.split === split),
  }));
}

/**
 * The dataset as an object (for tests and for callers that want to post-process it): of one split's
 * file when `split` is given, of every exported image otherwise.
 */
export function buildCoco(
  input: ExportInput,
  opts: CocoOptions = {},
  split?: Split,
): { dataset: CocoDataset; problems: ExportResult['problems'] } {
  const prep = prepareExport(input);
  const images = split ? prep.images.filter((im) => im.split === split) : prep.images;
  const dataset: CocoDataset = {
    info: cocoInfo(opts),
    licenses: [],
    images: [...cocoImages(images)],
    annotations: [...cocoAnnotations(images)],
    categories: cocoCategories(prep),
  };
  return { dataset, problems: prep.problems };
}

/** One file's JSON: the pretty-printed `buildCoco` dataset, produced in chunks as it is written. */
function cocoJson(images: readonly PreparedImage[], prep: PreparedExport, opts: CocoOptions) {
  const fields: ReadonlyArray<readonly [keyof CocoDataset, unknown]> = [
    ['info', cocoInfo(opts)],
    ['licenses', []],
    [
      'images',
      new StreamedArray(
        chunked(() => cocoImages(images)),
        cocoImageJson,
      ),
    ],
    [
      'annotations',
      new StreamedArray(
        chunked(() => cocoAnnotations(images)),
        cocoAnnotationJson,
      ),
    ],
    ['categories', cocoCategories(prep)],
  ];
  return chunked(() => jsonObjectChunks(fields));
}

/**
 * COCO detection ground truth: reviewed images (negatives with no annotations), unlabeled ones left
 * out, category_id = class id + 1, in the files `cocoFiles` names. The JSON is made in chunks as it
 * is written: 100,000 annotations never exist as objects or as one string at once.
 */
export function toCoco(input: ExportInput, opts: CocoOptions = {}): ExportResult {
  const prep = prepareExport(input);
  const files = cocoFiles(prep.images).map((f): OutputFile => ({
    kind: 'text',
    path: f.path,
    content: cocoJson(f.images, prep, opts),
  }));
  return { files, problems: prep.problems };
}
