import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { BASIC_EXECUTION_POLICY_ARN, MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import type { NetworkInterfaceSpec, Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

// my-fn was detached; Lambda still describes two interfaces as its own. Whether they can still
// go depends on its role keeping ec2:DeleteNetworkInterface: status and check-perms say so.
const ENV = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  LAMBDA_VPC_POLL_INTERVAL_MS: '20',
});
const AVAILABLE = 'eni-0aaaaaaaaaaaaaa01';
const IN_USE = 'eni-0aaaaaaaaaaaaaa02';
/** my-fn-2's: the description filter's wildcard matches it too, and it is not my-fn's. */
const OTHERS = 'eni-0aaaaaaaaaaaaaa03';
const DELETE_AVAILABLE = `aws ec2 delete-network-interface --network-interface-id ${AVAILABLE} --region us-east-1`;

const eni = (id: string, fn: string, Status: NetworkInterfaceSpec['Status']): NetworkInterfaceSpec => ({
  NetworkInterfaceId: id,
  SubnetId: I.subnetA,
  Description: `AWS Lambda VPC ENI-${fn}-5f0c3e2a-1b2c-4b7e-9a51-8d2c1f6e3b${id.slice(-2)}`,
  InterfaceType: 'lambda',
  RequesterManaged: true,
  GroupIds: [I.sg],
  Status,
  PrivateIpAddress: '10.0.1.50',
  AttachTime: '2026-11-01T08:00:00.000Z',
});

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** `withoutEc2`: the role kept only the basic execution policy (logs), not the VPC one. */
const start = async (opts: { withoutEc2?: boolean; enis?: boolean; edit?: (s: Scenario) => void } = {}) => {
  const s = minimal();
  if (opts.withoutEc2) s.roles = [{ RoleName: I.role, AttachedPolicyArns: [BASIC_EXECUTION_POLICY_ARN] }];
  if (opts.enis !== false)
    s.networkInterfaces = [
      eni(AVAILABLE, I.fn, 'available'),
      eni(IN_USE, I.fn, 'in-use'),
      eni(OTHERS, 'my-fn-2', 'available'),
    ];
  opts.edit?.(s);
  fake = await startFakeAws({ scenario: s });
  return fake;
};
const cli = (f: FakeAws, ...args: string[]) => runBin(['--endpoint-url', f.url, ...args], ENV);
const calls = (f: FakeAws, service: string) => f.requests.filter((r) => r.service === service).length;

