// A small EC2 network for aws-sdk-client-mock, answering like EC2 does: describe calls with an
// ID filter return only what exists, and route tables etc. are filtered by vpc-id.
import {
  type AttachmentStatus,
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
  GetManagedPrefixListEntriesCommand,
  type NetworkAcl,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { serve } from './aws-mocks.js';

export const VPC_ID = 'vpc-0a1b2c3d4e5f60001';
export const OTHER_VPC_ID = 'vpc-0a1b2c3d4e5f60009';
export const PRIVATE_A = 'subnet-0a1b2c3d4e5f60011';
export const PRIVATE_B = 'subnet-0a1b2c3d4e5f60012';
export const PUBLIC_A = 'subnet-0a1b2c3d4e5f60021';
export const OTHER_VPC_SUBNET = 'subnet-0a1b2c3d4e5f60091';
export const SG_ALL = 'sg-0a1b2c3d4e5f60081';
export const NAT = 'nat-0a1b2c3d4e5f60041';
export const IGW = 'igw-0a1b2c3d4e5f60051';

const subnet = (SubnetId: string, AvailabilityZone: string, VpcId = VPC_ID): Subnet => ({
  SubnetId,
  VpcId,
  AvailabilityZone,
  CidrBlock: '10.0.1.0/24',
  AvailableIpAddressCount: 250,
});

export function ec2World() {
  return {
    vpcs: [
      { VpcId: VPC_ID, CidrBlock: '10.0.0.0/16', InstanceTenancy: 'default' },
      { VpcId: OTHER_VPC_ID, CidrBlock: '10.9.0.0/16', InstanceTenancy: 'default' },
    ] as Vpc[],
    subnets: [
      subnet(PRIVATE_A, 'us-east-1a'),
      subnet(PRIVATE_B, 'us-east-1b'),
      subnet(PUBLIC_A, 'us-east-1a'),
      subnet(OTHER_VPC_SUBNET, 'us-east-1a', OTHER_VPC_ID),
    ],
    securityGroups: [
      {
        GroupId: SG_ALL,
        GroupName: 'lambda',
        VpcId: VPC_ID,
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
    ] as SecurityGroup[],
    routeTables: [
      {
        RouteTableId: 'rtb-0a1b2c3d4e5f60060',
        VpcId: VPC_ID,
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT, State: 'active' }],
        Associations: [{ Main: true }],
      },
      {
        RouteTableId: 'rtb-0a1b2c3d4e5f60062',
        VpcId: VPC_ID,
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW, State: 'active' }],
        Associations: [{ SubnetId: PUBLIC_A, Main: false }],
      },
    ] as RouteTable[],
    /** Each VPC's default ACL (allow all both ways): no subnet has an explicit association. */
    networkAcls: [VPC_ID, OTHER_VPC_ID].map(
      (VpcId, i): NetworkAcl => ({
        NetworkAclId: `acl-0a1b2c3d4e5f6007${i}`,
        VpcId,
        IsDefault: true,
        Associations: [],
        Entries: [true, false].flatMap((Egress) => [
          { RuleNumber: 100, Egress, RuleAction: 'allow' as const, Protocol: '-1', CidrBlock: '0.0.0.0/0' },
          { RuleNumber: 32767, Egress, RuleAction: 'deny' as const, Protocol: '-1', CidrBlock: '0.0.0.0/0' },
        ]),
      }),
    ),
  };
}

/** The describe calls one network check makes. */
export const NETWORK_READS = [
  DescribeSubnetsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  DescribeRouteTablesCommand,
  DescribeVpcEndpointsCommand,
  DescribeNatGatewaysCommand,
  DescribeInternetGatewaysCommand,
];

const values = (filters: Filter[] | undefined, name: string) =>
  filters?.find((f) => f.Name === name)?.Values ?? [];

/**
 * Answers every describe call the network check makes from `world`. A fake EC2, set up with
 * serve(): a test need not make every call (see verifyAwsMocks).
 */
export function serveEc2World(
  ec2: AwsClientStub<EC2Client>,
  world = ec2World(),
): ReturnType<typeof ec2World> {
  return serve(() => answerFromWorld(ec2, world));
}

