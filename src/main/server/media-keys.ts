import { randomBytes } from 'node:crypto';
import { sameSecret } from './request-checks';

/**
 * Keys for the URLs an <img> or an EventSource loads (`/m/<key>/image/<id>`): those cannot carry a
 * header, and the access token must never sit in a URL, where it would reach the history, logs and
 * other tabs. A page asks for a key with the token; a key opens images, thumbnails and events only,
 * for this run of the server, and the oldest keys are revoked once `max` pages have asked.
 */
export class MediaKeys {
  private readonly keys: string[] = [];

  constructor(private readonly max = 64) {}

  issue(): string {
    const key = randomBytes(24).toString('base64url');
    this.keys.push(key);
    if (this.keys.length > this.max) this.keys.shift();
    return key;
  }

  valid(key: string): boolean {
    // Every key is compared, so the time taken does not say which one nearly matched.
    return this.keys.reduce((found, k) => sameSecret(key, k) || found, false);
  }

  revoke(key: string): void {
    const i = this.keys.indexOf(key);
    if (i >= 0) this.keys.splice(i, 1);
  }

  revokeAll(): void {
    this.keys.length = 0;
  }
}
