// The two permission checks, each trying the most reliable method first and saying which one
// answered: the simulator, then the role's own policies, else "unknown" with the reason.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient, Role, Tag, User } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import {
  executionRoleRequests,
  type RequestedVpcConfig,
  updateFunctionRequest,
} from '../core/lambda-requests.js';
import {
  type ActionCheck,
  CALLER_EC2_ACTIONS,
  type CallerPrincipal,
  type CallerReport,
  callerPrincipal,
  contextEntries,
  fromSimulation,
  type PrincipalReport,
  probeCheck,
  roleNameOf,
  type SimulationContext,
  type TrustFix,
  unknownCheck,
  unknownChecks,
} from '../core/permissions.js';
import { EXECUTION_ROLE_ACTIONS } from '../core/policy-eval.js';
import type { NetworkResourceFact, RequestFacts } from '../core/request-facts.js';
import { lambdaTrust, parseTrustDocument, trustCheck, trustFixFor } from '../core/trust.js';
import { CliError } from '../errors.js';
import {
  callerArn,
  describeSubnetVpcs,
  dryRunProbe,
  getRole,
  getUser,
  type PolicyHolder,
  type ProbedAction,
  simulatePrincipal,
} from '../services/iam.js';
import {
  type BoundarySource,
  evaluatePrincipalPolicies,
  rethrowFatal,
  unreadBoundary,
  unreadChecks,
  why,
} from './policy-reads.js';

export const ROLE_ACTIONS = EXECUTION_ROLE_ACTIONS.map((a) => a.action);

/** What is known of the network the role's requests are about; null: any subnet and group. */
export interface NetworkScope {
  subnetIds: string[];
  securityGroupIds: string[];
  vpcId: string | null;
}

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

const isNoSuchEntity = (error: unknown) => (error as { name?: string }).name === 'NoSuchEntity';

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

const tagsOf = (tags: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])));

const boundaryOf = (record: { role: Role } | { user: User } | { unread: string }): BoundarySource =>
  'unread' in record
    ? { unread: unreadBoundary(record.unread) }
    : {
        boundaryArn: ('role' in record ? record.role : record.user).PermissionsBoundary
          ?.PermissionsBoundaryArn,
      };

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

const ARN_PARTS = /^arn:([^:]+):(?:iam|sts)::(\d{12}):/;

/** The facts the fallback evaluator decides the requests with. */
function requestFacts(
  principalArn: string,
  kind: 'role' | 'user',
  tags: Record<string, string> | undefined,
  region: string,
  network: NetworkScope | null,
): RequestFacts {
  const [, partition = 'aws', account = ''] = ARN_PARTS.exec(principalArn) ?? [];
  const inVpc = (id: string): NetworkResourceFact => (network?.vpcId ? { id, vpcId: network.vpcId } : { id });
  return {
    partition,
    account,
    region,
    principal: { arn: principalArn, kind, ...(tags ? { tags } : {}) },
    subnets: network ? network.subnetIds.map(inVpc) : null,
    securityGroups: network ? network.securityGroupIds.map(inVpc) : null,
  };
}

const SCP_NOTE = 'service control policies are not visible this way, so an SCP may still deny.';

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
  const facts = requestFacts(roleArn, 'role', tags, scope.region, scope.network);
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
  if (!roleName) {
    const reason = `'${roleArn}' is not a role ARN`;
    return {
      arn: roleArn,
      checks: [
        ...unknownChecks(ROLE_ACTIONS, reason),
        trustCheck({ decision: 'unknown', decidedBy: null, detail: reason }),
      ],
      notes,
    };
  }
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
  checks ??= await evaluateRole(iam, roleArn, roleName, record, scope, notes);
  // Absent rather than null when Lambda is trusted, as the JSON schema has it.
  return {
    arn: roleArn,
    checks: [...checks, trust.check],
    notes,
    ...(trust.fix ? { trustFix: trust.fix } : {}),
  };
}

