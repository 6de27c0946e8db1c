import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, open, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import type { OutputFile, TextContent } from '../../shared/formats/types';
import { isImagePath } from '../dataset/scan';
import { TEMP_MARKER } from '../fs/atomic';

/**
 * `fresh`: the folder was made for this export (a staging folder), so files are created with plain
 * writes, failing on a name taken twice. `replace`: files may exist and are replaced one by one,
 * text through a temp file and a rename, so no reader sees a half-written label.
 */
export type WriteMode = 'fresh' | 'replace';

export interface PlaceOptions {
  readonly mode: WriteMode;
  /** Where the files end up when the folder written is a staging folder: links are made from there. */
  readonly finalDir?: string;
  /** Folder image entries' `source` is relative to. */
  readonly imageRoot: string;
  readonly copyImages?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Streamed text is written in pieces of about this many characters: few syscalls, flat memory. */
const WRITE_CHUNK = 1 << 16;
/**
 * Files in flight at once. Each file is a few calls on libuv's thread pool, and a call can wait on
 * the file system's journal; many in flight keep the pool's threads busy. Synchronous calls in time
 * slices were tried: as fast on an idle disk, three times slower on a busy one.
 */
const CONCURRENCY = 64;

async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let off = 0; off < bytes.length;) off += (await handle.write(bytes, off)).bytesWritten;
}

/** Writes chunked content without ever joining it whole. */
async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    let pending = '';
    for (const chunk of chunks) {
      pending += chunk;
      if (pending.length >= WRITE_CHUNK) {
        await writeAll(handle, pending);
        pending = '';
      }
    }
    if (pending !== '') await writeAll(handle, pending);
  } finally {
    await handle.close();
  }
}

async function writeText(target: string, content: TextContent, mode: WriteMode): Promise<void> {
  const write = (file: string): Promise<void> =>
    typeof content === 'string' ? writeFile(file, content, { flag: 'wx' }) : writeChunks(file, content);
  // In a fresh folder a plain write is enough; over an earlier export, temp file and rename. The
  // temp name carries the marker atomic writes use, so a leftover is known to be ours.
  if (mode === 'fresh') return write(target);
  const temp = `${target}${TEMP_MARKER}${randomBytes(4).toString('hex')}`;
  try {
    await write(temp);
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

const isNameTaken = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'EEXIST';

/**
 * Ultralytics pairs images/… with labels/… by the path it was given, so a link keeps the pairing
 * without a copy. Symlinks need privileges on Windows and hard links one file system: a way that
 * failed once is not tried again for the rest of the export (10,000 failing calls add up).
 */
class ImagePlacer {
  private symlinkOk = true;
  private linkOk = true;

  constructor(private readonly options: PlaceOptions) {}

  async place(file: Extract<OutputFile, { kind: 'image' }>, target: string, final: string): Promise<void> {
    const source = path.resolve(this.options.imageRoot, file.source);
    // Over an earlier export, its entry is replaced.
    if (this.options.mode === 'replace' && (await lstat(target).catch(() => null))) await unlink(target);
    if (!this.options.copyImages) {
      if (this.symlinkOk) {
        try {
          return await symlink(path.relative(path.dirname(final), source), target);
        } catch (e) {
          if (isNameTaken(e)) throw e;
          this.symlinkOk = false;
        }
      }
      if (this.linkOk) {
        try {
          return await link(source, target);
        } catch (e) {
          if (isNameTaken(e)) throw e;
          this.linkOk = false;
        }
      }
    }
    await copyFile(source, target);
  }
}

/**
 * Puts `files` into `dir` (already checked: every path stays inside it). Returns the full paths
 * written, in the order of `files`.
 */
export async function placeFiles(
  files: readonly OutputFile[],
  dir: string,
  options: PlaceOptions,
): Promise<string[]> {
  const finalDir = options.finalDir ?? dir;
  const targets = files.map((f) => path.join(dir, ...f.path.split('/')));
  // Each folder is made once, not once per file.
  for (const folder of new Set(targets.map((t) => path.dirname(t)))) await mkdir(folder, { recursive: true });
  const images = new ImagePlacer(options);
  let next = 0;
  let done = 0;
  const writeOne = async (i: number): Promise<void> => {
    const file = files[i];
    const target = targets[i];
    try {
      if (file.kind === 'image')
        await images.place(file, target, path.join(finalDir, ...file.path.split('/')));
      else if (isImagePath(target)) throw new Error('a label file must never take an image extension');
      else await writeText(target, file.content, options.mode);
    } catch (e) {
      throw new GroundLabelError('io-failed', `Could not write ${target}: ${messageOf(e)}`, { cause: e });
    }
    done += 1;
    if (done % 100 === 0 || done === files.length) options.onProgress?.(done, files.length);
  };
  // Workers take the next file as soon as theirs is done: no batch waits for its slowest file. After
  // a failure they stop, and the caller cleans up only once none is still writing.
  let failed = false;
  const worker = async (): Promise<void> => {
    try {
      while (!failed && next < files.length) await writeOne(next++);
    } catch (e) {
      failed = true;
      throw e;
    }
  };
  const settled = await Promise.allSettled(
    Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return targets;
}
