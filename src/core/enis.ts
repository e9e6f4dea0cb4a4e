import { isInVpc } from './plan.js';
import type { ErrorJson } from './result.js';
import { sameSet } from './sets.js';

/**
 * Lambda's Hyperplane network interfaces and who keeps them alive. Lambda creates one
 * interface per (subnet, security-group set) in the account and shares it between every
 * function and published version using that combination, so "whose interface is this" is
 * answered by comparing configurations, not by the interface's description (which names only
 * the function that happened to create it).
 */

/** A network interface as DescribeNetworkInterfaces reports it, in the shape we print. */
export interface NetworkInterfaceInfo {
  id: string;
  subnetId: string;
  availabilityZone: string | null;
  vpcId: string | null;
  privateIp: string | null;
  /** EC2's status: in-use, available, … */
  status: string | null;
  securityGroupIds: string[];
  description: string;
  interfaceType: string | null;
  /** ISO time Lambda attached (created) it; null when EC2 does not say. */
  createdAt: string | null;
}

/** One function version and its network (from ListFunctions with FunctionVersion=ALL). */
export interface FunctionVersionNetwork {
  functionName: string;
  /** "$LATEST" or a published version number. */
  version: string;
  subnetIds: string[];
  securityGroupIds: string[];
  /** The execution role's ARN, when the listing carried it (ListFunctions does). */
  role?: string;
  /** The VPC of its subnets, when the listing carried it. */
  vpcId?: string;
}

export const LAMBDA_ENI_DESCRIPTION = 'AWS Lambda VPC ENI';
/** How long Lambda takes to delete an interface after its last user leaves (AWS: "up to 20 minutes"). */
export const LAMBDA_ENI_RELEASE_MS = 20 * 60_000;
/** Terraform's AWS provider waits this long on destroy, citing a P99 of about 35 minutes. */
export const DEFAULT_ENI_WAIT_MS = 45 * 60_000;

/** While in use the type is "lambda"; a stranded interface may keep only the description. */
export const isLambdaEni = (eni: NetworkInterfaceInfo) =>
  eni.interfaceType === 'lambda' || eni.description.startsWith(LAMBDA_ENI_DESCRIPTION);

/**
 * Whether the interface carries traffic for this (subnets, security groups) configuration.
 * Order-insensitive: Lambda reuses an interface for groups [a, b] and [b, a] alike.
 */
export const serves = (
  eni: NetworkInterfaceInfo,
  network: { subnetIds: readonly string[]; securityGroupIds: readonly string[] },
) => network.subnetIds.includes(eni.subnetId) && sameSet(eni.securityGroupIds, network.securityGroupIds);

export const usersOf = (eni: NetworkInterfaceInfo, versions: readonly FunctionVersionNetwork[]) =>
  versions.filter((v) => isInVpc(v) && serves(eni, v));

export const versionLabel = (v: { functionName: string; version: string }) =>
  `${v.functionName}:${v.version}`;

export const isPublished = (v: FunctionVersionNetwork) => v.version !== '$LATEST';

/**
 * How detach learns its targets' published versions with the fewest control-plane calls (which
 * share Lambda's 15/s with the writes): one ListVersionsByFunction per target, or, for a fleet,
 * one account-wide ListFunctions pass (50 versions a page) given at most a tenth of a call per
 * target. A pass that would cost more stops there and the per-target lists follow, so a fleet
 * pays at most N/10 calls more than the lists alone, and in a typical account far fewer.
 */
export function versionListingPlan(targets: number): { accountPages: number } | 'perTarget' {
  const accountPages = Math.floor(targets / 10);
  return accountPages >= 2 ? { accountPages } : 'perTarget';
}

/** Published versions of the function still in a VPC: they hold its interfaces until deleted. */
export const publishedVersionsInVpc = (functionName: string, versions: readonly FunctionVersionNetwork[]) =>
  versions.filter((v) => v.functionName === functionName && isPublished(v) && isInVpc(v));

/**
 * in-use: some function or version uses it. unused: nobody does, and it is young enough (or
 * of unknown age) that Lambda may still be deleting it. stranded: nobody does and it is older
 * than Lambda's deletion window; the usual cause is an execution role that lost its EC2
 * permissions (or was deleted) before Lambda got to it. not-lambda: someone else's interface
 * (found by ID), which we never judge.
 */
export type EniVerdict = 'in-use' | 'unused' | 'stranded' | 'not-lambda';

export interface EniAssessment {
  eni: NetworkInterfaceInfo;
  usedBy: FunctionVersionNetwork[];
  ageMs: number | null;
  verdict: EniVerdict;
  /** For a stranded interface: the command that deletes it by hand. */
  deleteCommand: string | null;
}

