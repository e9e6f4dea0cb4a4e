import {
  DEFAULT_ENI_WAIT_MS,
  deleteEniCommand,
  type EniAssessment,
  type FunctionVersionNetwork,
  LAMBDA_ENI_RELEASE_MS,
  versionLabel as label,
  type NetworkInterfaceInfo,
} from './enis.js';
import { isInVpc } from './plan.js';
import { uniq } from './sets.js';
import type {
  RoleUse,
  TeardownFacts,
  TeardownScope,
  TeardownScopeKind,
  TeardownStep,
} from './teardown-plan.js';
import { partitionOf } from './validate.js';

// The six steps of a teardown plan, each from what was read (teardown-plan.ts has the why).

const FLAG: Record<TeardownScopeKind, string> = { subnet: '--subnet', securityGroup: '--sg', vpc: '--vpc' };
const NOUN: Record<TeardownScopeKind, string> = {
  subnet: 'subnet',
  securityGroup: 'security group',
  vpc: 'VPC',
};

/** Whether a function version's network touches the scope. */
export function usesScope(v: FunctionVersionNetwork, scope: TeardownScope): boolean {
  if (!isInVpc(v)) return false;
  const ids = new Set(scope.ids);
  if (scope.kind === 'subnet') return v.subnetIds.some((id) => ids.has(id));
  if (scope.kind === 'securityGroup') return v.securityGroupIds.some((id) => ids.has(id));
  return v.vpcId !== undefined && ids.has(v.vpcId);
}

/** The role's name, the last part of its ARN (a role may have a path: role/service/name). */
export const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export function aliasesOf(facts: TeardownFacts, v: FunctionVersionNetwork): string[] | null {
  const read = facts.aliases.get(v.functionName);
  if (!read?.ok) return null;
  return read.value
    .filter((a) => a.functionVersion === v.version || a.weightedVersions.includes(v.version))
    .map((a) => a.name);
}

export function roleUses(
  users: readonly FunctionVersionNetwork[],
  versions: readonly FunctionVersionNetwork[],
  scope: TeardownScope,
): RoleUse[] {
  const roles = uniq(users.flatMap((v) => (v.role ? [v.role] : [])));
  return roles.map((role) => ({
    role,
    usedBy: users.filter((v) => v.role === role).map(label),
    stillNeededBy: versions.filter((v) => v.role === role && isInVpc(v) && !usesScope(v, scope)).map(label),
  }));
}

/** The six steps, always all of them and in this order: numbering a user can rely on. */
export function planSteps(context: StepContext): TeardownStep[] {
  return [
    detachStep(context),
    versionsStep(context),
    waitStep(context),
    leftoversStep(context),
    deleteNetworkStep(context),
    rolesStep(context),
  ].map((s, i) => ({ number: i + 1, ...s }));
}

export interface StepContext {
  facts: TeardownFacts;
  latest: FunctionVersionNetwork[] | null;
  published: FunctionVersionNetwork[] | null;
  lambdaEnis: EniAssessment[] | null;
  otherEnis: NetworkInterfaceInfo[] | null;
  versions: FunctionVersionNetwork[] | null;
}

type StepDraft = Omit<TeardownStep, 'number'>;

const functionsUnknown = (facts: TeardownFacts): string =>
  facts.versions.ok
    ? ''
    : `${facts.versions.call} failed (${facts.versions.error.code}): who uses it is unknown.`;

const interfacesUnknown = (facts: TeardownFacts): string =>
  facts.interfaces.ok
    ? ''
    : `${facts.interfaces.call} failed (${facts.interfaces.error.code}): which interfaces are in it is unknown.`;

