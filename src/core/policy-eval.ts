// Fallback evaluator for identity policies, used by check-perms when the caller may not call
// iam:SimulatePrincipalPolicy. It only decides what identity policies alone can decide, for
// Resource "*": anything depending on request context or specific resources is reported as
// `conditional` rather than guessed. SCPs, permission boundaries and session policies are not seen.

import type { ActionRequest } from './request-facts.js';

export type Effect = 'Allow' | 'Deny';
export type StringOrList = string | string[];

export interface PolicyStatement {
  Sid?: string;
  Effect: Effect;
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  Version?: string;
  // Always an array after parsing, even when the source had a single statement object.
  Statement: PolicyStatement[];
}

export interface NamedPolicy {
  name: string;
  arn?: string;
  kind: 'managed' | 'inline';
  document: PolicyDocument;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny' | 'conditional';

export interface MatchedStatement {
  policy: string;
  sid?: string;
  effect: Effect;
  conditional: boolean;
  // Why a match is conditional, so the CLI can say "only under a Condition" vs "only on some ARNs".
  reason?: 'condition' | 'resource';
}

export interface ActionDecision {
  action: string;
  decision: Decision;
  matched: MatchedStatement[];
  /** For a conditional answer: the condition keys (or "which subnet" and the like) it depends on. */
  dependsOn?: string[];
}

export interface ExecutionRoleAction {
  action: string;
  // 'hard': Lambda refuses the VPC config without it; 'current': required by Lambda since 2024.
  required: 'hard' | 'current';
}

export const EXECUTION_ROLE_ACTIONS: readonly ExecutionRoleAction[] = Object.freeze([
  { action: 'ec2:CreateNetworkInterface', required: 'hard' },
  { action: 'ec2:DescribeNetworkInterfaces', required: 'hard' },
  { action: 'ec2:DeleteNetworkInterface', required: 'hard' },
  { action: 'ec2:DescribeSubnets', required: 'current' },
  { action: 'ec2:AssignPrivateIpAddresses', required: 'current' },
  { action: 'ec2:UnassignPrivateIpAddresses', required: 'current' },
]);

export const VPC_ACCESS_MANAGED_POLICY_ARN =
  'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

/** The one-line fix printed wherever a role lacks the VPC permissions. */
export const attachVpcAccessPolicyCommand = (roleName: string) =>
  `aws iam attach-role-policy --role-name ${roleName} --policy-arn ${VPC_ACCESS_MANAGED_POLICY_ARN}`;

// Resource "*" is not optional: ec2:DescribeNetworkInterfaces supports no resource-level permissions.
export function minimalExecutionRolePolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LambdaVpcNetworkInterfaces',
        Effect: 'Allow',
        Action: EXECUTION_ROLE_ACTIONS.map((a) => a.action),
        Resource: '*',
      },
    ],
  };
}

export class PolicyDocumentError extends Error {
  readonly policyName: string | undefined;
  constructor(message: string, policyName?: string) {
    super(policyName === undefined ? `Policy document: ${message}` : `Policy "${policyName}": ${message}`);
    this.name = 'PolicyDocumentError';
    this.policyName = policyName;
  }
}

export function parsePolicyDocument(raw: string, policyName?: string): PolicyDocument {
  function fail(message: string): never {
    throw new PolicyDocumentError(message, policyName);
  }
  const json = decodeJson(raw);
  if (!json.ok) return fail(`not valid JSON, plain or URL-encoded (${json.error})`);
  if (!isObject(json.value)) return fail('the document is not a JSON object');
  const { Version, Statement } = json.value;
  if (Version !== undefined && typeof Version !== 'string') fail('Version is not a string');
  const rawStatements = Array.isArray(Statement) ? Statement : Statement === undefined ? [] : [Statement];
  if (rawStatements.length === 0) fail('it has no Statement');
  const statements = rawStatements.map((st, i): PolicyStatement => {
    const where = `Statement ${i + 1}`;
    if (!isObject(st)) return fail(`${where} is not an object`);
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') {
      return fail(`${where} has Effect ${JSON.stringify(st.Effect)}; expected "Allow" or "Deny"`);
    }
    const out: PolicyStatement = { Effect: st.Effect };
    if (st.Sid !== undefined) {
      if (typeof st.Sid !== 'string') fail(`${where} has a non-string Sid`);
      out.Sid = st.Sid as string;
    }
    for (const [key, other] of [
      ['Action', 'NotAction'],
      ['Resource', 'NotResource'],
    ] as const) {
      if (st[key] !== undefined && st[other] !== undefined) fail(`${where} has both ${key} and ${other}`);
      for (const k of [key, other]) {
        const v = st[k];
        if (v === undefined) continue;
        if (!isStringOrList(v)) fail(`${where}: ${k} must be a string or an array of strings`);
        out[k] = v as StringOrList;
      }
    }
    if (out.Action === undefined && out.NotAction === undefined) fail(`${where} has no Action or NotAction`);
    if (st.Condition !== undefined) {
      if (!isObject(st.Condition)) fail(`${where}: Condition must be an object`);
      out.Condition = st.Condition as Record<string, unknown>;
    }
    return out;
  });
  return Version === undefined ? { Statement: statements } : { Version, Statement: statements };
}

