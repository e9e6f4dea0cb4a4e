import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FrontDoorRule } from '../fake-aws/front-door.js';
import { MINIMAL_IDS as I } from '../fake-aws/scenarios.js';
import { fakeAwsPerTest } from './fakes.js';
import { cleanEnv, runBin } from './spawn.js';

// The environments users bring: profiles in their own files, AWS_DEFAULT_REGION, a region only
// in an ARN, a corporate proxy, per-service endpoints, refused credentials. Each test passes its
// own HOME and shared files, never the machine's.

const fake = fakeAwsPerTest((s) => {
  s.updateDelayMs = 20;
});
const ARN = `arn:aws:lambda:us-east-1:123456789012:function:${I.fn}`;
const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDENVIRONMENT0KEY0', AWS_SECRET_ACCESS_KEY: 'env-secret' };

/** A HOME with ~/.aws/config and ~/.aws/credentials as given, and an env pointing at them. */
function awsHome(files: { config?: string; credentials?: string }, extra: NodeJS.ProcessEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), 'lambda-vpc-home-'));
  const config = join(home, 'config');
  const credentials = join(home, 'credentials');
  writeFileSync(config, files.config ?? '');
  writeFileSync(credentials, files.credentials ?? '');
  return {
    config,
    credentials,
    env: cleanEnv({
      HOME: home,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_MAX_ATTEMPTS: '1',
      LAMBDA_VPC_POLL_INTERVAL_MS: '20',
      ...extra,
    }),
  };
}

const PROFILES = {
  config:
    '[profile prod]\nregion = us-east-1\n[profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
  credentials: '[prod]\naws_access_key_id = AKIDPROFILE00000PROD\naws_secret_access_key = prod-secret\n',
};

describe.concurrent('profiles', () => {
  it('a --profile that neither file has is named, with the files read, exit 3, before any AWS call', async () => {
    const f = await fake();
    const home = awsHome(PROFILES, KEYS);
    const r = await runBin(['--profile', 'prdo', '--endpoint-url', f.url, 'status', I.fn], home.env);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe(
      `Error: The config profile (prdo) could not be found in ${home.config} or ${home.credentials}.`,
    );
    expect(r.stderr).toContain('Profiles there: prod, sso-dev. Check --profile');
    expect(r.stderr).not.toContain('region');
    expect(f.requests).toHaveLength(0);
  });

  it('an AWS_PROFILE that does not exist is named too, as AWS_PROFILE', async () => {
    const f = await fake();
    const home = awsHome(PROFILES, { AWS_PROFILE: 'staging', AWS_REGION: 'us-east-1' });
    const r = await runBin(['-o', 'json', '--endpoint-url', f.url, 'status', I.fn], home.env);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.code).toBe('Credentials');
    expect(doc.error.message).toContain('The config profile (staging) could not be found');
    expect(r.stderr).toContain('Check AWS_PROFILE');
    expect(f.requests).toHaveLength(0);
  });

  it('--profile wins over environment keys, silently; --debug says which signed', async () => {
    const f = await fake();
    const home = awsHome(PROFILES, KEYS);
    const r = await runBin(['--profile', 'prod', '--endpoint-url', f.url, 'status', I.fn], home.env);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Multiple credential sources');
    expect(r.stderr).not.toContain('WARNING');
    // GetFunction, and the interfaces a function not in a VPC may have left behind.
    expect(f.requests.map((e) => e.signedBy?.accessKeyId)).toEqual([
      'AKIDPROFILE00000PROD',
      'AKIDPROFILE00000PROD',
    ]);
    const debug = await runBin(
      ['--debug', '--profile', 'prod', '--endpoint-url', f.url, 'status', I.fn],
      home.env,
    );
    expect(debug.stderr).toContain(
      'credentials: profile prod (--profile); AWS_ACCESS_KEY_ID in the environment is not used',
    );
    expect(debug.stderr).not.toContain('AKIDPROFILE00000PROD');
  });

  it('with AWS_PROFILE (not --profile) environment keys sign, as in the AWS CLI; the profile gives the region', async () => {
    const f = await fake();
    const home = awsHome(PROFILES, { ...KEYS, AWS_PROFILE: 'prod' });
    const r = await runBin(['--endpoint-url', f.url, 'status', I.fn], home.env);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Multiple credential sources');
    expect(f.requests.map((e) => e.signedBy)).toEqual([
      { accessKeyId: 'AKIDENVIRONMENT0KEY0', region: 'us-east-1' },
      { accessKeyId: 'AKIDENVIRONMENT0KEY0', region: 'us-east-1' },
    ]);
  });

  it("a failing credential_process keeps the SDK's reason", async () => {
    const f = await fake();
    const home = awsHome({
      config:
        "[profile broken]\nregion = us-east-1\ncredential_process = sh -c 'echo token service unreachable >&2; exit 7'\n",
    });
    const r = await runBin(['--profile', 'broken', '--endpoint-url', f.url, 'status', I.fn], home.env);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toMatch(/credential_process|Command failed/i);
    expect(r.stderr).not.toContain('Could not load credentials from any providers');
    expect(f.requests).toHaveLength(0);
  });
});

