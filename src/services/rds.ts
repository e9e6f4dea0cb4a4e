// RDS reads for a database target: an instance or an Aurora cluster, by identifier, ARN or
// endpoint hostname. Loaded (with @aws-sdk/client-rds) only when a command has an RDS target.
import {
  type DBCluster,
  type DBInstance,
  type DBSubnetGroup,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { isAccessDenied } from '../errors.js';

/** What matched, in the SDK's own shapes; the caller decides what none or two matches mean. */
export interface DatabaseFacts {
  /** Instances whose identifier, ARN or endpoint address is the one asked for. */
  instances: DBInstance[];
  /** Clusters whose identifier, ARN, writer, reader or custom endpoint is the one asked for. */
  clusters: DBCluster[];
  /** The DB subnet groups of those clusters (DescribeDBClusters names them only; an instance carries its own). */
  subnetGroups: DBSubnetGroup[];
  /** Reads that were denied (`rds:DescribeDBInstances`, …): their lists are empty, so "none matched" is unproved. */
  deniedActions: string[];
}

type Ref =
  | { by: 'id'; instance: string | undefined; cluster: string | undefined }
  | { by: 'hostname'; hostname: string; instance: string | undefined; cluster: string | undefined };

const ARN = /^arn:aws[\w-]*:rds:[\w-]+:\d{12}:(db|cluster):([A-Za-z][\w-]*)$/;
/** `ID.HASH.REGION.rds.amazonaws.com`, `ID.cluster-HASH…`, `ID.cluster-ro-HASH…`. */
const ENDPOINT =
  /^([a-z][a-z0-9-]*)\.(cluster-(?:ro-)?)?[a-z0-9]+\.[a-z0-9-]+\.rds\.amazonaws\.com(?:\.cn)?$/;

/** Which identifiers to ask for; a hostname that does not name one (custom, proxy, CNAME) lists all. */
function parse(input: string): Ref {
  const arn = ARN.exec(input);
  if (arn) {
    const id = arn[2];
    return {
      by: 'id',
      instance: arn[1] === 'db' ? id : undefined,
      cluster: arn[1] === 'cluster' ? id : undefined,
    };
  }
  if (!input.includes('.')) return { by: 'id', instance: input, cluster: input };
  const hostname = input.toLowerCase().replace(/\.$/, '');
  const m = ENDPOINT.exec(hostname);
  if (!m) return { by: 'hostname', hostname, instance: undefined, cluster: undefined };
  return m[2]
    ? { by: 'hostname', hostname, instance: undefined, cluster: m[1] }
    : { by: 'hostname', hostname, instance: m[1], cluster: undefined };
}

const NOT_FOUND = new Set([
  'DBInstanceNotFoundFault',
  'DBClusterNotFoundFault',
  'DBSubnetGroupNotFoundFault',
]);

type Opts = { abortSignal?: AbortSignal };

/**
 * Finds the database `input` names: an identifier (instance or cluster: both are asked, in
 * parallel), an ARN, or an endpoint hostname (the identifier in its first label is asked for, then
 * the address compared). Calls: one per kind asked, plus DescribeDBSubnetGroups per matching
 * cluster's group; a hostname that names no identifier lists the instances and clusters.
 * Not found is an empty list, never an error; a denied read is recorded, never fatal.
 */
export async function describeDatabase(
  rds: RDSClient,
  input: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<DatabaseFacts> {
  const opts: Opts = options.signal ? { abortSignal: options.signal } : {};
  const ref = parse(input.trim());
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
  const listAll = ref.by === 'hostname' && !ref.instance && !ref.cluster;
  const [instances, clusters] = await Promise.all([
    ref.instance || listAll
      ? read('DescribeDBInstances', () => describeInstances(rds, ref.instance, opts))
      : Promise.resolve([]),
    ref.cluster || listAll
      ? read('DescribeDBClusters', () => describeClusters(rds, ref.cluster, opts))
      : Promise.resolve([]),
  ]);
  const host = ref.by === 'hostname' ? ref.hostname : undefined;
  const matchingInstances = host
    ? instances.filter((i) => i.Endpoint?.Address?.toLowerCase() === host)
    : instances;
  const matchingClusters = host
    ? clusters.filter((c) =>
        [c.Endpoint, c.ReaderEndpoint, ...(c.CustomEndpoints ?? [])].some((e) => e?.toLowerCase() === host),
      )
    : clusters;
  const groupNames = [
    ...new Set(matchingClusters.flatMap((c) => (c.DBSubnetGroup ? [c.DBSubnetGroup] : []))),
  ];
  const subnetGroups = (
    await Promise.all(
      groupNames.map((DBSubnetGroupName) =>
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
    deniedActions: [...new Set(deniedActions)],
  };
}

async function describeInstances(rds: RDSClient, id: string | undefined, opts: Opts): Promise<DBInstance[]> {
  if (id) {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), opts);
    return out.DBInstances ?? [];
  }
  const all: DBInstance[] = [];
  for await (const page of paginateDescribeDBInstances({ client: rds }, {}, opts))
    all.push(...(page.DBInstances ?? []));
  return all;
}

async function describeClusters(rds: RDSClient, id: string | undefined, opts: Opts): Promise<DBCluster[]> {
  if (id) {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }), opts);
    return out.DBClusters ?? [];
  }
  const all: DBCluster[] = [];
  for await (const page of paginateDescribeDBClusters({ client: rds }, {}, opts))
    all.push(...(page.DBClusters ?? []));
  return all;
}
