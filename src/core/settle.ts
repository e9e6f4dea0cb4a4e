import { CliError } from '../errors.js';
import { roleNameOf } from './permissions.js';
import { attachVpcAccessPolicyCommand } from './policy-eval.js';

/** The status fields of a FunctionConfiguration that decide whether an update has settled. */
export interface FunctionStatus {
  FunctionName?: string | undefined;
  Role?: string | undefined;
  State?: string | undefined;
  StateReason?: string | undefined;
  StateReasonCode?: string | undefined;
  LastUpdateStatus?: string | undefined;
  LastUpdateStatusReason?: string | undefined;
  LastUpdateStatusReasonCode?: string | undefined;
}

/**
 * Settled means Lambda is done with the function: no update in progress and not Pending.
 * Watching State alone returns too early, because an updated function stays Active while
 * LastUpdateStatus is InProgress. Inactive is settled: nothing is under way, and a function
 * leaves it only when invoked or updated, so a waiter for Active would spin until its timeout.
 */
export const isSettled = (c: FunctionStatus) => c.LastUpdateStatus !== 'InProgress' && c.State !== 'Pending';

export const isFailed = (c: FunctionStatus) => c.LastUpdateStatus === 'Failed' || c.State === 'Failed';

/**
 * Settled, and not a read from before our write: right after an update of an Inactive function
 * a read that still shows it Inactive with the revision it had before the write is the old
 * state, not the end of the update (which takes it through Pending), so the wait goes on. Any
 * other read decides as isSettled does, so a function Lambda returns to Inactive ends the wait.
 */
export const settledAfterWrite = (
  c: FunctionStatus & { RevisionId?: string | undefined },
  revisionBeforeWrite: string | undefined,
) =>
  isSettled(c) &&
  !(isInactive(c) && revisionBeforeWrite !== undefined && c.RevisionId === revisionBeforeWrite);

/** Idle for weeks: Lambda reclaimed what it had provisioned (its network interfaces, in a VPC). */
export const isInactive = (c: Pick<FunctionStatus, 'State'>) => c.State === 'Inactive';

/** What an Inactive function means and what brings it back, for status (and enis). */
export function inactiveNote(functionName: string, inVpc: boolean): string {
  const reclaimed = inVpc ? 'its network interfaces' : 'the resources it had';
  return `Inactive: Lambda reclaimed ${reclaimed} after weeks without invocations; the next invoke re-creates them (minutes), or warm it now with: aws lambda invoke --function-name ${functionName} /dev/null`;
}

/** attach/detach of an Inactive function: the update works, and takes it back through Pending. */
export function inactiveUpdateNote(functionName: string, dryRun: boolean): string {
  const what = dryRun ? 'the update would bring it' : 'the update brings it';
  return `${functionName} was Inactive (idle for weeks, its resources reclaimed): ${what} back through Pending while Lambda re-creates them, which can take minutes.`;
}

/** "Active / InProgress": a compact label for progress lines and spinners. */
export const statusLabel = (c: FunctionStatus) =>
  [c.State ?? 'Unknown', c.LastUpdateStatus].filter(Boolean).join(' / ');

const roleName = (roleArn: string | undefined) => (roleArn && roleNameOf(roleArn)) || 'ROLE_NAME';

/** What to do about each reason code Lambda gives for a failed VPC update. */
export function remedyFor(reasonCode: string | undefined, c: FunctionStatus): string {
  switch (reasonCode) {
    case 'SubnetOutOfIPAddresses':
      return 'A subnet has no free IP addresses. Free some, or attach subnets with more free addresses (aws ec2 describe-subnets --query "Subnets[].[SubnetId,AvailableIpAddressCount]"), then run attach again.';
    case 'InvalidSubnet':
      return 'A subnet does not exist, is in another VPC than the security groups, or is in an Availability Zone Lambda does not support. Check the IDs and the region, then run attach again.';
    case 'InvalidSecurityGroup':
      return 'A security group does not exist or is in another VPC than the subnets. Check the IDs and the region, then run attach again.';
    case 'EniLimitExceeded':
      return 'The account reached its quota of network interfaces for Lambda in this VPC. Reuse a subnet and security-group combination other functions already use, delete unused interfaces, or request a higher "Network interfaces per Region" quota in Service Quotas.';
    case 'InsufficientRolePermissions':
      return `The execution role cannot manage network interfaces. Grant it the VPC permissions: ${attachVpcAccessPolicyCommand(roleName(c.Role))}, then run attach again.`;
    case 'EC2RequestLimitExceeded':
      return 'EC2 throttled Lambda while it created the network interfaces. Wait a minute and run the command again; attach many functions in smaller batches.';
    case 'DisallowedByVpcEncryptionControl':
      return 'The VPC enforces encryption controls that Lambda does not meet. Use a VPC without enforced encryption control, or change the control to monitor mode.';
    case 'InternalError':
      return 'Lambda had an internal error. Run the command again; if it keeps failing, contact AWS Support with the request ID (--debug shows it).';
    default:
      return 'Fix the cause named above, then run the command again.';
  }
}

export function updateFailedError(functionName: string, c: FunctionStatus): CliError {
  const failedState = c.State === 'Failed' && c.LastUpdateStatus !== 'Failed';
  const code = failedState ? c.StateReasonCode : c.LastUpdateStatusReasonCode;
  const reason = failedState ? c.StateReason : c.LastUpdateStatusReason;
  const what = failedState ? 'is in state Failed' : 'update failed';
  return new CliError(
    'UpdateFailed',
    `${functionName}: ${what}: ${code ?? 'no reason code'}: ${reason ?? 'no reason given'}`,
    {
      hint: remedyFor(code, c),
    },
  );
}
