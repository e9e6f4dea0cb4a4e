// RDS, awsQuery (version 2014-10-31): form POST with `Filters.Filter.1.Values.Value.1=..`, XML answers
// whose lists name their members (`<DBInstances><DBInstance>`), errors in `<ErrorResponse>`.
// Only the reads `reach` needs: DescribeDBInstances, DescribeDBClusters, DescribeDBSubnetGroups.
import { createHash } from 'node:crypto';
import {
  AwsError,
  accessDeniedMessage,
  decodeToken,
  type ParsedCall,
  paginate,
  type RawRequest,
  type ServiceHandler,
} from './common.js';
import { queryFault, queryXmlReply } from './iam.js';
import type { FakeState } from './state.js';
import type { DbClusterSpec, DbInstanceSpec, DbSubnetGroupSpec, Tags } from './types.js';
import { namedList, param, parseQueryForm, queryErrorXml, queryResponseXml, type XmlObject } from './xml.js';

const XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const CREATED = '2024-01-15T09:30:00.000Z';
const DEFAULT_HASH = 'c9akciq32b5x';
/** Route 53 zone of RDS endpoints in us-east-1 (the fake uses it in every region). */
const HOSTED_ZONE = 'Z2R2ITUGPM61AM';

const DEFAULT_PORTS: Record<string, number> = {
  postgres: 5432,
  'aurora-postgresql': 5432,
  mysql: 3306,
  mariadb: 3306,
  'aurora-mysql': 3306,
  'oracle-ee': 1521,
  'sqlserver-se': 1433,
};
const portOf = (engine: string, port: number | undefined) => port ?? DEFAULT_PORTS[engine] ?? 5432;
const resourceId = (prefix: string, s: string) =>
  prefix + createHash('sha1').update(s).digest('base64url').replace(/[-_]/g, 'X').slice(0, 26).toUpperCase();
const tagList = (tags: Tags | undefined) =>
  namedList(
    'Tag',
    Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  );
const arn = (s: FakeState, kind: 'db' | 'cluster' | 'subgrp', id: string) =>
  `arn:aws:rds:${s.region}:${s.accountId}:${kind}:${id}`;
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** Identifiers are case-insensitive; a full ARN names the same resource. */
const names = (s: FakeState, kind: 'db' | 'cluster', id: string) => (wanted: string) =>
  sameId(wanted, id) || sameId(wanted, arn(s, kind, id.toLowerCase()));

const vpcGroups = (ids: string[]) =>
  namedList(
    'VpcSecurityGroupMembership',
    ids.map((VpcSecurityGroupId) => ({ VpcSecurityGroupId, Status: 'active' })),
  );

function subnetGroup(s: FakeState, name: string): DbSubnetGroupSpec {
  const g = s.dbSubnetGroups.find((x) => sameId(x.DBSubnetGroupName, name));
  if (!g) throw new Error(`fake-aws: the scenario names DB subnet group ${name} but does not define it`);
  return g;
}

function subnetGroupXml(s: FakeState, g: DbSubnetGroupSpec): XmlObject {
  return {
    DBSubnetGroupName: g.DBSubnetGroupName,
    DBSubnetGroupDescription: g.Description ?? g.DBSubnetGroupName,
    VpcId: g.VpcId,
    SubnetGroupStatus: 'Complete',
    Subnets: namedList(
      'Subnet',
      g.SubnetIds.map((SubnetIdentifier) => ({
        SubnetIdentifier,
        SubnetAvailabilityZone: {
          Name: s.subnets.find((x) => x.SubnetId === SubnetIdentifier)?.AvailabilityZone,
        },
        SubnetOutpost: {},
        SubnetStatus: 'Active',
      })),
    ),
    DBSubnetGroupArn: arn(s, 'subgrp', g.DBSubnetGroupName),
    SupportedNetworkTypes: namedList('member', ['IPV4']),
  };
}

const clusterOf = (s: FakeState, x: DbInstanceSpec) =>
  x.DBClusterIdentifier
    ? s.dbClusters.find((c) => sameId(c.DBClusterIdentifier, x.DBClusterIdentifier ?? ''))
    : undefined;

