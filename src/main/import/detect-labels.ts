import type { Dirent } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { LabelSource } from '../../shared/ipc/contract';

export interface DetectOptions {
  /** Folders below the root looked into (the root is depth 0). */
  readonly maxDepth?: number;
  /** Directory entries read in all; a huge tree is looked at only in part. */
  readonly maxEntries?: number;
  /** Folder names at the root that hold no source labels (the app's own exports). */
  readonly skipAtRoot?: readonly string[];
}

const HEAD_BYTES = 16 * 1024;
const TAIL_BYTES = 4 * 1024;

/** A folder met in the walk: what sits directly in it, by kind. */
interface Folder {
  readonly rel: string;
  readonly names: string[];
  readonly subdirs: string[];
}

const join = (dir: string, name: string): string => (dir ? `${dir}/${name}` : name);
const stemOf = (rel: string): string => rel.replace(/\.[^./]*$/, '');
const under = (rel: string, dir: string): boolean => dir === '' || rel.startsWith(`${dir}/`);
const ext = (name: string): string => path.extname(name).toLowerCase();

/** The first bytes (and, when asked, the last) of a file as text; never the whole of a large file. */
async function peek(file: string, tail = 0): Promise<{ text: string; size: number } | null> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    let text = head.toString('utf8');
    if (tail > 0 && size > head.length) {
      const end = Buffer.alloc(Math.min(size - head.length, tail));
      await handle.read(end, 0, end.length, size - end.length);
      text += `\n${end.toString('utf8')}`;
    }
    return { text, size };
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** Breadth first, so that a deep tree spends the entry budget near the root. Links are not followed. */
async function walk(root: string, o: Required<DetectOptions>): Promise<Folder[]> {
  const out: Folder[] = [];
  let queue = [''];
  let entries = 0;
  for (let depth = 0; depth <= o.maxDepth && queue.length > 0; depth++) {
    const next: string[] = [];
    for (const rel of queue) {
      if (entries >= o.maxEntries) return out;
      let items: Dirent[];
      try {
        items = await readdir(path.join(root, rel), { withFileTypes: true });
      } catch {
        continue;
      }
      entries += items.length;
      const folder: Folder = { rel, names: [], subdirs: [] };
      for (const e of items) {
        // Hidden folders hold the app's own store (.groundlabel) and tools' caches, never labels to import.
        if (e.name.startsWith('.')) continue;
        if (e.isDirectory()) {
          if (rel === '' && o.skipAtRoot.includes(e.name)) continue;
          folder.subdirs.push(e.name);
          next.push(join(rel, e.name));
        } else if (e.isFile()) folder.names.push(e.name);
      }
      out.push(folder);
    }
    queue = next;
  }
  return out;
}

/** How sure a source is: a format's own manifest beats files that merely sit beside the images. */
type Found = LabelSource & { readonly tier: number; readonly count: number };

/**
 * Finds label files in a dataset folder that the importers read: YOLO (data.yaml with names, or
 * classes.txt or obj.names with label files), COCO (a JSON at the root or in annotations/ that
 * starts like COCO), Pascal VOC (Annotations/ or XML files beside the images) and LabelMe /
 * X-AnyLabeling (JSON files beside the images). Cheap: a bounded walk, and only the head of a few
 * files is read. Paths come back relative to `root` ('.' for the root), most likely first.
 */
