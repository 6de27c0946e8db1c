import { parseDocument, YAMLError, type ErrorCode as YamlErrorCode } from 'yaml';
import { outputStems, splitExt } from '../names';
import { relPathProblem } from '../prepare';
import type { ExportBox } from '../types';
import { yoloStems } from '../yolo';
import {
  checkNames,
  decimal,
  finishWithSizes,
  fitBox,
  nothingImported,
  parseClassesTxt,
  quote,
  ReportBuilder,
  stripBom,
  textLines,
  usableImages,
  wholeNumber,
} from './common';
import type { ImportResult, SizeLookup, SourceFile, StagedImport } from './types';

/**
 * A YOLO dataset as read from its folder. Two layouts:
 * - Ultralytics: `data.yaml` names the image folders (`train`, `val`, optional `test`); labels sit
 *   where Ultralytics looks for them (the last `/images/` of the image path becomes `/labels/`).
 * - Flat (labelImg, X-AnyLabeling, CVAT "YOLO 1.1"): `classes.txt` (Darknet's `obj.names`) and one
 *   `<name>.txt` per image, mirroring the image folder.
 */
export interface YoloSource {
  readonly dataYaml?: SourceFile;
  /** The class list: `classes.txt`, or Darknet's `obj.names`. */
  readonly classesTxt?: SourceFile;
  /** Every other `.txt` file under the dataset folder, paths relative to it. */
  readonly labels: readonly SourceFile[];
  /**
   * Where the image folder lies inside the dataset folder (`''`: the same folder, `'images'`), or
   * undefined when it lies outside. Inside, labels pair with images the way Ultralytics pairs them;
   * outside (a GroundLabel export next to the original images), by the names the YOLO writer gives
   * (`labels/<split>/<stem>.txt`, collisions renamed `a_png`, `images` folders renamed `images_`).
   */
  readonly imageRootInDataset?: string;
}

type SplitKey = 'train' | 'val' | 'test';

interface SplitDir {
  readonly key: SplitKey;
  /** Image folder relative to the dataset folder, '' for the folder itself. */
  readonly dir: string;
}

interface ClassSpec {
  readonly names: readonly string[];
  /** The project class id of an id written in a label file. */
  readonly idOf: ReadonlyMap<number, number>;
  /** Where the names come from, for messages: `classes.txt`, `data.yaml names`. */
  readonly label: string;
}

interface Layout {
  readonly classes: ClassSpec;
  /** undefined: the flat layout (no data.yaml). */
  readonly splits?: readonly SplitDir[];
}

interface Row {
  readonly where: string;
  readonly classId: number;
  readonly cx: number;
  readonly cy: number;
  readonly w: number;
  readonly h: number;
}

interface Paired {
  readonly relPath: string;
  readonly file: SourceFile;
  readonly split?: 'train' | 'val';
}

const KEYS: readonly SplitKey[] = ['train', 'val', 'test'];

/**
 * The split of a folder that data.yaml lists under several keys. Exports that lack a split point its
 * key at the other's folder (`val: images/train`, or `train: images/val` when every image is in val),
 * so a folder named for one of its keys is that split; otherwise train wins, then val.
 */
function splitOfSharedFolder(keys: readonly SplitKey[], dir: string): SplitKey {
  const named = keys.find((k) => dir.split('/').includes(k));
  if (keys.length > 1 && named) return named;
  return KEYS.find((k) => keys.includes(k))!;
}

/** Ultralytics' `img2label_paths`: the last `/images/` becomes `/labels/`, the extension `.txt`. */
export function yoloLabelPath(imagePath: string): string {
  const full = `/${imagePath}`;
  const i = full.lastIndexOf('/images/');
  const swapped = i < 0 ? full : `${full.slice(0, i)}/labels/${full.slice(i + '/images/'.length)}`;
  return `${splitExt(swapped.slice(1)).stem}.txt`;
}

/** The label folder Ultralytics pairs with an image folder (`images/train` → `labels/train`). */
export function yoloLabelDir(imageDir: string): string {
  if (imageDir === '') return '';
  const full = `/${imageDir}/`;
  const i = full.lastIndexOf('/images/');
  const swapped = i < 0 ? full : `${full.slice(0, i)}/labels/${full.slice(i + '/images/'.length)}`;
  return swapped.slice(1, -1);
}

