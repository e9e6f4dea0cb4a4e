import {
  DescribeManagedPrefixListsCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  GetManagedPrefixListEntriesCommand,
  paginateGetManagedPrefixListEntries,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clients, failure } from './clients.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import { DEMO_IDS, demo, REACH_IDS as I, reach, reachBroken } from './scenarios.js';

let fake: FakeAws;
let ec2: ReturnType<typeof clients>['ec2'];
beforeAll(async () => {
  fake = await startFakeAws({ scenario: reach() });
  ec2 = clients(fake.url).ec2;
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.state.deniedActions = [];
});

describe('DescribeNetworkAcls', () => {
  it("adds the VPC's default NACL, allowing all, holding the subnets no other NACL names", async () => {
    const out = await ec2.send(
      new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }] }),
    );
    expect(out.NetworkAcls).toHaveLength(1);
    const acl = out.NetworkAcls?.[0];
    expect(acl).toMatchObject({ NetworkAclId: `acl-${I.vpc.slice(4)}`, VpcId: I.vpc, IsDefault: true });
    expect(acl?.Associations?.map((a) => a.SubnetId)).toEqual([I.publicSubnet]);
    expect(acl?.Associations?.[0]?.NetworkAclAssociationId).toMatch(/^aclassoc-[0-9a-f]{17}$/);
    expect(acl?.Entries).toEqual([
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
    ]);
  });

  it('finds the NACL of a subnet, rules egress first and by number, with port ranges', async () => {
    const out = await ec2.send(
      new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [I.dbSubnetB] }] }),
    );
    const acl = out.NetworkAcls?.[0];
    expect(out.NetworkAcls).toHaveLength(1);
    expect(acl).toMatchObject({ NetworkAclId: I.dbAcl, IsDefault: false });
    expect(acl?.Associations?.map((a) => a.SubnetId)).toEqual([I.dbSubnetA, I.dbSubnetB]);
    expect(acl?.Entries?.map((e) => [e.Egress, e.RuleNumber, e.RuleAction])).toEqual([
      [true, 100, 'allow'],
      [true, 110, 'allow'],
      [true, 32767, 'deny'],
      [false, 100, 'allow'],
      [false, 105, 'allow'],
      [false, 110, 'allow'],
      [false, 115, 'allow'],
      [false, 32767, 'deny'],
    ]);
    expect(acl?.Entries?.[3]).toEqual({
      RuleNumber: 100,
      Protocol: '6',
      RuleAction: 'allow',
      Egress: false,
      CidrBlock: '10.20.21.0/24',
      PortRange: { From: 5432, To: 5432 },
    });
    const byVpc = await ec2.send(
      new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [I.vpc] }] }),
    );
    expect(byVpc.NetworkAcls?.map((a) => a.NetworkAclId)).toEqual([
      `acl-${I.vpc.slice(4)}`,
      I.appAcl,
      I.dbAcl,
    ]);
  });

  it('IPv6 VPCs get the ::/0 rules (101 allow in the default NACL, 32768 deny everywhere)', async () => {
    const other = await startFakeAws({ scenario: demo() });
    try {
      const out = await clients(other.url).ec2.send(
        new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [DEMO_IDS.vpc] }] }),
      );
      expect(
        out.NetworkAcls?.[0]?.Entries?.filter((e) => e.Egress).map((e) => [e.RuleNumber, e.Ipv6CidrBlock]),
      ).toEqual([
        [100, undefined],
        [101, '::/0'],
        [32767, undefined],
        [32768, '::/0'],
      ]);
      expect(out.NetworkAcls?.[0]?.Associations).toHaveLength(4);
    } finally {
      await other.close();
    }
  });

  it('by ID; unknown and malformed IDs fail, protocol names come back as numbers', async () => {
    const out = await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [I.appAcl] }));
    expect(out.NetworkAcls?.[0]?.Entries?.find((e) => e.RuleNumber === 200)).toMatchObject({
      Protocol: '6',
      PortRange: { From: 1024, To: 65535 },
    });
    const missing = await failure(
      ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: ['acl-0123456789abcdeff'] })),
    );
    expect([missing.name, missing.$metadata.httpStatusCode, missing.message]).toEqual([
      'InvalidNetworkAclID.NotFound',
      400,
      "The networkAcl ID 'acl-0123456789abcdeff' does not exist",
    ]);
    const bad = await failure(ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: ['acl-x'] })));
    expect(bad.name).toBe('InvalidNetworkAclId.Malformed');
  });

  it('is denied like any EC2 read', async () => {
    fake.state.denyAction('ec2:DescribeNetworkAcls');
    const denied = await failure(ec2.send(new DescribeNetworkAclsCommand({})));
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['UnauthorizedOperation', 403]);
  });
});

