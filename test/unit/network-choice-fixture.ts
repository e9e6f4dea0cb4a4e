/**
 * VPCs for the subnet chooser's tables, built from EC2's own describe shapes
 * (@aws-sdk/client-ec2), so that the chooser is handed what describeNetwork returns.
 *
 *   vpc-0c0c 10.0.0.0/16 in eu-west-1, DNS support and hostnames on, one default ACL (allow all)
 *   ├─ rtb-main   local only (a subnet without an association is isolated)
 *   ├─ rtb-pub    local, 0.0.0.0/0 → igw (attached)
 *   ├─ rtb-nat    local, 0.0.0.0/0 → nat (available, in the public subnet PUB_A of eu-west-1a,
 *   │             10.0.1.0/24; baseNet(false) has neither)
 *   └─ rtb-iso    local, pl-s3 → vpce-s3 once withS3Gateway() adds the gateway endpoint
 *   sg-fn: egress all traffic to 0.0.0.0/0; sg-ep (an interface endpoint's): tcp 443 from sg-fn
 * Subnets are added one by one with the table they use; each gets its own /24.
 */

import type {
  AttachmentStatus,
  DescribeVpcAttributeResult,
  InternetGateway,
  IpPermission,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  PrefixListEntry,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const VPC = 'vpc-0c0c0c0c0c0c0c0c1';
export const OTHER_VPC = 'vpc-0c0c0c0c0c0c0c0c9';

export const SG_FN = 'sg-0c0c0c0c0c0c0fn01';
export const SG_OTHER = 'sg-0c0c0c0c0c0c0fn02';
export const SG_EP = 'sg-0c0c0c0c0c0c0ep01';

export const RTB_MAIN = 'rtb-0c0c0c0c0c0c0main';
export const RTB_PUB = 'rtb-0c0c0c0c0c0c0pub1';
export const RTB_NAT = 'rtb-0c0c0c0c0c0c0nat1';
export const RTB_ISO = 'rtb-0c0c0c0c0c0c0iso1';
export const ACL = 'acl-0c0c0c0c0c0c0def1';
export const IGW = 'igw-0c0c0c0c0c0c0c0c1';
export const NAT = 'nat-0c0c0c0c0c0c0c0c1';
export const TGW = 'tgw-0c0c0c0c0c0c0c0c1';
export const VPCE_S3 = 'vpce-0c0c0c0c0c0c0s301';
export const VPCE_SECRETS = 'vpce-0c0c0c0c0c0sec01';
export const PL_S3 = 'pl-6da54004';

/** The public subnet that holds the NAT gateway. */
export const PUB_A = 'subnet-0c0c0c0c0c0c0a001';

export type Table = 'public' | 'nat' | 'isolated' | 'main';

/** An Availability Zone of eu-west-1 by its letter: name and ID (the mapping is per account). */
export const az = (letter: string) => ({
  name: `${REGION}${letter}`,
  id: `euw1-az${letter.charCodeAt(0) - 96}`,
});

/** A network as describeNetwork returns it for the chooser (no `requested`, no `region`). */
export interface Net {
  vpcs: Vpc[];
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
  routeTables: RouteTable[];
  networkAcls: NetworkAcl[];
  prefixLists: Array<ManagedPrefixList & { Entries?: PrefixListEntry[] | undefined }>;
  natGateways: NatGateway[];
  vpcEndpoints: VpcEndpoint[];
  networkInterfaces: NetworkInterface[];
  vpcAttributes: DescribeVpcAttributeResult[];
  internetGateways: InternetGateway[];
  egressOnlyInternetGateways: [];
  deniedReads: string[];
}

const perm = (p: IpPermission): IpPermission => ({
  IpRanges: [],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
  ...p,
});
export const egressAll = (): IpPermission => perm({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
export const https = (p: IpPermission): IpPermission =>
  perm({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...p });

const group = (GroupId: string, ingress: IpPermission[], egress: IpPermission[]): SecurityGroup => ({
  GroupId,
  GroupName: GroupId.slice(-4),
  Description: GroupId,
  VpcId: VPC,
  OwnerId: ACCOUNT,
  IpPermissions: ingress,
  IpPermissionsEgress: egress,
});

const local = {
  DestinationCidrBlock: '10.0.0.0/16',
  GatewayId: 'local',
  Origin: 'CreateRouteTable' as const,
  State: 'active' as const,
};
const table = (RouteTableId: string, routes: RouteTable['Routes'], main = false): RouteTable => ({
  RouteTableId,
  VpcId: VPC,
  OwnerId: ACCOUNT,
  Routes: [local, ...(routes ?? [])],
  Associations: main
    ? [
        {
          Main: true,
          RouteTableId,
          RouteTableAssociationId: `rtbassoc-${RouteTableId.slice(-4)}main`,
          AssociationState: { State: 'associated' },
        },
      ]
    : [],
});
const defaultRoute = (target: Record<string, string>) => ({
  DestinationCidrBlock: '0.0.0.0/0',
  Origin: 'CreateRoute' as const,
  State: 'active' as const,
  ...target,
});

const entry = (RuleNumber: number, Egress: boolean, RuleAction: 'allow' | 'deny'): NetworkAclEntry => ({
  RuleNumber,
  Egress,
  RuleAction,
  Protocol: '-1',
  CidrBlock: '0.0.0.0/0',
});

/**
 * The VPC with its tables and groups and, unless `withNat` is false, the NAT gateway in its
 * public subnet of eu-west-1a (without it, nothing in the VPC reaches the internet).
 */
export function baseNet(withNat = true): Net {
  const net: Net = {
    vpcs: [
      { VpcId: VPC, CidrBlock: '10.0.0.0/16', InstanceTenancy: 'default', State: 'available' },
      { VpcId: OTHER_VPC, CidrBlock: '10.9.0.0/16', InstanceTenancy: 'default', State: 'available' },
    ],
    subnets: [],
    securityGroups: [
      group(SG_FN, [], [egressAll()]),
      group(SG_OTHER, [], [egressAll()]),
      group(SG_EP, [https({ UserIdGroupPairs: [{ GroupId: SG_FN, UserId: ACCOUNT }] })], []),
    ],
    routeTables: [
      table(RTB_MAIN, [], true),
      table(RTB_PUB, [defaultRoute({ GatewayId: IGW })]),
      table(RTB_NAT, [defaultRoute({ NatGatewayId: NAT })]),
      table(RTB_ISO, []),
    ],
    networkAcls: [
      {
        NetworkAclId: ACL,
        VpcId: VPC,
        IsDefault: true,
        OwnerId: ACCOUNT,
        Entries: [true, false].flatMap((egress) => [
          entry(100, egress, 'allow'),
          entry(32767, egress, 'deny'),
        ]),
        Associations: [],
        Tags: [],
      },
    ],
    prefixLists: [
      {
        PrefixListId: PL_S3,
        AddressFamily: 'IPv4',
        State: 'create-complete',
        PrefixListName: `com.amazonaws.${REGION}.s3`,
        OwnerId: 'AWS',
        Entries: [{ Cidr: '3.5.64.0/21' }, { Cidr: '52.218.0.0/17' }, { Cidr: '52.92.0.0/17' }],
      },
    ],
    natGateways: [
      {
        NatGatewayId: NAT,
        SubnetId: PUB_A,
        VpcId: VPC,
        State: 'available',
        ConnectivityType: 'public',
        AvailabilityMode: 'zonal',
        NatGatewayAddresses: [
          { AllocationId: 'eipalloc-0c01', PublicIp: '203.0.113.10', PrivateIp: '10.0.1.5' },
        ],
      },
    ],
    vpcEndpoints: [],
    networkInterfaces: [],
    vpcAttributes: [{ VpcId: VPC, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } }],
    internetGateways: [
      {
        InternetGatewayId: IGW,
        OwnerId: ACCOUNT,
        // The API answers 'available' for an attached internet gateway, outside the SDK's enum.
        Attachments: [{ VpcId: VPC, State: 'available' as string as AttachmentStatus }],
      },
    ],
    egressOnlyInternetGateways: [],
    deniedReads: [],
  };
  if (!withNat) net.natGateways = [];
  return withNat ? addSubnet(net, PUB_A, { az: 'a', table: 'public' }) : net;
}

export interface SubnetSpec {
  /** The AZ's letter in eu-west-1 ('a'), or a whole name for made-up regions of many AZs. */
  az: string;
  table: Table;
  free?: number;
  state?: Subnet['State'];
  /** The state of an IPv6 CIDR association, when the subnet has one. */
  ipv6?: 'associated' | 'disassociated';
  vpcId?: string;
}

/** Adds a subnet (listed last) that uses `table`: the main one implicitly, the others by association. */
export function addSubnet(net: Net, id: string, spec: SubnetSpec): Net {
  const zone = spec.az.length === 1 ? az(spec.az) : { name: spec.az, id: `${spec.az}-id` };
  const ordinal = net.subnets.length + 1;
  net.subnets.push({
    SubnetId: id,
    VpcId: spec.vpcId ?? VPC,
    AvailabilityZone: zone.name,
    AvailabilityZoneId: zone.id,
    CidrBlock: `${(spec.vpcId ?? VPC) === VPC ? '10.0' : '10.9'}.${ordinal}.0/24`,
    AvailableIpAddressCount: spec.free ?? 250,
    State: spec.state ?? 'available',
    DefaultForAz: false,
    MapPublicIpOnLaunch: false,
    OwnerId: ACCOUNT,
    SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${id}`,
    Ipv6CidrBlockAssociationSet: spec.ipv6
      ? [
          {
            AssociationId: `subnet-cidr-assoc-${id.slice(-4)}`,
            Ipv6CidrBlock: `2600:1f18:abcd:12${ordinal.toString(16).padStart(2, '0')}::/64`,
            Ipv6CidrBlockState: { State: spec.ipv6 },
          },
        ]
      : [],
  });
  const tableId = { public: RTB_PUB, nat: RTB_NAT, isolated: RTB_ISO, main: undefined }[spec.table];
  const rtb = net.routeTables.find((t) => t.RouteTableId === tableId);
  rtb?.Associations?.push({
    Main: false,
    SubnetId: id,
    RouteTableId: tableId,
    RouteTableAssociationId: `rtbassoc-${tableId?.slice(-4)}${id.slice(-4)}`,
    AssociationState: { State: 'associated' },
  });
  if ((spec.vpcId ?? VPC) === VPC) {
    net.networkAcls[0]?.Associations?.push({
      NetworkAclAssociationId: `aclassoc-${id.slice(-6)}`,
      NetworkAclId: ACL,
      SubnetId: id,
    });
  }
  return net;
}

export const tableOf = (net: Net, id: string): RouteTable => {
  const t = net.routeTables.find((x) => x.RouteTableId === id);
  if (!t) throw new Error(`no table ${id}`);
  return t;
};

export const groupOf = (net: Net, id: string): SecurityGroup => {
  const g = net.securityGroups.find((x) => x.GroupId === id);
  if (!g) throw new Error(`no group ${id}`);
  return g;
};

/** The S3 gateway endpoint, routed from rtb-iso (a prefix-list route). */
export function withS3Gateway(net: Net): Net {
  tableOf(net, RTB_ISO).Routes?.push({
    DestinationPrefixListId: PL_S3,
    GatewayId: VPCE_S3,
    Origin: 'CreateRoute',
    State: 'active',
  });
  net.vpcEndpoints.push({
    VpcEndpointId: VPCE_S3,
    VpcEndpointType: 'Gateway',
    VpcId: VPC,
    ServiceName: `com.amazonaws.${REGION}.s3`,
    // The API answers endpoint states in lower case although the SDK's enum says 'Available'.
    State: 'available' as VpcEndpoint['State'],
    RouteTableIds: [RTB_ISO],
    SubnetIds: [],
    Groups: [],
    PrivateDnsEnabled: false,
    NetworkInterfaceIds: [],
  });
  return net;
}

/** A Secrets Manager interface endpoint with private DNS, one interface (in sg-ep) per subnet. */
export function withSecretsEndpoint(net: Net, subnetIds: string[]): Net {
  const enis = subnetIds.map((subnetId, i) => {
    const s = net.subnets.find((x) => x.SubnetId === subnetId);
    const ip = (s?.CidrBlock ?? '10.0.0.0/24').replace(/\.0\/24$/, '.10');
    const id = `eni-0c0c0c0c0c0csec0${i}`;
    return {
      NetworkInterfaceId: id,
      SubnetId: subnetId,
      VpcId: VPC,
      AvailabilityZone: s?.AvailabilityZone,
      PrivateIpAddress: ip,
      PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
      Ipv6Addresses: [],
      Groups: [{ GroupId: SG_EP, GroupName: 'ep01' }],
      InterfaceType: 'vpc_endpoint',
      RequesterManaged: true,
      Status: 'in-use',
      OwnerId: ACCOUNT,
      Description: `VPC Endpoint Interface ${VPCE_SECRETS}`,
    } satisfies NetworkInterface;
  });
  net.networkInterfaces.push(...enis);
  net.vpcEndpoints.push({
    VpcEndpointId: VPCE_SECRETS,
    VpcEndpointType: 'Interface',
    VpcId: VPC,
    ServiceName: `com.amazonaws.${REGION}.secretsmanager`,
    State: 'available' as VpcEndpoint['State'],
    RouteTableIds: [],
    SubnetIds: subnetIds,
    Groups: [{ GroupId: SG_EP, GroupName: 'ep01' }],
    PrivateDnsEnabled: true,
    NetworkInterfaceIds: enis.map((e) => e.NetworkInterfaceId),
    DnsEntries: [{ DnsName: `${VPCE_SECRETS}.secretsmanager.${REGION}.vpce.amazonaws.com` }],
  });
  return net;
}

/** Subnet IDs that sort in the order of `n` (17 hex digits, as EC2 makes them). */
export const subnetId = (prefix: string, n: number) =>
  `subnet-0${prefix}${n.toString(16).padStart(16 - prefix.length, '0')}`;
