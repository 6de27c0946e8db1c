import { CHANNELS, type Api } from '../../../shared/ipc/contract';
import { connectHttpApi } from './http';
import { takeToken, type TokenEnv } from './token';

export interface TransportEnv extends TokenEnv {
  readonly api?: unknown;
}

/** True when the Electron preload exposed the whole typed API (named functions only). */
export function isApi(value: unknown): value is Api {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['on', 'imageUrl', 'thumbUrl', ...CHANNELS].every((name) => typeof v[name] === 'function');
}

export const NO_TOKEN_MESSAGE =
  'GroundLabel: open the address printed by `npm run serve`; it carries the access token.';

/**
 * The one place that picks a transport: the preload's API in Electron; in browser mode HTTP with the
 * token from the address, once the server has given this page its media key. Rejects with a message
 * for the person when there is no token or the server refuses it.
 */
export async function createApi(env: TransportEnv = window): Promise<Api> {
  if (isApi(env.api)) return env.api;
  const token = takeToken(env);
  if (!token) throw new Error(NO_TOKEN_MESSAGE);
  return connectHttpApi({ token });
}