function instanceXml(s: FakeState, x: DbInstanceSpec): XmlObject {
  const id = x.DBInstanceIdentifier.toLowerCase();
  const cluster = clusterOf(s, x);
  const engine = x.Engine ?? cluster?.Engine ?? 'postgres';
  const status = x.DBInstanceStatus ?? 'available';
  const group = subnetGroup(s, x.DBSubnetGroupName);
  const firstAz = s.subnets.find((sn) => sn.SubnetId === group.SubnetIds[0])?.AvailabilityZone;
  return {
    DBInstanceIdentifier: id,
    DBInstanceClass: x.DBInstanceClass ?? 'db.t3.micro',
    Engine: engine,
    DBInstanceStatus: status,
    MasterUsername: 'postgres',
    // RDS has no endpoint until the instance is first available.
    Endpoint:
      status === 'creating'
        ? undefined
        : {
            Address: `${id}.${x.EndpointHash ?? DEFAULT_HASH}.${s.region}.rds.amazonaws.com`,
            Port: portOf(engine, x.Port ?? cluster?.Port),
            HostedZoneId: HOSTED_ZONE,
          },
    AllocatedStorage: cluster ? 1 : 20,
    InstanceCreateTime: CREATED,
    PreferredBackupWindow: '03:00-03:30',
    BackupRetentionPeriod: 1,
    DBSecurityGroups: namedList('DBSecurityGroup', []),
    VpcSecurityGroups: vpcGroups(cluster ? cluster.VpcSecurityGroupIds : x.VpcSecurityGroupIds),
    AvailabilityZone: x.AvailabilityZone ?? firstAz,
    DBSubnetGroup: subnetGroupXml(s, group),
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    MultiAZ: x.MultiAZ ?? false,
    EngineVersion: engine.includes('mysql') ? '8.0.39' : '16.4',
    AutoMinorVersionUpgrade: true,
    ReadReplicaDBInstanceIdentifiers: namedList('ReadReplicaDBInstanceIdentifier', []),
    LicenseModel:
      engine.includes('mysql') || engine === 'mariadb' ? 'general-public-license' : 'postgresql-license',
    OptionGroupMemberships: namedList('OptionGroupMembership', [
      { OptionGroupName: `default:${engine}-16`, Status: 'in-sync' },
    ]),
    PubliclyAccessible: x.PubliclyAccessible ?? false,
    StorageType: cluster ? 'aurora' : 'gp3',
    // RDS answers 0 here outside some cluster cases: the port to use is Endpoint.Port.
    DbInstancePort: 0,
    DBClusterIdentifier: cluster?.DBClusterIdentifier.toLowerCase(),
    StorageEncrypted: false,
    DbiResourceId: resourceId('db-', id),
    DBInstanceArn: arn(s, 'db', id),
    IAMDatabaseAuthenticationEnabled: false,
    DeletionProtection: false,
    AssociatedRoles: namedList('DBInstanceRole', []),
    CopyTagsToSnapshot: false,
    DomainMemberships: namedList('DomainMembership', []),
    TagList: tagList(x.Tags),
    NetworkType: 'IPV4',
  };
}

