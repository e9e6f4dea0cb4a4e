import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
} from '@aws-sdk/client-ec2';
import {
  type FunctionConfiguration,
  GetFunctionCommand,
  ListVersionsByFunctionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ec2Mock,
  functionConfig,
  getFunctionOutput,
  lambdaMock,
  resetAwsMocks,
  serve,
  verifyAwsMocks,
} from '../aws-mocks.js';
import {
  denied,
  NAT,
  NETWORK_READS,
  OPEN_SERVICES,
  OTHER_VPC_SUBNET,
  openInternet,
  PRIVATE_A,
  PRIVATE_B,
  PUBLIC_A,
  SG_ALL,
  SUBNET_CALLS,
  serveEc2World,
  VPC_ID,
} from '../ec2-world.js';
import { runCli } from '../helpers.js';

beforeEach(() => {
  resetAwsMocks();
  serveEc2World(ec2Mock);
});
afterEach(verifyAwsMocks);

const MISSING_SUBNET = 'subnet-0123456789abcdef9';
const MISSING_SG = 'sg-0123456789abcdef9';
const attached = { VpcId: VPC_ID, SubnetIds: [PRIVATE_A, PRIVATE_B], SecurityGroupIds: [SG_ALL] };
/** Lambda answers per function: not in a VPC until updated, then attached as asked. */
function serveLambda() {
  const vpcOf = new Map<string, FunctionConfiguration['VpcConfig']>();
  serve(() => {
    lambdaMock
      .on(GetFunctionCommand)
      .callsFake(({ FunctionName }) => getFunctionOutput({ VpcConfig: vpcOf.get(FunctionName) }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).callsFake(({ FunctionName, VpcConfig }) => {
      vpcOf.set(FunctionName, { VpcId: VPC_ID, ...VpcConfig });
      return functionConfig({ LastUpdateStatus: 'InProgress' });
    });
  });
}
const attach = (...args: string[]) => runCli(['--region', 'us-east-1', 'attach', ...args]);
const ec2Calls = (command: unknown) => ec2Mock.commandCalls(command as typeof DescribeSubnetsCommand).length;
/** Calls per network-check read: each must be asked exactly once per command. */
const networkReads = () => NETWORK_READS.map((command) => ec2Calls(command));
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).length;

