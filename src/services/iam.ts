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
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateSimulatePrincipalPolicy,
  type Role,
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

/** A managed policy's default version, decoded (IAM sends documents URL-encoded; the SDK leaves them so). */
export async function readManagedPolicy(iam: IAMClient, policyArn: string): Promise<NamedPolicy> {
  const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
  const name = Policy?.PolicyName ?? policyArn.split('/').pop() ?? policyArn;
  const { PolicyVersion } = await iam.send(
    new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: Policy?.DefaultVersionId }),
  );
  return {
    name,
    arn: policyArn,
    kind: 'managed',
    document: parsePolicyDocument(PolicyVersion?.Document ?? '', name),
  };
}

/** The role's attached managed policies and inline policies: its identity policies. */
export async function readRolePolicies(iam: IAMClient, roleName: string): Promise<NamedPolicy[]> {
  const attached: string[] = [];
  for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }))
    for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) attached.push(p.PolicyArn);
  const inline: string[] = [];
  for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName }))
    inline.push(...(page.PolicyNames ?? []));

  const policies: NamedPolicy[] = [];
  for (const arn of attached) policies.push(await readManagedPolicy(iam, arn));
  for (const name of inline) {
    const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
    policies.push({ name, kind: 'inline', document: parsePolicyDocument(out.PolicyDocument ?? '', name) });
  }
  return policies;
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
