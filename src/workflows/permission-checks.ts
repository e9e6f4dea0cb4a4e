// The two permission checks, each trying the most reliable method first and saying which one
// answered: the simulator, then the role's own policies, else "unknown" with the reason.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import {
  type ActionCheck,
  CALLER_EC2_ACTIONS,
  type CallerPrincipal,
  type CallerReport,
  callerPrincipal,
  capByBoundary,
  capByUnreadBoundary,
  contextEntries,
  fromPolicies,
  fromSimulation,
  type PrincipalReport,
  probeCheck,
  roleNameOf,
  type SimulationContext,
  unknownCheck,
  unknownChecks,
} from '../core/permissions.js';
import { EXECUTION_ROLE_ACTIONS, evaluateActions } from '../core/policy-eval.js';
import { endsTheRun, firstLine } from '../errors.js';
import {
  callerArn,
  describeSubnetVpcs,
  dryRunProbe,
  getRole,
  type ProbedAction,
  readManagedPolicy,
  readRolePolicies,
  simulatePrincipal,
} from '../services/iam.js';

export const ROLE_ACTIONS = EXECUTION_ROLE_ACTIONS.map((a) => a.action);

/** Errors that would make every other method fail the same way: let them end the command. */
function rethrowFatal(error: unknown): void {
  if (endsTheRun(error)) throw error;
}

const why = (error: unknown) => {
  const e = error as { name?: string; message?: string };
  return `${e.name ?? 'Error'}: ${firstLine(e.message ?? String(error))}`;
};

/**
 * Reads a role's identity policies (and its permissions boundary) and evaluates them locally.
 * Cannot see SCPs or session policies, which the notes say.
 */
async function evaluateRolePolicies(
  iam: IAMClient,
  roleName: string,
  actions: readonly string[],
): Promise<ActionCheck[]> {
  // Only GetRole reveals whether a permissions boundary caps the role: without it, no "allowed".
  let unread: string | undefined;
  const role = await getRole(iam, roleName).catch((error: unknown) => {
    rethrowFatal(error);
    unread = `the role's permissions boundary, which may cap it, could not be read (iam:GetRole: ${why(error)})`;
    return undefined;
  });
  const identity = await readRolePolicies(iam, roleName);
  const checks = fromPolicies(evaluateActions(identity, [...actions]));
  if (unread !== undefined) return capByUnreadBoundary(checks, unread);
  const boundaryArn = role?.PermissionsBoundary?.PermissionsBoundaryArn;
  if (!boundaryArn) return checks;
  const boundary = await readManagedPolicy(iam, boundaryArn);
  return capByBoundary(checks, evaluateActions([boundary], [...actions]));
}

export async function checkExecutionRole(iam: IAMClient, roleArn: string): Promise<PrincipalReport> {
  const notes: string[] = [];
  try {
    const results = await simulatePrincipal(iam, roleArn, ROLE_ACTIONS);
    return { arn: roleArn, checks: fromSimulation(results, ROLE_ACTIONS), notes };
  } catch (error) {
    rethrowFatal(error);
    notes.push(`The policy simulator was not usable (${why(error)}); the role's policies were read instead.`);
  }
  const roleName = roleNameOf(roleArn);
  if (!roleName) {
    return { arn: roleArn, checks: unknownChecks(ROLE_ACTIONS, `'${roleArn}' is not a role ARN`), notes };
  }
  try {
    const checks = await evaluateRolePolicies(iam, roleName, ROLE_ACTIONS);
    notes.push(
      "Read from the role's own policies: service control policies are not visible this way, so an SCP may still deny.",
    );
    return { arn: roleArn, checks, notes };
  } catch (error) {
    rethrowFatal(error);
    const reason = `neither the simulator nor the role's policies could be read (${why(error)})`;
    return { arn: roleArn, checks: unknownChecks(ROLE_ACTIONS, reason), notes };
  }
}

export interface CallerCheckInput {
  functionArn: string | null;
  /** Our own GetFunction call already answered for lambda:GetFunction. */
  getFunctionAllowed: boolean;
  subnetIds: string[];
  securityGroupIds: string[];
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
  if (principal.kind === 'assumedRole') {
    try {
      simulatedAs = (await getRole(deps.iam, principal.roleName)).Arn ?? '';
    } catch (error) {
      rethrowFatal(error);
      const reason = `the session's role could not be looked up for the simulator (${why(error)})`;
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
  const roleName = principal.kind === 'assumedRole' ? principal.roleName : roleNameOf(simulatedAs);
  if (!roleName) {
    const reason = "the simulator was not usable, and reading an IAM user's policies is not supported";
    return { principal, simulatedAs, update: unknownCheck(UPDATE, 'none', reason) };
  }
  try {
    const [update] = await evaluateRolePolicies(deps.iam, roleName, [UPDATE]);
    if (update) return { principal, simulatedAs, update };
  } catch (error) {
    rethrowFatal(error);
    notes.push(`The caller role's policies could not be read either (${why(error)}).`);
  }
  return {
    principal,
    simulatedAs,
    update: unknownCheck(
      UPDATE,
      'none',
      "neither the simulator nor the caller role's policies were readable",
    ),
  };
}