const join = (dir: string | undefined, rel: string): string => (dir ? `${dir}/${rel}` : rel);
const under = (dir: string, p: string): boolean => dir === '' || p.startsWith(`${dir}/`);

/** A `train`/`val`/`test` entry as a folder inside the dataset, or undefined (reported). */
function splitDir(raw: unknown, where: string, report: ReportBuilder): string | undefined {
  if (typeof raw !== 'string') {
    report.error(where, 'must be a folder path');
    return undefined;
  }
  let p = raw.trim().replace(/\/+$/, '');
  while (p.startsWith('./')) p = p.slice(2);
  if (p === '.') p = '';
  if (/\.txt$/i.test(p)) {
    report.error(where, `${quote(raw)} is a list of images; GroundLabel reads image folders only`);
    return undefined;
  }
  if (p === '') return '';
  const why = relPathProblem(p);
  if (why === undefined) return p;
  // Ultralytics' own fallback for Roboflow's `../train/images`: the same path inside the dataset.
  if (p.startsWith('../') && relPathProblem(p.slice(3)) === undefined) {
    report.warn(
      where,
      `${quote(raw)} leaves the dataset folder; read as "${p.slice(3)}" inside it, as Ultralytics does`,
    );
    return p.slice(3);
  }
  report.error(where, `${quote(raw)} ${why}; image folders must lie inside the dataset folder`);
  return undefined;
}

function yamlNames(value: unknown, file: string, report: ReportBuilder): ClassSpec | undefined {
  const where = `${file}: names`;
  let entries: [number, unknown][];
  if (Array.isArray(value)) entries = value.map((v, i) => [i, v]);
  else if (value !== null && typeof value === 'object') {
    entries = [];
    for (const [key, v] of Object.entries(value)) {
      const id = wholeNumber(key);
      if (id === undefined || id < 0) {
        report.error(where, `the key ${quote(key)} is not a class id (a whole number ≥ 0)`);
        return undefined;
      }
      entries.push([id, v]);
    }
    entries.sort(([a], [b]) => a - b);
  } else {
    report.error(where, 'must be a list of class names or a map {0: name, 1: name}');
    return undefined;
  }
  const raw: string[] = [];
  for (const [id, v] of entries) {
    if (typeof v === 'string') raw.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') {
      // Ultralytics takes str() of the value: Python spells booleans True and False.
      const name = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
      report.warn(
        `${where}[${id}]`,
        `${String(v)} is not a string; read as the name "${name}", as Ultralytics does`,
      );
      raw.push(name);
    } else {
      report.error(`${where}[${id}]`, 'must be a class name');
      return undefined;
    }
  }
  const names = checkNames(raw, (i) => `${where}[${entries[i][0]}]`, report);
  if (names === undefined) return undefined;
  const ids = entries.map(([id]) => id);
  if (ids.some((id, i) => id !== i)) {
    const mapping = ids.map((id, i) => `${id} → ${i} "${names[i]}"`).join(', ');
    report.warn(
      where,
      `class ids ${ids.join(', ')} are not 0…${ids.length - 1}; they keep their order and become project class ids ${mapping}`,
    );
  }
  return { names, idOf: new Map(ids.map((id, i) => [id, i])), label: `${file} names` };
}

/** YAML messages that name a piece of the file, in words that do not. */
const YAML_WORDS: Partial<Record<YamlErrorCode, string>> = {
  BAD_DQ_ESCAPE: 'an invalid escape sequence in a double-quoted string',
  BAD_SCALAR_START: 'a plain value starts with a reserved character',
  BAD_COLLECTION_TYPE: 'a tag does not fit its collection',
  TAG_RESOLVE_FAILED: 'an unknown tag',
  BAD_PROP_ORDER: 'an anchor or tag in the wrong place',
};

/**
 * Why the YAML parser refused the file, without the piece of it that the parser's message may
 * quote (`Unresolved tag: !x`, `... in YAML stream: "]"`): fixed words only, the line apart.
 */
