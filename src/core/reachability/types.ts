/**
 * Input and output types of the network reachability analysis.
 *
 * The input interfaces are minimal, structural copies of the shapes returned by
 * `@aws-sdk/client-ec2` (same PascalCase names, every field optional), so the caller can
 * pass the SDK's describe results straight in. No type is imported from the SDK.
 */

export interface Ec2Tag {
  Key?: string | undefined;
  Value?: string | undefined;
}

export interface Ec2Subnet {
  SubnetId?: string | undefined;
  VpcId?: string | undefined;
  AvailabilityZone?: string | undefined;
  AvailabilityZoneId?: string | undefined;
  CidrBlock?: string | undefined;
  AvailableIpAddressCount?: number | undefined;
  /** 'pending' | 'available' | 'unavailable' | 'failed' … */
  State?: string | undefined;
  Ipv6CidrBlockAssociationSet?:
    | ReadonlyArray<{
        Ipv6CidrBlock?: string | undefined;
        Ipv6CidrBlockState?: { State?: string | undefined } | undefined;
      }>
    | undefined;
  Tags?: readonly Ec2Tag[] | undefined;
}

export interface Ec2IpPermission {
  IpProtocol?: string | undefined;
  FromPort?: number | undefined;
  ToPort?: number | undefined;
  IpRanges?: ReadonlyArray<{ CidrIp?: string | undefined }> | undefined;
  Ipv6Ranges?: ReadonlyArray<{ CidrIpv6?: string | undefined }> | undefined;
  PrefixListIds?: ReadonlyArray<{ PrefixListId?: string | undefined }> | undefined;
  UserIdGroupPairs?: ReadonlyArray<{ GroupId?: string | undefined }> | undefined;
}

export interface Ec2SecurityGroup {
  GroupId?: string | undefined;
  GroupName?: string | undefined;
  VpcId?: string | undefined;
  /** Inbound rules: read for a target's groups (an RDS database, an interface endpoint). */
  IpPermissions?: readonly Ec2IpPermission[] | undefined;
  IpPermissionsEgress?: readonly Ec2IpPermission[] | undefined;
}

export interface Ec2Vpc {
  VpcId?: string | undefined;
  CidrBlock?: string | undefined;
  InstanceTenancy?: string | undefined;
}

export interface Ec2Route {
  DestinationCidrBlock?: string | undefined;
  DestinationIpv6CidrBlock?: string | undefined;
  DestinationPrefixListId?: string | undefined;
  GatewayId?: string | undefined;
  NatGatewayId?: string | undefined;
  EgressOnlyInternetGatewayId?: string | undefined;
  TransitGatewayId?: string | undefined;
  VpcPeeringConnectionId?: string | undefined;
  InstanceId?: string | undefined;
  NetworkInterfaceId?: string | undefined;
  LocalGatewayId?: string | undefined;
  CarrierGatewayId?: string | undefined;
  CoreNetworkArn?: string | undefined;
  /** 'active' | 'blackhole' | 'filtered' */
  State?: string | undefined;
  /**
   * 'CreateRouteTable' | 'CreateRoute' | 'EnableVgwRoutePropagation' | 'Advertisement': at equal
   * prefix length a static route beats a prefix-list route, which beats a propagated one.
   */
  Origin?: string | undefined;
}

export interface Ec2RouteTableAssociation {
  Main?: boolean | undefined;
  SubnetId?: string | undefined;
  RouteTableId?: string | undefined;
  AssociationState?: { State?: string | undefined } | undefined;
}

export interface Ec2RouteTable {
  RouteTableId?: string | undefined;
  VpcId?: string | undefined;
  Routes?: readonly Ec2Route[] | undefined;
  Associations?: readonly Ec2RouteTableAssociation[] | undefined;
}

