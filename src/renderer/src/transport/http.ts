import {
  CHANNELS,
  type Api,
  type Channel,
  type EventName,
  type Events,
  type Result,
} from '../../../shared/ipc/contract';

interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  removeEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
}

export interface HttpTransportOptions {
  readonly token: string;
  /** Origin the page was served from; '' means relative URLs (the normal case). */
  readonly base?: string;
  readonly fetch?: typeof fetch;
  readonly EventSource?: new (url: string) => EventSourceLike;
}

const ioFailed = (message: string): Result<never> => ({ ok: false, error: { code: 'io-failed', message } });

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  return value.ok === true ? 'value' in value : value.ok === false && 'error' in value;
}

/** Browser mode: every channel is `POST /api/<channel>` with the token; events come over one EventSource. */
export function createHttpApi(options: HttpTransportOptions): Api {
  const base = options.base ?? '';
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const token = encodeURIComponent(options.token);

  async function call(channel: Channel, request: unknown): Promise<Result<unknown>> {
    const what = `POST /api/${channel}`;
    let response: Response;
    try {
      response = await doFetch(`${base}/api/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
        body: JSON.stringify(request),
      });
    } catch (e) {
      return ioFailed(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (response.status !== 200) {
      const detail = isResult(body) && !body.ok ? `: ${body.error.message}` : '';
      return ioFailed(`${what} failed with HTTP ${response.status}${detail}`);
    }
    return isResult(body) ? body : ioFailed(`${what} replied with something that is not a result envelope`);
  }

  // One EventSource for all listeners, opened on the first subscription.
  let source: EventSourceLike | null = null;
  const openSource = (): EventSourceLike => {
    const ES = options.EventSource ?? EventSource;
    source ??= new ES(`${base}/api/events?token=${token}`);
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
    imageUrl: (id: string) => `${base}/image/${encodeURIComponent(id)}?token=${token}`,
    thumbUrl: (id: string) => `${base}/thumb/${encodeURIComponent(id)}?token=${token}`,
  };
  for (const channel of CHANNELS) api[channel] = (request: unknown) => call(channel, request);
  return api as Api;
}
