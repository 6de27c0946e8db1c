import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { makeDirDurable, nodeFileSystem, removeIfPresent, type SaveFileSystem } from './file-system';

/** Temp files carry this marker so a sweep at start can find the ones a crash left behind. */
export const TEMP_MARKER = '.gl-tmp-';

/** Windows reports a file held open by an indexer or antivirus as EPERM/EBUSY for a moment. */
const RETRYABLE = new Set(['EPERM', 'EBUSY', 'EACCES']);

async function renameWithRetry(fs: SaveFileSystem, from: string, to: string, attempts = 5): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await fs.rename(from, to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (i >= attempts - 1 || !RETRYABLE.has(code) || process.platform !== 'win32') throw e;
      await sleep(20 * 2 ** i);
    }
  }
}

export interface AtomicWriteOptions {
  /** false: all-or-nothing, but not durable against a power cut (see writeFileAtomic). */
  readonly fsync?: boolean;
  /** The caller made the folder already. */
  readonly dirExists?: boolean;
  readonly fs?: SaveFileSystem;
}

/**
 * Writes `data` to `file` so that a reader (or a crash) sees the old content or the new, never a
 * mix: temp file in the same folder, fsync, rename over the target, fsync of the folder (the
 * rename is only durable once the folder's entry is). `fsync: false` keeps the all-or-nothing
 * rename but not durability against power loss: for files that can be made again, such as the
 * thousands of label files of an export, where one fsync each would take minutes.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const fs = options.fs ?? nodeFileSystem;
  const durable = options.fsync !== false;
  const dir = path.dirname(file);
  const temp = path.join(dir, `${path.basename(file)}${TEMP_MARKER}${randomBytes(4).toString('hex')}`);
  try {
    if (!options.dirExists) {
      if (durable) await makeDirDurable(fs, dir);
      else await fs.mkdir(dir);
    }
    const handle = await fs.open(temp, 'w');
    try {
      await handle.write(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(fs, temp, file);
    if (durable) await fs.fsyncDir(dir);
  } catch (e) {
    await removeIfPresent(fs, temp).catch(() => undefined);
    throw new GroundLabelError('io-failed', `Could not write ${file}: ${messageOf(e)}`, { cause: e });
  }
}

/** Removes temp files that an interrupted write left in `dir` (not recursive). */
export async function sweepTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const stale = names.filter((n) => n.includes(TEMP_MARKER));
  await Promise.all(stale.map((n) => unlink(path.join(dir, n)).catch(() => undefined)));
  return stale.length;
}
