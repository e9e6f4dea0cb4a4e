import {
  DescribeManagedPrefixListsCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  type Filter,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeNetwork, type NetworkQuery } from '../../src/services/network.js';
import { awsError, ec2Mock, resetAwsMocks, serve, verifyAwsMocks } from '../aws-mocks.js';
import {
  denied,
  ec2World,
  PRIVATE_A,
  PRIVATE_B,
  PUBLIC_A,
  SG_ALL,
  serveEc2World,
  VPC_ID,
} from '../ec2-world.js';

beforeEach(resetAwsMocks);
afterEach(verifyAwsMocks);
const ec2 = () => new EC2Client({ region: 'us-east-1' });

const DB_SUBNET = 'subnet-0a1b2c3d4e5f60031';
const ENDPOINT_SUBNET = 'subnet-0a1b2c3d4e5f60032';
const SG_DB = 'sg-0a1b2c3d4e5f60083';
const SG_ENDPOINT = 'sg-0a1b2c3d4e5f60084';
const S3_LIST = 'pl-63a5400a';
const CORP_LIST = 'pl-0a1b2c3d4e5f60099';
const CACHE_ENI = 'eni-0a1b2c3d4e5f60095';
const ACL = 'acl-0a1b2c3d4e5f60061';

const values = (filters: Filter[] | undefined, name: string) =>
  filters?.find((f) => f.Name === name)?.Values ?? [];

/** ec2World() with a DB subnet, an endpoint subnet and group, an S3 route, and prefix-list rules. */
function servePathWorld() {
  const world = ec2World();
  world.subnets.push(
    { SubnetId: DB_SUBNET, VpcId: VPC_ID, CidrBlock: '10.0.31.0/24', AvailabilityZone: 'us-east-1a' },
    { SubnetId: ENDPOINT_SUBNET, VpcId: VPC_ID, CidrBlock: '10.0.41.0/24', AvailabilityZone: 'us-east-1b' },
  );
  world.securityGroups.push(
    {
      GroupId: SG_DB,
      VpcId: VPC_ID,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, PrefixListIds: [{ PrefixListId: CORP_LIST }] },
      ],
    },
    {
      GroupId: SG_ENDPOINT,
      VpcId: VPC_ID,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
      ],
    },
  );
  world.routeTables[0]?.Routes?.push({
    DestinationPrefixListId: S3_LIST,
    GatewayId: 'vpce-0a1b2c3d4e5f60071',
  });
  return serve(() => {
    serveEc2World(ec2Mock, world);
    ec2Mock.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [
        {
          VpcEndpointId: 'vpce-0a1b2c3d4e5f60072',
          VpcEndpointType: 'Interface',
          VpcId: VPC_ID,
          ServiceName: 'com.amazonaws.us-east-1.secretsmanager',
          SubnetIds: [PRIVATE_A, ENDPOINT_SUBNET],
          Groups: [{ GroupId: SG_ENDPOINT }],
          PrivateDnsEnabled: true,
        },
      ],
    });
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [
        {
          NetworkAclId: ACL,
          VpcId: VPC_ID,
          IsDefault: true,
          Entries: [
            { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
          ],
          Associations: [{ SubnetId: PRIVATE_A }, { SubnetId: PUBLIC_A }],
        },
      ],
    });
    ec2Mock.on(DescribeVpcAttributeCommand).callsFake(({ VpcId, Attribute }) => ({
      VpcId,
      ...(Attribute === 'enableDnsSupport'
        ? { EnableDnsSupport: { Value: true } }
        : { EnableDnsHostnames: { Value: false } }),
    }));
    ec2Mock.on(DescribeManagedPrefixListsCommand).callsFake(({ Filters }) => ({
      PrefixLists: [
        { PrefixListId: S3_LIST, PrefixListName: 'com.amazonaws.us-east-1.s3', OwnerId: 'AWS' },
        { PrefixListId: CORP_LIST, PrefixListName: 'corp', OwnerId: '123456789012' },
      ].filter((p) => values(Filters, 'prefix-list-id').includes(p.PrefixListId)),
    }));
    ec2Mock.on(GetManagedPrefixListEntriesCommand).callsFake(({ PrefixListId }) => ({
      Entries: PrefixListId === S3_LIST ? [{ Cidr: '52.216.0.0/15' }] : [{ Cidr: '192.168.0.0/16' }],
    }));
    ec2Mock.on(DescribeNetworkInterfacesCommand).callsFake(({ Filters }) => ({
      NetworkInterfaces: values(Filters, 'addresses.private-ip-address').includes('10.0.31.17')
        ? [
            {
              NetworkInterfaceId: CACHE_ENI,
              SubnetId: DB_SUBNET,
              PrivateIpAddress: '10.0.31.17',
              Groups: [{ GroupId: SG_DB }],
            },
          ]
        : [],
    }));
  });
}