function yamlWhy(error: unknown): string {
  const code = error instanceof YAMLError ? error.code : undefined;
  const words = code === undefined ? undefined : YAML_WORDS[code];
  if (words !== undefined) return words;
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return first.replace(/ at line \d+, column \d+:?$/, '').replace(/:\s.*$/, '');
}

function yamlValue(
  file: { path: string; text: string },
  report: ReportBuilder,
): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    // YAML 1.1 as PyYAML (and so Ultralytics) reads it: `yes`, `no`, `on`, `off` are booleans there.
    const doc = parseDocument(stripBom(file.text), { uniqueKeys: true, version: '1.1' });
    const first = doc.errors[0];
    if (first !== undefined) {
      const line = first.linePos?.[0]?.line;
      report.error(
        line === undefined ? file.path : `${file.path}:${line}`,
        `not valid YAML: ${yamlWhy(first)}`,
      );
      return undefined;
    }
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    report.error(file.path, `not valid YAML: ${yamlWhy(e)}`);
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    report.error(file.path, 'must be a mapping with train, val and names');
    return undefined;
  }
  return value as Record<string, unknown>;
}

function readDataYaml(
  file: SourceFile,
  report: ReportBuilder,
): { names?: ClassSpec; splits: SplitDir[] } | undefined {
  if ('unreadable' in file) {
    report.error(file.path, file.unreadable);
    return undefined;
  }
  const data = yamlValue(file, report);
  if (data === undefined) return undefined;
  const at = (key: string) => `${file.path}: ${key}`;
  const path = data.path;
  if (
    path !== undefined &&
    path !== null &&
    !(typeof path === 'string' && ['', '.', './'].includes(path.trim()))
  )
    report.warn(
      at('path'),
      `${quote(String(path))} is ignored; train and val are read inside the folder of ${file.path}`,
    );
  const errorsBefore = report.errors.length;
  const splits: SplitDir[] = [];
  for (const key of KEYS) {
    const v = data[key];
    if (v === undefined || v === null) continue;
    const list = Array.isArray(v) ? v : [v];
    list.forEach((entry, i) => {
      const dir = splitDir(entry, Array.isArray(v) ? `${at(key)}[${i}]` : at(key), report);
      if (dir !== undefined) splits.push({ key, dir });
    });
  }
  if (report.errors.length > errorsBefore) return undefined;
  const has = (k: SplitKey) => data[k] !== undefined && data[k] !== null;
  if (!has('train') && !has('val')) {
    report.error(file.path, 'train and val are missing; nothing says where the images are');
    return undefined;
  }
  for (const k of ['train', 'val'] as const)
    if (!has(k)) report.warn(file.path, `${k} is missing (Ultralytics requires both train and val)`);
  if (data.names === undefined || data.names === null) return { splits };
  const names = yamlNames(data.names, file.path, report);
  if (names === undefined) return undefined;
  if (data.nc !== undefined && data.nc !== names.names.length)
    report.warn(
      at('nc'),
      `is ${quote(String(data.nc))} but names lists ${names.names.length}; the names are used`,
    );
  return { names, splits };
}

function readLayout(source: YoloSource, report: ReportBuilder): Layout | undefined {
  const yaml = source.dataYaml === undefined ? undefined : readDataYaml(source.dataYaml, report);
  if (source.dataYaml !== undefined && yaml === undefined) return undefined;
  let txt: ClassSpec | undefined;
  const ct = source.classesTxt;
  if (ct !== undefined && !(yaml?.names !== undefined && 'unreadable' in ct)) {
    if ('unreadable' in ct) {
      report.error(ct.path, ct.unreadable);
      return undefined;
    }
    const names = parseClassesTxt(ct, report);
    if (names === undefined) return undefined;
    txt = { names, idOf: new Map(names.map((_, i) => [i, i])), label: ct.path };
  }
  const classes = yaml?.names ?? txt;
  if (classes === undefined) {
    const where = source.dataYaml?.path ?? 'dataset';
    report.error(where, 'no class names: data.yaml has no names and there is no classes.txt or obj.names');
    return undefined;
  }
  if (yaml?.names !== undefined && txt !== undefined && txt.names.join('\n') !== yaml.names.names.join('\n'))
    report.warn(txt.label, `differs from the names in ${source.dataYaml!.path}; those are used`);
  if (yaml !== undefined && yaml.names === undefined && txt !== undefined)
    report.warn(source.dataYaml!.path, `has no names; the names of ${txt.label} are used`);
  return { classes, splits: yaml?.splits };
}

