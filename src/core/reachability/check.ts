/**
 * The contract between the analyzer and its checks: what a check declares, the context it
 * reads and writes, and the runner that drops a check whose reads were denied.
 */

import { uniq } from '../sets.js';
import { type NetworkPaths, traceNetwork } from './paths.js';
import { endpointAvailable, serviceShortName } from './routes.js';
import type {
  Ec2RouteTable,
  Ec2SecurityGroup,
  Ec2Subnet,
  Ec2VpcEndpoint,
  EndpointSummary,
  Finding,
  NetworkInput,
  SecurityGroupSummary,
  SubnetSummary,
} from './types.js';

/** An EC2 describe action, named as IAM names it (the names `deniedReads` carries). */
export type Ec2Read = `ec2:Describe${string}`;

/**
 * The reads that together describe the VPC's routing. Every check that decides a route, and the
 * verdicts, declare all of them: an empty list from any one denied read would otherwise read as
 * "isolated", "NAT not found" or "no endpoints" somewhere else.
 */
export const ROUTING_READS: readonly Ec2Read[] = [
  'ec2:DescribeRouteTables',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeNatGateways',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeEgressOnlyInternetGateways',
];

/** A requested subnet that exists; `idx` is its requested position, which orders its findings. */
export interface SubnetRow {
  id: string;
  idx: number;
  subnet: Ec2Subnet;
  summary: SubnetSummary;
  /** Set by the routes check; undefined while routing is unread or no table applies. */
  table: Ec2RouteTable | undefined;
}

export interface GroupRow {
  id: string;
  idx: number;
  group: Ec2SecurityGroup;
}

/** Records a finding; `anchor` orders it (requested position, -1 for global findings). */
export type AddFinding = (anchor: number, f: Finding) => void;

/** What checks share. Inputs are resolved once; outputs start as "not checked" until a check decides. */
export interface CheckContext {
  readonly input: NetworkInput;
  readonly region: string;
  readonly subnets: readonly SubnetRow[];
  readonly groups: readonly GroupRow[];
  /** Requested IDs that EC2 does not know, with their requested position. */
  readonly missingSubnets: ReadonlyArray<{ id: string; idx: number }>;
  readonly missingGroups: ReadonlyArray<{ id: string; idx: number }>;
  /** The function's VPC: that of the first subnet found, else of the first group. */
  readonly vpcId: string | undefined;
  /** Anchor after every requested ID, for findings about shared resources (endpoints). */
  readonly afterRequested: number;
  /** Endpoints of the function's VPC (empty when DescribeVpcEndpoints was denied). */
  readonly endpoints: readonly Ec2VpcEndpoint[];
  /** Services of available interface endpoints, by whether their default hostname reaches them. */
  readonly interfaceServices: { privateDns: string[]; noPrivateDns: string[] };
  /**
   * The path engine's traces of the internet (tcp 443) and each AWS service from every subnet: what
   * any check says about reaching them is read here, so that no finding contradicts a verdict.
   */
  readonly paths: NetworkPaths;
  endpointSummaries: EndpointSummary[];
  securityGroups: SecurityGroupSummary[];
  /** Whether no group allows any outbound traffic (decided by the security-groups check). */
  noEgress: boolean;
  readonly add: AddFinding;
}

/** A check adds findings and may decide outputs in the context. */
export interface Check {
  readonly name: string;
  /** Reads beyond subnets and security groups (always read: upstream skips everything without them). */
  readonly reads: readonly Ec2Read[];
  run(ctx: CheckContext): void;
}

export interface SkippedCheck {
  name: string;
  /** The declared reads that were denied. */
  missing: Ec2Read[];
}

export interface RankedFinding extends Finding {
  anchor: number;
}

/** The reads in `needed` that were denied, in the order they were reported denied. */
export function deniedAmong(needed: readonly Ec2Read[], deniedReads: readonly string[]): Ec2Read[] {
  return uniq(deniedReads).filter((r): r is Ec2Read => (needed as readonly string[]).includes(r));
}

