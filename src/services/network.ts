import {
  type EC2Client,
  type EgressOnlyInternetGateway,
  type Filter,
  type InternetGateway,
  type NatGateway,
  type NetworkAcl,
  paginateDescribeEgressOnlyInternetGateways,
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcs,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { allSettled, collect, describeByIdFilter, recordDenied, uniq } from './ec2-reads.js';
import {
  describeNetworkAcls,
  describePrefixLists,
  describeTargetInterfaces,
  describeVpcDnsAttributes,
  type PathFacts,
  type PathQuery,
  referencedPrefixLists,
  type VpcDnsAttributes,
} from './network-paths.js';

export { Ec2ReadDenied } from './ec2-reads.js';
export type { PathFacts, PathQuery, VpcDnsAttributes } from './network-paths.js';

/** What one command asks about: the union over all its functions, so EC2 is asked once per type. */
export interface NetworkQuery {
  subnetIds: readonly string[];
  securityGroupIds: readonly string[];
  /** Egress-only internet gateways matter only for IPv6 dual-stack, so they are described only then. */
  ipv6: boolean;
  signal?: AbortSignal | undefined;
  /**
   * Also read what a path needs (`reach`): NACLs, prefix lists and their entries, the VPCs' DNS
   * attributes, the targets' subnets, groups and network interfaces, and the subnets and groups
   * the VPC's NAT gateways and interface endpoints use. Without it, the reads are as before.
   */
  paths?: PathQuery | undefined;
  /**
   * Every subnet and group of this VPC instead of the IDs (attach --vpc chooses among them): one
   * listing each by `vpc-id`, the IDs asked for included.
   */
  wholeVpc?: string | undefined;
  /** The VPCs already described (the choice found its VPC so): not described again. */
  knownVpcs?: readonly Vpc[] | undefined;
}

/** The describe results, in the SDK's own shapes (what analyzeNetwork takes). */
export interface NetworkFacts {
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
  vpcs: Vpc[];
  routeTables: RouteTable[];
  vpcEndpoints: VpcEndpoint[];
  natGateways: NatGateway[];
  internetGateways: InternetGateway[];
  egressOnlyInternetGateways: EgressOnlyInternetGateway[] | undefined;
  /** Requested IDs EC2 does not know (in this account and region). */
  missingSubnetIds: string[];
  missingSecurityGroupIds: string[];
  /**
   * Actions after DescribeSubnets/DescribeSecurityGroups that were denied (e.g. ec2:DescribeRouteTables):
   * their lists are empty, so the checks that need them must not be trusted.
   */
  deniedActions: string[];
  /** With `query.paths` only; `subnets` and `securityGroups` then hold the targets' too. */
  paths?: PathFacts | undefined;
}

/**
 * Everything the reachability analysis needs, in two rounds of parallel calls: first the
 * subnets and groups (which name the VPCs), then per VPC its route tables (all of them: the
 * main table and the NAT gateways' tables matter), endpoints, NAT and internet gateways.
 * One call per resource type (more only for extra pages or more than 200 IDs).
 *
 * With `query.paths`: first the targets' network interfaces (their subnets and groups join the
 * first round), NACLs and DNS attributes join the second, a third reads the subnets and groups
 * the NAT gateways and interface endpoints use that the first did not, and a last one the
 * prefix lists all the routes and rules refer to, with their entries.
 */
export async function describeNetwork(ec2: EC2Client, query: NetworkQuery): Promise<NetworkFacts> {
  const opts = query.signal ? { abortSignal: query.signal } : {};
  const { paths } = query;
  const deniedActions: string[] = [];
  // Callers often have only the three reads Lambda itself needs (subnets, groups, VPCs): a
  // denied routing read leaves its list empty and is reported, rather than losing every check.
  const orDenied = recordDenied(deniedActions);
  const interfaces = paths ? await describeTargetInterfaces(ec2, paths, opts, orDenied) : [];
  const subnetIds = [
    ...query.subnetIds,
    ...(paths?.subnetIds ?? []),
    ...uniq(interfaces.map((e) => e.SubnetId)),
  ];
  const groupIds = [
    ...query.securityGroupIds,
    ...(paths?.securityGroupIds ?? []),
    ...uniq(interfaces.flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId))),
  ];
  const whole = query.wholeVpc;
  const [subnets, securityGroups] = await allSettled<[Subnet[], SecurityGroup[]]>(
    whole
      ? [listSubnetsOfVpc(ec2, whole, opts), listGroupsOfVpc(ec2, whole, opts)]
      : [describeSubnets(ec2, subnetIds, opts), describeGroups(ec2, groupIds, opts)],
  );
  const vpcIds = uniq([...subnets, ...securityGroups].map((x) => x.VpcId)).sort();
  const missing = (wanted: readonly string[], found: Array<string | undefined>) =>
    [...new Set(wanted)].filter((id) => !found.includes(id));
  const facts: NetworkFacts = {
    subnets,
    securityGroups,
    vpcs: [],
    routeTables: [],
    vpcEndpoints: [],
    natGateways: [],
    internetGateways: [],
    egressOnlyInternetGateways: query.ipv6 ? [] : undefined,
    deniedActions,
    missingSubnetIds: missing(
      subnetIds,
      subnets.map((s) => s.SubnetId),
    ),
    missingSecurityGroupIds: missing(
      groupIds,
      securityGroups.map((g) => g.GroupId),
    ),
    paths: paths
      ? {
          networkAcls: [],
          prefixLists: [],
          prefixListEntries: {},
          missingPrefixListIds: [],
          vpcDnsAttributes: [],
          networkInterfaces: interfaces,
        }
      : undefined,
  };
  if (vpcIds.length === 0) return facts;

  const cfg = { client: ec2 };
  const inVpcs: Filter[] = [{ Name: 'vpc-id', Values: vpcIds }];
  const byVpc = { Filters: inVpcs };
  const [vpcs, routeTables, vpcEndpoints, natGateways, internetGateways, egressOnly, acls, dns] =
    await allSettled<
      [
        Vpc[],
        RouteTable[],
        VpcEndpoint[],
        NatGateway[],
        InternetGateway[],
        EgressOnlyInternetGateway[] | undefined,
        NetworkAcl[],
        VpcDnsAttributes[],
      ]
    >([
      vpcIds.every((id) => query.knownVpcs?.some((v) => v.VpcId === id))
        ? Promise.resolve([...(query.knownVpcs ?? [])].filter((v) => v.VpcId && vpcIds.includes(v.VpcId)))
        : orDenied(
            collect('DescribeVpcs', paginateDescribeVpcs(cfg, byVpc, opts), (p) => p.Vpcs),
            [],
          ),
      orDenied(
        collect('DescribeRouteTables', paginateDescribeRouteTables(cfg, byVpc, opts), (p) => p.RouteTables),
        [],
      ),
      orDenied(
        collect(
          'DescribeVpcEndpoints',
          paginateDescribeVpcEndpoints(cfg, byVpc, opts),
          (p) => p.VpcEndpoints,
        ),
        [],
      ),
      orDenied(
        collect(
          'DescribeNatGateways',
          paginateDescribeNatGateways(cfg, { Filter: inVpcs }, opts),
          (p) => p.NatGateways,
        ),
        [],
      ),
      orDenied(
        collect(
          'DescribeInternetGateways',
          paginateDescribeInternetGateways(
            cfg,
            { Filters: [{ Name: 'attachment.vpc-id', Values: vpcIds }] },
            opts,
          ),
          (p) => p.InternetGateways,
        ),
        [],
      ),
      // This API filters by tags only, so it lists the region's gateways (there are few).
      query.ipv6
        ? orDenied(
            collect(
              'DescribeEgressOnlyInternetGateways',
              paginateDescribeEgressOnlyInternetGateways(cfg, {}, opts),
              (p) => p.EgressOnlyInternetGateways,
            ),
            [],
          )
        : Promise.resolve(undefined),
      paths ? describeNetworkAcls(ec2, vpcIds, opts, orDenied) : Promise.resolve([]),
      paths ? describeVpcDnsAttributes(ec2, vpcIds, opts, orDenied) : Promise.resolve([]),
    ]);
  const routing = {
    vpcs,
    routeTables,
    vpcEndpoints,
    natGateways,
    internetGateways,
    egressOnlyInternetGateways: egressOnly,
  };
  if (!facts.paths) return { ...facts, ...routing };

  // The NAT gateways' and interface endpoints' subnets and groups: their NACLs and ingress rules
  // are on the path too. Read here only what the first round did not.
  const interfaceEndpoints = vpcEndpoints.filter((e) => e.VpcEndpointType === 'Interface');
  const moreSubnets = missing(
    uniq([...natGateways.map((n) => n.SubnetId), ...interfaceEndpoints.flatMap((e) => e.SubnetIds ?? [])]),
    subnets.map((s) => s.SubnetId),
  );
  const moreGroups = missing(
    uniq(interfaceEndpoints.flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId))),
    securityGroups.map((g) => g.GroupId),
  );
  const [extraSubnets, extraGroups] = await Promise.all([
    moreSubnets.length > 0 ? orDenied(describeSubnets(ec2, moreSubnets, opts), []) : [],
    moreGroups.length > 0 ? orDenied(describeGroups(ec2, moreGroups, opts), []) : [],
  ]);
  const allGroups = [...securityGroups, ...extraGroups];
  const lists = await describePrefixLists(ec2, referencedPrefixLists(routeTables, allGroups), opts, orDenied);
  return {
    ...facts,
    ...routing,
    subnets: [...subnets, ...extraSubnets],
    securityGroups: allGroups,
    paths: { ...facts.paths, networkAcls: acls, vpcDnsAttributes: dns, ...lists },
  };
}

