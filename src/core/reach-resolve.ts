/**
 * From the targets as asked to the path engine's targets: an RDS name becomes the database's
 * port, groups and subnets; an ENI its address and interface. Pure: the describe results are
 * passed in. What cannot be resolved because a read was denied becomes an `unknown` answer that
 * names the read; what does not exist is a NotFound error (exit 5).
 */

import { CliError } from '../errors.js';
import type { ReachTargetSpec } from './reach-targets.js';
import type { Hop, Target, TargetVerdict, Verdict } from './reachability/path/index.js';
import { type TraceInput, tracePaths } from './reachability/path/index.js';
import type { Ec2NetworkInterface } from './reachability/types.js';

/** Structural copies of the RDS shapes the resolution reads (no SDK import in core). */
export interface RdsInstance {
  DBInstanceIdentifier?: string | undefined;
  DBClusterIdentifier?: string | undefined;
  Endpoint?: { Address?: string | undefined; Port?: number | undefined } | undefined;
  VpcSecurityGroups?: ReadonlyArray<{ VpcSecurityGroupId?: string | undefined }> | undefined;
  DBSubnetGroup?:
    | {
        DBSubnetGroupName?: string | undefined;
        Subnets?: ReadonlyArray<{ SubnetIdentifier?: string | undefined }> | undefined;
      }
    | undefined;
}

export interface RdsCluster {
  DBClusterIdentifier?: string | undefined;
  Port?: number | undefined;
  VpcSecurityGroups?: ReadonlyArray<{ VpcSecurityGroupId?: string | undefined }> | undefined;
  /** The name only: its subnets are in `subnetGroups`. */
  DBSubnetGroup?: string | undefined;
}

export interface RdsSubnetGroup {
  DBSubnetGroupName?: string | undefined;
  Subnets?: ReadonlyArray<{ SubnetIdentifier?: string | undefined }> | undefined;
}

/** What describeDatabase answered for one `rds:` target. */
export interface DatabaseLookup {
  instances: readonly RdsInstance[];
  clusters: readonly RdsCluster[];
  subnetGroups: readonly RdsSubnetGroup[];
  deniedActions: readonly string[];
}

/** One answer of `reach`, as the JSON document carries it. */
export interface ReachTargetResult {
  /** What was asked, as typed: 'rds:orders-db', '10.0.5.17:6379'. */
  target: string;
  kind: ReachTargetSpec['kind'];
  /** What was checked: 'rds:orders-db tcp/5432', 'internet (IPv6) tcp/443'. */
  label: string;
  protocol: 'tcp' | 'udp';
  /** null only when the port itself could not be read (a database that was not described). */
  port: number | null;
  family: 'ipv4' | 'ipv6';
  verdict: TargetVerdict['verdict'];
  reason: string;
  subnets: Array<{
    subnetId: string;
    family: 'ipv4' | 'ipv6';
    verdict: TargetVerdict['verdict'];
    hops: Hop[];
  }>;
  notes: string[];
}

type Resolved = { spec: ReachTargetSpec; target: Target } | { spec: ReachTargetSpec; unresolved: Unresolved };
interface Unresolved {
  label: string;
  port: number | null;
  detail: string;
  missing: string[];
}

const ids = (xs: ReadonlyArray<string | undefined> | undefined): string[] => [
  ...new Set((xs ?? []).filter((x): x is string => typeof x === 'string' && x !== '')),
];

const groupIdsOf = (x: { VpcSecurityGroups?: RdsInstance['VpcSecurityGroups'] }) =>
  ids((x.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId));

/** The subnets, groups, addresses and interfaces the targets name: what the EC2 reads must include. */
export interface TargetReads {
  subnetIds: string[];
  securityGroupIds: string[];
  privateIpAddresses: string[];
  networkInterfaceIds: string[];
  memberGroupIds: string[];
}

export function readsFor(
  specs: readonly ReachTargetSpec[],
  databases: ReadonlyMap<string, DatabaseLookup>,
): TargetReads {
  const out: TargetReads = {
    subnetIds: [],
    securityGroupIds: [],
    privateIpAddresses: [],
    networkInterfaceIds: [],
    memberGroupIds: [],
  };
  for (const s of specs) {
    if (s.kind === 'address') out.privateIpAddresses.push(s.address);
    if (s.kind === 'eni') out.networkInterfaceIds.push(s.eniId);
    if (s.kind === 'security-group') {
      out.memberGroupIds.push(s.groupId);
      out.securityGroupIds.push(s.groupId);
    }
    if (s.kind === 'rds') {
      const db = databases.get(s.database);
      const picked = db && pickDatabase(s.database, db);
      if (picked && 'port' in picked) {
        out.subnetIds.push(...picked.subnetIds);
        out.securityGroupIds.push(...picked.groupIds);
      }
    }
  }
  return {
    subnetIds: ids(out.subnetIds),
    securityGroupIds: ids(out.securityGroupIds),
    privateIpAddresses: ids(out.privateIpAddresses),
    networkInterfaceIds: ids(out.networkInterfaceIds),
    memberGroupIds: ids(out.memberGroupIds),
  };
}

