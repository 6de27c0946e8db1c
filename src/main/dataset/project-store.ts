import { describeIssues } from '../../shared/validation';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import {
  emptyProjectMeta,
  imageDocSchema,
  projectMetaSchema,
  type ImageDoc,
  type ProjectMeta,
} from '../../shared/project';
import type { SaveState } from '../../shared/ipc/contract';
import { sweepTempFiles, writeFileAtomic } from '../fs/atomic';
import { nodeFileSystem, removeIfPresent, type SaveFileSystem, type WritableFile } from '../fs/file-system';
import { isInside } from '../fs/paths';
import { DatasetLock, type LockOptions } from './dataset-lock';
import { migrateLabel, migrateProject, SCHEMA_VERSION } from './schema';
import { parseJsonText } from '../../shared/json-text';

/** Folder inside a dataset where GroundLabel keeps its files; nothing else in the dataset is written. */
export const STORE_DIR = '.groundlabel';
/** The lock file in STORE_DIR that makes one process at a time the writer of a dataset. */
export const LOCK_FILE = 'lock';
export { SCHEMA_VERSION } from './schema';

type JournalEntry =
  { t: 'image'; doc: ImageDoc } | { t: 'meta'; meta: ProjectMeta } | { t: 'remove'; relPath: string };

export interface StoreOptions {
  /** Quiet time after the last edit before label files are rewritten. */
  readonly debounceMs?: number;
  readonly onStatus?: (state: SaveState, message?: string) => void;
  /** Who takes the dataset's lock (a label for people; tests stand in for other processes). */
  readonly lock?: LockOptions;
  /** The calls that make a save durable; node:fs unless a test records them. */
  readonly fs?: SaveFileSystem;
}

/** An edit made on an older revision than the stored one: refused, and read again by its author. */
export const editConflict = (subject: string, current: number, base: number, remedy: string) =>
  new GroundLabelError(
    'edit-conflict',
    `${subject} was changed elsewhere (now at revision ${current}, this edit was made on revision ${base}); it was not saved, and ${remedy} is read again.`,
  );

/**
 * Annotations of one dataset: a project file, one label file per image, and an append-only journal.
 * An edit is acknowledged once it is in the journal (fsynced); label files are rewritten atomically
 * after a quiet moment, then the journal is emptied. At open, the journal is replayed, so a crash
 * between the two loses nothing that was acknowledged. One process at a time holds a dataset: the
 * lock is taken before the journal is read and released by close().
 */
export class ProjectStore {
  private readonly docs = new Map<string, ImageDoc>();
  private readonly readOnly = new Map<string, string>();
  private readonly dirty = new Set<string>();
  /** Revisions handed to writes still on their way to the journal. */
  private readonly claimed = new Map<string, number>();
  private claimedMeta: number | null = null;
  private readonly removed = new Set<string>();
  /** Label files read in an older format version, rewritten (after a backup) at open. */
  private readonly migrated = new Set<string>();
  private metaDirty = false;
  private timer: NodeJS.Timeout | null = null;
  /** The save state last reported through onStatus. */
  private reported: SaveState | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private journal: WritableFile | null = null;
  private closed = false;
  private readonly fs: SaveFileSystem;

  private constructor(
    readonly root: string,
    private meta: ProjectMeta,
    private readonly lock: DatasetLock,
    private readonly options: StoreOptions,
  ) {
    this.fs = options.fs ?? nodeFileSystem;
  }

  /** Set when this open took over a lock whose process was gone: what to tell the person. */
  get lockNotice(): string | null {
    return this.lock.notice;
  }

  private get dir(): string {
    return path.join(this.root, STORE_DIR);
  }
  private get journalFile(): string {
    return path.join(this.dir, 'journal.ndjson');
  }
  private labelFile(relPath: string): string {
    const file = path.join(this.dir, 'labels', ...relPath.split('/')) + '.json';
    if (!isInside(path.join(this.dir, 'labels'), file, { allowSame: false })) {
      throw new GroundLabelError('bad-argument', `Image path ${relPath} leaves the dataset`);
    }
    return file;
  }

