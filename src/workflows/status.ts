import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import type { NetworkFilter } from '../core/fleet-filter.js';
import { matchesNetworkFilter } from '../core/fleet-filter.js';
import { isInVpc, vpcSettingsOf } from '../core/plan.js';
import { remainingEnisWarning } from '../core/remaining-enis.js';
import { emptyResult, errorJson, type FunctionResult, statusFields } from '../core/result.js';
import {
  inactiveNote,
  isFailed,
  isInactive,
  isSettled,
  statusLabel,
  updateFailedError,
} from '../core/settle.js';
import { parseFunctionRef, type Target } from '../core/validate.js';
import { CliError, isDeadline, toCliError, worstExitCode } from '../errors.js';
import { notChecked, type StatusBody } from '../output/json.js';
import { withActivity } from '../output/progress.js';
import { renderEniCountRow } from '../output/render-enis.js';
import { renderNetworkSection } from '../output/render-network.js';
import { renderRemainingEnisRow, renderStatus, renderStatusTable } from '../output/render-status.js';
import { type ListedFunction, listFunctionNetworks } from '../services/function-versions.js';
import { readFunction } from '../services/lambda.js';
import { dedupeTargets, runBatch } from './batch.js';
import { startDeadline } from './deadline.js';
import type { RunDeps } from './deps.js';
import type { DetachedFunction } from './remaining-enis.js';
import { addEniCounts, addNetworkSections, addRemainingEnis } from './status-sections.js';
import { lambdaPollDelays, waitUntilSettled } from './wait-settled.js';

export interface StatusRequest {
  /** The functions named, or the filter of --all (every function of the region that matches). */
  targets: Target[] | { all: NetworkFilter };
  wait: boolean;
  timeoutMs: number;
  /** false with --no-network: no EC2 read. */
  network: boolean;
  /** One line per function (--brief, the default with --all) instead of the full report. */
  brief: boolean;
  concurrency: number;
  failFast: boolean;
}

/**
 * Reads every function (and with --wait, waits until each has settled), then adds the network
 * and ENI sections with one EC2 lookup each for all of them.
 */