export interface CallerCheckInput {
  functionArn: string | null;
  /** Our own GetFunction call already answered for lambda:GetFunction. */
  getFunctionAllowed: boolean;
  subnetIds: string[];
  securityGroupIds: string[];
  /** The function's region: aws:RequestedRegion of the caller's request. */
  region: string;
}

export async function checkCaller(
  deps: { iam: IAMClient; sts: STSClient; ec2: EC2Client },
  input: CallerCheckInput,
): Promise<{ report: CallerReport; context: SimulationContext | null }> {
  const notes: string[] = [];
  const ec2Checks: ActionCheck[] = [];
  let vpcIds: string[] = [];
  for (const action of CALLER_EC2_ACTIONS as ProbedAction[]) {
    if (action === 'ec2:DescribeSubnets' && input.subnetIds.length > 0) {
      const looked = await lookUpVpcs(deps.ec2, input.subnetIds, notes);
      vpcIds = looked.vpcIds;
      if (looked.check) {
        ec2Checks.push(looked.check);
        continue;
      }
    }
    const answer = await dryRunProbe(deps.ec2, action);
    if ('error' in answer) {
      rethrowFatal(answer.error);
      ec2Checks.push(unknownCheck(action, 'dryRun', why(answer.error)));
    } else ec2Checks.push(probeCheck(action, answer.allowed, 'dryRun'));
  }
  const context =
    input.subnetIds.length > 0
      ? { subnetIds: input.subnetIds, securityGroupIds: input.securityGroupIds, vpcIds }
      : null;
  const getFunction = probeCheck('lambda:GetFunction', input.getFunctionAllowed, 'observed');
  const { principal, simulatedAs, update } = await checkUpdate(deps, input, context, notes);
  return {
    report: {
      arn: principal?.arn ?? null,
      kind: principal?.kind ?? null,
      simulatedAs,
      checks: [...ec2Checks, getFunction, update],
      notes,
    },
    context,
  };
}

/** A real DescribeSubnets when subnets are given: it proves the permission and yields lambda:VpcIds. */
async function lookUpVpcs(
  ec2: EC2Client,
  subnetIds: string[],
  notes: string[],
): Promise<{ vpcIds: string[]; check?: ActionCheck }> {
  try {
    const vpcIds = await describeSubnetVpcs(ec2, subnetIds);
    return { vpcIds, check: probeCheck('ec2:DescribeSubnets', true, 'observed') };
  } catch (error) {
    rethrowFatal(error);
    if ((error as { name?: string }).name === 'UnauthorizedOperation')
      return { vpcIds: [], check: probeCheck('ec2:DescribeSubnets', false, 'observed') };
    notes.push(`Could not look up the subnets' VPC (${why(error)}); lambda:VpcIds was not simulated.`);
    return { vpcIds: [] };
  }
}

const UPDATE = 'lambda:UpdateFunctionConfiguration';

async function checkUpdate(
  deps: { iam: IAMClient; sts: STSClient },
  input: CallerCheckInput,
  context: SimulationContext | null,
  notes: string[],
): Promise<{ principal: CallerPrincipal | null; simulatedAs: string | null; update: ActionCheck }> {
  const identity = await callerArn(deps.sts).catch((error: unknown) => {
    rethrowFatal(error);
    return { error };
  });
  if (typeof identity !== 'string') {
    const reason = `who the caller is is unknown (${why(identity.error)})`;
    return { principal: null, simulatedAs: null, update: unknownCheck(UPDATE, 'none', reason) };
  }
  const principal = callerPrincipal(identity);
  if ('reason' in principal)
    return { principal, simulatedAs: null, update: unknownCheck(UPDATE, 'none', principal.reason) };

  let simulatedAs: string;
  // An assumed role's record is read once: for the simulator (its path) and for the fallback.
  let roleRecord: { role: Role } | undefined;
  if (principal.kind === 'assumedRole') {
    try {
      roleRecord = { role: await getRole(deps.iam, principal.roleName) };
      simulatedAs = roleRecord.role.Arn ?? '';
    } catch (error) {
      rethrowFatal(error);
      const reason = `the session's role could not be looked up (iam:GetRole: ${why(error)})`;
      return { principal, simulatedAs: null, update: unknownCheck(UPDATE, 'none', reason) };
    }
  } else simulatedAs = principal.simulateAs;

  try {
    const results = await simulatePrincipal(deps.iam, simulatedAs, [UPDATE], {
      resourceArns: input.functionArn ? [input.functionArn] : undefined,
      context: contextEntries(context),
    });
    const [update] = fromSimulation(results, [UPDATE]);
    if (update) return { principal, simulatedAs, update };
  } catch (error) {
    rethrowFatal(error);
    notes.push(`The policy simulator was not usable for the caller (${why(error)}).`);
  }
  const update = await evaluateCallerPolicies(
    deps.iam,
    principal,
    simulatedAs,
    roleRecord,
    input,
    context,
    notes,
  );
  return { principal, simulatedAs, update };
}

