// The reads a path (`reach`) needs beyond the routing facts: network ACLs, the prefix lists that
// routes and group rules refer to with their entries, the VPCs' DNS attributes, and the network
// interfaces a target names. Batched like describeNetwork: one call per type (DescribeVpcAttribute
// takes one VPC and one attribute, so two per VPC; GetManagedPrefixListEntries one per list).
import {
  DescribeVpcAttributeCommand,
  type DescribeVpcAttributeResult,
  type EC2Client,
  type Filter,
  type ManagedPrefixList,
  type NetworkAcl,
  type NetworkInterface,
  type PrefixListEntry,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateGetManagedPrefixListEntries,
  type RouteTable,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { collect, describeByIdFilter, once, type recordDenied, uniq } from './ec2-reads.js';

/** What the targets of a path name besides the function's own subnets and groups. */
export interface PathQuery {
  /** Subnets of the targets (an RDS instance's DB subnet group): read with the function's, in one call. */
  subnetIds?: readonly string[] | undefined;
  /** Groups of the targets (an RDS instance's VpcSecurityGroups): likewise. */
  securityGroupIds?: readonly string[] | undefined;
  /** Network interfaces holding these private IPv4 addresses (a `10.0.5.17:6379` target). */
  privateIpAddresses?: readonly string[] | undefined;
  /** Network interfaces by ID (an `eni-…` target). */
  networkInterfaceIds?: readonly string[] | undefined;
  /** Network interfaces in these groups (an `sg-…:PORT` target: anything in the group). */
  memberGroupIds?: readonly string[] | undefined;
}

/** DescribeVpcAttribute's answers for one VPC, both DNS attributes merged into one object. */
export type VpcDnsAttributes = Pick<
  DescribeVpcAttributeResult,
  'VpcId' | 'EnableDnsSupport' | 'EnableDnsHostnames'
>;

/** The path facts, in the SDK's own shapes; a denied read leaves its list empty (and is in deniedActions). */
export interface PathFacts {
  /** Every NACL of the VPCs involved; a subnet's is the one whose Associations name it. */
  networkAcls: NetworkAcl[];
  /** The prefix lists routes and group rules refer to. */
  prefixLists: ManagedPrefixList[];
  /** Their entries, by prefix list ID (absent: that read failed or was denied). */
  prefixListEntries: Record<string, PrefixListEntry[]>;
  /** Referenced prefix lists EC2 does not know. */
  missingPrefixListIds: string[];
  /** enableDnsSupport and enableDnsHostnames of each VPC (a VPC is absent when the read was denied). */
  vpcDnsAttributes: VpcDnsAttributes[];
  /** The interfaces the PathQuery named, found by address, ID or group. */
  networkInterfaces: NetworkInterface[];
}

type Opts = { abortSignal?: AbortSignal };
type OrDenied = ReturnType<typeof recordDenied>;

/**
 * The network interfaces a target names: one DescribeNetworkInterfaces per kind of lookup asked
 * (EC2 ANDs different filters, so addresses, IDs and groups cannot share a call), by filter so
 * an unknown ID does not fail the call.
 */
export async function describeTargetInterfaces(
  ec2: EC2Client,
  q: PathQuery,
  opts: Opts,
  orDenied: OrDenied,
): Promise<NetworkInterface[]> {
  const lookups: Array<[string, readonly string[] | undefined]> = [
    ['addresses.private-ip-address', q.privateIpAddresses],
    ['network-interface-id', q.networkInterfaceIds],
    ['group-id', q.memberGroupIds],
  ];
  const found = await Promise.all(
    lookups
      .filter(([, values]) => values && values.length > 0)
      .map(([name, values]) =>
        orDenied(
          describeByIdFilter(
            values ?? [],
            (filter) =>
              collect(
                'DescribeNetworkInterfaces',
                paginateDescribeNetworkInterfaces({ client: ec2 }, { Filters: [filter] }, opts),
                (p) => p.NetworkInterfaces,
              ),
            name,
          ),
          [],
        ),
      ),
  );
  const byId = new Map(found.flat().map((e) => [e.NetworkInterfaceId, e]));
  return [...byId.values()];
}

/** The NACLs of the VPCs, in one call. */
export const describeNetworkAcls = (ec2: EC2Client, vpcIds: string[], opts: Opts, orDenied: OrDenied) =>
  orDenied(
    collect(
      'DescribeNetworkAcls',
      paginateDescribeNetworkAcls({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: vpcIds }] }, opts),
      (p) => p.NetworkAcls,
    ),
    [],
  );