function detachStep({ facts, latest }: StepContext): StepDraft {
  const base = { action: 'detach-latest' as const, by: 'lambda-vpc' as const };
  if (!latest)
    return { ...base, status: 'unknown', summary: functionsUnknown(facts), commands: [], notes: [] };
  if (latest.length === 0)
    return {
      ...base,
      status: 'nothing-to-do',
      summary: 'No function ($LATEST) uses it.',
      commands: [],
      notes: [],
    };
  const names = latest.map((v) => v.functionName);
  const notes = latest.flatMap((v) => {
    const kept = keptNetwork(v, facts.scope);
    return kept
      ? [
          `To keep ${v.functionName} in the VPC instead, move it off: ${facts.cliPrefix} attach ${v.functionName} --subnets ${kept.subnetIds.join(',')} --sg ${kept.securityGroupIds.join(',')}`,
        ]
      : [];
  });
  return {
    ...base,
    status: 'to-do',
    summary: `Detach $LATEST of ${plural(names.length, 'function')}: ${names.join(', ')}. --wait-enis then waits for the interfaces (step 3).`,
    commands: [`${facts.cliPrefix} detach ${names.join(' ')} --wait-enis`],
    notes,
  };
}

/** The function's network without the scope's subnets or groups, when something is left to attach to. */
function keptNetwork(
  v: FunctionVersionNetwork,
  scope: TeardownScope,
): { subnetIds: string[]; securityGroupIds: string[] } | null {
  const out = new Set(scope.ids);
  if (scope.kind === 'vpc') return null;
  const subnetIds = scope.kind === 'subnet' ? v.subnetIds.filter((id) => !out.has(id)) : v.subnetIds;
  const securityGroupIds =
    scope.kind === 'securityGroup' ? v.securityGroupIds.filter((id) => !out.has(id)) : v.securityGroupIds;
  return subnetIds.length > 0 && securityGroupIds.length > 0 ? { subnetIds, securityGroupIds } : null;
}

function versionsStep({ facts, published }: StepContext): StepDraft {
  const base = { action: 'remove-published-versions' as const, by: 'you' as const };
  const immutable =
    'Published versions are immutable: they keep this VpcConfig, and its interfaces, until they are deleted. lambda-vpc never deletes one.';
  if (!published)
    return { ...base, status: 'unknown', summary: functionsUnknown(facts), commands: [], notes: [immutable] };
  if (published.length === 0)
    return {
      ...base,
      status: 'nothing-to-do',
      summary: 'No published version uses it.',
      commands: [],
      notes: [],
    };
  const r = facts.region;
  const commands: string[] = [];
  const notes = [immutable];
  for (const v of published) {
    const aliases = aliasesOf(facts, v) ?? [];
    for (const alias of aliases)
      commands.push(
        `aws lambda update-alias --function-name ${v.functionName} --name ${alias} --function-version <a version outside it> --routing-config '{}' --region ${r}`,
      );
    commands.push(
      `aws lambda delete-function --function-name ${v.functionName} --qualifier ${v.version} --region ${r}`,
    );
  }
  const unlisted = uniq(published.filter((v) => aliasesOf(facts, v) === null).map((v) => v.functionName));
  if (unlisted.length > 0) {
    const why = facts.aliasesSkipped ?? 'lambda:ListAliases failed';
    notes.push(
      `Aliases of ${unlisted.join(', ')} not listed (${why}): a version an alias points at cannot be deleted; see them with aws lambda list-aliases --function-name FN --region ${r}.`,
    );
  }
  if (unlisted.length > 0 || published.some((v) => (aliasesOf(facts, v) ?? []).length > 0))
    notes.push(
      'An alias must point somewhere else before its version can be deleted: publish a version after step 1 (aws lambda publish-version) and point the alias at it, or delete the alias (aws lambda delete-alias).',
    );
  return {
    ...base,
    status: 'to-do',
    summary: `Delete ${plural(published.length, 'published version')}: ${published.map(label).join(', ')}.`,
    commands,
    notes,
  };
}

const minutes = (ms: number) => `${ms / 60_000} minutes`;

