/**
 * Two phrases of one prompt that claimed the same object: a box of `dropped` covered a better box of
 * `kept` above the cross-phrase IoU and was suppressed. `count` is how often that happened.
 */
export interface PhraseCollision {
  readonly kept: string;
  readonly dropped: string;
  readonly count: number;
}

const keyOf = (c: { kept: string; dropped: string }): string => `${c.kept}\u0000${c.dropped}`;

/** Adds up collision counts per (kept, dropped) pair, most frequent first, then by name. */
export function addCollisions(
  ...lists: readonly (readonly PhraseCollision[] | undefined)[]
): PhraseCollision[] {
  const sums = new Map<string, PhraseCollision>();
  for (const list of lists)
    for (const c of list ?? []) {
      const prev = sums.get(keyOf(c));
      sums.set(keyOf(c), { ...c, count: (prev?.count ?? 0) + c.count });
    }
  return [...sums.values()].sort(
    (a, b) => b.count - a.count || a.kept.localeCompare(b.kept) || a.dropped.localeCompare(b.dropped),
  );
}
