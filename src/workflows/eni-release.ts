import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type EniWaitJson,
  type FunctionVersionNetwork,
  planEniRelease,
  publishedVersionsInVpc,
  versionLabel,
  versionListingPlan,
} from '../core/enis.js';
import { isInVpc } from '../core/plan.js';
import { poll } from '../core/poll.js';
import { errorJson } from '../core/result.js';
import { type FunctionRef, parseFunctionRef } from '../core/validate.js';
import { CliError, ExitCode, endsTheRun, isTransient, toCliError } from '../errors.js';
import { renderRelease } from '../output/render-enis.js';
import {
  listAllFunctionVersions,
  listFunctionVersionsUpTo,
  listVersionsOf,
} from '../services/function-versions.js';
import type { AfterStep, Preflight } from './change.js';
import type { RunDeps } from './deps.js';

/** AWS needs no faster polling: Lambda takes minutes to delete an interface. */
const ENI_POLL_MS = 15_000;
const PROGRESS_KEY = 'network interfaces';

export interface EniWaitRequest {
  /** --wait-enis */
  wait: boolean;
  timeoutMs: number;
}

/**
 * detach's two steps around the writes. Before: warn about published versions still in a VPC,
 * since they keep the interfaces after $LATEST leaves. After: add those notes to the results
 * and, with --wait-enis, follow the interfaces only the detached functions held until Lambda
 * has deleted them. What the first learns (who may share an interface) the second uses.
 */
export function eniRelease(request: EniWaitRequest): {
  checkPublishedVersions: Preflight;
  afterDetach: AfterStep;
} {
  let deps: RunDeps | undefined;
  /** Who may hold interfaces; null when it could not be listed. */
  let versions: FunctionVersionNetwork[] | null = null;
  let listingError: CliError | null = null;
  const notes = new Map<string, string[]>();

  // --wait-enis needs everyone who may share an interface, so it lists the account once
  // (ListFunctions ALL); a plain detach needs only the targets' own versions, by the cheaper
  // of the two (versionListingPlan).
  const checkPublishedVersions: Preflight = async (scope) => {
    deps = scope.deps;
    const { reporter, signal } = scope.deps;
    const lambda = await scope.deps.aws.lambda();
    try {
      versions = request.wait
        ? await listAllFunctionVersions(lambda, signal)
        : await targetsVersions(lambda, scope.targets, signal);
    } catch (thrown) {
      const error = toCliError(thrown);
      if (error.code === 'Interrupted') throw error;
      listingError = error;
      reporter.warn(`Could not check for published versions still in a VPC: ${error.message}`);
      return {};
    }
    for (const { ref, input } of scope.targets) {
      const published = publishedVersionsInVpc(ref.name, versions);
      if (published.length === 0) continue;
      const note = publishedVersionsNote(ref.name, published);
      notes.set(input, [note]);
      reporter.warn(note);
    }
    return {};
  };

  const afterDetach: AfterStep = async (results) => {
    for (const r of results) r.notes.push(...(notes.get(r.function) ?? []));
    if (!request.wait || !deps) return { exitCode: ExitCode.Success };
    const leaving: FunctionVersionNetwork[] = results.flatMap((r) =>
      r.written && r.outcome === 'updated' && r.before && isInVpc(r.before)
        ? [
            {
              functionName: parseFunctionRef(r.function).name,
              version: '$LATEST',
              subnetIds: r.before.subnetIds,
              securityGroupIds: r.before.securityGroupIds,
            },
          ]
        : [],
    );
    const report: EniWaitJson = {
      checked: true,
      waited: false,
      deleted: [],
      remaining: [],
      kept: [],
      elapsedMs: 0,
      error: null,
    };
    const sections = { enis: report };
    if (leaving.length === 0) return { exitCode: ExitCode.Success, sections };
    const started = deps.clock.now();
    try {
      if (!versions)
        throw new CliError(
          listingError?.code ?? 'Internal',
          `--wait-enis cannot tell which interfaces other functions still use: ${listingError?.message ?? 'no listing'}`,
          { hint: 'It needs lambda:ListFunctions and ec2:DescribeNetworkInterfaces (docs/permissions.md).' },
        );
      await waitForRelease(deps, leaving, versions, request.timeoutMs, report);
      return { exitCode: ExitCode.Success, sections };
    } catch (thrown) {
      const error = toCliError(thrown);
      report.error = errorJson(error);
      deps.reporter.error(error);
      return { exitCode: error.exitCode, sections };
    } finally {
      report.elapsedMs = deps.clock.now() - started;
    }
  };

  return { checkPublishedVersions, afterDetach };
}