function waitStep({ facts, latest, published, lambdaEnis }: StepContext): StepDraft {
  const base = { action: 'wait-for-interfaces' as const, by: 'lambda-vpc' as const };
  const recheck = `${facts.cliPrefix} teardown ${FLAG[facts.scope.kind]} ${facts.scope.ids.join(',')}`;
  if (!lambdaEnis)
    return { ...base, status: 'unknown', summary: interfacesUnknown(facts), commands: [recheck], notes: [] };
  const awaited = lambdaEnis.filter((a) => a.verdict === 'in-use' || a.verdict === 'unused');
  if (awaited.length === 0 && latest?.length === 0 && published?.length === 0)
    return {
      ...base,
      status: 'nothing-to-do',
      summary: 'No Lambda network interface to wait for.',
      commands: [],
      notes: [],
    };
  if (awaited.length === 0)
    return {
      ...base,
      status: latest && published ? 'nothing-to-do' : 'unknown',
      summary:
        latest && published
          ? 'No Lambda network interface there now (an idle function may have lost them); none to wait for once the steps above are done.'
          : 'No Lambda network interface there now; whether one is created before the steps above is unknown.',
      commands: [recheck],
      notes: [],
    };
  return {
    ...base,
    status: 'to-do',
    summary: `Wait for Lambda to delete ${plural(awaited.length, 'network interface')}: ${awaited.map((a) => a.eni.id).join(', ')}. It does within about ${minutes(LAMBDA_ENI_RELEASE_MS)} of the last function or version leaving (up to ${minutes(DEFAULT_ENI_WAIT_MS)}).`,
    commands: [recheck],
    notes: [
      (latest?.length ?? 0) > 0
        ? 'detach --wait-enis (step 1) waits for them; run this plan again to see what is left.'
        : 'Run this plan again to see what is left.',
      'Keep the execution roles’ EC2 permissions until then (step 6): without them Lambda cannot delete the interfaces.',
    ],
  };
}

function leftoversStep({ facts, lambdaEnis, versions }: StepContext): StepDraft {
  const base = { action: 'delete-leftover-interfaces' as const, by: 'you' as const };
  if (!lambdaEnis || !versions)
    return {
      ...base,
      status: 'unknown',
      summary: interfacesUnknown(facts) || functionsUnknown(facts),
      commands: [],
      notes: [
        'An interface is called left over only when every function and version was read: none is named here.',
      ],
    };
  const unused = lambdaEnis.filter((a) => a.usedBy.length === 0);
  if (unused.length === 0)
    return {
      ...base,
      status: 'nothing-to-do',
      summary: 'No left-over Lambda interface: each one is used by a function or version found.',
      commands: [],
      notes: [],
    };
  const deletable = unused.filter((a) => a.eni.status === 'available');
  const attached = unused.filter((a) => a.eni.status !== 'available');
  const notes: string[] = [];
  const young = deletable.filter((a) => a.verdict === 'unused');
  if (young.length > 0)
    notes.push(
      `${young.map((a) => a.eni.id).join(', ')}: less than ${minutes(LAMBDA_ENI_RELEASE_MS)} old, Lambda may still delete ${young.length === 1 ? 'it' : 'them'}: delete by hand only if still there after that.`,
    );
  if (attached.length > 0)
    notes.push(
      `${attached.map((a) => `${a.eni.id} (${a.eni.status ?? 'status unknown'})`).join(', ')}: no function or version uses ${attached.length === 1 ? 'it' : 'them'}, but EC2 does not show ${attached.length === 1 ? 'it' : 'them'} available yet: wait (step 3); it cannot be deleted while in use.`,
    );
  return {
    ...base,
    status: 'to-do',
    summary: `${plural(unused.length, 'Lambda interface')} no function or version found uses (left over, or of a deleted function): ${unused.map((a) => a.eni.id).join(', ')}.`,
    commands: deletable.map((a) => deleteEniCommand(a.eni.id, facts.region)),
    notes,
  };
}

