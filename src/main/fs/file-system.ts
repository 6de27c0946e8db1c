import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** A file opened for writing by the save path. */
export interface WritableFile {
  /** Writes all of `data` at the file's position (the end, for a file opened to append). */
  write(data: string | Uint8Array): Promise<void>;
  /** Flushes data and metadata to the disk. */
  sync(): Promise<void>;
  /** Flushes data, and only the metadata needed to read it back (enough for an append-only file). */
  datasync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file-system calls that make a save durable. The store and the atomic writer take one of these
 * so a test can record the calls of a save and see that no fsync is missing or out of order; the
 * app uses {@link nodeFileSystem}.
 */
export interface SaveFileSystem {
  /** `w`: create or truncate; `a`: create or append. */
  open(file: string, flags: 'w' | 'a'): Promise<WritableFile>;
  /** Creates `dir` and its missing parents; returns the first folder it created, if any. */
  mkdir(dir: string): Promise<string | undefined>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  /** Makes the entries of `dir` (files created, renamed or removed in it) durable. */
  fsyncDir(dir: string): Promise<void>;
}

/** Filesystems that cannot fsync a folder say so with one of these; nothing more can be done there. */
const DIR_SYNC_REFUSED = new Set(['EISDIR', 'EPERM', 'EINVAL']);

/**
 * fsync of a folder, where the platform has one. A rename or a new file is only durable once its
 * folder's entry is: without this, a power cut after a "saved" can bring back the old file or
 * lose the new one. Windows cannot open a folder as a file (NTFS makes the entry durable with the
 * file's own flush), so it is skipped there.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    if (!DIR_SYNC_REFUSED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await handle?.close();
  }
}

export const nodeFileSystem: SaveFileSystem = {
  async open(file, flags) {
    const handle = await open(file, flags);
    return {
      write: (data) => handle.writeFile(data),
      sync: () => handle.sync(),
      datasync: () => handle.datasync(),
      close: () => handle.close(),
    };
  },
  mkdir: (dir) => mkdir(dir, { recursive: true }),
  rename,
  unlink,
  fsyncDir,
};

/** Removes `file` if it is there. */
export async function removeIfPresent(fs: SaveFileSystem, file: string): Promise<void> {
  try {
    await fs.unlink(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * Creates `dir` with its missing parents, and makes each new folder's entry in its parent durable,
 * so a file written into a new folder does not vanish with the folder at a power cut.
 */
export async function makeDirDurable(fs: SaveFileSystem, dir: string): Promise<void> {
  const first = await fs.mkdir(dir);
  if (first === undefined) return;
  const created = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    created.push(d);
    if (d === path.resolve(first) || d === path.dirname(d)) break;
  }
  for (const d of created.reverse()) await fs.fsyncDir(path.dirname(d));
}
