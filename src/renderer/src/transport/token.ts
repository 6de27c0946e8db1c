const KEY = 'groundlabel.token';

export interface TokenEnv {
  readonly location: Pick<Location, 'href'>;
  readonly sessionStorage?: Pick<Storage, 'getItem' | 'setItem'>;
  readonly history?: Pick<History, 'replaceState' | 'state'>;
}

/**
 * The browser-mode token: taken from `?token=` when the page is opened, kept in sessionStorage so a
 * reload of this tab finds it, and taken out of the address bar at once, so that it is not in a
 * bookmark, a copied link or a screen share.
 */
export function takeToken(env: TokenEnv): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (!fromUrl) return env.sessionStorage?.getItem(KEY) ?? null;
  env.sessionStorage?.setItem(KEY, fromUrl);
  url.searchParams.delete('token');
  env.history?.replaceState(env.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return fromUrl;
}
