// Pure decisions for check-perms and the attach preflight: what the simulator's answers mean,
// who the caller really is, the verdict, and the fix. No SDK import and no I/O, so every rule
// here is testable with plain objects.
import {
  type ActionDecision,
  attachVpcAccessPolicyCommand,
  EXECUTION_ROLE_ACTIONS,
  type MatchedStatement,
  minimalExecutionRolePolicy,
  type PolicyDocument,
  VPC_ACCESS_MANAGED_POLICY_ARN,
} from './policy-eval.js';

/** How an answer was obtained; the output says which, because their reliability differs. */
export type CheckMethod = 'simulator' | 'policies' | 'dryRun' | 'observed' | 'none';
/** denied: AWS refused a real or DryRun call, without saying whether explicitly. */
export type CheckDecision =
  | 'allowed'
  | 'implicitDeny'
  | 'explicitDeny'
  | 'denied'
  | 'conditional'
  | 'unknown';
/** hard: Lambda refuses the change without it. current: needed by Lambda since 2024. */
export type Requirement = 'hard' | 'current';

export interface ActionCheck {
  action: string;
  required: Requirement;
  decision: CheckDecision;
  method: CheckMethod;
  /** The policy, statement, SCP or permissions boundary that decided, where known. */
  decidedBy: string | null;
  /** Why the answer is conditional or unknown. */
  detail: string | null;
  /**
   * The condition keys (or facts such as "which subnet") a conditional answer depends on. The
   * report always carries it (`[]` when none); the methods that produce checks may leave it out.
   */
  dependsOn?: string[];
}

export interface PrincipalReport {
  /** The role or caller ARN as AWS reported it. */
  arn: string | null;
  checks: ActionCheck[];
  /** Why a method was not usable (e.g. the simulator was denied and the policies were read instead). */
  notes: string[];
  /**
   * For an execution role whose trust policy does not let Lambda assume it: the role's trust
   * policy with a statement for lambda.amazonaws.com added (nothing it had removed), and the
   * command that applies it. Absent or null otherwise.
   */
  trustFix?: TrustFix | null;
}

/** The execution role's trust policy must let Lambda assume the role (check `LAMBDA_ASSUME_ROLE`). */
export const LAMBDA_ASSUME_ROLE = 'sts:AssumeRole';

export interface TrustFix {
  roleName: string;
  document: PolicyDocument;
  command: string;
}

export interface CallerReport extends PrincipalReport {
  kind: CallerPrincipal['kind'] | null;
  /** The IAM ARN given to the simulator (a session maps to its role). */
  simulatedAs: string | null;
}

export type Verdict = 'allowed' | 'denied' | 'undetermined';

export const CALLER_EC2_ACTIONS = ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'];
export const CALLER_LAMBDA_ACTIONS = ['lambda:GetFunction', 'lambda:UpdateFunctionConfiguration'];

const requirementOf = (action: string): Requirement =>
  EXECUTION_ROLE_ACTIONS.find((a) => a.action === action)?.required ?? 'hard';

const check = (
  action: string,
  decision: CheckDecision,
  method: CheckMethod,
  decidedBy: string | null = null,
  detail: string | null = null,
): ActionCheck => ({ action, required: requirementOf(action), decision, method, decidedBy, detail });

/** The simulator's EvaluationResult, structurally, so core stays free of the SDK. */
export interface SimulatorResult {
  EvalActionName?: string | undefined;
  EvalDecision?: string | undefined;
  MatchedStatements?: Array<{ SourcePolicyId?: string | undefined }> | undefined;
  MissingContextValues?: string[] | undefined;
  OrganizationsDecisionDetail?: { AllowedByOrganizations?: boolean | undefined } | undefined;
  PermissionsBoundaryDecisionDetail?: { AllowedByPermissionsBoundary?: boolean | undefined } | undefined;
}

export function fromSimulation(results: SimulatorResult[], actions: readonly string[]): ActionCheck[] {
  return actions.map((action) => {
    const r = results.find((x) => x.EvalActionName?.toLowerCase() === action.toLowerCase());
    if (!r) return check(action, 'unknown', 'simulator', null, 'the simulator gave no answer for it');
    const decision: CheckDecision =
      r.EvalDecision === 'allowed' || r.EvalDecision === 'explicitDeny' ? r.EvalDecision : 'implicitDeny';
    const missing = r.MissingContextValues ?? [];
    // An SCP or a boundary outranks the identity policies, so it is the one to name.
    const decidedBy =
      r.OrganizationsDecisionDetail?.AllowedByOrganizations === false
        ? 'service control policy (SCP)'
        : r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false
          ? 'permissions boundary'
          : uniqueJoin((r.MatchedStatements ?? []).map((m) => m.SourcePolicyId));
    // A Condition on a key we could not supply evaluates to false in the simulator: the real
    // request may well carry it, so neither a denial nor an allow (a Deny on that key did not
    // apply) is one we can vouch for.
    if (missing.length > 0) {
      return {
        ...check(action, 'conditional', 'simulator', decidedBy, `depends on ${missing.join(', ')}`),
        dependsOn: missing,
      };
    }
    return check(action, decision, 'simulator', decidedBy);
  });
}

