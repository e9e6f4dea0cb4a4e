/**
 * Choosing a function's subnets from the live network of a VPC (attach --vpc without --subnets).
 * Pure: it reads the same describe results as the network check, traces every subnet of the
 * VPC with the path engine, and keeps only those whose verdict is proved.
 */
import { CliError } from '../errors.js';
import { combinationKey } from './eni-combos.js';
import { analyzeNetwork, LOW_FREE_IPS_THRESHOLD, type NetworkInput } from './reachability/analyze.js';
import { tracePaths } from './reachability/path/index.js';
import { type NetworkPaths, notReadOf, pathWorld, summarize } from './reachability/paths.js';
import type { Ec2Subnet, PathVerdictSummary } from './reachability/types.js';

/** Why a subnet was chosen, passed over, or refused: stable codes for JSON and tests. */
export type SubnetDecision =
  /** Chosen: the best eligible subnet of its Availability Zone. */
  | 'chosen'
  /** Eligible, but another subnet of the same AZ was preferred (an existing Lambda interface, more free addresses). */
  | 'same-az'
  /** Eligible, but Lambda takes at most 16 subnets. */
  | 'over-limit'
  /** Its state is not `available`. */
  | 'not-available'
  /** In an Availability Zone Lambda does not support (where that is known). */
  | 'unsupported-az'
  /** --ipv6-dual-stack, and the subnet has no IPv6 CIDR. */
  | 'no-ipv6'
  /** No free address left. */
  | 'no-free-ips'
  /** Its default route goes to an internet gateway: a function there has no internet. Never chosen. */
  | 'public'
  /** No internet (no default route, a blackhole, a NAT gateway that is not available): allowed only with --no-internet. */
  | 'no-internet'
  /** The internet path could not be proved (a transit gateway, a denied read): not chosen. */
  | 'internet-unknown'
  /** A service named in --needs is not proved reachable from it. */
  | 'needs-unmet';

export interface SubnetCandidate {
  id: string;
  az: string | null;
  azId: string | null;
  freeIps: number | null;
  /** Whether the function reaches the internet from it, as the network check says. */
  internet: 'yes' | 'no' | 'unknown';
  /** The NAT gateways carrying it, when it does. */
  via: string[];
  /** A Lambda interface already exists for this subnet and the chosen groups: attaching is fast. null: not read. */
  existingInterface: boolean | null;
  decision: SubnetDecision;
  /** One line: why, for the user ('internet via nat-…; 4,091 free addresses; existing Lambda interface'). */
  reason: string;
}

export interface ChooseSubnetsInput {
  region: string;
  vpcId: string;
  /** The VPC's describe results: every subnet and group of it, its route tables, NAT gateways, endpoints, ACLs. */
  network: Omit<NetworkInput, 'requested' | 'region'>;
  /** The groups the function will have (their egress rules decide the paths). */
  securityGroupIds: readonly string[];
  ipv6: boolean;
  /** false with --no-internet: isolated subnets may be chosen too, when they reach what --needs names. */
  requireInternet: boolean;
  /** --needs: short service names ('s3', 'secretsmanager') that must be reachable from every chosen subnet. */
  needs: readonly string[];
  /** combinationKey()s that already have a Lambda interface (src/core/eni-combos.ts); null when not read. */
  existingCombinations: ReadonlySet<string> | null;
  /** Availability Zone IDs Lambda does not support in this Region (default: the known ones). */
  unsupportedAzIds?: readonly string[] | undefined;
}

export type SubnetChoice =
  | {
      ok: true;
      /** In AZ order: one per Availability Zone that has an eligible subnet, at most 16. */
      subnetIds: string[];
      /** Every subnet of the VPC, in the order of the listing, with its decision. */
      candidates: SubnetCandidate[];
      /** E.g. only one AZ has an eligible subnet; a chosen subnet is low on free addresses. */
      warnings: string[];
    }
  | {
      ok: false;
      /** No subnet qualifies: one line, then every subnet with its reason (candidates). */
      message: string;
      hint: string;
      candidates: SubnetCandidate[];
    };

/**
 * Availability Zone IDs Lambda refuses, by Region. AWS publishes no list for Lambda (it answers
 * InvalidParameterValueException naming the zone), so none is known today: the input can name
 * them, and the table is where a documented one goes.
 */
export const KNOWN_UNSUPPORTED_AZ_IDS: Readonly<Record<string, readonly string[]>> = {};

