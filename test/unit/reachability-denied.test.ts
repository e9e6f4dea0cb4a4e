import { describe, expect, it } from 'vitest';
import {
  analyzeNetwork,
  type NetworkAnalysis,
  type NetworkInput,
  partialCheckReason,
} from '../../src/core/reachability/analyze.js';
import { type Check, createContext, runChecks } from '../../src/core/reachability/check.js';

const REGION = 'eu-west-1';
const VPC = 'vpc-0a1b2c3d4e5f67890';
const VPC2 = 'vpc-0fedcba9876543210';
const NAT_SUBNET = 'subnet-0123456789abcdef0';
const ISOLATED_SUBNET = 'subnet-0123456789abcdef1';
const PUBLIC_SUBNET = 'subnet-0fedcba9876543210';
const RTB_MAIN = 'rtb-0aaaaaaaaaaaaaaa0';
const RTB_PUB = 'rtb-0bbbbbbbbbbbbbbb0';
const RTB_NAT = 'rtb-0ccccccccccccccc0';
const RTB_ISO = 'rtb-0ddddddddddddddd0';
const NAT = 'nat-0123456789abcdef0';
const IGW = 'igw-0123456789abcdef0';
const EIGW = 'eigw-0123456789abcdef0';
const SG = 'sg-0123456789abcdef0';
const SG2 = 'sg-0123456789abcdef1';
const VPCE_S3 = 'vpce-0123456789abcdef0';
const VPCE_KMS = 'vpce-0123456789abcdef4';

const assoc = (subnetId?: string) =>
  subnetId ? { SubnetId: subnetId, AssociationState: { State: 'associated' } } : { Main: true };

/**
 * Every routing read matters here: the NAT subnet reaches the internet only through an available
 * NAT whose subnet routes to an attached IGW; the isolated subnet reaches S3 through a gateway
 * endpoint; a KMS endpoint has private DNS off; IPv6 goes out through an egress-only IGW.
 */
function input(): NetworkInput {
  return {
    region: REGION,
    requested: { subnetIds: [NAT_SUBNET, ISOLATED_SUBNET], securityGroupIds: [SG], ipv6DualStack: true },
    subnets: [
      {
        SubnetId: NAT_SUBNET,
        VpcId: VPC,
        AvailabilityZone: 'eu-west-1a',
        CidrBlock: '10.0.1.0/24',
        AvailableIpAddressCount: 250,
        Ipv6CidrBlockAssociationSet: [
          { Ipv6CidrBlock: '2001:db8:1234:1a00::/64', Ipv6CidrBlockState: { State: 'associated' } },
        ],
      },
      {
        SubnetId: ISOLATED_SUBNET,
        VpcId: VPC,
        AvailabilityZone: 'eu-west-1b',
        CidrBlock: '10.0.2.0/28',
        AvailableIpAddressCount: 5,
        Ipv6CidrBlockAssociationSet: [],
      },
      { SubnetId: PUBLIC_SUBNET, VpcId: VPC, AvailabilityZone: 'eu-west-1a', CidrBlock: '10.0.101.0/24' },
    ],
    securityGroups: [
      {
        GroupId: SG,
        GroupName: 'web',
        VpcId: VPC,
        IpPermissionsEgress: [
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      },
    ],
    vpcs: [{ VpcId: VPC, CidrBlock: '10.0.0.0/16', InstanceTenancy: 'default' }],
    routeTables: [
      { RouteTableId: RTB_MAIN, VpcId: VPC, Routes: [], Associations: [assoc()] },
      {
        RouteTableId: RTB_PUB,
        VpcId: VPC,
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW, State: 'active' }],
        Associations: [assoc(PUBLIC_SUBNET)],
      },
      {
        RouteTableId: RTB_NAT,
        VpcId: VPC,
        Routes: [
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT, State: 'active' },
          { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: EIGW, State: 'active' },
        ],
        Associations: [assoc(NAT_SUBNET)],
      },
      {
        RouteTableId: RTB_ISO,
        VpcId: VPC,
        Routes: [
          { DestinationPrefixListId: 'pl-6da54004', GatewayId: VPCE_S3, State: 'active' },
          { DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: 'pcx-0123', State: 'blackhole' },
        ],
        Associations: [assoc(ISOLATED_SUBNET)],
      },
    ],
    vpcEndpoints: [
      {
        VpcEndpointId: VPCE_S3,
        VpcEndpointType: 'Gateway',
        VpcId: VPC,
        ServiceName: `com.amazonaws.${REGION}.s3`,
        State: 'available',
        RouteTableIds: [RTB_ISO],
      },
      {
        VpcEndpointId: VPCE_KMS,
        VpcEndpointType: 'Interface',
        VpcId: VPC,
        ServiceName: `com.amazonaws.${REGION}.kms`,
        State: 'available',
        PrivateDnsEnabled: false,
      },
    ],
    natGateways: [
      {
        NatGatewayId: NAT,
        SubnetId: PUBLIC_SUBNET,
        VpcId: VPC,
        State: 'available',
        ConnectivityType: 'public',
      },
    ],
    internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ VpcId: VPC, State: 'available' }] }],
    egressOnlyInternetGateways: [
      { EgressOnlyInternetGatewayId: EIGW, Attachments: [{ VpcId: VPC, State: 'attached' }] },
    ],
    networkAcls: [
      {
        NetworkAclId: 'acl-0aaaaaaaaaaaaaaa0',
        VpcId: VPC,
        IsDefault: true,
        Entries: [true, false].flatMap((Egress) => [
          { RuleNumber: 100, Egress, RuleAction: 'allow', Protocol: '-1', CidrBlock: '0.0.0.0/0' },
          { RuleNumber: 101, Egress, RuleAction: 'allow', Protocol: '-1', Ipv6CidrBlock: '::/0' },
          { RuleNumber: 32767, Egress, RuleAction: 'deny', Protocol: '-1', CidrBlock: '0.0.0.0/0' },
          { RuleNumber: 32768, Egress, RuleAction: 'deny', Protocol: '-1', Ipv6CidrBlock: '::/0' },
        ]),
        Associations: [NAT_SUBNET, ISOLATED_SUBNET, PUBLIC_SUBNET].map((SubnetId) => ({ SubnetId })),
      },
    ],
    prefixLists: [
      {
        PrefixListId: 'pl-6da54004',
        PrefixListName: `com.amazonaws.${REGION}.s3`,
        AddressFamily: 'IPv4',
        Entries: [{ Cidr: '3.5.64.0/21' }, { Cidr: '52.218.0.0/17' }],
      },
    ],
    vpcAttributes: [{ VpcId: VPC, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } }],
  };
}