export function evaluateActions(policies: NamedPolicy[], actions: string[]): ActionDecision[] {
  return actions.map((action) => {
    const matched: MatchedStatement[] = [];
    for (const policy of policies) {
      for (const st of policy.document.Statement) {
        if (!actionApplies(st, action)) continue;
        const scope = resourceScope(st, serviceOf(action));
        if (scope === 'none') continue;
        const reason = hasCondition(st) ? 'condition' : scope === 'some' ? 'resource' : undefined;
        const m: MatchedStatement = {
          policy: policy.name,
          effect: st.Effect,
          conditional: reason !== undefined,
        };
        if (st.Sid !== undefined && st.Sid !== '') m.sid = st.Sid;
        if (reason !== undefined) m.reason = reason;
        matched.push(m);
      }
    }
    return { action, decision: decide(matched), matched };
  });
}

/**
 * Decides each request from the policies: every resource of a request must be allowed, an
 * explicit Deny on any of them denies, and what depends on an unknown key is conditional.
 */
export function evaluateRequests(policies: NamedPolicy[], requests: ActionRequest[]): ActionDecision[] {
  // Placeholder until the resource and condition model lands.
  return evaluateActions(
    policies,
    requests.map((r) => r.action),
  );
}

function decide(matched: MatchedStatement[]): Decision {
  const denies = matched.filter((m) => m.effect === 'Deny');
  const allows = matched.filter((m) => m.effect === 'Allow');
  if (denies.some((m) => !m.conditional)) return 'explicitDeny';
  const unconditionalAllow = allows.some((m) => !m.conditional);
  // A Deny that might apply outranks any Allow, so it cannot be ignored even next to a plain Allow.
  if (denies.length > 0 || (!unconditionalAllow && allows.length > 0)) return 'conditional';
  return unconditionalAllow ? 'allowed' : 'implicitDeny';
}

function actionApplies(st: PolicyStatement, action: string): boolean {
  if (st.NotAction !== undefined) return !list(st.NotAction).some((p) => globMatch(p, action));
  return list(st.Action).some((p) => globMatch(p, action));
}

// 'all': covers Resource "*". 'some': may cover some of the action's resources but not "*", so
// it is reported as conditional. 'none': cannot cover any resource of the action's service.
// Only the literal "*" counts as all; patterns like "arn:aws:ec2:*" do not grant actions such as
// DescribeNetworkInterfaces that only accept "*".
function resourceScope(st: PolicyStatement, service: string): 'all' | 'some' | 'none' {
  if (st.NotResource !== undefined) {
    const excluded = list(st.NotResource);
    if (excluded.includes('*')) return 'none';
    return excluded.some((p) => mayMatchService(p, service)) ? 'some' : 'all';
  }
  const included = list(st.Resource);
  if (included.includes('*')) return 'all';
  return included.some((p) => mayMatchService(p, service)) ? 'some' : 'none';
}

// An ARN pattern for another service (e.g. an S3 bucket under Action "*") cannot touch EC2
// resources; anything not shaped like an ARN is kept, so as not to guess.
function mayMatchService(pattern: string, service: string): boolean {
  const parts = pattern.split(':');
  const svc = parts[2];
  if (parts[0]?.toLowerCase() !== 'arn' || svc === undefined) return true;
  return globMatch(svc, service);
}

function hasCondition(st: PolicyStatement): boolean {
  return st.Condition !== undefined && Object.keys(st.Condition).length > 0;
}

function serviceOf(action: string): string {
  const i = action.indexOf(':');
  return i < 0 ? action : action.slice(0, i);
}

// IAM action names are case-insensitive; `*` matches any run of characters, `?` exactly one.
function globMatch(pattern: string, value: string): boolean {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is').test(value);
}

function list(v: StringOrList | undefined): string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringOrList(v: unknown): v is StringOrList {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

// IAM returns documents percent-encoded (RFC 3986), but callers also pass plain JSON, and some
// encoders turn spaces into `+`. Plain JSON is tried first so a literal `%` in it survives; `+` is
// only read as a space when the strict decoding does not parse, since `%2B`-free `+` is legal.
function decodeJson(raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const attempts: Array<() => string> = [];
  if (raw.trimStart().startsWith('{')) attempts.push(() => raw);
  attempts.push(() => decodeURIComponent(raw));
  if (raw.includes('+')) attempts.push(() => decodeURIComponent(raw.replace(/\+/g, ' ')));
  let firstError: string | undefined;
  for (const attempt of attempts) {
    try {
      return { ok: true, value: JSON.parse(attempt()) };
    } catch (err) {
      firstError ??= err instanceof Error ? err.message : String(err);
    }
  }
  return { ok: false, error: firstError ?? 'empty input' };
}
