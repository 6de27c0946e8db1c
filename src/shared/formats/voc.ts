import { outputStems } from './names';
import { prepareExport, type PreparedBox, type PreparedImage } from './prepare';
import type { Split } from './split';
import type { ExportInput, ExportResult, OutputFile } from './types';

export interface VocOptions {
  /** `<folder>` of every file; by default the image's folder relative to the image root, `.` at the root. */
  readonly folder?: string;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/**
 * Float noise must not push a coordinate across a pixel edge (ceil(100.0000000001) = 101). The
 * tolerance scales with the image, as YOLO's 6 decimals leave up to ~1e-6 × W of noise.
 */
const snap = (v: number, tolerance: number): number =>
  Math.abs(v - Math.round(v)) < tolerance ? Math.round(v) : v;
const clampInt = (v: number, max: number): number => Math.min(max, Math.max(1, v));

/** 1-based inclusive pixel indices: the pixels the box touches. */
export function vocBndbox(b: PreparedBox, width: number, height: number) {
  const tol = 1e-6 * Math.max(1, width, height);
  const xmin = clampInt(Math.floor(snap(b.x1, tol)) + 1, width);
  const ymin = clampInt(Math.floor(snap(b.y1, tol)) + 1, height);
  // A sub-pixel box still covers the one pixel it starts in.
  const xmax = Math.max(xmin, clampInt(Math.ceil(snap(b.x2, tol)), width));
  const ymax = Math.max(ymin, clampInt(Math.ceil(snap(b.y2, tol)), height));
  return { xmin, ymin, xmax, ymax };
}

type Node =
  | { readonly tag: string; readonly children: readonly Node[] }
  | { readonly tag: string; readonly text: string };

const el = (tag: string, value: string | number | readonly Node[]): Node =>
  typeof value === 'object' ? { tag, children: value } : { tag, text: String(value) };

function render(node: Node, depth: number): string {
  const pad = '  '.repeat(depth);
  if ('text' in node) return `${pad}<${node.tag}>${escapeXml(node.text)}</${node.tag}>\n`;
  const inner = node.children.map((c) => render(c, depth + 1)).join('');
  return `${pad}<${node.tag}>\n${inner}${pad}</${node.tag}>\n`;
}

function objectNode(b: PreparedBox, im: PreparedImage, classes: readonly string[]): Node {
  const { xmin, ymin, xmax, ymax } = vocBndbox(b, im.width, im.height);
  return el('object', [
    el('name', classes[b.classId]),
    el('pose', 'Unspecified'),
    el('truncated', 0),
    el('difficult', b.difficult ? 1 : 0),
    // Written only when set, as VOC's own files do: most objects carry no occluded tag.
    ...(b.occluded ? [el('occluded', 1)] : []),
    el('bndbox', [el('xmin', xmin), el('ymin', ymin), el('xmax', xmax), el('ymax', ymax)]),
  ]);
}

export function vocXml(im: PreparedImage, classes: readonly string[], folder?: string): string {
  const slash = im.relPath.lastIndexOf('/');
  const annotation = el('annotation', [
    el('folder', folder ?? (slash < 0 ? '.' : im.relPath.slice(0, slash))),
    el('filename', im.relPath.slice(slash + 1)),
    el('source', [el('database', 'GroundLabel')]),
    el('size', [el('width', im.width), el('height', im.height), el('depth', 3)]),
    el('segmented', 0),
    ...im.boxes.map((b) => objectNode(b, im, classes)),
  ]);
  return `<?xml version="1.0" encoding="utf-8"?>\n${render(annotation, 0)}`;
}

/** VOC's image set lists, read by VOC tools as `Annotations/<id>.xml` for each line `<id>`. */
export const VOC_IMAGE_SETS = 'ImageSets/Main';

/**
 * The image sets of an export, as VOC's own release has them: `train.txt`, and `trainval.txt` with
 * every image; with a validation split also `val.txt`. Without one, train and trainval list the same.
 */
function imageSetFiles(images: readonly PreparedImage[], stems: ReadonlyMap<string, string>): OutputFile[] {
  const list = (subset: readonly PreparedImage[]): string =>
    subset.map((im) => `${stems.get(im.relPath)!}\n`).join('');
  const inSplit = (split: Split) => images.filter((im) => im.split === split);
  const sets: Record<string, readonly PreparedImage[]> = images.some((im) => im.split === 'val')
    ? { train: inSplit('train'), val: inSplit('val'), trainval: images }
    : { train: images, trainval: images };
  return Object.entries(sets).map(([name, subset]) => ({
    kind: 'text',
    path: `${VOC_IMAGE_SETS}/${name}.txt`,
    content: list(subset),
  }));
}

/**
 * Pascal VOC: `Annotations/<stem>.xml` for every reviewed image (no `object` for a negative), and
 * the image sets naming them by stem, split as asked.
 */
export function toVoc(input: ExportInput, opts: VocOptions = {}): ExportResult {
  const prep = prepareExport(input);
  const stems = outputStems(prep.allRelPaths);
  const files: OutputFile[] = prep.images.map((im) => ({
    kind: 'text',
    path: `Annotations/${stems.get(im.relPath)!}.xml`,
    content: vocXml(im, prep.classes, opts.folder),
  }));
  return { files: [...files, ...imageSetFiles(prep.images, stems)], problems: prep.problems };
}
