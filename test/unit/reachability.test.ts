import type {
  AttachmentStatus,
  DescribeEgressOnlyInternetGatewaysCommandOutput,
  DescribeInternetGatewaysCommandOutput,
  DescribeManagedPrefixListsCommandOutput,
  DescribeNatGatewaysCommandOutput,
  DescribeNetworkAclsCommandOutput,
  DescribeRouteTablesCommandOutput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandOutput,
  DescribeVpcAttributeCommandOutput,
  DescribeVpcEndpointsCommandOutput,
  DescribeVpcsCommandOutput,
  EgressOnlyInternetGateway,
  InternetGateway,
  IpPermission,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  Route,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  analyzeNetwork,
  type Ec2EgressOnlyInternetGateway,
  type Ec2InternetGateway,
  type Ec2NatGateway,
  type Ec2RouteTable,
  type Ec2SecurityGroup,
  type Ec2Subnet,
  type Ec2Vpc,
  type Ec2VpcEndpoint,
  LOW_FREE_IPS_THRESHOLD,
  type NetworkAnalysis,
  type NetworkInput,
  serviceShortName,
} from '../../src/core/reachability/analyze.js';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const VPC = 'vpc-0a1b2c3d4e5f67890';
const VPC2 = 'vpc-0fedcba9876543210';
const PRIV_A = 'subnet-0123456789abcdef0';
const PRIV_B = 'subnet-0123456789abcdef1';
const PUB_A = 'subnet-0fedcba9876543210';
const PUB_B = 'subnet-0fedcba9876543211';
const MISSING_SUBNET = 'subnet-0deadbeefdeadbeef';
const RTB_MAIN = 'rtb-0aaaaaaaaaaaaaaa0';
const RTB_PUB = 'rtb-0bbbbbbbbbbbbbbb0';
const RTB_PRIV_A = 'rtb-0ccccccccccccccc0';
const RTB_PRIV_B = 'rtb-0ccccccccccccccc1';
const RTB_ISO = 'rtb-0ddddddddddddddd0';
const NAT_A = 'nat-0123456789abcdef0';
const NAT_B = 'nat-0123456789abcdef1';
const IGW = 'igw-0123456789abcdef0';
const EIGW = 'eigw-0123456789abcdef0';
const TGW = 'tgw-0123456789abcdef0';
const SG = 'sg-0123456789abcdef0';
const SG2 = 'sg-0123456789abcdef1';
const MISSING_SG = 'sg-0deadbeefdeadbeef';
const VPCE_S3 = 'vpce-0123456789abcdef0';
const VPCE_DDB = 'vpce-0123456789abcdef1';
const VPCE_SQS = 'vpce-0123456789abcdef2';
const VPCE_STS = 'vpce-0123456789abcdef3';
const VPCE_KMS = 'vpce-0123456789abcdef4';
const PL_S3 = 'pl-6da54004';
const PL_DDB = 'pl-6fa54006';

// ---------------------------------------------------------------------------------------------
// Fixtures shaped like what DescribeSubnets/RouteTables/... really return, typed with the SDK's
// own types so that handing them to analyzeNetwork also proves structural compatibility.
// ---------------------------------------------------------------------------------------------

function subnet(id: string, az: string, cidr: string, extra: Partial<Subnet> = {}): Subnet {
  return {
    AvailabilityZone: az,
    AvailabilityZoneId: az === 'eu-west-1a' ? 'euw1-az1' : 'euw1-az2',
    AvailableIpAddressCount: 251,
    CidrBlock: cidr,
    DefaultForAz: false,
    MapPublicIpOnLaunch: false,
    MapCustomerOwnedIpOnLaunch: false,
    State: 'available',
    SubnetId: id,
    VpcId: VPC,
    OwnerId: ACCOUNT,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Tags: [{ Key: 'Name', Value: id }],
    SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${id}`,
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
    ...extra,
  };
}

const ipv6Block = (cidr: string): Subnet => ({
  Ipv6CidrBlockAssociationSet: [
    {
      AssociationId: 'subnet-cidr-assoc-0123456789abcdef0',
      Ipv6CidrBlock: cidr,
      Ipv6CidrBlockState: { State: 'associated' },
    },
  ],
  AssignIpv6AddressOnCreation: true,
});

const localRoute: Route = {
  DestinationCidrBlock: '10.0.0.0/16',
  GatewayId: 'local',
  Origin: 'CreateRouteTable',
  State: 'active',
};
const localV6Route: Route = {
  DestinationIpv6CidrBlock: '2001:db8:1234:1a00::/56',
  GatewayId: 'local',
  Origin: 'CreateRouteTable',
  State: 'active',
};
const natRoute = (nat: string, state: Route['State'] = 'active'): Route => ({
  DestinationCidrBlock: '0.0.0.0/0',
  NatGatewayId: nat,
  Origin: 'CreateRoute',
  State: state,
});
const igwRoute: Route = {
  DestinationCidrBlock: '0.0.0.0/0',
  GatewayId: IGW,
  Origin: 'CreateRoute',
  State: 'active',
};
const eigwRoute: Route = {
  DestinationIpv6CidrBlock: '::/0',
  EgressOnlyInternetGatewayId: EIGW,
  Origin: 'CreateRoute',
  State: 'active',
};
const prefixListRoute = (pl: string, vpce: string): Route => ({
  DestinationPrefixListId: pl,
  GatewayId: vpce,
  Origin: 'CreateRoute',
  State: 'active',
});

let assocCounter = 0;
function table(id: string, routes: Route[], subnetIds: string[], main = false, vpcId = VPC): RouteTable {
  const assoc = (subnetId?: string) => ({
    Main: subnetId === undefined,
    RouteTableAssociationId: `rtbassoc-0${(++assocCounter).toString(16).padStart(16, '0')}`,
    RouteTableId: id,
    ...(subnetId ? { SubnetId: subnetId } : {}),
    AssociationState: { State: 'associated' as const },
  });
  return {
    Associations: [...(main ? [assoc()] : []), ...subnetIds.map((s) => assoc(s))],
    PropagatingVgws: [],
    RouteTableId: id,
    Routes: routes,
    Tags: [],
    VpcId: vpcId,
    OwnerId: ACCOUNT,
  };
}

function nat(id: string, subnetId: string, extra: Partial<NatGateway> = {}): NatGateway {
  return {
    CreateTime: new Date('2025-01-01T00:00:00Z'),
    NatGatewayAddresses: [
      {
        AllocationId: 'eipalloc-0123456789abcdef0',
        NetworkInterfaceId: 'eni-0123456789abcdef0',
        PrivateIp: '10.0.101.10',
        PublicIp: '203.0.113.10',
        AssociationId: 'eipassoc-0123456789abcdef0',
        IsPrimary: true,
        Status: 'succeeded',
      },
    ],
    NatGatewayId: id,
    State: 'available',
    SubnetId: subnetId,
    VpcId: VPC,
    Tags: [],
    ConnectivityType: 'public',
    ...extra,
  };
}

const allTraffic: IpPermission = {
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
};
const tcp = (from: number, to: number, dest: Partial<IpPermission>): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
  IpRanges: [],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
  ...dest,
});

function sg(id: string, egress: IpPermission[], name = 'default', vpcId = VPC): SecurityGroup {
  return {
    GroupId: id,
    GroupName: name,
    Description: `${name} group`,
    VpcId: vpcId,
    OwnerId: ACCOUNT,
    SecurityGroupArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${id}`,
    IpPermissions: [],
    IpPermissionsEgress: egress,
    Tags: [],
  };
}

