import {
  type EC2Client,
  type EgressOnlyInternetGateway,
  type Filter,
  type InternetGateway,
  type NatGateway,
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
import { CliError, isAccessDenied } from '../errors.js';

/** What one command asks about: the union over all its functions, so EC2 is asked once per type. */
export interface NetworkQuery {
  subnetIds: readonly string[];
  securityGroupIds: readonly string[];
  /** Egress-only internet gateways matter only for IPv6 dual-stack, so they are described only then. */
  ipv6: boolean;
  signal?: AbortSignal | undefined;
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
}

/** The caller may not read the network: callers skip the check and say so instead of failing. */
export class Ec2ReadDenied extends CliError {
  constructor(
    readonly action: string,
    cause: unknown,
  ) {
    super('AccessDenied', `no EC2 read permission (ec2:${action} was denied)`, {
      cause,
      hint: 'Grant the EC2 read actions listed in docs/permissions.md, or skip the check.',
    });
  }
}

/** EC2 documents at most 200 values per filter. */
const MAX_FILTER_VALUES = 200;

type Page<T> = AsyncIterable<T>;

async function collect<P, T>(action: string, pages: Page<P>, items: (page: P) => T[] | undefined) {
  const out: T[] = [];
  try {
    for await (const page of pages) out.push(...(items(page) ?? []));
  } catch (error) {
    if (isAccessDenied(error)) throw new Ec2ReadDenied(action, error);
    throw error;
  }
  return out;
}

/** Like Promise.all, but lets every call finish before failing, so none is cut off mid-flight. */
async function allSettled<T extends readonly unknown[]>(
  promises: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

const chunks = <T>(xs: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

/**
 * Describes subnets or groups with a filter on their IDs rather than the ID list: an ID list
 * fails the whole call with InvalidSubnetID.NotFound / InvalidGroup.NotFound when one ID is
 * missing, while a filter returns what exists, so the missing ones are the difference.
 */
async function describeByIdFilter<T>(
  ids: readonly string[],
  describe: (filter: Filter) => Promise<T[]>,
  filterName: string,
): Promise<T[]> {
  const batches = chunks([...new Set(ids)], MAX_FILTER_VALUES);
  const pages = await Promise.all(batches.map((Values) => describe({ Name: filterName, Values })));
  return pages.flat();
}

/**
 * Everything the reachability analysis needs, in two rounds of parallel calls: first the
 * subnets and groups (which name the VPCs), then per VPC its route tables (all of them: the
 * main table and the NAT gateways' tables matter), endpoints, NAT and internet gateways.
 * One call per resource type (more only for extra pages or more than 200 IDs).
 */
export async function describeNetwork(ec2: EC2Client, query: NetworkQuery): Promise<NetworkFacts> {
  const cfg = { client: ec2 };
  const opts = query.signal ? { abortSignal: query.signal } : {};
  const [subnets, securityGroups] = await allSettled<[Subnet[], SecurityGroup[]]>([
    describeByIdFilter(
      query.subnetIds,
      (filter) =>
        collect(
          'DescribeSubnets',
          paginateDescribeSubnets(cfg, { Filters: [filter] }, opts),
          (p) => p.Subnets,
        ),
      'subnet-id',
    ),
    describeByIdFilter(
      query.securityGroupIds,
      (filter) =>
        collect(
          'DescribeSecurityGroups',
          paginateDescribeSecurityGroups(cfg, { Filters: [filter] }, opts),
          (p) => p.SecurityGroups,
        ),
      'group-id',
    ),
  ]);
  const vpcIds = [
    ...new Set([...subnets, ...securityGroups].flatMap((x) => (x.VpcId ? [x.VpcId] : []))),
  ].sort();
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
    deniedActions: [],
    missingSubnetIds: missing(
      query.subnetIds,
      subnets.map((s) => s.SubnetId),
    ),
    missingSecurityGroupIds: missing(
      query.securityGroupIds,
      securityGroups.map((g) => g.GroupId),
    ),
  };
  if (vpcIds.length === 0) return facts;

  const inVpcs: Filter[] = [{ Name: 'vpc-id', Values: vpcIds }];
  // Callers often have only the three reads Lambda itself needs (subnets, groups, VPCs): a
  // denied routing read leaves its list empty and is reported, rather than losing every check.
  const orDenied = async <T>(list: Promise<T[]>): Promise<T[]> => {
    try {
      return await list;
    } catch (error) {
      if (!(error instanceof Ec2ReadDenied)) throw error;
      facts.deniedActions.push(`ec2:${error.action}`);
      return [];
    }
  };
  const byVpc = { Filters: inVpcs };
  const [vpcs, routeTables, vpcEndpoints, natGateways, internetGateways, egressOnly] = await allSettled<
    [
      Vpc[],
      RouteTable[],
      VpcEndpoint[],
      NatGateway[],
      InternetGateway[],
      EgressOnlyInternetGateway[] | undefined,
    ]
  >([
    orDenied(collect('DescribeVpcs', paginateDescribeVpcs(cfg, byVpc, opts), (p) => p.Vpcs)),
    orDenied(
      collect('DescribeRouteTables', paginateDescribeRouteTables(cfg, byVpc, opts), (p) => p.RouteTables),
    ),
    orDenied(
      collect('DescribeVpcEndpoints', paginateDescribeVpcEndpoints(cfg, byVpc, opts), (p) => p.VpcEndpoints),
    ),
    orDenied(
      collect(
        'DescribeNatGateways',
        paginateDescribeNatGateways(cfg, { Filter: inVpcs }, opts),
        (p) => p.NatGateways,
      ),
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
    ),
    // This API filters by tags only, so it lists the region's gateways (there are few).
    query.ipv6
      ? orDenied(
          collect(
            'DescribeEgressOnlyInternetGateways',
            paginateDescribeEgressOnlyInternetGateways(cfg, {}, opts),
            (p) => p.EgressOnlyInternetGateways,
          ),
        )
      : Promise.resolve(undefined),
  ]);
  return {
    ...facts,
    vpcs,
    routeTables,
    vpcEndpoints,
    natGateways,
    internetGateways,
    egressOnlyInternetGateways: egressOnly,
  };
}