/** Lambda takes at most this many subnets. */
const MAX_SUBNETS = 16;

const count = (n: number) => n.toLocaleString('en-US');

interface Assessed {
  subnet: Ec2Subnet;
  candidate: SubnetCandidate;
}

/** The chooser: see docs/commands.md ("Choosing the network"). */
export function chooseSubnets(input: ChooseSubnetsInput): SubnetChoice {
  const { vpcId, region, securityGroupIds } = input;
  const subnets = input.network.subnets.filter((s) => s.VpcId === vpcId && s.SubnetId);
  const ids = subnets.map((s) => s.SubnetId ?? '');
  const full: NetworkInput = {
    ...input.network,
    region,
    requested: { subnetIds: ids, securityGroupIds: [...securityGroupIds], ipv6DualStack: input.ipv6 },
  };
  const analysis = analyzeNetwork(full);
  const internetPaths = analysis.paths.find((p) => p.target === 'internet');
  const needPaths = needTraces(full, input.needs, analysis.paths);
  const unsupported = new Set(input.unsupportedAzIds ?? KNOWN_UNSUPPORTED_AZ_IDS[region] ?? []);

  const assessed: Assessed[] = subnets.map((subnet) => {
    const id = subnet.SubnetId ?? '';
    const summary = analysis.subnets.find((x) => x.id === id);
    const path = internetPaths?.subnets.find((x) => x.id === id);
    const internet = internetOf(summary?.internet.reachable, path?.verdict);
    const existingInterface = input.existingCombinations
      ? input.existingCombinations.has(combinationKey(id, securityGroupIds))
      : null;
    const base: Omit<SubnetCandidate, 'decision' | 'reason'> = {
      id,
      az: subnet.AvailabilityZone ?? null,
      azId: subnet.AvailabilityZoneId ?? null,
      freeIps: subnet.AvailableIpAddressCount ?? null,
      internet,
      via: internet === 'yes' ? (path?.via ?? []).filter((v) => v.startsWith('nat-')) : [],
      existingInterface,
    };
    const refusal = refuse(subnet, base, {
      unsupported,
      ipv6: input.ipv6,
      requireInternet: input.requireInternet,
      kind: summary?.internet.kind,
      internetReason: path && path.verdict !== 'reachable' ? path.reason : summary?.internet.reason,
      needs: input.needs.map((service) => ({
        service,
        path: needPaths.get(service)?.subnets.find((x) => x.id === id),
      })),
    });
    const candidate: SubnetCandidate = refusal
      ? { ...base, ...refusal }
      : { ...base, decision: 'chosen', reason: eligibleReason(base) };
    return { subnet, candidate };
  });

  const eligible = assessed.filter((a) => a.candidate.decision === 'chosen');
  const byAz = new Map<string, Assessed[]>();
  for (const a of eligible) {
    const az = a.candidate.az ?? a.candidate.id;
    byAz.set(az, [...(byAz.get(az) ?? []), a]);
  }
  const chosen: Assessed[] = [];
  for (const az of [...byAz.keys()].sort()) {
    const [best, ...rest] = (byAz.get(az) ?? []).sort(preferred);
    if (!best) continue;
    if (chosen.length < MAX_SUBNETS) chosen.push(best);
    else mark(best, 'over-limit', `eligible, but Lambda takes at most ${MAX_SUBNETS} subnets`);
    for (const other of rest)
      mark(
        other,
        'same-az',
        `eligible; ${best.candidate.id} is preferred in ${az} (${preference(best, other)})`,
      );
  }
  const candidates = assessed.map((a) => a.candidate);
  if (chosen.length === 0) {
    const noInternet = input.requireInternet && candidates.some((c) => c.decision === 'no-internet');
    return {
      ok: false,
      message: `No subnet of ${vpcId} qualifies: ${subnets.length === 0 ? 'it has no subnet' : candidates.map((c) => `${c.id}: ${c.reason}`).join('; ')}.`,
      hint: [
        noInternet
          ? 'For a function that needs no internet, pass --no-internet (with --needs SERVICE,… for the AWS services it calls through VPC endpoints).'
          : undefined,
        'Or name the subnets with --subnets.',
      ]
        .filter(Boolean)
        .join(' '),
      candidates,
    };
  }
  return {
    ok: true,
    subnetIds: chosen.map((a) => a.candidate.id),
    candidates,
    warnings: warnings(subnets, chosen, vpcId),
  };
}

