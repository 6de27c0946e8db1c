import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import {
  stageCoco,
  stageLabelme,
  stageVoc,
  stageYolo,
  type ImportFormat,
  type ImportResult,
  type SizeInfo,
  type SizeLookup,
  type SourceFile,
  type StagedImport,
} from '../../shared/formats/import';
import { listImages, toRelPath } from '../dataset/scan';
import { isInside } from '../fs/paths';
import { readOrientedSize } from '../inference/image';

export interface ImportLimits {
  /** Largest YOLO .txt, VOC .xml, data.yaml or class list read. */
  readonly labelFileBytes: number;
  /** Largest COCO JSON read (a JavaScript string holds at most about 512 M characters). */
  readonly cocoBytes: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = { labelFileBytes: 16 * 2 ** 20, cocoBytes: 256 * 2 ** 20 };

export interface LoadLabelsOptions {
  readonly format: ImportFormat;
  /** The image folder: labels pair with the images listed in it, and only with those. */
  readonly images: string;
  /**
   * COCO: the JSON file. YOLO: the dataset folder (with data.yaml, classes.txt or obj.names) or its data.yaml.
   * VOC: a folder of XML files, a VOC folder with Annotations/, or one XML file. LabelMe
   * (X-AnyLabeling): a folder of JSON files, usually the image folder itself, or one JSON file.
   */
  readonly from: string;
  /** VOC: a class list file (one name per line); by default names in order of first appearance. */
  readonly vocClasses?: string;
  /** VOC: coordinates are 0-based pixel edges instead of 1-based inclusive pixels. */
  readonly vocZeroBased?: boolean;
  /** Folders under `images` that are not part of the image set (an export folder). */
  readonly exclude?: readonly string[];
  /** List links to images outside `images` too (a YOLO export read in place links to its originals). */
  readonly followLinksOut?: boolean;
  readonly limits?: Partial<ImportLimits>;
  /** Shared size cache, so that several imports of one folder read each header once. */
  readonly sizes?: OrientedSizes;
  readonly concurrency?: number;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Oriented image sizes read from the headers (no pixel decoded), once per image. */
export class OrientedSizes {
  private readonly cache = new Map<string, Promise<SizeInfo>>();

  constructor(private readonly root: string) {}

  measure(relPath: string): Promise<SizeInfo> {
    let hit = this.cache.get(relPath);
    if (hit === undefined) {
      const file = path.resolve(this.root, relPath);
      hit = !isInside(this.root, file, { allowSame: false })
        ? Promise.resolve({ error: `${relPath} is outside the image folder` })
        : readOrientedSize(file).then(
            (size) => size,
            // The importers name the image; the reader's own messages start with its file name.
            (e: unknown) => ({ error: messageOf(e).replace(`${path.basename(file)}: `, '') }),
          );
      this.cache.set(relPath, hit);
    }
    return hit;
  }