export async function detectLabelSources(
  root: string,
  relPaths: readonly string[],
  options: DetectOptions = {},
): Promise<LabelSource[]> {
  const o: Required<DetectOptions> = { maxDepth: 4, maxEntries: 20_000, skipAtRoot: [], ...options };
  const folders = await walk(root, o);
  const files = folders.flatMap((f) => f.names.map((n) => join(f.rel, n)));
  const imageStems = new Set(relPaths.map(stemOf));
  const txt = files.filter((f) => ext(f) === '.txt' && path.posix.basename(f) !== 'classes.txt');
  const found: Found[] = [];
  const add = (
    format: LabelSource['format'],
    rel: string,
    evidence: LabelSource['evidence'],
    tier: number,
    count: number,
  ) => found.push({ format, path: rel || '.', evidence, tier, count });

  // A YOLO label file sits in a labels/ folder or beside its image; other .txt files are notes.
  const yoloTxt = txt.filter((t) => t.split('/').includes('labels') || imageStems.has(stemOf(t)));

  for (const f of folders) {
    const labelFiles = yoloTxt.filter((t) => under(t, f.rel)).length;
    // YOLO, Ultralytics layout: a yaml manifest that names the classes.
    let yaml = false;
    // data.yaml first, then the other yaml files by name (sort is stable).
    const yamls = f.names.filter((n) => /\.ya?ml$/i.test(n)).sort();
    yamls.sort((a, b) => Number(/^data\./.test(b)) - Number(/^data\./.test(a)));
    for (const name of yamls) {
      const head = await peek(path.join(root, f.rel, name));
      if (!head || !/^names\s*:/m.test(head.text) || labelFiles === 0) continue;
      add('yolo', join(f.rel, name), { kind: 'manifest', file: name, files: labelFiles }, 2, labelFiles);
      yaml = true;
      break;
    }
    // YOLO, flat layout (labelImg, X-AnyLabeling; Darknet's obj.names from CVAT "YOLO 1.1"): the class
    // list with labels/ or .txt beside the images.
    const classList = ['classes.txt', 'obj.names'].find((n) => f.names.includes(n));
    if (!yaml && classList && labelFiles > 0)
      add('yolo', f.rel, { kind: 'manifest', file: classList, files: labelFiles }, 1, labelFiles);
    // COCO: one JSON at the root or in annotations/ (CVAT, Label Studio, Roboflow).
    if (f.rel === '' || f.rel === 'annotations') {
      for (const name of f.names.filter((n) => ext(n) === '.json').sort()) {
        const file = join(f.rel, name);
        const peeked = await peek(path.join(root, file), TAIL_BYTES);
        // The annotations array often starts past the head; a COCO file's images carry file_name.
        if (
          peeked &&
          /"images"\s*:/.test(peeked.text) &&
          /"(annotations|categories|file_name)"\s*:/.test(peeked.text)
        )
          add('coco', file, { kind: 'json', file: name, bytes: peeked.size }, 2, 0);
      }
    }
    // Pascal VOC: a VOC folder's Annotations/.
    if (f.subdirs.includes('Annotations')) {
      const dir = join(f.rel, 'Annotations');
      const xml = files.filter((x) => ext(x) === '.xml' && under(x, dir));
      if (xml.length > 0 && (await isVoc(root, xml[0])))
        add('voc', f.rel, { kind: 'manifest', file: 'Annotations/', files: xml.length }, 2, xml.length);
    }
  }

  // Pascal VOC beside the images (labelImg, X-AnyLabeling): the XML named like its image.
  const besideXml = files.filter(
    (x) => ext(x) === '.xml' && imageStems.has(stemOf(x)) && !x.split('/').includes('Annotations'),
  );
  if (besideXml.length > 0 && (await isVoc(root, besideXml[0])))
    add('voc', '', { kind: 'beside', files: besideXml.length }, 1, besideXml.length);

  // LabelMe (X-AnyLabeling's own format): a JSON named like its image, holding "shapes".
  const besideJson = files.filter((x) => ext(x) === '.json' && imageStems.has(stemOf(x)));
  if (besideJson.length > 0 && (await isLabelme(root, besideJson[0])))
    add('labelme', '', { kind: 'beside', files: besideJson.length }, 1, besideJson.length);

  return found
    .sort((a, b) => b.tier - a.tier || b.count - a.count || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(({ format, path: p, evidence }) => ({ format, path: p, evidence }));
}

async function isLabelme(root: string, rel: string): Promise<boolean> {
  const head = await peek(path.join(root, rel));
  return head !== null && /^\s*\{/.test(head.text) && /"shapes"\s*:\s*\[/.test(head.text);
}

async function isVoc(root: string, rel: string): Promise<boolean> {
  const head = await peek(path.join(root, rel));
  return head !== null && /<annotation[\s>]/.test(head.text);
}
