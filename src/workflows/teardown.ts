import { DEFAULT_ENI_WAIT_MS, isPublished } from '../core/enis.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT } from '../core/pool.js';
import { errorJson } from '../core/result.js';
import {
  type AliasInfo,
  planTeardown,
  type Read,
  type TeardownReport,
  type TeardownScope,
  usesScope,
} from '../core/teardown-plan.js';
import { parseDuration, parseFunctionRef } from '../core/validate.js';
import { CliError, ExitCode, toCliError, worstExitCode } from '../errors.js';
import { type ChangeBody, notChecked, type TeardownBody } from '../output/json.js';
import { renderTeardown } from '../output/render-teardown.js';
import { listAliasesOf, listAllFunctionVersions } from '../services/function-versions.js';
import type { RunDeps } from './deps.js';

/**
 * ListAliases is a control-plane call (15/s shared with every deploy in the account): past this
 * many functions the plan names the aliases' command instead of listing them.
 */
export const MAX_ALIAS_LISTINGS = 20;

/** detach's own defaults for --timeout and --concurrency: step 1 runs as `detach FN… --wait-enis` would. */
const DEFAULT_CHANGE_TIMEOUT_MS = parseDuration(DEFAULT_TIMEOUT);

/** The errors that end the run; any other failed read leaves its part of the plan unknown. */
const ENDS_THE_RUN = new Set(['Credentials', 'Interrupted', 'TimedOut', 'Network', 'Usage', 'Config']);

async function read<T>(call: string, run: () => Promise<T>, region: string): Promise<Read<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (thrown) {
    const error = toCliError(thrown, { region });
    if (ENDS_THE_RUN.has(error.code)) throw error;
    return { ok: false, call, error: errorJson(error) };
  }
}

/** What the command asks: the plan, and whether to run step 1 (--execute; `yes` asks nobody). */
export interface TeardownRequest {
  scope: TeardownScope;
  execute: { yes: boolean } | null;
}

/**
 * The teardown plan of a subnet, security group or VPC. Reads only: one DescribeNetworkInterfaces
 * query, one ListFunctions(ALL) listing, and ListAliases for the functions whose published
 * versions are in the way. With --execute, once confirmed, step 1 runs through detach (with
 * --wait-enis) and the plan is read again, so what is printed last is what is left. Nothing is
 * ever deleted, published versions least of all.
 */
export async function planTeardownOf(deps: RunDeps, request: TeardownRequest): Promise<TeardownBody> {
  const region = await deps.aws.regionFor([]);
  const before = await readAndPlan(deps, request.scope, region);
  deps.reporter.show((c) => renderTeardown(before, c));
  if (!request.execute) return finish(deps, before, notChecked('without --execute'), null);

  const skip = (skippedReason: string) =>
    finish(
      deps,
      before,
      { checked: true, ran: false, skippedReason, detached: [], error: null, planReadAfter: false },
      null,
    );
  if (!before.complete) return skip('the plan is incomplete: step 1 is not run on a guess');
  const names = before.functions.checked ? before.functions.latest.map((f) => f.function) : [];
  if (names.length === 0) return skip('no function ($LATEST) to detach');
  const question = `Detach ${names.join(', ')} from the VPC and wait for Lambda to delete the interfaces only they used? Published versions, subnets, groups and roles are left as they are. [y/N] `;
  if (!request.execute.yes && !(await deps.confirm?.(question))) {
    deps.reporter.notice('Nothing changed.');
    return skip('not confirmed');
  }

  const { detach } = await import('./detach.js');
  const detached = await detach(deps, {
    targets: names.map((input) => ({ input, ref: parseFunctionRef(input) })),
    timeoutMs: DEFAULT_CHANGE_TIMEOUT_MS,
    concurrency: DEFAULT_CONCURRENCY,
    failFast: false,
    wait: true,
    dryRun: false,
    rollbackOnFailure: false,
    failOnIac: false,
    notes: [],
    enis: { wait: true, timeoutMs: DEFAULT_ENI_WAIT_MS },
  });
  // Read again: the plan printed last, and the document's, is what is left after step 1. When
  // that read cannot be made, the detach results still stand, with the plan as it was before.
  const reread = deps.signal?.aborted ? null : await readAgain(deps, request.scope, region);
  if (reread && 'report' in reread)
    deps.reporter.show((c) => `\nAfter step 1:\n${renderTeardown(reread.report, c)}`);
  return finish(
    deps,
    reread && 'report' in reread ? reread.report : before,
    {
      checked: true,
      ran: true,
      skippedReason: null,
      detached: names,
      error: detached.error,
      planReadAfter: Boolean(reread && 'report' in reread),
    },
    detached,
    reread && 'error' in reread ? reread.error : null,
  );
}

async function readAgain(
  deps: RunDeps,
  scope: TeardownScope,
  region: string,
): Promise<{ report: TeardownReport } | { error: CliError }> {
  try {
    return { report: await readAndPlan(deps, scope, region) };
  } catch (thrown) {
    return { error: toCliError(thrown, { region }) };
  }
}

function finish(
  deps: RunDeps,
  report: TeardownReport,
  execution: TeardownBody['execution'],
  detached: ChangeBody | null,
  rereadError: CliError | null = null,
): TeardownBody {
  const error = report.complete ? rereadError : incomplete(report);
  if (error) deps.reporter.error(error);
  const exitCode = worstExitCode([
    error?.exitCode ?? ExitCode.Success,
    detached?.exitCode ?? ExitCode.Success,
  ]);
  return {
    exitCode,
    error: error ? errorJson(error) : null,
    results: detached?.results ?? [],
    teardown: report,
    execution,
    enis: detached?.enis ?? notChecked(execution.checked ? 'step 1 did not run' : 'without --execute'),
  };
}

async function readAndPlan(deps: RunDeps, scope: TeardownScope, region: string): Promise<TeardownReport> {
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

  return planTeardown({
    region,
    scope,
    now: deps.clock.now(),
    cliPrefix: deps.cliPrefix,
    interfaces,
    versions,
    aliases,
    aliasesSkipped: skipped,
  });
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
