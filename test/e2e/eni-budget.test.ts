import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { MINIMAL_IDS as I, minimal } from '../fake-aws/scenarios.js';
import type { NetworkInterfaceSpec, Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

const env = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  LAMBDA_VPC_POLL_INTERVAL_MS: '10',
  NO_COLOR: '1',
});
const NETWORK = ['--subnets', `${I.subnetA},${I.subnetB}`, '--sg', I.sg];
const OTHER_VPC_SUBNET = 'subnet-0fedcba9876543210';

const eni = (id: string, subnetId: string, lambda: boolean, vpcId?: string): NetworkInterfaceSpec => ({
  NetworkInterfaceId: id,
  SubnetId: subnetId,
  ...(vpcId ? { VpcId: vpcId } : {}),
  Description: lambda ? 'AWS Lambda VPC ENI-orders-api-0f1e2d3c' : 'Primary network interface',
  ...(lambda ? { InterfaceType: 'lambda', RequesterManaged: true } : {}),
  GroupIds: [I.sg],
  Status: 'in-use',
  PrivateIpAddress: '10.0.1.10',
  AttachTime: '2026-01-01T00:00:00.000Z',
});

/**
 * The minimal network, where subnet A with the default group already has a Lambda interface
 * (another function's), plus an instance's interface in the VPC and one in another VPC: three
 * interfaces in the Region, two in the VPC, one of them Lambda's.
 */
function scenario(edit: (s: Scenario) => void = () => {}): Scenario {
  const s = minimal();
  s.updateDelayMs = 20;
  s.networkInterfaces = [
    eni('eni-0000000000000000a', I.subnetA, true),
    eni('eni-0000000000000000b', I.subnetA, false),
    eni('eni-0000000000000000c', OTHER_VPC_SUBNET, false, 'vpc-0fedcba9876543210'),
  ];
  s.functions?.push(
    { FunctionName: 'fleet-b', Role: I.roleArn },
    { FunctionName: 'fleet-c', Role: I.roleArn },
  );
  s.serviceQuotas = { 'L-DF5E4CA3': 5000 };
  edit(s);
  return s;
}

let fake: FakeAws;
afterEach(() => fake?.close());
const start = async (s: Scenario) => {
  fake = await startFakeAws({ scenario: s });
};
const cli = (...args: string[]) =>
  runBin(['--endpoint-url', fake.url, '--region', 'us-east-1', ...args], env);
const calls = (operation: string) => fake.requests.filter((r) => r.operation === operation);
const budgetOf = (stdout: string) => JSON.parse(stdout).eniBudget;

