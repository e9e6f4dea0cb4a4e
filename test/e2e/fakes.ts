import { afterAll } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { minimal } from '../fake-aws/scenarios.js';
import type { Scenario } from '../fake-aws/types.js';

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
