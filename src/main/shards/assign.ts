import { createHash } from 'node:crypto';

/** One shard of a run split N ways: `index` from 0 to `count - 1`. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/**
 * The name of the assignment rule, kept in every shard's manifest: shards made by different rules
 * would each label some images twice and others never, so merge refuses to mix them.
 */
export const ASSIGNMENT = 'sha256-relpath-nfc';

/** More shards than this is a typo, not a cluster (Kubernetes caps an Indexed Job at 100,000). */
export const MAX_SHARDS = 100_000;

/**
 * The shard an image belongs to, from its path relative to the image folder alone: the order of the
 * listing, the machine and the other images never change it, so N processes that each list the
 * folder agree on the split without talking to each other, and an image added later lands in one
 * shard without moving any other. The path is taken in Unicode NFC, so a folder copied between
 * macOS (which may store names decomposed) and Linux splits the same way. 48 bits of SHA-256 modulo
 * N: the bias toward low shards is below N / 2^48, nothing against the spread of real file names.
 */
export function shardOf(relPath: string, count: number): number {
  const digest = createHash('sha256').update(relPath.normalize('NFC'), 'utf8').digest();
  return digest.readUIntBE(0, 6) % count;
}

/** The images of `relPaths` that belong to `shard`, in the order given. */
export const imagesOfShard = (relPaths: readonly string[], shard: ShardSpec): string[] =>
  relPaths.filter((p) => shardOf(p, shard.count) === shard.index);

/** "2/8" as people and the `--shard` option write it: 0-based index, then the count. */
export const describeShard = (shard: ShardSpec): string => `${shard.index}/${shard.count}`;

/**
 * The folder a shard writes inside the run's `--out`: `shard-02-of-16`, the index padded to the
 * count's width so that the folders sort in shard order.
 */
export function shardFolderName(shard: ShardSpec): string {
  const width = String(shard.count).length;
  return `shard-${String(shard.index).padStart(width, '0')}-of-${shard.count}`;
}

/** Why `index`/`count` is no shard, for a message, or undefined when it is one. */
export function shardProblem(index: number, count: number): string | undefined {
  if (!Number.isSafeInteger(count) || count < 1)
    return `the shard count must be a whole number ≥ 1, got ${count}`;
  if (count > MAX_SHARDS) return `the shard count must be at most ${MAX_SHARDS}, got ${count}`;
  if (!Number.isSafeInteger(index) || index < 0 || index >= count)
    return `the shard index must be a whole number from 0 to ${count - 1} for ${count} shard(s), got ${index}`;
  return undefined;
}
