import { describe, expect, it, vi } from 'vitest';
import { createFakeApi } from '../testing/fake-api';
import { createApi, isApi, NO_TOKEN_MESSAGE } from './index';
import { takeToken } from './token';

const memoryStorage = () => {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
};

/** A page address and its history, as `takeToken` sees and changes them. */
const page = (href: string) => {
  const location = { href };
  const history = {
    state: { scroll: 1 },
    replaceState: vi.fn((_state: unknown, _title: string, url: string) => {
      location.href = new URL(url, location.href).href;
    }),
  };
  return { location, history, sessionStorage: memoryStorage() };
};

describe('transport selector', () => {
  it('uses the preload API when Electron exposed it', async () => {
    const api = createFakeApi();
    expect(await createApi({ api, location: { href: 'app://groundlabel/index.html' } })).toBe(api);
  });

  it('falls back to HTTP when the preload exposed only part of the API, with a media key for images', async () => {
    const fetch = vi.fn(async (url: string) =>
      Response.json(
        url === '/api/media-key' ? { ok: true, value: { key: 'mk' } } : { ok: true, value: null },
      ),
    );
    vi.stubGlobal('fetch', fetch);
    const api = await createApi({ api: { platform: 'linux' }, ...page('http://127.0.0.1:8765/?token=abc') });
    await api['dataset:current']({});
    expect(fetch).toHaveBeenCalledWith('/api/dataset:current', expect.objectContaining({ method: 'POST' }));
    expect(api.imageUrl('x')).toBe('/m/mk/image/x');
    vi.unstubAllGlobals();
  });

  it('refuses to start without a token, saying which address to open', async () => {
    await expect(createApi(page('http://127.0.0.1:8765/'))).rejects.toThrow(NO_TOKEN_MESSAGE);
  });

  it('recognises a complete API object', () => {
    expect(isApi(createFakeApi())).toBe(true);
    expect(isApi({ on() {}, imageUrl() {} })).toBe(false);
    expect(isApi(undefined)).toBe(false);
  });
});

describe('browser-mode token', () => {
  it('keeps the token from the address in session storage and takes it out of the address bar', () => {
    const env = page('http://127.0.0.1:8765/?x=1&token=t1#top');
    expect(takeToken(env)).toBe('t1');
    expect(env.history.replaceState).toHaveBeenCalledWith({ scroll: 1 }, '', '/?x=1#top');
    expect(env.location.href).toBe('http://127.0.0.1:8765/?x=1#top');
    expect(takeToken(env)).toBe('t1');
  });

  it('prefers a new token in the address over the stored one', () => {
    const env = page('http://127.0.0.1:8765/?token=old');
    takeToken(env);
    env.location.href = 'http://127.0.0.1:8765/?token=new';
    expect(takeToken(env)).toBe('new');
  });

  it('returns null when there is no token anywhere, leaving the address alone', () => {
    const env = page('http://127.0.0.1:8765/');
    expect(takeToken(env)).toBeNull();
    expect(env.history.replaceState).not.toHaveBeenCalled();
  });
});