function clusterXml(s: FakeState, c: DbClusterSpec): XmlObject {
  const id = c.DBClusterIdentifier.toLowerCase();
  const engine = c.Engine ?? 'aurora-postgresql';
  const hash = c.EndpointHash ?? DEFAULT_HASH;
  const group = subnetGroup(s, c.DBSubnetGroupName);
  const azs = [
    ...new Set(
      group.SubnetIds.flatMap((sid) => s.subnets.find((sn) => sn.SubnetId === sid)?.AvailabilityZone ?? []),
    ),
  ];
  const members =
    c.MemberIds ?? s.dbInstances.filter((i) => clusterOf(s, i) === c).map((i) => i.DBInstanceIdentifier);
  return {
    AllocatedStorage: 1,
    AvailabilityZones: namedList('AvailabilityZone', azs),
    BackupRetentionPeriod: 1,
    DBClusterIdentifier: id,
    DBClusterParameterGroup: `default.${engine}16`,
    DBSubnetGroup: group.DBSubnetGroupName,
    Status: c.Status ?? 'available',
    Endpoint: `${id}.cluster-${hash}.${s.region}.rds.amazonaws.com`,
    ReaderEndpoint: `${id}.cluster-ro-${hash}.${s.region}.rds.amazonaws.com`,
    CustomEndpoints: namedList('member', []),
    MultiAZ: members.length > 1,
    Engine: engine,
    EngineVersion: engine.includes('mysql') ? '8.0.mysql_aurora.3.08.0' : '16.4',
    Port: portOf(engine, c.Port),
    MasterUsername: 'postgres',
    PreferredBackupWindow: '03:00-03:30',
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    ReadReplicaIdentifiers: namedList('ReadReplicaIdentifier', []),
    DBClusterMembers: namedList(
      'DBClusterMember',
      members.map((m, i) => ({
        DBInstanceIdentifier: m.toLowerCase(),
        IsClusterWriter: i === 0,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      })),
    ),
    VpcSecurityGroups: vpcGroups(c.VpcSecurityGroupIds),
    HostedZoneId: HOSTED_ZONE,
    StorageEncrypted: false,
    DbClusterResourceId: resourceId('cluster-', id),
    DBClusterArn: arn(s, 'cluster', id),
    AssociatedRoles: namedList('DBClusterRole', []),
    IAMDatabaseAuthenticationEnabled: false,
    ClusterCreateTime: CREATED,
    EngineMode: 'provisioned',
    DeletionProtection: false,
    HttpEndpointEnabled: false,
    CopyTagsToSnapshot: false,
    CrossAccountClone: false,
    DomainMemberships: namedList('DomainMembership', []),
    AutoMinorVersionUpgrade: true,
    TagList: tagList(c.Tags),
    NetworkType: 'IPV4',
  };
}

interface Filter {
  Name: string;
  Values: string[];
}

/** `Filters.Filter.N.Name` / `Filters.Filter.N.Values.Value.M`, as parseQueryForm nests them. */
function readFilters(params: Record<string, unknown>): Filter[] {
  const raw = param(params, 'Filters') as { Filter?: unknown } | undefined;
  if (raw === undefined) return [];
  const list = raw.Filter;
  if (!Array.isArray(list)) throw new AwsError(400, 'InvalidParameterValue', 'Invalid filter list');
  return list.map((f: { Name?: unknown; Values?: { Value?: unknown } }) => {
    const values = f.Values?.Value;
    return {
      Name: String(f.Name ?? ''),
      Values: values === undefined ? [] : (Array.isArray(values) ? values : [values]).map(String),
    };
  });
}

function applyFilters<T>(
  items: T[],
  filters: Filter[],
  known: Record<string, (item: T) => Array<string | undefined>>,
): T[] {
  let out = items;
  for (const f of filters) {
    const get = known[f.Name];
    if (!get) throw new AwsError(400, 'InvalidParameterValue', `Unrecognized filter name: ${f.Name}.`);
    if (f.Values.length === 0)
      throw new AwsError(400, 'InvalidParameterValue', `The filter ${f.Name} must have at least one value.`);
    out = out.filter((x) => get(x).some((v) => v !== undefined && f.Values.some((w) => sameId(w, v))));
  }
  return out;
}

/** MaxRecords (20–100, default 100) and Marker, as RDS pages. */
function page<T>(items: T[], params: Record<string, unknown>): { items: T[]; marker: string | undefined } {
  const maxRaw = param(params, 'MaxRecords');
  const max = maxRaw === undefined ? 100 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 20 || max > 100)
    throw new AwsError(
      400,
      'InvalidParameterValue',
      `Invalid value ${String(maxRaw)} for MaxRecords. Must be between 20 and 100`,
    );
  const marker = param(params, 'Marker') as string | undefined;
  const offset = decodeToken(marker);
  if (offset === undefined) throw new AwsError(400, 'InvalidParameterValue', 'Invalid marker');
  const { page: p, next } = paginate(items, offset, max);
  return { items: p, marker: next };
}

type Operation = (s: FakeState, params: Record<string, unknown>) => XmlObject;