describe('status of a detached function whose interfaces remain', () => {
  it('the role lost its EC2 permissions: a warning with the fix and the delete command for the available one', async () => {
    const f = await start({ withoutEc2: true });
    const r = await cli(f, 'status', I.fn);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`ENIs left\\s+2 \\(${AVAILABLE}, ${IN_USE}\\); its role can no longer delete them$`, 'm'),
    );
    expect(r.stdout).not.toContain(OTHERS);
    const warning = r.stderr.split('\n').find((l) => l.includes('remain'));
    expect(warning).toContain(
      `2 network interfaces of ${I.fn} remain (${AVAILABLE}, ${IN_USE}) and its role ${I.role} can no longer delete them`,
    );
    expect(warning).toContain(
      'restore ec2:DeleteNetworkInterface and ec2:DescribeNetworkInterfaces to the role until they are gone',
    );
    expect(warning).toContain(`or delete them by hand: ${DELETE_AVAILABLE}`);
    expect(warning).not.toContain(`--network-interface-id ${IN_USE}`);
    expect(f.writes()).toEqual([]);
  });

  it('JSON: remainingEnis says denied, which interfaces, and which of them are available', async () => {
    const f = await start({ withoutEc2: true });
    const r = await cli(f, '-o', 'json', 'status', I.fn);
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout).results;
    expect(result.enis).toBeNull();
    expect(result.remainingEnis).toEqual({
      checked: true,
      count: 2,
      ids: [AVAILABLE, IN_USE],
      availableIds: [AVAILABLE],
      role: I.roleArn,
      cleanup: 'denied',
      detail: 'denied: ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces',
    });
  });

  it('the role can still delete them: no warning, the row says Lambda will', async () => {
    const f = await start();
    const r = await cli(f, 'status', I.fn);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('remain');
    expect(r.stderr).not.toContain('Warning');
    expect(r.stdout).toContain(
      'its role can still delete them: Lambda does once no other function or version uses them',
    );
    const doc = JSON.parse((await cli(f, '-o', 'json', 'status', I.fn)).stdout);
    expect(doc.results[0].remainingEnis).toMatchObject({ cleanup: 'allowed', detail: null, count: 2 });
  });

  it('nothing left: one DescribeNetworkInterfaces, no IAM call, nothing said', async () => {
    const f = await start({ withoutEc2: true, enis: false });
    const r = await cli(f, '-o', 'json', 'status', I.fn);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(calls(f, 'ec2')).toBe(1);
    expect(f.requests.find((q) => q.service === 'ec2')?.operation).toBe('DescribeNetworkInterfaces');
    expect(calls(f, 'iam')).toBe(0);
    expect(JSON.parse(r.stdout).results[0].remainingEnis).toEqual({
      checked: true,
      count: 0,
      ids: [],
      availableIds: [],
      role: null,
      cleanup: 'not-needed',
      detail: null,
    });
  });

  it('DescribeNetworkInterfaces denied: says it could not check, and why, never silence', async () => {
    const f = await start({
      withoutEc2: true,
      edit: (s) => (s.deniedActions = ['ec2:DescribeNetworkInterfaces']),
    });
    const r = await cli(f, '-o', 'json', 'status', I.fn);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].remainingEnis).toEqual({
      checked: false,
      skippedReason: 'no permission for ec2:DescribeNetworkInterfaces',
    });
    const human = await cli(f, 'status', I.fn);
    expect(human.stderr).toContain(
      `Could not check for network interfaces ${I.fn} left behind: no permission for ec2:DescribeNetworkInterfaces.`,
    );
    expect(calls(f, 'iam')).toBe(0);
  });

  it('the role was deleted: denied, the role no longer exists', async () => {
    const f = await start({ edit: (s) => (s.roles = []) });
    const r = await cli(f, '-o', 'json', 'status', I.fn);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].remainingEnis).toMatchObject({
      cleanup: 'denied',
      detail: 'the role no longer exists',
    });
  });

  it('the role could not be checked (IAM denied to the caller): unknown, and why, never "fine"', async () => {
    const f = await start({ edit: (s) => (s.deniedActions = ['iam:*']) });
    const r = await cli(f, '-o', 'json', 'status', I.fn);
    expect(r.code).toBe(0);
    const { remainingEnis } = JSON.parse(r.stdout).results[0];
    expect(remainingEnis.cleanup).toBe('unknown');
    expect(remainingEnis.detail).toMatch(
      /^ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces: .*iam:/,
    );
    const human = await cli(f, 'status', I.fn);
    expect(human.stderr).toContain(`whether its role ${I.role} can still delete them could not be checked`);
  });

  it('--no-network: not looked for, and the document says why', async () => {
    const f = await start({ withoutEc2: true });
    const r = await cli(f, '-o', 'json', 'status', I.fn, '--no-network');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].remainingEnis).toEqual({
      checked: false,
      skippedReason: '--no-network',
    });
    expect(calls(f, 'ec2')).toBe(0);
  });
});

describe('check-perms of a detached function whose interfaces remain', () => {
  it('the role lost its EC2 permissions: the finding under the report and the warning; exit 4 for the role as before', async () => {
    const f = await start({ withoutEc2: true });
    const r = await cli(f, 'check-perms', I.fn);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain(
      `Network interfaces left behind: 2 (${AVAILABLE}, ${IN_USE}): its role can no longer delete them (denied: ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces).`,
    );
    expect(r.stderr).toContain(`or delete them by hand: ${DELETE_AVAILABLE}`);
    // The role's own check answered: no second one for the interfaces.
    expect(f.requests.filter((q) => q.operation === 'GetRole')).toHaveLength(1);
  });

  it('the role can delete them: said under the report, exit 0, no warning', async () => {
    const f = await start();
    const r = await cli(f, '-o', 'json', 'check-perms', I.fn);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).remainingEnis).toMatchObject({ cleanup: 'allowed', count: 2 });
    const human = await cli(f, 'check-perms', I.fn);
    expect(human.stdout).toContain('Network interfaces left behind: 2');
    expect(human.stderr).toBe('');
  });
});
