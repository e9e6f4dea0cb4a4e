// Reading a principal's policies for the fallback evaluator, when the simulator is not usable:
// every read that fails is named, and what it could have changed becomes unknown, never allowed.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient, Role, User } from '@aws-sdk/client-iam';
import {
  type ActionCheck,
  type BoundaryReading,
  decideFromReads,
  fromPolicies,
  unknownChecks,
} from '../core/permissions.js';
import { evaluateRequests, type NamedPolicy, PolicyDocumentError } from '../core/policy-eval.js';
import type { ActionRequest, NetworkResourceFact, RequestFacts } from '../core/request-facts.js';
import { endsTheRun, firstLine } from '../errors.js';
import {
  getInlinePolicy,
  getManagedPolicy,
  getManagedPolicyVersion,
  listAttachedPolicyArns,
  listGroupsForUser,
  listInlinePolicyNames,
  type PolicyHolder,
  policyReadAction,
} from '../services/iam.js';

// IAM's error code is NoSuchEntity; the SDK throws it as its modelled NoSuchEntityException.
export const isNoSuchEntity = (error: unknown) => {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchEntityException' || name === 'NoSuchEntity';
};

/** Errors that would make every other method fail the same way: let them end the command. */
export function rethrowFatal(error: unknown): void {
  if (endsTheRun(error)) throw error;
}

export const why = (error: unknown) => {
  const e = error as { name?: string; message?: string };
  return `${e.name ?? 'Error'}: ${firstLine(e.message ?? String(error))}`;
};

/** "iam:GetPolicyVersion of X: AccessDenied: …"; a policy that does not parse says so instead. */
const failure = (call: string, subject: string, error: unknown) =>
  error instanceof PolicyDocumentError ? error.message : `${call} of ${subject}: ${why(error)}`;

interface IdentityReads {
  policies: NamedPolicy[];
  /** One line per read that failed, naming the call. */
  unread: string[];
  /** No list of policies could be read at all: nothing to decide from. */
  nothingListed: boolean;
}

/** Every identity policy of a role, or of a user and its groups, noting each read that failed. */
async function readIdentityPolicies(iam: IAMClient, holder: PolicyHolder): Promise<IdentityReads> {
  const unread: string[] = [];
  const top = `${holder.kind} ${holder.name}`;
  const attempt = async <T>(
    call: string,
    subject: string,
    read: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      rethrowFatal(error);
      // The principal itself is gone (a deleted role): not an unread policy, but the answer.
      if (subject === top && isNoSuchEntity(error)) throw error;
      unread.push(failure(call, subject, error));
      return undefined;
    }
  };
  const holders: PolicyHolder[] = [holder];
  if (holder.kind === 'user') {
    const groups = await attempt('iam:ListGroupsForUser', `user ${holder.name}`, () =>
      listGroupsForUser(iam, holder.name),
    );
    for (const name of groups ?? []) holders.push({ kind: 'group', name });
  }
  const policies: NamedPolicy[] = [];
  let listed = 0;
  for (const h of holders) {
    const subject = `${h.kind} ${h.name}`;
    const attached = await attempt(policyReadAction(h, 'listAttached'), subject, () =>
      listAttachedPolicyArns(iam, h),
    );
    const inline = await attempt(policyReadAction(h, 'listInline'), subject, () =>
      listInlinePolicyNames(iam, h),
    );
    if (attached) listed++;
    if (inline) listed++;
    for (const arn of attached ?? []) {
      const meta = await attempt('iam:GetPolicy', arn, () => getManagedPolicy(iam, arn));
      if (!meta) continue;
      const policy = await attempt(
        'iam:GetPolicyVersion',
        `${arn} (${meta.defaultVersionId ?? 'default'})`,
        () => getManagedPolicyVersion(iam, arn, meta.name, meta.defaultVersionId),
      );
      if (policy) policies.push(policy);
    }
    for (const name of inline ?? []) {
      const policy = await attempt(policyReadAction(h, 'getInline'), `${name} of ${subject}`, () =>
        getInlinePolicy(iam, h, name),
      );
      if (policy) policies.push(policy);
    }
  }
  return { policies, unread, nothingListed: listed === 0 };
}

/** What the principal's record (GetRole/GetUser) said of its boundary, or why it could not be read. */
export type BoundarySource = { boundaryArn: string | undefined } | { unread: string };

