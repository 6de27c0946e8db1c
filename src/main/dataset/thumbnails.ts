import { createHash } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, isGroundLabelError, type ErrorCode } from '../../shared/errors';
import { sweepTempFiles, writeFileAtomic } from '../fs/atomic';
import { decoderReason, maxPixels, openImage } from '../inference/image-file';
import { fileVersion } from './file-version';

export const THUMB_CONTENT_TYPE = 'image/webp';

/** A small EXIF-oriented preview, and the oriented size of the original read from its header. */
export interface Thumbnail {
  readonly data: Buffer;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
}

/** `visible`: a row on screen is waiting for it; `prefetch`: only when nothing visible waits. */
export type ThumbPriority = 'visible' | 'prefetch';

export interface ThumbnailOptions {
  /** Where the cache files go (`<dataset>/.groundlabel/thumbs`). */
  readonly cacheDir: string;
  /** The file behind an id; throws (image-not-found, forbidden) for anything not in the dataset. */
  readonly resolve: (id: string) => Promise<string>;
  /** Thumbnails encoded at once. Low, so labeling and inference keep the cores. */
  readonly concurrency?: number;
  /** Longest side in pixels. */
  readonly size?: number;
  readonly quality?: number;
  readonly maxPixels?: number;
  /** Called after each encode (never for a cache hit): for progress and measurement. */
  readonly onEncode?: (id: string) => void;
}

/** What a cache file records besides the thumbnail bytes. */
interface CacheHeader {
  /** Identity of the original the entry was made from; any other value makes the entry stale. */
  readonly stamp: string;
  readonly width: number;
  readonly height: number;
  /** Set when the original could not be decoded, so a broken file is not decoded again and again. */
  readonly error?: { readonly code: ErrorCode; readonly message: string };
}

interface Job {
  readonly id: string;
  lane: ThumbPriority;
  running: boolean;
  /** Requests still waiting on it; a visible job nobody waits for any more is dropped. */
  waiters: number;
  /** A prefetch or an uncancellable request wants it: it stays queued when the others leave. */
  keep: boolean;
  readonly promise: Promise<Thumbnail>;
  resolve(value: Thumbnail): void;
  reject(error: unknown): void;
}

/** Cache file: magic, header length (u32 LE), JSON header, then the WebP bytes. Not an image extension. */
const MAGIC = Buffer.from('GLT1');
/** A file that cannot be decoded stays so until it changes. Over the pixel limit is not kept: the limit can be raised. */
const CACHABLE_ERRORS = new Set<ErrorCode>(['image-unreadable']);

const abortError = (): Error => new DOMException('The thumbnail request was cancelled', 'AbortError');

export function encodeCacheFile(header: CacheHeader, data: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([MAGIC, length, json, data]);
}

export function decodeCacheFile(buf: Buffer): { header: CacheHeader; data: Buffer } | null {
  if (buf.length < 8 || !buf.subarray(0, 4).equals(MAGIC)) return null;
  const end = 8 + buf.readUInt32LE(4);
  if (end > buf.length) return null;
  try {
    const header = JSON.parse(buf.subarray(8, end).toString('utf8')) as CacheHeader;
    return typeof header.stamp === 'string' ? { header, data: buf.subarray(end) } : null;
  } catch {
    return null;
  }
}

/**
 * Thumbnails for the image list, made in the background: a cache on disk keyed by each image's id
 * and version (size, mtime, inode), a queue of one or two encodes at a time where rows on screen go
 * before prefetching, and no in-memory cache, so paging through 10,000 images keeps memory flat.
 */
export class ThumbnailService {
  private readonly jobs = new Map<string, Job>();
  private readonly lanes: Record<ThumbPriority, Set<Job>> = { visible: new Set(), prefetch: new Set() };
  private readonly swept = new Set<string>();
  private running = 0;
  private readonly concurrency: number;
  private readonly size: number;
  private readonly quality: number;
  /** Read at each encode: the process's limit can be raised while the app runs. */
  private get maxPixels(): number {
    return this.options.maxPixels ?? maxPixels();
  }

  constructor(private readonly options: ThumbnailOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.size = options.size ?? 128;
    this.quality = options.quality ?? 70;
  }

  /** Encodes waiting or running. */
  get pending(): number {
    return this.jobs.size;
  }

  /**
   * The thumbnail of `id`: from the cache when the image is unchanged (without queueing behind
   * encodes), otherwise encoded in its turn. Aborting `signal` leaves the queue, and drops the
   * encode if nobody else waits for it.
   */
  async get(
    id: string,
    { priority = 'visible', signal }: { priority?: ThumbPriority; signal?: AbortSignal } = {},
  ): Promise<Thumbnail> {
    signal?.throwIfAborted();
    const cached = await this.lookup(id);
    if (cached) return cached;
    signal?.throwIfAborted();
    return this.enqueue(id, priority, signal);
  }

  /** Queues thumbnails for when no visible row waits; cached ones cost a stat and a small read. */
  prefetch(ids: Iterable<string>): void {
    for (const id of ids) void this.enqueue(id, 'prefetch').catch(() => undefined);
  }

  /** Drops every encode that has not started (a dataset closed). */
  cancelPending(): void {
    for (const lane of Object.values(this.lanes)) {
      for (const job of lane) this.drop(job);
    }
  }

  private cacheFile(id: string): string {
    const key = createHash('sha256').update(id).digest('hex').slice(0, 32);
    return path.join(this.options.cacheDir, key.slice(0, 2), `${key}.thumb`);
  }

