// STAND-IN, to be deleted at the merge with branch `facts`.
//
// The reads `reach` needs are being added on that branch: `describeNetwork(ec2, { …, paths })`
// in services/network.ts (with services/network-paths.ts) and `describeDatabase` in
// services/rds.ts. Until they land, this file gives the same functions with the same shapes and
// the same EC2/RDS calls, so `reach` runs and its tests pass; workflows/reach-reads.ts is the one
// place that imports it. At the merge: point reach-reads.ts at the real functions, delete this.

import {
  DescribeVpcAttributeCommand,
  type DescribeVpcAttributeResult,
  type EC2Client,
  type ManagedPrefixList,
  type NetworkAcl,
  type NetworkInterface,
  type PrefixListEntry,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateGetManagedPrefixListEntries,
  type SecurityGroup,
  type Subnet,
} from '@aws-sdk/client-ec2';
import {
  type DBCluster,
  type DBInstance,
  type DBSubnetGroup,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { isAccessDenied } from '../errors.js';
import { describeNetwork as describeRouting, type NetworkFacts, type NetworkQuery } from './network.js';

/** As on `facts` (services/network-paths.ts). */
export interface PathQuery {
  subnetIds?: readonly string[] | undefined;
  securityGroupIds?: readonly string[] | undefined;
  privateIpAddresses?: readonly string[] | undefined;
  networkInterfaceIds?: readonly string[] | undefined;
  memberGroupIds?: readonly string[] | undefined;
}

export type VpcDnsAttributes = Pick<
  DescribeVpcAttributeResult,
  'VpcId' | 'EnableDnsSupport' | 'EnableDnsHostnames'
>;

/** As on `facts`. */
export interface PathFacts {
  networkAcls: NetworkAcl[];
  prefixLists: ManagedPrefixList[];
  prefixListEntries: Record<string, PrefixListEntry[]>;
  missingPrefixListIds: string[];
  vpcDnsAttributes: VpcDnsAttributes[];
  networkInterfaces: NetworkInterface[];
}

/** As on `facts`: describeNetwork's query and answer with `paths`. */
export type PathNetworkQuery = NetworkQuery & { paths?: PathQuery | undefined };
export type PathNetworkFacts = NetworkFacts & { paths?: PathFacts | undefined };

type Opts = { abortSignal?: AbortSignal };
const uniq = (xs: ReadonlyArray<string | undefined>) => [...new Set(xs.filter((x): x is string => !!x))];

async function pages<P, T>(iter: AsyncIterable<P>, items: (p: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const p of iter) out.push(...(items(p) ?? []));
  return out;
}

/** describeNetwork with `paths`: the same calls, in the same rounds, as on `facts`. */
export async function describeNetwork(ec2: EC2Client, query: PathNetworkQuery): Promise<PathNetworkFacts> {
  const { paths } = query;
  if (!paths) return describeRouting(ec2, query);
  const opts: Opts = query.signal ? { abortSignal: query.signal } : {};
  const denied: string[] = [];
  const orDenied = async <T>(action: string, read: Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read;
    } catch (error) {
      if (!isAccessDenied(error)) throw error;
      denied.push(`ec2:${action}`);
      return fallback;
    }
  };
  const lookups: Array<[string, readonly string[] | undefined]> = [
    ['addresses.private-ip-address', paths.privateIpAddresses],
    ['network-interface-id', paths.networkInterfaceIds],
    ['group-id', paths.memberGroupIds],
  ];
  const found = await Promise.all(
    lookups
      .filter(([, values]) => values && values.length > 0)
      .map(([Name, values]) =>
        orDenied(
          'DescribeNetworkInterfaces',
          pages(
            paginateDescribeNetworkInterfaces(
              { client: ec2 },
              { Filters: [{ Name, Values: [...(values ?? [])] }] },
              opts,
            ),
            (p) => p.NetworkInterfaces,
          ),
          [],
        ),
      ),
  );
  const interfaces = [...new Map(found.flat().map((e) => [e.NetworkInterfaceId, e])).values()];
  const routing = await describeRouting(ec2, {
    ...query,
    subnetIds: uniq([...query.subnetIds, ...(paths.subnetIds ?? []), ...interfaces.map((e) => e.SubnetId)]),
    securityGroupIds: uniq([
      ...query.securityGroupIds,
      ...(paths.securityGroupIds ?? []),
      ...interfaces.flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId)),
    ]),
  });
  const vpcIds = uniq([...routing.subnets, ...routing.securityGroups].map((x) => x.VpcId)).sort();
  const empty: PathFacts = {
    networkAcls: [],
    prefixLists: [],
    prefixListEntries: {},
    missingPrefixListIds: [],
    vpcDnsAttributes: [],
    networkInterfaces: interfaces,
  };
  if (vpcIds.length === 0)
    return { ...routing, deniedActions: [...denied, ...routing.deniedActions], paths: empty };

  const attribute = (VpcId: string, Attribute: 'enableDnsSupport' | 'enableDnsHostnames') =>
    orDenied(
      'DescribeVpcAttribute',
      ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute }), opts),
      undefined,
    );
  const endpoints = routing.vpcEndpoints.filter((e) => e.VpcEndpointType === 'Interface');
  const haveSubnets = routing.subnets.map((s) => s.SubnetId);
  const haveGroups = routing.securityGroups.map((g) => g.GroupId);
  const moreSubnets = uniq([
    ...routing.natGateways.map((n) => n.SubnetId),
    ...endpoints.flatMap((e) => e.SubnetIds ?? []),
  ]).filter((id) => !haveSubnets.includes(id));
  const moreGroups = uniq(endpoints.flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId))).filter(
    (id) => !haveGroups.includes(id),
  );
  const [acls, dns, extraSubnets, extraGroups] = await Promise.all([
    orDenied(
      'DescribeNetworkAcls',
      pages(
        paginateDescribeNetworkAcls({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: vpcIds }] }, opts),
        (p) => p.NetworkAcls,
      ),
      [],
    ),
    Promise.all(
      vpcIds.map(async (VpcId): Promise<VpcDnsAttributes | undefined> => {
        const [s, h] = await Promise.all([
          attribute(VpcId, 'enableDnsSupport'),
          attribute(VpcId, 'enableDnsHostnames'),
        ]);
        return s && h
          ? { VpcId, EnableDnsSupport: s.EnableDnsSupport, EnableDnsHostnames: h.EnableDnsHostnames }
          : undefined;
      }),
    ),
    moreSubnets.length === 0
      ? Promise.resolve<Subnet[]>([])
      : orDenied(
          'DescribeSubnets',
          pages(
            paginateDescribeSubnets(
              { client: ec2 },
              { Filters: [{ Name: 'subnet-id', Values: moreSubnets }] },
              opts,
            ),
            (p) => p.Subnets,
          ),
          [],
        ),
    moreGroups.length === 0
      ? Promise.resolve<SecurityGroup[]>([])
      : orDenied(
          'DescribeSecurityGroups',
          pages(
            paginateDescribeSecurityGroups(
              { client: ec2 },
              { Filters: [{ Name: 'group-id', Values: moreGroups }] },
              opts,
            ),
            (p) => p.SecurityGroups,
          ),
          [],
        ),
  ]);
  const groups = [...routing.securityGroups, ...extraGroups];
  const listIds = uniq([
    ...routing.routeTables.flatMap((t) => (t.Routes ?? []).map((r) => r.DestinationPrefixListId)),
    ...groups.flatMap((g) =>
      [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])].flatMap((p) =>
        (p.PrefixListIds ?? []).map((x) => x.PrefixListId),
      ),
    ),
  ]).sort();
  const [lists, entries] = await Promise.all([
    listIds.length === 0
      ? Promise.resolve<ManagedPrefixList[] | undefined>([])
      : orDenied(
          'DescribeManagedPrefixLists',
          pages(
            paginateDescribeManagedPrefixLists(
              { client: ec2 },
              { Filters: [{ Name: 'prefix-list-id', Values: listIds }] },
              opts,
            ),
            (p) => p.PrefixLists,
          ),
          undefined,
        ),
    Promise.all(
      listIds.map((PrefixListId) =>
        orDenied(
          'GetManagedPrefixListEntries',
          pages(
            paginateGetManagedPrefixListEntries({ client: ec2 }, { PrefixListId }, opts),
            (p) => p.Entries,
          ),
          undefined,
        ),
      ),
    ),
  ]);
  const prefixListEntries: Record<string, PrefixListEntry[]> = {};
  listIds.forEach((id, i) => {
    const e = entries[i];
    if (e) prefixListEntries[id] = e;
  });
  const foundLists = lists?.map((p) => p.PrefixListId);
  return {
    ...routing,
    subnets: [...routing.subnets, ...extraSubnets],
    securityGroups: groups,
    deniedActions: uniq([...denied, ...routing.deniedActions]),
    paths: {
      networkAcls: acls,
      prefixLists: lists ?? [],
      prefixListEntries,
      missingPrefixListIds: foundLists ? listIds.filter((id) => !foundLists.includes(id)) : [],
      vpcDnsAttributes: dns.filter((d) => d !== undefined),
      networkInterfaces: interfaces,
    },
  };
}

