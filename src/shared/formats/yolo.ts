import { Document, Scalar } from 'yaml';
import { outputStems, splitExt } from './names';
import { prepareExport, type PreparedBox, type PreparedImage } from './prepare';
import type { ExportInput, ExportResult, OutputFile } from './types';

/**
 * Ultralytics derives a label path by replacing the LAST `/images/` of the image path with
 * `/labels/`, so an image at `images/train/images/c.jpg` would look for `images/train/labels/c.txt`.
 * Folders named `images` inside the dataset are therefore renamed in the output.
 */
export const yoloDir = (segment: string): string => (segment === 'images' ? 'images_' : segment);

/** Output stems for YOLO: collision-free like every format, plus the `images` folder rename. */
export const yoloStems = (relPaths: readonly string[]): Map<string, string> =>
  outputStems(relPaths, { mapDir: yoloDir });

/** Exactly 5 columns, 6 decimals; clamping upstream keeps every value within [0, 1]. */
export function yoloRow(b: PreparedBox, width: number, height: number): string {
  const values = [
    (b.x1 + b.x2) / 2 / width,
    (b.y1 + b.y2) / 2 / height,
    (b.x2 - b.x1) / width,
    (b.y2 - b.y1) / height,
  ];
  return [String(b.classId), ...values.map((v) => v.toFixed(6))].join(' ');
}

/** An empty string for a reviewed negative: Ultralytics reads an empty file as "no objects". */
export const yoloLabel = (im: PreparedImage): string =>
  im.boxes.map((b) => `${yoloRow(b, im.width, im.height)}\n`).join('');

/** YAML 1.1 (PyYAML, which Ultralytics uses) reads `yes`, `no`, `on`, `off`, `null` as non-strings. */
const YAML_WORDS = /^(y|n|yes|no|true|false|on|off|null)$/i;
const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_ .-]*$/;

/** A name stays plain only when every YAML reader must read it back as that same string. */
function yamlName(name: string): Scalar<string> {
  const node = new Scalar(name);
  if (!PLAIN_SAFE.test(name) || YAML_WORDS.test(name)) node.type = 'QUOTE_DOUBLE';
  return node;
}

/** No `path:` key: Ultralytics then resolves train/val against the folder of data.yaml. */
export function yoloDataYaml(
  classes: readonly string[],
  splits: { readonly train: boolean; readonly val: boolean },
): string {
  // Ultralytics requires both keys and fails on an empty folder: a split with no image borrows the other's.
  const doc = new Document({
    train: splits.train || !splits.val ? 'images/train' : 'images/val',
    val: splits.val ? 'images/val' : 'images/train',
    nc: classes.length,
    names: new Map(classes.map((name, i) => [i, yamlName(name)])),
  });
  return doc.toString({ lineWidth: 0 });
}

/**
 * Ultralytics layout: data.yaml, classes.txt, `images/<split>/<stem><ext>` entries (the caller links
 * or copies them from `source`) and `labels/<split>/<stem>.txt`.
 */
export function toYolo(input: ExportInput): ExportResult {
  const prep = prepareExport(input);
  const stems = yoloStems(prep.allRelPaths);
  const splits = {
    train: prep.images.some((im) => im.split === 'train'),
    val: prep.images.some((im) => im.split === 'val'),
  };
  const files: OutputFile[] = [
    { kind: 'text', path: 'data.yaml', content: yoloDataYaml(prep.classes, splits) },
    { kind: 'text', path: 'classes.txt', content: prep.classes.map((c) => `${c}\n`).join('') },
  ];
  for (const im of prep.images) {
    const stem = stems.get(im.relPath)!;
    const ext = splitExt(im.relPath).ext;
    files.push({ kind: 'image', path: `images/${im.split}/${stem}${ext}`, source: im.relPath });
    files.push({ kind: 'text', path: `labels/${im.split}/${stem}.txt`, content: yoloLabel(im) });
  }
  return { files, problems: prep.problems };
}

/** Ultralytics label caches (`labels/train.cache`): their key ignores same-size edits, so delete them. */
export const YOLO_STALE_GLOBS: readonly string[] = ['labels/*.cache', 'labels/**/*.cache'];

export const isYoloStaleFile = (path: string): boolean => /^labels\/(?:.*\/)?[^/]*\.cache$/.test(path);