export interface Ec2VpcEndpoint {
  VpcEndpointId?: string | undefined;
  /** 'Gateway' | 'Interface' | 'GatewayLoadBalancer' | ... */
  VpcEndpointType?: string | undefined;
  VpcId?: string | undefined;
  ServiceName?: string | undefined;
  /** The API answers in lower case ('available') although the SDK enum says 'Available'. */
  State?: string | undefined;
  RouteTableIds?: readonly string[] | undefined;
  SubnetIds?: readonly string[] | undefined;
  PrivateDnsEnabled?: boolean | undefined;
  /** Interface endpoints: the groups on their network interfaces (ingress tcp 443 from the caller). */
  Groups?: ReadonlyArray<{ GroupId?: string | undefined }> | undefined;
  /** Interface endpoints: one network interface per subnet; their addresses are what DNS returns. */
  NetworkInterfaceIds?: readonly string[] | undefined;
  /** JSON; absent or the default full-access policy means every request the IAM policies allow. */
  PolicyDocument?: string | undefined;
  /** S3 interface endpoints: with this on, clients inside the VPC keep using the gateway endpoint. */
  DnsOptions?: { PrivateDnsOnlyForInboundResolverEndpoint?: boolean | undefined } | undefined;
}

export interface Ec2NatGateway {
  NatGatewayId?: string | undefined;
  SubnetId?: string | undefined;
  VpcId?: string | undefined;
  /** 'pending' | 'available' | 'failed' | 'deleting' | 'deleted' */
  State?: string | undefined;
  /** 'public' | 'private' */
  ConnectivityType?: string | undefined;
  /** 'zonal' | 'regional': a regional NAT gateway sits in no subnet. */
  AvailabilityMode?: string | undefined;
}

export interface Ec2GatewayAttachment {
  VpcId?: string | undefined;
  /** IGWs report 'available' when attached; EIGWs report 'attached'. */
  State?: string | undefined;
}

export interface Ec2InternetGateway {
  InternetGatewayId?: string | undefined;
  Attachments?: readonly Ec2GatewayAttachment[] | undefined;
}

export interface Ec2EgressOnlyInternetGateway {
  EgressOnlyInternetGatewayId?: string | undefined;
  Attachments?: readonly Ec2GatewayAttachment[] | undefined;
}

export interface Ec2NetworkAclEntry {
  /** Evaluated lowest first; the first entry matching the packet decides. 32767 (IPv6: 32768) is `*`. */
  RuleNumber?: number | undefined;
  /** IANA number as a string: '-1' all, '6' tcp, '17' udp, '1' icmp, '58' icmpv6. */
  Protocol?: string | undefined;
  /** 'allow' | 'deny' */
  RuleAction?: string | undefined;
  /** true: outbound entries; false: inbound. */
  Egress?: boolean | undefined;
  /** The remote address: the destination of outbound traffic, the source of inbound. */
  CidrBlock?: string | undefined;
  Ipv6CidrBlock?: string | undefined;
  /** The destination port range, for tcp and udp entries. */
  PortRange?: { From?: number | undefined; To?: number | undefined } | undefined;
}

export interface Ec2NetworkAcl {
  NetworkAclId?: string | undefined;
  VpcId?: string | undefined;
  /** The VPC's default ACL: subnets without an explicit association use it. */
  IsDefault?: boolean | undefined;
  Entries?: readonly Ec2NetworkAclEntry[] | undefined;
  Associations?:
    | ReadonlyArray<{ SubnetId?: string | undefined; NetworkAclId?: string | undefined }>
    | undefined;
}

/**
 * A managed prefix list (DescribeManagedPrefixLists) with its entries: `Entries` as returned by
 * GetManagedPrefixListEntries, or `Cidrs` as DescribePrefixLists returns them for AWS services.
 * Without either, the list's addresses are unknown and the hops that need them say so.
 */