describe('managed prefix lists', () => {
  it("lists the region's AWS-managed lists (owner AWS, no size or version) and the account's", async () => {
    const out = await ec2.send(new DescribeManagedPrefixListsCommand({}));
    expect(out.PrefixLists?.map((p) => [p.PrefixListId, p.PrefixListName, p.OwnerId])).toEqual([
      ['pl-63a5400a', 'com.amazonaws.us-east-1.s3', 'AWS'],
      ['pl-02cd2c6b', 'com.amazonaws.us-east-1.dynamodb', 'AWS'],
      ['pl-3b927c52', 'com.amazonaws.global.cloudfront.origin-facing', 'AWS'],
      [I.corpPrefixList, 'corp-networks', '123456789012'],
    ]);
    expect(out.PrefixLists?.[0]).toEqual({
      PrefixListId: 'pl-63a5400a',
      AddressFamily: 'IPv4',
      State: 'create-complete',
      PrefixListArn: 'arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a',
      PrefixListName: 'com.amazonaws.us-east-1.s3',
      Tags: [],
      OwnerId: 'AWS',
    });
    expect(out.PrefixLists?.[3]).toMatchObject({ MaxEntries: 10, Version: 1 });
    const byName = await ec2.send(
      new DescribeManagedPrefixListsCommand({
        Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.*.dynamodb'] }],
      }),
    );
    expect(byName.PrefixLists?.map((p) => p.PrefixListId)).toEqual(['pl-02cd2c6b']);
    const byId = await ec2.send(
      new DescribeManagedPrefixListsCommand({
        Filters: [{ Name: 'prefix-list-id', Values: [I.corpPrefixList] }],
      }),
    );
    expect(byId.PrefixLists?.map((p) => p.PrefixListName)).toEqual(['corp-networks']);
    const missing = await failure(
      ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: ['pl-0123456789abcdeff'] })),
    );
    expect([missing.name, missing.message]).toEqual([
      'InvalidPrefixListID.NotFound',
      "The prefix list ID 'pl-0123456789abcdeff' does not exist",
    ]);
  });

  it('GetManagedPrefixListEntries pages the entries; unknown lists fail', async () => {
    const out = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: I.corpPrefixList }));
    expect(out.Entries).toEqual([
      { Cidr: '192.168.0.0/16', Description: 'office' },
      { Cidr: '172.16.0.0/12', Description: 'vpn' },
    ]);
    const cidrs: string[] = [];
    for await (const page of paginateGetManagedPrefixListEntries(
      { client: ec2, pageSize: 3 },
      { PrefixListId: I.s3PrefixList },
    ))
      cidrs.push(...(page.Entries ?? []).map((e) => e.Cidr ?? ''));
    expect(cidrs).toHaveLength(7);
    expect(cidrs).toContain('52.216.0.0/15');
    expect(fake.requests.filter((r) => r.operation === 'GetManagedPrefixListEntries')).toHaveLength(4);
    const missing = await failure(
      ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0123456789abcdeff' })),
    );
    expect(missing.name).toBe('InvalidPrefixListID.NotFound');
    const bad = await failure(ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-x' })));
    expect(bad.name).toBe('InvalidPrefixListId.Malformed');
    fake.state.denyAction('ec2:GetManagedPrefixListEntries');
    const denied = await failure(
      ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: I.corpPrefixList })),
    );
    expect(denied.name).toBe('UnauthorizedOperation');
  });
});

