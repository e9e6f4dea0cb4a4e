// Fallback evaluator for IAM policies, used by check-perms when the caller may not call
// iam:SimulatePrincipalPolicy. It decides each request as AWS's evaluation logic would, from the
// resources and condition keys known of it (request-facts.ts); what depends on something not known
// is `conditional`, with what it depends on named, never guessed. SCPs and session policies are not
// seen; a permissions boundary is evaluated on its own and caps the answer (permissions.ts).

import {
  evaluateCondition,
  type GlobToken,
  globMatch,
  globTokens,
  type KeyLookup,
  type PolicyTextOptions,
  substituteVariables,
  type Truth,
} from './policy-conditions.js';
import {
  type ActionRequest,
  emptyContext,
  type KeyValue,
  lookupKey,
  type RequestResource,
} from './request-facts.js';

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
  /** For a conditional match: the condition keys, or "which subnet" and the like, it depends on. */
  dependsOn?: string[];
}

export interface ActionDecision {
  action: string;
  decision: Decision;
  matched: MatchedStatement[];
  /** For a conditional answer: the condition keys (or "which subnet" and the like) it depends on. */
  dependsOn?: string[];
  /** For a denial: the resources it is denied on (an ARN ending in "*" when the ID is not known). */
  deniedOn?: string[];
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
        // IAM refuses an empty list; read as "nothing excluded", NotAction [] would grant everything.
        if (Array.isArray(v) && v.length === 0) fail(`${where}: ${k} is an empty list`);
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

/**
 * Each action against any resource of it (its ARN unknown): what identity policies alone decide
 * when nothing is known of the request. A pattern other than "*" then leaves the answer open.
 */
export function evaluateActions(policies: NamedPolicy[], actions: string[]): ActionDecision[] {
  return evaluateRequests(
    policies,
    actions.map((action) => ({
      action,
      resources: [{ type: 'resource', arn: '', idUnknown: true, context: emptyContext() }],
      context: emptyContext(),
    })),
  );
}

/**
 * Decides each request from the policies: every resource of a request must be allowed, an
 * explicit Deny on any of them denies, and what depends on an unknown key is conditional.
 */
export function evaluateRequests(policies: NamedPolicy[], requests: ActionRequest[]): ActionDecision[] {
  return requests.map((request) => decideRequest(policies, request));
}

/** Whether one statement applies to one resource of a request, and what an open answer depends on. */
interface Applicability {
  truth: Truth;
  reason?: 'condition' | 'resource';
  dependsOn: string[];
}

interface StatementOutcome {
  policy: NamedPolicy;
  statement: PolicyStatement;
  perResource: Applicability[];
}

type ResourceDecision = { decision: Decision; dependsOn: string[] };

function decideRequest(policies: NamedPolicy[], request: ActionRequest): ActionDecision {
  const outcomes: StatementOutcome[] = [];
  for (const policy of policies) {
    for (const statement of policy.document.Statement) {
      if (!actionApplies(statement, request.action)) continue;
      // Without a Version a document is "2008-10-17", where `${…}` is plain text.
      const text: PolicyTextOptions = { policyVersion: policy.document.Version ?? '2008-10-17' };
      const perResource = request.resources.map((resource) =>
        applicability(statement, request, resource, text),
      );
      if (perResource.every((a) => a.truth === false)) continue;
      outcomes.push({ policy, statement, perResource });
    }
  }
  const perResource = request.resources.map((_, i) => decideResource(outcomes, i));
  const decision = combine(perResource.map((r) => r.decision));
  const result: ActionDecision = {
    action: request.action,
    decision,
    matched: outcomes.map(matchedStatement),
  };
  if (decision === 'conditional') {
    result.dependsOn = unique(
      perResource.filter((r) => r.decision === 'conditional').flatMap((r) => r.dependsOn),
    );
  }
  if (decision === 'explicitDeny' || decision === 'implicitDeny') {
    result.deniedOn = unique(
      request.resources.filter((_, i) => perResource[i]?.decision === decision).map(resourceLabel),
    );
  }
  return result;
}

function decideResource(outcomes: StatementOutcome[], index: number): ResourceDecision {
  const at = (effect: Effect) =>
    outcomes
      .filter((o) => o.statement.Effect === effect)
      .map((o) => o.perResource[index] as Applicability)
      .filter((a) => a.truth !== false);
  const denies = at('Deny');
  const allows = at('Allow');
  if (denies.some((a) => a.truth === true)) return { decision: 'explicitDeny', dependsOn: [] };
  // With no Allow that may apply it is denied either way, whatever an open Deny would do.
  if (allows.length === 0) return { decision: 'implicitDeny', dependsOn: [] };
  const allowed = allows.some((a) => a.truth === true);
  if (allowed && denies.length === 0) return { decision: 'allowed', dependsOn: [] };
  const open = [...denies, ...(allowed ? [] : allows)];
  return { decision: 'conditional', dependsOn: open.flatMap((a) => a.dependsOn) };
}

function combine(decisions: Decision[]): Decision {
  for (const d of ['explicitDeny', 'implicitDeny', 'conditional'] as const)
    if (decisions.includes(d)) return d;
  return decisions.length === 0 ? 'implicitDeny' : 'allowed';
}

// A Deny decides when it surely applies to any resource; an Allow grants only on all of them.
function matchedStatement({ policy, statement, perResource }: StatementOutcome): MatchedStatement {
  const sure =
    statement.Effect === 'Deny'
      ? perResource.some((a) => a.truth === true)
      : perResource.every((a) => a.truth === true);
  const m: MatchedStatement = { policy: policy.name, effect: statement.Effect, conditional: !sure };
  if (statement.Sid !== undefined && statement.Sid !== '') m.sid = statement.Sid;
  if (!sure) {
    const open = perResource.filter((a) => a.truth === 'unknown');
    m.reason = open.some((a) => a.reason === 'condition') ? 'condition' : 'resource';
    const dependsOn = unique(open.flatMap((a) => a.dependsOn));
    if (dependsOn.length > 0) m.dependsOn = dependsOn;
  }
  return m;
}

function applicability(
  st: PolicyStatement,
  request: ActionRequest,
  resource: RequestResource,
  text: PolicyTextOptions,
): Applicability {
  const lookup: KeyLookup = (key) => lookupKey(key, request.context, resource.context);
  const onResource = resourceApplies(st, resource, lookup, text);
  if (onResource.truth === false) return onResource;
  const condition = conditionApplies(st, request, resource, text);
  if (condition.truth === false) return condition;
  if (onResource.truth === true) return condition;
  if (condition.truth === true) return onResource;
  return {
    truth: 'unknown',
    reason: 'condition',
    dependsOn: unique([...onResource.dependsOn, ...condition.dependsOn]),
  };
}

function resourceApplies(
  st: PolicyStatement,
  resource: RequestResource,
  lookup: KeyLookup,
  text: PolicyTextOptions,
): Applicability {
  const negated = st.NotResource !== undefined;
  const patterns = list(negated ? st.NotResource : st.Resource);
  let truth: Truth = false;
  const dependsOn: string[] = [];
  for (const raw of patterns) {
    const sub = substituteVariables(raw, lookup, text);
    // A variable with no value (e.g. ${aws:username} for a role) makes its pattern match nothing;
    // in NotResource that would let the statement apply everywhere, which AWS does not document
    // (the statement "might be invalid"), so it is open rather than a grant.
    if (sub.kind === 'noMatch') {
      if (negated) {
        if (truth !== true) truth = 'unknown';
        dependsOn.push(raw);
      }
      continue;
    }
    if (sub.kind === 'unknown') {
      truth = truth === true ? true : 'unknown';
      dependsOn.push(...sub.keys);
      continue;
    }
    const covers = patternCovers(sub.value, resource);
    if (covers === 'all') truth = true;
    else if (covers === 'some') {
      if (truth !== true) truth = 'unknown';
      const type = resource.type.replace(/-/g, ' ');
      dependsOn.push(resource.idUnknown ? `which ${type}` : `the account that owns the ${type}`);
    }
  }
  const result = negated ? not(truth) : truth;
  return result === 'unknown'
    ? { truth: result, reason: 'resource', dependsOn: unique(dependsOn) }
    : { truth: result, dependsOn: [] };
}

/**
 * Whether an ARN glob (case-sensitive; from substituteVariables, so `\\` escapes) matches the
 * resource: for a resource whose ID is unknown, whether it matches every ID after the known
 * prefix, some of them (then it depends on which), or none.
 */
function patternCovers(pattern: string, resource: RequestResource): 'all' | 'some' | 'none' {
  if (!resource.ownerUnknown) return coversKnownOwner(pattern, resource);
  // The owner's account is not known: a pattern naming an account covers the resource only if
  // it is the owner's. With the account part a wildcard, the rest of the ARN still decides.
  const parts = pattern.split(':');
  if (parts.length < 6 || parts[4] === '*') return coversKnownOwner(pattern, resource);
  const anyAccount = [...parts.slice(0, 4), '*', ...parts.slice(5)].join(':');
  return coversKnownOwner(anyAccount, resource) === 'none' ? 'none' : 'some';
}

function coversKnownOwner(pattern: string, resource: RequestResource): 'all' | 'some' | 'none' {
  if (!resource.idUnknown) return globMatch(pattern, resource.arn) ? 'all' : 'none';
  const tokens = globTokens(pattern);
  let states = starClosure(tokens, [0]);
  for (const ch of resource.arn) {
    const next: number[] = [];
    for (const s of states) {
      const t = tokens[s];
      if (t === '*') next.push(s);
      else if (t === '?' || (typeof t === 'object' && t.char === ch)) next.push(s + 1);
    }
    states = starClosure(tokens, next);
  }
  const rests = states.map((s) => tokens.slice(s)).filter((rest) => rest.length > 0);
  if (rests.some((rest) => rest.every((t) => t === '*'))) return 'all';
  // With no prefix known (evaluateActions) the unknown part is a whole ARN, any text at all.
  const fits = (c: string) => resource.arn === '' || ID_CHAR.test(c);
  return rests.some((rest) => rest.every((t) => typeof t !== 'object' || fits(t.char))) ? 'some' : 'none';
}

// After a known prefix the unknown part is a resource ID or function name (subnet-0a1…, eni-…,
// my_function): never a ":" or "/", so a pattern that needs one there names another resource.
const ID_CHAR = /^[A-Za-z0-9_-]$/;

function starClosure(tokens: GlobToken[], states: number[]): number[] {
  const out = new Set<number>();
  for (let s of states) {
    out.add(s);
    while (tokens[s] === '*') out.add(++s);
  }
  return [...out];
}

function conditionApplies(
  st: PolicyStatement,
  request: ActionRequest,
  resource: RequestResource,
  text: PolicyTextOptions,
): Applicability {
  const condition = st.Condition;
  if (condition === undefined || Object.keys(condition).length === 0) return { truth: true, dependsOn: [] };
  const base: KeyLookup = (key) => lookupKey(key, request.context, resource.context);
  const results = alternativeLookups(condition, request, resource, base).map((lookup) =>
    evaluateCondition(condition, lookup, text),
  );
  const truths = results.map((r) => r.result);
  if (truths.every((t) => t === true)) return { truth: true, dependsOn: [] };
  if (truths.every((t) => t === false)) return { truth: false, dependsOn: [] };
  const unknownKeys = results.flatMap((r) => r.unknownKeys);
  const disagreeing = truths.some((t) => t !== truths[0])
    ? alternativeKeysIn(condition, request, resource)
    : [];
  return { truth: 'unknown', reason: 'condition', dependsOn: unique([...unknownKeys, ...disagreeing]) };
}

// A key AWS documents as one of a few cases (say, absent or "false") is evaluated under each: when
// every case gives the same answer, that answer holds.
function alternativeLookups(
  condition: Record<string, unknown>,
  request: ActionRequest,
  resource: RequestResource,
  base: KeyLookup,
): KeyLookup[] {
  const keys = alternativeKeysIn(condition, request, resource);
  let lookups: Array<Map<string, KeyValue>> = [new Map()];
  for (const key of keys.map((k) => k.toLowerCase())) {
    const options =
      ownValue(resource.context.alternatives, key) ?? ownValue(request.context.alternatives, key);
    if (!options || options.length === 0) continue;
    lookups = lookups.flatMap((fixed) => options.map((option) => new Map([...fixed, [key, option]])));
  }
  return lookups.map((fixed) => (key: string) => fixed.get(key.toLowerCase()) ?? base(key));
}

// The keys as the policy spells them, for the report; they are looked up lower-case.
function alternativeKeysIn(
  condition: Record<string, unknown>,
  request: ActionRequest,
  resource: RequestResource,
) {
  const keys = Object.values(condition).flatMap((byKey) => (isObject(byKey) ? Object.keys(byKey) : []));
  const has = (k: string) =>
    ownValue(request.context.alternatives, k.toLowerCase()) !== undefined ||
    ownValue(resource.context.alternatives, k.toLowerCase()) !== undefined;
  return unique(keys.filter(has));
}

// Keys come from the policy's text: "constructor" must not find Object.prototype's.
function ownValue<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function not(t: Truth): Truth {
  return t === 'unknown' ? t : !t;
}

function actionApplies(st: PolicyStatement, action: string): boolean {
  const matches = (p: string) => globMatch(p, action, { ignoreCase: true });
  if (st.NotAction !== undefined) return !list(st.NotAction).some(matches);
  return list(st.Action).some(matches);
}

function resourceLabel(r: RequestResource): string {
  return r.idUnknown ? `${r.arn}*` : r.arn;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
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