/** The last path segment of an IAM user or role ARN: what --user-name / --role-name expect. */
const nameOf = (arn: string) => arn.split('/').pop() ?? arn;

/** The caller's own policies (a user's with its groups', or a role's), its boundary and tags. */
async function evaluateCallerPolicies(
  iam: IAMClient,
  principal: Extract<CallerPrincipal, { kind: 'user' | 'role' | 'assumedRole' }>,
  iamArn: string,
  roleRecord: { role: Role } | undefined,
  input: CallerCheckInput,
  context: SimulationContext | null,
  notes: string[],
): Promise<ActionCheck> {
  const isUser = principal.kind === 'user';
  const holder: PolicyHolder = {
    kind: isUser ? 'user' : 'role',
    name: principal.kind === 'assumedRole' ? principal.roleName : nameOf(iamArn),
  };
  const record = roleRecord ?? (await readCallerRecord(iam, holder));
  const tags = 'unread' in record ? undefined : tagsOf(('role' in record ? record.role : record.user).Tags);
  const network =
    input.subnetIds.length > 0
      ? {
          subnetIds: input.subnetIds,
          securityGroupIds: input.securityGroupIds,
          vpcId: context?.vpcIds.length === 1 ? (context.vpcIds[0] ?? null) : null,
        }
      : null;
  const facts = requestFacts(iamArn, isUser ? 'user' : 'role', tags, input.region, network);
  const requested: RequestedVpcConfig | null = context
    ? { subnetIds: context.subnetIds, securityGroupIds: context.securityGroupIds, vpcIds: context.vpcIds }
    : null;
  const requests = [updateFunctionRequest(facts, input.functionArn, requested)];
  const outcome = await evaluatePrincipalPolicies(iam, holder, boundaryOf(record), requests);
  const whose = isUser ? "the caller's policies (the user's and its groups')" : "the caller role's policies";
  if ('nothingRead' in outcome)
    return unknownCheck(
      UPDATE,
      'none',
      `neither the simulator nor ${whose} could be read (${outcome.nothingRead})`,
    );
  notes.push(`The caller's ${UPDATE} was read from ${whose}: ${SCP_NOTE}`);
  const [update] = outcome.checks;
  return update
    ? { ...update, required: 'hard' }
    : unknownCheck(UPDATE, 'policies', 'the evaluator gave no answer for it');
}

/** GetUser or GetRole: the caller's boundary and tags, or why they are unknown. */
async function readCallerRecord(
  iam: IAMClient,
  holder: PolicyHolder,
): Promise<{ role: Role } | { user: User } | { unread: string }> {
  try {
    return holder.kind === 'user'
      ? { user: await getUser(iam, holder.name) }
      : { role: await getRole(iam, holder.name) };
  } catch (error) {
    rethrowFatal(error);
    return { unread: `${holder.kind === 'user' ? 'iam:GetUser' : 'iam:GetRole'}: ${why(error)}` };
  }
}
