import type { TextContent } from './types';

/**
 * Text (or items) produced on demand, chunk by chunk, each time it is iterated: a large file (COCO's one JSON
 * for a whole dataset) then never sits in memory whole, and the writer can stream it to disk.
 */
export const chunked = <T = string>(produce: () => Iterator<T>): Iterable<T> => ({
  [Symbol.iterator]: produce,
});

/** The whole text of a file's content (for tests and small files; writers stream instead). */
export const textOf = (content: TextContent): string =>
  typeof content === 'string' ? content : Array.from(content).join('');