function vpc(id: string, tenancy: Vpc['InstanceTenancy'] = 'default'): Vpc {
  return {
    CidrBlock: '10.0.0.0/16',
    DhcpOptionsId: 'dopt-0123456789abcdef0',
    State: 'available',
    VpcId: id,
    OwnerId: ACCOUNT,
    InstanceTenancy: tenancy,
    CidrBlockAssociationSet: [
      {
        AssociationId: 'vpc-cidr-assoc-0123456789abcdef0',
        CidrBlock: '10.0.0.0/16',
        CidrBlockState: { State: 'associated' },
      },
    ],
    IsDefault: false,
    Tags: [],
  };
}

/** The API answers 'available' in lower case although the SDK's enum says 'Available'. */
const wireState = (s: string) => s as VpcEndpoint['State'];

function gatewayEndpoint(id: string, service: string, routeTableIds: string[]): VpcEndpoint {
  return {
    VpcEndpointId: id,
    VpcEndpointType: 'Gateway',
    VpcId: VPC,
    ServiceName: `com.amazonaws.${REGION}.${service}`,
    State: wireState('available'),
    PolicyDocument:
      '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
    RouteTableIds: routeTableIds,
    SubnetIds: [],
    Groups: [],
    IpAddressType: 'ipv4',
    PrivateDnsEnabled: false,
    RequesterManaged: false,
    NetworkInterfaceIds: [],
    DnsEntries: [],
    CreationTimestamp: new Date('2025-01-01T00:00:00Z'),
    Tags: [],
    OwnerId: ACCOUNT,
  };
}

function interfaceEndpoint(id: string, service: string, privateDns: boolean): VpcEndpoint {
  return {
    VpcEndpointId: id,
    VpcEndpointType: 'Interface',
    VpcId: VPC,
    ServiceName: `com.amazonaws.${REGION}.${service}`,
    State: wireState('available'),
    PolicyDocument: '{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}]}',
    RouteTableIds: [],
    SubnetIds: [PRIV_A, PRIV_B],
    Groups: [{ GroupId: 'sg-0aaaaaaaaaaaaaaa0', GroupName: 'endpoints' }],
    IpAddressType: 'ipv4',
    DnsOptions: { DnsRecordIpType: 'ipv4' },
    PrivateDnsEnabled: privateDns,
    RequesterManaged: false,
    NetworkInterfaceIds: ['eni-0aaaaaaaaaaaaaaa0', 'eni-0aaaaaaaaaaaaaaa1'],
    DnsEntries: [
      { DnsName: `${id}-abcdefgh.${service}.${REGION}.vpce.amazonaws.com`, HostedZoneId: 'Z7K1066E3PUKB' },
    ],
    CreationTimestamp: new Date('2025-01-01T00:00:00Z'),
    Tags: [],
    OwnerId: ACCOUNT,
  };
}

const internetGateway: InternetGateway = {
  // IGWs report 'available' when attached, outside the SDK's AttachmentStatus enum.
  Attachments: [{ State: 'available' as string as AttachmentStatus, VpcId: VPC }],
  InternetGatewayId: IGW,
  OwnerId: ACCOUNT,
  Tags: [],
};

interface World {
  requested: NetworkInput['requested'];
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
  vpcs: Vpc[];
  routeTables: RouteTable[];
  vpcEndpoints: VpcEndpoint[];
  natGateways: NatGateway[];
  internetGateways?: InternetGateway[];
  egressOnlyInternetGateways?: EgressOnlyInternetGateway[];
  networkAcls?: NetworkAcl[];
  prefixLists?: Array<ManagedPrefixList & { Entries?: Array<{ Cidr?: string }> }>;
  vpcAttributes?: Array<{
    VpcId: string;
    EnableDnsSupport: { Value: boolean };
    EnableDnsHostnames: { Value: boolean };
  }>;
  minFreeIps?: number;
}

const aclEntry = (n: number, egress: boolean, action: 'allow' | 'deny', cidr: string): NetworkAclEntry => ({
  RuleNumber: n,
  Egress: egress,
  RuleAction: action,
  Protocol: '-1',
  ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
});

/** The VPC's default network ACL as DescribeNetworkAcls returns it: allow all, both ways, then `*`. */
function defaultAcl(subnetIds: string[], vpcId = VPC): NetworkAcl {
  return {
    NetworkAclId: 'acl-0aaaaaaaaaaaaaaa0',
    VpcId: vpcId,
    IsDefault: true,
    OwnerId: ACCOUNT,
    Entries: [true, false].flatMap((egress) => [
      aclEntry(100, egress, 'allow', '0.0.0.0/0'),
      aclEntry(101, egress, 'allow', '::/0'),
      aclEntry(32767, egress, 'deny', '0.0.0.0/0'),
      aclEntry(32768, egress, 'deny', '::/0'),
    ]),
    Associations: subnetIds.map((SubnetId, i) => ({
      NetworkAclAssociationId: `aclassoc-0${i}`,
      NetworkAclId: 'acl-0aaaaaaaaaaaaaaa0',
      SubnetId,
    })),
    Tags: [],
  };
}

