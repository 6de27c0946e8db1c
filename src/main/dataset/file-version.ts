import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';

/**
 * What changes when an image file is rewritten or replaced, read without opening it: its size, its
 * modification time and its inode (a file renamed over another keeps neither inode nor, usually,
 * size and time). Image responses and cached thumbnails are keyed by it, so a replaced file is
 * never shown stale.
 */
export async function fileVersion(file: string): Promise<string> {
  try {
    const info = await stat(file, { bigint: true });
    return `${info.size}-${info.mtimeNs}-${info.ino}`;
  } catch (e) {
    throw new GroundLabelError('image-not-found', `${path.basename(file)}: ${messageOf(e)}`, { cause: e });
  }
}