/** Both DNS attributes of each VPC (the API answers one attribute of one VPC a call). */
export async function describeVpcDnsAttributes(
  ec2: EC2Client,
  vpcIds: string[],
  opts: Opts,
  orDenied: OrDenied,
): Promise<VpcDnsAttributes[]> {
  const attribute = (VpcId: string, Attribute: 'enableDnsSupport' | 'enableDnsHostnames') =>
    once('DescribeVpcAttribute', ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute }), opts));
  const answers = await Promise.all(
    vpcIds.map(async (VpcId) => {
      const [support, hostnames] = await Promise.all([
        orDenied(attribute(VpcId, 'enableDnsSupport'), undefined),
        orDenied(attribute(VpcId, 'enableDnsHostnames'), undefined),
      ]);
      if (!support || !hostnames) return undefined;
      return {
        VpcId,
        EnableDnsSupport: support.EnableDnsSupport,
        EnableDnsHostnames: hostnames.EnableDnsHostnames,
      };
    }),
  );
  return uniq(answers);
}

/** The prefix lists the routes and the group rules (ingress and egress) refer to. */
export function referencedPrefixLists(routeTables: RouteTable[], groups: SecurityGroup[]): string[] {
  const fromRoutes = routeTables.flatMap((t) => (t.Routes ?? []).map((r) => r.DestinationPrefixListId));
  const fromRules = groups.flatMap((g) =>
    [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])].flatMap((p) =>
      (p.PrefixListIds ?? []).map((x) => x.PrefixListId),
    ),
  );
  return uniq([...fromRoutes, ...fromRules]).sort();
}

const isNotFound = (error: unknown) =>
  /^InvalidPrefixListI[dD]\.NotFound$/.test((error as { name?: string })?.name ?? '');

/**
 * The prefix lists by ID (one DescribeManagedPrefixLists, through a filter so unknown IDs do not
 * fail it) and, in parallel, each list's entries (one GetManagedPrefixListEntries per list).
 */
export async function describePrefixLists(
  ec2: EC2Client,
  ids: string[],
  opts: Opts,
  orDenied: OrDenied,
): Promise<Pick<PathFacts, 'prefixLists' | 'prefixListEntries' | 'missingPrefixListIds'>> {
  if (ids.length === 0) return { prefixLists: [], prefixListEntries: {}, missingPrefixListIds: [] };
  const entriesOf = async (PrefixListId: string) => {
    try {
      return await collect(
        'GetManagedPrefixListEntries',
        paginateGetManagedPrefixListEntries({ client: ec2 }, { PrefixListId }, opts),
        (p) => p.Entries,
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const [prefixLists, entries] = await Promise.all([
    orDenied(
      describeByIdFilter(
        ids,
        (filter: Filter) =>
          collect(
            'DescribeManagedPrefixLists',
            paginateDescribeManagedPrefixLists({ client: ec2 }, { Filters: [filter] }, opts),
            (p) => p.PrefixLists,
          ),
        'prefix-list-id',
      ),
      undefined,
    ),
    Promise.all(ids.map((id) => orDenied(entriesOf(id), undefined))),
  ]);
  const prefixListEntries: Record<string, PrefixListEntry[]> = {};
  ids.forEach((id, i) => {
    const e = entries[i];
    if (e) prefixListEntries[id] = e;
  });
  // Known missing only when the describe was allowed: a denied describe proves nothing.
  const found = prefixLists?.map((p) => p.PrefixListId);
  return {
    prefixLists: prefixLists ?? [],
    prefixListEntries,
    missingPrefixListIds: found ? ids.filter((id) => !found.includes(id)) : [],
  };
}
