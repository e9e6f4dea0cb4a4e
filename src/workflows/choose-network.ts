import type { SecurityGroup, Vpc } from '@aws-sdk/client-ec2';
import { lambdaCombinations } from '../core/eni-combos.js';
import type { NetworkInterfaceInfo } from '../core/enis.js';
import {
  type ChosenBy,
  type CreatedGroup,
  chooseSubnets,
  NetworkChoiceRefused,
  type NetworkChoiceReport,
  type SubnetCandidate,
} from '../core/network-choice.js';
import type { DesiredVpc } from '../core/plan.js';
import { summarizeEgress } from '../core/reachability/analyze.js';
import {
  labelOf,
  nameTag,
  type ResourceList,
  resolveList,
  type Selector,
  selectorFilter,
  type VpcSelector,
} from '../core/selectors.js';
import type { Target } from '../core/validate.js';
import { CliError, isAccessDenied, toCliError, usageError } from '../errors.js';
import { renderChoice } from '../output/render-choice.js';
import type { NetworkFacts } from '../services/network.js';
import type { RunDeps } from './deps.js';
import { pathInput as pathInputOf } from './network-lookup.js';

/** How attach was told to find the network: flags parsed, before any AWS call. */
export interface NetworkChoiceRequest {
  /** --vpc as typed, parsed. */
  vpc?: { raw: string; selector: VpcSelector } | undefined;
  /** --like FN: the function whose VpcConfig to copy. */
  like?: string | undefined;
  subnets?: ResourceList | undefined;
  securityGroups?: ResourceList | undefined;
  /** --create-sg NAME */
  createSecurityGroup?: string | undefined;
  /** --ipv6-dual-stack was given. */
  ipv6: boolean;
  /** false with --no-internet. */
  requireInternet: boolean;
  /** --needs */
  needs: string[];
}

export interface NetworkChosen {
  desired: DesiredVpc;
  report: NetworkChoiceReport;
  /** The VPC's reads, for the network check and the interface budget not to make them again. */
  prefetched: { facts?: NetworkFacts; interfaces?: readonly NetworkInterfaceInfo[] };
}

/** Tags on a group --create-sg makes: its Name (so name: finds it again) and who made it. */
const createdTags = (name: string) => ({
  Name: name,
  'lambda-vpc:created-by': 'lambda-vpc attach --create-sg',
});

/**
 * Turns --vpc, --like, the selectors and --create-sg into the VpcConfig to write, with the reads
 * and reasons behind it. `write`: false for --dry-run and --emit, which plan the group instead of
 * creating it. A choice that cannot be made is a CliError before any write.
 */
