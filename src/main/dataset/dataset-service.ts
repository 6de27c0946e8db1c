import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError } from '../../shared/errors';
import type { DatasetSnapshot, ImageDetail, ImageEntry, LabelSource } from '../../shared/ipc/contract';
import { imageStatus, type ImageDoc, type ImageStatus, type ProjectMeta } from '../../shared/project';
import { isInside } from '../fs/paths';
import { detectLabelSources } from '../import/detect-labels';
import { readOrientedSize } from '../inference/image';
import { ProjectStore, type StoreOptions } from './project-store';
import { fingerprint } from './fingerprint';
import { listImages } from './scan';

/** Exports made from the app land here; the folder is never listed as part of the dataset. */
export const EXPORTS_DIR = 'exports';

/** Opaque, stable id for an image: renderers and URLs see ids, never paths. */
const idOf = (relPath: string): string =>
  createHash('sha256').update(relPath).digest('base64url').slice(0, 16);

/** One opened dataset folder: its image list, annotations and where each image really is. */
export class DatasetService {
  private readonly byId = new Map<string, string>();
  private readonly ids = new Map<string, string>();

  private constructor(
    readonly root: string,
    readonly relPaths: readonly string[],
    readonly store: ProjectStore,
  ) {
    for (const relPath of relPaths) {
      const id = idOf(relPath);
      this.byId.set(id, relPath);
      this.ids.set(relPath, id);
    }
  }

  static async open(folder: string, options: StoreOptions = {}): Promise<DatasetService> {
    const info = await stat(folder).catch(() => null);
    if (!info?.isDirectory()) throw new GroundLabelError('image-not-found', `${folder} is not a folder`);
    const root = await realpath(folder);
    const relPaths = await listImages(root, [path.join(root, EXPORTS_DIR)]);
    const store = await ProjectStore.open(root, options);
    const service = new DatasetService(root, relPaths, store);
    service.relinked = await relinkMoved(root, relPaths, store);
    // Looked for only in a fresh project: a folder labelled here already is not offered its old labels.
    if (!service.annotated())
      service.labelSources = await detectLabelSources(root, relPaths, { skipAtRoot: [EXPORTS_DIR] }).catch(
        () => [],
      );
    return service;
  }

  /** Labels that followed their image to a new path at open (renamed or moved inside the dataset). */
  relinked: readonly { readonly from: string; readonly to: string }[] = [];

  /** Labels another tool left in the folder, found at open when the project had no annotations. */
  labelSources: readonly LabelSource[] = [];

  /** Whether any image has boxes or was reviewed. */
  annotated(): boolean {
    for (const doc of this.store.entries().values()) if (doc.reviewed || doc.boxes.length > 0) return true;
    return false;
  }

  idFor(relPath: string): string {
    const id = this.ids.get(relPath);
    if (!id) throw new GroundLabelError('image-not-found', `${relPath} is not an image of ${this.root}`);
    return id;
  }

  relPathOf(id: string): string {
    const relPath = this.byId.get(id);
    if (!relPath) throw new GroundLabelError('image-not-found', `No image with id ${id} in ${this.root}`);
    return relPath;
  }

  /** The file behind an id, with links resolved, refused if it lies outside the dataset. */
  async fileOf(id: string): Promise<string> {
    const file = path.join(this.root, ...this.relPathOf(id).split('/'));
    const real = await realpath(file).catch(() => {
      throw new GroundLabelError('image-not-found', `${file} no longer exists`);
    });
    if (!isInside(this.root, real))
      throw new GroundLabelError('forbidden', `${file} points outside the dataset`);
    return real;
  }

  entry(relPath: string): ImageEntry {
    const doc = this.store.get(relPath);
    const entry = {
      id: this.idFor(relPath),
      relPath,
      status: imageStatus(doc),
      boxes: doc?.boxes.length ?? 0,
    };
    return doc ? { ...entry, width: doc.width, height: doc.height } : entry;
  }

  snapshot(): DatasetSnapshot {
    return {
      root: this.root,
      images: this.relPaths.map((r) => this.entry(r)),
      meta: this.store.getMeta(),
      readOnly: Object.fromEntries(this.store.readOnlyReasons()),
      // Dropped as soon as something is annotated, so that a reload does not offer them again.
      ...(this.labelSources.length > 0 && !this.annotated() && { labelSources: this.labelSources }),
    };
  }

  async image(id: string): Promise<ImageDetail> {
    const relPath = this.relPathOf(id);
    const stored = this.store.get(relPath);
    const readOnlyReason = this.store.readOnlyReasons().get(relPath);
    const doc: ImageDoc = stored ?? {
      relPath,
      ...(await readOrientedSize(await this.fileOf(id))),
      reviewed: false,
      boxes: [],
    };
    return readOnlyReason ? { id, doc, readOnlyReason } : { id, doc };
  }

  async save(id: string, doc: ImageDoc): Promise<ImageStatus> {
    const relPath = this.relPathOf(id);
    if (doc.relPath !== relPath)
      throw new GroundLabelError('bad-argument', `Image ${id} is ${relPath}, not ${doc.relPath}`);
    const identity =
      doc.identity ?? this.store.get(relPath)?.identity ?? (await fingerprint(await this.fileOf(id)));
    await this.store.putImage({ ...doc, identity });
    return imageStatus(doc);
  }

  saveMeta(meta: ProjectMeta): Promise<void> {
    return this.store.putMeta(meta);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/**
 * Pairs labels whose image is gone with images that have no label, by file size and then content
 * fingerprint, and moves each label to its image's new path. Only unambiguous pairs are moved.
 */
async function relinkMoved(
  root: string,
  relPaths: readonly string[],
  store: ProjectStore,
): Promise<{ from: string; to: string }[]> {
  const listed = new Set(relPaths);
  const orphans = [...store.entries().values()].filter((d) => !listed.has(d.relPath) && d.identity);
  if (orphans.length === 0) return [];
  const bySize = new Map<number, ImageDoc[]>();
  for (const o of orphans) bySize.set(o.identity!.size, [...(bySize.get(o.identity!.size) ?? []), o]);
  const candidates = relPaths.filter((r) => !store.get(r));
  const found = new Map<string, string[]>();
  for (const relPath of candidates) {
    const file = path.join(root, ...relPath.split('/'));
    const size = (await stat(file).catch(() => null))?.size;
    const sameSize = size === undefined ? undefined : bySize.get(size);
    if (!sameSize) continue;
    const { hash } = await fingerprint(file);
    for (const o of sameSize)
      if (o.identity!.hash === hash) found.set(o.relPath, [...(found.get(o.relPath) ?? []), relPath]);
  }
  const taken = new Map<string, number>();
  for (const targets of found.values()) for (const t of targets) taken.set(t, (taken.get(t) ?? 0) + 1);
  const moves: { from: string; to: string }[] = [];
  for (const [from, targets] of found) {
    if (targets.length === 1 && taken.get(targets[0]) === 1) moves.push({ from, to: targets[0] });
  }
  for (const m of moves) await store.rename(m.from, m.to);
  return moves;
}
