// Builds one network (VPC, subnets, NACLs with entries and associations, prefix lists, groups with
// ingress, endpoints, a network interface, an RDS instance and cluster) in moto through the SDK,
// seeds the fake with the same resources under the same IDs, asks both the same describe calls
// and prints where their answers differ, field by field. Not part of `npm test` (CI has no moto):
// `npm run compare-moto` (needs `python3 -m moto.server`). Findings: docs/fake-aws.md.
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateManagedPrefixListCommand,
  CreateNatGatewayCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
  GetManagedPrefixListEntriesCommand,
  ModifyVpcAttributeCommand,
  ReplaceNetworkAclAssociationCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { clients } from './clients.js';
import { chooseProbes } from './compare-moto-choose.js';
import { printDifferences, startMoto } from './compare-tools.js';
import { startFakeAws } from './fake-aws.js';
import type { NetworkAclEntrySpec, Scenario } from './types.js';

type Aws = { ec2: EC2Client; rds: RDSClient };
const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

const ACL_ENTRIES: NetworkAclEntrySpec[] = [
  {
    RuleNumber: 100,
    Protocol: '6',
    RuleAction: 'allow',
    Egress: false,
    CidrBlock: '10.20.21.0/24',
    PortRange: { From: 5432, To: 5432 },
  },
  {
    RuleNumber: 110,
    Protocol: '6',
    RuleAction: 'allow',
    Egress: true,
    CidrBlock: '10.20.21.0/24',
    PortRange: { From: 1024, To: 65535 },
  },
  { RuleNumber: 120, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
  {
    RuleNumber: 130,
    Protocol: '17',
    RuleAction: 'allow',
    Egress: false,
    Ipv6CidrBlock: '::/0',
    PortRange: { From: 53, To: 53 },
  },
];

/** Builds the layout in moto with write calls and returns the scenario that seeds the fake alike. */
async function buildInMoto({ ec2, rds }: Aws): Promise<{ scenario: Scenario; ids: Record<string, string> }> {
  const vpcTags = { Name: 'compare', env: 'test' };
  const vpc = (
    await ec2.send(
      new CreateVpcCommand({
        CidrBlock: '10.20.0.0/16',
        TagSpecifications: [{ ResourceType: 'vpc', Tags: toTags(vpcTags) }],
      }),
    )
  ).Vpc;
  const vpcId = vpc?.VpcId ?? '';
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnetTags: Record<string, Record<string, string>> = {};
  const subnet = async (cidr: string, az: string, Name: string, tier: string) => {
    const tags = { Name, tier };
    const id =
      (
        await ec2.send(
          new CreateSubnetCommand({
            VpcId: vpcId,
            CidrBlock: cidr,
            AvailabilityZone: az,
            TagSpecifications: [{ ResourceType: 'subnet', Tags: toTags(tags) }],
          }),
        )
      ).Subnet?.SubnetId ?? '';
    subnetTags[id] = tags;
    return id;
  };
  const publicSubnet = await subnet('10.20.1.0/24', 'us-east-1a', 'public-a', 'public');
  const appSubnet = await subnet('10.20.21.0/24', 'us-east-1a', 'app-a', 'private');
  const dbSubnetA = await subnet('10.20.31.0/24', 'us-east-1a', 'db-a', 'isolated');
  const dbSubnetB = await subnet('10.20.32.0/24', 'us-east-1b', 'db-b', 'isolated');
  // AWS maps AZ names to IDs per account: take moto's, so the rest of the answer is compared.
  const azIds = Object.fromEntries(
    (
      (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })))
        .Subnets ?? []
    ).map((s) => [s.AvailabilityZone ?? '', s.AvailabilityZoneId ?? '']),
  );
  const defaultGroup =
    (
      await ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'group-name', Values: ['default'] },
          ],
        }),
      )
    ).SecurityGroups?.[0]?.GroupId ?? '';
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId ?? '';
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
  const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId ?? '';
  const nat =
    (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, AllocationId: eip }))).NatGateway
      ?.NatGatewayId ?? '';
  const appTable =
    (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable?.RouteTableId ?? '';
  await ec2.send(
    new CreateRouteCommand({ RouteTableId: appTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat }),
  );
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: appTable, SubnetId: appSubnet }));

  const pl =
    (
      await ec2.send(
        new CreateManagedPrefixListCommand({
          PrefixListName: 'corp-networks',
          AddressFamily: 'IPv4',
          MaxEntries: 10,
          Entries: [
            { Cidr: '192.168.0.0/16', Description: 'office' },
            { Cidr: '172.16.0.0/12', Description: 'vpn' },
          ],
        }),
      )
    ).PrefixList?.PrefixListId ?? '';

  const group = async (name: string) =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
      .GroupId ?? '';
  const sgFn = await group('fn');
  const sgDb = await group('db');
  const sgEndpoint = await group('endpoint');
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sgDb,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: sgFn }] },
        { IpProtocol: 'tcp', FromPort: 6432, ToPort: 6432, PrefixListIds: [{ PrefixListId: pl }] },
      ],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sgEndpoint,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.20.0.0/16' }] },
      ],
    }),
  );

  const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl?.NetworkAclId ?? '';
  for (const e of ACL_ENTRIES) await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, ...e }));
  for (const subnetId of [dbSubnetA, dbSubnetB]) {
    const current = await ec2.send(
      new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }),
    );
    const association = current.NetworkAcls?.[0]?.Associations?.find((a) => a.SubnetId === subnetId);
    await ec2.send(
      new ReplaceNetworkAclAssociationCommand({
        AssociationId: association?.NetworkAclAssociationId,
        NetworkAclId: acl,
      }),
    );
  }

  const s3 =
    (
      await ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: vpcId,
          ServiceName: 'com.amazonaws.us-east-1.s3',
          VpcEndpointType: 'Gateway',
          RouteTableIds: [appTable],
        }),
      )
    ).VpcEndpoint?.VpcEndpointId ?? '';
  const secrets =
    (
      await ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: vpcId,
          ServiceName: 'com.amazonaws.us-east-1.secretsmanager',
          VpcEndpointType: 'Interface',
          SubnetIds: [appSubnet],
          SecurityGroupIds: [sgEndpoint],
          PrivateDnsEnabled: true,
        }),
      )
    ).VpcEndpoint?.VpcEndpointId ?? '';
  const eni =
    (
      await ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: dbSubnetA,
          PrivateIpAddress: '10.20.31.17',
          Groups: [sgDb],
          Description: 'cache',
        }),
      )
    ).NetworkInterface?.NetworkInterfaceId ?? '';

  await rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: 'db-subnets',
      DBSubnetGroupDescription: 'db-subnets',
      SubnetIds: [dbSubnetA, dbSubnetB],
    }),
  );
  const db = (
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'postgres',
        MasterUserPassword: 'password123',
        DBSubnetGroupName: 'db-subnets',
        VpcSecurityGroupIds: [sgDb],
        PubliclyAccessible: false,
      }),
    )
  ).DBInstance;
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'orders-cluster',
      Engine: 'aurora-postgresql',
      MasterUsername: 'postgres',
      MasterUserPassword: 'password123',
      DBSubnetGroupName: 'db-subnets',
      VpcSecurityGroupIds: [sgDb],
    }),
  );
  const hash = (db?.Endpoint?.Address ?? '').split('.')[1];
  const clusterHash = (
    await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-cluster' }))
  ).DBClusters?.[0]?.Endpoint?.split('.')[1]?.replace(/^cluster-/, '');
  const defaultAcl =
    (
      await ec2.send(
        new DescribeNetworkAclsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'default', Values: ['true'] },
          ],
        }),
      )
    ).NetworkAcls?.[0]?.NetworkAclId ?? '';
  const allowAll = [true, false].map((Egress) => ({
    RuleNumber: 100,
    Protocol: '-1',
    RuleAction: 'allow' as const,
    Egress,
    CidrBlock: '0.0.0.0/0',
  }));

  const cidrOf: Record<string, [string, string]> = {
    [publicSubnet]: ['10.20.1.0/24', 'us-east-1a'],
    [appSubnet]: ['10.20.21.0/24', 'us-east-1a'],
    [dbSubnetA]: ['10.20.31.0/24', 'us-east-1a'],
    [dbSubnetB]: ['10.20.32.0/24', 'us-east-1b'],
  };
  const scenario: Scenario = {
    vpcs: [
      { VpcId: vpcId, CidrBlock: '10.20.0.0/16', EnableDnsHostnames: true, IsDefault: false, Tags: vpcTags },
    ],
    subnets: Object.entries(cidrOf).map(([SubnetId, [CidrBlock, AvailabilityZone]]) => ({
      SubnetId,
      VpcId: vpcId,
      CidrBlock,
      AvailabilityZone,
      AvailabilityZoneId: azIds[AvailabilityZone],
      // The NAT gateway's, the endpoint's and the cache's interfaces use an address each, in AWS as in moto.
      AvailableIpAddressCount: [publicSubnet, appSubnet, dbSubnetA].includes(SubnetId) ? 250 : 251,
      Tags: subnetTags[SubnetId],
    })),
    internetGateways: [{ InternetGatewayId: igw, Attachments: [{ VpcId: vpcId }] }],
    natGateways: [{ NatGatewayId: nat, SubnetId: publicSubnet, VpcId: vpcId }],
    routeTables: [
      {
        RouteTableId: appTable,
        VpcId: vpcId,
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat }],
        Associations: [{ SubnetId: appSubnet }],
      },
    ],
    prefixLists: [
      {
        PrefixListId: pl,
        PrefixListName: 'corp-networks',
        MaxEntries: 10,
        Entries: [
          { Cidr: '192.168.0.0/16', Description: 'office' },
          { Cidr: '172.16.0.0/12', Description: 'vpn' },
        ],
      },
    ],
    securityGroups: [
      // What AWS (and moto) creates with the VPC.
      {
        GroupId: defaultGroup,
        GroupName: 'default',
        Description: 'default VPC security group',
        VpcId: vpcId,
        IpPermissions: [{ IpProtocol: '-1', GroupIds: [defaultGroup] }],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] }],
      },
      {
        GroupId: sgFn,
        GroupName: 'fn',
        Description: 'fn',
        VpcId: vpcId,
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] }],
      },
      {
        GroupId: sgDb,
        GroupName: 'db',
        Description: 'db',
        VpcId: vpcId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, GroupIds: [sgFn] },
          { IpProtocol: 'tcp', FromPort: 6432, ToPort: 6432, PrefixListIds: [pl] },
        ],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] }],
      },
      {
        GroupId: sgEndpoint,
        GroupName: 'endpoint',
        Description: 'endpoint',
        VpcId: vpcId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: ['10.20.0.0/16'] }],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] }],
      },
    ],
    networkAcls: [
      { NetworkAclId: defaultAcl, VpcId: vpcId, IsDefault: true, Entries: allowAll },
      { NetworkAclId: acl, VpcId: vpcId, SubnetIds: [dbSubnetA, dbSubnetB], Entries: ACL_ENTRIES },
    ],
    vpcEndpoints: [
      {
        VpcEndpointId: s3,
        VpcEndpointType: 'Gateway',
        VpcId: vpcId,
        ServiceName: 'com.amazonaws.us-east-1.s3',
        RouteTableIds: [appTable],
      },
      {
        VpcEndpointId: secrets,
        VpcEndpointType: 'Interface',
        VpcId: vpcId,
        ServiceName: 'com.amazonaws.us-east-1.secretsmanager',
        SubnetIds: [appSubnet],
        GroupIds: [sgEndpoint],
        PrivateDnsEnabled: true,
      },
    ],
    networkInterfaces: [
      {
        NetworkInterfaceId: eni,
        SubnetId: dbSubnetA,
        Description: 'cache',
        GroupIds: [sgDb],
        Status: 'available',
        PrivateIpAddress: '10.20.31.17',
      },
    ],
    dbSubnetGroups: [{ DBSubnetGroupName: 'db-subnets', VpcId: vpcId, SubnetIds: [dbSubnetA, dbSubnetB] }],
    dbInstances: [
      {
        DBInstanceIdentifier: 'orders-db',
        Engine: 'postgres',
        DBSubnetGroupName: 'db-subnets',
        VpcSecurityGroupIds: [sgDb],
        ...(hash ? { EndpointHash: hash } : {}),
      },
    ],
    dbClusters: [
      {
        DBClusterIdentifier: 'orders-cluster',
        Engine: 'aurora-postgresql',
        DBSubnetGroupName: 'db-subnets',
        VpcSecurityGroupIds: [sgDb],
        ...(clusterHash ? { EndpointHash: clusterHash } : {}),
      },
    ],
  };
  return {
    scenario,
    ids: { vpcId, acl, pl, sgDb, sgEndpoint, s3, secrets, eni, dbSubnetA, azIdB: azIds['us-east-1b'] ?? '' },
  };
}

