// What is known about the requests a permission answer is about: the EC2 calls Lambda makes with
// the execution role, or the caller's lambda:UpdateFunctionConfiguration. The evaluator decides
// from these alone; anything not known here stays `conditional`, with the condition key named.

/** A condition key's value in one request: known values, known to be missing, or not knowable. */
export type KeyValue = { kind: 'values'; values: string[] } | { kind: 'absent' } | { kind: 'unknown' };

/**
 * Condition keys of a request. Key names are compared case-insensitively (store them lower-case);
 * a key neither in `values`, nor in `absent`, nor under one of `absentPrefixes` is unknown.
 */
export interface ConditionContext {
  values: Record<string, string[]>;
  absent: string[];
  /** e.g. "aws:principaltag/" once the role's tags were read: every tag it lacks is absent. */
  absentPrefixes: string[];
  /**
   * Keys AWS documents as one of a few cases (e.g. absent, or "false"): a condition on one is
   * decided when every case gives the same answer. Lower-case names, like `values`.
   */
  alternatives?: Record<string, KeyValue[]>;
}

/** One resource the request is authorised on. */
export interface RequestResource {
  /** The service's resource type, e.g. "subnet", "security-group", "network-interface", or "*". */
  type: string;
  /**
   * The ARN; when `idUnknown` is set, the ARN up to and including the "/" before the ID, which is
   * unknown (any subnet, or the interface Lambda is yet to create).
   */
  arn: string;
  idUnknown?: boolean;
  /**
   * The account in the ARN is not known: in a shared VPC a subnet (and its VPC) is the owner
   * account's, not the function's. The ARN then carries the function's account as a stand-in.
   */
  ownerUnknown?: boolean;
  /** Keys that hold for this resource only (ec2:Vpc, ec2:Subnet, ec2:ResourceTag/…), over the request's. */
  context: ConditionContext;
}

/** One action as Lambda (or the caller) sends it: every resource must be allowed. */
export interface ActionRequest {
  action: string;
  resources: RequestResource[];
  /** Keys of the request as a whole (aws:RequestedRegion, aws:PrincipalArn, …). */
  context: ConditionContext;
}

/** What is known of a subnet or security group named in the VPC configuration. */
export interface NetworkResourceFact {
  id: string;
  vpcId?: string;
  /**
   * The account that owns it (DescribeSubnets/DescribeSecurityGroups OwnerId): in a shared VPC,
   * not the function's. Undefined when not read: ARN patterns naming an account then depend on it.
   */
  ownerId?: string;
  /** Undefined when the tags were not read: ec2:ResourceTag/… then stays conditional. */
  tags?: Record<string, string>;
}

/** The principal whose policies are read, as the request context will show it. */
export interface PrincipalFacts {
  /** The IAM role or user ARN (not a session ARN). */
  arn: string;
  kind: 'role' | 'user';
  /** Undefined when the tags could not be read: aws:PrincipalTag/… then stays conditional. */
  tags?: Record<string, string>;
}

/** The facts the requests are built from. */
export interface RequestFacts {
  partition: string;
  region: string;
  account: string;
  principal: PrincipalFacts;
  /** null: not known, so the answer is for any subnet / any security group (patterns decide). */
  subnets: NetworkResourceFact[] | null;
  securityGroups: NetworkResourceFact[] | null;
}

export const emptyContext = (): ConditionContext => ({ values: {}, absent: [], absentPrefixes: [] });

/** A key's value in a context, or in `resource` over `request` when both are given. */
export function lookupKey(key: string, ...contexts: ConditionContext[]): KeyValue {
  const k = key.toLowerCase();
  // The most specific context (the resource's) is passed last and wins.
  for (const ctx of [...contexts].reverse()) {
    // The key comes from a policy's text: "constructor" must not find Object.prototype's.
    const values = Object.hasOwn(ctx.values, k) ? ctx.values[k] : undefined;
    if (values !== undefined) return { kind: 'values', values };
    if (ctx.absent.includes(k)) return { kind: 'absent' };
  }
  for (const ctx of contexts) if (ctx.absentPrefixes.some((p) => k.startsWith(p))) return { kind: 'absent' };
  return { kind: 'unknown' };
}