/** Subnets by an ID filter; a denial is fatal (Ec2ReadDenied), as nothing can be checked without them. */
const describeSubnets = (ec2: EC2Client, ids: readonly string[], opts: { abortSignal?: AbortSignal }) =>
  describeByIdFilter(
    ids,
    (filter) =>
      collect(
        'DescribeSubnets',
        paginateDescribeSubnets({ client: ec2 }, { Filters: [filter] }, opts),
        (p) => p.Subnets,
      ),
    'subnet-id',
  );

const describeGroups = (ec2: EC2Client, ids: readonly string[], opts: { abortSignal?: AbortSignal }) =>
  describeByIdFilter(
    ids,
    (filter) =>
      collect(
        'DescribeSecurityGroups',
        paginateDescribeSecurityGroups({ client: ec2 }, { Filters: [filter] }, opts),
        (p) => p.SecurityGroups,
      ),
    'group-id',
  );

const listSubnetsOfVpc = (ec2: EC2Client, vpcId: string, opts: { abortSignal?: AbortSignal }) =>
  collect(
    'DescribeSubnets',
    paginateDescribeSubnets({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }, opts),
    (p) => p.Subnets,
  );

const listGroupsOfVpc = (ec2: EC2Client, vpcId: string, opts: { abortSignal?: AbortSignal }) =>
  collect(
    'DescribeSecurityGroups',
    paginateDescribeSecurityGroups({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }, opts),
    (p) => p.SecurityGroups,
  );

/** The subnets and groups of a VPC configuration alone: their VPC, owner account and tags. */
export async function describeSubnetsAndGroups(
  ec2: EC2Client,
  subnetIds: readonly string[],
  groupIds: readonly string[],
): Promise<{ subnets: Subnet[]; securityGroups: SecurityGroup[] }> {
  const [subnets, securityGroups] = await Promise.all([
    describeSubnets(ec2, subnetIds, {}),
    describeGroups(ec2, groupIds, {}),
  ]);
  return { subnets, securityGroups };
}
