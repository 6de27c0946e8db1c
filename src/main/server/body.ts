import type { IncomingMessage } from 'node:http';
import type { Refusal } from './request-checks';

/**
 * The largest request body read. The largest request is an image:save: 10,000 boxes with their
 * phrases make about 2.7 MiB of JSON, so 8 MiB leaves room, while the parse of a body at the limit
 * stays in the tens of milliseconds and cannot stall the other requests.
 */
export const MAX_BODY_BYTES = 8 * 2 ** 20;

const size = (n: number) =>
  n >= 2 ** 20 ? `${Math.round((n / 2 ** 20) * 10) / 10} MiB` : `${Math.round(n / 1024)} KiB`;

const tooLarge = (limit: number): Refusal => ({
  status: 413,
  message: `A request body may be at most ${size(limit)}; this one is larger and was not read.`,
});

/**
 * The body as text, or a 413 refusal as soon as it is known to be over `limit`: at once from its
 * Content-Length, otherwise when the bytes received pass the limit (the rest is never kept).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | Refusal> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(tooLarge(limit));
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) return void chunks.push(c);
      req.off('data', onData);
      chunks.length = 0;
      resolve(tooLarge(limit));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
