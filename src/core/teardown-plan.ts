import {
  assessEni,
  DEFAULT_ENI_WAIT_MS,
  deleteEniCommand,
  type EniJson,
  eniJson,
  type FunctionVersionNetwork,
  isLambdaEni,
  isPublished,
  LAMBDA_ENI_RELEASE_MS,
  type NetworkInterfaceInfo,
} from './enis.js';
import { isInVpc } from './plan.js';
import type { ErrorJson } from './result.js';
import { uniq } from './sets.js';
import { partitionOf } from './validate.js';

/**
 * How to take apart a subnet, security group or VPC that Lambda's network interfaces use, in
 * the only order that neither fails nor strands an interface: take the functions out, delete
 * (or re-point the aliases of) the published versions, which keep their VpcConfig forever, wait
 * for Lambda to delete its interfaces, delete the subnet or group, and only then take the EC2
 * permissions away from the execution roles (Lambda needs them to delete the interfaces).
 * Pure: the reads come in, the plan goes out; nothing here deletes anything.
 */

export type TeardownScopeKind = 'subnet' | 'securityGroup' | 'vpc';

export interface TeardownScope {
  kind: TeardownScopeKind;
  ids: string[];
}

/** An alias of a function, and the versions it sends traffic to. */
export interface AliasInfo {
  name: string;
  functionVersion: string;
  /** Versions given a share of the traffic by the alias's routing configuration. */
  weightedVersions: string[];
}

/** A read that decides part of the plan: what it returned, or the call that failed and why. */
export type Read<T> = { ok: true; value: T } | { ok: false; call: string; error: ErrorJson };

export interface TeardownFacts {
  region: string;
  scope: TeardownScope;
  now: number;
  /** How to write a lambda-vpc command the user can paste ("lambda-vpc --region eu-west-1"). */
  cliPrefix: string;
  /** Every network interface in the scope, Lambda's and other services'. */
  interfaces: Read<NetworkInterfaceInfo[]>;
  /** Every function and published version of the region (ListFunctions, FunctionVersion=ALL). */
  versions: Read<FunctionVersionNetwork[]>;
  /** The aliases of each function with published versions in the scope, when they were listed. */
  aliases: ReadonlyMap<string, Read<AliasInfo[]>>;
  /** Why the aliases were not listed at all (too many functions), or null. */
  aliasesSkipped: string | null;
}

export interface LatestUse {
  function: string;
  role: string | null;
  subnetIds: string[];
  securityGroupIds: string[];
}

export interface PublishedUse {
  function: string;
  version: string;
  role: string | null;
  /** Aliases sending traffic to this version; null when they could not be listed. */
  aliases: string[] | null;
}

export interface OtherInterface {
  id: string;
  subnetId: string;
  status: string | null;
  interfaceType: string | null;
  description: string;
}

export interface RoleUse {
  role: string;
  /** Functions and versions in the scope that run with it. */
  usedBy: string[];
  /** Functions and versions outside the scope, still in a VPC, that run with it: they need its EC2 permissions. */
  stillNeededBy: string[];
}

export type TeardownAction =
  | 'detach-latest'
  | 'remove-published-versions'
  | 'wait-for-interfaces'
  | 'delete-leftover-interfaces'
  | 'delete-network'
  | 'remove-role-permissions';

export interface TeardownStep {
  number: number;
  action: TeardownAction;
  /** Who does it: lambda-vpc, or you with the commands given. */
  by: 'lambda-vpc' | 'you';
  /** unknown: a read it depends on failed, so whether it is needed is not known. */
  status: 'to-do' | 'nothing-to-do' | 'unknown';
  summary: string;
  commands: string[];
  notes: string[];
}

/**
 * now: nothing uses it, proved by every read. after-steps: Lambda's users and interfaces are in
 * the way, and the steps remove them. blocked: other services' interfaces are in it too, which
 * these steps do not remove. unknown: a read that decides it failed.
 */
export type Deletable = 'now' | 'after-steps' | 'blocked' | 'unknown';

type Section<T> = ({ checked: true } & T) | { checked: false; skippedReason: string };

/** The plan, as printed in the JSON document under `teardown` (docs/teardown.md). */
export interface TeardownReport {
  region: string;
  scope: TeardownScope;
  /** Every read that decides the plan succeeded. */
  complete: boolean;
  /** The reads that failed, each naming its call: the parts of the plan they leave unknown. */
  unknown: Array<{ part: 'interfaces' | 'functions' | 'aliases'; call: string; error: ErrorJson }>;
  deletable: Deletable;
  functions: Section<{ latest: LatestUse[]; published: PublishedUse[] }>;
  interfaces: Section<{ lambda: EniJson[]; other: OtherInterface[] }>;
  roles: Section<{ items: RoleUse[] }>;
  steps: TeardownStep[];
}

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

