/**
 * VPC endpoint policies, as far as a network path can judge them: the default full-access
 * policy lets everything through; a policy that denies every request to everyone (or allows
 * nothing) makes every call fail with 403; anything else depends on the request (its principal,
 * action, resource, conditions) and is a note, not a verdict.
 */

import type { Ec2VpcEndpoint } from '../types.js';
import { resetEndpointPolicyFix } from './fixes.js';
import type { Hop } from './types.js';
import { hop } from './world.js';

export type EndpointPolicy = 'full' | 'deny-all' | 'restricted';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

const everyone = (p: unknown) =>
  p === '*' || (isObject(p) && list(p.AWS).length > 0 && list(p.AWS).every((x) => x === '*'));
const anyAction = (a: unknown) =>
  list(a).some((x) => typeof x === 'string' && (x === '*' || /^[a-z0-9-]+:\*$/i.test(x)));
const anyResource = (r: unknown) => list(r).includes('*');

/** Whether a statement applies to every request: everyone, every action, every resource, no condition. */
function universal(st: Json): boolean {
  const negated = ['NotPrincipal', 'NotAction', 'NotResource'].some((k) => st[k] !== undefined);
  return (
    !negated &&
    st.Condition === undefined &&
    everyone(st.Principal) &&
    anyAction(st.Action) &&
    anyResource(st.Resource)
  );
}

export function classifyEndpointPolicy(doc: string | undefined): EndpointPolicy {
  if (doc === undefined || doc.trim() === '') return 'full';
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    try {
      parsed = JSON.parse(decodeURIComponent(doc));
    } catch {
      return 'restricted';
    }
  }
  if (!isObject(parsed)) return 'restricted';
  const statements = list(parsed.Statement).filter(isObject);
  const allows = statements.filter((s) => s.Effect === 'Allow');
  const denies = statements.filter((s) => s.Effect === 'Deny');
  if (allows.length === 0 || denies.some(universal)) return 'deny-all';
  if (denies.length === 0 && allows.some(universal)) return 'full';
  return 'restricted';
}

/** The endpoint-policy hop, and the note a restrictive policy deserves. */
export function policyHop(ep: Ec2VpcEndpoint, service: string): { hop: Hop; note?: string } {
  const id = ep.VpcEndpointId ?? '?';
  const kind = classifyEndpointPolicy(ep.PolicyDocument);
  if (kind === 'deny-all') {
    return {
      hop: hop({
        kind: 'endpoint-policy',
        status: 'fail',
        resource: id,
        detail: `the policy of ${id} denies every request to ${service} (calls fail with 403 AccessDenied)`,
        fix: resetEndpointPolicyFix(id),
      }),
    };
  }
  const h = hop({
    kind: 'endpoint-policy',
    status: 'pass',
    resource: id,
    detail:
      kind === 'full'
        ? `${id} has the default full-access policy`
        : `${id} has a restrictive policy: the network path is open, each request is allowed or denied by it`,
  });
  return kind === 'full'
    ? { hop: h }
    : {
        hop: h,
        note: `The endpoint policy of ${id} restricts requests to ${service}: a request it does not allow fails with 403, not a timeout.`,
      };
}
