import { GroundLabelError } from '../../shared/errors';

/** A name the server answers to, on one port or (port absent) on any. */
export interface HostRule {
  readonly name: string;
  readonly port?: number;
}

interface HostPort {
  readonly name: string;
  readonly port: number;
}

/** `name` or `name:port`, where name is a DNS name, an IPv4 address or a bracketed IPv6 one. */
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/i;

function split(value: string): { name: string; port?: number } | null {
  const m = HOST.exec(value);
  if (!m) return null;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return null;
  return { name: m[1].toLowerCase(), ...(port !== undefined && { port }) };
}

/** An `--allow-host` value: `name` (any port) or `name:port`. */
export function parseHostRule(value: string): HostRule {
  const rule = split(value.trim());
  if (!rule)
    throw new GroundLabelError(
      'bad-argument',
      `--allow-host takes a host name with an optional port (gl.example.com, localhost:9000), got "${value}"`,
    );
  return rule;
}

/** The names a browser may reach the server by: its own loopback address and port, and the rules given. */
export function loopbackRules(port: number, extra: readonly HostRule[] = []): readonly HostRule[] {
  return [{ name: '127.0.0.1', port }, { name: 'localhost', port }, ...extra];
}

const matches = (rules: readonly HostRule[], at: HostPort): boolean =>
  rules.some((r) => r.name === at.name && (r.port === undefined || r.port === at.port));

/**
 * Whether a `Host` header names this server. A page that a DNS name rebound to 127.0.0.1 still
 * sends its own name here, so only the names allowed pass; anything malformed is refused.
 */
export function hostAllowed(host: string | undefined, rules: readonly HostRule[]): boolean {
  const at = host === undefined ? null : split(host);
  return at !== null && matches(rules, { name: at.name, port: at.port ?? 80 });
}

/** Whether an `Origin` header is a page served by this server, under one of its allowed names. */
export function originAllowed(origin: string, rules: readonly HostRule[]): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin) return false;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return matches(rules, { name: url.hostname.toLowerCase(), port });
}
