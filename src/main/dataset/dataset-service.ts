import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, type ErrorCode } from '../../shared/errors';
import type { DatasetSnapshot, ImageDetail, ImageEntry, LabelSource } from '../../shared/ipc/contract';
import {
  classesOf,
  imageStatus,
  type ImageDoc,
  type ImageStatus,
  type ProjectMeta,
} from '../../shared/project';
import { isInside } from '../fs/paths';
import { detectLabelSources } from '../import/detect-labels';
import type { ImageSize } from '../../shared/geometry';
import { readOrientedSize } from '../inference/image';
import { editConflict, ProjectStore, type StoreOptions } from './project-store';
import { fingerprint, type FileIdentity } from './fingerprint';
import { EXPORTS_DIR, listImages } from './scan';

/** Exports made from the app land here; the folder is never listed as part of the dataset. */
export { EXPORTS_DIR };

const shortHash = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\0')).digest('base64url').slice(0, 16);

/**
 * Stable id of a dataset folder: the same folder keeps its id across opens and restarts, two folders
 * never share one. Every save names it, so an edit made for one folder can never land in another.
 */
export const datasetIdOf = (root: string): string => shortHash('dataset', root);

/**
 * Opaque id for an image, unique across datasets: renderers and URLs see ids, never paths, and
 * `frame_0001.png` of one folder never shares an id (or a cached response) with its namesake in another.
 */
const imageIdOf = (datasetId: string, relPath: string): string => shortHash(datasetId, relPath);

/** What a person's save of one image names, besides the document: where it belongs and what it was made on. */
export interface ImageSaveRequest {
  readonly datasetId: string;
  readonly id: string;
  /** The revision of the stored document the edit was made on (0 for an image never saved). */
  readonly baseRevision: number;
  readonly doc: ImageDoc;
}

/** One opened dataset folder: its image list, annotations and where each image really is. */
export class DatasetService {
  private readonly byId = new Map<string, string>();
  private readonly ids = new Map<string, string>();
  /** Fingerprints by path, reused while the file's size and modification time stay the same. */
  private readonly identities = new Map<
    string,
    { readonly stamp: string; readonly identity: FileIdentity }
  >();
  readonly id: string;