  /** Opens the dataset's store, or throws `dataset-locked` when another process has it open. */
  static async open(root: string, options: StoreOptions = {}): Promise<ProjectStore> {
    const dir = path.join(root, STORE_DIR);
    await mkdir(path.join(dir, 'labels'), { recursive: true });
    // Before anything is read: a second writer would replay and remove the journal of the first.
    const lock = await DatasetLock.acquire(path.join(dir, LOCK_FILE), root, options.lock);
    let store: ProjectStore | null = null;
    try {
      await sweepTempFiles(dir);
      const meta = await readMeta(path.join(dir, 'project.json'));
      store = new ProjectStore(root, meta.value, lock, options);
      await store.loadLabels(path.join(dir, 'labels'));
      if (store.migrated.size > 0 || meta.from !== null)
        await store.backUpBeforeMigrating(meta.from !== null);
      await store.replayJournal();
      await store.flush();
      return store;
    } catch (e) {
      if (store?.timer) clearTimeout(store.timer);
      await store?.journal?.close().catch(() => undefined);
      await lock.release().catch(() => undefined);
      throw e;
    }
  }

  getMeta(): ProjectMeta {
    return this.meta;
  }
  get(relPath: string): ImageDoc | undefined {
    return this.docs.get(relPath);
  }
  readOnlyReasons(): ReadonlyMap<string, string> {
    return this.readOnly;
  }