/** The AWS-managed prefix lists of the gateway services, with entries (GetManagedPrefixListEntries). */
const servicePrefixLists = (): NonNullable<World['prefixLists']> => [
  {
    PrefixListId: PL_S3,
    PrefixListName: `com.amazonaws.${REGION}.s3`,
    AddressFamily: 'IPv4',
    OwnerId: 'AWS',
    Entries: [{ Cidr: '3.5.64.0/21' }, { Cidr: '52.218.0.0/17' }, { Cidr: '52.92.0.0/17' }],
  },
  {
    PrefixListId: PL_DDB,
    PrefixListName: `com.amazonaws.${REGION}.dynamodb`,
    AddressFamily: 'IPv4',
    OwnerId: 'AWS',
    Entries: [{ Cidr: '52.94.24.0/23' }, { Cidr: '52.119.240.0/21' }],
  },
];

/** The interface endpoints' group: tcp 443 from the VPC, as the console creates it. */
function endpointGroup(): SecurityGroup {
  return {
    ...sg('sg-0aaaaaaaaaaaaaaa0', [], 'endpoints'),
    IpPermissions: [tcp(443, 443, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] })],
  };
}

/** A healthy VPC: two private subnets in two AZs, each routed to its own NAT in a public subnet. */
function world(): World {
  return {
    requested: { subnetIds: [PRIV_A, PRIV_B], securityGroupIds: [SG], ipv6DualStack: false },
    subnets: [
      subnet(PRIV_A, 'eu-west-1a', '10.0.1.0/24'),
      subnet(PRIV_B, 'eu-west-1b', '10.0.2.0/24'),
      subnet(PUB_A, 'eu-west-1a', '10.0.101.0/24', { MapPublicIpOnLaunch: true }),
      subnet(PUB_B, 'eu-west-1b', '10.0.102.0/24', { MapPublicIpOnLaunch: true }),
    ],
    securityGroups: [sg(SG, [allTraffic]), endpointGroup()],
    vpcs: [vpc(VPC)],
    routeTables: [
      table(RTB_MAIN, [localRoute], [], true),
      table(RTB_PUB, [localRoute, igwRoute], [PUB_A, PUB_B]),
      table(RTB_PRIV_A, [localRoute, natRoute(NAT_A)], [PRIV_A]),
      table(RTB_PRIV_B, [localRoute, natRoute(NAT_B)], [PRIV_B]),
    ],
    vpcEndpoints: [],
    natGateways: [nat(NAT_A, PUB_A), nat(NAT_B, PUB_B)],
    networkAcls: [defaultAcl([PRIV_A, PRIV_B, PUB_A, PUB_B])],
    prefixLists: servicePrefixLists(),
    vpcAttributes: [{ VpcId: VPC, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } }],
  };
}

const run = (w: World): NetworkAnalysis => analyzeNetwork({ region: REGION, ...w });
const rt = (w: World, id: string): RouteTable => {
  const t = w.routeTables.find((x) => x.RouteTableId === id);
  if (!t) throw new Error(`no table ${id}`);
  return t;
};
const withoutTables = (w: World, ...ids: string[]) => {
  w.routeTables = w.routeTables.filter((t) => !ids.includes(t.RouteTableId ?? ''));
};
/** Both private subnets use one isolated table with the given extra routes. */
function isolate(w: World, extraRoutes: Route[] = []): World {
  withoutTables(w, RTB_PRIV_A, RTB_PRIV_B);
  w.routeTables.push(table(RTB_ISO, [localRoute, ...extraRoutes], [PRIV_A, PRIV_B]));
  return w;
}

interface Case {
  name: string;
  setup: (w: World) => World | undefined;
  /** Exact codes, in output order. */
  codes: string[];
  severities?: string[];
  /** Substrings expected in the message of the finding at the same index as in `codes`. */
  messages?: Record<number, string[]>;
  subjects?: Array<string | undefined>;
  internet?: string;
  awsServices?: string;
  /** Stated per case: false exactly when an error finding is expected. */
  ok: boolean;
  check?: (a: NetworkAnalysis) => void;
}

