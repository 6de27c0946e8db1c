import { isGroundLabelError, messageOf } from '../../shared/errors';
import type { ImageSize } from '../../shared/geometry';
import type { DatasetMetaEntry, ImageEntry } from '../../shared/ipc/contract';
import { readOrientedSize } from '../inference/image';
import type { DatasetService } from './dataset-service';
import { thumbnailsOf } from './image-requests';
import type { ThumbnailService } from './thumbnails';

/** An image's failure as the page gets it: the message, and the code that tells its kind. */
const failureOf = (id: string, e: unknown): DatasetMetaEntry => ({
  id,
  error: messageOf(e),
  ...(isGroundLabelError(e) && { code: e.code }),
});

export interface BackgroundFillOptions {
  /** Image ids in list order. */
  readonly ids: readonly string[];
  readonly fileOf: (id: string) => Promise<string>;
  /** The dataset's thumbnail queue, shared with the list's requests so visible rows go first. */
  readonly thumbs: Pick<ThumbnailService, 'get' | 'prune'>;
  /** Sizes already known (from stored documents): their headers are not read again. */
  readonly known?: (id: string) => ImageSize | undefined;
  /** Receives what was learned, in batches. */
  readonly onMeta: (entries: readonly DatasetMetaEntry[]) => void;
  /** Whether real work runs now (a batch); asked before each step, the pass waits while it is. */
  readonly isBusy?: () => boolean | Promise<boolean>;
  /** Entries per batch, and the longest an entry waits before its batch is sent. */
  readonly batchSize?: number;
  readonly flushMs?: number;
  /** How often a busy pass asks again. */
  readonly pollMs?: number;
  /** Quiet time after opening, so the first screen of rows asks for its thumbnails first. */
  readonly startDelayMs?: number;
  /** Called after each step, with its kind: for tests and measurement. */
  readonly onStep?: (kind: 'size' | 'thumb', id: string) => void;
}

/**
 * The low-priority pass that runs after a dataset opens: first every image's oriented size from
 * its header (cheap, no decode), so each row can show it soon, then every missing thumbnail through
 * the thumbnail queue's prefetch lane, one at a time, so rows on screen are always served first.
 * It waits while it is paused or real work runs, and stops for good when closed. Nothing per image
 * is kept but its size or why it failed.
 */
export class BackgroundFill {
  /** Resolves when the pass has gone through every image, or stopped. */
  readonly done: Promise<void>;
  private readonly meta = new Map<string, ImageSize | { readonly error: string }>();
  private pending: DatasetMetaEntry[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private holds = 0;
  private closed = false;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly options: BackgroundFillOptions) {
    this.done = this.run().finally(() => this.flush());
  }

  /** Stops new steps until the returned function is called (once per pause; pauses nest). */
  pause(): () => void {
    this.holds++;
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      this.holds--;
      this.wake();
    };
  }

  get paused(): boolean {
    return this.holds > 0;
  }

  /** Stops the pass; entries not yet sent are dropped (their dataset is gone). */
  close(): Promise<void> {
    this.closed = true;
    this.pending = [];
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.wake();
    return this.done;
  }

  /** `entries` with the sizes and failures learned so far filled in. */
  annotate(entries: readonly ImageEntry[]): ImageEntry[] {
    return entries.map((entry) => {
      const meta = this.meta.get(entry.id);
      if (!meta) return entry;
      if ('error' in meta) return { ...entry, unreadable: meta.error };
      return entry.width ? entry : { ...entry, width: meta.width, height: meta.height };
    });
  }

  /**
   * Reads the headers of `ids` again, after the pixel limit was raised: those that read now have
   * their size here and in the entries returned; the others keep their failure.
   */
  async readAgain(ids: readonly string[]): Promise<DatasetMetaEntry[]> {
    const entries: DatasetMetaEntry[] = [];
    for (const id of ids) {
      try {
        const { width, height } = await readOrientedSize(await this.options.fileOf(id));
        this.meta.set(id, { width, height });
        entries.push({ id, width, height });
      } catch {
        // Still refused: its mark stays.
      }
    }
    return entries;
  }

  private async run(): Promise<void> {
    const { ids, fileOf, thumbs, known, onStep } = this.options;
    await this.sleep(this.options.startDelayMs ?? 0);
    // Sizes first: a header read costs little, so every row has its size long before its thumbnail.
    for (const id of ids) {
      if (known?.(id)) continue;
      if (!(await this.turn())) return;
      try {
        const { width, height } = await readOrientedSize(await fileOf(id));
        this.record({ id, width, height });
      } catch (e) {
        this.record(failureOf(id, e));
      }
      onStep?.('size', id);
    }
    for (const id of ids) {
      // An unreadable header means no thumbnail either; the list already marks it.
      if (this.failed(id)) continue;
      if (!(await this.turn())) return;
      try {
        // Its size came from the header or the stored document; only a failure is news.
        await thumbs.get(id, { priority: 'prefetch' });
      } catch (e) {
        if (this.closed) return;
        this.record(failureOf(id, e));
      }
      onStep?.('thumb', id);
    }
    // Every image now has its entry: whatever else is in the cache belongs to images that are gone.
    if (!this.closed) await thumbs.prune(ids).catch(() => 0);
  }

  private failed(id: string): boolean {
    const meta = this.meta.get(id);
    return meta !== undefined && 'error' in meta;
  }

  /** Waits until nothing holds the pass back; false once it is closed. */
  private async turn(): Promise<boolean> {
    while (!this.closed) {
      if (this.holds === 0 && !(await this.options.isBusy?.())) return !this.closed;
      await this.sleep(this.options.pollMs ?? 250);
    }
    return false;
  }

  /** A timer that resume and close cut short. */
  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }

  private record(entry: DatasetMetaEntry): void {
    if (this.closed) return;
    const { id, ...meta } = entry;
    this.meta.set(id, meta);
    this.pending.push(entry);
    if (this.pending.length >= (this.options.batchSize ?? 100)) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.options.flushMs ?? 500);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.pending.length || this.closed) return;
    const entries = this.pending;
    this.pending = [];
    this.options.onMeta(entries);
  }
}

/** The background pass of an opened dataset, on its shared thumbnail queue. */
export function fillDataset(
  dataset: DatasetService,
  options: Pick<BackgroundFillOptions, 'onMeta'> & Partial<BackgroundFillOptions>,
): BackgroundFill {
  return new BackgroundFill({
    ids: dataset.relPaths.map((r) => dataset.idFor(r)),
    fileOf: (id) => dataset.fileOf(id),
    thumbs: thumbnailsOf(dataset),
    known: (id) => dataset.store.get(dataset.relPathOf(id)),
    startDelayMs: 1000,
    ...options,
  });
}
