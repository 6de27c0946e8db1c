import { CHANNELS, type Api } from '../../../shared/ipc/contract';
import { createHttpApi } from './http';
import { readToken } from './token';

export interface TransportEnv {
  readonly api?: unknown;
  readonly location: Pick<Location, 'search'>;
  readonly sessionStorage?: Pick<Storage, 'getItem' | 'setItem'>;
}

/** True when the Electron preload exposed the whole typed API (named functions only). */
export function isApi(value: unknown): value is Api {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['on', 'imageUrl', 'thumbUrl', ...CHANNELS].every((name) => typeof v[name] === 'function');
}

/** The one place that picks a transport: the preload's API in Electron, HTTP with the token in browser mode. */
export function createApi(env: TransportEnv = window): Api {
  if (isApi(env.api)) return env.api;
  return createHttpApi({ token: readToken(env.location.search, env.sessionStorage) ?? '' });
}