async function readBoundary(
  iam: IAMClient,
  source: BoundarySource,
  requests: ActionRequest[],
): Promise<BoundaryReading> {
  if ('unread' in source) return { kind: 'unread', reason: source.unread };
  const arn = source.boundaryArn;
  if (!arn) return { kind: 'none' };
  try {
    const meta = await getManagedPolicy(iam, arn);
    try {
      const policy = await getManagedPolicyVersion(iam, arn, meta.name, meta.defaultVersionId);
      return { kind: 'read', decisions: evaluateRequests([policy], requests) };
    } catch (error) {
      rethrowFatal(error);
      return { kind: 'unread', reason: unreadBoundary(failure('iam:GetPolicyVersion', arn, error)) };
    }
  } catch (error) {
    rethrowFatal(error);
    return { kind: 'unread', reason: unreadBoundary(failure('iam:GetPolicy', arn, error)) };
  }
}

export const unreadBoundary = (failed: string) =>
  `the permissions boundary, which may cap it, could not be read (${failed})`;

/**
 * Decides the requests from the principal's own policies and boundary, or null when not one of
 * its policy lists could be read (the reason is then in `nothingRead`).
 */
export async function evaluatePrincipalPolicies(
  iam: IAMClient,
  holder: PolicyHolder,
  boundary: BoundarySource,
  requests: ActionRequest[],
): Promise<{ checks: ActionCheck[] } | { nothingRead: string }> {
  const reads = await readIdentityPolicies(iam, holder);
  if (reads.nothingListed) return { nothingRead: reads.unread.join('; ') };
  const identity = fromPolicies(evaluateRequests(reads.policies, requests));
  return { checks: decideFromReads(identity, reads.unread, await readBoundary(iam, boundary, requests)) };
}

/** The checks when nothing could be read: each unknown, with the reason. */
export const unreadChecks = (requests: ActionRequest[], reason: string): ActionCheck[] =>
  unknownChecks(
    requests.map((r) => r.action),
    reason,
  );

/** What is known of the network the role's requests are about; null: any subnet and group. */
export interface NetworkScope {
  subnetIds: string[];
  securityGroupIds: string[];
  vpcId: string | null;
  /** As EC2 describes them (VPC, owner account, tags), when they were read. */
  described?: { subnets: NetworkResourceFact[]; securityGroups: NetworkResourceFact[] };
}

/** IAM's or EC2's tag list as the request context reads it (aws:PrincipalTag/…, ec2:ResourceTag/…). */
export const tagsOf = (
  tags: Array<{ Key?: string | undefined; Value?: string | undefined }> | undefined,
): Record<string, string> =>
  Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])));

/** A principal's record as read (GetRole/GetUser), or why it could not be. */
export type PrincipalRecord = { role: Role } | { user: User } | { unread: string };

/** What the record says of the permissions boundary. */
export const boundaryOf = (record: PrincipalRecord): BoundarySource =>
  'unread' in record
    ? { unread: unreadBoundary(record.unread) }
    : {
        boundaryArn: ('role' in record ? record.role : record.user).PermissionsBoundary
          ?.PermissionsBoundaryArn,
      };

const ARN_PARTS = /^arn:([^:]+):(?:iam|sts)::(\d{12}):/;

/** The facts the fallback evaluator decides the requests with. */
export function requestFacts(
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
    subnets: network ? (network.described?.subnets ?? network.subnetIds.map(inVpc)) : null,
    securityGroups: network
      ? (network.described?.securityGroups ?? network.securityGroupIds.map(inVpc))
      : null,
  };
}

export const SCP_NOTE = 'service control policies are not visible this way, so an SCP may still deny.';

/** What the role check needs to read the network's subnets and groups with this EC2 client. */
export function networkReader(ec2: () => Promise<EC2Client>) {
  return async (network: NetworkScope): Promise<NonNullable<NetworkScope['described']>> => {
    const { describeSubnetsAndGroups } = await import('../services/network.js');
    const { subnets, securityGroups } = await describeSubnetsAndGroups(
      await ec2(),
      network.subnetIds,
      network.securityGroupIds,
    );
    const fact = (
      id: string | undefined,
      vpcId: string | undefined,
      ownerId: string | undefined,
      tags: Array<{ Key?: string; Value?: string }> | undefined,
    ) => ({
      id: id ?? '',
      ...(vpcId ? { vpcId } : {}),
      ...(ownerId ? { ownerId } : {}),
      tags: tagsOf(tags),
    });
    return {
      subnets: subnets.map((s) => fact(s.SubnetId, s.VpcId, s.OwnerId, s.Tags)),
      securityGroups: securityGroups.map((g) => fact(g.GroupId, g.VpcId, g.OwnerId, g.Tags)),
    };
  };
}
