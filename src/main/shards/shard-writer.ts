import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { EXPORT_MARKER } from '../dataset/scan';
import { makeStaging, recoverInterrupted, removeStaging, swapInto } from '../export/staging';
import { fsyncDir } from '../fs/file-system';
import { MANIFEST_FILE, RESULTS_FILE, type ResultLine, type ShardManifest } from './manifest';

const MARKER_TEXT =
  'Labels of one shard of a GroundLabel run. Folders holding this file are never read as images.\n';

/**
 * Why `dir` cannot take a shard's output, or undefined when it can: it must not exist yet, or be
 * an earlier output of a shard (with its manifest or marker), or be empty. Anything else there is
 * someone's, and a rerun must never replace it. Checked before the model loads.
 */
export async function shardFolderProblem(dir: string): Promise<string | undefined> {
  const info = await lstat(dir).catch(() => null);
  if (!info) return undefined;
  if (!info.isDirectory()) return `${dir} exists and is not a folder`;
  const names = await readdir(dir);
  if (names.length === 0 || names.includes(MANIFEST_FILE) || names.includes(EXPORT_MARKER)) return undefined;
  return `${dir} holds files that are not a shard's output (${names[0]}, …); move them away or choose another --out`;
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes one shard's output folder so that it holds the earlier output or the finished new one,
 * never a mix: results are appended, one line per image as the model finishes it, to a hidden
 * staging folder next to the target; the manifest is written last; then the folder is renamed into
 * place (an earlier output moved aside first). A shard killed midway leaves its earlier output as it
 * was and a staging folder that the next run of the shard removes. Everything is fsynced before the
 * swap: the output of hours of GPU time must survive a node's power cut.
 */
export class ShardWriter {
  private failure: unknown = null;

  private constructor(
    readonly dir: string,
    private readonly staging: string,
    private readonly stream: WriteStream,
    private readonly hash: Hash,
  ) {
    stream.on('error', (e) => (this.failure ??= e));
  }

  /** Clears what an interrupted run of this shard left, and opens a fresh staging folder. */
  static async create(dir: string): Promise<ShardWriter> {
    const target = path.resolve(dir);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await recoverInterrupted(target);
      const staging = await makeStaging(target);
      // A temp folder is private (0700); merge may read the output as another user of the cluster.
      await chmod(staging, 0o755);
      const stream = createWriteStream(path.join(staging, RESULTS_FILE), { flags: 'wx' });
      return new ShardWriter(target, staging, stream, createHash('sha256'));
    } catch (e) {
      throw new GroundLabelError(
        'io-failed',
        `Could not start writing the shard output ${target}: ${messageOf(e)}`,
        {
          cause: e,
        },
      );
    }
  }

  /** Appends one image's line; written in the background, in order. */
  add(line: ResultLine): void {
    const text = `${JSON.stringify(line)}\n`;
    this.hash.update(text, 'utf8');
    this.stream.write(text);
  }

  /** Finishes the results, writes the manifest and puts the folder in place. */
  async finish(manifest: Omit<ShardManifest, 'results'>): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.stream.end(() => (this.failure ? reject(this.failure) : resolve()));
        this.stream.once('error', reject);
      });
      if (this.failure) throw this.failure;
      const results = path.join(this.staging, RESULTS_FILE);
      await fsyncFile(results);
      const full: ShardManifest = {
        ...manifest,
        results: { file: RESULTS_FILE, sha256: this.hash.digest('hex') },
      };
      const manifestFile = path.join(this.staging, MANIFEST_FILE);
      await writeFile(manifestFile, `${JSON.stringify(full, null, 2)}\n`, { flag: 'wx' });
      await fsyncFile(manifestFile);
      await writeFile(path.join(this.staging, EXPORT_MARKER), MARKER_TEXT, { flag: 'wx' });
      await fsyncDir(this.staging);
      const existing = await lstat(this.dir).catch(() => null);
      if (!existing) await rename(this.staging, this.dir);
      else if (!(await swapInto(this.staging, this.dir)))
        throw new Error(
          `${this.dir} could not be moved aside; close any program using a file in it and run the shard again`,
        );
      await fsyncDir(path.dirname(this.dir));
    } catch (e) {
      await this.abort();
      throw new GroundLabelError(
        'io-failed',
        `Could not write the shard output ${this.dir}: ${messageOf(e)}`,
        {
          cause: e,
        },
      );
    }
  }

  /** Drops the staging folder; an earlier output stays as it was. */
  async abort(): Promise<void> {
    this.stream.destroy();
    await removeStaging(this.staging).catch(() => undefined);
  }
}