/** Maps the fallback evaluator's answer to the report's shape, saying truthfully why it is open. */
export function fromPolicies(decisions: ActionDecision[]): ActionCheck[] {
  return decisions.map((d) =>
    check(d.action, d.decision, 'policies', decidingStatements(d), policyDetail(d)),
  );
}

const statementName = (m: MatchedStatement) => (m.sid ? `${m.policy} (${m.sid})` : m.policy);

function decidingStatements(d: ActionDecision): string | null {
  const sure = (effect: 'Allow' | 'Deny') => d.matched.filter((m) => m.effect === effect && !m.conditional);
  if (d.decision === 'explicitDeny') return uniqueJoin(sure('Deny').map(statementName));
  if (d.decision === 'allowed') {
    const allows = sure('Allow');
    // Allowed by statements that each cover only some of its resources: all of them decided.
    return uniqueJoin(
      (allows.length > 0 ? allows : d.matched.filter((m) => m.effect === 'Allow')).map(statementName),
    );
  }
  // Nothing decides an implicit deny; an open answer names every statement it hangs on.
  return d.decision === 'implicitDeny' ? null : uniqueJoin(d.matched.map(statementName));
}

/**
 * Why an answer is what it is, in the user's terms: a Deny that applies under a condition is
 * not an Allow that needs one, and both name the keys they depend on.
 */