type Picked =
  | {
      kind: 'instance' | 'cluster';
      id: string;
      port: number | undefined;
      groupIds: string[];
      subnetIds: string[];
    }
  | { none: true }
  | { ambiguous: string[] };

/** The one database a name matches: an instance or a cluster, with its port, groups and subnets. */
export function pickDatabase(name: string, db: DatabaseLookup): Picked {
  const matches = [
    ...db.instances.map((i) => ({
      kind: 'instance' as const,
      id: i.DBInstanceIdentifier ?? name,
      port: i.Endpoint?.Port,
      groupIds: groupIdsOf(i),
      subnetIds: ids((i.DBSubnetGroup?.Subnets ?? []).map((s) => s.SubnetIdentifier)),
    })),
    ...db.clusters.map((c) => ({
      kind: 'cluster' as const,
      id: c.DBClusterIdentifier ?? name,
      port: c.Port,
      groupIds: groupIdsOf(c),
      subnetIds: ids(
        db.subnetGroups
          .filter((g) => g.DBSubnetGroupName === c.DBSubnetGroup)
          .flatMap((g) => (g.Subnets ?? []).map((s) => s.SubnetIdentifier)),
      ),
    })),
  ];
  if (matches.length === 0) return { none: true };
  if (matches.length > 1) return { ambiguous: matches.map((m) => `${m.kind} ${m.id}`) };
  return matches[0] as Picked;
}

export interface ResolveContext {
  region: string;
  ipv6DualStack: boolean;
  databases: ReadonlyMap<string, DatabaseLookup>;
  /** The interfaces the EC2 read found; `interfacesDenied` when that read was refused. */
  networkInterfaces: readonly Ec2NetworkInterface[];
  interfacesDenied: boolean;
}

/**
 * Each asked target as the engine's target(s), or why it cannot be one. `internet` becomes two
 * with `ipv6DualStack`, as IPv6 is its own path. Throws NotFound for a database or interface that
 * was read and does not exist.
 */
export function resolveTargets(specs: readonly ReachTargetSpec[], context: ResolveContext): Resolved[] {
  return specs.flatMap((spec) => resolveOne(spec, context));
}

function resolveOne(spec: ReachTargetSpec, context: ResolveContext): Resolved[] {
  const { protocol } = spec;
  switch (spec.kind) {
    case 'internet': {
      const v4: Resolved = {
        spec,
        target: { kind: 'internet', protocol, port: spec.port, family: 'ipv4' },
      };
      if (!context.ipv6DualStack) return [v4];
      return [v4, { spec, target: { kind: 'internet', protocol, port: spec.port, family: 'ipv6' } }];
    }
    case 'service':
      return [{ spec, target: { kind: 'service', service: spec.service, protocol, port: spec.port } }];
    case 'address':
      return [{ spec, target: { kind: 'address', address: spec.address, port: spec.port, protocol } }];
    case 'security-group':
      return [{ spec, target: { kind: 'security-group', groupId: spec.groupId, port: spec.port, protocol } }];
    case 'eni': {
      const eni = context.networkInterfaces.find((n) => n.NetworkInterfaceId === spec.eniId);
      if (!eni) {
        if (context.interfacesDenied)
          return [
            {
              spec,
              unresolved: {
                label: `${spec.eniId} ${protocol}/${spec.port}`,
                port: spec.port,
                detail: `${spec.eniId} was not read (no permission for ec2:DescribeNetworkInterfaces)`,
                missing: ['ec2:DescribeNetworkInterfaces'],
              },
            },
          ];
        throw new CliError('NotFound', `No network interface ${spec.eniId} in ${context.region}.`, {
          hint: 'Check the ID and the region (--region).',
        });
      }
      const address = eni.PrivateIpAddress ?? eni.PrivateIpAddresses?.[0]?.PrivateIpAddress;
      return [
        {
          spec,
          target: {
            kind: 'resource',
            name: spec.eniId,
            port: spec.port,
            protocol,
            groupIds: ids((eni.Groups ?? []).map((g) => g.GroupId)),
            subnetIds: ids([eni.SubnetId]),
            addresses: address ? [address] : undefined,
          },
        },
      ];
    }
    case 'rds':
      return [resolveDatabase(spec, context.databases.get(spec.database), context.region)];
  }
}

