/**
 * One VPC as EC2 describes it, typed with @aws-sdk/client-ec2's own output shapes so that
 * handing it to tracePaths also proves the engine takes the SDK's results as they are.
 *
 *   vpc-0a1b 10.0.0.0/16, 2600:1f18:abcd:1200::/56
 *   ├─ subnet fn-a 10.0.1.0/24 (+ IPv6 /64)   ─┐ rtb-fn: local, 0.0.0.0/0 → nat, ::/0 → eigw,
 *   ├─ subnet fn-b 10.0.2.0/24                 ─┘        pl-s3 → vpce-s3 (gateway)
 *   ├─ subnet db   10.0.10.0/24  eni-db 10.0.10.25 (sg-db: tcp 5432 from sg-fn)
 *   ├─ subnet ep   10.0.20.0/24  eni-sqs 10.0.20.10 (vpce-sqs, sg-ep: tcp 443 from 10.0.0.0/16)
 *   └─ subnet pub  10.0.100.0/24 nat (public, available); rtb-pub: 0.0.0.0/0 → igw
 *   main table: local only. Every subnet uses the default ACL (allow all, IPv4 and IPv6).
 */

import type {
  AttachmentStatus,
  DescribeVpcAttributeResult,
  EgressOnlyInternetGateway,
  GetManagedPrefixListEntriesResult,
  InternetGateway,
  IpPermission,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  PrefixListEntry,
  Route,
  RouteTable,
  SecurityGroup,
  Subnet,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type { Target, TargetVerdict, TraceInput } from '../../src/core/reachability/path/index.js';
import { tracePaths } from '../../src/core/reachability/path/index.js';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const VPC = 'vpc-0a1b2c3d4e5f67890';
export const FN_A = 'subnet-0aaaaaaaaaaaaaaa1';
export const FN_B = 'subnet-0aaaaaaaaaaaaaaa2';
export const DB = 'subnet-0dddddddddddddd01';
export const EP = 'subnet-0eeeeeeeeeeeeee01';
export const PUB = 'subnet-0ppppppppppppp001';
export const RTB_MAIN = 'rtb-0000000000000main';
export const RTB_FN = 'rtb-00000000000000fn1';
export const RTB_PUB = 'rtb-0000000000000pub1';
export const ACL = 'acl-0000000000000def1';
export const NAT = 'nat-0123456789abcdef0';
export const IGW = 'igw-0123456789abcdef0';
export const EIGW = 'eigw-0123456789abcdef0';
export const SG_FN = 'sg-0000000000000fn01';
export const SG_DB = 'sg-0000000000000db01';
export const SG_EP = 'sg-0000000000000ep01';
export const VPCE_S3 = 'vpce-0000000000000s301';
export const VPCE_SQS = 'vpce-000000000000sqs01';
export const PL_S3 = 'pl-6da54004';
export const ENI_DB = 'eni-0000000000000db01';
export const ENI_SQS = 'eni-000000000000sqs01';
export const DB_IP = '10.0.10.25';
export const SQS_IP = '10.0.20.10';
export const FN_A_V6 = '2600:1f18:abcd:1201::/64';

/** The API answers endpoint states in lower case although the SDK's enum says 'Available'. */
export const wireState = (s: string) => s as VpcEndpoint['State'];

export const DEFAULT_POLICY =
  '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';

function subnet(id: string, az: string, cidr: string, extra: Partial<Subnet> = {}): Subnet {
  return {
    AvailabilityZone: az,
    AvailableIpAddressCount: 250,
    CidrBlock: cidr,
    DefaultForAz: false,
    MapPublicIpOnLaunch: false,
    State: 'available',
    SubnetId: id,
    VpcId: VPC,
    OwnerId: ACCOUNT,
    Ipv6CidrBlockAssociationSet: [],
    SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${id}`,
    ...extra,
  };
}

export const route = (r: Route): Route => ({ Origin: 'CreateRoute', State: 'active', ...r });
export const local: Route = {
  DestinationCidrBlock: '10.0.0.0/16',
  GatewayId: 'local',
  Origin: 'CreateRouteTable',
  State: 'active',
};
export const localV6: Route = {
  DestinationIpv6CidrBlock: '2600:1f18:abcd:1200::/56',
  GatewayId: 'local',
  Origin: 'CreateRouteTable',
  State: 'active',
};

const assoc = (table: string, subnetId?: string) => ({
  RouteTableAssociationId: `rtbassoc-${table.slice(-6)}${subnetId?.slice(-4) ?? 'main'}`,
  RouteTableId: table,
  ...(subnetId ? { SubnetId: subnetId, Main: false } : { Main: true }),
  AssociationState: { State: 'associated' as const },
});

/** An ACL entry as DescribeNetworkAcls returns it (tcp with a port range, '-1' without). */
export function entry(
  n: number,
  egress: boolean,
  action: 'allow' | 'deny',
  cidr: string,
  protocol = '-1',
  ports?: [number, number],
): NetworkAclEntry {
  return {
    RuleNumber: n,
    Egress: egress,
    RuleAction: action,
    Protocol: protocol,
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  };
}

/** The default ACL's entries: allow all, both directions and families, then `*`. */
export const allowAll = (): NetworkAclEntry[] =>
  [true, false].flatMap((egress) => [
    entry(100, egress, 'allow', '0.0.0.0/0'),
    entry(101, egress, 'allow', '::/0'),
    entry(32767, egress, 'deny', '0.0.0.0/0'),
    entry(32768, egress, 'deny', '::/0'),
  ]);

export function acl(
  id: string,
  subnets: string[],
  entries: NetworkAclEntry[],
  isDefault = false,
): NetworkAcl {
  return {
    NetworkAclId: id,
    VpcId: VPC,
    IsDefault: isDefault,
    OwnerId: ACCOUNT,
    Entries: entries,
    Associations: subnets.map((s, i) => ({
      NetworkAclAssociationId: `aclassoc-${id.slice(-4)}${i}`,
      NetworkAclId: id,
      SubnetId: s,
    })),
    Tags: [],
  };
}

export const perm = (p: IpPermission): IpPermission => ({
  IpRanges: [],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
  ...p,
});
export const tcp = (port: number, p: IpPermission = {}): IpPermission =>
  perm({ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...p });
export const allTraffic = (p: IpPermission = {}): IpPermission => perm({ IpProtocol: '-1', ...p });

function group(id: string, ingress: IpPermission[], egress: IpPermission[]): SecurityGroup {
  return {
    GroupId: id,
    GroupName: id.slice(-4),
    Description: id,
    VpcId: VPC,
    OwnerId: ACCOUNT,
    IpPermissions: ingress,
    IpPermissionsEgress: egress,
  };
}

function eni(
  id: string,
  subnetId: string,
  ip: string,
  groups: string[],
  extra: Partial<NetworkInterface> = {},
): NetworkInterface {
  return {
    NetworkInterfaceId: id,
    SubnetId: subnetId,
    VpcId: VPC,
    AvailabilityZone: 'eu-west-1a',
    PrivateIpAddress: ip,
    PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
    Ipv6Addresses: [],
    Groups: groups.map((g) => ({ GroupId: g, GroupName: g.slice(-4) })),
    InterfaceType: 'interface',
    Status: 'in-use',
    OwnerId: ACCOUNT,
    RequesterManaged: false,
    SourceDestCheck: true,
    ...extra,
  };
}

/** What DescribeManagedPrefixLists and GetManagedPrefixListEntries return, merged per list. */
export function prefixList(pl: ManagedPrefixList, entries: GetManagedPrefixListEntriesResult) {
  return { ...pl, Entries: entries.Entries };
}

export const s3List: ManagedPrefixList = {
  PrefixListId: PL_S3,
  AddressFamily: 'IPv4',
  State: 'create-complete',
  PrefixListArn: `arn:aws:ec2:${REGION}:aws:prefix-list/${PL_S3}`,
  PrefixListName: `com.amazonaws.${REGION}.s3`,
  MaxEntries: 0,
  Version: 0,
  OwnerId: 'AWS',
};
export const s3Entries: GetManagedPrefixListEntriesResult = {
  Entries: [{ Cidr: '3.5.64.0/21' }, { Cidr: '52.218.0.0/17' }, { Cidr: '52.92.0.0/17' }],
};

export interface World extends TraceInput {
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
  egressOnlyInternetGateways: EgressOnlyInternetGateway[];
  deniedReads: string[];
}

export function world(): World {
  const ipv6 = {
    Ipv6CidrBlockAssociationSet: [
      {
        AssociationId: 'subnet-cidr-assoc-01',
        Ipv6CidrBlock: FN_A_V6,
        Ipv6CidrBlockState: { State: 'associated' as const },
      },
    ],
  };
  return {
    region: REGION,
    function: { subnetIds: [FN_A], securityGroupIds: [SG_FN], ipv6DualStack: false },
    targets: [],
    subnets: [
      subnet(FN_A, 'eu-west-1a', '10.0.1.0/24', ipv6),
      subnet(FN_B, 'eu-west-1b', '10.0.2.0/24'),
      subnet(DB, 'eu-west-1a', '10.0.10.0/24'),
      subnet(EP, 'eu-west-1a', '10.0.20.0/24'),
      subnet(PUB, 'eu-west-1a', '10.0.100.0/24'),
    ],
    securityGroups: [
      group(
        SG_FN,
        [],
        [
          allTraffic({ IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
          allTraffic({ Ipv6Ranges: [{ CidrIpv6: '::/0' }] }),
        ],
      ),
      group(SG_DB, [tcp(5432, { UserIdGroupPairs: [{ GroupId: SG_FN, UserId: ACCOUNT }] })], []),
      group(SG_EP, [tcp(443, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] })], []),
    ],
    routeTables: [
      {
        RouteTableId: RTB_MAIN,
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Routes: [local],
        Associations: [assoc(RTB_MAIN)],
      },
      {
        RouteTableId: RTB_FN,
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Routes: [
          local,
          localV6,
          route({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT }),
          route({ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: EIGW }),
          route({ DestinationPrefixListId: PL_S3, GatewayId: VPCE_S3 }),
        ],
        Associations: [assoc(RTB_FN, FN_A), assoc(RTB_FN, FN_B)],
      },
      {
        RouteTableId: RTB_PUB,
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Routes: [local, route({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW })],
        Associations: [assoc(RTB_PUB, PUB)],
      },
    ],
    networkAcls: [acl(ACL, [FN_A, FN_B, DB, EP, PUB], allowAll(), true)],
    prefixLists: [prefixList(s3List, s3Entries)],
    natGateways: [
      {
        NatGatewayId: NAT,
        SubnetId: PUB,
        VpcId: VPC,
        State: 'available',
        ConnectivityType: 'public',
        AvailabilityMode: 'zonal',
        NatGatewayAddresses: [
          { AllocationId: 'eipalloc-01', PublicIp: '203.0.113.10', PrivateIp: '10.0.100.5' },
        ],
      },
    ],
    vpcEndpoints: [
      {
        VpcEndpointId: VPCE_S3,
        VpcEndpointType: 'Gateway',
        VpcId: VPC,
        ServiceName: `com.amazonaws.${REGION}.s3`,
        State: wireState('available'),
        PolicyDocument: DEFAULT_POLICY,
        RouteTableIds: [RTB_FN],
        SubnetIds: [],
        Groups: [],
        PrivateDnsEnabled: false,
        NetworkInterfaceIds: [],
        DnsEntries: [],
      },
      {
        VpcEndpointId: VPCE_SQS,
        VpcEndpointType: 'Interface',
        VpcId: VPC,
        ServiceName: `com.amazonaws.${REGION}.sqs`,
        State: wireState('available'),
        PolicyDocument: DEFAULT_POLICY,
        RouteTableIds: [],
        SubnetIds: [EP],
        Groups: [{ GroupId: SG_EP, GroupName: 'ep01' }],
        PrivateDnsEnabled: true,
        NetworkInterfaceIds: [ENI_SQS],
        DnsEntries: [{ DnsName: `${VPCE_SQS}.sqs.${REGION}.vpce.amazonaws.com` }],
      },
    ],
    networkInterfaces: [
      eni(ENI_DB, DB, DB_IP, [SG_DB]),
      eni(ENI_SQS, EP, SQS_IP, [SG_EP], { InterfaceType: 'vpc_endpoint', RequesterManaged: true }),
    ],
    vpcAttributes: [{ VpcId: VPC, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } }],
    internetGateways: [
      {
        InternetGatewayId: IGW,
        OwnerId: ACCOUNT,
        Attachments: [{ VpcId: VPC, State: 'available' as string as AttachmentStatus }],
      },
    ],
    egressOnlyInternetGateways: [
      { EgressOnlyInternetGatewayId: EIGW, Attachments: [{ VpcId: VPC, State: 'attached' }] },
    ],
    deniedReads: [],
  };
}

export const tableOf = (w: World, id: string): RouteTable => {
  const t = w.routeTables.find((x) => x.RouteTableId === id);
  if (!t) throw new Error(`no table ${id}`);
  return t;
};
export const groupOf = (w: World, id: string): SecurityGroup => {
  const g = w.securityGroups.find((x) => x.GroupId === id);
  if (!g) throw new Error(`no group ${id}`);
  return g;
};

/** Gives `subnets` their own ACL with these entries (off the default ACL). */
export function ownAcl(w: World, id: string, subnets: string[], entries: NetworkAclEntry[]) {
  for (const a of w.networkAcls)
    a.Associations = (a.Associations ?? []).filter((x) => !subnets.includes(x.SubnetId ?? ''));
  w.networkAcls.push(acl(id, subnets, entries));
}

export function trace(w: World, target: Target): TargetVerdict {
  const [v] = tracePaths({ ...w, targets: [target] });
  if (!v) throw new Error('no verdict');
  return v;
}

/** The first hop of the verdict that is not a pass, as 'kind resource'. */
export function decidingHop(v: TargetVerdict) {
  const status = v.verdict === 'unreachable' ? 'fail' : 'unknown';
  for (const p of v.subnets) {
    const h = p.hops.find((x) => x.status === status);
    if (h) return h;
  }
  return undefined;
}
