import {
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeNetwork, Ec2ReadDenied } from '../../src/services/network.js';
import { ec2Mock, resetAwsMocks, verifyAwsMocks } from '../aws-mocks.js';
import { denied, PRIVATE_A, PRIVATE_B, PUBLIC_A, SG_ALL, serveEc2World, VPC_ID } from '../ec2-world.js';

beforeEach(resetAwsMocks);
afterEach(verifyAwsMocks);
const ec2 = () => new EC2Client({ region: 'us-east-1' });
const MISSING_SUBNET = 'subnet-0123456789abcdef9';
const MISSING_SG = 'sg-0123456789abcdef9';

const callsByCommand = () => {
  const counts: Record<string, number> = {};
  for (const call of ec2Mock.calls()) {
    const name = (call.args[0] as object).constructor.name.replace(/Command$/, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
};

describe('describeNetwork', () => {
  it('asks EC2 once per resource type, the subnets and groups through an ID filter', async () => {
    serveEc2World(ec2Mock);
    const facts = await describeNetwork(ec2(), {
      subnetIds: [PRIVATE_A, PRIVATE_B, PRIVATE_A],
      securityGroupIds: [SG_ALL],
      ipv6: false,
    });
    expect(callsByCommand()).toEqual({
      DescribeSubnets: 1,
      DescribeSecurityGroups: 1,
      DescribeVpcs: 1,
      DescribeRouteTables: 1,
      DescribeVpcEndpoints: 1,
      DescribeNatGateways: 1,
      DescribeInternetGateways: 1,
    });
    const subnetCall = ec2Mock.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input;
    expect(subnetCall).toEqual({ Filters: [{ Name: 'subnet-id', Values: [PRIVATE_A, PRIVATE_B] }] });
    expect(subnetCall).not.toHaveProperty('SubnetIds');
    expect(ec2Mock.commandCalls(DescribeRouteTablesCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: [VPC_ID] },
    ]);
    expect(ec2Mock.commandCalls(DescribeNatGatewaysCommand)[0]?.args[0].input.Filter).toEqual([
      { Name: 'vpc-id', Values: [VPC_ID] },
    ]);
    expect(facts.subnets.map((s) => s.SubnetId)).toEqual([PRIVATE_A, PRIVATE_B]);
    expect(facts.routeTables).toHaveLength(2);
    expect(facts.missingSubnetIds).toEqual([]);
    expect(facts.egressOnlyInternetGateways).toBeUndefined();
  });

  it('names the IDs EC2 does not know, without one call per ID', async () => {
    serveEc2World(ec2Mock);
    const facts = await describeNetwork(ec2(), {
      subnetIds: [PRIVATE_A, MISSING_SUBNET],
      securityGroupIds: [MISSING_SG, SG_ALL],
      ipv6: false,
    });
    expect(facts.missingSubnetIds).toEqual([MISSING_SUBNET]);
    expect(facts.missingSecurityGroupIds).toEqual([MISSING_SG]);
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(1);
  });

  it('makes no VPC-level call when none of the IDs exists', async () => {
    serveEc2World(ec2Mock);
    const facts = await describeNetwork(ec2(), {
      subnetIds: [MISSING_SUBNET],
      securityGroupIds: [MISSING_SG],
      ipv6: false,
    });
    expect(facts.missingSubnetIds).toEqual([MISSING_SUBNET]);
    expect(Object.keys(callsByCommand()).sort()).toEqual(['DescribeSecurityGroups', 'DescribeSubnets']);
  });

  it('follows NextToken and keeps every page', async () => {
    serveEc2World(ec2Mock);
    ec2Mock
      .on(DescribeRouteTablesCommand)
      .resolvesOnce({
        RouteTables: [{ RouteTableId: 'rtb-0000000000000000a', VpcId: VPC_ID }],
        NextToken: 't2',
      })
      .resolves({ RouteTables: [{ RouteTableId: 'rtb-0000000000000000b', VpcId: VPC_ID }] });
    const facts = await describeNetwork(ec2(), {
      subnetIds: [PUBLIC_A],
      securityGroupIds: [SG_ALL],
      ipv6: false,
    });
    const calls = ec2Mock.commandCalls(DescribeRouteTablesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.NextToken).toBe('t2');
    expect(facts.routeTables.map((t) => t.RouteTableId)).toEqual([
      'rtb-0000000000000000a',
      'rtb-0000000000000000b',
    ]);
  });

  it('describes egress-only internet gateways only for IPv6 dual-stack', async () => {
    serveEc2World(ec2Mock);
    await describeNetwork(ec2(), { subnetIds: [PRIVATE_A], securityGroupIds: [SG_ALL], ipv6: false });
    expect(ec2Mock.commandCalls(DescribeEgressOnlyInternetGatewaysCommand)).toHaveLength(0);
    const facts = await describeNetwork(ec2(), {
      subnetIds: [PRIVATE_A],
      securityGroupIds: [SG_ALL],
      ipv6: true,
    });
    expect(ec2Mock.commandCalls(DescribeEgressOnlyInternetGatewaysCommand)).toHaveLength(1);
    expect(facts.egressOnlyInternetGateways).toEqual([]);
  });

  it('turns a denied subnet read into Ec2ReadDenied naming the action', async () => {
    serveEc2World(ec2Mock);
    ec2Mock.on(DescribeSubnetsCommand).rejects(denied('DescribeSubnets'));
    const error = await describeNetwork(ec2(), {
      subnetIds: [PRIVATE_A],
      securityGroupIds: [SG_ALL],
      ipv6: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Ec2ReadDenied);
    expect((error as Ec2ReadDenied).message).toBe('no EC2 read permission (ec2:DescribeSubnets was denied)');
    expect((error as Ec2ReadDenied).exitCode).toBe(4);
  });

  it('keeps the subnet and group facts when only a routing read is denied', async () => {
    serveEc2World(ec2Mock);
    ec2Mock.on(DescribeRouteTablesCommand).rejects(denied('DescribeRouteTables'));
    ec2Mock.on(DescribeVpcEndpointsCommand).rejects(denied('DescribeVpcEndpoints'));
    const facts = await describeNetwork(ec2(), {
      subnetIds: [PRIVATE_A],
      securityGroupIds: [SG_ALL],
      ipv6: false,
    });
    expect(facts.deniedActions.sort()).toEqual(['ec2:DescribeRouteTables', 'ec2:DescribeVpcEndpoints']);
    expect(facts.subnets).toHaveLength(1);
    expect(facts.routeTables).toEqual([]);
    expect(facts.natGateways).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeInternetGatewaysCommand)).toHaveLength(1);
  });

  it('passes other errors on', async () => {
    serveEc2World(ec2Mock);
    ec2Mock
      .on(DescribeNatGatewaysCommand)
      .rejects(Object.assign(new Error('boom'), { name: 'InternalError', $fault: 'server', $metadata: {} }));
    await expect(
      describeNetwork(ec2(), { subnetIds: [PRIVATE_A], securityGroupIds: [SG_ALL], ipv6: false }),
    ).rejects.toMatchObject({ name: 'InternalError' });
  });
});
