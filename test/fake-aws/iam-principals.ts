// IAM principals (roles, users, groups), their policies for the evaluator, and the fake's
// SimulatePrincipalPolicy, which caps the identity policies with the permissions boundary as
// AWS's simulator does. Resources and conditions are not evaluated (docs/fake-aws.md).
import { AwsError } from './common.js';
import { type Evaluation, evaluate, type PolicySource } from './policies.js';
import { type FakeState, wildcardMatch } from './state.js';
import type {
  EvalDecision,
  GroupSpec,
  ManagedPolicySpec,
  PolicyDocument,
  RoleSpec,
  UserSpec,
} from './types.js';
import { stringList, type XmlObject } from './xml.js';

/** The trust policy of a role whose scenario gives none. */
export const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** The inline policy of a caller the scenario has no UserSpec for (see `callerUser`). */
export const CALLER_POLICY_NAME = 'fake-aws-caller';

export const policyName = (p: ManagedPolicySpec) => p.PolicyName ?? p.Arn.split('/').pop() ?? p.Arn;

export function findRole(state: FakeState, name: unknown): RoleSpec {
  const role = state.roles.find((r) => r.RoleName === name);
  if (!role) throw new AwsError(404, 'NoSuchEntity', `The role with name ${String(name)} cannot be found.`);
  return role;
}

export function findGroup(state: FakeState, name: unknown): GroupSpec {
  const group = state.groups.find((g) => g.GroupName === name);
  if (!group) throw new AwsError(404, 'NoSuchEntity', `The group with name ${String(name)} cannot be found.`);
  return group;
}

/** The users IAM knows: the scenario's, and the caller when it is a user the scenario left out. */
export function allUsers(state: FakeState): UserSpec[] {
  const caller = callerUser(state);
  return caller && !state.users.includes(caller) ? [...state.users, caller] : state.users;
}

export function findUser(state: FakeState, name: unknown): UserSpec {
  const user = allUsers(state).find((u) => u.UserName === name);
  if (!user) throw new AwsError(404, 'NoSuchEntity', `The user with name ${String(name)} cannot be found.`);
  return user;
}

/**
 * The user the caller is, when it is an IAM user. A caller the scenario has no UserSpec for gets
 * one whose only policy allows everything but `deniedActions`, which is what the fake already lets
 * it do: the fallback that reads the caller's policies then agrees with the fake's simulator.
 */
export function callerUser(state: FakeState): UserSpec | undefined {
  const m = /^arn:aws[a-z-]*:iam::\d{12}:user(\/(?:.*\/)?)([^/]+)$/.exec(state.caller.Arn);
  if (!m) return undefined;
  const own = state.users.find((u) => u.Arn === state.caller.Arn);
  if (own) return own;
  const denied = [...state.deniedActions];
  const document: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      denied.length === 0
        ? { Effect: 'Allow', Action: '*', Resource: '*' }
        : { Effect: 'Allow', NotAction: denied, Resource: '*' },
    ],
  };
  return {
    UserName: m[2] as string,
    Path: m[1] as string,
    Arn: state.caller.Arn,
    UserId: state.caller.UserId,
    AttachedPolicyArns: [],
    InlinePolicies: { [CALLER_POLICY_NAME]: document },
  };
}

export const groupsOf = (state: FakeState, user: UserSpec): GroupSpec[] =>
  (user.Groups ?? []).map((name) => findGroup(state, name));

function managedSources(state: FakeState, arns: string[]): PolicySource[] {
  const sources: PolicySource[] = [];
  for (const arn of arns) {
    const p = state.policies.find((x) => x.Arn === arn);
    const doc = p?.Versions[p.DefaultVersionId];
    if (p && doc) {
      const type = arn.startsWith('arn:aws:iam::aws:') ? 'aws-managed' : 'user-managed';
      sources.push({ id: policyName(p), type, document: doc });
    }
  }
  return sources;
}

const inlineSources = (
  policies: Record<string, PolicyDocument> | undefined,
  type: PolicySource['type'],
): PolicySource[] => Object.entries(policies ?? {}).map(([id, document]) => ({ id, type, document }));

/** All identity policies of a role, for the evaluator. */
export const roleSources = (state: FakeState, role: RoleSpec): PolicySource[] => [
  ...managedSources(state, role.AttachedPolicyArns),
  ...inlineSources(role.InlinePolicies, 'role'),
];

export const groupSources = (state: FakeState, group: GroupSpec): PolicySource[] => [
  ...managedSources(state, group.AttachedPolicyArns),
  ...inlineSources(group.InlinePolicies, 'group'),
];

/** A user's own policies and those of its groups: what the user may do before its boundary. */
export const userSources = (state: FakeState, user: UserSpec): PolicySource[] => [
  ...managedSources(state, user.AttachedPolicyArns),
  ...inlineSources(user.InlinePolicies, 'user'),
  ...groupsOf(state, user).flatMap((g) => groupSources(state, g)),
];

interface Principal {
  sources: PolicySource[];
  boundaryArn?: string;
}

