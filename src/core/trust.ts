// The execution role's trust policy: whether it lets Lambda (lambda.amazonaws.com) call
// sts:AssumeRole, and the fix when it does not. Pure: the document comes from iam:GetRole.
import type { ActionCheck, CheckDecision, TrustFix } from './permissions.js';
import { LAMBDA_ASSUME_ROLE } from './permissions.js';
import type { PolicyDocument, PolicyStatement } from './policy-eval.js';
import { globMatch } from './policy-variables.js';

export const LAMBDA_SERVICE_PRINCIPAL = 'lambda.amazonaws.com';

/** A trust policy statement: an identity policy statement with the principal it is about. */
export interface TrustStatement extends PolicyStatement {
  Principal?: unknown;
  NotPrincipal?: unknown;
}

export interface TrustDocument extends PolicyDocument {
  Statement: TrustStatement[];
}

export type TrustAnswer = Pick<ActionCheck, 'decision' | 'decidedBy' | 'detail'>;

type Match = 'yes' | 'no' | 'maybe';

/** GetRole's AssumeRolePolicyDocument: URL-encoded JSON (plain JSON is accepted too). */
export function parseTrustDocument(raw: string): TrustDocument | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw.trimStart().startsWith('{') ? raw : decodeURIComponent(raw));
  } catch (error) {
    return { error: `the trust policy is not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: 'the trust policy is not a JSON object' };
  const { Version, Statement } = value as { Version?: unknown; Statement?: unknown };
  const statements = Array.isArray(Statement) ? Statement : Statement === undefined ? [] : [Statement];
  if (!statements.every((s) => typeof s === 'object' && s !== null && !Array.isArray(s)))
    return { error: 'a statement of the trust policy is not an object' };
  return {
    ...(typeof Version === 'string' ? { Version } : {}),
    Statement: statements as TrustStatement[],
  };
}

/** Whether the trust policy lets lambda.amazonaws.com assume the role, and which statement says so. */
export function lambdaTrust(document: TrustDocument): TrustAnswer {
  const allows: Array<{ name: string; sure: boolean; why: string[] }> = [];
  const denies: Array<{ name: string; sure: boolean; why: string[] }> = [];
  document.Statement.forEach((st, i) => {
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') return;
    if (!actionMatches(st)) return;
    const principal = principalMatches(st);
    if (principal === 'no') return;
    const keys = conditionKeys(st.Condition);
    const why = [
      ...(principal === 'maybe' ? [`whether ${principalText(st)} includes ${LAMBDA_SERVICE_PRINCIPAL}`] : []),
      ...keys,
    ];
    const entry = {
      name: st.Sid ? `trust policy (${st.Sid})` : `trust policy (statement ${i + 1})`,
      sure: why.length === 0,
      why,
    };
    (st.Effect === 'Deny' ? denies : allows).push(entry);
  });
  const sureDeny = denies.find((d) => d.sure);
  if (sureDeny)
    return answer(
      'explicitDeny',
      sureDeny.name,
      `the trust policy denies ${LAMBDA_SERVICE_PRINCIPAL} sts:AssumeRole`,
    );
  const sureAllow = allows.find((a) => a.sure);
  // A Deny that may apply outranks any Allow.
  if (denies.length > 0)
    return answer(
      'conditional',
      uniqueNames(denies),
      `a Deny of the trust policy applies to ${LAMBDA_SERVICE_PRINCIPAL} depending on ${uniqueWhy(denies)}`,
    );
  if (sureAllow) return answer('allowed', sureAllow.name, null);
  if (allows.length > 0)
    return answer(
      'conditional',
      uniqueNames(allows),
      `the trust policy lets ${LAMBDA_SERVICE_PRINCIPAL} assume the role only depending on ${uniqueWhy(allows)}`,
    );
  return answer(
    'implicitDeny',
    'trust policy',
    `the trust policy does not let ${LAMBDA_SERVICE_PRINCIPAL} assume the role, so Lambda cannot use it`,
  );
}

/** The trust check's answer as one more row of the role's report. */
export function trustCheck(answer: TrustAnswer): ActionCheck {
  return { action: LAMBDA_ASSUME_ROLE, required: 'hard', method: 'policies', ...answer };
}

/**
 * The trust policy with a statement for Lambda added, every existing statement kept, and the
 * command that applies it. Null when adding an Allow cannot help (an explicit Deny decides).
 */
export function trustFixFor(
  roleName: string,
  document: TrustDocument | null,
  decision: CheckDecision,
): TrustFix | null {
  if (decision !== 'implicitDeny') return null;
  const fixed: TrustDocument = {
    Version: document?.Version ?? '2012-10-17',
    Statement: [
      ...(document?.Statement ?? []),
      {
        Sid: 'LambdaAssumeRole',
        Effect: 'Allow',
        Principal: { Service: LAMBDA_SERVICE_PRINCIPAL },
        Action: LAMBDA_ASSUME_ROLE,
      },
    ],
  };
  const json = JSON.stringify(fixed);
  return {
    roleName,
    document: fixed,
    command: `aws iam update-assume-role-policy --role-name ${roleName} --policy-document ${shellQuote(json)}`,
  };
}

const answer = (decision: CheckDecision, decidedBy: string | null, detail: string | null): TrustAnswer => ({
  decision,
  decidedBy,
  detail,
});

function actionMatches(st: TrustStatement): boolean {
  if (st.NotAction !== undefined)
    return !valuesOf(st.NotAction).some((p) => globMatch(p, LAMBDA_ASSUME_ROLE, { ignoreCase: true }));
  return valuesOf(st.Action).some((p) => globMatch(p, LAMBDA_ASSUME_ROLE, { ignoreCase: true }));
}

function principalMatches(st: TrustStatement): Match {
  if (st.NotPrincipal !== undefined) {
    const listed = principalListed(st.NotPrincipal);
    return listed === 'yes' ? 'no' : listed === 'no' ? 'yes' : 'maybe';
  }
  if (st.Principal === undefined) return 'no';
  return principalListed(st.Principal);
}

// "*" is everyone, services included. {"AWS": "*"} is every AWS account's principals: whether a
// service principal counts is not something AWS documents the same way for every service, so it
// is left open rather than guessed either way.
function principalListed(principal: unknown): Match {
  if (principal === '*') return 'yes';
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) return 'no';
  const byType = principal as Record<string, unknown>;
  const services = valuesOf(byType.Service);
  if (services.some((s) => s.toLowerCase() === LAMBDA_SERVICE_PRINCIPAL)) return 'yes';
  if (valuesOf(byType.AWS).includes('*')) return 'maybe';
  return 'no';
}

function principalText(st: TrustStatement): string {
  return `${st.NotPrincipal !== undefined ? 'NotPrincipal' : 'Principal'} ${JSON.stringify(st.NotPrincipal ?? st.Principal)}`;
}

function conditionKeys(condition: unknown): string[] {
  if (typeof condition !== 'object' || condition === null) return [];
  return Object.values(condition as Record<string, unknown>).flatMap((byKey) =>
    typeof byKey === 'object' && byKey !== null ? Object.keys(byKey) : [],
  );
}

const uniqueNames = (entries: Array<{ name: string }>) => [...new Set(entries.map((e) => e.name))].join(', ');
const uniqueWhy = (entries: Array<{ why: string[] }>) =>
  [...new Set(entries.flatMap((e) => e.why))].join(', ');

function valuesOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** One shell word, for the printed command: single quotes, with any ' inside closed and escaped. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
