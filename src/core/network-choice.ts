/**
 * Choosing a function's subnets from the live network of a VPC (attach --vpc without --subnets).
 * Pure: it reads the same describe results as the network check, traces every subnet of the
 * VPC with the path engine, and keeps only those whose verdict is proved.
 */
import type { NetworkInput } from './reachability/analyze.js';

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
  /** A Lambda interface already exists for this subnet and the chosen groups: attaching is fast. */
  existingInterface: boolean;
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
  /** combinationKey()s that already have a Lambda interface (src/core/eni-combos.ts). */
  existingCombinations: ReadonlySet<string>;
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

/** The chooser: see docs/commands.md ("Choosing the network"). */
export function chooseSubnets(_input: ChooseSubnetsInput): SubnetChoice {
  throw new Error('not built yet');
}

/** attach's `choice` section: what --vpc, --like and the name:/tag: selectors chose, and why. */
export interface NetworkChoiceReport {
  checked: true;
}