type Probe = { name: string; run: (aws: Aws) => Promise<unknown> };

type Entry = { Egress?: boolean; RuleNumber?: number };
const byRule = (a: Entry, b: Entry) =>
  Number(b.Egress) - Number(a.Egress) || (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0);
const entryOrder = (entries: Entry[] = []) =>
  entries.map((e) => `${e.Egress ? 'out' : 'in'}:${e.RuleNumber}`).join(' ');

/**
 * The answer without $metadata; NACL entries sorted (EC2 does not document their order: the
 * order each side gave is kept in `entryOrder`, so it is still compared).
 */
const result = async (p: Promise<unknown>) => {
  try {
    const { $metadata: _m, ...rest } = (await p) as {
      $metadata?: unknown;
      NetworkAcls?: { Entries?: Entry[] }[];
    };
    for (const acl of (rest as { NetworkAcls?: { Entries?: Entry[]; entryOrder?: string }[] }).NetworkAcls ??
      []) {
      acl.entryOrder = entryOrder(acl.Entries);
      acl.Entries = [...(acl.Entries ?? [])].sort(byRule);
    }
    return rest;
  } catch (error) {
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    return { error: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
};

function probes(ids: Record<string, string>): Probe[] {
  const inVpc = [{ Name: 'vpc-id', Values: [ids.vpcId ?? ''] }];
  return [
    {
      name: 'DescribeNetworkAcls vpc-id',
      run: ({ ec2 }) => result(ec2.send(new DescribeNetworkAclsCommand({ Filters: inVpc }))),
    },
    {
      name: 'DescribeNetworkAcls association.subnet-id',
      run: ({ ec2 }) =>
        result(
          ec2.send(
            new DescribeNetworkAclsCommand({
              Filters: [{ Name: 'association.subnet-id', Values: [ids.dbSubnetA ?? ''] }],
            }),
          ),
        ),
    },
    {
      name: 'DescribeNetworkAcls default=true',
      run: ({ ec2 }) =>
        result(
          ec2.send(
            new DescribeNetworkAclsCommand({ Filters: [...inVpc, { Name: 'default', Values: ['true'] }] }),
          ),
        ),
    },
    {
      name: 'DescribeNetworkAcls unknown ID',
      run: ({ ec2 }) =>
        result(ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: ['acl-0123456789abcdef0'] }))),
    },
    {
      name: 'DescribeManagedPrefixLists',
      run: ({ ec2 }) => result(ec2.send(new DescribeManagedPrefixListsCommand({}))),
    },
    {
      name: 'DescribeManagedPrefixLists prefix-list-name s3',
      run: ({ ec2 }) =>
        result(
          ec2.send(
            new DescribeManagedPrefixListsCommand({
              Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.us-east-1.s3'] }],
            }),
          ),
        ),
    },
    {
      name: 'DescribeManagedPrefixLists unknown ID',
      run: ({ ec2 }) =>
        result(ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: ['pl-0123456789abcdef0'] }))),
    },
    {
      name: 'GetManagedPrefixListEntries customer list',
      run: ({ ec2 }) => result(ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: ids.pl }))),
    },
    {
      name: 'GetManagedPrefixListEntries unknown ID',
      run: ({ ec2 }) =>
        result(ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0123456789abcdef0' }))),
    },
    {
      name: 'DescribeSecurityGroups db, endpoint',
      run: ({ ec2 }) =>
        result(
          ec2.send(
            new DescribeSecurityGroupsCommand({
              Filters: [{ Name: 'group-id', Values: [ids.sgDb ?? '', ids.sgEndpoint ?? ''] }],
            }),
          ),
        ),
    },
    {
      name: 'DescribeVpcEndpoints',
      run: ({ ec2 }) =>
        result(
          ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [ids.s3 ?? '', ids.secrets ?? ''] })),
        ),
    },
    ...(['enableDnsSupport', 'enableDnsHostnames'] as const).map((Attribute) => ({
      name: `DescribeVpcAttribute ${Attribute}`,
      run: ({ ec2 }: Aws) =>
        result(ec2.send(new DescribeVpcAttributeCommand({ VpcId: ids.vpcId, Attribute }))),
    })),
    {
      name: 'DescribeNetworkInterfaces addresses.private-ip-address',
      run: ({ ec2 }) =>
        result(
          ec2.send(
            new DescribeNetworkInterfacesCommand({
              Filters: [{ Name: 'addresses.private-ip-address', Values: ['10.20.31.17'] }],
            }),
          ),
        ),
    },
    {
      name: 'DescribeNetworkInterfaces group-id',
      run: ({ ec2 }) =>
        result(
          ec2.send(
            new DescribeNetworkInterfacesCommand({
              Filters: [{ Name: 'group-id', Values: [ids.sgDb ?? ''] }],
            }),
          ),
        ),
    },
    {
      name: 'DescribeDBInstances orders-db',
      run: ({ rds }) =>
        result(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db' }))),
    },
    {
      name: 'DescribeDBInstances unknown',
      run: ({ rds }) => result(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' }))),
    },
    {
      name: 'DescribeDBClusters orders-cluster',
      run: ({ rds }) =>
        result(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-cluster' }))),
    },
    {
      name: 'DescribeDBClusters unknown',
      run: ({ rds }) => result(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' }))),
    },
  ];
}

/** Generated values that say nothing about the behaviour: IDs of associations, times, hashes. */
const IGNORED =
  /(AssociationId|Time|Timestamp|CreateTime|RequestId|ResourceId|DbiResourceId|MacAddress|OwnerId|UserId|requestId|LatestRestorableTime|CACertificateIdentifier|CertificateDetails|AttachmentId)$/;

const moto = await startMoto();
try {
  const motoAws = clients(moto.url);
  const { scenario, ids } = await buildInMoto(motoAws);
  const fake = await startFakeAws({ scenario });
  try {
    const fakeAws = clients(fake.url);
    const choose = chooseProbes<Aws>({ vpcId: ids.vpcId ?? '', azIdB: ids.azIdB ?? '' }, result);
    await printDifferences([...probes(ids), ...choose], motoAws, fakeAws, IGNORED);
  } finally {
    await fake.close();
  }
} finally {
  moto.stop();
}