function mark(a: Assessed, decision: SubnetDecision, reason: string): void {
  a.candidate = { ...a.candidate, decision, reason };
}

/** The verdict is proved only when the route summary and the path agree on it. */
function internetOf(
  summary: 'yes' | 'no' | 'unknown' | undefined,
  path: 'reachable' | 'unreachable' | 'unknown' | undefined,
): SubnetCandidate['internet'] {
  if (summary === 'yes' && path === 'reachable') return 'yes';
  if (summary === 'no' || path === 'unreachable') return 'no';
  return 'unknown';
}

interface RefusalFacts {
  unsupported: ReadonlySet<string>;
  ipv6: boolean;
  requireInternet: boolean;
  kind: string | undefined;
  internetReason: string | undefined;
  needs: Array<{ service: string; path: { verdict: string; reason: string } | undefined }>;
}

function refuse(
  subnet: Ec2Subnet,
  base: Omit<SubnetCandidate, 'decision' | 'reason'>,
  facts: RefusalFacts,
): Pick<SubnetCandidate, 'decision' | 'reason'> | undefined {
  if (subnet.State !== undefined && subnet.State !== 'available')
    return { decision: 'not-available', reason: `its state is ${subnet.State}` };
  if (base.azId && facts.unsupported.has(base.azId))
    return { decision: 'unsupported-az', reason: `Lambda does not support ${base.azId} (${base.az ?? '?'})` };
  const ipv6 = (subnet.Ipv6CidrBlockAssociationSet ?? []).some(
    (a) => a.Ipv6CidrBlock && (a.Ipv6CidrBlockState?.State ?? 'associated') === 'associated',
  );
  if (facts.ipv6 && !ipv6) return { decision: 'no-ipv6', reason: 'no IPv6 CIDR (--ipv6-dual-stack)' };
  if (base.freeIps === 0) return { decision: 'no-free-ips', reason: 'no free address left' };
  if (facts.kind === 'public-no-internet')
    return {
      decision: 'public',
      reason:
        'public subnet: its default route goes to an internet gateway, and a function has no public address there',
    };
  // Without its routes, not even "not public" is proved: refused with --no-internet too.
  if (facts.kind === 'unknown' || facts.kind === undefined)
    return {
      decision: 'internet-unknown',
      reason: `its routes are not known (${facts.internetReason ?? 'not read'})`,
    };
  if (facts.requireInternet && base.internet === 'no')
    return { decision: 'no-internet', reason: `no internet (${facts.internetReason ?? 'no route'})` };
  if (facts.requireInternet && base.internet === 'unknown')
    return {
      decision: 'internet-unknown',
      reason: `internet not proved (${facts.internetReason ?? 'unknown'})`,
    };
  const unmet = facts.needs.filter((n) => n.path?.verdict !== 'reachable');
  if (unmet.length > 0)
    return {
      decision: 'needs-unmet',
      reason: unmet
        .map(
          (n) =>
            `${n.service} ${n.path?.verdict === 'unreachable' ? 'unreachable' : 'not proved'} (${n.path?.reason ?? 'not traced'})`,
        )
        .join('; '),
    };
  return undefined;
}

function eligibleReason(c: Omit<SubnetCandidate, 'decision' | 'reason'>): string {
  const parts = [
    c.internet === 'yes' ? `internet via ${c.via.join(', ') || 'NAT'}` : 'no internet (--no-internet)',
    c.freeIps === null ? 'free addresses unknown' : `${count(c.freeIps)} free addresses`,
  ];
  if (c.existingInterface) parts.push('a Lambda interface for these groups exists already (fast)');
  return parts.join('; ');
}

