import { isPublished } from '../core/enis.js';
import { errorJson } from '../core/result.js';
import {
  type AliasInfo,
  planTeardown,
  type Read,
  type TeardownReport,
  type TeardownScope,
  usesScope,
} from '../core/teardown-plan.js';
import { CliError, ExitCode, toCliError } from '../errors.js';
import type { TeardownBody } from '../output/json.js';
import { renderTeardown } from '../output/render-teardown.js';
import { listAliasesOf, listAllFunctionVersions } from '../services/function-versions.js';
import type { RunDeps } from './deps.js';

/**
 * ListAliases is a control-plane call (15/s shared with every deploy in the account): past this
 * many functions the plan names the aliases' command instead of listing them.
 */
export const MAX_ALIAS_LISTINGS = 20;

/** The errors that leave a part of the plan unknown; anything else (credentials, Ctrl-C, the deadline) ends the run. */
const PART_UNKNOWN = new Set(['AccessDenied', 'Throttled', 'ServiceError']);

async function read<T>(call: string, run: () => Promise<T>, region: string): Promise<Read<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (thrown) {
    const error = toCliError(thrown, { region });
    if (!PART_UNKNOWN.has(error.code)) throw error;
    return { ok: false, call, error: errorJson(error) };
  }
}

/**
 * The teardown plan of a subnet, security group or VPC. Reads only: one DescribeNetworkInterfaces
 * query, one ListFunctions(ALL) listing, and ListAliases for the functions whose published
 * versions are in the way. Deletes nothing.
 */
export async function planTeardownOf(deps: RunDeps, scope: TeardownScope): Promise<TeardownBody> {
  const region = await deps.aws.regionFor([]);
  const { signal } = deps;
  const [{ describeNetworkInterfaces }, ec2, lambda] = await Promise.all([
    import('../services/enis.js'),
    deps.aws.ec2(),
    deps.aws.lambda(),
  ]);
  const [interfaces, versions] = await Promise.all([
    read(
      'ec2:DescribeNetworkInterfaces',
      () =>
        describeNetworkInterfaces(ec2, {
          subnetIds: scope.kind === 'subnet' ? scope.ids : undefined,
          securityGroupIds: scope.kind === 'securityGroup' ? scope.ids : undefined,
          vpcIds: scope.kind === 'vpc' ? scope.ids : undefined,
          // Other services' interfaces block the delete too: they are counted, not judged.
          lambdaOnly: false,
          signal,
        }),
      region,
    ),
    read('lambda:ListFunctions', () => listAllFunctionVersions(lambda, signal), region),
  ]);

  const withVersions = versions.ok
    ? [
        ...new Set(
          versions.value.filter((v) => isPublished(v) && usesScope(v, scope)).map((v) => v.functionName),
        ),
      ]
    : [];
  const skipped =
    withVersions.length > MAX_ALIAS_LISTINGS
      ? `${withVersions.length} functions have versions there, more than the ${MAX_ALIAS_LISTINGS} lambda-vpc lists aliases for`
      : null;
  const aliases = new Map<string, Read<AliasInfo[]>>();
  if (!skipped) {
    const listed = await Promise.all(
      withVersions.map(
        async (name) =>
          [
            name,
            await read('lambda:ListAliases', () => listAliasesOf(lambda, name, signal), region),
          ] as const,
      ),
    );
    for (const [name, aliasRead] of listed) aliases.set(name, aliasRead);
  }

  const report = planTeardown({
    region,
    scope,
    now: deps.clock.now(),
    cliPrefix: deps.cliPrefix,
    interfaces,
    versions,
    aliases,
    aliasesSkipped: skipped,
  });
  deps.reporter.show((c) => renderTeardown(report, c));
  const error = report.complete ? null : incomplete(report);
  if (error) deps.reporter.error(error);
  return {
    exitCode: error ? error.exitCode : ExitCode.Success,
    error: error ? errorJson(error) : null,
    teardown: report,
  };
}

function incomplete(report: TeardownReport): CliError {
  const failed = report.unknown.filter((u) => u.part !== 'aliases');
  return new CliError(
    'Undetermined',
    `The teardown plan is incomplete: ${failed.map((u) => `${u.call} failed (${u.error.code})`).join(', ')}; nothing is called safe to delete.`,
    {
      hint: `Allow ${failed.map((u) => u.call).join(' and ')} for the caller and run it again.`,
    },
  );
}