const query = (paths: NetworkQuery['paths'] = {}): NetworkQuery => ({
  subnetIds: [PRIVATE_A, PRIVATE_B],
  securityGroupIds: [SG_ALL],
  ipv6: false,
  paths,
});

const callsByCommand = () => {
  const counts: Record<string, number> = {};
  for (const call of ec2Mock.calls()) {
    const name = (call.args[0] as object).constructor.name.replace(/Command$/, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
};

describe('describeNetwork with paths', () => {
  it('reads NACLs, DNS attributes and the referenced prefix lists, once per type', async () => {
    servePathWorld();
    const facts = await describeNetwork(ec2(), query({ subnetIds: [DB_SUBNET], securityGroupIds: [SG_DB] }));
    expect(callsByCommand()).toEqual({
      DescribeSubnets: 2,
      DescribeSecurityGroups: 2,
      DescribeVpcs: 1,
      DescribeRouteTables: 1,
      DescribeVpcEndpoints: 1,
      DescribeNatGateways: 1,
      DescribeInternetGateways: 1,
      DescribeNetworkAcls: 1,
      DescribeVpcAttribute: 2,
      DescribeManagedPrefixLists: 1,
      GetManagedPrefixListEntries: 2,
    });
    // The first round holds the targets' subnets and groups; the second call only what the
    // NAT gateway and the interface endpoint use that it had not read.
    const subnetFilters = ec2Mock.commandCalls(DescribeSubnetsCommand).map((c) => c.args[0].input.Filters);
    expect(subnetFilters).toEqual([
      [{ Name: 'subnet-id', Values: [PRIVATE_A, PRIVATE_B, DB_SUBNET] }],
      [{ Name: 'subnet-id', Values: [PUBLIC_A, ENDPOINT_SUBNET] }],
    ]);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.Filters)).toEqual([
      [{ Name: 'group-id', Values: [SG_ALL, SG_DB] }],
      [{ Name: 'group-id', Values: [SG_ENDPOINT] }],
    ]);
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: [VPC_ID] },
    ]);
    expect(ec2Mock.commandCalls(DescribeManagedPrefixListsCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'prefix-list-id', Values: [CORP_LIST, S3_LIST] },
    ]);
    expect(facts.subnets.map((s) => s.SubnetId)).toEqual([
      PRIVATE_A,
      PRIVATE_B,
      DB_SUBNET,
      PUBLIC_A,
      ENDPOINT_SUBNET,
    ]);
    expect(facts.securityGroups.map((g) => g.GroupId)).toEqual([SG_ALL, SG_DB, SG_ENDPOINT]);
    expect(facts.paths).toEqual({
      networkAcls: [expect.objectContaining({ NetworkAclId: ACL })],
      prefixLists: [
        expect.objectContaining({ PrefixListId: S3_LIST }),
        expect.objectContaining({ PrefixListId: CORP_LIST }),
      ],
      prefixListEntries: {
        [S3_LIST]: [{ Cidr: '52.216.0.0/15' }],
        [CORP_LIST]: [{ Cidr: '192.168.0.0/16' }],
      },
      missingPrefixListIds: [],
      vpcDnsAttributes: [
        { VpcId: VPC_ID, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: false } },
      ],
      networkInterfaces: [],
    });
    expect(facts.deniedActions).toEqual([]);
  });

  it('finds a private address through its network interface, whose subnet and groups join the first round', async () => {
    servePathWorld();
    const facts = await describeNetwork(ec2(), query({ privateIpAddresses: ['10.0.31.17'] }));
    expect(
      ec2Mock.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input.Filters),
    ).toEqual([[{ Name: 'addresses.private-ip-address', Values: ['10.0.31.17'] }]]);
    expect(facts.paths?.networkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual([CACHE_ENI]);
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input.Filters?.[0]?.Values).toContain(
      DB_SUBNET,
    );
    expect(
      ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input.Filters?.[0]?.Values,
    ).toContain(SG_DB);
  });

  it('asks one DescribeNetworkInterfaces per kind of lookup (EC2 ANDs different filters)', async () => {
    servePathWorld();
    await describeNetwork(
      ec2(),
      query({
        privateIpAddresses: ['10.0.31.17'],
        networkInterfaceIds: [CACHE_ENI],
        memberGroupIds: [SG_DB],
      }),
    );
    expect(
      ec2Mock.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input.Filters?.[0]?.Name),
    ).toEqual(['addresses.private-ip-address', 'network-interface-id', 'group-id']);
  });

  it('names referenced prefix lists EC2 does not know', async () => {
    servePathWorld();
    ec2Mock
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: CORP_LIST })
      .rejects(awsError('InvalidPrefixListID.NotFound', 400));
    ec2Mock.on(DescribeManagedPrefixListsCommand).resolves({
      PrefixLists: [{ PrefixListId: S3_LIST, PrefixListName: 'com.amazonaws.us-east-1.s3' }],
    });
    const facts = await describeNetwork(ec2(), query({ securityGroupIds: [SG_DB] }));
    expect(facts.paths?.missingPrefixListIds).toEqual([CORP_LIST]);
    expect(Object.keys(facts.paths?.prefixListEntries ?? {})).toEqual([S3_LIST]);
  });

  it.each([
    ['DescribeNetworkAcls', DescribeNetworkAclsCommand, 'networkAcls', []],
    ['DescribeVpcAttribute', DescribeVpcAttributeCommand, 'vpcDnsAttributes', []],
    ['DescribeManagedPrefixLists', DescribeManagedPrefixListsCommand, 'prefixLists', []],
    ['GetManagedPrefixListEntries', GetManagedPrefixListEntriesCommand, 'prefixListEntries', {}],
  ] as const)(
    'a denied %s is recorded and leaves its facts empty, the rest read',
    async (action, command, key, empty) => {
      servePathWorld();
      // One command of the four: `on` is typed per command, so the union needs a cast.
      ec2Mock.on(command as typeof DescribeNetworkAclsCommand).rejects(denied(action));
      const facts = await describeNetwork(ec2(), query({ securityGroupIds: [SG_DB] }));
      expect(facts.deniedActions).toEqual([`ec2:${action}`]);
      expect(facts.paths?.[key]).toEqual(empty);
      expect(facts.routeTables).toHaveLength(2);
      // A denied describe proves nothing about which lists exist.
      expect(facts.paths?.missingPrefixListIds).toEqual([]);
      if (key !== 'networkAcls') expect(facts.paths?.networkAcls).toHaveLength(1);
    },
  );

  it('a denied DescribeNetworkInterfaces is recorded: the target is not found, not absent', async () => {
    servePathWorld();
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(denied('DescribeNetworkInterfaces'));
    const facts = await describeNetwork(ec2(), query({ privateIpAddresses: ['10.0.31.17'] }));
    expect(facts.deniedActions).toEqual(['ec2:DescribeNetworkInterfaces']);
    expect(facts.paths?.networkInterfaces).toEqual([]);
  });

  it('a denied read of the endpoints’ subnets or groups is recorded, not fatal', async () => {
    servePathWorld();
    ec2Mock
      .on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'group-id', Values: [SG_ENDPOINT] }] })
      .rejects(denied('DescribeSecurityGroups'));
    const facts = await describeNetwork(ec2(), query());
    expect(facts.deniedActions).toEqual(['ec2:DescribeSecurityGroups']);
    expect(facts.securityGroups.map((g) => g.GroupId)).toEqual([SG_ALL]);
  });

  it('without paths, none of these is read', async () => {
    servePathWorld();
    const facts = await describeNetwork(ec2(), { ...query(), paths: undefined });
    expect(facts.paths).toBeUndefined();
    expect(Object.keys(callsByCommand()).sort()).toEqual([
      'DescribeInternetGateways',
      'DescribeNatGateways',
      'DescribeRouteTables',
      'DescribeSecurityGroups',
      'DescribeSubnets',
      'DescribeVpcEndpoints',
      'DescribeVpcs',
    ]);
    expect(ec2Mock.commandCalls(DescribeRouteTablesCommand)).toHaveLength(1);
  });
});