/** Runs the checks in order, skipping any whose reads were denied: an empty list proves nothing. */
export function runChecks(
  checks: readonly Check[],
  ctx: CheckContext,
  deniedReads: readonly string[],
): SkippedCheck[] {
  const skipped: SkippedCheck[] = [];
  for (const check of checks) {
    const missing = deniedAmong(check.reads, deniedReads);
    if (missing.length > 0) skipped.push({ name: check.name, missing });
    else check.run(ctx);
  }
  return skipped;
}

export function createContext(input: NetworkInput): {
  ctx: CheckContext;
  findings: RankedFinding[];
} {
  const { region } = input;
  const subnetIds = uniq(input.requested.subnetIds);
  const sgIds = uniq(input.requested.securityGroupIds);
  const subnets: SubnetRow[] = [];
  const missingSubnets: Array<{ id: string; idx: number }> = [];
  subnetIds.forEach((id, idx) => {
    const subnet = input.subnets.find((x) => x.SubnetId === id);
    if (subnet) subnets.push({ id, idx, subnet, summary: unroutedSummary(id, subnet), table: undefined });
    else missingSubnets.push({ id, idx });
  });
  const groups: GroupRow[] = [];
  const missingGroups: Array<{ id: string; idx: number }> = [];
  sgIds.forEach((id, i) => {
    const group = input.securityGroups.find((x) => x.GroupId === id);
    const idx = subnetIds.length + i;
    if (group) groups.push({ id, idx, group });
    else missingGroups.push({ id, idx });
  });
  const vpcId = subnets[0]?.subnet.VpcId ?? groups[0]?.group.VpcId;
  const endpoints = input.vpcEndpoints.filter(
    (e) => vpcId === undefined || e.VpcId === undefined || e.VpcId === vpcId,
  );
  const liveInterface = endpoints.filter((e) => e.VpcEndpointType === 'Interface' && endpointAvailable(e));
  const servicesOf = (list: readonly Ec2VpcEndpoint[]) =>
    uniq(list.map((e) => serviceShortName(e.ServiceName, region))).sort();
  const findings: RankedFinding[] = [];
  const ctx: CheckContext = {
    input,
    region,
    subnets,
    groups,
    missingSubnets,
    missingGroups,
    vpcId,
    afterRequested: subnetIds.length + sgIds.length,
    endpoints,
    interfaceServices: {
      privateDns: servicesOf(liveInterface.filter((e) => e.PrivateDnsEnabled)),
      noPrivateDns: servicesOf(liveInterface.filter((e) => !e.PrivateDnsEnabled)),
    },
    paths: traceNetwork(input, vpcId),
    endpointSummaries: [],
    securityGroups: [],
    noEgress: false,
    add: (anchor, f) => findings.push({ ...f, anchor }),
  };
  return { ctx, findings };
}

/** A subnet as known before its routing is read: internet unknown, nothing reachable proved. */
function unroutedSummary(id: string, s: Ec2Subnet): SubnetSummary {
  // Key order is the JSON output's field order.
  return {
    id,
    vpcId: s.VpcId,
    az: s.AvailabilityZone,
    cidr: s.CidrBlock,
    freeIps: s.AvailableIpAddressCount,
    routeTableId: undefined,
    routeTableIsMain: false,
    internet: { kind: 'unknown', reachable: 'unknown', reason: 'not checked' },
    gatewayEndpointServices: [],
  };
}

/** Findings in output order: global first, then by requested position, then by code and subject. */
export function orderFindings(findings: readonly RankedFinding[]): Finding[] {
  return [...findings]
    .sort(
      (a, b) =>
        a.anchor - b.anchor ||
        cmp(a.code, b.code) ||
        cmp(a.subject ?? '', b.subject ?? '') ||
        cmp(a.message, b.message),
    )
    .map(({ anchor: _anchor, subject, fix, ...rest }) => ({
      ...rest,
      ...(fix !== undefined ? { fix } : {}),
      ...(subject !== undefined ? { subject } : {}),
    }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