function deleteNetworkStep({ facts, otherEnis, lambdaEnis, latest, published }: StepContext): StepDraft {
  const { scope, region } = facts;
  const base = { action: 'delete-network' as const, by: 'you' as const };
  const command = (id: string) =>
    scope.kind === 'subnet'
      ? `aws ec2 delete-subnet --subnet-id ${id} --region ${region}`
      : scope.kind === 'securityGroup'
        ? `aws ec2 delete-security-group --group-id ${id} --region ${region}`
        : `aws ec2 delete-vpc --vpc-id ${id} --region ${region}`;
  const notes: string[] = [];
  if (scope.kind === 'securityGroup')
    notes.push(
      `A group another group's rules refer to cannot be deleted (DependencyViolation): find those with aws ec2 describe-security-groups --filters Name=ip-permission.group-id,Values=${scope.ids.join(',')} and Name=egress.ip-permission.group-id,Values=${scope.ids.join(',')} --region ${region}, and revoke the rules first.`,
    );
  if (scope.kind === 'vpc')
    notes.push(
      "A VPC is deleted last: its subnets, security groups (but the default), gateways, endpoints and route tables first, each with the same care for Lambda's interfaces.",
    );
  if (otherEnis && otherEnis.length > 0)
    notes.push(
      `${plural(otherEnis.length, 'network interface')} of other services also block it, which these steps do not remove: ${otherEnis.map((e) => `${e.id} (${e.interfaceType ?? 'interface'}${e.description ? `: ${e.description}` : ''})`).join(', ')}.`,
    );
  const unknownWhy = [interfacesUnknown(facts), functionsUnknown(facts)].filter(Boolean);
  const lambdaInTheWay = (lambdaEnis?.length ?? 0) + (latest?.length ?? 0) + (published?.length ?? 0);
  const summary =
    unknownWhy.length > 0
      ? `Not proved safe: ${unknownWhy.join(' ')}`
      : otherEnis && otherEnis.length > 0
        ? `Blocked by other services' interfaces (below) even after the steps above.`
        : lambdaInTheWay > 0
          ? `Safe to delete the ${NOUN[scope.kind]} once the steps above are done, not before: a delete while Lambda's interfaces are there fails or hangs.`
          : `Nothing of Lambda's or other services' uses it: safe to delete the ${NOUN[scope.kind]} now.`;
  return {
    ...base,
    status: unknownWhy.length > 0 ? 'unknown' : 'to-do',
    summary,
    commands: scope.ids.map(command),
    notes,
  };
}

function rolesStep({ facts, latest, published, versions }: StepContext): StepDraft {
  const base = { action: 'remove-role-permissions' as const, by: 'you' as const };
  if (!latest || !published || !versions)
    return { ...base, status: 'unknown', summary: functionsUnknown(facts), commands: [], notes: [] };
  const uses = roleUses([...latest, ...published], versions, facts.scope);
  if (uses.length === 0)
    return {
      ...base,
      status: 'nothing-to-do',
      summary: 'No execution role to change: no function or version uses it.',
      commands: [],
      notes: [],
    };
  const free = uses.filter((u) => u.stillNeededBy.length === 0);
  const kept = uses.filter((u) => u.stillNeededBy.length > 0);
  const partition = partitionOf(facts.region);
  const notes = [
    'Only after step 3: a role that loses its EC2 permissions before Lambda deleted the interfaces strands them (they must then be deleted by hand).',
    'The command assumes the permissions come from the managed policy AWSLambdaVPCAccessExecutionRole; otherwise remove ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface and ec2:DescribeSubnets from the policy that grants them (lambda-vpc check-perms FN shows which).',
    ...kept.map(
      (u) =>
        `Keep them on ${roleName(u.role)}: ${u.stillNeededBy.join(', ')} ${u.stillNeededBy.length === 1 ? 'is' : 'are'} still in a VPC with it.`,
    ),
  ];
  return {
    ...base,
    status: free.length > 0 ? 'to-do' : 'nothing-to-do',
    summary:
      free.length > 0
        ? `Then remove the EC2 permissions from ${plural(free.length, 'execution role')}: ${free.map((u) => roleName(u.role)).join(', ')}.`
        : 'Every role used here is still needed by functions in a VPC elsewhere: keep their EC2 permissions.',
    commands: free.map(
      (u) =>
        `aws iam detach-role-policy --role-name ${roleName(u.role)} --policy-arn arn:${partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
    ),
    notes,
  };
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