  private constructor(
    readonly root: string,
    readonly relPaths: readonly string[],
    readonly store: ProjectStore,
  ) {
    this.id = datasetIdOf(root);
    for (const relPath of relPaths) {
      const id = imageIdOf(this.id, relPath);
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
    // A failed open must not leave the folder locked.
    service.relinked = await relinkMoved(root, relPaths, store).catch(async (e: unknown) => {
      await store.close().catch(() => undefined);
      throw e;
    });
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
    const unreadable = this.unreadable.get(relPath)?.reason;
    const entry = {
      id: this.idFor(relPath),
      relPath,
      status: imageStatus(doc, unreadable !== undefined),
      boxes: doc?.boxes.length ?? 0,
      classIds: classesOf(doc),
      ...(unreadable !== undefined && { unreadable }),
    };
    return doc ? { ...entry, width: doc.width, height: doc.height } : entry;
  }

  /** Why each image that could not be decoded could not (found in the background pass or a batch). */
  private readonly unreadable = new Map<string, { readonly reason: string; readonly code: ErrorCode }>();

  /**
   * Records that an image's file cannot be decoded; its status says so until the folder opens again,
   * or, for one over the pixel limit (code image-too-large), until the limit is raised.
   */
  markUnreadable(relPath: string, reason: string, code: ErrorCode = 'image-unreadable'): void {
    if (this.ids.has(relPath)) this.unreadable.set(relPath, { reason, code });
  }

  isUnreadable(relPath: string): boolean {
    return this.unreadable.has(relPath);
  }

  /** The images marked as over the pixel limit: worth reading again when it is raised. */
  overPixelLimit(): string[] {
    return [...this.unreadable].filter(([, u]) => u.code === 'image-too-large').map(([relPath]) => relPath);
  }

  /** Takes back an image's mark: it read after all. */
  clearUnreadable(relPath: string): void {
    this.unreadable.delete(relPath);
  }

  snapshot(): DatasetSnapshot {
    return {
      datasetId: this.id,
      root: this.root,
      images: this.relPaths.map((r) => this.entry(r)),
      meta: this.store.getMeta(),
      readOnly: Object.fromEntries(this.store.readOnlyReasons()),
      // Dropped as soon as something is annotated, so that a reload does not offer them again.
      ...(this.labelSources.length > 0 && !this.annotated() && { labelSources: this.labelSources }),
    };
  }

  /**
   * An image's stored document (or an empty one), stamped with the fingerprint of the file as it is
   * now: a save must name it back, so labels drawn on a file that was replaced meanwhile are refused.
   * Labels made on an image of another size are shown read-only, never rewritten.
   */
  async image(id: string): Promise<ImageDetail> {
    const relPath = this.relPathOf(id);
    const file = await this.fileOf(id);
    const stored = this.store.get(relPath);
    const [size, identity] = await Promise.all([readOrientedSize(file), this.identityOf(relPath, file)]);
    const doc: ImageDoc = {
      ...(stored ?? { relPath, ...size, reviewed: false, boxes: [] }),
      identity,
      revision: this.store.revisionOf(relPath),
    };
    const readOnlyReason = this.store.readOnlyReasons().get(relPath) ?? resized(stored, size);
    return readOnlyReason ? { id, doc, readOnlyReason } : { id, doc };
  }

  /** The file's size and content fingerprint, read again only when its size or modification time changed. */
  private async identityOf(relPath: string, file: string): Promise<FileIdentity> {
    const info = await stat(file);
    // ctime and inode change when a file is replaced, even by a copy that keeps size and mtime.
    const stamp = `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
    const known = this.identities.get(relPath);
    if (known?.stamp === stamp) return known.identity;
    const identity = await fingerprint(file);
    this.identities.set(relPath, { stamp, identity });
    return identity;
  }

  /**
   * A person's edit of one image. Refused, with the reason, when it was made for another dataset, on
   * another file than the one now at that path, at another size, with a class the project lacks, or
   * on an older revision than the stored one (someone else saved meanwhile).
   */
  async save(
    request: ImageSaveRequest,
  ): Promise<{ readonly status: ImageStatus; readonly revision: number }> {
    const { doc } = request;
    if (request.datasetId !== this.id) {
      throw new GroundLabelError(
        'dataset-mismatch',
        `This edit of ${doc.relPath} was made in another folder than the one open now (${this.root}); it was not saved there.`,
      );
    }
    const relPath = this.relPathOf(request.id);
    if (doc.relPath !== relPath)
      throw new GroundLabelError('bad-argument', `Image ${request.id} is ${relPath}, not ${doc.relPath}`);
    const identity = await this.identityOf(relPath, await this.fileOf(request.id));
    if (doc.identity?.hash !== identity.hash || doc.identity.size !== identity.size) {
      throw new GroundLabelError(
        'dataset-mismatch',
        `${relPath} changed on disk since it was opened (it is now another file); the edit was not saved, and the image is read again.`,
      );
    }
    const stored = this.store.get(relPath);
    const expected = await readOrientedSize(await this.fileOf(request.id));
    const readOnly = resized(stored, expected);
    if (readOnly) throw new GroundLabelError('label-file-invalid', `${relPath} is read-only: ${readOnly}`);
    if (doc.width !== expected.width || doc.height !== expected.height) {
      throw new GroundLabelError(
        'dataset-mismatch',
        `The edit of ${relPath} is for a ${doc.width}×${doc.height} image, but ${relPath} is ${expected.width}×${expected.height}; it was not saved.`,
      );
    }
    const saved = await this.put({ ...doc, identity }, request.baseRevision);
    return { status: imageStatus(saved), revision: saved.revision ?? 0 };
  }

  /**
   * Stores a document written by GroundLabel itself (an import) or by `save`: its classes must be the
   * project's, so no label file ever names a class the project does not have.
   */
  async put(doc: ImageDoc, baseRevision?: number): Promise<ImageDoc> {
    // An edit made on an older version is refused as such first: reading again is its remedy, even
    // when it also names a class that a newer class list no longer has.
    const current = this.store.revisionOf(doc.relPath);
    if (baseRevision !== undefined && baseRevision !== current) {
      throw editConflict(doc.relPath, current, baseRevision, 'the image');
    }
    const classes = new Set(this.store.getMeta().classes.map((c) => c.id));
    const stray = doc.boxes.find((b) => !classes.has(b.classId));
    if (stray) {
      throw new GroundLabelError(
        'bad-argument',
        `A box of ${doc.relPath} has class id ${stray.classId}, which this project does not have; the edit was not saved.`,
      );
    }
    const identity =
      doc.identity ??
      this.store.get(doc.relPath)?.identity ??
      (await fingerprint(await this.fileOf(this.idFor(doc.relPath))));
    return this.store.putImage({ ...doc, identity }, baseRevision === undefined ? {} : { baseRevision });
  }

  /** Stores the project file; with `baseRevision`, refused when someone else wrote it since. */
  saveMeta(meta: ProjectMeta, baseRevision?: number): Promise<ProjectMeta> {
    return this.store.putMeta(meta, baseRevision === undefined ? {} : { baseRevision });
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** Why stored labels no longer fit their image: it was replaced by one of another size. */
function resized(stored: ImageDoc | undefined, file: ImageSize): string | undefined {
  if (!stored || (stored.width === file.width && stored.height === file.height)) return undefined;
  return `its labels were made on a ${stored.width}×${stored.height} image, but the file is now ${file.width}×${file.height}; they are kept as they are`;
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
