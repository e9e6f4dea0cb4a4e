import { deleteEniCommand, LAMBDA_ENI_DESCRIPTION, type NetworkInterfaceInfo } from './enis.js';
import { type ActionCheck, roleNameOf } from './permissions.js';

/**
 * A function taken out of its VPC leaves its interfaces to Lambda, which deletes them with the
 * function's execution role. If the role lost its EC2 permissions (or was deleted) first, they
 * stay: status and check-perms say so while it can still be fixed by restoring the permissions.
 */

/** What Lambda needs of the role to find and delete the interfaces a function left. */
export const CLEANUP_ACTIONS = ['ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces'] as const;

const MAX_FILTER_VALUES = 200;

/**
 * The DescribeNetworkInterfaces `description` filter values that find the interfaces Lambda
 * created for these functions: one value each, so one call covers them all.
 */
export function remainingEniFilter(functionNames: readonly string[]): string[] {
  const names = [...new Set(functionNames)];
  // Past EC2's ceiling of values per filter (FilterLimitExceeded), every Lambda interface is
  // listed instead and matched here: still one paginated call.
  if (names.length > MAX_FILTER_VALUES) return [`${LAMBDA_ENI_DESCRIPTION}-*`];
  return names.map((name) => `${LAMBDA_ENI_DESCRIPTION}-${name}*`);
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether Lambda described the interface as this function's: `AWS Lambda VPC ENI-NAME-UUID`
 * (or `AWS Lambda VPC ENI-NAME`, as older interfaces are). The filter's wildcard also matches
 * `my-fn-2`'s interfaces when looking for `my-fn`; the exact shape tells them apart.
 */
export const describedAsFunctions = (eni: NetworkInterfaceInfo, functionName: string) =>
  new RegExp(`^${escapeRegExp(`${LAMBDA_ENI_DESCRIPTION}-${functionName}`)}(?:-${UUID})?$`, 'i').test(
    eni.description,
  );

/**
 * not-needed: no interface remains, so the role was not checked. allowed / denied: what the
 * role's check proved for CLEANUP_ACTIONS. unknown: it could not be proved either way (detail).
 */
export type CleanupVerdict = 'not-needed' | 'allowed' | 'denied' | 'unknown';

/** status's `remainingEnis` for a function not in a VPC (docs/json-output.md). */
export interface RemainingEnis {
  checked: true;
  count: number;
  ids: string[];
  /** Those EC2 reports `available` (attached to nothing): the only ones that can be deleted by hand. */
  availableIds: string[];
  /** The execution role Lambda deletes them with; null when none remain. */
  role: string | null;
  cleanup: CleanupVerdict;
  /** The actions found denied (cleanup denied), or why the answer is unknown; null otherwise. */
  detail: string | null;
}

export type RemainingEnisReport = RemainingEnis | { checked: false; skippedReason: string };

/** The role's answer for the cleanup actions: denied beats unknown, and only all allowed is allowed. */
export function cleanupVerdict(checks: readonly ActionCheck[]): {
  cleanup: CleanupVerdict;
  detail: string | null;
} {
  const relevant = CLEANUP_ACTIONS.map((action) => checks.find((c) => c.action === action));
  const denied = relevant.filter(
    (c): c is ActionCheck =>
      c !== undefined &&
      (c.decision === 'implicitDeny' || c.decision === 'explicitDeny' || c.decision === 'denied'),
  );
  if (denied.length > 0)
    return { cleanup: 'denied', detail: `denied: ${denied.map((c) => c.action).join(', ')}` };
  // Actions left open for the same reason are named together, the reason once.
  const open = new Map<string, string[]>();
  relevant.forEach((c, i) => {
    if (c?.decision === 'allowed') return;
    const reason = c ? (c.detail ?? c.decision) : 'not checked';
    open.set(reason, [...(open.get(reason) ?? []), CLEANUP_ACTIONS[i] as string]);
  });
  if (open.size === 0) return { cleanup: 'allowed', detail: null };
  const detail = [...open].map(([reason, actions]) => `${actions.join(', ')}: ${reason}`).join('; ');
  return { cleanup: 'unknown', detail };
}

/** The report once the interfaces were read and, when some remain, the role checked. */
export function remainingEnis(
  enis: readonly NetworkInterfaceInfo[],
  role: string | null,
  verdict: { cleanup: CleanupVerdict; detail: string | null },
): RemainingEnis {
  const sorted = [...enis].sort((a, b) => a.id.localeCompare(b.id));
  return {
    checked: true,
    count: sorted.length,
    ids: sorted.map((e) => e.id),
    availableIds: sorted.filter((e) => e.status === 'available').map((e) => e.id),
    role: sorted.length > 0 ? role : null,
    ...(sorted.length > 0 ? verdict : { cleanup: 'not-needed' as const, detail: null }),
  };
}

const countOfInterfaces = (n: number) => `${n} network interface${n === 1 ? '' : 's'}`;
const remain = (n: number) => (n === 1 ? 'remains' : 'remain');

/**
 * The warning when the interfaces a detached function left can no longer be deleted by Lambda
 * (denied), or when that could not be checked (unknown); null when there is nothing to say.
 */
export function remainingEnisWarning(fn: string, r: RemainingEnisReport, region: string): string | null {
  if (!r.checked) return `Could not check for network interfaces ${fn} left behind: ${r.skippedReason}.`;
  if (r.cleanup === 'not-needed' || r.cleanup === 'allowed') return null;
  const name = (r.role && roleNameOf(r.role)) || r.role;
  const role = name ? `its role ${name}` : 'its execution role';
  if (r.cleanup === 'unknown')
    return `${countOfInterfaces(r.count)} of ${fn} ${remain(r.count)} (${r.ids.join(', ')}); whether ${role} can still delete them could not be checked: ${r.detail}.`;
  const byHand =
    r.availableIds.length > 0
      ? `, or delete them by hand: ${r.availableIds.map((id) => deleteEniCommand(id, region)).join('; ')}`
      : '. Those still in use cannot be deleted by hand yet: `lambda-vpc enis --eni ID` tells who uses each';
  return `${countOfInterfaces(r.count)} of ${fn} ${remain(r.count)} (${r.ids.join(', ')}) and ${role} can no longer delete them (${r.detail}): restore ${CLEANUP_ACTIONS.join(' and ')} to the role until they are gone${byHand}.`;
}

/** The human row under status's own rows for a function not in a VPC; none when nothing remains. */
export function remainingEnisSummary(r: RemainingEnis): string | null {
  if (r.count === 0) return null;
  const role = {
    allowed: 'its role can still delete them: Lambda does once no other function or version uses them',
    denied: 'its role can no longer delete them',
    unknown: 'whether its role can still delete them is unknown',
    'not-needed': '',
  }[r.cleanup];
  return `${r.count} (${r.ids.join(', ')}); ${role}`;
}