describe.concurrent('region', () => {
  it('AWS_DEFAULT_REGION is used after AWS_REGION and before the profile', async () => {
    const f = await fake();
    const home = awsHome(PROFILES, { AWS_DEFAULT_REGION: 'eu-west-1', AWS_PROFILE: 'prod' });
    const r = await runBin(['--endpoint-url', f.url, 'status', I.fn], home.env);
    expect(r.code).toBe(0);
    expect(f.requests.map((e) => e.signedBy?.region)).toEqual(['eu-west-1', 'eu-west-1']);
    const both = awsHome(PROFILES, { AWS_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'us-west-2', ...KEYS });
    const f2 = await fake();
    expect((await runBin(['--endpoint-url', f2.url, 'status', I.fn], both.env)).code).toBe(0);
    expect(f2.requests.map((e) => e.signedBy?.region)).toEqual(['us-west-2', 'us-west-2']);
  });

  it('a full ARN supplies the region when none is set', async () => {
    const f = await fake();
    const home = awsHome({}, KEYS);
    const r = await runBin(['--endpoint-url', f.url, 'status', ARN], home.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(f.requests.map((e) => e.signedBy?.region)).toEqual(['us-east-1', 'us-east-1']);
    // attach too, whose EC2 and IAM checks come before the write: every client has the region.
    const attach = await runBin(
      ['--endpoint-url', f.url, 'attach', ARN, '--subnets', I.subnetA, '--sg', I.sg],
      home.env,
    );
    expect(attach.code).toBe(0);
    expect(new Set(f.requests.map((e) => `${e.service} ${e.signedBy?.region}`))).toEqual(
      new Set(['lambda us-east-1', 'ec2 us-east-1', 'iam us-east-1', 'servicequotas us-east-1']),
    );
  });

  it('an ARN of another region than the one set is still refused before any call', async () => {
    const f = await fake();
    const home = awsHome({}, { ...KEYS, AWS_DEFAULT_REGION: 'eu-west-1' });
    const r = await runBin(['--endpoint-url', f.url, 'status', ARN], home.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `is in us-east-1, but the region in use is eu-west-1 (from AWS_DEFAULT_REGION).`,
    );
    expect(f.requests).toHaveLength(0);
  });

  it('ARNs of two regions, with none set: no region, exit 2', async () => {
    const home = awsHome({}, KEYS);
    const r = await runBin(['status', ARN, ARN.replace('us-east-1', 'eu-west-1')], home.env);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('Error: No AWS region is configured.');
  });
});

/** A forward proxy for plain HTTP that records what it was asked for, and forwards it. */
async function recordingProxy(): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('proxies', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
  });

  it('HTTP_PROXY carries the calls to an http endpoint; NO_PROXY sends them direct', async () => {
    const proxy = await recordingProxy();
    servers.push(proxy.server);
    const f = await fake();
    const env = awsHome({}, { ...KEYS, AWS_REGION: 'us-east-1', HTTP_PROXY: proxy.url }).env;
    const r = await runBin(
      ['--endpoint-url', f.url, 'attach', I.fn, '--subnets', I.subnetA, '--sg', I.sg],
      env,
    );
    expect(r.code).toBe(0);
    expect(proxy.seen.length).toBe(f.requests.length);
    expect(proxy.seen).toContain(`GET ${f.url}/2015-03-31/functions/${I.fn}`);
    expect(proxy.seen.some((line) => line.startsWith(`POST ${f.url}/`))).toBe(true);

    const before = proxy.seen.length;
    const direct = await runBin(['--endpoint-url', f.url, 'status', I.fn], {
      ...env,
      no_proxy: 'example.com,127.0.0.1',
    });
    expect(direct.code).toBe(0);
    expect(proxy.seen.length).toBe(before);
  });

  it('lower-case http_proxy is honoured, and --debug names the proxy without its password', async () => {
    const proxy = await recordingProxy();
    servers.push(proxy.server);
    const f = await fake();
    const url = proxy.url.replace('http://', 'http://user:hunter2@');
    const env = awsHome({}, { ...KEYS, AWS_REGION: 'us-east-1', http_proxy: url }).env;
    const r = await runBin(['--debug', '--endpoint-url', f.url, 'status', I.fn], env);
    expect(r.code).toBe(0);
    // GetFunction, and DescribeNetworkInterfaces for what a function not in a VPC left behind.
    expect(proxy.seen).toHaveLength(2);
    expect(r.stderr).toContain(`http endpoints via ${proxy.url} [credentials hidden]`);
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe.concurrent('per-service endpoints', () => {
  it('AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_EC2 send each service to its own endpoint', async () => {
    const [lambda, ec2, quotas] = [await fake(), await fake(), await fake()];
    const env = awsHome(
      {},
      {
        ...KEYS,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_LAMBDA: lambda.url,
        AWS_ENDPOINT_URL_EC2: ec2.url,
        // attach's network-interface budget reads the quota: never from real AWS in a test.
        AWS_ENDPOINT_URL_SERVICE_QUOTAS: quotas.url,
      },
    ).env;
    const r = await runBin(['attach', I.fn, '--subnets', I.subnetA, '--sg', I.sg, '--skip-perms-check'], env);
    expect(r.code).toBe(0);
    expect(new Set(lambda.requests.map((e) => e.service))).toEqual(new Set(['lambda']));
    expect(new Set(ec2.requests.map((e) => e.service))).toEqual(new Set(['ec2']));
    expect(new Set(quotas.requests.map((e) => e.service))).toEqual(new Set(['servicequotas']));
  });

  it('--endpoint-url sends every service to one endpoint, over AWS_ENDPOINT_URL_<SERVICE>', async () => {
    const [all, other] = [await fake(), await fake()];
    const env = awsHome({}, { ...KEYS, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_EC2: other.url }).env;
    const r = await runBin(
      ['--endpoint-url', all.url, 'attach', I.fn, '--subnets', I.subnetA, '--sg', I.sg],
      env,
    );
    expect(r.code).toBe(0);
    expect(new Set(all.requests.map((e) => e.service))).toEqual(
      new Set(['lambda', 'ec2', 'iam', 'servicequotas']),
    );
    expect(other.requests).toHaveLength(0);
  });
});

const ATTACH = ['attach', I.fn, '--subnets', I.subnetA, '--sg', I.sg];

describe.concurrent('refused credentials: exit 3 and how to refresh them, from any service', () => {
  const cases: Array<[string, string[], FrontDoorRule, string]> = [
    [
      'EC2 RequestExpired, attach network check',
      ATTACH,
      { kind: 'expiredToken', service: 'ec2' },
      'RequestExpired',
    ],
    [
      'EC2 AuthFailure, enis',
      ['enis', '--subnet', I.subnetA],
      { kind: 'invalidToken', service: 'ec2' },
      'AuthFailure',
    ],
    [
      'Lambda ExpiredTokenException, status',
      ['status', I.fn],
      { kind: 'expiredToken', service: 'lambda' },
      'ExpiredTokenException',
    ],
    [
      'Lambda UnrecognizedClientException, detach',
      ['detach', I.fn],
      { kind: 'invalidToken', service: 'lambda' },
      'UnrecognizedClientException',
    ],
    ['IAM ExpiredToken, attach role check', ATTACH, { kind: 'expiredToken', service: 'iam' }, 'ExpiredToken'],
    [
      'STS InvalidClientTokenId, check-perms',
      ['check-perms', I.fn],
      { kind: 'invalidToken', service: 'sts' },
      'InvalidClientTokenId',
    ],
  ];
  it.each(cases)('%s', async (_path, args, rule, code) => {
    const f = await fake();
    f.frontDoor.add(rule);
    const env = awsHome({}, { ...KEYS, AWS_SESSION_TOKEN: 'token', AWS_REGION: 'us-east-1' }).env;
    const r = await runBin(['--endpoint-url', f.url, ...args], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`AWS refused the credentials: ${code}:`);
    expect(r.stderr).toContain(
      'Hint: AWS refused the keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN (temporary keys expire): set fresh ones',
    );
    expect(r.stderr).not.toContain('--skip-network-check');
    expect(f.writes()).toHaveLength(0);
  });

  it("an SSO profile whose sign-in has run out: the SDK's reason, and aws sso login --profile", async () => {
    const f = await fake();
    // No cached SSO token in this HOME: the SDK cannot sign, and no request is sent.
    const home = awsHome(PROFILES, KEYS);
    const r = await runBin(['--profile', 'sso-dev', '--endpoint-url', f.url, 'status', I.fn], home.env);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toMatch(/SSO/);
    expect(r.stderr).toContain('Hint: Run aws sso login --profile sso-dev, then run the command again.');
    expect(f.requests).toHaveLength(0);
  });

  it('a batch stops at the first refusal instead of repeating it for every function', async () => {
    const f = await fake();
    f.frontDoor.add({ kind: 'expiredToken', service: 'lambda' });
    const env = awsHome({}, { ...KEYS, AWS_REGION: 'us-east-1' }).env;
    const r = await runBin(
      ['--endpoint-url', f.url, 'status', '--concurrency', '1', I.fn, 'other-a', 'other-b'],
      env,
    );
    expect(r.code).toBe(3);
    expect(f.requests).toHaveLength(1);
  });
});

describe.concurrent('an answer that is not AWS', () => {
  const cases: Array<[string, string[], FrontDoorRule, string]> = [
    [
      'Lambda, an HTML 404 page',
      ['status', I.fn],
      { kind: 'notFoundPage', service: 'lambda' },
      'with an HTML page',
    ],
    [
      'Lambda, a bare 404',
      ['status', I.fn],
      { kind: 'bareNotFound', service: 'lambda' },
      'with an empty body',
    ],
    [
      'EC2, an HTML 404 page',
      ['enis', '--subnet', I.subnetA],
      { kind: 'notFoundPage', service: 'ec2' },
      'with an HTML page',
    ],
    [
      'EC2, a bare 404',
      ['enis', '--subnet', I.subnetA],
      { kind: 'bareNotFound', service: 'ec2' },
      'with an empty body',
    ],
  ];
  it.each(cases)('%s: says what came back and from where', async (_what, args, rule, body) => {
    const f = await fake();
    f.frontDoor.add(rule);
    const env = awsHome({}, { ...KEYS, AWS_REGION: 'us-east-1' }).env;
    const r = await runBin(['--endpoint-url', f.url, ...args], env);
    expect(r.code).toBe(1);
    const host = new URL(f.url).host;
    expect(r.stderr).toContain(`Got HTTP 404 Not Found ${body} from ${host} instead of an AWS answer`);
    expect(r.stderr).not.toMatch(/Unknown/);
    expect(r.stderr).toContain('--endpoint-url');
  });
});