/** Within one AZ: an existing Lambda interface (no new one, minutes saved), then more free addresses, then the ID. */
function preferred(a: Assessed, b: Assessed): number {
  const x = a.candidate;
  const y = b.candidate;
  if (Boolean(x.existingInterface) !== Boolean(y.existingInterface)) return x.existingInterface ? -1 : 1;
  const free = (y.freeIps ?? -1) - (x.freeIps ?? -1);
  if (free !== 0) return free;
  return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

function preference(best: Assessed, other: Assessed): string {
  if (best.candidate.existingInterface && !other.candidate.existingInterface)
    return 'it has a Lambda interface for these groups already';
  if ((best.candidate.freeIps ?? -1) !== (other.candidate.freeIps ?? -1)) return 'more free addresses';
  return 'lower ID';
}

function warnings(subnets: readonly Ec2Subnet[], chosen: readonly Assessed[], vpcId: string): string[] {
  const out: string[] = [];
  const vpcAzs = new Set(subnets.map((s) => s.AvailabilityZone ?? s.SubnetId));
  const first = chosen[0]?.candidate;
  if (vpcAzs.size === 1 && first)
    out.push(
      `${vpcId} has subnets in one Availability Zone only (${first.az ?? '?'}): the function runs there alone (no high availability, Security Hub Lambda.5).`,
    );
  else if (chosen.length === 1 && first)
    out.push(
      `Only one Availability Zone (${first.az ?? '?'}) has a subnet that qualifies: the function runs there alone (no high availability, Security Hub Lambda.5). The other subnets' reasons are listed.`,
    );
  for (const { candidate } of chosen) {
    if (candidate.freeIps !== null && candidate.freeIps < LOW_FREE_IPS_THRESHOLD)
      out.push(
        `${candidate.id} has only ${candidate.freeIps} free addresses; Lambda fails with SubnetOutOfIPAddresses when none is left.`,
      );
  }
  return out;
}

/**
 * The path of each needed service from every subnet: the analysis traced the common services and
 * those with an endpoint in the VPC; any other is traced here.
 */
function needTraces(
  input: NetworkInput,
  needs: readonly string[],
  traced: readonly PathVerdictSummary[],
): Map<string, PathVerdictSummary> {
  const out = new Map<string, PathVerdictSummary>();
  for (const p of traced) if (needs.includes(p.target)) out.set(p.target, p);
  const missing = needs.filter((n) => !out.has(n));
  if (missing.length === 0) return out;
  const verdicts = tracePaths({
    ...pathWorld(input),
    function: {
      subnetIds: input.requested.subnetIds,
      securityGroupIds: input.requested.securityGroupIds,
      ipv6DualStack: input.requested.ipv6DualStack,
    },
    targets: missing.map((service) => ({ kind: 'service' as const, service })),
  });
  const [first] = verdicts;
  if (!first) return out;
  const paths: NetworkPaths = { internet: first, services: verdicts, notRead: notReadOf(input), denied: [] };
  for (const [i, service] of missing.entries()) {
    const v = verdicts[i];
    if (v) out.set(service, summarize(paths, v, service));
  }
  return out;
}

/** How a part of the configuration was decided. */
export type ChosenBy = 'given' | 'like' | 'chooser' | 'created';

/** What --create-sg did: `planned` (dry run, --emit), `reused` (a group of that name was there), or created. */
export interface CreatedGroup {
  name: string;
  /** null while planned. */
  id: string | null;
  /** `created-answer-lost`: the create's answer was lost; a read by name found the group. */
  outcome: 'planned' | 'reused' | 'created' | 'created-answer-lost';
  written: boolean;
}

/** attach's `choice` section: what --vpc, --like and the name:/tag: selectors chose, and why. */
export interface NetworkChoiceReport {
  checked: true;
  /** The flags as typed. */
  asked: {
    vpc: string | null;
    like: string | null;
    subnets: string[] | null;
    securityGroups: string[] | null;
    createSecurityGroup: string | null;
    /** false with --no-internet. */
    internet: boolean;
    needs: string[];
  };
  vpc: { id: string; name: string | null };
  subnets: {
    chosenBy: Exclude<ChosenBy, 'created'>;
    subnetIds: string[];
    /** The chooser's view of every subnet of the VPC; empty when the subnets were given or copied. */
    candidates: SubnetCandidate[];
  };
  securityGroups: {
    chosenBy: Exclude<ChosenBy, 'chooser'>;
    securityGroupIds: string[];
    groups: Array<{ id: string; name: string | null; egress: string }>;
  };
  createdSecurityGroup: CreatedGroup | null;
  ipv6AllowedForDualStack: boolean;
  warnings: string[];
}

/** No subnet qualifies (exit 2, nothing written): the error, with the choice that shows every subnet's reason. */
export class NetworkChoiceRefused extends CliError {
  constructor(
    message: string,
    hint: string,
    readonly report: NetworkChoiceReport,
  ) {
    super('InvalidParameter', message, { hint });
  }
}
