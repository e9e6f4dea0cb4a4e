// Loaded only when HTTPS_PROXY or HTTP_PROXY is set (proxy.ts).
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { bypassesProxy, type ProxySettings, redact } from './proxy.js';

// As the SDK's own agents: connections are kept for the calls of the run.
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 };

type Options = http.RequestOptions & tls.ConnectionOptions & { host?: string; port?: number | string };
type Callback = (error: Error | null, stream: Duplex) => void;

const proxyAuthorization = (proxy: URL): Record<string, string> =>
  proxy.username || proxy.password
    ? {
        'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`,
      }
    : {};

const portOf = (url: URL) => Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
const hostPort = (host: string, port: number) => `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;

/** The proxy refused to open a tunnel (407 needs credentials, 403 a blocked host, 502 no route). */
export class ProxyRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyRefused';
  }
}

/**
 * http endpoints through HTTP_PROXY: the request goes to the proxy with the full URL as its
 * target (absolute form), which is how a forward proxy is asked for a plain-HTTP resource.
 */
export class HttpProxyAgent extends http.Agent {
  constructor(private readonly settings: ProxySettings) {
    super(AGENT_OPTIONS);
  }

  // Node's Agent hands every request to addRequest before it writes the request line.
  addRequest(request: http.ClientRequest, options: Options): void {
    const proxy = this.settings.http;
    const host = options.host ?? 'localhost';
    const port = Number(options.port) || 80;
    const add = (http.Agent.prototype as unknown as { addRequest: (r: unknown, o: unknown) => void })
      .addRequest;
    if (!proxy || bypassesProxy(host, port, this.settings.noProxy)) {
      add.call(this, request, options);
      return;
    }
    request.path = `http://${hostPort(host, port)}${request.path}`;
    for (const [name, value] of Object.entries(proxyAuthorization(proxy))) request.setHeader(name, value);
    add.call(this, request, { ...options, host: proxy.hostname, port: portOf(proxy) });
  }
}

/**
 * https endpoints through HTTPS_PROXY: a CONNECT tunnel through the proxy, then TLS with the
 * endpoint itself inside it, so the proxy sees the host name and nothing else.
 */
export class HttpsProxyAgent extends https.Agent {
  constructor(private readonly settings: ProxySettings) {
    super(AGENT_OPTIONS);
  }

  override createConnection(requestOptions: http.RequestOptions, callback?: Callback): Duplex | undefined {
    const options = requestOptions as Options;
    const proxy = this.settings.https;
    const host = options.host ?? 'localhost';
    const port = Number(options.port) || 443;
    if (!proxy || bypassesProxy(host, port, this.settings.noProxy)) {
      const direct = https.Agent.prototype.createConnection as (
        o: unknown,
        c?: Callback,
      ) => Duplex | undefined;
      return direct.call(this, options, callback);
    }
    const target = hostPort(host, port);
    const connect = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname,
      port: portOf(proxy),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...proxyAuthorization(proxy) },
      agent: false,
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    });
    let done = false;
    const finish = (error: Error | null, socket?: Socket) => {
      if (done) return;
      done = true;
      // Node's Agent passes the callback, and takes the socket from it when nothing is returned.
      callback?.(error, socket as Duplex);
    };
    connect.once('connect', (response, socket: Socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        finish(
          new ProxyRefused(
            `The proxy ${redact(proxy)} refused to connect to ${target}: HTTP ${response.statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ''}.`,
          ),
        );
        return;
      }
      const servername = options.servername || (isIP(host) ? undefined : host);
      finish(null, tls.connect({ ...options, socket, ...(servername ? { servername } : {}) }));
    });
    connect.once('error', (error) => finish(error));
    connect.once('timeout', () =>
      connect.destroy(
        Object.assign(new Error(`The proxy ${redact(proxy)} did not answer in time.`), { code: 'ETIMEDOUT' }),
      ),
    );
    connect.end();
    return undefined;
  }
}
