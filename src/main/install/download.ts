import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** A request that never got an answer: the address is unreachable (offline, refused, no such host). */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
  constructor(
    readonly url: string,
    readonly why: string,
  ) {
    super(`cannot reach ${new URL(url).host} (${why}) for ${url}`);
  }
}

/** A request answered with an HTTP error, or cut short. */
export class TransferError extends Error {
  override readonly name = 'TransferError';
  constructor(
    readonly url: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The error code fetch hides in its cause (undici wraps the socket's error), if any. */
function codeOf(e: unknown): string | undefined {
  for (let c: unknown = e; c && typeof c === 'object'; c = (c as { cause?: unknown }).cause) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

async function get(url: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    const code = codeOf(e);
    if (code && UNREACHABLE.has(code)) throw new UnreachableError(url, code);
    throw new TransferError(url, `the request for ${url} failed: ${code ?? (e as Error).message}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new TransferError(url, `${url} answered HTTP ${response.status}`, response.status);
  }
  return response;
}

export async function getJson(url: string): Promise<unknown> {
  const response = await get(url);
  try {
    return await response.json();
  } catch (e) {
    throw new TransferError(url, `${url} did not answer with JSON: ${(e as Error).message}`);
  }
}

export interface Downloaded {
  readonly size: number;
  /** SHA-512 of the bytes written, base64 (the form NuGet publishes). */
  readonly sha512: string;
}

export interface DownloadOptions {
  readonly onProgress?: (received: number, total: number | undefined) => void;
  /** Gives up when no byte arrives for this long (default 60 s). */
  readonly idleTimeoutMs?: number;
}

const hashing = (onChunk: (chunk: Buffer) => void): Transform =>
  new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onChunk(chunk);
      done(null, chunk);
    },
  });

/**
 * Streams `url` into `dest`, hashing as it goes. A connection that drops, stalls or delivers fewer
 * bytes than it announced is an error; the caller removes `dest`.
 */
export async function download(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  const idle = new AbortController();
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let timer = setTimeout(() => idle.abort(), idleMs);
  const response = await get(url, idle.signal).catch((e: unknown) => {
    clearTimeout(timer);
    throw e;
  });
  const announced = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(announced) ? announced : undefined;
  const hash = createHash('sha512');
  let size = 0;
  try {
    if (!response.body) throw new TransferError(url, `${url} answered without a body`);
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      hashing((chunk) => {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), idleMs);
        hash.update(chunk);
        size += chunk.length;
        options.onProgress?.(size, total);
      }),
      createWriteStream(dest),
    );
  } catch (e) {
    if (e instanceof TransferError) throw e;
    const why = idle.signal.aborted
      ? `nothing arrived for ${idleMs / 1000} s`
      : (codeOf(e) ?? (e as Error).message);
    throw new TransferError(url, `the download of ${url} broke off after ${size} bytes (${why})`);
  } finally {
    clearTimeout(timer);
  }
  if (total !== undefined && size !== total)
    throw new TransferError(url, `the download of ${url} ended after ${size} of ${total} bytes`);
  return { size, sha512: hash.digest('base64') };
}

/** SHA-512 of a file, base64. */
export async function hashFile(file: string): Promise<Downloaded> {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha512: hash.digest('base64') };
}

/**
 * A SHA-512 as written by a person or a feed: base64 (NuGet's packageHash) or 128 hex digits
 * (sha512sum), in base64; null when it is neither.
 */
export function normaliseSha512(text: string): string | null {
  const t = text.trim();
  if (/^[0-9a-f]{128}$/i.test(t)) return Buffer.from(t, 'hex').toString('base64');
  if (/^[A-Za-z0-9+/]{86}==$/.test(t)) return t;
  return null;
}