export interface Ec2ManagedPrefixList {
  PrefixListId?: string | undefined;
  /** AWS service lists are named after the service: 'com.amazonaws.eu-west-1.s3'. */
  PrefixListName?: string | undefined;
  /** 'IPv4' | 'IPv6' */
  AddressFamily?: string | undefined;
  Entries?: ReadonlyArray<{ Cidr?: string | undefined }> | undefined;
  Cidrs?: readonly string[] | undefined;
}

/** DescribeNetworkInterfaces: where a target address lives and which groups guard it. */
export interface Ec2NetworkInterface {
  NetworkInterfaceId?: string | undefined;
  SubnetId?: string | undefined;
  VpcId?: string | undefined;
  PrivateIpAddress?: string | undefined;
  PrivateIpAddresses?: ReadonlyArray<{ PrivateIpAddress?: string | undefined }> | undefined;
  Ipv6Addresses?: ReadonlyArray<{ Ipv6Address?: string | undefined }> | undefined;
  Groups?: ReadonlyArray<{ GroupId?: string | undefined }> | undefined;
  Description?: string | undefined;
  InterfaceType?: string | undefined;
}

/**
 * The two DescribeVpcAttribute answers merged (one call returns one attribute). Private DNS of an
 * interface endpoint works only when both are on.
 */
export interface Ec2VpcAttributes {
  VpcId?: string | undefined;
  EnableDnsSupport?: { Value?: boolean | undefined } | undefined;
  EnableDnsHostnames?: { Value?: boolean | undefined } | undefined;
}

export interface NetworkInput {
  requested: { subnetIds: string[]; securityGroupIds: string[]; ipv6DualStack: boolean };
  region: string;
  subnets: readonly Ec2Subnet[];
  securityGroups: readonly Ec2SecurityGroup[];
  vpcs: readonly Ec2Vpc[];
  /** All route tables of the VPC (filter vpc-id), so the main table and the NAT's table are known. */
  routeTables: readonly Ec2RouteTable[];
  vpcEndpoints: readonly Ec2VpcEndpoint[];
  natGateways: readonly Ec2NatGateway[];
  /** Optional: when given, IGW/EIGW routes only count if the gateway is attached to the VPC. */
  internetGateways?: readonly Ec2InternetGateway[] | undefined;
  egressOnlyInternetGateways?: readonly Ec2EgressOnlyInternetGateway[] | undefined;
  /**
   * The path reads (describeNetwork reads them with `paths`): network ACLs, prefix lists with their
   * entries, the VPCs' DNS attributes, interfaces (an interface endpoint's). A list left undefined
   * was not read: the hops that need it are unknown ("not read"), and so is any verdict they decide.
   */
  networkAcls?: readonly Ec2NetworkAcl[] | undefined;
  prefixLists?: readonly Ec2ManagedPrefixList[] | undefined;
  vpcAttributes?: readonly Ec2VpcAttributes[] | undefined;
  networkInterfaces?: readonly Ec2NetworkInterface[] | undefined;
  /** Warn when a subnet has fewer free addresses than this (default LOW_FREE_IPS_THRESHOLD). */
  minFreeIps?: number | undefined;
  /**
   * EC2 actions (e.g. 'ec2:DescribeRouteTables') whose list above is empty because the read was
   * denied: the checks that need them do not run, and what they decide comes out "not checked".
   */
  deniedReads?: readonly string[] | undefined;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  code: string;
  message: string;
  fix?: string;
  subject?: string;
}

export type InternetKind = 'nat' | 'public-no-internet' | 'isolated' | 'other' | 'blackhole' | 'unknown';

export interface SubnetInternet {
  /** What the default route 0.0.0.0/0 of the subnet's route table points at. */
  kind: InternetKind;
  /** The route target (nat-…, igw-…, tgw-…), when there is one. */
  via?: string;
  /** Whether the function reaches the internet from this subnet ('unknown' for kind 'other'/'unknown'). */
  reachable: 'yes' | 'no' | 'unknown';
  /** Short reason when not reachable, e.g. 'public subnet'. */
  reason?: string;
}

