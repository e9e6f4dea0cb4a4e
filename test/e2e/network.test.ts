import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws/fake-aws.js';
import { demo, DEMO_IDS as I } from '../fake-aws/scenarios.js';
import type { Scenario } from '../fake-aws/types.js';
import { cleanEnv, runBin } from './spawn.js';

const env = cleanEnv({
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  LAMBDA_VPC_POLL_INTERVAL_MS: '10',
});
const NETWORK_READS = [
  'DescribeInternetGateways',
  'DescribeNatGateways',
  'DescribeRouteTables',
  'DescribeSecurityGroups',
  'DescribeSubnets',
  'DescribeVpcEndpoints',
  'DescribeVpcs',
];

let fake: FakeAws;
const start = async (scenario: Scenario = demo()) => {
  // Updates settle at once: these tests are about what happens before the write.
  fake = await startFakeAws({ scenario: { ...scenario, updateDelayMs: 20 } });
};
afterEach(() => fake?.close());

const cli = (...args: string[]) =>
  runBin(['--endpoint-url', fake.url, '--region', 'us-east-1', ...args], env);
/** The network check's reads in the request log (other features may describe other things). */
const ec2Calls = () =>
  fake.requests
    .filter((r) => r.service === 'ec2' && NETWORK_READS.includes(r.operation))
    .map((r) => r.operation)
    .sort();
/** A second DescribeSubnets reads the subnets of the NAT gateways and endpoints. */
const expectedReads = () => [...NETWORK_READS, 'DescribeSubnets'].sort();
const lambdaWrites = () => fake.writes().filter((w) => w.operation === 'UpdateFunctionConfiguration');

describe('attach: network preflight against the fake AWS', () => {
  beforeEach(() => start());

  it('checks the network once, before the first write, and attaches to private subnets', async () => {
    const { code, stderr } = await cli(
      'attach',
      'orders-api',
      '--subnets',
      `${I.privateSubnetA},${I.privateSubnetB}`,
      '--sg',
      I.sgAllEgress,
    );
    expect(code).toBe(0);
    expect(stderr).toContain(`Network check: ${I.vpc} (10.0.0.0/16) · internet: yes via ${I.nat}`);
    // The demo's secretsmanager endpoint answers its private DNS name and admits its group's
    // members: the function reaches it through the endpoint, and nothing is wrong.
    expect(stderr).toContain('secretsmanager via interface endpoints');
    expect(stderr).not.toContain('Warning: ');
    expect(ec2Calls()).toEqual(expectedReads());
    const firstWrite = fake.requests.findIndex((r) => r.write);
    const lastEc2 = fake.requests.map((r) => r.service).lastIndexOf('ec2');
    expect(lastEc2).toBeLessThan(firstWrite);
    expect(lambdaWrites()).toHaveLength(1);
  });

  it('one lookup for several functions', async () => {
    const { code } = await cli(
      'attach',
      'orders-api',
      'reports-job',
      '--subnets',
      `${I.privateSubnetA},${I.privateSubnetB}`,
      '--sg',
      I.sgAllEgress,
      '--dry-run',
    );
    expect(code).toBe(0);
    expect(ec2Calls()).toEqual(expectedReads());
    expect(fake.writes()).toEqual([]);
  });

  it('stops on a subnet that does not exist, naming it and the region, and writes nothing', async () => {
    const missing = 'subnet-0123456789abcdef9';
    const { code, stderr } = await cli(
      'attach',
      'orders-api',
      '--subnets',
      `${I.privateSubnetA},${missing}`,
      '--sg',
      I.sgAllEgress,
    );
    expect(code).toBe(5);
    expect(stderr).toContain(`Error: Not found in region us-east-1: subnet ${missing}.`);
    expect(fake.writes()).toEqual([]);
    expect(fake.requests.filter((r) => r.operation === 'DescribeSubnets')).toHaveLength(2);
    expect(fake.requests.some((r) => r.errorCode === 'InvalidSubnetID.NotFound')).toBe(false);
  });

  it('stops on a dedicated-tenancy VPC; --force hands the decision to Lambda', async () => {
    const args = ['attach', 'orders-api', '--subnets', I.dedicatedSubnet, '--sg', I.sgDedicated];
    const refused = await cli(...args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`Error: VPC ${I.dedicatedVpc} has dedicated instance tenancy`);
    expect(fake.writes()).toEqual([]);

    const forced = await cli(...args, '--force');
    expect(forced.stderr).toContain('Error (--force, continuing)');
    expect(lambdaWrites()).toHaveLength(1);
    // The fake, like Lambda, refuses dedicated tenancy itself.
    expect(forced.code).toBe(2);
  });

  it('--dry-run warns about a public subnet and an isolated one, and writes nothing', async () => {
    const { code, stderr } = await cli(
      'attach',
      'orders-api',
      '--subnets',
      `${I.publicSubnet},${I.isolatedSubnet}`,
      '--sg',
      I.sgAllEgress,
      '--dry-run',
    );
    expect(code).toBe(0);
    expect(stderr).toContain(`Warning: Subnet ${I.publicSubnet} is a public subnet`);
    expect(stderr).toMatch(
      /Warning: Subnet subnet-0a1b2c3d4e5f60031 has no default route .*: s3, secretsmanager; not reachable: dynamodb, sts,/,
    );
    expect(fake.writes()).toEqual([]);
  });

  it('reports the check in the JSON document', async () => {
    const { code, stdout } = await cli(
      '-o',
      'json',
      'attach',
      'orders-api',
      '--subnets',
      I.privateSubnetA,
      '--sg',
      I.sgNoEgress,
      '--dry-run',
    );
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.network.findings.map((f: { code: string }) => f.code)).toEqual([
      'SINGLE_AZ',
      'ENDPOINT_SG_BLOCKS',
      'SG_NO_EGRESS',
    ]);
    expect(doc.network.verdict.internet.text).toBe(
      'internet: no (security groups allow no outbound traffic)',
    );
  });
});

