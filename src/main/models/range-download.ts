import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { httpGet, UnreachableError } from './http-get';

/**
 * Why a download stopped: an HTTP answer that is not the file (`http`), no connection at all
 * (`unreachable`), a connection that broke off or went quiet (`interrupted`: what arrived is kept,
 * and trying again goes on from it), or the caller's signal (`aborted`: paused or cancelled).
 */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    readonly kind: 'http' | 'unreachable' | 'interrupted' | 'aborted',
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface RangeDownloadOptions {
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  /** Gives up when no byte arrives for this long (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** The ETag (strong) or Last-Modified of the bytes already there: sent as If-Range. */
  readonly validator?: string;
  /** Called once the server has answered: the file's total size, its validator, and whether it starts over. */
  readonly onStart?: (info: { total: number | null; validator?: string; restarted: boolean }) => void;
  /** Called as bytes arrive, with the file's size so far. */
  readonly onData?: (size: number) => void;
}

export interface RangeDownloaded {
  readonly size: number;
  readonly validator?: string;
}

const sizeOf = (file: string): Promise<number> =>
  stat(file).then(
    (s) => s.size,
    () => 0,
  );

const validatorOf = (res: IncomingMessage): string | undefined => {
  const etag = res.headers.etag;
  // If-Range takes only a strong validator: a weak ETag would match a changed file.
  if (etag && !etag.startsWith('W/')) return etag;
  return res.headers['last-modified'];
};

/** `bytes 100-199/1000` → { start: 100, total: 1000 }; `bytes (star)/1000` gives no start. */
function contentRange(header: string | undefined): { start: number | null; total: number | null } {
  const m = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!m) return { start: null, total: null };
  return { start: m[1] === undefined ? null : Number(m[1]), total: m[2] === '*' ? null : Number(m[2]) };
}

/**
 * Writes a response body to a file as it arrives, every byte received written even when the
 * connection then breaks off: chunks are taken as they come ('data'), not read from the stream's
 * buffer, which a connection reset discards.
 */
function writeBody(
  res: IncomingMessage,
  handle: Promise<FileHandle>,
  onWritten: (bytes: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    // Listened to at once, while the file is still being opened: a connection that breaks off
    // meanwhile would otherwise take its bytes and its 'close' with it.
    let chain: Promise<unknown> = handle;
    let queued = 0;
    res.on('data', (chunk: Buffer) => {
      queued++;
      if (queued > 16) res.pause();
      chain = chain.then(async () => {
        await (await handle).write(chunk);
        onWritten(chunk.length);
        queued--;
        if (queued <= 4 && res.isPaused()) res.resume();
      });
      chain.catch((e: unknown) => res.destroy(e as Error));
    });
    res.on('error', () => undefined);
    res.on('close', () => {
      chain.then(
        () => (res.complete ? resolve() : reject(res.errored ?? new Error('the connection closed early'))),
        reject,
      );
    });
  });
}

const STATUS_WORDS: Readonly<Record<number, string>> = {
  401: 'it asks for a login',
  403: 'access is refused',
  404: 'there is no file at that address',
  410: 'the file was removed',
  429: 'too many requests; try again later',
};

/**
 * Downloads `url` into `dest`, going on from the bytes `dest` already holds with an HTTP Range
 * request. A server that answers a range with the whole file (no Range support, or a file changed
 * since: If-Range) is followed from the start, the old bytes dropped. Nothing is hashed here: the
 * caller verifies the finished file.
 */
export async function downloadWithResume(
  url: string,
  dest: string,
  options: RangeDownloadOptions = {},
): Promise<RangeDownloaded> {
  const have = await sizeOf(dest);
  const headers: Record<string, string> = {};
  if (have > 0) {
    headers.range = `bytes=${have}-`;
    if (options.validator) headers['if-range'] = options.validator;
  }
  const idle = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  const idleMs = options.idleTimeoutMs ?? 30_000;
  let timer = setTimeout(() => idle.abort(), idleMs);
  const aborted = () => options.signal?.aborted === true;
  const broke = (why: string, size: number) =>
    aborted()
      ? new DownloadError('aborted', `the download of ${url} was stopped`)
      : new DownloadError(
          'interrupted',
          idle.signal.aborted
            ? `${new URL(url).host} sent nothing for ${Math.round(idleMs / 1000)} s (after ${size} bytes)`
            : `the connection to ${new URL(url).host} broke off after ${size} bytes (${why})`,
        );

  let res: IncomingMessage;
  try {
    res = await httpGet(url, { headers, signal, env: options.env });
  } catch (e) {
    clearTimeout(timer);
    if (e instanceof UnreachableError) throw new DownloadError('unreachable', `${e.message} for ${url}`);
    throw broke((e as Error).message, have);
  }
  const status = res.statusCode ?? 0;
  if (status === 416) {
    res.resume();
    clearTimeout(timer);
    const { total } = contentRange(res.headers['content-range']);
    // Everything is here already (a download that ended just before it was recorded as done).
    if (total !== null && total === have) return { size: have, validator: options.validator };
    await truncate(dest, 0);
    return downloadWithResume(url, dest, { ...options, validator: undefined });
  }
  if (status !== 200 && status !== 206) {
    res.resume();
    clearTimeout(timer);
    const words = STATUS_WORDS[status] ?? (status >= 500 ? 'the server failed' : 'not the file');
    throw new DownloadError('http', `${url} answered HTTP ${status} (${words})`, status);
  }
  const range = contentRange(res.headers['content-range']);
  const partial = status === 206 && range.start === have;
  if (status === 206 && !partial) {
    res.resume();
    clearTimeout(timer);
    throw new DownloadError(
      'http',
      `${url} answered another range than the one asked for (${res.headers['content-range']})`,
    );
  }
  const length = Number(res.headers['content-length'] ?? NaN);
  const total = partial ? range.total : Number.isFinite(length) ? length : null;
  const validator = validatorOf(res);
  options.onStart?.({ total, validator, restarted: !partial && have > 0 });
  let size = partial ? have : 0;
  const handle = open(dest, partial ? 'a' : 'w');
  const onAbort = () => res.destroy(new Error('stopped'));
  signal.addEventListener('abort', onAbort);
  try {
    await writeBody(res, handle, (n) => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleMs);
      size += n;
      options.onData?.(size);
    });
  } catch (e) {
    throw broke((e as NodeJS.ErrnoException).code ?? (e as Error).message, size);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    await (await handle.catch(() => null))?.close();
  }
  if (total !== null && size !== total) throw broke(`${total - size} bytes short`, size);
  return { size, validator };
}