  /** Measures `relPaths` and returns a synchronous lookup of everything measured so far. */
  async lookup(relPaths: readonly string[], concurrency = 8): Promise<SizeLookup> {
    await mapPool(relPaths, concurrency, (p) => this.measure(p));
    const done = new Map<string, SizeInfo>();
    for (const [p, v] of this.cache) done.set(p, await v);
    return (relPath) => done.get(relPath);
  }
}

const bytes = (n: number): string =>
  n >= 2 ** 20 ? `${Math.round((n / 2 ** 20) * 10) / 10} MiB` : `${n} bytes`;

const bad = (message: string) => new GroundLabelError('bad-argument', message);

type Kind = 'file' | 'folder';

async function kindOf(p: string): Promise<Kind | undefined> {
  const s = await stat(p).catch(() => null);
  return s?.isDirectory() ? 'folder' : s?.isFile() ? 'file' : undefined;
}

/** The labels' path (`--from`), resolved, with what is there; stat once for every use. */
interface LabelPath {
  readonly from: string;
  readonly kind: Kind | undefined;
}

/** What is at `--from`, for the formats that read a file or a folder. */
function mustExist(o: LoadLabelsOptions, at: LabelPath): Kind {
  if (at.kind === undefined) throw bad(`--from ${o.from} does not exist`);
  return at.kind;
}

/**
 * Reads one label file as `display`. Too large, unreadable, or a link leading outside `root`: the
 * file comes back unread with the reason, and the importer reports it if an image needs it.
 */
async function readSource(
  file: string,
  display: string,
  root: string,
  maxBytes: number,
): Promise<SourceFile> {
  try {
    const info = await lstat(file);
    if (info.isSymbolicLink()) {
      const real = await realpath(file);
      if (!isInside(await realpath(root), real))
        return { path: display, unreadable: `is a link to ${real}, outside ${root}; not read` };
    }
    const size = (await stat(file)).size;
    if (size > maxBytes)
      return {
        path: display,
        unreadable: `is ${bytes(size)}, over the ${bytes(maxBytes)} limit for a label file; not read`,
      };
    return { path: display, text: await readFile(file, 'utf8') };
  } catch (e) {
    return { path: display, unreadable: `cannot be read: ${messageOf(e)}` };
  }
}

/** Files under `dir` whose names end with `ext`, as paths relative to `dir`; hidden entries and linked folders are skipped. */
async function findFiles(dir: string, ext: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (e) {
      throw new GroundLabelError('io-failed', `Cannot read the folder ${d}: ${messageOf(e)}`, { cause: e });
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if ((e.isFile() || e.isSymbolicLink()) && e.name.toLowerCase().endsWith(ext))
        out.push(toRelPath(dir, full));
    }
  };
  await walk(dir);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function readAll(
  root: string,
  rels: readonly string[],
  display: (rel: string) => string,
  maxBytes: number,
  concurrency: number,
): Promise<SourceFile[]> {
  return mapPool(rels, concurrency, (rel) => readSource(path.join(root, rel), display(rel), root, maxBytes));
}

/** Class list files of the flat layout: labelImg and X-AnyLabeling's, then Darknet's (CVAT "YOLO 1.1"). */
const CLASS_LISTS = ['classes.txt', 'obj.names'] as const;

/**
 * The image lists a Darknet obj.data names (`train = data/train.txt`): text files of image paths
 * beside the labels, not labels. CVAT writes the paths as they will be in a Darknet data/ folder, so
 * a list is looked for at the dataset folder's root by its name.
 */
async function darknetImageLists(root: string): Promise<Set<string>> {
  const text = await readFile(path.join(root, 'obj.data'), 'utf8').catch(() => '');
  const lists = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(train|valid|test)\s*=\s*(\S.*?)\s*$/.exec(line);
    if (m) lists.add(path.posix.basename(m[2].replaceAll('\\', '/')));
  }
  return lists;
}

async function prepareYolo(
  o: LoadLabelsOptions,
  at: LabelPath,
  listing: () => Promise<string[]>,
  limits: ImportLimits,
): Promise<StagedImport> {
  const { from } = at;
  const kind = mustExist(o, at);
  const root = kind === 'folder' ? from : path.dirname(from);
  let yamlName: string | undefined;
  if (kind === 'file') yamlName = path.basename(from);
  else
    for (const n of ['data.yaml', 'data.yml'])
      if (!yamlName && (await kindOf(path.join(root, n))) === 'file') yamlName = n;
  if (kind === 'file' && !/\.ya?ml$/i.test(from))
    throw bad(`--from ${o.from}: a YOLO dataset is a folder or its data.yaml`);
  const read = (name: string) => readSource(path.join(root, name), name, root, limits.labelFileBytes);
  const dataYaml = yamlName === undefined ? undefined : await read(yamlName);
  let classesName: string | undefined;
  for (const n of CLASS_LISTS)
    if (!classesName && (await kindOf(path.join(root, n))) === 'file') classesName = n;
  const classesTxt = classesName === undefined ? undefined : await read(classesName);
  const lists = await darknetImageLists(root);
  const rels = (await findFiles(root, '.txt')).filter((r) => r !== classesName && !lists.has(r));
  const labels = await readAll(root, rels, (r) => r, limits.labelFileBytes, o.concurrency ?? 32);
  const images = path.resolve(o.images);
  const imageRootInDataset = isInside(root, images) ? toRelPath(root, images) : undefined;
  const source = {
    ...(dataYaml && { dataYaml }),
    ...(classesTxt && { classesTxt }),
    labels,
    ...(imageRootInDataset !== undefined && { imageRootInDataset }),
  };
  return stageYolo(source, await listing());
}

async function prepareCoco(
  o: LoadLabelsOptions,
  at: LabelPath,
  listing: () => Promise<string[]>,
  limits: ImportLimits,
): Promise<StagedImport> {
  const { from } = at;
  if (at.kind !== 'file') throw bad(`--from ${o.from} is not a COCO JSON file`);
  const file = await readSource(from, path.basename(from), path.dirname(from), limits.cocoBytes);
  return stageCoco(file, await listing());
}

async function prepareVoc(
  o: LoadLabelsOptions,
  at: LabelPath,
  listing: () => Promise<string[]>,
  limits: ImportLimits,
): Promise<StagedImport> {
  const { from } = at;
  const kind = mustExist(o, at);
  let classes: SourceFile | undefined;
  if (o.vocClasses !== undefined) {
    const file = path.resolve(o.vocClasses);
    if ((await kindOf(file)) !== 'file') throw bad(`--classes ${o.vocClasses} is not a file`);
    classes = await readSource(file, path.basename(file), path.dirname(file), limits.labelFileBytes);
  }
  const opts = { zeroBased: o.vocZeroBased === true, ...(classes && { classes }) };
  if (kind === 'file') {
    const file = await readSource(from, path.basename(from), path.dirname(from), limits.labelFileBytes);
    return stageVoc({ files: [file] }, await listing(), opts);
  }
  const annotationsDir = (await kindOf(path.join(from, 'Annotations'))) === 'folder' ? 'Annotations' : '';
  const base = path.join(from, annotationsDir);
  const rels = await findFiles(base, '.xml');
  const display = (r: string) => (annotationsDir ? `${annotationsDir}/${r}` : r);
  const files = await readAll(base, rels, display, limits.labelFileBytes, o.concurrency ?? 32);
  return stageVoc({ files, annotationsDir }, await listing(), opts);
}

/**
 * LabelMe embeds the whole image as base64 unless told not to; the importer never needs it, so it
 * is dropped as each file is read, and ten thousand files do not hold ten thousand images in memory.
 */
const withoutImageData = (file: SourceFile): SourceFile =>
  'text' in file
    ? { ...file, text: file.text.replace(/"imageData"\s*:\s*"[^"]*"/, '"imageData":null') }
    : file;

async function prepareLabelme(
  o: LoadLabelsOptions,
  at: LabelPath,
  listing: () => Promise<string[]>,
  limits: ImportLimits,
): Promise<StagedImport> {
  const { from } = at;
  const kind = mustExist(o, at);
  // Paths from the image folder when the files lie in it, so `sub/a.json` pairs with `sub/a.jpg`.
  const images = path.resolve(o.images);
  const base = isInside(images, from) ? images : kind === 'folder' ? from : path.dirname(from);
  const rels =
    kind === 'file'
      ? [toRelPath(base, from)]
      : (await findFiles(from, '.json')).map((r) => toRelPath(base, path.join(from, r)));
  const files = await mapPool(rels, o.concurrency ?? 32, async (rel) =>
    withoutImageData(await readSource(path.join(base, rel), rel, base, limits.labelFileBytes)),
  );
  return stageLabelme({ files }, await listing());
}

const PREPARE = { yolo: prepareYolo, coco: prepareCoco, voc: prepareVoc, labelme: prepareLabelme } as const;

/**
 * Reads labels in `format` from disk and pairs them with the images of the image folder, reading
 * each needed image's EXIF-oriented size from its header. Problems with the labels come back in the
 * result's report; only unusable arguments (a missing folder, an unknown format) throw.
 */
export async function loadLabels(o: LoadLabelsOptions): Promise<ImportResult> {
  const images = path.resolve(o.images);
  if ((await kindOf(images)) !== 'folder') throw bad(`--images ${o.images} is not a folder`);
  const prepare = Object.hasOwn(PREPARE, o.format) ? PREPARE[o.format] : undefined;
  if (prepare === undefined) throw bad(`unknown label format ${JSON.stringify(o.format)}`);
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...o.limits };
  const from = path.resolve(o.from);
  // A YOLO or VOC folder inside the image folder is not part of the image set (a YOLO export's
  // images/ holds links to the originals). A COCO file may sit among its images (Roboflow).
  const fromKind = await kindOf(from);
  const labelDir =
    o.format === 'coco' || fromKind === undefined
      ? undefined
      : fromKind === 'folder'
        ? from
        : o.format === 'yolo'
          ? path.dirname(from)
          : undefined;
  const exclude = [
    ...(o.exclude ?? []),
    ...(labelDir !== undefined && isInside(images, labelDir, { allowSame: false }) ? [labelDir] : []),
  ];
  const listing = () => listImages(images, exclude, { followLinksOut: o.followLinksOut });
  const staged = await prepare(o, { from, kind: fromKind }, listing, limits);
  const sizes = o.sizes ?? new OrientedSizes(images);
  return staged.finish(await sizes.lookup(staged.needs, o.concurrency ?? 8));
}