/** The targets' versions: the account in a few pages when that is cheaper, else one list each. */
async function targetsVersions(
  lambda: LambdaClient,
  targets: ReadonlyArray<{ ref: FunctionRef }>,
  signal: AbortSignal | undefined,
): Promise<FunctionVersionNetwork[]> {
  const plan = versionListingPlan(targets.length);
  if (plan !== 'perTarget') {
    // Without lambda:ListFunctions the per-target lists may still be allowed: they decide then.
    const listed = await listFunctionVersionsUpTo(lambda, plan.accountPages, signal).catch((e: unknown) => {
      if (endsTheRun(e)) throw e;
      return null;
    });
    if (listed) return listed;
  }
  const lists = await Promise.all(
    targets.map(({ ref }) =>
      // An unknown function is detach's own error to report, a moment later.
      listVersionsOf(lambda, ref.id, signal).catch((e: unknown) => {
        if ((e as { name?: string }).name === 'ResourceNotFoundException') return [];
        throw e;
      }),
    ),
  );
  return lists.flat();
}

function publishedVersionsNote(name: string, published: readonly FunctionVersionNetwork[]): string {
  const many = published.length > 1;
  const list = published.map((v) => v.version).join(', ');
  return `Published version${many ? 's' : ''} ${list} of ${name} still use${many ? '' : 's'} a VPC and keep${many ? '' : 's'} its network interfaces until deleted; detach changes $LATEST only. Delete a version with: aws lambda delete-function --function-name ${name} --qualifier ${published[0]?.version ?? 'N'}`;
}

async function waitForRelease(
  deps: RunDeps,
  leaving: FunctionVersionNetwork[],
  versions: FunctionVersionNetwork[],
  timeoutMs: number,
  report: EniWaitJson,
): Promise<void> {
  const { reporter, signal, clock } = deps;
  const { describeNetworkInterfaces } = await import('../services/enis.js');
  const ec2 = await deps.aws.ec2();
  const enis = await describeNetworkInterfaces(ec2, {
    subnetIds: leaving.flatMap((l) => l.subnetIds),
    lambdaOnly: true,
    signal,
  });
  const plan = planEniRelease(enis, leaving, versions);
  const awaited = plan.awaited.map((e) => e.id);
  report.kept = plan.kept.map(({ eni, usedBy }) => ({
    id: eni.id,
    subnetId: eni.subnetId,
    usedBy: usedBy.map(versionLabel),
  }));
  report.waited = awaited.length > 0;
  let remaining = awaited;
  const update = () => {
    report.remaining = remaining;
    report.deleted = awaited.filter((id) => !remaining.includes(id));
  };
  update();
  const started = clock.now();
  const interval = deps.pollIntervalMs ?? ENI_POLL_MS;
  const progress = await reporter.progress();
  const show = () =>
    progress.update(
      PROGRESS_KEY,
      `waiting for Lambda to delete ${remaining.length} of ${awaited.length}: ${remaining.join(', ')}`,
    );
  try {
    if (remaining.length > 0) {
      show();
      await poll({
        read: () => describeNetworkInterfaces(ec2, { eniIds: remaining, lambdaOnly: false, signal }),
        done: () => remaining.length === 0,
        onValue: (found) => {
          remaining = remaining.filter((id) => found.some((e) => e.id === id));
          update();
          if (remaining.length > 0) show();
        },
        // The listing above already answered the first look.
        startWithPause: true,
        deadline: started + timeoutMs,
        clock,
        signal,
        firstDelayMs: interval,
        maxDelayMs: interval,
        backoff: 1,
        isTransient,
        timedOut: () => timedOut(deps, remaining, timeoutMs),
        interrupted: () => interrupted(deps, remaining),
      });
      progress.done(PROGRESS_KEY, true);
    }
  } finally {
    progress.stop();
  }
  reporter.show((c) => renderRelease(plan.awaited, plan.kept, clock.now() - started, c));
}

const formatWait = (ms: number) =>
  ms < 1000 ? `${ms}ms` : ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)}m`;

const eniCheck = (deps: RunDeps, ids: readonly string[]) =>
  `${deps.cliPrefix} enis --eni ${ids[0] ?? 'eni-…'}`;

function timedOut(deps: RunDeps, remaining: readonly string[], timeoutMs: number): CliError {
  return new CliError(
    'TimedOut',
    `Timed out after ${formatWait(timeoutMs)} waiting for Lambda to delete ${remaining.join(', ')}.`,
    {
      hint: `Lambda usually deletes them within 20 minutes (P99 about 35). See who still uses one: ${eniCheck(deps, remaining)}. If none does and the execution role lost its EC2 permissions, it is stranded: delete it by hand (docs/enis.md).`,
    },
  );
}

function interrupted(deps: RunDeps, remaining: readonly string[]): CliError {
  return new CliError('Interrupted', `Stopped waiting for Lambda to delete ${remaining.join(', ')}.`, {
    hint: `Lambda goes on deleting them. Check later with: ${eniCheck(deps, remaining)}`,
  });
}
