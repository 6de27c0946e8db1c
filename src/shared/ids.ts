/** Random ids for boxes, classes and jobs; getRandomValues works in Node and outside secure contexts, unlike randomUUID. */
export function newId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
