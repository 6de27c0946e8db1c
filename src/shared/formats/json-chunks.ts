/**
 * `JSON.stringify(value, null, 2)` produced in pieces: an object's arrays can be given as iterables
 * and are serialised one item at a time, so a dataset-sized JSON never has to exist as one object
 * graph or one string. The bytes are exactly those `JSON.stringify` would give.
 */

const INDENT = '  ';
/** Items are gathered into chunks of about this many characters: few chunks, none large. */
const CHUNK = 1 << 14;

/** One value at `depth` levels of nesting, its inner lines indented for that level. */
export const nestedJson = (value: unknown, depth: number): string | undefined =>
  (JSON.stringify(value, null, 2) as string | undefined)?.replace(/\n/g, `\n${INDENT.repeat(depth)}`);

/** Writes one item of a streamed array at `depth`; must give the bytes `nestedJson` would. */
export type ItemJson<T> = (item: T, depth: number) => string;

/** Marks an array that is produced item by item instead of held whole. */
export class StreamedArray<T = unknown> {
  constructor(
    readonly items: Iterable<T>,
    /** A faster hand-written serialiser for a known item shape (tests hold it to `nestedJson`). */
    readonly itemJson: ItemJson<T> = (item, depth) => nestedJson(item, depth) ?? 'null',
  ) {}
}

function* arrayChunks<T>(array: StreamedArray<T>, depth: number): Generator<string> {
  const pad = `\n${INDENT.repeat(depth + 1)}`;
  let pending = '';
  let first = true;
  for (const item of array.items) {
    pending += `${first ? '[' : ','}${pad}${array.itemJson(item, depth + 1)}`;
    first = false;
    if (pending.length >= CHUNK) {
      yield pending;
      pending = '';
    }
  }
  yield `${pending}${first ? '[]' : `\n${INDENT.repeat(depth)}]`}`;
}

/**
 * A top-level JSON object, key by key in the order given, followed by a newline. Values that are
 * `StreamedArray`s are read lazily, each time the chunks are iterated.
 */
export function* jsonObjectChunks(fields: ReadonlyArray<readonly [string, unknown]>): Generator<string> {
  const kept = fields.filter(([, v]) => v instanceof StreamedArray || JSON.stringify(v) !== undefined);
  if (kept.length === 0) {
    yield '{}\n';
    return;
  }
  let sep = '{';
  for (const [key, value] of kept) {
    yield `${sep}\n${INDENT}${JSON.stringify(key)}: `;
    if (value instanceof StreamedArray) yield* arrayChunks(value, 1);
    else yield nestedJson(value, 1)!;
    sep = ',';
  }
  yield '\n}\n';
}