describe('attach: network preflight', () => {
  beforeEach(serveLambda);

  it('stops on IDs that do not exist, naming each one and the region, before any Lambda call', async () => {
    const { code, stdout, stderr } = await attach(
      'my-fn',
      '--subnets',
      `${PRIVATE_A},${MISSING_SUBNET}`,
      '--sg',
      `${SG_ALL},${MISSING_SG}`,
      '--force',
    );
    expect(code).toBe(5);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `Error: Not found in region us-east-1: subnet ${MISSING_SUBNET}, security group ${MISSING_SG}.`,
    );
    expect(lambdaMock.calls()).toHaveLength(0);
    expect(ec2Calls(DescribeSubnetsCommand)).toBe(SUBNET_CALLS);
  });

  it('stops on subnets from two VPCs (exit 2) unless --force is given', async () => {
    const refused = await attach('my-fn', '--subnets', `${PRIVATE_A},${OTHER_VPC_SUBNET}`, '--sg', SG_ALL);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Error: The subnets and security groups are in 2 VPCs/);
    expect(refused.stderr).toContain('--force attaches anyway');
    expect(updates()).toBe(0);

    const forced = await attach(
      'my-fn',
      '--subnets',
      `${PRIVATE_A},${OTHER_VPC_SUBNET}`,
      '--sg',
      SG_ALL,
      '--force',
    );
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain(
      'Error (--force, continuing): The subnets and security groups are in 2 VPCs',
    );
    expect(updates()).toBe(1);
  });

  it('warns about a public subnet on stderr and still attaches', async () => {
    const { code, stdout, stderr } = await attach(
      'my-fn',
      '--subnets',
      `${PRIVATE_A},${PUBLIC_A}`,
      '--sg',
      SG_ALL,
    );
    expect(code).toBe(0);
    expect(stderr).toContain(`Warning: Subnet ${PUBLIC_A} is a public subnet`);
    expect(stderr).toContain('[PUBLIC_SUBNET_NO_INTERNET]');
    expect(stdout).not.toContain('public subnet');
    expect(updates()).toBe(1);
  });

  it('--dry-run shows the verdict and the findings, and writes nothing', async () => {
    const { code, stderr } = await attach('my-fn', '--subnets', PRIVATE_A, '--sg', SG_ALL, '--dry-run');
    expect(code).toBe(0);
    expect(stderr).toContain(`Network check: ${VPC_ID} (10.0.0.0/16) · ${openInternet(NAT)}`);
    expect(stderr).toContain('[SINGLE_AZ]');
    expect(updates()).toBe(0);
  });

  it('--dry-run stops on a missing ID like a real run', async () => {
    const { code } = await attach('my-fn', '--subnets', MISSING_SUBNET, '--sg', SG_ALL, '--dry-run');
    expect(code).toBe(5);
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  it('reports the check under the top-level "network" key of the JSON document', async () => {
    const { code, stdout, stderr } = await runCli([
      '--region',
      'us-east-1',
      '-o',
      'json',
      'attach',
      'my-fn',
      '--subnets',
      PUBLIC_A,
      '--sg',
      SG_ALL,
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const doc = JSON.parse(stdout);
    expect(doc.network).toMatchObject({ checked: true, skippedReason: null, forced: false, ok: true });
    expect(doc.network.findings.map((f: { code: string }) => f.code)).toEqual([
      'SINGLE_AZ',
      'PUBLIC_SUBNET_NO_INTERNET',
    ]);
    expect(doc.network.verdict.internet.text).toBe('internet: no (public subnet)');
  });

  it('the JSON document of a stopped attach has the error and the findings', async () => {
    const { code, stdout } = await runCli([
      '--region',
      'us-east-1',
      '-o',
      'json',
      'attach',
      'my-fn',
      '--subnets',
      MISSING_SUBNET,
      '--sg',
      SG_ALL,
    ]);
    expect(code).toBe(5);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ command: 'attach', exitCode: 5, results: [], error: { code: 'NotFound' } });
    expect(doc.network.findings[0]).toMatchObject({
      severity: 'error',
      code: 'SUBNET_NOT_FOUND',
      subject: MISSING_SUBNET,
    });
  });

  it('shares one lookup across all functions of the command', async () => {
    const { code } = await attach(
      'fn-a',
      'fn-b',
      'fn-c',
      '--subnets',
      `${PRIVATE_A},${PRIVATE_B}`,
      '--sg',
      SG_ALL,
    );
    expect(code).toBe(0);
    expect(updates()).toBe(3);
    expect(ec2Calls(DescribeSubnetsCommand)).toBe(SUBNET_CALLS);
    expect(ec2Calls(DescribeRouteTablesCommand)).toBe(1);
    expect(networkReads()).toEqual([SUBNET_CALLS, 1, 1, 1, 1, 1, 1]);
  });

  it('warns and attaches when EC2 reads are denied', async () => {
    ec2Mock.on(DescribeSubnetsCommand).rejects(denied('DescribeSubnets'));
    const { code, stderr } = await attach('my-fn', '--subnets', PRIVATE_A, '--sg', SG_ALL);
    expect(code).toBe(0);
    expect(stderr).toContain(
      'Warning: Network check skipped: no EC2 read permission (ec2:DescribeSubnets was denied)',
    );
    expect(updates()).toBe(1);
  });

  it('still catches a missing ID when only the routing reads are denied', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).rejects(denied('DescribeRouteTables'));
    const { code, stderr } = await attach('my-fn', '--subnets', MISSING_SUBNET, '--sg', SG_ALL);
    expect(code).toBe(5);
    // The error comes alone: the partial read is in the document's network.skippedReason.
    expect(stderr).toMatch(/^Error: Not found in region us-east-1: subnet /);
    expect(stderr).not.toContain('Warning:');
    expect(updates()).toBe(0);
  });

  it('--skip-network-check makes no EC2 call', async () => {
    const { code } = await attach(
      'my-fn',
      '--subnets',
      MISSING_SUBNET,
      '--sg',
      SG_ALL,
      '--skip-network-check',
    );
    expect(code).toBe(0);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('detach does not check the network', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ VpcConfig: attached }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).resolves(functionConfig());
    lambdaMock.on(ListVersionsByFunctionCommand).resolves({ Versions: [] });
    const { code, stdout, stderr } = await runCli(['--region', 'us-east-1', 'detach', 'my-fn', '--no-wait']);
    expect(code).toBe(0);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([
      {
        FunctionName: 'my-fn',
        VpcConfig: { SubnetIds: [], SecurityGroupIds: [], Ipv6AllowedForDualStack: false },
        RevisionId: 'r1',
      },
    ]);
    expect(stdout).toContain('→ my-fn: update sent, not waiting');
    expect(stdout).toContain('after   not in a VPC');
    expect(stderr).not.toContain('Warning');
    expect(networkReads()).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('status: network section', () => {
  const status = (...args: string[]) => runCli(['--region', 'us-east-1', ...args]);

  it('shows the VPC, each subnet with its route verdict, the groups and the verdicts', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolves(getFunctionOutput({ VpcConfig: { ...attached, SubnetIds: [PRIVATE_A, PUBLIC_A] } }));
    const { code, stdout } = await status('status', 'my-fn');
    expect(code).toBe(0);
    expect(stdout).toContain(`network          ${VPC_ID} · 10.0.0.0/16 · default tenancy`);
    expect(stdout).toMatch(
      new RegExp(`subnet +${PRIVATE_A} · us-east-1a · 10.0.1.0/24 · 250 free IPs · .* · internet via ${NAT}`),
    );
    expect(stdout).toMatch(new RegExp(`subnet +${PUBLIC_A} · .* · public subnet: no internet`));
    expect(stdout).toContain(`security group   ${SG_ALL} (lambda) · egress all traffic`);
    expect(stdout).toContain(`internet         depends on the subnet`);
    expect(stdout).toContain('[PUBLIC_SUBNET_NO_INTERNET]');
  });

  it('puts the analysis in results[].network, null for a function outside a VPC', async () => {
    lambdaMock
      .on(GetFunctionCommand, { FunctionName: 'in-vpc' })
      .resolves(getFunctionOutput({ VpcConfig: attached }))
      .on(GetFunctionCommand, { FunctionName: 'plain' })
      .resolves(getFunctionOutput());
    const { code, stdout } = await status('-o', 'json', 'status', 'in-vpc', 'plain');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.results[0].network).toMatchObject({
      checked: true,
      vpc: { id: VPC_ID, cidr: '10.0.0.0/16', tenancy: 'default' },
      verdict: {
        internet: { reachable: 'yes', via: [NAT], text: openInternet(NAT) },
        awsServices: { reachable: 'yes', text: OPEN_SERVICES },
      },
    });
    expect(doc.results[0].network.subnets.map((s: { id: string }) => s.id)).toEqual([PRIVATE_A, PRIVATE_B]);
    expect(doc.results[1].network).toBeNull();
  });

  it('looks the network up once for several functions', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ VpcConfig: attached }));
    await status('status', 'fn-a', 'fn-b', 'fn-c');
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(3);
    expect(ec2Calls(DescribeSubnetsCommand)).toBe(SUBNET_CALLS);
    expect(ec2Calls(DescribeVpcEndpointsCommand)).toBe(1);
    expect(networkReads()).toEqual([SUBNET_CALLS, 1, 1, 1, 1, 1, 1]);
  });

  it('--no-network makes no EC2 call and prints no network rows', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ VpcConfig: attached }));
    const { code, stdout } = await status('status', 'my-fn', '--no-network');
    expect(code).toBe(0);
    expect(stdout).not.toContain('network');
    expect(ec2Mock.calls()).toHaveLength(0);
    // The document keeps both sections all the same, saying why they were not read.
    const json = JSON.parse((await status('-o', 'json', 'status', 'my-fn', '--no-network')).stdout);
    const skipped = { checked: false, skippedReason: '--no-network' };
    expect(json.results[0]).toMatchObject({ network: skipped, enis: skipped });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('says the section was skipped when EC2 reads are denied, and exits 0', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput({ VpcConfig: attached }));
    ec2Mock.on(DescribeSubnetsCommand).rejects(denied('DescribeSubnets'));
    const { code, stdout, stderr } = await status('status', 'my-fn');
    expect(code).toBe(0);
    expect(stdout).toContain(
      'network          skipped: no EC2 read permission (ec2:DescribeSubnets was denied)',
    );
    expect(stderr).toContain('Pass --no-network');
    const json = await status('-o', 'json', 'status', 'my-fn');
    expect(JSON.parse(json.stdout).results[0].network).toEqual({
      checked: false,
      skippedReason: 'no EC2 read permission (ec2:DescribeSubnets was denied)',
    });
  });

  it('does not look the network up when no function is in a VPC', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput());
    await status('status', 'my-fn');
    expect(networkReads()).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});