function principalFor(state: FakeState, arn: string): Principal | undefined {
  const role = state.roles.find((r) => r.Arn === arn);
  if (role) return { sources: roleSources(state, role), boundaryArn: role.PermissionsBoundaryArn };
  const user = allUsers(state).find((u) => u.Arn === arn);
  if (user) return { sources: userSources(state, user), boundaryArn: user.PermissionsBoundaryArn };
  const group = state.groups.find((g) => g.Arn === arn);
  // A group has no permissions boundary.
  if (group) return { sources: groupSources(state, group) };
  return undefined;
}

/** Identity policies capped by the boundary: allowed only when both allow, as IAM decides. */
export function principalDecision(
  state: FakeState,
  principal: Principal,
  action: string,
): Evaluation & { boundaryAllowed?: boolean } {
  const identity = evaluate(principal.sources, action);
  if (!principal.boundaryArn) return identity;
  const boundary = evaluate(managedSources(state, [principal.boundaryArn]), action);
  const boundaryAllowed = boundary.decision === 'allowed';
  if (boundary.decision === 'explicitDeny' && identity.decision !== 'explicitDeny')
    return { decision: 'explicitDeny', matched: boundary.matched, boundaryAllowed };
  if (!boundaryAllowed && identity.decision === 'allowed')
    return { decision: 'implicitDeny', matched: [], boundaryAllowed };
  return { ...identity, boundaryAllowed };
}

/** The role's identity policies capped by its boundary (Lambda's own check of the role). */
export const roleDecision = (state: FakeState, role: RoleSpec, action: string): Evaluation =>
  principalDecision(
    state,
    { sources: roleSources(state, role), boundaryArn: role.PermissionsBoundaryArn },
    action,
  );

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Whether the trust policy lets Lambda assume the role: an Allow of `sts:AssumeRole` to the
 * service principal `lambda.amazonaws.com` that no Deny takes back (conditions are not evaluated).
 */
export function trustsLambda(role: RoleSpec): boolean {
  const doc = (role.AssumeRolePolicyDocument ?? LAMBDA_TRUST) as { Statement?: unknown };
  const applies = (st: Record<string, unknown>) => {
    const principal = st.Principal;
    const toLambda =
      principal === '*' ||
      asList((principal as { Service?: unknown } | undefined)?.Service).includes('lambda.amazonaws.com');
    return toLambda && asList(st.Action).some((a) => wildcardMatch(String(a), 'sts:AssumeRole'));
  };
  const statements = asList(doc.Statement) as Record<string, unknown>[];
  return (
    statements.some((st) => st.Effect === 'Allow' && applies(st)) &&
    !statements.some((st) => st.Effect === 'Deny' && applies(st))
  );
}

export function simulate(state: FakeState, p: Record<string, unknown>): XmlObject {
  const source = String(p.PolicySourceArn ?? '');
  const actions = stringList(p, 'ActionNames');
  if (actions.length === 0) throw new AwsError(400, 'InvalidInput', 'ActionNames must not be empty.');
  const principal = principalFor(state, source);
  if (!principal && source !== state.caller.Arn) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user|group)\//.test(source)) {
      throw new AwsError(400, 'InvalidInput', `Invalid ARN: ${source}`);
    }
    throw new AwsError(404, 'NoSuchEntity', `The principal ${source} does not exist.`);
  }
  const results = actions.map((action): XmlObject => {
    let decision: EvalDecision;
    let matched: PolicySource[] = [];
    let boundaryAllowed: boolean | undefined;
    if (principal) ({ decision, matched, boundaryAllowed } = principalDecision(state, principal, action));
    // An assumed-role caller: the fake models its permissions as deniedActions only.
    else decision = state.isDenied(action) ? 'implicitDeny' : 'allowed';
    let orgAllowed: boolean | undefined;
    const o = state.simulationOverrides.find(
      (x) =>
        wildcardMatch(x.action, action) && (x.policySourceArn === undefined || x.policySourceArn === source),
    );
    if (o) {
      if (o.allowedByOrganizations !== undefined) orgAllowed = o.allowedByOrganizations;
      if (o.allowedByPermissionsBoundary !== undefined) boundaryAllowed = o.allowedByPermissionsBoundary;
      if (o.decision) decision = o.decision;
      else if ((orgAllowed === false || boundaryAllowed === false) && decision === 'allowed')
        decision = 'implicitDeny';
    }
    return {
      EvalActionName: action,
      EvalResourceName: '*',
      EvalDecision: decision,
      MatchedStatements: matched.map((m) => ({ SourcePolicyId: m.id, SourcePolicyType: m.type })),
      MissingContextValues: [],
      OrganizationsDecisionDetail:
        orgAllowed === undefined ? undefined : { AllowedByOrganizations: orgAllowed },
      PermissionsBoundaryDecisionDetail:
        boundaryAllowed === undefined ? undefined : { AllowedByPermissionsBoundary: boundaryAllowed },
    };
  });
  return { EvaluationResults: results, IsTruncated: false };
}