export async function chooseNetwork(
  deps: RunDeps,
  request: NetworkChoiceRequest,
  scope: { targets: readonly Target[]; write: boolean; writeSignal?: AbortSignal | undefined },
): Promise<NetworkChosen> {
  const region = await deps.aws.regionFor(scope.targets);
  const opts = deps.signal ? { abortSignal: deps.signal } : {};
  const like = request.like ? await readLike(deps, request.like, region) : undefined;
  const { describeNetwork, Ec2ReadDenied } = await import('../services/network.js');
  const { describeNetworkInterfaces } = await import('../services/enis.js');
  const choice = await import('../services/network-choice.js');
  const ec2 = await deps.aws.ec2();
  try {
    const vpc = await findVpc(
      request,
      like?.vpcId,
      (filters) => choice.findVpcs(ec2, filters, opts),
      (filters) => choice.findSubnets(ec2, filters, opts),
    );
    const vpcId = vpc.VpcId ?? '';
    const [facts, interfaces] = await Promise.all([
      describeNetwork(ec2, {
        subnetIds: [],
        securityGroupIds: [],
        ipv6: request.ipv6 || Boolean(like?.ipv6 && !request.subnets),
        paths: {},
        wholeVpc: vpcId,
        knownVpcs: vpc.CidrBlock ? [vpc] : undefined,
        signal: deps.signal,
      }),
      describeNetworkInterfaces(ec2, { lambdaOnly: false, signal: deps.signal }).catch((error: unknown) => {
        if (isAccessDenied(error)) return undefined;
        throw error;
      }),
    ]);
    // --like copies the IPv6 setting with the subnets: other subnets given may not be dual-stack.
    const ipv6 = request.ipv6 || Boolean(like?.ipv6 && !request.subnets);
    const warnings: string[] = [];
    if (!interfaces)
      warnings.push(
        'Lambda network interfaces not read (no permission for ec2:DescribeNetworkInterfaces): no preference for subnets that already have one.',
      );

    // Groups first: their egress rules decide which subnets reach what. A group to create is
    // planned (its rules are known) and created only once everything else has been decided.
    const groups = chooseGroups(request, like, facts, vpcId);
    const asked = request.createSecurityGroup;
    const plan = asked ? plannedGroup(asked, vpcId, facts) : undefined;
    let groupIds = plan ? [plan.group.GroupId ?? ''] : groups.ids;
    if (plan) facts.securityGroups = [...facts.securityGroups.filter((g) => g !== plan.group), plan.group];

    const subnets = chooseSubnetIds(request, like, facts, vpcId, {
      region,
      groupIds,
      ipv6,
      interfaces,
    });
    warnings.push(...subnets.warnings);
    const desired: DesiredVpc = {
      subnetIds: subnets.ids,
      securityGroupIds: groupIds,
      ipv6AllowedForDualStack: ipv6,
    };
    const report: NetworkChoiceReport = {
      checked: true,
      asked: {
        vpc: request.vpc?.raw ?? null,
        like: request.like ?? null,
        subnets: request.subnets?.raw ?? null,
        securityGroups: request.securityGroups?.raw ?? null,
        createSecurityGroup: request.createSecurityGroup ?? null,
        internet: request.requireInternet,
        needs: request.needs,
      },
      vpc: { id: vpcId, name: nameTag(vpc.Tags) },
      subnets: { chosenBy: subnets.by, subnetIds: subnets.ids, candidates: subnets.candidates },
      securityGroups: {
        chosenBy: plan ? 'created' : groups.by,
        securityGroupIds: groupIds,
        groups: groupIds.map((id) => {
          const g = facts.securityGroups.find((x) => x.GroupId === id);
          return { id, name: g?.GroupName ?? null, egress: g ? summarizeEgress(g) : 'unknown' };
        }),
      },
      createdSecurityGroup: plan?.created ?? null,
      ipv6AllowedForDualStack: ipv6,
      warnings,
    };
    if (subnets.refused)
      throw new NetworkChoiceRefused(subnets.refused.message, subnets.refused.hint, report);
    if (asked && plan?.created.outcome === 'planned' && scope.write) {
      const outcome = await createGroup(asked, vpcId, {
        create: (signal) =>
          choice.createSecurityGroup(
            ec2,
            {
              vpcId,
              name: asked,
              description: 'Egress for Lambda functions, created by lambda-vpc',
              tags: createdTags(asked),
            },
            { abortSignal: signal },
          ),
        find: (filters) => choice.findGroups(ec2, filters, {}),
        signal: scope.writeSignal,
      });
      groupIds = [outcome.group.GroupId ?? ''];
      facts.securityGroups = [...facts.securityGroups.filter((g) => g !== plan.group), outcome.group];
      desired.securityGroupIds = groupIds;
      report.securityGroups = {
        ...report.securityGroups,
        securityGroupIds: groupIds,
        groups: [{ id: groupIds[0] ?? '', name: asked, egress: summarizeEgress(outcome.group) }],
      };
      report.createdSecurityGroup = outcome.created;
      if (deps.signal?.aborted) throw afterCreate(deps.signal.reason, outcome.created);
    }
    // The warnings go with the choice they explain; the network check that follows warns on its own.
    deps.reporter.note((c) => renderChoice(report, c));
    return { desired, report, prefetched: { facts, ...(interfaces ? { interfaces } : {}) } };
  } catch (error) {
    if (error instanceof Ec2ReadDenied)
      throw new CliError('AccessDenied', `Choosing the network: ${error.message}.`, {
        cause: error,
        hint: 'Grant the EC2 read actions in docs/permissions.md, or name the subnets and groups by ID with --skip-network-check. Nothing was written.',
      });
    throw toCliError(error, { region });
  }
}