function policyDetail(d: ActionDecision): string | null {
  const on = (d.deniedOn ?? []).join(', ');
  if (d.decision === 'implicitDeny') return on ? `no statement allows it on ${on}` : null;
  if (d.decision === 'explicitDeny') return on ? `explicitly denied on ${on}` : null;
  if (d.decision !== 'conditional') return null;
  const parts: string[] = [];
  for (const m of d.matched.filter((x) => x.effect === 'Deny' && x.conditional)) {
    const where = m.reason === 'condition' ? 'under a condition on' : 'to some resources only:';
    parts.push(`a Deny (${statementName(m)}) applies ${where} ${keysOf(m)}`);
  }
  if (!d.matched.some((m) => m.effect === 'Allow' && !m.conditional)) {
    const allows = d.matched.filter((m) => m.effect === 'Allow' && m.conditional);
    const byCondition = allows.filter((m) => m.reason === 'condition');
    const byResource = allows.filter((m) => m.reason !== 'condition');
    if (byCondition.length > 0) parts.push(`allowed only under a condition on ${uniqueKeys(byCondition)}`);
    if (byResource.length > 0) parts.push(`only on some resources: ${uniqueKeys(byResource)}`);
  }
  if (parts.length === 0 && d.dependsOn && d.dependsOn.length > 0)
    parts.push(`depends on ${d.dependsOn.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'conditional';
}

const keysOf = (m: MatchedStatement) =>
  m.dependsOn && m.dependsOn.length > 0 ? m.dependsOn.join(', ') : 'keys not known';
const uniqueKeys = (ms: MatchedStatement[]) => [...new Set(ms.map(keysOf))].join('; ');

const BOUNDARY = 'permissions boundary';

/**
 * A permissions boundary caps every answer, open ones included: what it does not allow is denied
 * whatever the identity policies say, an explicit Deny in it is an explicit deny, and what it
 * allows only under a condition is at best conditional.
 */
export function capByBoundary(identity: ActionCheck[], boundary: ActionDecision[]): ActionCheck[] {
  return identity.map((c) => {
    if (c.decision === 'explicitDeny') return c;
    const b = boundary.find((x) => x.action.toLowerCase() === c.action.toLowerCase());
    if (!b)
      return {
        ...c,
        decision: 'unknown',
        decidedBy: null,
        detail: `the ${BOUNDARY} was not evaluated for it`,
      };
    const [bc] = fromPolicies([b]);
    if (b.decision === 'explicitDeny') {
      return {
        ...c,
        decision: 'explicitDeny',
        decidedBy: `${BOUNDARY}: ${bc?.decidedBy ?? 'a Deny'}`,
        detail: bc?.detail ?? null,
      };
    }
    if (b.decision === 'implicitDeny') {
      const also =
        c.decision === 'implicitDeny' || c.decision === 'denied'
          ? '; the identity policies do not allow it either'
          : '';
      return {
        ...c,
        decision: 'implicitDeny',
        decidedBy: BOUNDARY,
        detail: `the ${BOUNDARY} does not allow it${also}`,
      };
    }
    if (b.decision === 'allowed' || (c.decision !== 'allowed' && c.decision !== 'conditional')) return c;
    const capped = `${BOUNDARY}: ${bc?.detail ?? 'conditional'}`;
    if (c.decision === 'allowed')
      return { ...c, decision: 'conditional', decidedBy: BOUNDARY, detail: capped };
    return { ...c, decision: 'conditional', detail: [c.detail, capped].filter(Boolean).join('; ') };
  });
}

/** What is known of a principal's permissions boundary. */
export type BoundaryReading =
  | { kind: 'none' }
  /** The boundary policy read, and its decisions for the same requests. */
  | { kind: 'read'; decisions: ActionDecision[] }
  /** GetRole/GetUser, or the boundary policy itself, could not be read: why, naming the call. */
  | { kind: 'unread'; reason: string };

/**
 * The answer from what could be read. `identity` is decided from the identity policies that
 * were read; `unreadIdentity` says why others could not be (empty when all were). A boundary
 * read caps every answer (capByBoundary). Then an explicit Deny found stands whatever else is
 * missing, and so does a denial by the boundary; anything an unread policy could change is
 * unknown, naming the call that failed, never allowed. An unread boundary cannot grant: what
 * the identity policies, all read, deny stays denied.
 */
export function decideFromReads(
  identity: ActionCheck[],
  unreadIdentity: string[],
  boundary: BoundaryReading,
): ActionCheck[] {
  const capped = boundary.kind === 'read' ? capByBoundary(identity, boundary.decisions) : identity;
  const reasons = [
    ...(unreadIdentity.length > 0
      ? [`not every identity policy could be read (${unreadIdentity.join('; ')})`]
      : []),
    ...(boundary.kind === 'unread' ? [boundary.reason] : []),
  ];
  return capped.map((c) => {
    if (reasons.length === 0 || c.decision === 'explicitDeny') return c;
    const deniedByBoundary = c.decision === 'implicitDeny' && c.decidedBy === 'permissions boundary';
    if (deniedByBoundary || (c.decision === 'implicitDeny' && unreadIdentity.length === 0)) return c;
    const detail = c.decision === 'unknown' && c.detail ? [c.detail, ...reasons] : reasons;
    return { ...c, decision: 'unknown', decidedBy: null, detail: detail.join('; ') };
  });
}

export const unknownChecks = (actions: readonly string[], reason: string): ActionCheck[] =>
  actions.map((a) => check(a, 'unknown', 'none', null, reason));

// Probes and single unknowns are about the caller, for whom every listed action is required.
export const probeCheck = (action: string, allowed: boolean, method: CheckMethod): ActionCheck => ({
  ...check(action, allowed ? 'allowed' : 'denied', method),
  required: 'hard',
});

export const unknownCheck = (action: string, method: CheckMethod, reason: string): ActionCheck => ({
  ...check(action, 'unknown', method, null, reason),
  required: 'hard',
});

export type CallerPrincipal =
  | { kind: 'user' | 'role'; arn: string; simulateAs: string }
  | { kind: 'assumedRole'; arn: string; roleName: string }
  | { kind: 'federated' | 'root' | 'other'; arn: string; reason: string };

/**
 * The simulator takes IAM user or role ARNs only. A session ARN names the role without its
 * path, which the simulator needs, so the caller looks it up (iam:GetRole).
 */
export function callerPrincipal(arn: string): CallerPrincipal {
  const m = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)$/.exec(arn);
  const resource = m?.[4] ?? '';
  if (m?.[2] === 'iam' && resource === 'root')
    return {
      kind: 'root',
      arn,
      reason: 'the root user cannot be simulated; it may do everything an SCP does not deny',
    };
  if (m?.[2] === 'iam' && resource.startsWith('user/')) return { kind: 'user', arn, simulateAs: arn };
  if (m?.[2] === 'iam' && resource.startsWith('role/')) return { kind: 'role', arn, simulateAs: arn };
  if (m?.[2] === 'sts' && resource.startsWith('assumed-role/')) {
    const roleName = resource.split('/')[1];
    if (roleName) return { kind: 'assumedRole', arn, roleName };
  }
  if (m?.[2] === 'sts' && resource.startsWith('federated-user/'))
    return {
      kind: 'federated',
      arn,
      reason:
        'a federated user session cannot be simulated; it has what both the IAM user and the session policy allow',
    };
  return { kind: 'other', arn, reason: 'the simulator takes IAM user and role ARNs only' };
}

/** "arn:aws:iam::1:role/service-role/x" → "x": what `aws iam … --role-name` expects. */
export function roleNameOf(roleArn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return m?.[1];
}

const isDenied = (c: ActionCheck) =>
  c.decision === 'implicitDeny' || c.decision === 'explicitDeny' || c.decision === 'denied';
const isUndetermined = (c: ActionCheck) => c.decision === 'conditional' || c.decision === 'unknown';

/** Denied beats undetermined: a certain "no" is worth more to the user than an open question. */
export function verdictOf(checks: ActionCheck[]): Verdict {
  if (checks.some(isDenied)) return 'denied';
  if (checks.some(isUndetermined)) return 'undetermined';
  return 'allowed';
}

/** The attach preflight stops only where Lambda itself would refuse the update. */
export const blocksAttach = (checks: ActionCheck[]) =>
  checks.some((c) => c.required === 'hard' && isDenied(c));

export const deniedActions = (checks: ActionCheck[]) => checks.filter(isDenied).map((c) => c.action);
export const undeterminedActions = (checks: ActionCheck[]) =>
  checks.filter(isUndetermined).map((c) => c.action);

export interface RoleFix {
  roleName: string;
  policyArn: string;
  attachCommand: string;
  /** The same permissions as a policy of its own, for those who do not attach AWS managed policies. */
  policy: PolicyDocument;
  /**
   * False when attaching cannot help: an explicit Deny, an SCP or a permissions boundary
   * decided, and that outranks any Allow.
   */
  attachHelps: boolean;
  /** What decided where attaching cannot help (the Deny statement, SCP or boundary); [] otherwise. */
  outrankedBy: string[];
}

const SCP = 'service control policy (SCP)';

// A boundary that decided is named "permissions boundary", or "permissions boundary: POLICY (Sid)" for
// an explicit Deny in it.
const isOutranking = (c: ActionCheck) =>
  c.decision === 'explicitDeny' || c.decidedBy === SCP || (c.decidedBy?.startsWith(BOUNDARY) ?? false);

/** Whether Lambda may assume the role is the trust policy's, not a permission the managed policy grants. */
export const isTrustCheck = (c: ActionCheck) => c.action === LAMBDA_ASSUME_ROLE;

/**
 * The fix for the execution role's EC2 permissions, or null when none of them was found
 * denied. An answer that could not be determined gets no fix: nothing says it is missing, and a
 * fix for a guess teaches users to attach policies they may not need.
 */
export function executionRoleFix(roleArn: string, checks: ActionCheck[]): RoleFix | null {
  const denied = checks.filter((c) => isDenied(c) && !isTrustCheck(c));
  const roleName = roleNameOf(roleArn);
  if (denied.length === 0 || !roleName) return null;
  const outranking = denied.filter(isOutranking);
  return {
    roleName,
    policyArn: VPC_ACCESS_MANAGED_POLICY_ARN,
    attachCommand: attachVpcAccessPolicyCommand(roleName),
    policy: minimalExecutionRolePolicy(),
    attachHelps: outranking.length === 0,
    outrankedBy: uniqueList(outranking.map((c) => c.decidedBy ?? `an explicit Deny of ${c.action}`)),
  };
}

/**
 * The statements the caller was found denied, scoped to the function where the action allows
 * it; null when nothing was found denied (undetermined answers get no fix).
 */
export function callerFixPolicy(checks: ActionCheck[], functionArn: string | null): PolicyDocument | null {
  const missing = checks.filter(isDenied).map((c) => c.action);
  if (missing.length === 0) return null;
  const lambda = missing.filter((a) => a.startsWith('lambda:'));
  const ec2 = missing.filter((a) => a.startsWith('ec2:'));
  return {
    Version: '2012-10-17',
    Statement: [
      ...(lambda.length > 0
        ? [
            {
              Effect: 'Allow' as const,
              Action: lambda,
              Resource: functionArn ?? 'arn:aws:lambda:*:*:function:*',
            },
          ]
        : []),
      // EC2 Describe* actions support no resource-level permissions.
      ...(ec2.length > 0 ? [{ Effect: 'Allow' as const, Action: ec2, Resource: '*' }] : []),
    ],
  };
}

export interface SimulationContext {
  subnetIds: string[];
  securityGroupIds: string[];
  vpcIds: string[];
}

/** Condition keys organisations use to pin functions to approved VPCs (lambda:VpcIds etc.). */
export function contextEntries(context: SimulationContext | null) {
  if (!context) return [];
  const entries: Array<[string, string[]]> = [
    ['lambda:SubnetIds', context.subnetIds],
    ['lambda:SecurityGroupIds', context.securityGroupIds],
    ['lambda:VpcIds', context.vpcIds],
  ];
  return entries
    .filter(([, values]) => values.length > 0)
    .map(([ContextKeyName, ContextKeyValues]) => ({
      ContextKeyName,
      ContextKeyValues,
      ContextKeyType: 'stringList' as const,
    }));
}

function uniqueJoin(values: Array<string | undefined>): string | null {
  const set = [...new Set(values.filter((v): v is string => Boolean(v)))];
  return set.length > 0 ? set.join(', ') : null;
}

function uniqueList(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}
