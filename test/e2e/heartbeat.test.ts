import { describe, expect, it } from 'vitest';
import { fleet, fleetNames, MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import { fakeAwsOnFakeClock } from './fakes.js';

// In CI (stderr not a terminal) a line whenever 30 s pass without one, on the run's clock: the
// CLI runs in-process against the fake AWS, both on a clock that moves only when something
// sleeps, so an update that takes two minutes takes milliseconds and every line is where it is.
const fakeAws = fakeAwsOnFakeClock();
const NETWORK = ['--subnets', `${I.subnetA},${I.subnetB}`, '--sg', I.sg];
const heartbeats = (stderr: string) => stderr.split('\n').filter((l) => /still|Still working/.test(l));

describe('line mode heartbeat', () => {
  it('one function: its state and elapsed time every 30 s while the state does not change', async () => {
    const scenario = minimal();
    scenario.updateDelayMs = 125_000;
    const { cli } = await fakeAws(scenario);
    const r = await cli(['attach', I.fn, ...NETWORK]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${I.fn}: Active / InProgress (1s)\n`);
    expect(heartbeats(r.stderr)).toEqual([
      `${I.fn}: still Active / InProgress (31s)`,
      `${I.fn}: still Active / InProgress (1m1s)`,
      `${I.fn}: still Active / InProgress (1m31s)`,
      `${I.fn}: still Active / InProgress (2m1s)`,
    ]);
  });

  it('a fleet: one line of counts per interval, not one per function', async () => {
    const names = fleetNames(12);
    const { cli } = await fakeAws(fleet(names.length, 100_000));
    const r = await cli(['attach', ...names, ...NETWORK]);
    expect(r.code).toBe(0);
    expect(heartbeats(r.stderr)).toEqual([
      'Still working: 0/12 done, 12 in progress (57s)',
      'Still working: 0/12 done, 12 in progress (1m27s)',
    ]);
  });

  it('--output json: the heartbeat alone on stderr, the document alone on stdout', async () => {
    const scenario = minimal();
    scenario.updateDelayMs = 125_000;
    const { cli } = await fakeAws(scenario);
    const r = await cli(['--output', 'json', 'attach', I.fn, ...NETWORK]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].outcome).toBe('updated');
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `${I.fn}: still Active / InProgress (30s)`,
      `${I.fn}: still Active / InProgress (1m)`,
      `${I.fn}: still Active / InProgress (1m30s)`,
      `${I.fn}: still Active / InProgress (2m)`,
    ]);
  });

  it('--output json, shorter than the interval: nothing on stderr', async () => {
    const scenario = minimal();
    scenario.updateDelayMs = 20_000;
    const { cli } = await fakeAws(scenario);
    const r = await cli(['--output', 'json', 'attach', I.fn, ...NETWORK]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