interface LikeConfig {
  name: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupIds: string[];
  ipv6: boolean;
}

/** --like FN: its VpcConfig, from one GetFunction. */
async function readLike(deps: RunDeps, fn: string, region: string): Promise<LikeConfig> {
  const { readFunction } = await import('../services/lambda.js');
  const lambda = await deps.aws.lambda();
  let config: Awaited<ReturnType<typeof readFunction>>;
  try {
    config = await readFunction(lambda, fn, { signal: deps.signal });
  } catch (error) {
    const e = toCliError(error, { region });
    throw new CliError(e.code, `--like ${fn}: ${e.message}`, {
      cause: e,
      hint: e.hint,
      requestId: e.requestId,
    });
  }
  const vpc = config.VpcConfig;
  if (!vpc?.SubnetIds?.length || !vpc.VpcId)
    throw usageError(
      `--like ${fn}: that function is not in a VPC, so there is nothing to copy.`,
      'Pass --vpc to choose the network instead.',
    );
  return {
    name: config.FunctionName ?? fn,
    vpcId: vpc.VpcId,
    subnetIds: [...vpc.SubnetIds],
    securityGroupIds: [...(vpc.SecurityGroupIds ?? [])],
    ipv6: vpc.Ipv6AllowedForDualStack ?? false,
  };
}

type Find<T> = (filters: { Name: string; Values: string[] }[]) => Promise<T[]>;

/** The one VPC the flags name: --vpc, the --like function's, or that of the subnets named. */
async function findVpc(
  request: NetworkChoiceRequest,
  likeVpc: string | undefined,
  findVpcs: Find<Vpc>,
  findSubnets: Find<{ SubnetId?: string | undefined; VpcId?: string | undefined }>,
): Promise<Vpc> {
  const sel = request.vpc?.selector;
  if (sel?.kind === 'id' || (!sel && likeVpc)) {
    const id = sel?.kind === 'id' ? sel.id : (likeVpc ?? '');
    const [vpc] = await findVpcs([{ Name: 'vpc-id', Values: [id] }]);
    if (!vpc)
      throw new CliError('NotFound', `VPC ${id} was not found in this Region.`, {
        hint: 'Check the ID, the account and --region. Nothing was written.',
      });
    return vpc;
  }
  if (sel) {
    const matched = await findVpcs([selectorFilter(sel)]);
    if (matched.length === 1 && matched[0]) return matched[0];
    if (matched.length > 1)
      throw usageError(
        `--vpc ${request.vpc?.raw}: ${matched.length} VPCs match: ${matched.map((v) => labelOf({ ...v, id: v.VpcId ?? '?' })).join(', ')}.`,
        'Pass the VPC ID, or a selector that matches one VPC.',
      );
    const all = await findVpcs([]);
    throw usageError(
      `--vpc ${request.vpc?.raw} matches no VPC in this Region.`,
      all.length === 0
        ? 'The Region has no VPC.'
        : `Its VPCs: ${all
            .slice(0, 10)
            .map((v) => labelOf({ ...v, id: v.VpcId ?? '?' }))
            .join(', ')}${all.length > 10 ? ', …' : ''}.`,
    );
  }
  // No --vpc and no --like: the subnets named say which VPC.
  const list = request.subnets;
  if (!list) throw usageError('attach needs --vpc, --subnets or --like.');
  const found = [
    ...(list.ids.length > 0 ? await findSubnets([{ Name: 'subnet-id', Values: list.ids }]) : []),
    ...(await Promise.all(list.selectors.map((s: Selector) => findSubnets([selectorFilter(s)])))).flat(),
  ];
  const vpcIds = [...new Set(found.map((s) => s.VpcId ?? ''))].filter(Boolean);
  if (vpcIds.length === 0)
    throw usageError(
      `--subnets ${list.raw.join(',')} matches no subnet in this Region.`,
      'Check the IDs, the tags and --region.',
    );
  if (vpcIds.length > 1)
    throw usageError(
      `--subnets ${list.raw.join(',')} matches subnets in ${vpcIds.length} VPCs (${vpcIds.join(', ')}); a function's subnets are all in one VPC.`,
      'Add --vpc to say which.',
    );
  const [vpc] = await findVpcs([{ Name: 'vpc-id', Values: vpcIds }]);
  return vpc ?? { VpcId: vpcIds[0] };
}