describe('status: network section against the fake AWS', () => {
  it('shows the network of functions in a VPC with one lookup for all', async () => {
    await start();
    const { code, stdout } = await cli('status', 'reports-job', 'orders-api', 'legacy-worker');
    expect(code).toBe(0);
    expect(stdout).toContain(`network          ${I.vpc} · 10.0.0.0/16 · default tenancy`);
    expect(stdout).toContain(`internet         yes via ${I.nat}`);
    expect(stdout).toContain(`security group   ${I.sgAllEgress} (lambda-egress-all) · egress all traffic`);
    expect(ec2Calls()).toEqual(expectedReads());
  });

  it('without EC2 read permission: says so, exits 0', async () => {
    await start({ ...demo(), deniedActions: ['ec2:Describe*'] });
    const { code, stdout, stderr } = await cli('status', 'reports-job');
    expect(code).toBe(0);
    expect(stdout).toContain('network          skipped: no EC2 read permission');
    expect(stderr).toContain('Warning: Network section skipped');
    const noNetwork = await cli('status', 'reports-job', '--no-network');
    expect(noNetwork.stderr).toBe('');
  });
});

describe("the role check's fix, on a plain stderr", () => {
  beforeEach(() => start());

  it('is printed line by line, its line breaks not escaped', async () => {
    const r = await cli(
      'attach',
      'legacy-worker',
      '--subnets',
      `${I.privateSubnetA},${I.privateSubnetB}`,
      '--sg',
      I.sgAllEgress,
    );
    expect(r.code).toBe(4);
    expect(r.stderr).not.toContain('\\x0a');
    expect(r.stderr).toMatch(
      /^ {4}aws iam attach-role-policy --role-name legacy-worker-role --policy-arn arn:aws:iam::aws:policy\/service-role\/AWSLambdaVPCAccessExecutionRole$/m,
    );
    expect(lambdaWrites()).toEqual([]);
  });
});
