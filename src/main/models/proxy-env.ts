import net from 'node:net';

/**
 * The proxy a request to `url` goes through, from the usual environment variables (as curl and
 * most tools read them): HTTPS_PROXY for https, HTTP_PROXY for http, ALL_PROXY for either, in
 * upper or lower case; NO_PROXY lists hosts that are reached directly (`*`, `example.com` and its
 * subdomains, `.example.com`, `host:port`). Loopback addresses are never proxied.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | null {
  const read = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || '';
  const raw =
    (url.protocol === 'https:' ? read('https_proxy') : url.protocol === 'http:' ? read('http_proxy') : '') ||
    read('all_proxy');
  if (!raw) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (
    isLoopback(host) ||
    bypassed(host, url.port || (url.protocol === 'https:' ? '443' : '80'), read('no_proxy'))
  )
    return null;
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    return null;
  }
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' ||
  host.endsWith('.localhost') ||
  (net.isIPv4(host) && host.startsWith('127.')) ||
  host === '::1';

function bypassed(host: string, port: string, noProxy: string): boolean {
  for (const item of noProxy.split(/[\s,]+/).filter(Boolean)) {
    if (item === '*') return true;
    const [name, itemPort] = item.toLowerCase().split(/:(?=\d+$)/);
    if (itemPort && itemPort !== port) continue;
    const bare = name.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}