/** --sg (IDs and selectors), else the --like function's groups; --create-sg is added by the caller. */
function chooseGroups(
  request: NetworkChoiceRequest,
  like: LikeConfig | undefined,
  facts: NetworkFacts,
  vpcId: string,
): { ids: string[]; by: Exclude<ChosenBy, 'chooser'> } {
  if (request.securityGroups)
    return {
      ids: resolveList(request.securityGroups, facts.securityGroups, (g) => g.GroupId, {
        kind: 'securityGroup',
        vpcId,
      }),
      by: 'given',
    };
  if (like) return { ids: like.securityGroupIds, by: 'like' };
  if (request.createSecurityGroup) return { ids: [], by: 'created' };
  const egress = facts.securityGroups.filter((g) => summarizeEgress(g) !== 'none');
  const listed = egress
    .slice(0, 8)
    .map((g) => `${g.GroupId} (${g.GroupName ?? '?'}: ${summarizeEgress(g)})`)
    .join(', ');
  throw usageError(
    `attach --vpc needs security groups: name them with --sg, or let lambda-vpc create one with --create-sg NAME.`,
    egress.length === 0
      ? `No group in ${vpcId} allows outbound traffic. --create-sg NAME creates one (egress all, no ingress).`
      : `Groups in ${vpcId} that allow outbound traffic: ${listed}${egress.length > 8 ? ', …' : ''}. Nothing is created unless you ask.`,
  );
}

