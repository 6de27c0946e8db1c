import path from 'node:path';
import { isGroundLabelError, messageOf, type ErrorCode } from '../../shared/errors';
import type { DatasetService } from './dataset-service';
import { fileVersion } from './file-version';
import { orientedImageBytes } from './image-source';
import { STORE_DIR } from './project-store';
import { ThumbnailService } from './thumbnails';

/** What an image URL names: the full oriented image or its list thumbnail. */
export type ImageRoute = 'image' | 'thumb';

export const imageRouteOf = (name: string): ImageRoute | null =>
  name === 'image' || name === 'thumb' ? name : null;

/** A reply both the desktop scheme (`gl-image://<route>/<id>`) and browser mode (`/<route>/<id>`) send. */
export interface ImageReply {
  readonly status: number;
  readonly body: Buffer | string;
  readonly headers: Readonly<Record<string, string>>;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  forbidden: 403,
  'image-unreadable': 422,
  'image-too-large': 422,
};

/** One thumbnail service per opened dataset; it goes with the dataset. */
const thumbnailServices = new WeakMap<DatasetService, ThumbnailService>();

export function thumbnailsOf(dataset: DatasetService): ThumbnailService {
  let service = thumbnailServices.get(dataset);
  if (!service) {
    service = new ThumbnailService({
      cacheDir: path.join(dataset.root, STORE_DIR, 'thumbs'),
      resolve: (id) => dataset.fileOf(id),
    });
    thumbnailServices.set(dataset, service);
  }
  return service;
}

/**
 * The browser may keep an image but must ask again before each use (`no-cache`), and the ETag,
 * made from the file's size, mtime and inode, lets the answer be a 304 without reading the image.
 * An id can name another file after a folder change or a replacement; a stale picture is never shown.
 */
const validated = (etag: string) => ({ etag, 'cache-control': 'private, no-cache' });

/** Whether an `If-None-Match` header lists `etag` (weak or strong, or `*`). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

/**
 * Answers an image or thumbnail request by opaque id (still URL-encoded, as it came in the path),
 * resolved inside the opened dataset. Errors become a status and a message, never a throw. An
 * `ifNoneMatch` naming the file as it is now gets a 304 without the image being read.
 */
export async function answerImageRequest(
  dataset: DatasetService | null,
  route: ImageRoute,
  encodedId: string,
  signal?: AbortSignal,
  ifNoneMatch?: string,
): Promise<ImageReply> {
  const text = { 'content-type': 'text/plain; charset=utf-8' };
  if (!dataset) return { status: 404, body: 'no dataset open', headers: text };
  try {
    const id = decodeURIComponent(encodedId);
    const file = await dataset.fileOf(id);
    const thumbnails = route === 'thumb' ? thumbnailsOf(dataset) : null;
    const version = thumbnails ? await thumbnails.stampOf(file) : await fileVersion(file);
    const etag = `"${route}-${version}"`;
    if (matchesEtag(ifNoneMatch, etag)) return { status: 304, body: '', headers: validated(etag) };
    if (!thumbnails) {
      const image = await orientedImageBytes(file);
      return {
        status: 200,
        body: image.data,
        headers: { 'content-type': image.contentType, ...validated(etag) },
      };
    }
    const thumb = await thumbnails.get(id, { signal });
    return {
      status: 200,
      body: thumb.data,
      headers: {
        'content-type': thumb.contentType,
        ...validated(etag),
        'x-image-width': String(thumb.width),
        'x-image-height': String(thumb.height),
      },
    };
  } catch (e) {
    const status = (isGroundLabelError(e) && STATUS[e.code]) || 404;
    return { status, body: messageOf(e), headers: text };
  }
}
