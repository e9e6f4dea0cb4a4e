// The execution role's check, trying the most reliable method first and saying which one
// answered: the simulator, then the role's own policies, else "unknown" with the reason; and
// its trust policy. The caller's check is in caller-check.ts.
import type { IAMClient, Role } from '@aws-sdk/client-iam';
import { executionRoleRequests } from '../core/lambda-requests.js';
import {
  type ActionCheck,
  fromSimulation,
  type PrincipalReport,
  roleNameOf,
  type TrustFix,
  unknownChecks,
} from '../core/permissions.js';
import { EXECUTION_ROLE_ACTIONS } from '../core/policy-eval.js';
import { lambdaTrust, parseTrustDocument, trustCheck, trustFixFor } from '../core/trust.js';
import { CliError } from '../errors.js';
import { getRole, type PolicyHolder, simulatePrincipal } from '../services/iam.js';
import {
  boundaryOf,
  evaluatePrincipalPolicies,
  isNoSuchEntity,
  type NetworkScope,
  requestFacts,
  rethrowFatal,
  SCP_NOTE,
  tagsOf,
  unreadChecks,
  why,
} from './policy-reads.js';

export { type CallerCheckInput, checkCaller } from './caller-check.js';
export { type NetworkScope, networkReader } from './policy-reads.js';

export const ROLE_ACTIONS = EXECUTION_ROLE_ACTIONS.map((a) => a.action);

/**
 * The network check-perms decides the role's requests for: the subnets and groups given
 * (--subnets/--sg), else the function's own VPC configuration, else null (any subnet).
 */
export function roleNetwork(
  given: { subnetIds: string[]; securityGroupIds: string[] },
  current:
    | {
        SubnetIds?: string[] | undefined;
        SecurityGroupIds?: string[] | undefined;
        VpcId?: string | undefined;
      }
    | undefined,
): NetworkScope | null {
  if (given.subnetIds.length > 0)
    return { subnetIds: given.subnetIds, securityGroupIds: given.securityGroupIds, vpcId: null };
  if (!current?.SubnetIds?.length) return null;
  return {
    subnetIds: current.SubnetIds,
    securityGroupIds: current.SecurityGroupIds ?? [],
    vpcId: current.VpcId || null,
  };
}

export interface RoleCheckScope {
  /** The function whose role it is, as the user named it: errors and fixes say it. */
  functionName: string;
  region: string;
  network: NetworkScope | null;
  /**
   * Reads the subnets and groups (their VPC, owner account and tags) for the policies' own
   * evaluation, which decides ec2:Vpc, ec2:ResourceTag and account-scoped ARNs with them.
   */
  describeNetwork?: (network: NetworkScope) => Promise<NonNullable<NetworkScope['described']>>;
}

/** The execution role was deleted after the function was created: Lambda cannot use it at all. */
export class MissingRoleError extends CliError {
  readonly roleArn: string;
  constructor(roleArn: string, functionName: string, cause?: unknown) {
    super('AccessDenied', `The execution role ${roleArn} of ${functionName} does not exist.`, {
      hint: `Give the function an existing role: aws lambda update-function-configuration --function-name ${functionName} --role <an existing role ARN>; or recreate the role ${roleNameOf(roleArn) ?? roleArn}, with a trust policy that lets lambda.amazonaws.com sts:AssumeRole.`,
      cause,
    });
    this.roleArn = roleArn;
  }
}

/** GetRole, once per check: the trust policy, the permissions boundary and the tags. */
async function readRole(
  iam: IAMClient,
  roleArn: string,
  roleName: string,
  functionName: string,
): Promise<{ role: Role } | { unread: string }> {
  try {
    return { role: await getRole(iam, roleName) };
  } catch (error) {
    if (isNoSuchEntity(error)) throw new MissingRoleError(roleArn, functionName, error);
    rethrowFatal(error);
    return { unread: `iam:GetRole: ${why(error)}` };
  }
}