function parseRows(
  file: { path: string; text: string },
  classes: ClassSpec,
  report: ReportBuilder,
): Row[] | undefined {
  const rows: Row[] = [];
  const seen = new Map<string, number>();
  let bad = 0;
  textLines(file.text).forEach((line, i) => {
    const text = line.trim();
    if (text === '') return;
    const where = `${file.path}:${i + 1}`;
    const cols = text.split(/\s+/);
    const fail = (why: string) => {
      report.error(where, why);
      bad += 1;
    };
    if (cols.length !== 5) {
      if (cols.length >= 7 && cols.length % 2 === 1)
        return fail(
          `${cols.length} columns: a segmentation polygon; only boxes (class cx cy w h) are imported`,
        );
      const extra =
        cols.length === 6 ? ' (a 6th column such as a score makes Ultralytics drop the image)' : '';
      return fail(
        `${cols.length} column${cols.length === 1 ? '' : 's'}, expected 5 (class cx cy w h)${extra}`,
      );
    }
    const id = wholeNumber(cols[0]);
    if (id === undefined) return fail('the class (column 1) is not a whole number');
    const classId = classes.idOf.get(id);
    if (classId === undefined)
      return fail(`class ${cols[0].length > 24 ? quote(cols[0], 24) : cols[0]} is not in ${classes.label}`);
    const values: number[] = [];
    for (const [j, name] of ['cx', 'cy', 'w', 'h'].entries()) {
      const v = decimal(cols[j + 1]);
      if (v === undefined) return fail(`${name} (column ${j + 2}) is not a number`);
      if (j >= 2 && v < 0) return fail(`${name} ${cols[j + 1]} is negative`);
      values.push(v);
    }
    const key = [classId, ...values].join(' ');
    const first = seen.get(key);
    if (first !== undefined) report.warn(where, `repeats line ${first} (both are kept)`);
    else seen.set(key, i + 1);
    rows.push({ where, classId, cx: values[0], cy: values[1], w: values[2], h: values[3] });
  });
  if (bad === 0) return rows;
  report.error(
    file.path,
    `${bad} bad line${bad === 1 ? '' : 's'}; its image is left out of the import (the file is not changed)`,
  );
  return undefined;
}