describe('attach: the network-interface budget against the fake AWS', () => {
  it('counts the new combination, not the shared one, and says so on stderr', async () => {
    await start(scenario());
    const { code, stderr } = await cli('attach', I.fn, ...NETWORK);
    expect(code).toBe(0);
    expect(stderr).toContain(
      `Network interfaces: 1 new (${I.subnetB} with ${I.sg}), 1 shared; 2 in ${I.vpc} (1 Lambda's); 4 of 5,000 in us-east-1 after the change (L-DF5E4CA3)`,
    );
    expect(stderr).not.toContain('Warning:');
    // Its reads come before the first write, and with no filter: the quota counts every interface.
    const [listing, ...more] = calls('DescribeNetworkInterfaces');
    expect(more).toEqual([]);
    expect(Object.keys(listing?.params ?? {}).filter((k) => k.startsWith('Filter'))).toEqual([]);
    expect(listing?.params.MaxResults).toBe('1000');
    const lastRead = fake.requests.findLastIndex((r) => r.service === 'servicequotas');
    expect(lastRead).toBeLessThan(fake.requests.findIndex((r) => r.write));
  });

  it('JSON: the section, and one DescribeNetworkInterfaces and one GetServiceQuota for a fleet of three', async () => {
    await start(scenario());
    const { code, stdout } = await cli('--output', 'json', 'attach', I.fn, 'fleet-b', 'fleet-c', ...NETWORK);
    expect(code).toBe(0);
    const budget = budgetOf(stdout);
    expect(budget).toMatchObject({
      checked: true,
      vpcId: I.vpc,
      region: 'us-east-1',
      combinations: [
        { subnetId: I.subnetA, securityGroupIds: [I.sg], exists: true },
        { subnetId: I.subnetB, securityGroupIds: [I.sg], exists: false },
      ],
      // Three functions, one configuration: one new interface, shared by all three.
      newInterfaces: 1,
      sharedInterfaces: 1,
      interfacesInVpc: 2,
      lambdaInterfacesInVpc: 1,
      interfacesInRegion: 3,
      interfacesAfter: 4,
      interfacesSkippedReason: null,
      quota: { quotaCode: 'L-DF5E4CA3', value: 5000, source: 'applied', skippedReason: null },
      level: 'below',
      warnings: [],
    });
    expect(calls('UpdateFunctionConfiguration')).toHaveLength(3);
    expect(calls('DescribeNetworkInterfaces')).toHaveLength(1);
    expect(calls('GetServiceQuota')).toHaveLength(1);
    expect(calls('GetAWSDefaultServiceQuota')).toHaveLength(0);
  });

  it('a busy Region: every page of the listing counts (pages of 1,000)', async () => {
    const busy = Array.from({ length: 1200 }, (_, i) =>
      eni(`eni-1${String(i).padStart(16, '0')}`, OTHER_VPC_SUBNET, false, 'vpc-0fedcba9876543210'),
    );
    await start(scenario((s) => s.networkInterfaces?.push(...busy)));
    const { stdout } = await cli('--output', 'json', 'attach', I.fn, ...NETWORK, '--dry-run');
    expect(budgetOf(stdout)).toMatchObject({
      interfacesInRegion: 1203,
      interfacesInVpc: 2,
      interfacesAfter: 1204,
    });
    const pages = calls('DescribeNetworkInterfaces');
    expect(pages.map((p) => [p.params.MaxResults, p.params.NextToken === undefined])).toEqual([
      ['1000', true],
      ['1000', false],
    ]);
  });

  it('near the quota: a warning with how to ask for more, and the run goes on (exit 0)', async () => {
    await start(scenario((s) => (s.serviceQuotas = { 'L-DF5E4CA3': 4 })));
    const { code, stderr } = await cli('attach', I.fn, ...NETWORK);
    expect(code).toBe(0);
    expect(stderr).toContain(
      'Warning: 4 of 4 network interfaces in us-east-1 after the change: at or above 90 %',
    );
    expect(stderr).toContain(
      'aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-DF5E4CA3',
    );
    expect(calls('UpdateFunctionConfiguration')).toHaveLength(1);
  });

  it('past the quota: EniLimitExceeded is named, as a warning only', async () => {
    await start(scenario((s) => (s.serviceQuotas = { 'L-DF5E4CA3': 3 })));
    const { code, stdout } = await cli('--output', 'json', 'attach', I.fn, ...NETWORK, '--dry-run');
    expect(code).toBe(0);
    const budget = budgetOf(stdout);
    expect(budget.level).toBe('over');
    expect(budget.warnings).toHaveLength(1);
    expect(budget.warnings[0]).toContain('likely to fail with EniLimitExceeded');
    expect(fake.writes()).toEqual([]);
  });

  it('no applied value: the AWS default, from GetAWSDefaultServiceQuota', async () => {
    await start(scenario((s) => (s.serviceQuotas = {})));
    const { stdout } = await cli('--output', 'json', 'attach', I.fn, ...NETWORK, '--dry-run');
    expect(budgetOf(stdout).quota).toEqual({
      quotaCode: 'L-DF5E4CA3',
      value: 5000,
      source: 'default',
      skippedReason: null,
    });
    expect(calls('GetServiceQuota').map((r) => r.errorCode)).toEqual(['NoSuchResourceException']);
    expect(calls('GetAWSDefaultServiceQuota')).toHaveLength(1);
  });

  it('the quota read denied: unknown, the permission named, the counts kept, nothing stopped', async () => {
    await start(scenario((s) => (s.deniedActions = ['servicequotas:GetServiceQuota'])));
    const { code, stdout } = await cli('--output', 'json', 'attach', I.fn, ...NETWORK);
    expect(code).toBe(0);
    const budget = budgetOf(stdout);
    expect(budget.quota).toEqual({
      quotaCode: 'L-DF5E4CA3',
      value: null,
      source: null,
      skippedReason: 'no permission for servicequotas:GetServiceQuota',
    });
    expect([budget.level, budget.newInterfaces, budget.interfacesAfter]).toEqual(['unknown', 1, 4]);
    expect(calls('UpdateFunctionConfiguration')).toHaveLength(1);
  });

  it('the listing denied: the counts unknown with the reason, never 0', async () => {
    await start(scenario((s) => (s.deniedActions = ['ec2:DescribeNetworkInterfaces'])));
    const { code, stdout, stderr } = await cli('attach', I.fn, ...NETWORK, '--dry-run');
    expect(code).toBe(0);
    expect(stderr).toContain(
      'Network interfaces: new ones unknown: no permission for ec2:DescribeNetworkInterfaces; quota 5,000 in us-east-1 (L-DF5E4CA3)',
    );
    expect(stdout).not.toContain('Network interfaces');
    const json = await cli('--output', 'json', 'attach', I.fn, ...NETWORK, '--dry-run');
    const budget = budgetOf(json.stdout);
    expect(budget.combinations.map((c: { exists: unknown }) => c.exists)).toEqual([null, null]);
    expect([budget.newInterfaces, budget.interfacesInRegion, budget.level]).toEqual([null, null, 'unknown']);
  });

  it('--emit computes it too, writing nothing', async () => {
    await start(scenario());
    const { code, stdout } = await cli('--output', 'json', 'attach', I.fn, ...NETWORK, '--emit', 'terraform');
    expect(code).toBe(0);
    expect(budgetOf(stdout)).toMatchObject({ checked: true, newInterfaces: 1, level: 'below' });
    expect(fake.writes()).toEqual([]);
  });

  it('--skip-network-check: NotChecked, and neither read is made', async () => {
    await start(scenario());
    const { code, stdout } = await cli(
      '--output',
      'json',
      'attach',
      I.fn,
      ...NETWORK,
      '--skip-network-check',
    );
    expect(code).toBe(0);
    expect(budgetOf(stdout)).toEqual({ checked: false, skippedReason: '--skip-network-check' });
    expect(calls('DescribeNetworkInterfaces')).toHaveLength(0);
    expect(fake.requests.filter((r) => r.service === 'servicequotas')).toHaveLength(0);
  });
});