describe('DescribeVpcAttribute', () => {
  it('answers enableDnsSupport and enableDnsHostnames, one attribute a call', async () => {
    const support = await ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: I.vpc, Attribute: 'enableDnsSupport' }),
    );
    expect(support.VpcId).toBe(I.vpc);
    expect(support.EnableDnsSupport).toEqual({ Value: true });
    expect(support.EnableDnsHostnames).toBeUndefined();
    const broken = await startFakeAws({ scenario: reachBroken() });
    try {
      const hostnames = await clients(broken.url).ec2.send(
        new DescribeVpcAttributeCommand({ VpcId: I.vpc, Attribute: 'enableDnsHostnames' }),
      );
      expect(hostnames.EnableDnsHostnames).toEqual({ Value: false });
    } finally {
      await broken.close();
    }
  });

  it('defaults like AWS: DNS support on, hostnames only in a default VPC; unknown VPCs fail', async () => {
    const other = await startFakeAws({ scenario: demo() });
    try {
      const ec2b = clients(other.url).ec2;
      const hostnames = await ec2b.send(
        new DescribeVpcAttributeCommand({ VpcId: DEMO_IDS.dedicatedVpc, Attribute: 'enableDnsHostnames' }),
      );
      expect(hostnames.EnableDnsHostnames).toEqual({ Value: false });
      const missing = await failure(
        ec2b.send(
          new DescribeVpcAttributeCommand({ VpcId: 'vpc-0123456789abcdeff', Attribute: 'enableDnsSupport' }),
        ),
      );
      expect([missing.name, missing.message]).toEqual([
        'InvalidVpcID.NotFound',
        "The vpc ID 'vpc-0123456789abcdeff' does not exist",
      ]);
    } finally {
      await other.close();
    }
  });
});

describe('what reach reads besides', () => {
  it('network interfaces by private address and by group', async () => {
    const byIp = await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [{ Name: 'addresses.private-ip-address', Values: [I.cacheIp] }],
      }),
    );
    expect(
      byIp.NetworkInterfaces?.map((e) => [e.NetworkInterfaceId, e.SubnetId, e.Groups?.[0]?.GroupId]),
    ).toEqual([[I.cacheEni, I.dbSubnetA, I.sgCache]]);
    const byGroup = await ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [I.sgCache] }] }),
    );
    expect(byGroup.NetworkInterfaces).toHaveLength(1);
    expect(byIp.NetworkInterfaces?.[0]?.PrivateDnsName).toBe('ip-10-20-31-17.ec2.internal');
  });

  it('security-group ingress with groups, CIDRs and prefix lists', async () => {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [I.sgDb] }));
    expect(out.SecurityGroups?.[0]?.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        UserIdGroupPairs: [{ GroupId: I.sgFn, UserId: '123456789012' }],
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
      },
      {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        UserIdGroupPairs: [],
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [{ PrefixListId: I.corpPrefixList }],
      },
    ]);
  });

  it('VPC endpoints carry their groups, private DNS and policy (the full-access default)', async () => {
    const out = await ec2.send(
      new DescribeVpcEndpointsCommand({ VpcEndpointIds: [I.secretsEndpoint, I.s3Endpoint] }),
    );
    const [s3, secrets] = [I.s3Endpoint, I.secretsEndpoint].map((id) =>
      out.VpcEndpoints?.find((e) => e.VpcEndpointId === id),
    );
    expect(secrets).toMatchObject({
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      Groups: [{ GroupId: I.sgEndpoint, GroupName: 'endpoints' }],
      SubnetIds: [I.appSubnetA, I.appSubnetB],
    });
    expect(s3?.DnsEntries).toEqual([]);
    expect(
      secrets?.DnsEntries?.map((d) =>
        d.DnsName?.replace(`${I.secretsEndpoint}-`, '').replace(/^[0-9a-f]{8}/, `${I.secretsEndpoint}-HASH`),
      ),
    ).toEqual([
      `${I.secretsEndpoint}-HASH.secretsmanager.us-east-1.vpce.amazonaws.com`,
      `${I.secretsEndpoint}-HASH-us-east-1a.secretsmanager.us-east-1.vpce.amazonaws.com`,
      `${I.secretsEndpoint}-HASH-us-east-1b.secretsmanager.us-east-1.vpce.amazonaws.com`,
      'secretsmanager.us-east-1.amazonaws.com',
    ]);
    // One requester-managed interface per subnet, in the endpoint's groups.
    const enis = await ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: secrets?.NetworkInterfaceIds ?? [] }),
    );
    expect(
      enis.NetworkInterfaces?.map((e) => [
        e.SubnetId,
        e.InterfaceType,
        e.RequesterManaged,
        e.Groups?.[0]?.GroupId,
        e.PrivateIpAddress,
      ]),
    ).toEqual([
      [I.appSubnetA, 'vpc_endpoint', true, I.sgEndpoint, '10.20.21.200'],
      [I.appSubnetB, 'vpc_endpoint', true, I.sgEndpoint, '10.20.22.200'],
    ]);
    expect(JSON.parse(s3?.PolicyDocument ?? '')).toEqual({
      Version: '2008-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
    });
  });
});