const label = (v: { functionName: string; version: string }) => `${v.functionName}:${v.version}`;

/** The role's name, the last part of its ARN (a role may have a path: role/service/name). */
export const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export function planTeardown(facts: TeardownFacts): TeardownReport {
  const { scope, region } = facts;
  const unknown: TeardownReport['unknown'] = [];
  if (!facts.interfaces.ok)
    unknown.push({ part: 'interfaces', call: facts.interfaces.call, error: facts.interfaces.error });
  if (!facts.versions.ok)
    unknown.push({ part: 'functions', call: facts.versions.call, error: facts.versions.error });
  for (const read of facts.aliases.values())
    if (!read.ok && !unknown.some((u) => u.part === 'aliases'))
      unknown.push({ part: 'aliases', call: read.call, error: read.error });

  const versions = facts.versions.ok ? facts.versions.value : null;
  const users = versions?.filter((v) => usesScope(v, scope)) ?? null;
  const latest = users?.filter((v) => !isPublished(v)) ?? null;
  const published = users?.filter(isPublished) ?? null;

  const assessed = facts.interfaces.ok
    ? facts.interfaces.value.map((e) => assessEni(e, versions ?? [], { now: facts.now, region }))
    : null;
  const lambdaEnis = assessed?.filter((a) => isLambdaEni(a.eni)) ?? null;
  const otherEnis = facts.interfaces.ok ? facts.interfaces.value.filter((e) => !isLambdaEni(e)) : null;

  const context: StepContext = { facts, latest, published, lambdaEnis, otherEnis, versions };
  const steps = [
    detachStep(context),
    versionsStep(context),
    waitStep(context),
    leftoversStep(context),
    deleteNetworkStep(context),
    rolesStep(context),
  ].map((s, i) => ({ number: i + 1, ...s }));

  const deletable: Deletable =
    !facts.interfaces.ok || !facts.versions.ok
      ? 'unknown'
      : (otherEnis?.length ?? 0) > 0
        ? 'blocked'
        : (users?.length ?? 0) > 0 || (lambdaEnis?.length ?? 0) > 0
          ? 'after-steps'
          : 'now';

  return {
    region,
    scope: { kind: scope.kind, ids: [...scope.ids] },
    // Aliases only say what to re-point first; the plan's verdicts do not rest on them.
    complete: facts.interfaces.ok && facts.versions.ok,
    unknown,
    deletable,
    functions:
      latest && published
        ? {
            checked: true,
            latest: latest.map((v) => ({
              function: v.functionName,
              role: v.role ?? null,
              subnetIds: [...v.subnetIds],
              securityGroupIds: [...v.securityGroupIds],
            })),
            published: published.map((v) => ({
              function: v.functionName,
              version: v.version,
              role: v.role ?? null,
              aliases: aliasesOf(facts, v),
            })),
          }
        : notRead(facts.versions),
    interfaces:
      lambdaEnis && otherEnis
        ? {
            checked: true,
            lambda: lambdaEnis.map(eniJson),
            other: otherEnis.map((e) => ({
              id: e.id,
              subnetId: e.subnetId,
              status: e.status,
              interfaceType: e.interfaceType,
              description: e.description,
            })),
          }
        : notRead(facts.interfaces),
    roles:
      users && versions
        ? { checked: true, items: roleUses(users, versions, scope) }
        : notRead(facts.versions),
    steps,
  };
}

const notRead = (read: Read<unknown>) => ({
  checked: false as const,
  skippedReason: read.ok ? 'not read' : `${read.call} failed: ${read.error.message}`,
});

function aliasesOf(facts: TeardownFacts, v: FunctionVersionNetwork): string[] | null {
  const read = facts.aliases.get(v.functionName);
  if (!read?.ok) return null;
  return read.value
    .filter((a) => a.functionVersion === v.version || a.weightedVersions.includes(v.version))
    .map((a) => a.name);
}

function roleUses(
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

interface StepContext {
  facts: TeardownFacts;
  latest: FunctionVersionNetwork[] | null;
  published: FunctionVersionNetwork[] | null;
  lambdaEnis: ReturnType<typeof assessEni>[] | null;
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
      'detach --wait-enis (step 1) waits for them; run this plan again to see what is left.',
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