  /**
   * Removes cached thumbnails of images no longer in the dataset (renamed, moved or deleted), so the
   * cache does not grow with every reorganisation. Returns how many went.
   */
  async prune(keep: Iterable<string>): Promise<number> {
    const wanted = new Set([...keep].map((id) => this.cacheFile(id)));
    const entries = await readdir(this.options.cacheDir, { recursive: true, withFileTypes: true }).catch(
      () => [],
    );
    let removed = 0;
    for (const e of entries) {
      const file = path.join(e.parentPath, e.name);
      if (!e.isFile() || !e.name.endsWith('.thumb') || wanted.has(file)) continue;
      await unlink(file).then(
        () => removed++,
        () => undefined,
      );
    }
    return removed;
  }

  /**
   * The file's version (size, mtime, inode) and the thumbnail settings: a changed image or setting
   * makes a new entry. Also what a thumbnail response is validated by.
   */
  async stampOf(file: string): Promise<string> {
    return `${await fileVersion(file)}-${this.size}-${this.quality}`;
  }

  /** The cached thumbnail if it is still the image's, rethrowing a cached decode failure. */
  private async lookup(id: string): Promise<Thumbnail | null> {
    const file = await this.options.resolve(id);
    const stamp = await this.stampOf(file);
    const entry = await readFile(this.cacheFile(id)).then(decodeCacheFile, () => null);
    if (!entry || entry.header.stamp !== stamp) return null;
    const { header, data } = entry;
    if (header.error) throw new GroundLabelError(header.error.code, header.error.message);
    return { data, contentType: THUMB_CONTENT_TYPE, width: header.width, height: header.height };
  }

  private enqueue(id: string, priority: ThumbPriority, signal?: AbortSignal): Promise<Thumbnail> {
    let job = this.jobs.get(id);
    if (!job) {
      let resolve!: (value: Thumbnail) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<Thumbnail>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // Every waiter attaches its own handlers; this one keeps a dropped job from being "unhandled".
      promise.catch(() => undefined);
      job = { id, lane: priority, running: false, waiters: 0, keep: false, promise, resolve, reject };
      this.jobs.set(id, job);
      this.lanes[priority].add(job);
    } else if (priority === 'visible' && job.lane === 'prefetch' && !job.running) {
      this.lanes.prefetch.delete(job);
      this.lanes.visible.add(job);
      job.lane = 'visible';
    }
    this.pump();
    // A prefetch, or a request that cannot be cancelled, keeps the job even if other waiters leave.
    if (priority === 'prefetch' || !signal) {
      job.keep = true;
      return job.promise;
    }
    const waited = job;
    waited.waiters++;
    return new Promise<Thumbnail>((resolve, reject) => {
      const onAbort = () => {
        waited.waiters--;
        if (waited.waiters === 0 && !waited.keep && !waited.running) this.drop(waited);
        reject(abortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waited.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private drop(job: Job): void {
    if (job.running) return;
    this.lanes[job.lane].delete(job);
    this.jobs.delete(job.id);
    job.reject(abortError());
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const lane = this.lanes.visible.size ? this.lanes.visible : this.lanes.prefetch;
      const job = lane.values().next().value;
      if (!job) return;
      lane.delete(job);
      job.running = true;
      this.running++;
      this.produce(job.id)
        .then(job.resolve, job.reject)
        .finally(() => {
          this.running--;
          this.jobs.delete(job.id);
          this.pump();
        });
    }
  }

  /** Cache hit, or decode, encode and store. A failed cache write still returns the thumbnail. */
  private async produce(id: string): Promise<Thumbnail> {
    const cached = await this.lookup(id);
    if (cached) return cached;
    const file = await this.options.resolve(id);
    const stamp = await this.stampOf(file);
    const target = this.cacheFile(id);
    let made: { data: Buffer; width: number; height: number };
    try {
      made = await this.encode(file);
    } catch (e) {
      if (isGroundLabelError(e) && CACHABLE_ERRORS.has(e.code)) {
        const header = { stamp, width: 0, height: 0, error: { code: e.code, message: e.message } };
        await this.store(target, encodeCacheFile(header, new Uint8Array()));
      }
      throw e;
    }
    this.options.onEncode?.(id);
    const header: CacheHeader = { stamp, width: made.width, height: made.height };
    await this.store(target, encodeCacheFile(header, made.data));
    return { data: made.data, contentType: THUMB_CONTENT_TYPE, width: made.width, height: made.height };
  }

  private async store(target: string, bytes: Buffer): Promise<void> {
    const dir = path.dirname(target);
    try {
      // Temp files an interrupted run left: swept once per folder per run, before the first write.
      if (!this.swept.has(dir)) {
        this.swept.add(dir);
        await sweepTempFiles(dir);
      }
      await writeFileAtomic(target, bytes, { fsync: false });
    } catch {
      // A read-only dataset still gets thumbnails; they are made again next time.
    }
  }

  private async encode(file: string): Promise<{ data: Buffer; width: number; height: number }> {
    const name = path.basename(file);
    try {
      const { image: input, size } = await openImage(file, {
        maxPixels: this.maxPixels,
        sharp: { failOn: 'warning' },
      });
      const { width, height } = size;
      // Resizing in the same pipeline lets libvips shrink JPEGs while decoding (1/2, 1/4, 1/8).
      const data = await input
        .resize(this.size, this.size, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: this.quality, effort: 2 })
        .toBuffer();
      return { data, width, height };
    } catch (e) {
      if (isGroundLabelError(e)) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new GroundLabelError('image-not-found', `${name}: file not found`, { cause: e });
      throw new GroundLabelError(
        'image-unreadable',
        `${name}: not a readable image (${decoderReason(file, e)})`,
        { cause: e },
      );
    }
  }
}
