import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { originAllowed, type HostRule } from './hosts';

/** Why a request is turned away, as the status and text the server answers with. */
export interface Refusal {
  readonly status: 401 | 403 | 404 | 413 | 415;
  readonly message: string;
}

const one = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * Why a request that may change state did not come from the served page, or null when it did.
 * A browser says where a request comes from in `Sec-Fetch-Site` and `Origin`, and no page can
 * forge either; clients that are not browsers (scripts, tests) send neither and are judged by
 * the token alone.
 */
export function notFromServedPage(headers: IncomingHttpHeaders, hosts: readonly HostRule[]): Refusal | null {
  const site = one(headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin')
    return { status: 403, message: `a request from another site (${site}) is refused` };
  const origin = one(headers.origin);
  if (origin !== undefined && !originAllowed(origin, hosts))
    return { status: 403, message: 'a request from a page this server did not serve is refused' };
  return null;
}

/**
 * Whether a browser loads an image or event stream for a page of another site (an <img> or an
 * EventSource elsewhere). `none` is a person opening the address themselves.
 */
export const loadedByAnotherSite = (headers: IncomingHttpHeaders): boolean => {
  const site = one(headers['sec-fetch-site']);
  return site === 'cross-site' || site === 'same-site';
};

/** The token of `Authorization: Bearer <token>`: a header only a script of the page itself can set. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const m = /^Bearer ([\x21-\x7e]+)$/.exec(headers.authorization ?? '');
  return m ? m[1] : null;
}

/** Compares secrets in time independent of where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether the body is declared as JSON. A form or a `no-cors` fetch of another page can only send
 * text/plain, urlencoded or multipart bodies, so this alone keeps them out of every handler.
 */
export const declaresJson = (headers: IncomingHttpHeaders): boolean =>
  (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
