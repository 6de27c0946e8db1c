/**
 * A Map used as a most-recently-used list: insertion order is recency, so the oldest entry comes
 * first when iterating.
 */

/** Marks `key` as the most recent entry; a key that is not there is left out. */
export function touch<K, V>(map: Map<K, V>, key: K): void {
  const value = map.get(key);
  if (value === undefined) return;
  map.delete(key);
  map.set(key, value);
}

/**
 * Drops the oldest entries until at most `keep` remain, never one that `pinned` holds on to (those
 * may leave more than `keep`). Returns the keys dropped, oldest first.
 */
export function evictOldest<K, V>(map: Map<K, V>, keep: number, pinned: (key: K) => boolean): K[] {
  const dropped: K[] = [];
  for (const key of map.keys()) {
    if (map.size <= keep) break;
    if (pinned(key)) continue;
    map.delete(key);
    dropped.push(key);
  }
  return dropped;
}
