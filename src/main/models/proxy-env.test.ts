import { describe, expect, it } from 'vitest';
import { proxyFor } from './proxy-env';

const at = (url: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(url), env)?.href ?? null;

describe('proxyFor', () => {
  it('takes HTTPS_PROXY for https and HTTP_PROXY for http, in either case', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', http_proxy: 'http://q:8080' };
    expect(at('https://huggingface.co/x', env)).toBe('http://p:3128/');
    expect(at('http://example.com/x', env)).toBe('http://q:8080/');
  });

  it('falls back to ALL_PROXY and reads a proxy without a scheme as http', () => {
    expect(at('https://github.com/', { ALL_PROXY: 'proxy.lan:3128' })).toBe('http://proxy.lan:3128/');
  });

  it('reaches NO_PROXY hosts, their subdomains and matching ports directly', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', NO_PROXY: 'internal.lan, .corp.example,mirror:8443' };
    expect(at('https://internal.lan/', env)).toBeNull();
    expect(at('https://a.internal.lan/', env)).toBeNull();
    expect(at('https://x.corp.example/', env)).toBeNull();
    expect(at('https://mirror:8443/', env)).toBeNull();
    expect(at('https://mirror/', env)).toBe('http://p:3128/');
    expect(at('https://notinternal.lan/', env)).toBe('http://p:3128/');
    expect(at('https://huggingface.co/', { ...env, no_proxy: '*' })).toBeNull();
  });

  it('never proxies loopback addresses, and nothing without a proxy set', () => {
    const env = { HTTP_PROXY: 'http://p:3128' };
    expect(at('http://127.0.0.1:9000/m.onnx', env)).toBeNull();
    expect(at('http://localhost:9000/m.onnx', env)).toBeNull();
    expect(at('http://[::1]:9000/m.onnx', env)).toBeNull();
    expect(at('https://huggingface.co/', {})).toBeNull();
  });
});