export function assessEni(
  eni: NetworkInterfaceInfo,
  versions: readonly FunctionVersionNetwork[],
  context: { now: number; region: string },
): EniAssessment {
  if (!isLambdaEni(eni)) return { eni, usedBy: [], ageMs: null, verdict: 'not-lambda', deleteCommand: null };
  const usedBy = usersOf(eni, versions);
  const created = eni.createdAt ? Date.parse(eni.createdAt) : Number.NaN;
  const ageMs = Number.isFinite(created) ? Math.max(0, context.now - created) : null;
  const verdict: EniVerdict =
    usedBy.length > 0 ? 'in-use' : ageMs !== null && ageMs > LAMBDA_ENI_RELEASE_MS ? 'stranded' : 'unused';
  return {
    eni,
    usedBy,
    ageMs,
    verdict,
    deleteCommand: verdict === 'stranded' ? deleteEniCommand(eni.id, context.region) : null,
  };
}

/** We print this rather than delete: deleting an interface is the user's call, never ours. */
export const deleteEniCommand = (eniId: string, region: string) =>
  `aws ec2 delete-network-interface --network-interface-id ${eniId} --region ${region}`;

export interface EniReleasePlan {
  /** Interfaces no one else uses: Lambda will delete them once the leaving functions are gone. */
  awaited: NetworkInterfaceInfo[];
  /** Interfaces other functions or versions still use, so Lambda keeps them. */
  kept: Array<{ eni: NetworkInterfaceInfo; usedBy: FunctionVersionNetwork[] }>;
}

/**
 * Which of the leaving configurations' interfaces should disappear after a detach. `leaving`
 * is each detached function's $LATEST with the network it had before; every other entry of
 * `versions` (the function's own published versions included) still counts as a user.
 */
export function planEniRelease(
  enis: readonly NetworkInterfaceInfo[],
  leaving: readonly FunctionVersionNetwork[],
  versions: readonly FunctionVersionNetwork[],
): EniReleasePlan {
  const isLeaving = (v: FunctionVersionNetwork) =>
    leaving.some((l) => l.functionName === v.functionName && l.version === v.version);
  const staying = versions.filter((v) => !isLeaving(v));
  const plan: EniReleasePlan = { awaited: [], kept: [] };
  for (const eni of enis) {
    if (!isLambdaEni(eni) || !leaving.some((l) => serves(eni, l))) continue;
    const usedBy = usersOf(eni, staying);
    if (usedBy.length === 0) plan.awaited.push(eni);
    else plan.kept.push({ eni, usedBy });
  }
  return plan;
}

/** status's ENI count for one function; not checked when EC2 could not be read. */
export type EniCount =
  | { checked: true; count: number; ids: string[] }
  | { checked: false; skippedReason: string };

/** What `enis` found, as printed in the JSON document under `enis` (docs/json-output.md). */
export interface EnisReport {
  region: string;
  query: {
    function: string | null;
    eni: string | null;
    subnet: string | null;
    securityGroup: string | null;
  };
  /** `enis <function>`: the version looked at and its network; null for the reverse lookup. */
  function: {
    name: string;
    version: string;
    subnetIds: string[];
    securityGroupIds: string[];
  } | null;
  interfaces: EniJson[];
  /** `--subnet` / `--sg`: functions and versions configured with it, whether or not an interface exists yet. */
  configuredUsers: VersionJson[] | null;
}

export interface VersionJson {
  function: string;
  version: string;
}

export interface EniJson extends NetworkInterfaceInfo {
  ageMs: number | null;
  usedBy: VersionJson[];
  verdict: EniAssessment['verdict'];
  deleteCommand: string | null;
}

export const versionJson = (v: FunctionVersionNetwork): VersionJson => ({
  function: v.functionName,
  version: v.version,
});

export const eniJson = (a: EniAssessment): EniJson => ({
  ...a.eni,
  ageMs: a.ageMs,
  usedBy: a.usedBy.map(versionJson),
  verdict: a.verdict,
  deleteCommand: a.deleteCommand,
});

/** The additive top-level `enis` field of detach's JSON document: what --wait-enis saw. */
export interface EniWaitJson {
  /** The wait ran (with nothing to wait for, `waited` is false). */
  checked: true;
  waited: boolean;
  deleted: string[];
  remaining: string[];
  kept: Array<{ id: string; subnetId: string; usedBy: string[] }>;
  elapsedMs: number;
  error: ErrorJson | null;
}