/** As on `facts` (services/rds.ts). */
export interface DatabaseFacts {
  instances: DBInstance[];
  clusters: DBCluster[];
  subnetGroups: DBSubnetGroup[];
  deniedActions: string[];
}

const ENDPOINT =
  /^([a-z][a-z0-9-]*)\.(cluster-(?:ro-)?)?[a-z0-9]+\.[a-z0-9-]+\.rds\.amazonaws\.com(?:\.cn)?$/;
const ARN = /^arn:aws[\w-]*:rds:[\w-]+:\d{12}:(db|cluster):([A-Za-z][\w-]*)$/;
const NOT_FOUND = new Set([
  'DBInstanceNotFoundFault',
  'DBClusterNotFoundFault',
  'DBSubnetGroupNotFoundFault',
]);

/** describeDatabase: an identifier (instance and cluster both asked), an ARN, or an endpoint hostname. */
export async function describeDatabase(
  rds: RDSClient,
  input: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<DatabaseFacts> {
  const opts: Opts = options.signal ? { abortSignal: options.signal } : {};
  const text = input.trim();
  const arn = ARN.exec(text);
  const host = text.includes('.') && !arn ? text.toLowerCase().replace(/\.$/, '') : undefined;
  const m = host ? ENDPOINT.exec(host) : null;
  const instanceId = arn
    ? arn[1] === 'db'
      ? arn[2]
      : undefined
    : host
      ? m && !m[2]
        ? m[1]
        : undefined
      : text;
  const clusterId = arn
    ? arn[1] === 'cluster'
      ? arn[2]
      : undefined
    : host
      ? m?.[2]
        ? m[1]
        : undefined
      : text;
  const deniedActions: string[] = [];
  const read = async <T>(action: string, call: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await call();
    } catch (error) {
      if (NOT_FOUND.has((error as { name?: string })?.name ?? '')) return [];
      if (isAccessDenied(error)) {
        deniedActions.push(`rds:${action}`);
        return [];
      }
      throw error;
    }
  };
  const listAll = host !== undefined && !instanceId && !clusterId;
  const [instances, clusters] = await Promise.all([
    instanceId || listAll
      ? read('DescribeDBInstances', async () => {
          const out = await rds.send(
            new DescribeDBInstancesCommand(instanceId ? { DBInstanceIdentifier: instanceId } : {}),
            opts,
          );
          return out.DBInstances ?? [];
        })
      : Promise.resolve([]),
    clusterId || listAll
      ? read('DescribeDBClusters', async () => {
          const out = await rds.send(
            new DescribeDBClustersCommand(clusterId ? { DBClusterIdentifier: clusterId } : {}),
            opts,
          );
          return out.DBClusters ?? [];
        })
      : Promise.resolve([]),
  ]);
  const matchingInstances = host
    ? instances.filter((i) => i.Endpoint?.Address?.toLowerCase() === host)
    : instances;
  const matchingClusters = host
    ? clusters.filter((c) =>
        [c.Endpoint, c.ReaderEndpoint, ...(c.CustomEndpoints ?? [])].some((e) => e?.toLowerCase() === host),
      )
    : clusters;
  const subnetGroups = (
    await Promise.all(
      uniq(matchingClusters.map((c) => c.DBSubnetGroup)).map((DBSubnetGroupName) =>
        read('DescribeDBSubnetGroups', async () => {
          const out = await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName }), opts);
          return out.DBSubnetGroups ?? [];
        }),
      ),
    )
  ).flat();
  return {
    instances: matchingInstances,
    clusters: matchingClusters,
    subnetGroups,
    deniedActions: uniq(deniedActions),
  };
}
