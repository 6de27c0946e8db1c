/** Characters of the stem kept at the end, beside the extension: where numbered names differ. */
const KEPT_STEM = 4;

/**
 * A name split for shortening in the middle: the head gives way (with an ellipsis) when the row is
 * too narrow, the tail always shows, so `IMG_20230512_0001.jpg` and `…_0002.jpg` stay apart.
 */
export function middleSplit(name: string): { readonly head: string; readonly tail: string } {
  const slash = name.lastIndexOf('/');
  const dot = name.lastIndexOf('.');
  const ext = dot > slash + 1 ? name.length - dot : 0;
  const cut = Math.max(slash + 1, name.length - ext - KEPT_STEM);
  // Nothing to shorten in a short file name: the tail is the whole base name.
  return { head: name.slice(0, cut), tail: name.slice(cut) };
}
