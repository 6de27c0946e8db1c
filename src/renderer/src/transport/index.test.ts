import { describe, expect, it, vi } from 'vitest';
import { createFakeApi } from '../testing/fake-api';
import { createApi, isApi } from './index';
import { readToken } from './token';

const memoryStorage = () => {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
};

describe('transport selector', () => {
  it('uses the preload API when Electron exposed it', () => {
    const api = createFakeApi();
    expect(createApi({ api, location: { search: '' } })).toBe(api);
  });

  it('falls back to HTTP when the preload exposed only part of the API', async () => {
    const fetch = vi.fn(async () => new Response('{"ok":true,"value":null}'));
    vi.stubGlobal('fetch', fetch);
    const api = createApi({
      api: { platform: 'linux' },
      location: { search: '?token=abc' },
      sessionStorage: memoryStorage(),
    });
    await api['dataset:current']({});
    expect(fetch).toHaveBeenCalledWith('/api/dataset:current', expect.objectContaining({ method: 'POST' }));
    expect(api.imageUrl('x')).toBe('/image/x?token=abc');
    vi.unstubAllGlobals();
  });

  it('recognises a complete API object', () => {
    expect(isApi(createFakeApi())).toBe(true);
    expect(isApi({ on() {}, imageUrl() {} })).toBe(false);
    expect(isApi(undefined)).toBe(false);
  });
});

describe('browser-mode token', () => {
  it('keeps the token from the URL in session storage', () => {
    const storage = memoryStorage();
    expect(readToken('?token=t1', storage)).toBe('t1');
    expect(readToken('', storage)).toBe('t1');
  });

  it('prefers a new token in the URL over the stored one', () => {
    const storage = memoryStorage();
    readToken('?token=old', storage);
    expect(readToken('?x=1&token=new', storage)).toBe('new');
  });

  it('returns null when there is no token anywhere', () => {
    expect(readToken('', memoryStorage())).toBeNull();
  });
});