const cases: Case[] = [
  {
    name: 'private subnets with a NAT in two AZs',
    setup: () => undefined,
    codes: [],
    internet: `internet: yes via ${NAT_A}, ${NAT_B}`,
    awsServices: 'AWS services: all via NAT',
    ok: true,
    check: (a) => {
      expect(a.subnets).toEqual([
        {
          id: PRIV_A,
          vpcId: VPC,
          az: 'eu-west-1a',
          cidr: '10.0.1.0/24',
          freeIps: 251,
          routeTableId: RTB_PRIV_A,
          routeTableIsMain: false,
          internet: { kind: 'nat', via: NAT_A, reachable: 'yes' },
          gatewayEndpointServices: [],
        },
        expect.objectContaining({
          id: PRIV_B,
          routeTableId: RTB_PRIV_B,
          internet: expect.objectContaining({ via: NAT_B }),
        }),
      ]);
      expect(a.vpc).toEqual({ id: VPC, cidr: '10.0.0.0/16', tenancy: 'default' });
      expect(a.securityGroups).toEqual([
        { id: SG, name: 'default', vpcId: VPC, egress: 'all traffic', allowsHttps: true },
      ]);
    },
  },
  {
    name: 'public subnets (default route only to an internet gateway)',
    setup: (w) => {
      w.requested.subnetIds = [PUB_A, PUB_B];
      return w;
    },
    codes: ['PUBLIC_SUBNET_NO_INTERNET', 'PUBLIC_SUBNET_NO_INTERNET'],
    severities: ['warning', 'warning'],
    subjects: [PUB_A, PUB_B],
    messages: { 0: [PUB_A, 'public subnet', IGW, RTB_PUB, 'no public IP', 'no internet access'] },
    internet: 'internet: no (public subnet)',
    awsServices: 'AWS services: none (no internet path and no VPC endpoints)',
    ok: true,
    check: (a) => {
      expect(a.subnets[0]?.internet).toEqual({
        kind: 'public-no-internet',
        via: IGW,
        reachable: 'no',
        reason: 'public subnet',
      });
      expect(a.findings[0]?.fix).toContain('NAT gateway');
    },
  },
  {
    name: 'isolated subnets with S3 and DynamoDB gateway endpoints',
    setup: (w) => {
      isolate(w, [prefixListRoute(PL_S3, VPCE_S3), prefixListRoute(PL_DDB, VPCE_DDB)]);
      w.vpcEndpoints = [
        gatewayEndpoint(VPCE_S3, 's3', [RTB_ISO]),
        gatewayEndpoint(VPCE_DDB, 'dynamodb', [RTB_ISO]),
      ];
      return w;
    },
    codes: ['NO_DEFAULT_ROUTE', 'NO_DEFAULT_ROUTE'],
    ok: true,
    subjects: [PRIV_A, PRIV_B],
    messages: {
      0: [
        PRIV_A,
        RTB_ISO,
        'no internet access',
        'through VPC endpoints: dynamodb, s3;',
        'not reachable: sts, secretsmanager, ssm, sqs, sns, kms',
        'CloudWatch Logs',
      ],
    },
    internet: 'internet: no (no default route)',
    awsServices: 'AWS services: dynamodb, s3 via gateway endpoints',
    check: (a) => {
      expect(a.subnets.map((s) => s.gatewayEndpointServices)).toEqual([
        ['dynamodb', 's3'],
        ['dynamodb', 's3'],
      ]);
      expect(a.subnets[0]?.internet.kind).toBe('isolated');
      expect(a.endpoints).toEqual([
        {
          id: VPCE_S3,
          service: 's3',
          type: 'Gateway',
          state: 'available',
          privateDns: false,
          routeTableIds: [RTB_ISO],
        },
        {
          id: VPCE_DDB,
          service: 'dynamodb',
          type: 'Gateway',
          state: 'available',
          privateDns: false,
          routeTableIds: [RTB_ISO],
        },
      ]);
    },
  },
  {
    name: 'gateway endpoint route only in one subnet table applies only to that subnet',
    setup: (w) => {
      withoutTables(w, RTB_PRIV_A, RTB_PRIV_B);
      // The prefix-list route is the truth; RouteTableIds deliberately left empty.
      w.routeTables.push(table(RTB_ISO, [localRoute, prefixListRoute(PL_S3, VPCE_S3)], [PRIV_A]));
      w.vpcEndpoints = [gatewayEndpoint(VPCE_S3, 's3', [])];
      return w; // PRIV_B falls back to the main table: local only
    },
    codes: ['NO_DEFAULT_ROUTE', 'NO_DEFAULT_ROUTE'],
    ok: true,
    messages: {
      0: ['through VPC endpoints: s3;'],
      1: ['through VPC endpoints: none;', 'not reachable: s3, dynamodb'],
    },
    internet: 'internet: no (no default route)',
    awsServices: `AWS services: s3 via gateway endpoint from ${PRIV_A} only`,
  },
  {
    name: 'isolated subnets with interface endpoints using private DNS',
    setup: (w) => {
      isolate(w);
      w.vpcEndpoints = [interfaceEndpoint(VPCE_SQS, 'sqs', true), interfaceEndpoint(VPCE_STS, 'sts', true)];
      return w;
    },
    codes: ['NO_DEFAULT_ROUTE', 'NO_DEFAULT_ROUTE'],
    ok: true,
    messages: {
      0: ['through VPC endpoints: sqs, sts;', 'not reachable: s3, dynamodb, secretsmanager, ssm, sns, kms'],
    },
    awsServices: 'AWS services: sqs, sts via interface endpoints',
  },
  {
    name: 'isolated subnets with an interface endpoint whose private DNS is off',
    setup: (w) => {
      isolate(w);
      w.vpcEndpoints = [interfaceEndpoint(VPCE_SQS, 'sqs', true), interfaceEndpoint(VPCE_KMS, 'kms', false)];
      return w;
    },
    codes: ['NO_DEFAULT_ROUTE', 'NO_DEFAULT_ROUTE', 'ENDPOINT_PRIVATE_DNS_DISABLED'],
    ok: true,
    severities: ['warning', 'warning', 'warning'],
    subjects: [PRIV_A, PRIV_B, VPCE_KMS],
    messages: { 0: ['through VPC endpoints: sqs;', 'kms'], 2: [VPCE_KMS, '(kms)', 'private DNS disabled'] },
    awsServices:
      'AWS services: sqs via interface endpoints; kms via interface endpoints only with their endpoint URL (private DNS off)',
    check: (a) => {
      expect(a.findings[0]?.message).toMatch(/not reachable: .*kms/);
      expect(a.endpoints.find((e) => e.id === VPCE_KMS)).toMatchObject({
        type: 'Interface',
        privateDns: false,
      });
    },
  },
  {
    name: 'interface endpoint without private DNS next to a NAT is only informational',
    setup: (w) => {
      w.vpcEndpoints = [interfaceEndpoint(VPCE_KMS, 'kms', false)];
      return w;
    },
    codes: ['ENDPOINT_PRIVATE_DNS_DISABLED'],
    ok: true,
    severities: ['info'],
    awsServices:
      'AWS services: all via NAT; kms via interface endpoints only with their endpoint URL (private DNS off)',
  },
  {
    name: 'NAT plus S3 gateway endpoint',
    setup: (w) => {
      rt(w, RTB_PRIV_A).Routes?.push(prefixListRoute(PL_S3, VPCE_S3));
      rt(w, RTB_PRIV_B).Routes?.push(prefixListRoute(PL_S3, VPCE_S3));
      w.vpcEndpoints = [gatewayEndpoint(VPCE_S3, 's3', [RTB_PRIV_A, RTB_PRIV_B])];
      return w;
    },
    codes: [],
    ok: true,
    internet: `internet: yes via ${NAT_A}, ${NAT_B}`,
    awsServices: 'AWS services: all via NAT; s3 via gateway endpoints',
  },
  {
    name: 'implicit main-table association: no explicit association, main table routes to the NAT',
    setup: (w) => {
      withoutTables(w, RTB_MAIN, RTB_PRIV_A, RTB_PRIV_B);
      w.routeTables.unshift(table(RTB_MAIN, [localRoute, natRoute(NAT_A)], [], true));
      return w;
    },
    codes: [],
    ok: true,
    internet: `internet: yes via ${NAT_A}`,
    check: (a) => {
      expect(a.subnets.map((s) => [s.routeTableId, s.routeTableIsMain, s.internet.kind])).toEqual([
        [RTB_MAIN, true, 'nat'],
        [RTB_MAIN, true, 'nat'],
      ]);
    },
  },
  {
    name: 'main table isolated, one subnet explicitly associated with a NAT table',
    setup: (w) => {
      withoutTables(w, RTB_PRIV_B);
      return w;
    },
    codes: ['NO_DEFAULT_ROUTE'],
    ok: true,
    subjects: [PRIV_B],
    messages: { 0: [PRIV_B, RTB_MAIN] },
    internet: `internet: depends on the subnet (${PRIV_A}: yes via ${NAT_A}; ${PRIV_B}: no, no default route)`,
    awsServices: `AWS services: all via NAT from ${PRIV_A} only`,
    check: (a) => {
      expect(a.subnets.map((s) => [s.routeTableId, s.routeTableIsMain])).toEqual([
        [RTB_PRIV_A, false],
        [RTB_MAIN, true],
      ]);
    },
  },
  {
    name: 'blackhole NAT route',
    setup: (w) => isolate(w, [natRoute(NAT_A, 'blackhole')]),
    codes: ['BLACKHOLE_ROUTE'],
    ok: true,
    subjects: [RTB_ISO],
    messages: { 0: [RTB_ISO, `${PRIV_A}, ${PRIV_B}`, '0.0.0.0/0', NAT_A, 'no internet access'] },
    internet: `internet: no (blackhole route to ${NAT_A})`,
    check: (a) =>
      expect(a.subnets[0]?.internet).toMatchObject({ kind: 'blackhole', via: NAT_A, reachable: 'no' }),
  },
  {
    name: 'blackhole route to a deleted peering connection (not the default route)',
    setup: (w) => {
      rt(w, RTB_PRIV_B).Routes?.push({
        DestinationCidrBlock: '10.1.0.0/16',
        VpcPeeringConnectionId: 'pcx-0123456789abcdef0',
        Origin: 'CreateRoute',
        State: 'blackhole',
      });
      return w;
    },
    codes: ['BLACKHOLE_ROUTE'],
    ok: true,
    subjects: [RTB_PRIV_B],
    messages: { 0: ['10.1.0.0/16', 'pcx-0123456789abcdef0'] },
    internet: `internet: yes via ${NAT_A}, ${NAT_B}`,
    check: (a) => expect(a.findings[0]?.message).not.toContain('no internet access'),
  },
  {
    name: 'NAT gateway not available (failed)',
    setup: (w) => {
      w.natGateways = [
        nat(NAT_A, PUB_A, { State: 'failed', FailureCode: 'Gateway.NotAttached' }),
        nat(NAT_B, PUB_B),
      ];
      return w;
    },
    codes: ['NAT_NOT_AVAILABLE'],
    ok: true,
    subjects: [NAT_A],
    messages: { 0: [NAT_A, PRIV_A, 'is failed, not available', 'no internet access'] },
    internet: `internet: depends on the subnet (${PRIV_A}: no, ${NAT_A} failed; ${PRIV_B}: yes via ${NAT_B})`,
  },
  {
    name: 'NAT gateway missing from the describe results',
    setup: (w) => {
      w.natGateways = [nat(NAT_B, PUB_B)];
      return w;
    },
    codes: ['NAT_NOT_AVAILABLE'],
    ok: true,
    messages: { 0: [NAT_A, `was not found in ${REGION}`] },
  },
  {
    name: 'NAT gateway in a subnet without an internet-gateway route',
    setup: (w) => {
      // NAT_A sits in a subnet without explicit association: it uses the local-only main table.
      w.natGateways = [nat(NAT_A, 'subnet-0123456789abcdef9'), nat(NAT_B, PUB_B)];
      return w;
    },
    codes: ['NAT_IN_PRIVATE_SUBNET'],
    ok: true,
    subjects: [NAT_A],
    messages: { 0: [NAT_A, 'subnet-0123456789abcdef9', RTB_MAIN, 'no default route to an internet gateway'] },
    internet: `internet: depends on the subnet (${PRIV_A}: no, NAT gateway in a private subnet; ${PRIV_B}: yes via ${NAT_B})`,
  },
  {
    name: 'NAT gateway whose internet gateway is detached (IGWs described)',
    setup: (w) => {
      w.internetGateways = [{ ...internetGateway, Attachments: [] }];
      return w;
    },
    codes: ['NAT_IN_PRIVATE_SUBNET', 'NAT_IN_PRIVATE_SUBNET'],
    ok: true,
  },
  {
    name: 'NAT gateway with an attached internet gateway (IGWs described)',
    setup: (w) => {
      w.internetGateways = [internetGateway];
      return w;
    },
    codes: [],
    ok: true,
  },
  {
    name: 'private NAT gateway',
    setup: (w) => {
      w.natGateways = [
        nat(NAT_A, PUB_A, { ConnectivityType: 'private', NatGatewayAddresses: [] }),
        nat(NAT_B, PUB_B),
      ];
      return w;
    },
    codes: ['NAT_PRIVATE'],
    ok: true,
    subjects: [NAT_A],
  },
  {
    name: 'default route to a transit gateway',
    setup: (w) =>
      isolate(w, [
        { DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: TGW, Origin: 'CreateRoute', State: 'active' },
      ]),
    codes: ['DEFAULT_ROUTE_OTHER', 'DEFAULT_ROUTE_OTHER'],
    ok: true,
    severities: ['info', 'info'],
    internet: `internet: unknown (default route to ${TGW})`,
    awsServices: `AWS services: others depend on ${TGW}`,
  },
  {
    name: 'subnets and security groups in different VPCs',
    setup: (w) => {
      w.subnets[1] = subnet(PRIV_B, 'eu-west-1b', '10.1.2.0/24', { VpcId: VPC2 });
      w.vpcs.push(vpc(VPC2));
      w.requested.securityGroupIds = [SG, SG2];
      w.securityGroups.push(sg(SG2, [allTraffic], 'other', VPC2));
      return w;
    },
    codes: ['MIXED_VPCS'],
    severities: ['error'],
    messages: { 0: ['2 VPCs', `${VPC} (${PRIV_A}, ${SG})`, `${VPC2} (${PRIV_B}, ${SG2})`] },
    ok: false,
  },
  {
    name: 'dedicated tenancy VPC',
    setup: (w) => {
      w.vpcs = [vpc(VPC, 'dedicated')];
      return w;
    },
    codes: ['DEDICATED_TENANCY'],
    severities: ['error'],
    subjects: [VPC],
    messages: { 0: [VPC, 'dedicated'] },
    ok: false,
    check: (a) => expect(a.vpc?.tenancy).toBe('dedicated'),
  },
  {
    name: 'nonexistent subnet and security group IDs, in requested order',
    setup: (w) => {
      w.requested.subnetIds = [PRIV_A, MISSING_SUBNET, PRIV_B];
      w.requested.securityGroupIds = [MISSING_SG, SG];
      return w;
    },
    codes: ['SUBNET_NOT_FOUND', 'SECURITY_GROUP_NOT_FOUND'],
    severities: ['error', 'error'],
    subjects: [MISSING_SUBNET, MISSING_SG],
    messages: { 0: [MISSING_SUBNET, REGION], 1: [MISSING_SG, REGION] },
    ok: false,
    internet: `internet: yes via ${NAT_A}, ${NAT_B}`,
  },
  {
    name: 'nothing found at all',
    setup: (w) => {
      w.requested = { subnetIds: [MISSING_SUBNET], securityGroupIds: [MISSING_SG], ipv6DualStack: false };
      return w;
    },
    codes: ['SUBNET_NOT_FOUND', 'SECURITY_GROUP_NOT_FOUND'],
    ok: false,
    internet: 'internet: unknown (no subnet found)',
    awsServices: 'AWS services: unknown (no subnet found)',
    check: (a) => expect(a.vpc).toBeUndefined(),
  },
  {
    name: 'all subnets in one Availability Zone',
    setup: (w) => {
      w.subnets[1] = subnet(PRIV_B, 'eu-west-1a', '10.0.2.0/24');
      return w;
    },
    codes: ['SINGLE_AZ'],
    ok: true,
    severities: ['warning'],
    subjects: [undefined],
    messages: { 0: ['eu-west-1a', 'Lambda.5'] },
  },
  {
    name: 'a single subnet is a single AZ too',
    setup: (w) => {
      w.requested.subnetIds = [PRIV_B];
      return w;
    },
    codes: ['SINGLE_AZ'],
    ok: true,
    messages: { 0: ['eu-west-1b'] },
  },
  {
    name: 'low free IP addresses (threshold boundary)',
    setup: (w) => {
      w.subnets[0] = subnet(PRIV_A, 'eu-west-1a', '10.0.1.0/28', {
        AvailableIpAddressCount: LOW_FREE_IPS_THRESHOLD,
      });
      w.subnets[1] = subnet(PRIV_B, 'eu-west-1b', '10.0.2.0/28', { AvailableIpAddressCount: 7 });
      return w;
    },
    codes: ['LOW_FREE_IPS'],
    ok: true,
    subjects: [PRIV_B],
    messages: { 0: [PRIV_B, 'only 7 free IP addresses', 'SubnetOutOfIPAddresses'] },
  },
  {
    name: 'low free IP addresses with a custom threshold',
    setup: (w) => {
      w.minFreeIps = 300;
      return w;
    },
    codes: ['LOW_FREE_IPS', 'LOW_FREE_IPS'],
    ok: true,
    messages: { 0: ['only 251 free IP addresses', 'fewer than 300'] },
  },
  {
    name: 'security group with no egress rules',
    setup: (w) => {
      w.securityGroups = [sg(SG, [], 'locked')];
      return w;
    },
    codes: ['SG_NO_EGRESS'],
    ok: true,
    subjects: [SG],
    messages: { 0: [`Security group ${SG} has no outbound rules`] },
    internet: 'internet: no (security groups allow no outbound traffic)',
    awsServices: 'AWS services: none (security groups allow no outbound traffic)',
    check: (a) => expect(a.securityGroups[0]).toMatchObject({ egress: 'none', allowsHttps: false }),
  },
  {
    name: 'security group allowing only tcp 80',
    setup: (w) => {
      w.securityGroups = [sg(SG, [tcp(80, 80, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] })], 'web')];
      return w;
    },
    codes: ['SG_NO_HTTPS_EGRESS'],
    ok: true,
    subjects: [SG],
    messages: { 0: [SG, 'tcp 80 to 0.0.0.0/0', 'not HTTPS (tcp 443)'] },
    check: (a) =>
      expect(a.securityGroups[0]).toMatchObject({ egress: 'tcp 80 to 0.0.0.0/0', allowsHttps: false }),
  },
  {
    name: 'security group allowing all traffic',
    setup: (w) => {
      w.securityGroups = [sg(SG, [{ ...allTraffic, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }])];
      return w;
    },
    codes: [],
    ok: true,
    check: (a) => expect(a.securityGroups[0]).toMatchObject({ egress: 'all traffic', allowsHttps: true }),
  },
  {
    name: 'security group with separate IPv4 and IPv6 all-traffic rules says "all traffic" once',
    setup: (w) => {
      w.securityGroups = [sg(SG, [allTraffic, { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }])];
      return w;
    },
    codes: [],
    ok: true,
    check: (a) => expect(a.securityGroups[0]).toMatchObject({ egress: 'all traffic', allowsHttps: true }),
  },
  {
    name: 'security group allowing a tcp port range that covers 443 (numeric protocol)',
    setup: (w) => {
      w.securityGroups = [
        sg(SG, [{ ...tcp(400, 500, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] }), IpProtocol: '6' }]),
      ];
      return w;
    },
    codes: [],
    ok: true,
    check: (a) => expect(a.securityGroups[0]?.egress).toBe('tcp 400-500 to 0.0.0.0/0'),
  },
  {
    name: 'security group allowing 443 only to the S3 prefix list',
    setup: (w) => {
      w.securityGroups = [sg(SG, [tcp(443, 443, { PrefixListIds: [{ PrefixListId: PL_S3 }] })], 's3-only')];
      return w;
    },
    codes: ['SG_HTTPS_EGRESS_LIMITED'],
    ok: true,
    severities: ['info'],
    messages: { 0: [PL_S3, 'not to 0.0.0.0/0'] },
    check: (a) =>
      expect(a.securityGroups[0]).toMatchObject({ egress: `tcp 443 to ${PL_S3}`, allowsHttps: true }),
  },
  {
    name: 'egress rules combine across groups: one empty group plus one open group is fine',
    setup: (w) => {
      w.requested.securityGroupIds = [SG2, SG];
      w.securityGroups.push(sg(SG2, [], 'identity'));
      return w;
    },
    codes: [],
    ok: true,
    check: (a) =>
      expect(a.securityGroups.map((g) => [g.id, g.egress])).toEqual([
        [SG2, 'none'],
        [SG, 'all traffic'],
      ]),
  },
  {
    name: 'several groups, none with egress',
    setup: (w) => {
      w.requested.securityGroupIds = [SG, SG2];
      w.securityGroups = [sg(SG, []), sg(SG2, [], 'identity')];
      return w;
    },
    codes: ['SG_NO_EGRESS'],
    ok: true,
    subjects: [undefined],
    messages: { 0: [`None of the security groups (${SG}, ${SG2})`] },
  },
  {
    name: 'IPv6 dual-stack with a ::/0 route to an egress-only internet gateway',
    setup: (w) => {
      w.requested.ipv6DualStack = true;
      w.subnets[0] = subnet(PRIV_A, 'eu-west-1a', '10.0.1.0/24', ipv6Block('2001:db8:1234:1a00::/64'));
      w.subnets[1] = subnet(PRIV_B, 'eu-west-1b', '10.0.2.0/24', ipv6Block('2001:db8:1234:1a01::/64'));
      rt(w, RTB_PRIV_A).Routes?.push(localV6Route, eigwRoute);
      rt(w, RTB_PRIV_B).Routes?.push(localV6Route, eigwRoute);
      w.egressOnlyInternetGateways = [
        { Attachments: [{ State: 'attached', VpcId: VPC }], EgressOnlyInternetGatewayId: EIGW, Tags: [] },
      ];
      return w;
    },
    codes: [],
    ok: true,
  },
  {
    name: 'IPv6 dual-stack without a ::/0 route (one subnet), ::/0 to an IGW (other)',
    setup: (w) => {
      w.requested.ipv6DualStack = true;
      w.subnets[0] = subnet(PRIV_A, 'eu-west-1a', '10.0.1.0/24', ipv6Block('2001:db8:1234:1a00::/64'));
      w.subnets[1] = subnet(PRIV_B, 'eu-west-1b', '10.0.2.0/24', ipv6Block('2001:db8:1234:1a01::/64'));
      rt(w, RTB_PRIV_B).Routes?.push({
        DestinationIpv6CidrBlock: '::/0',
        GatewayId: IGW,
        Origin: 'CreateRoute',
        State: 'active',
      });
      return w;
    },
    codes: ['IPV6_NO_EGRESS_ROUTE', 'IPV6_NO_EGRESS_ROUTE'],
    ok: true,
    subjects: [PRIV_A, PRIV_B],
    messages: {
      0: [RTB_PRIV_A, PRIV_A, 'has no ::/0 route', 'no IPv6 egress'],
      1: [`sends ::/0 to ${IGW}, not to an egress-only internet gateway`],
    },
  },
  {
    name: 'IPv6 dual-stack in a subnet without an IPv6 CIDR',
    setup: (w) => {
      w.requested.ipv6DualStack = true;
      w.requested.subnetIds = [PRIV_A];
      return w;
    },
    codes: ['SINGLE_AZ', 'IPV6_SUBNET_NO_CIDR'],
    ok: true,
    subjects: [undefined, PRIV_A],
  },
  {
    name: 'IPv6 not requested: no IPv6 checks',
    setup: () => undefined,
    codes: [],
    ok: true,
    check: (a) => expect(a.findings.some((f) => f.code.startsWith('IPV6'))).toBe(false),
  },
  {
    name: 'order: global findings first, then by requested order, then by code',
    setup: (w) => {
      w.requested.subnetIds = [PUB_B, MISSING_SUBNET, PRIV_A];
      w.subnets[3] = subnet(PUB_B, 'eu-west-1a', '10.0.102.0/24', { AvailableIpAddressCount: 3 });
      w.securityGroups = [sg(SG, [])];
      return w;
    },
    codes: ['SINGLE_AZ', 'LOW_FREE_IPS', 'PUBLIC_SUBNET_NO_INTERNET', 'SUBNET_NOT_FOUND', 'SG_NO_EGRESS'],
    ok: false,
    subjects: [undefined, PUB_B, PUB_B, MISSING_SUBNET, SG],
  },
];

