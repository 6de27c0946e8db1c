const KEY = 'groundlabel.token';

/**
 * The browser-mode token: taken from `?token=` when the page is opened, and kept in sessionStorage so
 * it survives reloads and history changes that drop the query.
 */
export function readToken(
  search: string,
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined,
): string | null {
  const fromUrl = new URLSearchParams(search).get('token');
  if (fromUrl) {
    storage?.setItem(KEY, fromUrl);
    return fromUrl;
  }
  return storage?.getItem(KEY) ?? null;
}
