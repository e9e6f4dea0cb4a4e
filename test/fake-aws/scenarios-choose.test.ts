// The choose world, read back through the SDK and judged by the CLI's own network analysis: what
// the e2e tests of `attach --vpc` rely on is true of the fake, not only of the scenario's comments.
import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combinationKey, lambdaCombinations } from '../../src/core/eni-combos.js';
import { describeNetworkInterfaces } from '../../src/services/enis.js';
import { describeNetwork } from '../../src/services/network.js';
import { analyze } from '../../src/workflows/network-lookup.js';
import { fakeAwsOnFakeClock } from '../e2e/fakes.js';
import { clients } from './clients.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import { choose, CHOOSE_IDS as I, NAMED_SCENARIOS } from './scenarios.js';

let fake: FakeAws;
let ec2: EC2Client;
let lambda: ReturnType<typeof clients>['lambda'];
beforeAll(async () => {
  fake = await startFakeAws({ scenario: choose() });
  ({ ec2, lambda } = clients(fake.url));
});
afterAll(() => fake.close());

const f = (Name: string, ...Values: string[]): Filter => ({ Name, Values });
const subnetNames = async (...Filters: Filter[]) =>
  ((await ec2.send(new DescribeSubnetsCommand({ Filters }))).Subnets ?? [])
    .map((s) => s.Tags?.find((t) => t.Key === 'Name')?.Value)
    .sort();
const vpcIds = async (...Filters: Filter[]) =>
  ((await ec2.send(new DescribeVpcsCommand({ Filters }))).Vpcs ?? []).map((v) => v.VpcId).sort();
const groupNames = async (...Filters: Filter[]) =>
  ((await ec2.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups ?? [])
    .map((g) => g.GroupName)
    .sort();

describe('choose world: the selectors find what the issue describes', () => {
  it('is registered by name for `npm run fake-aws` (FAKE_AWS_SCENARIO=choose)', () => {
    expect(NAMED_SCENARIOS.choose?.()).toEqual(choose());
  });

  it('VPCs by Name tag, tag-key and vpc-id; two VPCs are named dup', async () => {
    expect(await vpcIds(f('tag:Name', 'prod'))).toEqual([I.prodVpc]);
    expect(await vpcIds(f('tag:Name', 'dup'))).toEqual([I.dupVpc1, I.dupVpc2]);
    expect(await vpcIds(f('tag:Name', 'single-az'))).toEqual([I.singleAzVpc]);
    expect(await vpcIds(f('tag:env', 'prod'))).toEqual([I.prodVpc]);
    expect(await vpcIds(f('tag-key', 'env'))).toEqual([I.prodVpc]);
    expect(await vpcIds(f('vpc-id', I.dupVpc2))).toEqual([I.dupVpc2]);
    expect(await vpcIds(f('tag:Name', 'nope'))).toEqual([]);
  });

  it('subnets by tier, Name, AZ name and AZ ID, with their AZ IDs and state', async () => {
    const inProd = f('vpc-id', I.prodVpc);
    expect(await subnetNames(inProd, f('tag:tier', 'private'))).toEqual([
      'prod-private-a',
      'prod-private-a2',
      'prod-private-b',
      'prod-private-c',
    ]);
    expect(await subnetNames(f('tag:tier', 'isolated'))).toEqual(['prod-isolated-a', 'prod-isolated-b']);
    expect(await subnetNames(f('tag:Name', 'prod-public-*'))).toEqual(['prod-public-a']);
    expect(await subnetNames(inProd, f('availability-zone', 'eu-west-1a'))).toEqual([
      'prod-isolated-a',
      'prod-private-a',
      'prod-private-a2',
      'prod-public-a',
    ]);
    expect(await subnetNames(inProd, f('availability-zone-id', 'euw1-az3'))).toEqual(['prod-private-c']);
    // DescribeSubnets documents `availabilityZoneId` as another name of the same filter.
    expect(await subnetNames(inProd, f('availabilityZoneId', 'euw1-az2'))).toEqual([
      'prod-isolated-b',
      'prod-private-b',
    ]);
    expect(await subnetNames(f('vpc-id', I.singleAzVpc), f('tag-key', 'Name'))).toEqual([
      'single-az-private',
      'single-az-public',
    ]);
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [I.privateC] }));
    expect(Subnets[0]).toMatchObject({
      AvailabilityZone: 'eu-west-1c',
      AvailabilityZoneId: 'euw1-az3',
      State: 'available',
      AvailableIpAddressCount: 12,
      SubnetArn: `arn:aws:ec2:eu-west-1:123456789012:subnet/${I.privateC}`,
    });
  });

  it('groups by group-name, vpc-id and Name tag', async () => {
    expect(await groupNames(f('vpc-id', I.prodVpc))).toEqual([
      'db',
      'default',
      'lambda-egress',
      'secretsmanager-endpoint',
    ]);
    expect(await groupNames(f('group-name', 'lambda-egress'))).toEqual(['lambda-egress']);
    expect(await groupNames(f('tag:Name', 'lambda-egress'))).toEqual(['lambda-egress']);
    expect(await groupNames(f('group-name', 'default'))).toEqual([
      'default',
      'default',
      'default',
      'default',
    ]);
  });

  it("orders-api's two Lambda interfaces are the combinations its VpcConfig has", async () => {
    const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: I.ordersApi }));
    expect(Configuration?.VpcConfig).toMatchObject({
      VpcId: I.prodVpc,
      SubnetIds: [I.privateA, I.privateB],
      SecurityGroupIds: [I.sgLambdaEgress],
    });
    const { NetworkInterfaces = [] } = await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [f('vpc-id', I.prodVpc), f('interface-type', 'lambda'), f('group-id', I.sgLambdaEgress)],
      }),
    );
    expect(NetworkInterfaces.map((n) => n.NetworkInterfaceId).sort()).toEqual([I.ordersEniA, I.ordersEniB]);
    expect(NetworkInterfaces.every((n) => n.Description?.startsWith('AWS Lambda VPC ENI-orders-api-'))).toBe(
      true,
    );
    const listed = await describeNetworkInterfaces(ec2, { vpcIds: [I.prodVpc], lambdaOnly: true });
    expect([...lambdaCombinations(listed)].sort()).toEqual(
      [combinationKey(I.privateA, [I.sgLambdaEgress]), combinationKey(I.privateB, [I.sgLambdaEgress])].sort(),
    );
    const onB = await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [f('subnet-id', I.privateB), f('interface-type', 'lambda')],
      }),
    );
    expect(onB.NetworkInterfaces?.map((n) => n.NetworkInterfaceId)).toEqual([I.ordersEniB]);
    // The endpoint's interfaces are in the isolated subnets, requester-managed, not Lambda's.
    const endpoint = await ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [f('interface-type', 'vpc_endpoint')] }),
    );
    expect(endpoint.NetworkInterfaces?.map((n) => n.SubnetId).sort()).toEqual(
      [I.isolatedA, I.isolatedB].sort(),
    );
  });

  it('new-fn and other-fn are not in a VPC and have a role with VPC access', async () => {
    for (const FunctionName of [I.newFn, I.otherFn]) {
      const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName }));
      expect(Configuration?.VpcConfig?.SubnetIds ?? []).toEqual([]);
      expect(Configuration?.Role).toBe(I.roleArn);
    }
    expect(fake.state.roles.find((r) => r.RoleName === I.role)?.AttachedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    ]);
  });
});

