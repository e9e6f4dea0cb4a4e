/**
 * The verdicts' paths: the network input handed to the path engine (./path), with the function's
 * configuration as source and two kinds of target, the internet (tcp 443) and each AWS service
 * the analysis speaks of. Whatever the verdict lines and the findings say about reaching the
 * internet or a service is read from these traces, so that no line contradicts another.
 */

import { uniq } from '../sets.js';
import {
  type Hop,
  READ,
  type SubnetPath,
  type TargetVerdict,
  type TraceInput,
  tracePaths,
} from './path/index.js';
import { endpointAvailable, serviceShortName } from './routes.js';
import type { NetworkInput, PathVerdictSummary } from './types.js';

/** Services checked for every configuration (CloudWatch Logs is left out: the function's logs bypass the VPC). */
export const COMMON_SERVICES = [
  's3',
  'dynamodb',
  'sts',
  'secretsmanager',
  'ssm',
  'sqs',
  'sns',
  'kms',
] as const;

/** The path reads that the network input may lack (facts that predate them carry none). */
export const PATH_READS = [READ.acls, READ.prefixLists, READ.prefixListEntries, READ.vpcAttributes] as const;

export interface NetworkPaths {
  internet: TargetVerdict;
  /** One per service, sorted by name: COMMON_SERVICES and every service with an endpoint in the VPC. */
  services: TargetVerdict[];
  /** Reads the input did not carry at all (not denied: never made). Their hops are unknown. */
  notRead: string[];
  /** Reads that were denied. */
  denied: string[];
}

/** The reads the input lacks: a list left undefined was not read. */
export function notReadOf(input: PathReads): string[] {
  const out: string[] = [];
  if (input.networkAcls === undefined) out.push(READ.acls);
  if (input.prefixLists === undefined) out.push(READ.prefixLists, READ.prefixListEntries);
  if (input.vpcAttributes === undefined) out.push(READ.vpcAttributes);
  return out;
}

/** Services of the endpoints of the VPC (any state: an endpoint that is down is a reason too). */
export function endpointServices(input: NetworkInput, vpcId: string | undefined): string[] {
  const eps = input.vpcEndpoints.filter(
    (e) =>
      (vpcId === undefined || e.VpcId === undefined || e.VpcId === vpcId) &&
      (e.VpcEndpointType === 'Gateway' || e.VpcEndpointType === 'Interface') &&
      e.ServiceName?.startsWith(`com.amazonaws.${input.region}.`) &&
      endpointAvailable(e),
  );
  return uniq(eps.map((e) => serviceShortName(e.ServiceName, input.region)));
}

export function traceNetwork(input: NetworkInput, vpcId: string | undefined): NetworkPaths {
  const notRead = notReadOf(input);
  const denied = uniq(input.deniedReads ?? []);
  const services = uniq([...COMMON_SERVICES, ...endpointServices(input, vpcId)]).sort();
  const [internet, ...rest] = tracePaths({
    ...pathWorld(input),
    function: {
      subnetIds: uniq(input.requested.subnetIds),
      securityGroupIds: uniq(input.requested.securityGroupIds),
      ipv6DualStack: input.requested.ipv6DualStack,
    },
    targets: [{ kind: 'internet' }, ...services.map((service) => ({ kind: 'service' as const, service }))],
  });
  if (!internet) throw new Error('tracePaths returned no verdict for the internet');
  return { internet, services: rest, notRead, denied };
}

/** The describe results the path engine reads, as the analysis holds them. */
type PathReads = Omit<NetworkInput, 'requested' | 'vpcs'>;

/**
 * The describe results as the path engine takes them, for `status`, `attach` and `reach` alike.
 * A read that was never made proves nothing, just as one that was denied.
 */
export function pathWorld(input: PathReads): Omit<TraceInput, 'function' | 'targets'> {
  return {
    region: input.region,
    subnets: input.subnets,
    securityGroups: input.securityGroups,
    routeTables: input.routeTables,
    networkAcls: input.networkAcls ?? [],
    prefixLists: input.prefixLists ?? [],
    natGateways: input.natGateways,
    vpcEndpoints: input.vpcEndpoints,
    networkInterfaces: input.networkInterfaces ?? [],
    vpcAttributes: input.vpcAttributes ?? [],
    internetGateways: input.internetGateways,
    egressOnlyInternetGateways: input.egressOnlyInternetGateways,
    deniedReads: uniq([...(input.deniedReads ?? []), ...notReadOf(input)]),
  };
}

/** The path from one subnet, if the function uses it. */
export const pathFrom = (v: TargetVerdict, subnetId: string): SubnetPath | undefined =>
  v.subnets.find((p) => p.subnetId === subnetId);

/**
 * What is missing for an unknown hop, in the analysis's words: 'no permission for X' for a denied
 * read, 'not read: X' for one the input never carried.
 */