describe('analyzeNetwork', () => {
  it.each(cases)('$name', (c) => {
    const w = world();
    const a = run(c.setup(w) ?? w);
    expect(a.findings.map((f) => f.code)).toEqual(c.codes);
    if (c.severities) expect(a.findings.map((f) => f.severity)).toEqual(c.severities);
    if (c.subjects) expect(a.findings.map((f) => f.subject)).toEqual(c.subjects);
    for (const [i, parts] of Object.entries(c.messages ?? {})) {
      const message = a.findings[Number(i)]?.message ?? '';
      for (const p of parts) expect(message).toContain(p);
    }
    if (c.internet !== undefined) expect(a.verdict.internet.text).toBe(c.internet);
    // The line's first word, as data: what a script reads instead of parsing the text.
    const word = /^internet: (yes|no|unknown|depends on the subnet|not checked)/.exec(
      a.verdict.internet.text,
    )?.[1];
    const reachable = word === 'depends on the subnet' ? 'mixed' : word === 'not checked' ? 'unknown' : word;
    expect(a.verdict.internet.reachable).toBe(reachable);
    if (c.awsServices !== undefined) expect(a.verdict.awsServices.text).toBe(c.awsServices);
    expect(a.ok).toBe(c.ok);
    for (const f of a.findings) {
      expect(f.message.length).toBeGreaterThan(10);
      if (f.severity !== 'info') expect(f.fix, f.code).toBeTruthy();
    }
    c.check?.(a);
  });

  it('is deterministic whatever the order of the describe results', () => {
    const w = world();
    w.requested.subnetIds = [PUB_B, PRIV_A, PRIV_B];
    w.securityGroups = [sg(SG, [tcp(80, 80, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] })])];
    w.natGateways = [nat(NAT_A, PUB_A, { State: 'pending' }), nat(NAT_B, PUB_B)];
    const a = run(w);
    const r = world();
    Object.assign(r, w, {
      subnets: [...w.subnets].reverse(),
      routeTables: [...w.routeTables].reverse(),
      natGateways: [...w.natGateways].reverse(),
    });
    expect(run(r)).toEqual(a);
    expect(a.findings.map((f) => f.code)).toEqual([
      'PUBLIC_SUBNET_NO_INTERNET',
      'NAT_NOT_AVAILABLE',
      'SG_NO_HTTPS_EGRESS',
    ]);
    expect(a.findings[1]?.message).toContain('is pending');
  });

  it('ignores a disassociated explicit association and falls back to the main table', () => {
    const w = world();
    const assoc = rt(w, RTB_PRIV_A).Associations?.[0];
    if (!assoc) throw new Error('fixture');
    assoc.AssociationState = { State: 'disassociated' };
    const a = run(w);
    expect(a.subnets[0]).toMatchObject({ routeTableId: RTB_MAIN, routeTableIsMain: true });
    expect(a.findings.map((f) => f.code)).toEqual(['NO_DEFAULT_ROUTE']);
  });

  it('reports a missing route table instead of guessing', () => {
    const w = world();
    w.routeTables = [];
    const a = run(w);
    expect(a.findings.map((f) => f.code)).toEqual(['ROUTE_TABLE_NOT_FOUND', 'ROUTE_TABLE_NOT_FOUND']);
    expect(a.subnets[0]?.internet).toMatchObject({ kind: 'unknown', reachable: 'unknown' });
    expect(a.verdict.internet.text).toBe('internet: unknown (route table unknown)');
  });

  it('ignores endpoints that are not available and says so', () => {
    const w = isolate(world());
    w.vpcEndpoints = [{ ...interfaceEndpoint(VPCE_SQS, 'sqs', true), State: wireState('pending') }];
    const a = run(w);
    expect(a.findings.map((f) => f.code)).toEqual([
      'NO_DEFAULT_ROUTE',
      'NO_DEFAULT_ROUTE',
      'ENDPOINT_NOT_AVAILABLE',
    ]);
    expect(a.findings[0]?.message).toContain('through VPC endpoints: none;');
    expect(a.verdict.awsServices.text).toBe('AWS services: none (no internet path and no VPC endpoints)');
  });

  it('accepts the SDK enum spelling of the endpoint state', () => {
    const w = isolate(world(), [prefixListRoute(PL_S3, VPCE_S3)]);
    w.vpcEndpoints = [{ ...gatewayEndpoint(VPCE_S3, 's3', [RTB_ISO]), State: 'Available' }];
    expect(run(w).verdict.awsServices.text).toBe('AWS services: s3 via gateway endpoints');
  });
});