/** The fixture with a group allowing all outbound traffic, so that the NAT subnet reaches the internet. */
function openInput(): NetworkInput {
  const i = input();
  return {
    ...i,
    securityGroups: [
      {
        GroupId: SG,
        GroupName: 'web',
        VpcId: VPC,
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
    ],
  };
}

/** What the EC2 service hands over when a read is denied: that list empty, the action named. */
const EMPTIED: Record<string, (i: NetworkInput) => NetworkInput> = {
  'ec2:DescribeVpcs': (i) => ({ ...i, vpcs: [] }),
  'ec2:DescribeRouteTables': (i) => ({ ...i, routeTables: [] }),
  'ec2:DescribeNatGateways': (i) => ({ ...i, natGateways: [] }),
  'ec2:DescribeVpcEndpoints': (i) => ({ ...i, vpcEndpoints: [] }),
  'ec2:DescribeInternetGateways': (i) => ({ ...i, internetGateways: [] }),
  'ec2:DescribeEgressOnlyInternetGateways': (i) => ({ ...i, egressOnlyInternetGateways: [] }),
  'ec2:DescribeNetworkAcls': (i) => ({ ...i, networkAcls: [] }),
  'ec2:DescribeManagedPrefixLists': (i) => ({ ...i, prefixLists: [] }),
  'ec2:DescribeVpcAttribute': (i) => ({ ...i, vpcAttributes: [] }),
};

function analyzeDenied(deniedReads: string[], base = input()): NetworkAnalysis {
  const emptied = deniedReads.reduce((i, read) => EMPTIED[read]?.(i) ?? i, base);
  return analyzeNetwork({ ...emptied, deniedReads });
}

/** The subnets as the workflow reported them when a routing read was denied. */
const unroutedSubnets = [
  {
    id: NAT_SUBNET,
    vpcId: VPC,
    az: 'eu-west-1a',
    cidr: '10.0.1.0/24',
    freeIps: 250,
    routeTableId: undefined,
    routeTableIsMain: false,
    internet: { kind: 'unknown', reachable: 'unknown', reason: 'not checked' },
    gatewayEndpointServices: [],
  },
  {
    id: ISOLATED_SUBNET,
    vpcId: VPC,
    az: 'eu-west-1b',
    cidr: '10.0.2.0/28',
    freeIps: 5,
    routeTableId: undefined,
    routeTableIsMain: false,
    internet: { kind: 'unknown', reachable: 'unknown', reason: 'not checked' },
    gatewayEndpointServices: [],
  },
];

describe('the fixture with every read allowed', () => {
  it('has routing findings to drop, and an internet verdict of no (only tcp 80 goes out) to lose', () => {
    const a = analyzeDenied([]);
    expect(a.findings.map((f) => f.code)).toEqual([
      'BLACKHOLE_ROUTE',
      'IPV6_SUBNET_NO_CIDR',
      'LOW_FREE_IPS',
      'NO_DEFAULT_ROUTE',
      'SG_NO_HTTPS_EGRESS',
      'ENDPOINT_PRIVATE_DNS_DISABLED',
    ]);
    // Was "depends on the subnet (NAT subnet: yes …)" beside SG_NO_HTTPS_EGRESS: tcp 80 is not 443.
    expect(a.verdict.internet.text).toBe(
      `internet: no (${NAT_SUBNET}: no egress rule of ${SG} allows tcp 443 to the internet; ${ISOLATED_SUBNET}: no default route)`,
    );
    expect(a.subnets.map((s) => s.internet.reachable)).toEqual(['no', 'no']);
    expect(analyzeNetwork(openInput()).verdict.internet.text).toBe(
      `internet: depends on the subnet (${NAT_SUBNET}: yes via ${NAT}; ${ISOLATED_SUBNET}: no, no default route)`,
    );
    expect(a.subnets[1]?.gatewayEndpointServices).toEqual(['s3']);
    expect(a.endpoints.map((e) => e.id)).toEqual([VPCE_S3, VPCE_KMS]);
  });
});

describe('a denied routing read', () => {
  it.each([
    'ec2:DescribeRouteTables',
    'ec2:DescribeNatGateways',
    'ec2:DescribeVpcEndpoints',
    'ec2:DescribeInternetGateways',
    'ec2:DescribeEgressOnlyInternetGateways',
  ])('%s: routing is not checked, and says which read was missing', (read) => {
    const a = analyzeDenied([read]);
    expect(a.findings.map((f) => f.code)).toEqual(['LOW_FREE_IPS', 'SG_NO_HTTPS_EGRESS']);
    expect(a.ok).toBe(true);
    expect(a.subnets).toEqual(unroutedSubnets);
    expect(a.endpoints).toEqual([]);
    expect(a.verdict).toMatchObject({
      internet: { reachable: 'unknown', via: [], text: `internet: not checked (no permission for ${read})` },
      awsServices: { reachable: 'unknown', text: `AWS services: not checked (no permission for ${read})` },
    });
    expect(a.verdict.awsServices.services.map((v) => v.reachable)).toEqual(
      a.verdict.awsServices.services.map(() => 'unknown'),
    );
    expect(a.vpc).toEqual({ id: VPC, cidr: '10.0.0.0/16', tenancy: 'default' });
    expect(a.securityGroups).toEqual([
      { id: SG, name: 'web', vpcId: VPC, egress: 'tcp 80 to 0.0.0.0/0', allowsHttps: false },
    ]);
  });

  it('keeps the JSON field order of a subnet', () => {
    const [first] = analyzeDenied(['ec2:DescribeRouteTables']).subnets;
    expect(Object.keys(first ?? {})).toEqual(Object.keys(unroutedSubnets[0] ?? {}));
  });

  it('never answers yes, even when the lists that were read all look fine', () => {
    // The denied list is not emptied here: the rule must not depend on what the list holds.
    const a = analyzeNetwork({ ...input(), deniedReads: ['ec2:DescribeNatGateways'] });
    expect(a.verdict.internet.text).not.toContain('yes');
    expect(a.subnets.every((s) => s.internet.reachable === 'unknown')).toBe(true);
  });

  it('names every denied routing read, in the order they were reported', () => {
    const a = analyzeDenied(['ec2:DescribeVpcEndpoints', 'ec2:DescribeRouteTables']);
    expect(a.verdict.internet.text).toBe(
      'internet: not checked (no permission for ec2:DescribeVpcEndpoints, ec2:DescribeRouteTables)',
    );
  });

  it('names only the reads the verdict needs when DescribeVpcs is denied too', () => {
    const a = analyzeDenied(['ec2:DescribeVpcs', 'ec2:DescribeRouteTables']);
    expect(a.verdict).toMatchObject({
      internet: {
        reachable: 'unknown',
        text: 'internet: not checked (no permission for ec2:DescribeRouteTables)',
      },
      awsServices: {
        reachable: 'unknown',
        text: 'AWS services: not checked (no permission for ec2:DescribeRouteTables)',
      },
    });
    expect(a.vpc).toEqual({ id: VPC, cidr: undefined, tenancy: undefined });
  });

  it('keeps the findings that need only subnets and security groups', () => {
    const base = input();
    base.requested.subnetIds = [NAT_SUBNET, 'subnet-0deadbeefdeadbeef'];
    base.requested.securityGroupIds = [SG, SG2];
    base.securityGroups = [...base.securityGroups, { GroupId: SG2, VpcId: VPC2, IpPermissionsEgress: [] }];
    const a = analyzeDenied(['ec2:DescribeRouteTables'], base);
    expect(a.findings.map((f) => f.code)).toEqual([
      'MIXED_VPCS',
      'SINGLE_AZ',
      'SUBNET_NOT_FOUND',
      'SG_NO_HTTPS_EGRESS',
    ]);
    expect(a.ok).toBe(false);
  });
});

describe('a denied DescribeVpcs alone', () => {
  it('changes nothing but the VPC details it would have given', () => {
    const withoutVpcs = analyzeNetwork({ ...input(), vpcs: [] });
    expect(analyzeDenied(['ec2:DescribeVpcs'])).toEqual(withoutVpcs);
    expect(withoutVpcs.verdict.internet.text).toContain(`${ISOLATED_SUBNET}: no default route`);
  });

  it('drops the tenancy check, not the mixed-VPC check', () => {
    const base = input();
    base.vpcs = [{ VpcId: VPC, InstanceTenancy: 'dedicated' }];
    base.requested.securityGroupIds = [SG, SG2];
    base.securityGroups = [...base.securityGroups, { GroupId: SG2, VpcId: VPC2, IpPermissionsEgress: [] }];
    expect(analyzeNetwork(base).findings.map((f) => f.code)).toContain('DEDICATED_TENANCY');
    const a = analyzeNetwork({ ...base, deniedReads: ['ec2:DescribeVpcs'] });
    expect(
      a.findings.map((f) => f.code).filter((c) => c.startsWith('MIXED') || c.startsWith('DEDICATED')),
    ).toEqual(['MIXED_VPCS']);
  });
});

describe('a denied path read', () => {
  it.each([
    ['ec2:DescribeNetworkAcls', 'network ACLs not checked (no permission for ec2:DescribeNetworkAcls)'],
  ])('%s: the internet is unknown where it was yes, naming the read', (read, reason) => {
    const a = analyzeDenied([read], openInput());
    expect(a.verdict.internet.text).toBe(
      `internet: depends on the subnet (${NAT_SUBNET}: unknown, ${reason}; ${ISOLATED_SUBNET}: no, no default route)`,
    );
    expect(a.verdict.internet.text).not.toContain('yes');
    expect(a.ok).toBe(true);
  });

  it('is "not read" rather than denied when the input carries no ACLs at all', () => {
    const { networkAcls: _, ...rest } = openInput();
    const a = analyzeNetwork(rest);
    expect(a.verdict.internet.text).toContain(
      `${NAT_SUBNET}: unknown, network ACLs not checked (not read: ec2:DescribeNetworkAcls)`,
    );
  });

  it('leaves the routing findings as they were', () => {
    const codes = (x: NetworkAnalysis) => x.findings.map((f) => f.code);
    expect(codes(analyzeDenied(['ec2:DescribeNetworkAcls', 'ec2:DescribeVpcAttribute']))).toEqual(
      codes(analyzeNetwork(input())),
    );
  });
});

describe('runChecks', () => {
  const stub = (name: string, reads: Check['reads'], ran: string[]): Check => ({
    name,
    reads,
    run: (ctx) => {
      ran.push(name);
      ctx.add(-1, { severity: 'info', code: name.toUpperCase(), message: `${name} ran` });
    },
  });

  it('drops a check whose declared read was denied, and runs the others', () => {
    const ran: string[] = [];
    const { ctx, findings } = createContext(input());
    const skipped = runChecks(
      [
        stub('nacls', ['ec2:DescribeNetworkAcls'], ran),
        stub('always', [], ran),
        stub('prefix-lists', ['ec2:DescribeManagedPrefixLists', 'ec2:DescribeRouteTables'], ran),
      ],
      ctx,
      ['ec2:DescribeRouteTables', 'ec2:DescribeNetworkAcls'],
    );
    expect(ran).toEqual(['always']);
    expect(findings.map((f) => f.code)).toEqual(['ALWAYS']);
    expect(skipped).toEqual([
      { name: 'nacls', missing: ['ec2:DescribeNetworkAcls'] },
      { name: 'prefix-lists', missing: ['ec2:DescribeRouteTables'] },
    ]);
  });

  it('runs everything when nothing was denied', () => {
    const ran: string[] = [];
    const { ctx } = createContext(input());
    expect(runChecks([stub('nacls', ['ec2:DescribeNetworkAcls'], ran)], ctx, [])).toEqual([]);
    expect(ran).toEqual(['nacls']);
  });
});

describe('partialCheckReason', () => {
  it.each([
    [[], null],
    [['ec2:DescribeVpcs'], 'partial check: no EC2 read permission for ec2:DescribeVpcs'],
    [
      ['ec2:DescribeRouteTables', 'ec2:DescribeNatGateways'],
      'partial check: no EC2 read permission for ec2:DescribeRouteTables, ec2:DescribeNatGateways',
    ],
  ])('%j → %s', (denied, reason) => {
    expect(partialCheckReason(denied)).toBe(reason);
  });
});