  /**
   * Copies the label files and project file as they are into `backups/` before an older format is
   * rewritten, then marks them for rewriting in the current version.
   */
  private async backUpBeforeMigrating(metaOld: boolean): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const backup = path.join(this.dir, 'backups', `before-v${SCHEMA_VERSION}-${stamp}`);
    await mkdir(backup, { recursive: true });
    await cp(path.join(this.dir, 'labels'), path.join(backup, 'labels'), { recursive: true });
    if (existsSync(path.join(this.dir, 'project.json')))
      await cp(path.join(this.dir, 'project.json'), path.join(backup, 'project.json'));
    for (const relPath of this.migrated) this.dirty.add(relPath);
    this.metaDirty ||= metaOld;
  }

  /** Moves an image's annotations to a new path (the image was renamed or moved). */
  async rename(from: string, to: string): Promise<void> {
    const doc = this.docs.get(from);
    if (!doc) return;
    await this.putImage({ ...doc, relPath: to });
    await this.append({ t: 'remove', relPath: from });
    this.forget(from);
  }

  /** Every stored document, by relative path. */
  entries(): ReadonlyMap<string, ImageDoc> {
    return this.docs;
  }

  private forget(relPath: string): void {
    this.docs.delete(relPath);
    this.dirty.delete(relPath);
    this.removed.add(relPath);
    this.schedule();
  }

  /** The revision the next write of an image is checked against: the newest one handed out, durable or on its way. */
  revisionOf(relPath: string): number {
    return this.claimed.get(relPath) ?? this.docs.get(relPath)?.revision ?? 0;
  }

  /**
   * Stores an image's document as the next revision and resolves with it once it is durable in the
   * journal. With `baseRevision`, the write is refused when the stored document has moved on since
   * that revision (someone else wrote it), so an edit is never made on top of a version its author
   * did not see. The check and the claim of the next number happen before the first await, so two
   * writers racing on one image cannot both pass.
   */
  async putImage(doc: ImageDoc, options: { readonly baseRevision?: number } = {}): Promise<ImageDoc> {
    const { relPath } = doc;
    const reason = this.readOnly.get(relPath);
    if (reason) throw new GroundLabelError('label-file-invalid', `${relPath} is read-only: ${reason}`);
    this.labelFile(relPath);
    const current = this.revisionOf(relPath);
    if (options.baseRevision !== undefined && options.baseRevision !== current) {
      throw editConflict(relPath, current, options.baseRevision, 'the image');
    }
    const stored: ImageDoc = { ...doc, revision: current + 1 };
    this.claimed.set(relPath, stored.revision!);
    try {
      await this.append({ t: 'image', doc: stored });
    } catch (e) {
      if (this.claimed.get(relPath) === stored.revision) this.claimed.delete(relPath);
      throw e;
    }
    if (this.claimed.get(relPath) === stored.revision) this.claimed.delete(relPath);
    this.docs.set(relPath, stored);
    this.dirty.add(relPath);
    this.schedule();
    return stored;
  }

  /** The revision the next write of the project file is checked against (see putImage). */
  metaRevision(): number {
    return this.claimedMeta ?? this.meta.revision ?? 0;
  }

  /**
   * Stores the project file as its next revision, refused like putImage when `baseRevision` is given
   * and someone else wrote it since: a class list edited in two windows never loses one's classes.
   */
  async putMeta(meta: ProjectMeta, options: { readonly baseRevision?: number } = {}): Promise<ProjectMeta> {
    const current = this.metaRevision();
    if (options.baseRevision !== undefined && options.baseRevision !== current) {
      throw editConflict('The class list', current, options.baseRevision, 'the class list');
    }
    const stored: ProjectMeta = { ...meta, revision: current + 1 };
    this.claimedMeta = stored.revision!;
    try {
      await this.append({ t: 'meta', meta: stored });
    } finally {
      if (this.claimedMeta === stored.revision) this.claimedMeta = null;
    }
    this.meta = stored;
    this.metaDirty = true;
    this.schedule();
    return stored;
  }

  /** Writes every changed label file now, then empties the journal. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.serial(async () => {
      if (this.dirty.size === 0 && !this.metaDirty && this.removed.size === 0) return;
      try {
        for (const relPath of [...this.removed]) {
          await removeIfPresent(this.fs, this.labelFile(relPath));
          await this.fs.fsyncDir(path.dirname(this.labelFile(relPath)));
          this.removed.delete(relPath);
        }
        for (const relPath of [...this.dirty]) {
          const doc = this.docs.get(relPath);
          if (doc)
            await writeFileAtomic(
              this.labelFile(relPath),
              `${JSON.stringify({ version: SCHEMA_VERSION, ...doc })}\n`,
              { fs: this.fs },
            );
          this.dirty.delete(relPath);
        }
        if (this.metaDirty) {
          await writeFileAtomic(
            path.join(this.dir, 'project.json'),
            `${JSON.stringify({ version: SCHEMA_VERSION, ...this.meta }, null, 2)}\n`,
            { fs: this.fs },
          );
          this.metaDirty = false;
        }
        // Only once every label file above is durable may the journal that backs them go.
        await this.journal?.close();
        this.journal = null;
        await this.removeJournal();
        this.report('saved');
      } catch (e) {
        this.report('failed', messageOf(e));
        throw e;
      }
    });
  }

  /** Writes everything out and releases the dataset; a failed write is still in the journal for the next open. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.journal?.close();
      this.journal = null;
      await this.lock.release();
    }
  }

  private async removeJournal(): Promise<void> {
    await removeIfPresent(this.fs, this.journalFile);
    await this.fs.fsyncDir(this.dir);
  }

  /** Says a new save state; "saving" again while still saving says nothing new (a batch writes dozens a second). */
  private report(state: SaveState, message?: string): void {
    if (state === 'saving' && this.reported === 'saving') return;
    this.reported = state;
    this.options.onStatus?.(state, message);
  }

  private schedule(): void {
    this.report('saving');
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // A failed flush was reported through onStatus; the journal still holds the edits.
      this.flush().catch(() => undefined);
    }, this.options.debounceMs ?? 1000);
  }

  private append(entry: JournalEntry): Promise<void> {
    return this.serial(async () => {
      // After close the lock may be another process's: nothing more is written.
      if (this.closed)
        throw new GroundLabelError('dataset-not-open', `${this.root} was closed; the edit was not saved.`);
      try {
        if (!this.journal) {
          this.journal = await this.fs.open(this.journalFile, 'a');
          // The new journal's entry in the folder must be durable before an edit in it is acknowledged.
          await this.fs.fsyncDir(this.dir);
        }
        await this.journal.write(`${JSON.stringify(entry)}\n`);
        await this.journal.datasync();
      } catch (e) {
        this.report('failed', messageOf(e));
        throw new GroundLabelError(
          'io-failed',
          `Could not record the edit in ${this.journalFile}: ${messageOf(e)}`,
          { cause: e },
        );
      }
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Reads every label file under `labels/`. Small files read synchronously are several times faster
   * than through the thread pool (10,000 files: about 0.3 s against 1.5 s here), so they are read in
   * slices, yielding between slices to keep the process responsive.
   */
  private async loadLabels(labelsDir: string): Promise<void> {
    const files: string[] = [];
    const dirs = [labelsDir];
    for (let dir = dirs.pop(); dir; dir = dirs.pop()) {
      await sweepTempFiles(dir);
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) dirs.push(full);
        else if (entry.name.endsWith('.json')) files.push(full);
      }
    }
    for (let i = 0; i < files.length; i++) {
      this.loadLabel(labelsDir, files[i]);
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
  }

  private loadLabel(labelsDir: string, file: string): void {
    const relPath = path.relative(labelsDir, file).slice(0, -'.json'.length).split(path.sep).join('/');
    try {
      const { value, from } = migrateLabel(
        parseJsonText(readFileSync(file, 'utf8'), path.basename(file)),
        path.relative(this.root, file),
      );
      const doc = imageDocSchema.parse(value);
      if (doc.relPath !== relPath) throw new Error(`it names ${doc.relPath}`);
      this.docs.set(relPath, doc);
      if (from !== null) this.migrated.add(relPath);
    } catch (e) {
      // Never overwritten: the image opens read-only and the person sees why.
      this.readOnly.set(
        relPath,
        `${path.relative(this.root, file)} could not be read (${messageOf(e).split('\n')[0]})`,
      );
    }
  }

  private async replayJournal(): Promise<void> {
    if (!existsSync(this.journalFile)) return;
    const lines = (await readFile(this.journalFile, 'utf8')).split('\n');
    for (const line of lines) {
      if (!line.trim()) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // a torn last line: that edit was never acknowledged
      }
      if (entry.t === 'image') {
        const parsed = imageDocSchema.safeParse(entry.doc);
        if (parsed.success && !this.readOnly.has(parsed.data.relPath)) {
          this.docs.set(parsed.data.relPath, parsed.data);
          this.dirty.add(parsed.data.relPath);
        }
      } else if (entry.t === 'remove') {
        if (typeof entry.relPath === 'string' && !this.readOnly.has(entry.relPath))
          this.forget(entry.relPath);
      } else if (entry.t === 'meta') {
        const parsed = projectMetaSchema.safeParse(entry.meta);
        if (parsed.success) {
          this.meta = parsed.data;
          this.metaDirty = true;
        }
      }
    }
    // Replayed edits are written out by the flush that follows, which also empties the journal.
    if (this.dirty.size === 0 && !this.metaDirty && this.removed.size === 0) await this.removeJournal();
  }
}

