import { describe, expect, it, vi } from 'vitest';
import { connectHttpApi, createHttpApi } from './http';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('HTTP transport', () => {
  it('posts the request as JSON to /api/<channel> with the token in a bearer header', async () => {
    const fetch = vi.fn(async () => json({ ok: true, value: { loaded: false } }));
    const api = createHttpApi({ token: 'sécret', mediaKey: 'k', fetch });
    const reply = await api['dataset:open']({ path: '/data/cats' });
    expect(reply).toEqual({ ok: true, value: { loaded: false } });
    expect(fetch).toHaveBeenCalledWith('/api/dataset:open', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sécret' },
      body: JSON.stringify({ path: '/data/cats' }),
    });
  });

  it('passes an error envelope through unchanged', async () => {
    const error = { code: 'image-not-found', message: 'a.jpg is gone' };
    const api = createHttpApi({
      token: 't',
      mediaKey: 'k',
      fetch: async () => json({ ok: false, error }),
    });
    expect(await api['image:get']({ id: 'a' })).toEqual({ ok: false, error });
  });

  it('turns a network failure into io-failed naming the channel', async () => {
    const api = createHttpApi({
      token: 't',
      mediaKey: 'k',
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const reply = await api['model:status']({});
    expect(reply).toEqual({
      ok: false,
      error: { code: 'io-failed', message: 'POST /api/model:status failed: Failed to fetch' },
    });
  });

  it('turns a non-200 reply into io-failed with the status and any message', async () => {
    const api = createHttpApi({
      token: 't',
      mediaKey: 'k',
      fetch: async () => json({ ok: false, error: { code: 'bad-argument', message: 'bad token' } }, 401),
    });
    const reply = await api['app:info']({});
    expect(reply).toEqual({
      ok: false,
      error: { code: 'io-failed', message: 'POST /api/app:info failed with HTTP 401: bad token' },
    });
  });

  it('turns a body that is not a result envelope into io-failed', async () => {
    const api = createHttpApi({
      token: 't',
      mediaKey: 'k',
      fetch: async () => new Response('<html>', { status: 200 }),
    });
    const reply = await api['app:info']({});
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('io-failed');
  });

  it('builds image and thumbnail URLs from opaque ids under the media key, never with the token', () => {
    const api = createHttpApi({ token: 'secret', mediaKey: 'a/b', fetch: vi.fn() });
    expect(api.imageUrl('dir/x y.jpg')).toBe('/m/a%2Fb/image/dir%2Fx%20y.jpg');
    expect(api.thumbUrl('dir/x y.jpg')).toBe('/m/a%2Fb/thumb/dir%2Fx%20y.jpg');
  });

  it('asks for a media key with the token before it builds the API', async () => {
    const fetch = vi.fn(async () => json({ ok: true, value: { key: 'k1' } }));
    const api = await connectHttpApi({ token: 'tok', fetch });
    expect(fetch).toHaveBeenCalledWith('/api/media-key', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer tok' },
      body: '{}',
    });
    expect(api.imageUrl('x')).toBe('/m/k1/image/x');
  });

  it("fails to connect with the server's words when it refuses the token", async () => {
    const fetch = async () =>
      new Response('GroundLabel: open the address printed by `npm run serve`', { status: 401 });
    await expect(connectHttpApi({ token: 'wrong', fetch })).rejects.toThrow(
      'POST /api/media-key failed with HTTP 401: GroundLabel: open the address printed by `npm run serve`',
    );
  });

  it('opens one EventSource for all events and parses their JSON', () => {
    const listeners = new Map<string, (e: MessageEvent<string>) => void>();
    const urls: string[] = [];
    class FakeEventSource {
      constructor(url: string) {
        urls.push(url);
      }
      addEventListener(name: string, fn: (e: MessageEvent<string>) => void) {
        listeners.set(name, fn);
      }
      removeEventListener(name: string) {
        listeners.delete(name);
      }
    }
    const api = createHttpApi({
      token: 'tok',
      mediaKey: 'key',
      fetch: vi.fn(),
      EventSource: FakeEventSource,
    });
    const saves: unknown[] = [];
    const off = api.on('save:status', (p) => saves.push(p));
    api.on('export:progress', () => undefined);
    expect(urls).toEqual(['/m/key/events']);
    listeners.get('save:status')?.(new MessageEvent('save:status', { data: '{"state":"saved"}' }));
    expect(saves).toEqual([{ state: 'saved' }]);
    off();
    expect(listeners.has('save:status')).toBe(false);
  });
});