describe('serviceShortName', () => {
  it.each([
    ['com.amazonaws.eu-west-1.s3', 's3'],
    ['com.amazonaws.eu-west-1.ecr.dkr', 'ecr.dkr'],
    ['com.amazonaws.us-gov-west-1.sts', 'sts'],
    ['com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0', 'vpce-svc-0123456789abcdef0'],
    ['aws.sagemaker.eu-west-1.notebook', 'notebook'],
    ['com.amazonaws.s3-global.accesspoint', 'com.amazonaws.s3-global.accesspoint'],
    [undefined, 'unknown'],
  ])('%s → %s', (name, short) => {
    expect(serviceShortName(name, REGION)).toBe(short);
  });
});

describe('type compatibility with @aws-sdk/client-ec2', () => {
  it('accepts the SDK output shapes directly', () => {
    expectTypeOf<Subnet>().toExtend<Ec2Subnet>();
    expectTypeOf<SecurityGroup>().toExtend<Ec2SecurityGroup>();
    expectTypeOf<Vpc>().toExtend<Ec2Vpc>();
    expectTypeOf<RouteTable>().toExtend<Ec2RouteTable>();
    expectTypeOf<VpcEndpoint>().toExtend<Ec2VpcEndpoint>();
    expectTypeOf<NatGateway>().toExtend<Ec2NatGateway>();
    expectTypeOf<InternetGateway>().toExtend<Ec2InternetGateway>();
    expectTypeOf<EgressOnlyInternetGateway>().toExtend<Ec2EgressOnlyInternetGateway>();

    // What the caller really does with the command outputs.
    const fromSdk = (o: {
      subnets: DescribeSubnetsCommandOutput;
      groups: DescribeSecurityGroupsCommandOutput;
      vpcs: DescribeVpcsCommandOutput;
      tables: DescribeRouteTablesCommandOutput;
      endpoints: DescribeVpcEndpointsCommandOutput;
      nats: DescribeNatGatewaysCommandOutput;
      igws: DescribeInternetGatewaysCommandOutput;
      eigws: DescribeEgressOnlyInternetGatewaysCommandOutput;
      acls: DescribeNetworkAclsCommandOutput;
      lists: DescribeManagedPrefixListsCommandOutput;
      dns: DescribeVpcAttributeCommandOutput[];
    }): NetworkAnalysis =>
      analyzeNetwork({
        requested: { subnetIds: [PRIV_A], securityGroupIds: [SG], ipv6DualStack: false },
        region: REGION,
        subnets: o.subnets.Subnets ?? [],
        securityGroups: o.groups.SecurityGroups ?? [],
        vpcs: o.vpcs.Vpcs ?? [],
        routeTables: o.tables.RouteTables ?? [],
        vpcEndpoints: o.endpoints.VpcEndpoints ?? [],
        natGateways: o.nats.NatGateways ?? [],
        internetGateways: o.igws.InternetGateways,
        egressOnlyInternetGateways: o.eigws.EgressOnlyInternetGateways,
        networkAcls: o.acls.NetworkAcls ?? [],
        prefixLists: o.lists.PrefixLists ?? [],
        vpcAttributes: o.dns,
      });
    const meta = { $metadata: {} };
    const w = world();
    const a = fromSdk({
      subnets: { ...meta, Subnets: w.subnets },
      groups: { ...meta, SecurityGroups: w.securityGroups },
      vpcs: { ...meta, Vpcs: w.vpcs },
      tables: { ...meta, RouteTables: w.routeTables },
      endpoints: { ...meta, VpcEndpoints: w.vpcEndpoints },
      nats: { ...meta, NatGateways: w.natGateways },
      igws: { ...meta, InternetGateways: [internetGateway] },
      eigws: { ...meta },
      acls: { ...meta, NetworkAcls: w.networkAcls },
      lists: { ...meta, PrefixLists: w.prefixLists },
      // One call per attribute; the workflow merges the two answers per VPC.
      dns: [{ ...meta, VpcId: VPC, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } }],
    });
    expect(a.verdict.internet.text).toBe(`internet: yes via ${NAT_A}`);
    expect(a.findings.map((f) => f.code)).toEqual(['SINGLE_AZ']);
  });
});