export interface SubnetSummary {
  id: string;
  vpcId: string | undefined;
  az: string | undefined;
  cidr: string | undefined;
  freeIps: number | undefined;
  routeTableId: string | undefined;
  routeTableIsMain: boolean;
  internet: SubnetInternet;
  /** AWS services reachable from this subnet through gateway endpoints in its route table. */
  gatewayEndpointServices: string[];
}

export interface VpcSummary {
  id: string;
  cidr: string | undefined;
  tenancy: string | undefined;
}

export interface SecurityGroupSummary {
  id: string;
  name: string | undefined;
  vpcId: string | undefined;
  /** e.g. 'all traffic', 'tcp 443 to 0.0.0.0/0', 'none' (rules joined with '; '). */
  egress: string;
  allowsHttps: boolean;
}

export interface EndpointSummary {
  id: string;
  /** Short service name: 's3', 'dynamodb', 'ecr.dkr', or the full name when unknown. */
  service: string;
  type: string;
  state: string | undefined;
  privateDns: boolean | undefined;
  /** Gateway endpoints: route tables carrying the prefix-list route. */
  routeTableIds: string[];
}

/** One subnet's part of a path verdict. */
export interface PathSubnetVerdict {
  id: string;
  verdict: 'reachable' | 'unreachable' | 'unknown';
  /** The hop that decided, or what was proved. */
  reason: string;
  /** What carries the traffic when reachable: nat-…, vpce-… (gateway or interface endpoint). */
  via: string[];
  /** Reads or data whose absence left a hop unknown. */
  missing: string[];
}

/** The path engine's verdict for one target of the analysis: the internet or an AWS service. */
export interface PathVerdictSummary {
  /** 'internet', or the service's short name ('s3', 'sqs'). */
  target: string;
  /** 'internet tcp/443', 's3 tcp/443'. */
  label: string;
  verdict: 'reachable' | 'unreachable' | 'unknown';
  reason: string;
  subnets: PathSubnetVerdict[];
  notes: string[];
}

/**
 * A verdict across the function's subnets: yes from every one, no from any, mixed when they
 * differ, unknown when a read or hop it depends on is missing (as the text says).
 */
export type Reachability = 'yes' | 'no' | 'mixed' | 'unknown';

/** One verdict line, machine-readable: `text` is the line printed, the rest what it says. */
export interface InternetVerdict {
  reachable: Reachability;
  /** What carries the traffic from the subnets that reach it: nat-…; empty when none does. */
  via: string[];
  /** 'internet: yes via nat-…' */
  text: string;
}

/** One AWS service of the verdict, read from its path from every subnet. */
export interface ServiceVerdict {
  /** Short name: 's3', 'sqs', 'ecr.dkr'. */
  service: string;
  reachable: Reachability;
  /** NAT gateways and VPC endpoints carrying it from the subnets that reach it: nat-…, vpce-…. */
  via: string[];
  /** Why it is not reached from every subnet (the deciding hop), or null when it is. */
  reason: string | null;
}

export interface AwsServicesVerdict {
  /** Across the services below: yes when every one is reached, no when none is. */
  reachable: Reachability;
  /** 'AWS services: s3 via gateway endpoints; all others via NAT' */
  text: string;
  /** COMMON_SERVICES and every service with an endpoint in the VPC, by name. */
  services: ServiceVerdict[];
}

export interface NetworkVerdicts {
  internet: InternetVerdict;
  awsServices: AwsServicesVerdict;
}

export interface NetworkAnalysis {
  /** True when no finding is an error. */
  ok: boolean;
  findings: Finding[];
  vpc: VpcSummary | undefined;
  subnets: SubnetSummary[];
  securityGroups: SecurityGroupSummary[];
  endpoints: EndpointSummary[];
  verdict: NetworkVerdicts;
  /** What the verdict lines are read from: the internet (tcp 443) and each AWS service, per subnet. */
  paths: PathVerdictSummary[];
}
