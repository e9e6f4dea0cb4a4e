import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import type { Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

// A function idle for weeks goes Inactive (its interfaces reclaimed): the built binary against
// the fake AWS, which brings an updated Inactive function back through Pending.
const ENV = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
});
const IN_VPC = { SubnetIds: [I.subnetA, I.subnetB], SecurityGroupIds: [I.sg] };

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const start = async (edit: (s: Scenario) => void = () => {}) => {
  const s = minimal();
  edit(s);
  fake = await startFakeAws({ scenario: s });
  return fake;
};
const cli = (f: FakeAws, ...args: string[]) => runBin(['--endpoint-url', f.url, ...args], ENV);
const count = (f: FakeAws, operation: string) => f.requests.filter((r) => r.operation === operation).length;
const inactive = (s: Scenario, vpc?: typeof IN_VPC) => {
  s.functions = [
    { FunctionName: I.fn, Role: I.roleArn, State: 'Inactive', ...(vpc ? { VpcConfig: vpc } : {}) },
  ];
};

describe('status of an Inactive function', () => {
  it('--wait returns at once (one GetFunction), exit 0, and says what Inactive means and how to warm it', async () => {
    const f = await start((s) => inactive(s, IN_VPC));
    const r = await cli(f, 'status', I.fn, '--wait');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/state\s+Inactive: The function is inactive .*\(Idle\)/);
    expect(r.stdout).toContain(
      'Inactive: Lambda reclaimed its network interfaces after weeks without invocations; the next invoke re-creates them (minutes)',
    );
    expect(r.stdout).toContain(`aws lambda invoke --function-name ${I.fn} /dev/null`);
    expect(r.stdout).toMatch(/ENIs\s+0$/m);
    expect(count(f, 'GetFunction')).toBe(1);
  });

  it('JSON: state Inactive, the note in notes, the document valid', async () => {
    const f = await start((s) => inactive(s, IN_VPC));
    const r = await cli(f, '-o', 'json', 'status', I.fn, '--wait');
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout).results;
    expect(result.status).toMatchObject({ state: 'Inactive', stateReasonCode: 'Idle' });
    expect(result.notes).toEqual([
      expect.stringMatching(/^Inactive: Lambda reclaimed its network interfaces/),
    ]);
    expect(result.enis).toEqual({ checked: true, count: 0, ids: [] });
  });

  it('without --wait, and in the --brief table, it says the same', async () => {
    const f = await start((s) => inactive(s));
    const plain = await cli(f, 'status', I.fn);
    expect(plain.code).toBe(0);
    // Not in a VPC: what was reclaimed is not called network interfaces.
    expect(plain.stdout).toContain('Inactive: Lambda reclaimed the resources it had after weeks');
    const brief = await cli(f, 'status', I.fn, '--brief');
    expect(brief.stdout).toContain('1 function: 0 in a VPC, 0 Active and settled, 1 Inactive');
    expect(brief.stdout).toContain(`aws lambda invoke --function-name ${I.fn} /dev/null`);
  });
});

describe('attach and detach of an Inactive function', () => {
  it('attach works: Pending while Lambda re-creates its resources, then updated, Active, with the note', async () => {
    const f = await start((s) => {
      inactive(s);
      s.updateDelayMs = 200;
    });
    // What each answer of Lambda said, read from the fake as it answered.
    const seen: string[] = [];
    f.afterRequest((entry) => {
      const c = f.state.functions.get(I.fn)?.config;
      if (entry.service === 'lambda' && c) seen.push(`${entry.operation} ${c.State}/${c.LastUpdateStatus}`);
    });
    const r = await cli(
      f,
      '-o',
      'json',
      'attach',
      I.fn,
      '--subnets',
      `${I.subnetA},${I.subnetB}`,
      '--sg',
      I.sg,
    );
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout).results;
    expect(result).toMatchObject({ outcome: 'updated', written: true });
    expect(result.status).toMatchObject({ state: 'Active', lastUpdateStatus: 'Successful' });
    expect(result.after.subnetIds).toEqual([I.subnetA, I.subnetB]);
    expect(result.notes).toContainEqual(
      `${I.fn} was Inactive (idle for weeks, its resources reclaimed): the update brings it back through Pending while Lambda re-creates them, which can take minutes.`,
    );
    expect(seen[0]).toBe('GetFunction Inactive/Successful');
    expect(seen).toContain('UpdateFunctionConfiguration Pending/InProgress');
    // Waited through Pending, never stopping on it, and ended on the first settled read.
    const polls = seen.slice(seen.indexOf('UpdateFunctionConfiguration Pending/InProgress') + 1);
    expect(polls.at(-1)).toBe('GetFunction Active/Successful');
    expect(polls.slice(0, -1).every((p) => p === 'GetFunction Pending/InProgress')).toBe(true);
    expect(f.state.getFunction(I.fn)).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
    expect(f.state.getFunction(I.fn).StateReasonCode).toBeUndefined();
    // Its interfaces were re-created by the update.
    expect(
      f.state.networkInterfaces.filter((e) => e.Description.startsWith(`AWS Lambda VPC ENI-${I.fn}-`)),
    ).toHaveLength(2);
  });

  it('attach --dry-run says it would wake it, and writes nothing', async () => {
    const f = await start((s) => inactive(s));
    const r = await cli(f, 'attach', I.fn, '--subnets', I.subnetA, '--sg', I.sg, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `${I.fn} was Inactive (idle for weeks, its resources reclaimed): the update would bring it back`,
    );
    expect(f.writes()).toEqual([]);
    expect(f.state.getFunction(I.fn).State).toBe('Inactive');
  });

  it('detach works the same way and ends Active', async () => {
    const f = await start((s) => inactive(s, IN_VPC));
    const r = await cli(f, '-o', 'json', 'detach', I.fn);
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout).results;
    expect(result.outcome).toBe('updated');
    expect(result.notes).toContainEqual(
      expect.stringMatching(/^my-fn was Inactive .*brings it back through Pending/),
    );
    expect(f.state.getFunction(I.fn)).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
    expect(f.state.getFunction(I.fn).VpcConfig?.SubnetIds).toEqual([]);
  });

  it('an Active function gets no such note', async () => {
    const f = await start();
    const r = await cli(f, '-o', 'json', 'attach', I.fn, '--subnets', I.subnetA, '--sg', I.sg);
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout).results;
    expect(result.notes.filter((n: string) => n.includes('Inactive'))).toEqual([]);
  });
});