/**
 * The project file as stored, for a reader that does not hold the dataset (`npm run compare`): no
 * lock is taken and the journal is neither replayed nor removed, so the process holding the dataset
 * loses nothing. Edits still in that process's journal are not seen (they reach the file within
 * about a second).
 */
export async function readStoredMeta(root: string): Promise<ProjectMeta> {
  return (await readMeta(path.join(root, STORE_DIR, 'project.json'))).value;
}

async function readMeta(file: string): Promise<{ value: ProjectMeta; from: number | null }> {
  if (!existsSync(file)) return { value: emptyProjectMeta(), from: null };
  let raw: unknown;
  try {
    raw = parseJsonText(await readFile(file, 'utf8'), file);
  } catch (e) {
    throw new GroundLabelError('label-file-invalid', `${messageOf(e)}; it was left untouched.`, { cause: e });
  }
  let migrated;
  try {
    migrated = migrateProject(raw, file);
  } catch (e) {
    throw e instanceof GroundLabelError
      ? e
      : new GroundLabelError('label-file-invalid', `${file}: ${messageOf(e)}; it was left untouched.`);
  }
  const parsed = projectMetaSchema.safeParse(migrated.value);
  if (!parsed.success) {
    throw new GroundLabelError('label-file-invalid', `${file}: ${describeIssues(parsed.error)}`);
  }
  return { value: parsed.data, from: migrated.from };
}