export function missingPhrase(paths: Pick<NetworkPaths, 'notRead'>, missing: readonly string[]): string {
  const reads = missing.filter((m) => m.startsWith('ec2:'));
  const absent = reads.filter((m) => paths.notRead.includes(m));
  const denied = reads.filter((m) => !absent.includes(m));
  const other = missing.filter((m) => !m.startsWith('ec2:'));
  const parts: string[] = [];
  if (denied.length > 0) parts.push(`no permission for ${denied.join(', ')}`);
  if (absent.length > 0) parts.push(`not read: ${absent.join(', ')}`);
  if (other.length > 0) parts.push(`unknown: ${other.join(', ')}`);
  return parts.join('; ');
}

const DENIED_SUFFIX = / \(no permission for [^)]*\)$/;

const NOUNS: Array<[RegExp, string]> = [
  [/^nacl-/, 'network ACLs'],
  [/^sg-/, 'security groups'],
  [/^(route|nat-route)$/, 'route tables'],
  [/^nat-gateway$/, 'NAT gateways'],
  [/^dns$/, 'VPC DNS attributes'],
  [/endpoint/, 'VPC endpoints'],
  [/^subnet$/, 'subnets'],
];

/**
 * A hop's one-line detail. An unknown hop that lacks only reads says which, in the same words
 * for every subnet ('network ACLs not checked (not read: ec2:DescribeNetworkAcls)'), with the
 * engine's "(no permission for …)" restated for reads that were never made.
 */
export function hopText(paths: Pick<NetworkPaths, 'notRead'>, h: Hop): string {
  const missing = h.missing ?? [];
  if (h.status !== 'unknown' || missing.length === 0) return h.detail;
  const phrase = missingPhrase(paths, missing);
  const noun = NOUNS.find(([re]) => re.test(h.kind))?.[1];
  if (noun && DENIED_SUFFIX.test(h.detail)) return `${noun} not checked (${phrase})`;
  return `${h.detail.replace(DENIED_SUFFIX, '')} (${phrase})`;
}

/** The hop that decides a path that is not reachable: its first failing hop, else its first unknown one. */
export function decidingHop(p: SubnetPath): Hop | undefined {
  if (p.verdict === 'reachable') return undefined;
  const status = p.verdict === 'unreachable' ? 'fail' : 'unknown';
  return p.hops.find((h) => h.status === status);
}

/** The hop's text prefixed with the other subnet it is about (a NAT's, an endpoint's). */
export function hopReason(paths: Pick<NetworkPaths, 'notRead'>, h: Hop): string {
  const text = hopText(paths, h);
  return h.subnetId && !text.includes(h.subnetId) ? `${h.subnetId}: ${text}` : text;
}

/** What carries a reachable path: the NAT gateways and endpoints it passes. */
export function viaOf(p: SubnetPath): string[] {
  const kinds = new Set(['nat-gateway', 'gateway-endpoint', 'interface-endpoint']);
  return uniq(
    p.hops.filter((h) => kinds.has(h.kind) && h.status === 'pass' && h.resource).map((h) => h.resource ?? ''),
  );
}

/** How a service's path from one subnet gets there. */
export function modeOf(p: SubnetPath): 'gateway endpoint' | 'interface endpoint' | 'NAT' | 'other' {
  const passes = (kind: Hop['kind']) => p.hops.some((h) => h.kind === kind && h.status === 'pass');
  if (passes('interface-endpoint') && p.hops.some((h) => h.kind === 'dns' && h.status === 'pass'))
    return 'interface endpoint';
  if (passes('gateway-endpoint')) return 'gateway endpoint';
  if (passes('nat-gateway')) return 'NAT';
  return 'other';
}

/** Every missing read or datum of the path's unknown hops. */
const missingOf = (p: SubnetPath) =>
  uniq(p.hops.filter((h) => h.status === 'unknown').flatMap((h) => h.missing ?? []));

export function summarize(paths: NetworkPaths, v: TargetVerdict, target: string): PathVerdictSummary {
  const subnets = v.subnets.map((p) => {
    const h = decidingHop(p);
    return {
      id: p.subnetId,
      verdict: p.verdict,
      reason: h
        ? hopReason(paths, h)
        : `every hop passes${viaOf(p).length > 0 ? ` via ${viaOf(p).join(', ')}` : ''}`,
      via: p.verdict === 'reachable' ? viaOf(p) : [],
      missing: missingOf(p),
    };
  });
  const first = subnets.find((s) => s.verdict === v.verdict && s.verdict !== 'reachable');
  return {
    target,
    label: v.label,
    verdict: v.verdict,
    reason: first ? `${first.id}: ${first.reason}` : v.reason,
    subnets,
    notes: v.notes,
  };
}

export function summaries(paths: NetworkPaths): PathVerdictSummary[] {
  return [
    summarize(paths, paths.internet, 'internet'),
    ...paths.services.map((v) =>
      summarize(paths, v, v.target.kind === 'service' ? v.target.service : v.label),
    ),
  ];
}

/** The service's trace, by short name. */
export const serviceTrace = (paths: NetworkPaths, service: string): TargetVerdict | undefined =>
  paths.services.find((v) => v.target.kind === 'service' && v.target.service === service);
