import { afterAll, afterEach, beforeEach, vi } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { minimal } from '../fake-aws/scenarios.js';
import type { Scenario } from '../fake-aws/types.js';
import { fakeClock, runCli } from '../helpers.js';

/**
 * A fresh fake AWS per test (so the tests of a file can run concurrently), seeded with the
 * minimal network, all of them closed after the file. `edit` adjusts the scenario first.
 */
export function fakeAwsPerTest(defaults: (s: Scenario) => void = () => {}) {
  const started: FakeAws[] = [];
  afterAll(async () => {
    await Promise.all(started.map((f) => f.close()));
  });
  return async (edit: (s: Scenario) => void = () => {}): Promise<FakeAws> => {
    const scenario = minimal();
    defaults(scenario);
    edit(scenario);
    const fake = await startFakeAws({ scenario });
    started.push(fake);
    return fake;
  };
}

/**
 * The CLI in-process against a fake AWS, both on one clock that moves only when something
 * sleeps (a poll, a pause between attempts, a slow answer): a run that "takes ten minutes"
 * takes milliseconds, and the time it took is exact. Stubs the credentials and region the SDK
 * reads from the process environment (not ctx.env) for each test of the file.
 */
export function fakeAwsOnFakeClock() {
  const started: FakeAws[] = [];
  afterAll(async () => {
    await Promise.all(started.map((f) => f.close()));
  });
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  return async (scenario: Scenario = minimal()) => {
    const clock = fakeClock();
    const fake = await startFakeAws({ scenario, clock: clock.now, sleep: (ms) => clock.sleep(ms) });
    started.push(fake);
    const cli = async (args: string[]) => {
      const begun = clock.now();
      const r = await runCli(['--endpoint-url', fake.url, ...args], { clock, env: { NO_COLOR: '1' } });
      return { ...r, begun, tookMs: clock.now() - begun };
    };
    return { fake, clock, cli };
  };
}
