import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { usageError } from '../errors.js';

/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY as the AWS CLI reads them: lower case before upper
 * case, HTTPS_PROXY for https endpoints (every AWS endpoint) and HTTP_PROXY for http ones (a
 * local emulator), NO_PROXY naming the hosts reached directly. The SDK reads none of them.
 */
export interface ProxySettings {
  http: URL | undefined;
  https: URL | undefined;
  noProxy: string[];
}

/** undefined when no proxy is set, so a run without one loads none of the proxy code. */
export function proxySettingsFrom(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  const http = proxyUrl(env, 'http_proxy');
  const https = proxyUrl(env, 'https_proxy');
  if (!http && !https) return undefined;
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  return { http, https, noProxy };
}

function proxyUrl(env: NodeJS.ProcessEnv, lower: 'http_proxy' | 'https_proxy'): URL | undefined {
  const upper = lower.toUpperCase();
  const name = env[lower] ? lower : upper;
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    // `proxy.corp:3128`, as many set it, means http://proxy.corp:3128.
    url = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw usageError(
      `${name} '${redact(raw)}' is not a proxy URL.`,
      'Use e.g. http://proxy.example.com:3128.',
    );
  }
  // A CONNECT tunnel can be opened over TLS to the proxy; a plain-HTTP request is sent in the clear.
  const allowed = lower === 'https_proxy' ? ['http:', 'https:'] : ['http:'];
  if (!allowed.includes(url.protocol))
    throw usageError(
      `${name} uses ${url.protocol.replace(/:$/, '')}, but only ${allowed.map((p) => p.replace(':', '')).join(' and ')} proxies are supported there.`,
    );
  return url;
}

/** True when NO_PROXY says to reach `host:port` directly: `*`, the host, a parent domain (`.corp`, `corp`), with or without `:port`. */
export function bypassesProxy(host: string, port: number, noProxy: readonly string[]): boolean {
  const target = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return noProxy.some((entry) => {
    if (entry === '*') return true;
    const { name, port: entryPort } = noProxyEntry(entry);
    if (entryPort !== undefined && Number(entryPort) !== port) return false;
    const domain = name.replace(/^\*?\./, '');
    return target === domain || target.endsWith(`.${domain}`);
  });
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
function noProxyEntry(entry: string): { name: string; port?: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1] ?? '', port: bracketed[2] };
  if (entry.split(':').length > 2) return { name: entry };
  const [name = '', port] = entry.split(':');
  return { name, port };
}

/** A proxy URL fit to print: the user name and password left out. */
export function redact(raw: string | URL): string {
  const text = String(raw);
  try {
    const url = new URL(text.includes('://') ? text : `http://${text}`);
    if (!url.username && !url.password) return text;
    url.username = '';
    url.password = '';
    return `${url}[credentials hidden]`.replace(/\/\[/, ' [');
  } catch {
    return text.replace(/\/\/[^@/]*@/, '//[credentials hidden]@');
  }
}

export function describeProxies(settings: ProxySettings): string {
  const parts = [
    settings.https ? `https endpoints via ${redact(settings.https)}` : '',
    settings.http ? `http endpoints via ${redact(settings.http)}` : '',
    settings.noProxy.length ? `directly: ${settings.noProxy.join(',')}` : '',
  ];
  return `proxy: ${parts.filter(Boolean).join('; ')}`;
}

/** The agents for the SDK's request handler; the code is loaded only when a proxy is set. */
export async function proxyAgents(
  settings: ProxySettings,
): Promise<{ httpAgent: HttpAgent; httpsAgent: HttpsAgent }> {
  const { HttpProxyAgent, HttpsProxyAgent } = await import('./proxy-agents.js');
  return { httpAgent: new HttpProxyAgent(settings), httpsAgent: new HttpsProxyAgent(settings) };
}
