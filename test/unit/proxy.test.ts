import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bypassesProxy, proxySettingsFrom, redact } from '../../src/aws/proxy.js';
import { HttpsProxyAgent } from '../../src/aws/proxy-agents.js';
import { CliError } from '../../src/errors.js';

describe('proxy settings from the environment', () => {
  it('none set: undefined, so no proxy code is loaded', () => {
    expect(proxySettingsFrom({ NO_PROXY: 'localhost' })).toBeUndefined();
    expect(proxySettingsFrom({ HTTPS_PROXY: '' })).toBeUndefined();
  });

  it('lower case before upper case; a bare host:port is http', () => {
    const s = proxySettingsFrom({
      https_proxy: 'proxy.corp:3128',
      HTTPS_PROXY: 'http://other:1',
      HTTP_PROXY: 'http://plain:8080',
      NO_PROXY: ' .internal, 169.254.169.254 ,',
    });
    expect(s?.https?.href).toBe('http://proxy.corp:3128/');
    expect(s?.http?.href).toBe('http://plain:8080/');
    expect(s?.noProxy).toEqual(['.internal', '169.254.169.254']);
  });

  it('an unsupported or malformed proxy is a usage error that hides its password', () => {
    const error = (env: NodeJS.ProcessEnv) => {
      try {
        proxySettingsFrom(env);
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        expect((e as CliError).exitCode).toBe(2);
        return (e as CliError).message;
      }
      throw new Error('no error');
    };
    expect(error({ HTTPS_PROXY: 'socks5://proxy:1080' })).toBe(
      'HTTPS_PROXY uses socks5, but only http and https proxies are supported there.',
    );
    expect(error({ http_proxy: 'https://proxy:443' })).toContain('only http proxies');
    expect(error({ HTTPS_PROXY: 'http://user:pw@[bad' })).not.toContain('pw');
  });

  it('redacts the user and password', () => {
    expect(redact('http://me:hunter2@proxy:3128')).toBe('http://proxy:3128 [credentials hidden]');
    expect(redact('http://proxy:3128')).toBe('http://proxy:3128');
  });
});

describe('NO_PROXY', () => {
  const cases: Array<[string, number, string[], boolean]> = [
    ['lambda.us-east-1.amazonaws.com', 443, ['*'], true],
    ['lambda.us-east-1.amazonaws.com', 443, ['amazonaws.com'], true],
    ['lambda.us-east-1.amazonaws.com', 443, ['.amazonaws.com'], true],
    ['lambda.us-east-1.amazonaws.com', 443, ['*.amazonaws.com'], true],
    ['notamazonaws.com', 443, ['amazonaws.com'], false],
    ['127.0.0.1', 4566, ['127.0.0.1'], true],
    ['127.0.0.1', 4566, ['127.0.0.1:4566'], true],
    ['127.0.0.1', 4566, ['127.0.0.1:80'], false],
    ['::1', 4566, ['::1'], true],
    ['[::1]', 4566, ['[::1]:4566'], true],
    ['ec2.eu-west-1.amazonaws.com', 443, ['lambda.eu-west-1.amazonaws.com'], false],
    ['EC2.eu-west-1.amazonaws.com', 443, ['ec2.eu-west-1.amazonaws.com'], true],
  ];
  it.each(cases)('%s:%i with %j: direct %s', (host, port, noProxy, direct) => {
    expect(bypassesProxy(host, port, noProxy)).toBe(direct);
  });
});

/** A self-signed certificate for localhost, made for the test. */
function localhostCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-vpc-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
}

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

describe('HTTPS_PROXY: a CONNECT tunnel, TLS with the endpoint inside it', () => {
  let tls: { key: string; cert: string };
  let endpointPort = 0;
  let proxyPort = 0;
  const servers: Server[] = [];
  const connects: Array<{ target: string; auth: string | undefined }> = [];
  let refuse = false;

  beforeAll(async () => {
    tls = localhostCert();
    const endpoint = createHttpsServer(tls, (_req, res) => res.end('from the endpoint'));
    endpointPort = await listen(endpoint);
    const proxy = createHttpServer();
    proxy.on('connect', (req: IncomingMessage, client: Socket) => {
      connects.push({ target: req.url ?? '', auth: req.headers['proxy-authorization'] });
      if (refuse) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
        return;
      }
      // Whatever host was asked for, this test's endpoint is on 127.0.0.1.
      const upstream = connect(Number(req.url?.split(':').at(-1)), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
    });
    proxyPort = await listen(proxy);
    servers.push(endpoint, proxy);
  });
  afterAll(() => {
    for (const server of servers) server.close();
  });

  const get = (agent: HttpsProxyAgent) =>
    new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        { host: 'localhost', port: endpointPort, path: '/', agent, ca: tls.cert },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => {
            body += d;
          });
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('asks the proxy for host:port with the proxy credentials, and verifies the endpoint certificate', async () => {
    refuse = false;
    connects.length = 0;
    const settings = proxySettingsFrom({ HTTPS_PROXY: `http://me:s%40cret@127.0.0.1:${proxyPort}` });
    const agent = new HttpsProxyAgent(settings as NonNullable<typeof settings>);
    expect(await get(agent)).toBe('from the endpoint');
    expect(connects).toEqual([
      { target: `localhost:${endpointPort}`, auth: `Basic ${Buffer.from('me:s@cret').toString('base64')}` },
    ]);
    agent.destroy();
  });

  it('NO_PROXY: connects directly', async () => {
    connects.length = 0;
    const settings = proxySettingsFrom({
      HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`,
      NO_PROXY: 'localhost',
    });
    const agent = new HttpsProxyAgent(settings as NonNullable<typeof settings>);
    expect(await get(agent)).toBe('from the endpoint');
    expect(connects).toEqual([]);
    agent.destroy();
  });

  it('a refused tunnel is an error that says what the proxy answered, without its password', async () => {
    refuse = true;
    const settings = proxySettingsFrom({ HTTPS_PROXY: `http://me:hunter2@127.0.0.1:${proxyPort}` });
    const agent = new HttpsProxyAgent(settings as NonNullable<typeof settings>);
    const error = await get(agent).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('ProxyRefused');
    expect(error?.message).toBe(
      `The proxy http://127.0.0.1:${proxyPort} [credentials hidden] refused to connect to localhost:${endpointPort}: HTTP 407 Proxy Authentication Required.`,
    );
    agent.destroy();
  });
});