export async function status(deps: RunDeps, request: StatusRequest): Promise<StatusBody> {
  const { reporter, clock } = deps;
  // With --wait, --timeout bounds the reads and the wait: no call runs past it.
  const deadline = request.wait ? startDeadline(deps, request.timeoutMs) : undefined;
  const signal = deadline?.signal ?? deps.signal;
  // --all: the first functions listed are read while the rest is listed (the listing's pages share
  // the control-plane budget; the reads have their own), as many as --concurrency would read at once.
  const early = new Map<string, Promise<FunctionConfiguration>>();
  const readEarly = (found: readonly Target[], lambda: LambdaClient) => {
    for (const { ref, input } of found) {
      if (early.size >= request.concurrency) return;
      const read = readFunction(lambda, ref.id, { signal });
      read.catch(() => {}); // Seen, and reported, by readOne.
      early.set(input, read);
    }
  };
  const listed = Array.isArray(request.targets)
    ? request.targets
    : await listTargets(deps, request.targets.all, signal, readEarly);
  const region = await deps.aws.regionFor(listed);
  const lambda = await deps.aws.lambda();
  const { targets, notes: mergeNotes } = await dedupeTargets(lambda, listed, signal);
  for (const note of mergeNotes.values()) reporter.note(note);
  const progress = await reporter.progress(targets.length);
  progress.activity(
    targets.length === 1 ? `reading ${targets[0]?.input}` : `reading ${targets.length} functions`,
  );
  // A fleet's waits cut off by Ctrl-C or --timeout are resumed with one command, after the others.
  const stillWaiting = new Set<Target>();
  // Each function's name and role as read, for the check of the interfaces a detach left.
  const identities = new Map<FunctionResult, DetachedFunction>();
  const readOne = async (target: Target) => {
    const { ref, input } = target;
    const started = clock.now();
    const result = emptyResult(input);
    const merged = mergeNotes.get(input);
    if (merged) result.notes.push(merged);
    let error: CliError | undefined;
    const qualifierFlag = ref.qualifier ? ` --qualifier ${ref.qualifier}` : '';
    const resumeCommand = `${deps.cliPrefix} status ${input}${qualifierFlag} --wait`;
    try {
      let c = await (early.get(input) ?? readFunction(lambda, ref.id, { qualifier: ref.qualifier, signal }));
      if (deadline && !isSettled(c)) {
        progress.update(input, statusLabel(c));
        c = await waitUntilSettled(lambda, ref.id, {
          deadline: deadline.at,
          resumeCommand,
          qualifier: ref.qualifier,
          signal,
          clock,
          ...lambdaPollDelays(deps.pollIntervalMs),
          onPoll: (polled) => progress.update(input, statusLabel(polled)),
        });
      }
      Object.assign(result, {
        outcome: 'status',
        functionArn: c.FunctionArn ?? null,
        vpc: vpcSettingsOf(c.VpcConfig),
        status: statusFields(c),
      });
      identities.set(result, { name: c.FunctionName ?? ref.name, role: c.Role });
      if (isInactive(c)) result.notes.push(inactiveNote(c.FunctionName ?? ref.name, isInVpc(result.vpc)));
      if (request.wait && isFailed(c)) throw updateFailedError(input, c);
    } catch (thrown) {
      const failure = isDeadline(thrown)
        ? timedOutBeforeRead(input, resumeCommand, thrown)
        : toCliError(thrown, { region });
      error = failure;
      if (result.outcome !== 'status') result.outcome = 'failed';
      result.error = errorJson(failure);
      const resumable = targets.length > 1 && (failure.code === 'Interrupted' || failure.code === 'TimedOut');
      if (resumable) stillWaiting.add(target);
      const shown = resumable
        ? new CliError(failure.code, failure.message, { cause: failure.cause })
        : failure;
      progress.print(() => reporter.error(shown, shown.message.includes(input) ? '' : `${input}: `));
    }
    progress.done(input, !error);
    result.elapsedMs = clock.now() - started;
    return { result, error };
  };
  let batch: Awaited<ReturnType<typeof runBatch>>;
  try {
    batch = await runBatch(targets, request, readOne);
  } finally {
    progress.stop();
    deps.aws.limitTo(undefined);
  }
  const { results, runEnded } = batch;
  if (stillWaiting.size > 0) {
    // In the order named; a --qualifier given to all is written into each name (my-fn:3).
    const names = targets
      .filter((t) => stillWaiting.has(t))
      .map(({ ref, input }) =>
        ref.qualifier && !parseFunctionRef(input).qualifier ? `${input}:${ref.qualifier}` : input,
      );
    reporter.notice(`Resume waiting with: ${deps.cliPrefix} status --wait ${names.join(' ')}`);
  }
  const read = results.filter((r) => r.outcome === 'status');
  if (request.network && !runEnded)
    await withActivity(reporter, 'reading the network', async () => {
      await addNetworkSections(deps, region, read);
      await addEniCounts(deps, region, results);
      await addRemainingEnis(deps, region, read, identities);
    });
  for (const r of read) {
    const warning = r.remainingEnis ? remainingEnisWarning(r.function, r.remainingEnis, region) : null;
    if (warning) reporter.warn(warning);
  }
  if (request.brief) reporter.show((c) => renderStatusTable(results, c));
  else
    for (const r of read)
      reporter.show((c) =>
        [
          renderStatus(r, c),
          ...renderNetworkSection(r.network, c),
          ...renderEniCountRow(r.enis, c),
          ...renderRemainingEnisRow(r.remainingEnis, c),
        ].join('\n'),
      );
  // After the human report, which shows no section that was not read: the document says why.
  const why = (r: FunctionResult) =>
    !request.network
      ? '--no-network'
      : r.outcome === 'status'
        ? 'the run ended before the network was read'
        : 'the function was not read';
  for (const r of results) {
    // null (not in a VPC) is an answer; only a section never read is filled in.
    if (r.network === undefined) r.network = notChecked(why(r));
    if (r.enis === undefined) r.enis = notChecked(why(r));
    if (r.remainingEnis === undefined) r.remainingEnis = notChecked(why(r));
  }
  return { exitCode: worstExitCode(results.map((r) => r.error?.exitCode ?? 0)), error: null, results };
}

/** The deadline came while the function was still being read: nothing is known of it yet. */
const timedOutBeforeRead = (fn: string, resumeCommand: string, cause: unknown) =>
  new CliError('TimedOut', `Timed out reading ${fn}.`, {
    hint: `Resume waiting with: ${resumeCommand}`,
    cause,
  });

/** Every function of the region matching the filter, from one paginated ListFunctions. */
async function listTargets(
  deps: RunDeps,
  filter: NetworkFilter,
  signal: AbortSignal | undefined,
  onPage: (targets: readonly Target[], lambda: LambdaClient) => void,
): Promise<Target[]> {
  const region = await deps.aws.regionFor([]);
  const matching = (functions: readonly ListedFunction[]): Target[] =>
    functions
      .filter((f) => f.FunctionName && matchesNetworkFilter(f.VpcConfig, filter))
      .map((f) => ({ ref: parseFunctionRef(f.FunctionName as string), input: f.FunctionName as string }));
  try {
    const lambda = await deps.aws.lambda();
    const listed = await withActivity(deps.reporter, 'listing the functions', () =>
      listFunctionNetworks(lambda, signal, (page) => onPage(matching(page), lambda)),
    );
    return matching(listed);
  } catch (error) {
    throw toCliError(error, { region });
  }
}