/** EC2 compares group names without case (AWS: "case-insensitive and must be unique within the VPC"). */
const sameName = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** A filter value matched literally: EC2 reads `*` and `?` as wildcards, `\` as their escape. */
const literal = (value: string) => value.replace(/[\\*?]/g, (c) => `\\${c}`);

/** What a new VPC group gets from EC2: no inbound rule, all traffic out. */
const newGroup = (GroupId: string, name: string, vpcId: string): SecurityGroup => ({
  GroupId,
  GroupName: name,
  VpcId: vpcId,
  IpPermissions: [],
  IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
});

/**
 * --create-sg NAME before any write: the group of that name in the VPC if there is one (reused,
 * nothing to write), else a plan, which the checks see with the rules EC2 will give it.
 */
function plannedGroup(
  name: string,
  vpcId: string,
  facts: NetworkFacts,
): { group: SecurityGroup; created: CreatedGroup } {
  const existing = facts.securityGroups.find((g) => sameName(g.GroupName, name) && g.VpcId === vpcId);
  if (existing)
    return {
      group: existing,
      created: { name, id: existing.GroupId ?? null, outcome: 'reused', written: false },
    };
  return {
    group: newGroup(plannedGroupId(name), name, vpcId),
    created: { name, id: null, outcome: 'planned', written: false },
  };
}

/**
 * CreateSecurityGroup, the choice's one write, sent on the deadline alone (Ctrl-C lets it come
 * back with its answer, as for Lambda's writes). "Not created" is said only on a refusal of the
 * first attempt; any other failure (a lost answer, a retried attempt, the deadline) is settled by
 * reading the group by its exact name, and a Duplicate of the first attempt is someone else's
 * group, reused.
 */
async function createGroup(
  name: string,
  vpcId: string,
  io: {
    create: (signal: AbortSignal | undefined) => Promise<string>;
    find: Find<SecurityGroup>;
    signal: AbortSignal | undefined;
  },
): Promise<{ group: SecurityGroup; created: CreatedGroup }> {
  try {
    const id = await io.create(io.signal);
    // Built from the answer: a read this soon may not see the group yet (EC2 is eventually consistent).
    return { group: newGroup(id, name, vpcId), created: { name, id, outcome: 'created', written: true } };
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
    const status = e.$metadata?.httpStatusCode ?? 0;
    const firstAttempt = (e.$metadata?.attempts ?? 1) <= 1;
    const duplicate = e.name === 'InvalidGroup.Duplicate';
    if (firstAttempt && status >= 400 && status < 500 && !duplicate) throw withNothingCreated(error, name);
    const found = (
      await io.find([
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [literal(name)] },
      ])
    ).find((g) => sameName(g.GroupName, name));
    if (!found?.GroupId) {
      const cause = toCliError(error);
      throw new CliError(
        cause.code === 'TimedOut' ? 'TimedOut' : 'ServiceError',
        `--create-sg ${name}: CreateSecurityGroup failed (${cause.message}), and no group ${name} is described in ${vpcId}: it was not created, or EC2 does not show it yet. No function was written.`,
        {
          cause,
          hint: `Check with aws ec2 describe-security-groups --filters Name=vpc-id,Values=${vpcId} Name=group-name,Values=${name}, then run again (a group of that name is reused).`,
        },
      );
    }
    const created: CreatedGroup =
      duplicate && firstAttempt
        ? { name, id: found.GroupId, outcome: 'reused', written: false }
        : { name, id: found.GroupId, outcome: 'created-answer-lost', written: true };
    const timedOut = toCliError(error);
    if (timedOut.code === 'TimedOut') throw afterCreate(error, created);
    return { group: found, created };
  }
}

/** The run stops right after the group was created (Ctrl-C, the deadline): say that it exists. */
function afterCreate(reason: unknown, created: CreatedGroup): CliError {
  const e = toCliError(reason);
  return new CliError(
    e.code,
    `${e.message} The security group ${created.name} (${created.id}) exists; no function was written.`,
    {
      cause: e,
      hint: `Run the command again (the group is reused), or delete it: aws ec2 delete-security-group --group-id ${created.id}`,
    },
  );
}

function withNothingCreated(error: unknown, name: string): CliError {
  const e = toCliError(error);
  return new CliError(
    e.code,
    `--create-sg ${name}: ${e.message} No group was created and nothing was written.`,
    {
      cause: e,
      hint:
        e.code === 'AccessDenied'
          ? 'The caller needs ec2:CreateSecurityGroup and ec2:CreateTags, or pass --sg with an existing group.'
          : e.hint,
      requestId: e.requestId,
    },
  );
}

/** The ID a dry run shows for the group --create-sg would create. */
export const plannedGroupId = (name: string) => `(new:${name})`;

/** --subnets (IDs and selectors), else --like's, else the chooser's. */
function chooseSubnetIds(
  request: NetworkChoiceRequest,
  like: LikeConfig | undefined,
  facts: NetworkFacts,
  vpcId: string,
  o: {
    region: string;
    groupIds: string[];
    ipv6: boolean;
    interfaces: readonly NetworkInterfaceInfo[] | undefined;
  },
): {
  ids: string[];
  by: Exclude<ChosenBy, 'created'>;
  candidates: SubnetCandidate[];
  warnings: string[];
  refused?: { message: string; hint: string };
} {
  if (request.subnets)
    return {
      ids: resolveList(request.subnets, facts.subnets, (s) => s.SubnetId, { kind: 'subnet', vpcId }),
      by: 'given',
      candidates: [],
      warnings: [],
    };
  if (like) return { ids: like.subnetIds, by: 'like', candidates: [], warnings: [] };
  const choice = chooseSubnets({
    region: o.region,
    vpcId,
    network: { ...facts, ...pathInputOf(facts), deniedReads: facts.deniedActions },
    securityGroupIds: o.groupIds,
    ipv6: o.ipv6,
    requireInternet: request.requireInternet,
    needs: request.needs,
    existingCombinations: o.interfaces ? lambdaCombinations(o.interfaces) : null,
  });
  if (!choice.ok)
    return {
      ids: [],
      by: 'chooser',
      candidates: choice.candidates,
      warnings: [],
      refused: { message: choice.message, hint: `${choice.hint} Nothing was written.` },
    };
  return { ids: choice.subnetIds, by: 'chooser', candidates: choice.candidates, warnings: choice.warnings };
}
