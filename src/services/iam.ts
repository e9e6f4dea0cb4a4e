// Thin IAM, STS and EC2 calls for the permission checks. Clients are passed in; nothing prints.
import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  AttachRolePolicyCommand,
  type ContextEntry,
  type EvaluationResult,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListRolePolicies,
  paginateListUserPolicies,
  paginateSimulatePrincipalPolicy,
  type Role,
  type User,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { type NamedPolicy, parsePolicyDocument } from '../core/policy-eval.js';

export async function simulatePrincipal(
  iam: IAMClient,
  principalArn: string,
  actions: readonly string[],
  options: { resourceArns?: string[] | undefined; context?: ContextEntry[] } = {},
): Promise<EvaluationResult[]> {
  const results: EvaluationResult[] = [];
  const pages = paginateSimulatePrincipalPolicy(
    { client: iam },
    {
      PolicySourceArn: principalArn,
      ActionNames: [...actions],
      ...(options.resourceArns ? { ResourceArns: options.resourceArns } : {}),
      ...(options.context && options.context.length > 0 ? { ContextEntries: options.context } : {}),
    },
  );
  for await (const page of pages) results.push(...(page.EvaluationResults ?? []));
  return results;
}

export async function getRole(iam: IAMClient, roleName: string): Promise<Role> {
  const out = await iam.send(new GetRoleCommand({ RoleName: roleName }));
  if (!out.Role) throw new Error(`IAM returned no role for ${roleName}.`);
  return out.Role;
}

export async function getUser(iam: IAMClient, userName: string): Promise<User> {
  const out = await iam.send(new GetUserCommand({ UserName: userName }));
  if (!out.User) throw new Error(`IAM returned no user for ${userName}.`);
  return out.User;
}

/** A managed policy's name and default version (iam:GetPolicy). */
export async function getManagedPolicy(
  iam: IAMClient,
  policyArn: string,
): Promise<{ name: string; defaultVersionId: string | undefined }> {
  const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
  return {
    name: Policy?.PolicyName ?? policyArn.split('/').pop() ?? policyArn,
    defaultVersionId: Policy?.DefaultVersionId,
  };
}

/** One version of a managed policy, decoded (IAM sends documents URL-encoded; the SDK leaves them so). */
export async function getManagedPolicyVersion(
  iam: IAMClient,
  policyArn: string,
  name: string,
  versionId: string | undefined,
): Promise<NamedPolicy> {
  const { PolicyVersion } = await iam.send(
    new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }),
  );
  return {
    name,
    arn: policyArn,
    kind: 'managed',
    document: parsePolicyDocument(PolicyVersion?.Document ?? '', name),
  };
}

/** Whose policies are read: the same three calls exist for roles, users and groups. */
export interface PolicyHolder {
  kind: 'role' | 'user' | 'group';
  name: string;
}

const HOLDER_WORD = { role: 'Role', user: 'User', group: 'Group' } as const;

/** The IAM action of each read, as a failure names it: iam:ListAttachedRolePolicies and the like. */
export const policyReadAction = (
  holder: PolicyHolder,
  read: 'listAttached' | 'listInline' | 'getInline',
): string => {
  const word = HOLDER_WORD[holder.kind];
  if (read === 'listAttached') return `iam:ListAttached${word}Policies`;
  if (read === 'listInline') return `iam:List${word}Policies`;
  return `iam:Get${word}Policy`;
};

/** The ARNs of the managed policies attached to a role, user or group. */
export async function listAttachedPolicyArns(iam: IAMClient, holder: PolicyHolder): Promise<string[]> {
  const client = { client: iam };
  const pages =
    holder.kind === 'role'
      ? paginateListAttachedRolePolicies(client, { RoleName: holder.name })
      : holder.kind === 'user'
        ? paginateListAttachedUserPolicies(client, { UserName: holder.name })
        : paginateListAttachedGroupPolicies(client, { GroupName: holder.name });
  const arns: string[] = [];
  for await (const page of pages)
    for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
  return arns;
}

/** The names of the inline policies of a role, user or group. */
export async function listInlinePolicyNames(iam: IAMClient, holder: PolicyHolder): Promise<string[]> {
  const client = { client: iam };
  const pages =
    holder.kind === 'role'
      ? paginateListRolePolicies(client, { RoleName: holder.name })
      : holder.kind === 'user'
        ? paginateListUserPolicies(client, { UserName: holder.name })
        : paginateListGroupPolicies(client, { GroupName: holder.name });
  const names: string[] = [];
  for await (const page of pages) names.push(...(page.PolicyNames ?? []));
  return names;
}

/** One inline policy of a role, user or group, decoded. */
export async function getInlinePolicy(
  iam: IAMClient,
  holder: PolicyHolder,
  policyName: string,
): Promise<NamedPolicy> {
  const out =
    holder.kind === 'role'
      ? await iam.send(new GetRolePolicyCommand({ RoleName: holder.name, PolicyName: policyName }))
      : holder.kind === 'user'
        ? await iam.send(new GetUserPolicyCommand({ UserName: holder.name, PolicyName: policyName }))
        : await iam.send(new GetGroupPolicyCommand({ GroupName: holder.name, PolicyName: policyName }));
  return {
    name: policyName,
    kind: 'inline',
    document: parsePolicyDocument(out.PolicyDocument ?? '', policyName),
  };
}

/** The names of the groups a user is in. */
export async function listGroupsForUser(iam: IAMClient, userName: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListGroupsForUser({ client: iam }, { UserName: userName }))
    for (const g of page.Groups ?? []) if (g.GroupName) names.push(g.GroupName);
  return names;
}

export async function callerArn(sts: STSClient): Promise<string> {
  const out = await sts.send(new GetCallerIdentityCommand({}));
  if (!out.Arn) throw new Error('STS returned no caller ARN.');
  return out.Arn;
}

export type ProbeAnswer = { allowed: true } | { allowed: false } | { error: unknown };

const DRY_RUN_COMMANDS = {
  'ec2:DescribeSecurityGroups': () => new DescribeSecurityGroupsCommand({ DryRun: true }),
  'ec2:DescribeSubnets': () => new DescribeSubnetsCommand({ DryRun: true }),
  'ec2:DescribeVpcs': () => new DescribeVpcsCommand({ DryRun: true }),
} as const;
export type ProbedAction = keyof typeof DRY_RUN_COMMANDS;

/**
 * Asks EC2 itself, with DryRun: it evaluates the caller's real permissions, SCPs included,
 * and answers with an error either way.
 */
export async function dryRunProbe(ec2: EC2Client, action: ProbedAction): Promise<ProbeAnswer> {
  try {
    // The union of command types does not narrow for send(); each is a valid EC2 command.
    await ec2.send(DRY_RUN_COMMANDS[action]() as DescribeVpcsCommand);
    return { allowed: true };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'DryRunOperation') return { allowed: true };
    if (name === 'UnauthorizedOperation') return { allowed: false };
    return { error };
  }
}

/** A real DescribeSubnets: proves the permission like a DryRun would, and yields the VPC for the context keys. */
export async function describeSubnetVpcs(ec2: EC2Client, subnetIds: string[]): Promise<string[]> {
  const out = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }));
  return [...new Set((out.Subnets ?? []).map((s) => s.VpcId).filter((v): v is string => Boolean(v)))];
}

export async function attachRolePolicy(iam: IAMClient, roleName: string, policyArn: string): Promise<void> {
  await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
}
