import { CHANNELS, type Api, type EventName, type Events, type Result } from '../../../shared/ipc/contract';

interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  removeEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
}

export interface HttpConnection {
  readonly token: string;
  /** Origin the page was served from; '' means relative URLs (the normal case). */
  readonly base?: string;
  readonly fetch?: typeof fetch;
  readonly EventSource?: new (url: string) => EventSourceLike;
}

export interface HttpTransportOptions extends HttpConnection {
  /** The key of this page's image, thumbnail and event URLs (`/m/<key>/…`), asked for with the token. */
  readonly mediaKey: string;
}

/** The server's path for a media key (src/main/server/http-server.ts MEDIA_KEY_PATH). */
const MEDIA_KEY = 'media-key';

const ioFailed = (message: string): Result<never> => ({ ok: false, error: { code: 'io-failed', message } });

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  return value.ok === true ? 'value' in value : value.ok === false && 'error' in value;
}

/** `POST /api/<name>` as JSON with the token in a header, the reply read as a result envelope. */
async function post(connection: HttpConnection, name: string, request: unknown): Promise<Result<unknown>> {
  const doFetch = connection.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const what = `POST /api/${name}`;
  let response: Response;
  try {
    response = await doFetch(`${connection.base ?? ''}/api/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${connection.token}` },
      body: JSON.stringify(request),
    });
  } catch (e) {
    return ioFailed(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status !== 200) {
    const detail = isResult(body) && !body.ok ? body.error.message : text.slice(0, 200);
    return ioFailed(`${what} failed with HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
  }
  return isResult(body) ? body : ioFailed(`${what} replied with something that is not a result envelope`);
}

/**
 * Browser mode: every channel is `POST /api/<channel>` with the token in a header; images,
 * thumbnails and events are loaded from `/m/<media key>/…`, so no URL carries the token.
 */
export function createHttpApi(options: HttpTransportOptions): Api {
  const base = options.base ?? '';
  const media = `${base}/m/${encodeURIComponent(options.mediaKey)}`;

  // One EventSource for all listeners, opened on the first subscription.
  let source: EventSourceLike | null = null;
  const openSource = (): EventSourceLike => {
    const ES = options.EventSource ?? EventSource;
    source ??= new ES(`${media}/events`);
    return source;
  };

  const api: Record<string, unknown> = {
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      const handler = (message: MessageEvent<string>) => {
        try {
          listener(JSON.parse(message.data) as Events[E]);
        } catch (e) {
          console.error(`Ignoring a malformed '${event}' event`, e);
        }
      };
      const es = openSource();
      es.addEventListener(event, handler);
      return () => es.removeEventListener(event, handler);
    },
    imageUrl: (id: string) => `${media}/image/${encodeURIComponent(id)}`,
    thumbUrl: (id: string) => `${media}/thumb/${encodeURIComponent(id)}`,
  };
  for (const channel of CHANNELS) api[channel] = (request: unknown) => post(options, channel, request);
  return api as Api;
}

/** Asks the server for this page's media key with the token, then builds the API; throws why not. */
export async function connectHttpApi(connection: HttpConnection): Promise<Api> {
  const reply = await post(connection, MEDIA_KEY, {});
  if (!reply.ok) throw new Error(reply.error.message);
  const key = (reply.value as { key?: unknown } | null)?.key;
  if (typeof key !== 'string' || !key) throw new Error(`POST /api/${MEDIA_KEY} gave no key`);
  return createHttpApi({ ...connection, mediaKey: key });
}
