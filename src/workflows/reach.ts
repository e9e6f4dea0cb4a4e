import { type DesiredVpc, isInVpc, vpcSettingsOf } from '../core/plan.js';
import {
  answerTargets,
  type DatabaseLookup,
  overallVerdict,
  type ReachReport,
  readsFor,
  resolveTargets,
} from '../core/reach-resolve.js';
import type { ReachTargetSpec } from '../core/reach-targets.js';
import type { Verdict } from '../core/reachability/path/index.js';
import { errorJson } from '../core/result.js';
import type { Target } from '../core/validate.js';
import { CliError, ExitCode, toCliError } from '../errors.js';
import type { ReachBody } from '../output/json.js';
import { renderReach } from '../output/render-reach.js';
import type { RunDeps } from './deps.js';
import { readDatabase, readReachNetwork, traceInputOf } from './reach-reads.js';

/** A function's current configuration, or a planned one (--subnets/--sg): never both. */
export interface ReachRequest {
  function: Target | null;
  planned: DesiredVpc | null;
  targets: readonly ReachTargetSpec[];
}

export const EXIT_BY_VERDICT: Record<Verdict, ExitCode> = {
  reachable: ExitCode.Success,
  unreachable: ExitCode.Unreachable,
  unknown: ExitCode.Undetermined,
};

/** `lambda-vpc reach`: reads the configuration (unless planned), traces every target, renders. */
export async function reach(deps: RunDeps, request: ReachRequest): Promise<ReachBody> {
  const region = await deps.aws.regionFor(request.function ? [request.function] : []);
  let report: ReachReport;
  try {
    const fn = request.function;
    const config = request.planned ?? (fn ? await functionVpc(deps, fn, region) : undefined);
    if (!config) throw new CliError('Usage', 'reach needs a function, or --subnets and --sg.');
    report = await checkReach(deps, region, config, request.targets, fn?.input ?? null);
  } catch (thrown) {
    throw toCliError(thrown, { region });
  }
  deps.reporter.show((c) => renderReach(report, c));
  const error = verdictError(report);
  // As check-perms: the report says it on stdout, stderr says it too (and alone with -o json).
  if (error) deps.reporter.error(error);
  return { exitCode: EXIT_BY_VERDICT[report.verdict], error: error && errorJson(error), ...report };
}

/** The error a verdict other than reachable stands for: one line naming the first deciding target. */
export function verdictError(report: ReachReport): CliError | null {
  if (report.verdict === 'reachable') return null;
  const status = report.verdict;
  const hit = report.targets.filter((t) => t.verdict === status);
  const first = hit[0];
  const what = `${hit.length} of ${report.targets.length} target${report.targets.length === 1 ? '' : 's'}`;
  const detail = first ? `: ${first.label}: ${first.reason}` : '';
  return status === 'unreachable'
    ? new CliError('Unreachable', `${what} unreachable${detail}`, {
        hint: 'Each failing hop above has its fix; docs/reach.md explains the hops.',
      })
    : new CliError('Undetermined', `${what} could not be proved reachable${detail}`, {
        hint: 'The unknown hops name the read or the hop that is missing (docs/reach.md#unknown).',
      });
}

async function functionVpc(deps: RunDeps, fn: Target, region: string): Promise<DesiredVpc> {
  const { readFunction } = await import('../services/lambda.js');
  const lambda = await deps.aws.lambda();
  const c = await readFunction(lambda, fn.ref.id, { qualifier: fn.ref.qualifier, signal: deps.signal });
  const vpc = vpcSettingsOf(c.VpcConfig);
  if (!isInVpc(vpc))
    throw new CliError(
      'InvalidParameter',
      `${fn.input} is not in a VPC in ${region}: it has no path through one to check.`,
      {
        hint: 'Outside a VPC a function reaches the internet and public AWS endpoints, not private addresses. Pass --subnets and --sg to check a planned configuration: lambda-vpc reach --subnets subnet-… --sg sg-… --to …',
      },
    );
  return vpc;
}

/**
 * The reads and the trace for one configuration: RDS only for `rds:` targets (before EC2, as the
 * database names subnets and groups to read), then one batched EC2 lookup for everything.
 */
export async function checkReach(
  deps: RunDeps,
  region: string,
  config: DesiredVpc,
  specs: readonly ReachTargetSpec[],
  functionName: string | null,
): Promise<ReachReport> {
  const names = [...new Set(specs.flatMap((s) => (s.kind === 'rds' ? [s.database] : [])))];
  const found = await Promise.all(names.map(async (n) => [n, await readDatabase(deps, n)] as const));
  const databases = new Map<string, DatabaseLookup>(found);
  const facts = await readReachNetwork(deps, {
    subnetIds: config.subnetIds,
    securityGroupIds: config.securityGroupIds,
    ipv6: config.ipv6AllowedForDualStack,
    paths: readsFor(specs, databases),
  });
  const fn = {
    subnetIds: config.subnetIds,
    securityGroupIds: config.securityGroupIds,
    ipv6DualStack: config.ipv6AllowedForDualStack,
  };
  const resolved = resolveTargets(specs, {
    region,
    ipv6DualStack: config.ipv6AllowedForDualStack,
    databases,
    networkInterfaces: facts.paths?.networkInterfaces ?? [],
    interfacesDenied: facts.deniedActions.includes('ec2:DescribeNetworkInterfaces'),
  });
  const targets = answerTargets(resolved, traceInputOf(facts, region, fn));
  const deniedReads = [
    ...new Set([...facts.deniedActions, ...found.flatMap(([, db]) => db.deniedActions)]),
  ].sort();
  return {
    region,
    function: functionName,
    configuration: {
      subnetIds: [...config.subnetIds],
      securityGroupIds: [...config.securityGroupIds],
      ipv6DualStack: config.ipv6AllowedForDualStack,
    },
    verdict: overallVerdict(targets.map((t) => t.verdict)),
    targets,
    deniedReads,
  };
}