/** Pairs label files with images; the images left unpaired are unlabeled. */
function pair(
  source: YoloSource,
  layout: Layout,
  images: readonly string[],
  rejected: Set<string>,
  report: ReportBuilder,
): Paired[] {
  const skip = new Set([source.dataYaml?.path, source.classesTxt?.path]);
  const files = new Map(source.labels.filter((f) => !skip.has(f.path)).map((f) => [f.path, f]));
  const prefix = source.imageRootInDataset;
  const paired: Paired[] = [];
  const used = new Set<string>();
  const owner = new Map<string, string>();
  const take = (relPath: string, path: string, split?: 'train' | 'val') => {
    const file = files.get(path);
    if (file === undefined) return;
    const first = owner.get(path);
    if (first !== undefined) {
      // Ultralytics would give a.jpg and a.png in one folder the same labels.
      report.error(path, `pairs with both ${first} and ${relPath}; both are left out of the import`);
      rejected.add(first);
      rejected.add(relPath);
      return;
    }
    owner.set(path, relPath);
    used.add(path);
    paired.push({ relPath, file, ...(split && { split }) });
  };
  const splits = layout.splits;
  let inTest = 0;
  if (splits === undefined) {
    const stems = outputStems(images);
    for (const relPath of images) take(relPath, join(prefix, `${stems.get(relPath)!}.txt`));
  } else if (prefix !== undefined) {
    for (const relPath of images) {
      const p = join(prefix, relPath);
      const matches = splits.filter((s) => under(s.dir, p));
      if (matches.length === 0) continue;
      const longest = Math.max(...matches.map((s) => s.dir.length));
      const key = splitOfSharedFolder(
        matches.filter((s) => s.dir.length === longest).map((s) => s.key),
        matches.find((s) => s.dir.length === longest)!.dir,
      );
      const before = paired.length;
      take(relPath, yoloLabelPath(p), key === 'test' ? undefined : key);
      if (key === 'test' && paired.length > before) inTest += 1;
    }
  } else {
    const stems = yoloStems(images);
    const keysOf = new Map<string, SplitKey[]>();
    for (const s of splits)
      keysOf.set(yoloLabelDir(s.dir), [...(keysOf.get(yoloLabelDir(s.dir)) ?? []), s.key]);
    const dirs = new Map([...keysOf].map(([dir, keys]) => [dir, splitOfSharedFolder(keys, dir)] as const));
    for (const relPath of images) {
      const found = [...dirs].filter(([dir]) => files.has(join(dir, `${stems.get(relPath)!}.txt`)));
      if (found.length > 1) {
        const paths = found.map(([dir]) => join(dir, `${stems.get(relPath)!}.txt`));
        for (const p of paths) used.add(p);
        report.error(relPath, `has labels in ${paths.join(' and ')}; the image is left out of the import`);
        rejected.add(relPath);
        continue;
      }
      if (found.length === 0) continue;
      const [dir, key] = found[0];
      take(relPath, join(dir, `${stems.get(relPath)!}.txt`), key === 'test' ? undefined : key);
      if (key === 'test') inTest += 1;
    }
  }
  if (inTest > 0)
    report.warn(
      `${source.dataYaml?.path ?? 'data.yaml'}: test`,
      `${inTest} image${inTest === 1 ? ' of the test split is' : 's of the test split are'} imported without a split (GroundLabel keeps train and val; the writers put them in train)`,
    );
  const labelDirs = splits === undefined ? [''] : splits.map((s) => yoloLabelDir(s.dir));
  for (const [path, file] of files) {
    if (used.has(path) || 'unreadable' in file || !labelDirs.some((d) => under(d, path))) continue;
    report.notFound('warn', path, 'no image of the image folder pairs with this label file; it is skipped');
  }
  return paired;
}

/** Reads what does not depend on image sizes; `finish` converts the boxes with the oriented sizes. */
export function stageYolo(source: YoloSource, imageListing: readonly string[]): StagedImport {
  const staged = new ReportBuilder();
  const images = usableImages(imageListing, staged);
  const layout = readLayout(source, staged);
  if (layout === undefined) return { needs: [], finish: () => nothingImported(images, staged.clone()) };
  const rejected = new Set<string>();
  const parsed: { relPath: string; path: string; rows: Row[]; split?: 'train' | 'val' }[] = [];
  for (const p of pair(source, layout, images, rejected, staged)) {
    const file = p.file;
    if ('unreadable' in file) {
      staged.error(file.path, `${file.unreadable}; ${p.relPath} is left out of the import`);
      rejected.add(p.relPath);
      continue;
    }
    const rows = parseRows(file, layout.classes, staged);
    if (rows === undefined) rejected.add(p.relPath);
    else parsed.push({ relPath: p.relPath, path: file.path, rows, ...(p.split && { split: p.split }) });
  }
  return finishWithSizes(images, layout.classes.names, staged, rejected, parsed, (p, size, report) => {
    if (size === undefined || 'error' in size) {
      const why = size === undefined ? `the size of ${p.relPath} is unknown` : `${p.relPath}: ${size.error}`;
      report.error(
        p.path,
        `${why}; YOLO boxes cannot be put in pixels without it, so the image is left out of the import`,
      );
      return undefined;
    }
    const boxes: ExportBox[] = [];
    for (const r of p.rows) {
      const raw = {
        x1: (r.cx - r.w / 2) * size.width,
        y1: (r.cy - r.h / 2) * size.height,
        x2: (r.cx + r.w / 2) * size.width,
        y2: (r.cy + r.h / 2) * size.height,
      };
      const box = fitBox(raw, size, report, r.where);
      if (box !== undefined) boxes.push({ classId: r.classId, ...box });
    }
    return { boxes, size, ...(p.split && { split: p.split }) };
  });
}

/** Imports a YOLO dataset; `sizes` gives the oriented size of each image with a label file. */
export function importYolo(source: YoloSource, images: readonly string[], sizes: SizeLookup): ImportResult {
  return stageYolo(source, images).finish(sizes);
}