describe("choose world: the CLI's network analysis agrees with its description", () => {
  const analyzed = async (subnetIds: string[], securityGroupIds: string[] = [I.sgLambdaEgress]) => {
    const facts = await describeNetwork(ec2, { subnetIds, securityGroupIds, ipv6: false, paths: {} });
    return analyze(facts, 'eu-west-1', { subnetIds, securityGroupIds, ipv6AllowedForDualStack: false });
  };

  it('the private subnets reach the internet through the NAT gateway', async () => {
    const a = await analyzed([I.privateA, I.privateB, I.privateC, I.privateA2]);
    expect(a.subnets.map((s) => [s.id, s.internet.kind, s.internet.reachable, s.internet.via])).toEqual(
      [I.privateA, I.privateB, I.privateC, I.privateA2].map((id) => [id, 'nat', 'yes', I.nat]),
    );
    expect(a.verdict.internet.text).toBe(`internet: yes via ${I.nat}`);
    expect(a.subnets.map((s) => s.freeIps)).toEqual([4000, 250, 12, 900]);
    // prod-private-c is nearly full: the analysis warns of it.
    expect(a.findings.map((x) => x.message).join('\n')).toContain(I.privateC);
  });

  it('the public subnet is a public subnet (no internet for a function)', async () => {
    const a = await analyzed([I.publicA]);
    expect(a.subnets[0]?.internet).toMatchObject({ kind: 'public-no-internet', reachable: 'no', via: I.igw });
  });

  it('the isolated subnets have no default route, S3 by the gateway endpoint, secretsmanager by the interface endpoint', async () => {
    const a = await analyzed([I.isolatedA, I.isolatedB]);
    expect(a.subnets.map((s) => [s.internet.kind, s.gatewayEndpointServices])).toEqual([
      ['isolated', ['s3']],
      ['isolated', ['s3']],
    ]);
    const byTarget = new Map(a.paths.map((p) => [p.target, p.verdict]));
    expect(byTarget.get('internet')).toBe('unreachable');
    expect(byTarget.get('s3')).toBe('reachable');
    expect(byTarget.get('secretsmanager')).toBe('reachable');
    expect(a.verdict.awsServices.text).toContain('s3 via gateway endpoints');
    expect(a.verdict.awsServices.text).toContain('secretsmanager via interface endpoints');
  });

  it('single-az: its one private subnet reaches the internet through its NAT gateway', async () => {
    const a = await analyzed([I.singleAzPrivate], [I.sgSingleAzEgress]);
    expect(a.subnets[0]?.internet).toMatchObject({ kind: 'nat', reachable: 'yes', via: I.singleAzNat });
    expect(a.subnets[0]?.az).toBe('eu-west-1a');
  });
});

describe('choose world: attach works in it as it is', () => {
  const start = fakeAwsOnFakeClock();

  it('new-fn attaches to two private subnets with lambda-egress in eu-west-1: no error, no warning', async () => {
    const { fake: own, cli } = await start(choose());
    const r = await cli([
      '--region',
      'eu-west-1',
      'attach',
      I.newFn,
      '--subnets',
      `${I.privateA},${I.privateB}`,
      '--sg',
      I.sgLambdaEgress,
    ]);
    expect(r.stderr).not.toContain('Warning');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`internet: yes via ${I.nat}`);
    expect(own.state.getFunction(I.newFn).VpcConfig).toMatchObject({
      VpcId: I.prodVpc,
      SubnetIds: [I.privateA, I.privateB],
    });
    // It joined orders-api's combinations: Lambda made no new interface.
    expect(own.state.networkInterfaces.filter((e) => e.InterfaceType === 'lambda')).toHaveLength(2);
  });
});