const OPERATIONS: Record<string, Operation> = {
  DescribeDBInstances(s, params) {
    const wanted = param(params, 'DBInstanceIdentifier') as string | undefined;
    let items = s.dbInstances;
    if (wanted !== undefined) {
      items = items.filter((x) => names(s, 'db', x.DBInstanceIdentifier)(wanted));
      if (items.length === 0)
        throw new AwsError(404, 'DBInstanceNotFound', `DBInstance ${wanted} not found.`);
    }
    items = applyFilters(items, readFilters(params), {
      'db-instance-id': (x) => [x.DBInstanceIdentifier, arn(s, 'db', x.DBInstanceIdentifier.toLowerCase())],
      'db-cluster-id': (x) => {
        const c = clusterOf(s, x)?.DBClusterIdentifier.toLowerCase();
        return c ? [c, arn(s, 'cluster', c)] : [];
      },
      engine: (x) => [x.Engine ?? clusterOf(s, x)?.Engine ?? 'postgres'],
      'dbi-resource-id': (x) => [resourceId('db-', x.DBInstanceIdentifier.toLowerCase())],
    });
    const { items: p, marker } = page(items, params);
    return {
      DBInstances: namedList(
        'DBInstance',
        p.map((x) => instanceXml(s, x)),
      ),
      Marker: marker,
    };
  },

  DescribeDBClusters(s, params) {
    const wanted = param(params, 'DBClusterIdentifier') as string | undefined;
    let items = s.dbClusters;
    if (wanted !== undefined) {
      items = items.filter((c) => names(s, 'cluster', c.DBClusterIdentifier)(wanted));
      if (items.length === 0)
        throw new AwsError(404, 'DBClusterNotFoundFault', `DBCluster ${wanted} not found.`);
    }
    items = applyFilters(items, readFilters(params), {
      'db-cluster-id': (c) => [c.DBClusterIdentifier, arn(s, 'cluster', c.DBClusterIdentifier.toLowerCase())],
      engine: (c) => [c.Engine ?? 'aurora-postgresql'],
      'db-cluster-resource-id': (c) => [resourceId('cluster-', c.DBClusterIdentifier.toLowerCase())],
    });
    const { items: p, marker } = page(items, params);
    return {
      DBClusters: namedList(
        'DBCluster',
        p.map((c) => clusterXml(s, c)),
      ),
      Marker: marker,
    };
  },

  DescribeDBSubnetGroups(s, params) {
    const wanted = param(params, 'DBSubnetGroupName') as string | undefined;
    let items = s.dbSubnetGroups;
    if (wanted !== undefined) {
      items = items.filter((g) => sameId(g.DBSubnetGroupName, wanted));
      if (items.length === 0)
        throw new AwsError(404, 'DBSubnetGroupNotFoundFault', `DBSubnetGroup ${wanted} not found.`);
    }
    const { items: p, marker } = page(items, params);
    return {
      DBSubnetGroups: namedList(
        'DBSubnetGroup',
        p.map((g) => subnetGroupXml(s, g)),
      ),
      Marker: marker,
    };
  },
};

const RESOURCE_PATTERN: Record<string, string> = {
  DescribeDBInstances: 'db:*',
  DescribeDBClusters: 'cluster:*',
  DescribeDBSubnetGroups: 'subgrp:*',
};

export const rdsHandler: ServiceHandler = {
  parse(req: RawRequest): ParsedCall {
    const { Action, Version: _v, ...params } = parseQueryForm(req.body || req.query.toString());
    return { operation: String(Action ?? 'Unknown'), params };
  },
  handle(state, { operation, params }, requestId) {
    const op = OPERATIONS[operation];
    if (!op)
      throw new AwsError(400, 'InvalidAction', `The action ${operation} is not valid for this web service.`);
    const action = `rds:${operation}`;
    if (state.isDenied(action)) {
      const resource = `arn:aws:rds:${state.region}:${state.accountId}:${RESOURCE_PATTERN[operation]}`;
      throw new AwsError(403, 'AccessDenied', accessDeniedMessage(state, action, resource));
    }
    return queryXmlReply(200, queryResponseXml(operation, XMLNS, op(state, params), requestId), requestId);
  },
  error: (err, requestId) =>
    queryXmlReply(
      err.status,
      queryErrorXml(XMLNS, err.status, err.code, err.message, requestId),
      requestId,
      err.code,
    ),
  fault: queryFault,
  isWrite: () => false,
};
