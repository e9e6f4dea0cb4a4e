// The caller's check: its EC2 reads by DryRun, and lambda:UpdateFunctionConfiguration by the
// simulator, else from its own policies (an IAM user's with its groups', or a role's).
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient, Role } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import { type RequestedVpcConfig, updateFunctionRequest } from '../core/lambda-requests.js';
import {
  type ActionCheck,
  CALLER_EC2_ACTIONS,
  type CallerPrincipal,
  type CallerReport,
  callerPrincipal,
  contextEntries,
  fromSimulation,
  probeCheck,
  type SimulationContext,
  unknownCheck,
} from '../core/permissions.js';
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
  boundaryOf,
  evaluatePrincipalPolicies,
  type PrincipalRecord,
  requestFacts,
  rethrowFatal,
  SCP_NOTE,
  tagsOf,
  why,
} from './policy-reads.js';

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
  // A session's tags (SSO, SAML, AssumeRole with tags) override its role's in aws:PrincipalTag
  // and are not readable here: for an assumed role, those keys stay unknown.
  const tags =
    'unread' in record || principal.kind === 'assumedRole'
      ? undefined
      : tagsOf(('role' in record ? record.role : record.user).Tags);
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
  notes.push(
    `The caller's ${UPDATE} was read from ${whose}: ${SCP_NOTE}${principal.kind === 'assumedRole' ? ' A session policy may also limit the session; it is not visible either.' : ''}`,
  );
  const [update] = outcome.checks;
  return update
    ? { ...update, required: 'hard' }
    : unknownCheck(UPDATE, 'policies', 'the evaluator gave no answer for it');
}

/** GetUser or GetRole: the caller's boundary and tags, or why they are unknown. */
async function readCallerRecord(iam: IAMClient, holder: PolicyHolder): Promise<PrincipalRecord> {
  try {
    return holder.kind === 'user'
      ? { user: await getUser(iam, holder.name) }
      : { role: await getRole(iam, holder.name) };
  } catch (error) {
    rethrowFatal(error);
    return { unread: `${holder.kind === 'user' ? 'iam:GetUser' : 'iam:GetRole'}: ${why(error)}` };
  }
}