function resolveDatabase(
  spec: Extract<ReachTargetSpec, { kind: 'rds' }>,
  db: DatabaseLookup | undefined,
  region: string,
): Resolved {
  const name = spec.input.startsWith('rds:') ? `rds:${spec.database}` : spec.database;
  const picked: Picked = db ? pickDatabase(spec.database, db) : { none: true };
  if ('ambiguous' in picked)
    throw new CliError(
      'Usage',
      `--to '${spec.input}' names several databases: ${picked.ambiguous.join(', ')}.`,
      {
        hint: 'Name one by its ARN (rds:arn:aws:rds:REGION:ACCOUNT:db:NAME or …:cluster:NAME).',
      },
    );
  if ('none' in picked) {
    const denied = db?.deniedActions ?? [];
    if (denied.length > 0)
      return {
        spec,
        unresolved: {
          label: `${name} ${spec.protocol}/${spec.port ?? '?'}`,
          port: spec.port ?? null,
          detail: `${name} was not read (no permission for ${denied.join(', ')})`,
          missing: [...denied],
        },
      };
    throw new CliError('NotFound', `No RDS instance or cluster ${spec.database} in ${region}.`, {
      hint: 'Check the identifier or endpoint and the region (--region).',
    });
  }
  const port = spec.port ?? picked.port;
  if (port === undefined)
    return {
      spec,
      unresolved: {
        label: `${name} ${spec.protocol}/?`,
        port: null,
        detail: `${picked.kind} ${picked.id} has no port yet (it is being created?)`,
        missing: [`the port of ${picked.id}`],
      },
    };
  return {
    spec,
    target: {
      kind: 'resource',
      name,
      port,
      protocol: spec.protocol,
      groupIds: picked.groupIds,
      subnetIds: picked.subnetIds,
    },
  };
}

/** Traces the resolved targets and gives one answer per engine target, in the order asked. */
export function answerTargets(
  resolved: readonly Resolved[],
  input: Omit<TraceInput, 'targets'>,
): ReachTargetResult[] {
  const traceable = resolved.flatMap((r) => ('target' in r ? [r.target] : []));
  const traced = tracePaths({ ...input, targets: traceable });
  let next = 0;
  return resolved.map((r) => {
    if ('unresolved' in r) return unresolvedResult(r.spec, r.unresolved, input.function.subnetIds);
    const v = traced[next++] as TargetVerdict;
    return {
      target: r.spec.input,
      kind: r.spec.kind,
      label: v.label,
      protocol: v.protocol,
      port: v.port,
      family:
        v.target.kind === 'internet' && v.target.family === 'ipv6'
          ? 'ipv6'
          : (v.subnets[0]?.family ?? 'ipv4'),
      verdict: v.verdict,
      reason: v.reason,
      subnets: v.subnets.map((p) => ({
        subnetId: p.subnetId,
        family: p.family,
        verdict: p.verdict,
        hops: p.hops,
      })),
      notes: v.notes,
    };
  });
}

function unresolvedResult(
  spec: ReachTargetSpec,
  u: Unresolved,
  subnetIds: readonly string[],
): ReachTargetResult {
  const hop: Hop = { kind: 'target', status: 'unknown', detail: u.detail, evidence: [], missing: u.missing };
  return {
    target: spec.input,
    kind: spec.kind,
    label: u.label,
    protocol: spec.protocol,
    port: u.port,
    family: 'ipv4',
    verdict: 'unknown',
    reason: u.detail,
    subnets: [...new Set(subnetIds)].map((subnetId) => ({
      subnetId,
      family: 'ipv4' as const,
      verdict: 'unknown' as const,
      hops: [{ ...hop }],
    })),
    notes: [],
  };
}

/** What reach found: the configuration checked and one answer per target. */
export interface ReachReport {
  region: string;
  /** The function whose configuration was checked; null for a planned configuration. */
  function: string | null;
  configuration: { subnetIds: string[]; securityGroupIds: string[]; ipv6DualStack: boolean };
  /** reachable: every target from every subnet; unreachable: some target from some subnet; else unknown. */
  verdict: Verdict;
  targets: ReachTargetResult[];
  /** The reads that were denied: the hops that needed them are `unknown`. */
  deniedReads: string[];
}

/** reachable: every target from every subnet; unreachable: any target fails; else unknown. */
export const overallVerdict = (verdicts: readonly Verdict[]): Verdict =>
  verdicts.includes('unreachable')
    ? 'unreachable'
    : verdicts.length === 0 || verdicts.includes('unknown')
      ? 'unknown'
      : 'reachable';
