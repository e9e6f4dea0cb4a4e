import {
  assessEni,
  type EniJson,
  eniJson,
  type FunctionVersionNetwork,
  isLambdaEni,
  isPublished,
  type NetworkInterfaceInfo,
} from './enis.js';
import type { ErrorJson } from './result.js';
import { aliasesOf, planSteps, roleUses, usesScope } from './teardown-steps.js';

export { roleName, usesScope } from './teardown-steps.js';

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

  const steps = planSteps({ facts, latest, published, lambdaEnis, otherEnis, versions });

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
