import { describe, expect, it } from 'vitest';
import type { FakeAws } from '../fake-aws/fake-aws.js';
import { MINIMAL_IDS as I } from '../fake-aws/scenarios.js';
import { fakeAwsPerTest } from './fakes.js';
import { cleanEnv, runBin } from './spawn.js';

// Something between the CLI and AWS (a proxy, a load balancer) answers 502 with an HTML page:
// no AWS answer at all. While waiting that is polled through like any 5xx; where it ends a
// command, the message says what came back.
const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
  // Each 502 reaches the CLI at once instead of after the SDK's own retries.
  AWS_MAX_ATTEMPTS: '1',
};
const LONG = 600_000;

const start = fakeAwsPerTest((s) => {
  s.updateDelayMs = LONG;
});

const cli = (f: FakeAws, args: string[], env: NodeJS.ProcessEnv = {}) =>
  runBin(['--endpoint-url', f.url, ...args], cleanEnv({ ...ENV, ...env }));
const badGateways = (f: FakeAws) => f.requests.filter((r) => r.status === 502).length;

describe.concurrent('a 502 HTML page instead of an AWS answer', () => {
  it('status --wait polls through it and exits 0 once the update settles', async () => {
    const f = await start();
    f.state.beginUpdate(I.fn, { durationMs: LONG });
    f.frontDoor.add({ kind: 'badGateway', service: 'lambda', operation: 'GetFunction', skip: 1, times: 3 });
    // The update settles only once the CLI has read through every 502 (the read after them still
    // says InProgress; the next one Successful).
    f.afterRequest((entry) => {
      const fn = f.state.findFunction(I.fn);
      if (entry.operation === 'GetFunction' && entry.status === 200 && badGateways(f) === 3 && fn?.update)
        fn.update.endsAt = f.state.now();
    });
    const r = await cli(f, ['status', I.fn, '--wait']);
    expect(r.stderr).not.toContain('Error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/last update\s+Successful/);
    // The last 200: DescribeNetworkInterfaces, for what a function not in a VPC left behind.
    expect(f.requests.map((e) => e.status)).toEqual([200, 502, 502, 502, 200, 200, 200]);
  });

  it('where it ends a command: the status that came back, not an AWS answer, and the update continues', async () => {
    const f = await start();
    f.frontDoor.add({ kind: 'badGateway', service: 'lambda', operation: 'GetFunction' });
    const message = `Got HTTP 502 Bad Gateway with an HTML page from ${new URL(f.url).host} instead of an AWS answer (2 attempts).`;
    const human = await cli(f, ['status', I.fn], { AWS_MAX_ATTEMPTS: '2' });
    expect(human.code).toBe(1);
    expect(human.stderr.split('\n').slice(0, 2)).toEqual([
      `Error: my-fn: ${message}`,
      "Hint: Something between here and AWS (a proxy, gateway or load balancer) answered, not AWS. Any update already sent continues on AWS's side: run the command again, or follow the function with lambda-vpc status FUNCTION --wait.",
    ]);
    expect(human.stderr).not.toContain('SyntaxError');
    const json = await cli(f, ['-o', 'json', 'status', I.fn], { AWS_MAX_ATTEMPTS: '2' });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).results[0].error).toEqual({
      code: 'ServiceError',
      exitCode: 1,
      message,
      hint: expect.stringContaining("continues on AWS's side"),
    });
  });
});