function answerFromWorld(ec2: AwsClientStub<EC2Client>, world: ReturnType<typeof ec2World>) {
  ec2.on(DescribeSubnetsCommand).callsFake(({ Filters }) => ({
    Subnets: world.subnets.filter((s) => values(Filters, 'subnet-id').includes(s.SubnetId ?? '')),
  }));
  ec2.on(DescribeSecurityGroupsCommand).callsFake(({ Filters }) => ({
    SecurityGroups: world.securityGroups.filter((g) => values(Filters, 'group-id').includes(g.GroupId ?? '')),
  }));
  const inVpc = <T extends { VpcId?: string | undefined }>(items: T[], filters: Filter[] | undefined) =>
    items.filter((x) => values(filters, 'vpc-id').includes(x.VpcId ?? ''));
  ec2.on(DescribeVpcsCommand).callsFake(({ Filters }) => ({ Vpcs: inVpc(world.vpcs, Filters) }));
  ec2
    .on(DescribeRouteTablesCommand)
    .callsFake(({ Filters }) => ({ RouteTables: inVpc(world.routeTables, Filters) }));
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  ec2.on(DescribeNatGatewaysCommand).resolves({
    NatGateways: [
      {
        NatGatewayId: NAT,
        SubnetId: PUBLIC_A,
        VpcId: VPC_ID,
        State: 'available',
        ConnectivityType: 'public',
      },
    ],
  });
  // The API answers 'available' for an attached internet gateway, outside the SDK's enum.
  const attachedState = 'available' as AttachmentStatus;
  ec2.on(DescribeInternetGatewaysCommand).resolves({
    InternetGateways: [{ InternetGatewayId: IGW, Attachments: [{ VpcId: VPC_ID, State: attachedState }] }],
  });
  ec2.on(DescribeEgressOnlyInternetGatewaysCommand).resolves({ EgressOnlyInternetGateways: [] });
  // The path reads (describeNetwork makes them once the service layer reads paths).
  ec2
    .on(DescribeNetworkAclsCommand)
    .callsFake(({ Filters }) => ({ NetworkAcls: inVpc(world.networkAcls, Filters) }));
  ec2.on(DescribeVpcAttributeCommand).callsFake(({ VpcId, Attribute }) => ({
    VpcId,
    ...(Attribute === 'enableDnsSupport' ? { EnableDnsSupport: { Value: true } } : {}),
    ...(Attribute === 'enableDnsHostnames' ? { EnableDnsHostnames: { Value: true } } : {}),
  }));
  ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [] });
  ec2.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [] });
  return world;
}

/** The internet verdict of a layout whose path is open, every hop proved. */
export const openInternet = (via: string): string => `internet: yes via ${via}`;

/** The AWS services verdict of the same layout. */
export const OPEN_SERVICES = 'AWS services: all via NAT';

/**
 * DescribeSubnets calls of one check: a second one reads the subnets of the NAT gateways and
 * interface endpoints that the first (the requested IDs) did not.
 */
export const SUBNET_CALLS = 2;

export const denied = (action: string) =>
  Object.assign(new Error(`You are not authorized to perform: ec2:${action}`), {
    name: 'UnauthorizedOperation',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
  });

/**
 * For tests about something else: every subnet and group asked for exists, in one VPC whose
 * main route table sends 0.0.0.0/0 to an available NAT gateway, so the network check is quiet.
 */
export function serveAnyNetwork(ec2: AwsClientStub<EC2Client>): void {
  serve(() => anyNetwork(ec2));
}

function anyNetwork(ec2: AwsClientStub<EC2Client>): void {
  serveEc2World(ec2);
  ec2.on(DescribeSubnetsCommand).callsFake(({ Filters }) => ({
    Subnets: values(Filters, 'subnet-id').map((id, i) =>
      subnet(id, i % 2 === 0 ? 'us-east-1a' : 'us-east-1b'),
    ),
  }));
  ec2.on(DescribeSecurityGroupsCommand).callsFake(({ Filters }) => ({
    SecurityGroups: values(Filters, 'group-id').map((GroupId) => ({
      ...ec2World().securityGroups[0],
      GroupId,
    })),
  }));
}