function trustOf(
  record: { role: Role } | { unread: string },
  roleName: string,
): { check: ActionCheck; fix: TrustFix | null } {
  if ('unread' in record)
    return {
      check: trustCheck({
        decision: 'unknown',
        decidedBy: null,
        detail: `the trust policy could not be read (${record.unread})`,
      }),
      fix: null,
    };
  const parsed = parseTrustDocument(record.role.AssumeRolePolicyDocument ?? '');
  if ('error' in parsed)
    return { check: trustCheck({ decision: 'unknown', decidedBy: null, detail: parsed.error }), fix: null };
  const answer = lambdaTrust(parsed);
  return { check: trustCheck(answer), fix: trustFixFor(roleName, parsed, answer.decision) };
}

/** The network with what EC2 says of it; as given when it cannot be read (then more stays open). */
async function describedNetwork(scope: RoleCheckScope, notes: string[]): Promise<NetworkScope | null> {
  const { network, describeNetwork } = scope;
  if (!network || !describeNetwork) return network;
  try {
    return { ...network, described: await describeNetwork(network) };
  } catch (error) {
    rethrowFatal(error);
    notes.push(
      `The subnets and security groups could not be read (${why(error)}): conditions on their VPC, owner or tags stay open.`,
    );
    return network;
  }
}

/** Reads the role's own policies and boundary and decides Lambda's EC2 requests with them. */
async function evaluateRole(
  iam: IAMClient,
  roleArn: string,
  roleName: string,
  record: { role: Role } | { unread: string },
  scope: RoleCheckScope,
  notes: string[],
): Promise<ActionCheck[]> {
  const tags = 'role' in record ? tagsOf(record.role.Tags) : undefined;
  const facts = requestFacts(roleArn, 'role', tags, scope.region, await describedNetwork(scope, notes));
  const requests = executionRoleRequests(facts);
  const holder: PolicyHolder = { kind: 'role', name: roleName };
  const outcome = await evaluatePrincipalPolicies(iam, holder, boundaryOf(record), requests);
  if ('nothingRead' in outcome)
    return unreadChecks(
      requests,
      `neither the simulator nor the role's policies could be read (${outcome.nothingRead})`,
    );
  notes.push(`Read from the role's own policies: ${SCP_NOTE}`);
  if (!scope.network)
    notes.push(
      'The function is not in a VPC and no --subnets/--sg were given: the answer is for any subnet and security group.',
    );
  return outcome.checks;
}

/** A role none of whose answers could be determined: its EC2 actions and its trust policy. */
export function undeterminedRole(roleArn: string | null, reason: string): PrincipalReport {
  return {
    arn: roleArn,
    checks: [
      ...unknownChecks(ROLE_ACTIONS, reason),
      trustCheck({ decision: 'unknown', decidedBy: null, detail: reason }),
    ],
    notes: [],
  };
}

/**
 * The execution role's EC2 permissions (the simulator, else its own policies) and its trust
 * policy. A role that does not exist ends the check with a MissingRoleError.
 */
export async function checkExecutionRole(
  iam: IAMClient,
  roleArn: string,
  scope: RoleCheckScope,
): Promise<PrincipalReport> {
  const notes: string[] = [];
  const roleName = roleNameOf(roleArn);
  if (!roleName) return undeterminedRole(roleArn, `'${roleArn}' is not a role ARN`);
  const record = await readRole(iam, roleArn, roleName, scope.functionName);
  const trust = trustOf(record, roleName);
  let checks: ActionCheck[] | undefined;
  try {
    // No ResourceArns: the simulator would apply them to the Describe actions too, which
    // support only "*", and a policy naming subnets would then look like it allowed those.
    const results = await simulatePrincipal(iam, roleArn, ROLE_ACTIONS);
    checks = fromSimulation(results, ROLE_ACTIONS);
  } catch (error) {
    if (isNoSuchEntity(error)) throw new MissingRoleError(roleArn, scope.functionName, error);
    rethrowFatal(error);
    notes.push(`The policy simulator was not usable (${why(error)}); the role's policies were read instead.`);
  }
  try {
    checks ??= await evaluateRole(iam, roleArn, roleName, record, scope, notes);
  } catch (error) {
    if (isNoSuchEntity(error)) throw new MissingRoleError(roleArn, scope.functionName, error);
    throw error;
  }
  // Absent rather than null when Lambda is trusted, as the JSON schema has it.
  return {
    arn: roleArn,
    checks: [...checks, trust.check],
    notes,
    ...(trust.fix ? { trustFix: trust.fix } : {}),
  };
}
