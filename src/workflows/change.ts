import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { EmitTool } from '../core/emit.js';
import type { DesiredVpc } from '../core/plan.js';
import { runPool } from '../core/pool.js';
import { errorJson, type FunctionResult, skippedResult, stillInProgress, summarize } from '../core/result.js';
import type { Target } from '../core/validate.js';
import { CliError, type ExitCode, worstExitCode } from '../errors.js';
import type { ChangeBody } from '../output/json.js';
import {
  type ChangeWords,
  followCommand,
  renderChange,
  renderChangeSummary,
  renderPutBack,
} from '../output/render-change.js';
import { type Applied, type ApplyDeps, applyVpcConfig } from './apply-vpc-config.js';
import { dedupeTargets, runBatch } from './batch.js';
import { startDeadline } from './deadline.js';
import type { RunDeps } from './deps.js';
import {
  type RollbackTarget,
  rollBack,
  updateOfOursFailed,
  withOwnRollback,
  withPutBack,
} from './rollback.js';

/** The parts of the JSON document that the steps around the writes contribute. */
export type ChangeSections = Pick<
  ChangeBody,
  'network' | 'permissions' | 'enis' | 'reach' | 'emit' | 'choice' | 'eniBudget'
>;

/** Which functions, and how: flags parsed, before any AWS call. */
export interface ChangeRequest {
  targets: Target[];
  timeoutMs: number;
  concurrency: number;
  failFast: boolean;
  wait: boolean;
  dryRun: boolean;
  /** --rollback-on-failure: an update that ends Failed is undone with the same RevisionId protocol. */
  rollbackOnFailure: boolean;
  /** --fail-on-iac: a function managed by infrastructure as code is refused before writing (exit 11). */
  failOnIac: boolean;
  /** --emit TOOL: print the change for that tool instead of writing it. */
  emit?: EmitTool | undefined;
  /** Notes about the input itself (duplicate IDs dropped), printed once and kept on every result. */
  notes: string[];
  /** The run's --functions-file (not stdin) and arguments, to follow a fleet's updates as they were named. */
  source?: { functionsFile: string; args: readonly string[] } | undefined;
}

/** What a step before the writes sees. */
export interface RunScope {
  deps: RunDeps;
  region: string;
  targets: readonly Target[];
  desired: DesiredVpc;
}

/** Runs once per run, before the first write; `stop` ends the run with nothing written. */
export type Preflight = (scope: RunScope) => Promise<{ sections?: ChangeSections; stop?: CliError }>;

/** What a gate sees of the function besides its configuration, and how it adds to its result. */
export interface Admission {
  /** The function's tags, from the same GetFunction read as `current` (no call of its own). */
  tags: Readonly<Record<string, string>>;
  /** Why Lambda left the tags out of that read (GetFunction's TagsError): `tags` is then not all there is. */
  tagsError?: string | undefined;
  /** Adds a note to this function's result (printed with it, and in JSON `notes`). */
  note(text: string): void;
}

/** Consulted by each function right before its write (dry runs too); a refusal fails that function only. */
export interface Gate {
  admit(fn: string, current: FunctionConfiguration, admission: Admission): Promise<CliError | undefined>;
  /** Its part of the JSON document, once every function has been through. */
  sections(): ChangeSections;
}

/** Runs once every function has finished; may add to the results and to the exit code. */
export type AfterStep = (
  results: FunctionResult[],
) => Promise<{ exitCode: ExitCode; sections?: ChangeSections }>;

/** What makes the engine attach or detach: it has no other notion of which command runs. */
export interface ChangeSpec {
  desired: DesiredVpc;
  words: ChangeWords;
  preflights: readonly Preflight[];
  /** Asked in order before each write; the first refusal wins and the later ones are not asked. */
  gates?: readonly ((scope: RunScope) => Gate)[] | undefined;
  after?: AfterStep | undefined;
  /**
   * Each section of the document as it reads when its step did not run (skipped, or the run
   * stopped first): a key never comes and goes with a flag (docs/json-output.md).
   */
  notChecked?: ChangeSections | undefined;
  /** Added to every function written, and printed once per run. */
  noteWhenWritten?: string | undefined;
}

/**
 * The attach/detach protocol for every function, up to --concurrency at once: the preflights,
 * then each function's read → plan → gate → write → wait, each result shown as it finishes,
 * then a summary and the after-step.
 */
export async function runChange(
  deps: RunDeps,
  request: ChangeRequest,
  spec: ChangeSpec,
): Promise<ChangeBody> {
  const { reporter, clock } = deps;
  const region = await deps.aws.regionFor(request.targets);
  for (const note of request.notes) reporter.note(note);
  // --timeout bounds everything up to the last function's wait, the preflights included.
  const deadline = startDeadline(deps, request.timeoutMs);
  const bounded: RunDeps = { ...deps, signal: deadline.signal };
  const [lambda, writer] = await Promise.all([deps.aws.lambda(), deps.aws.lambdaWriter()]);
  const { targets, notes: mergeNotes } = await dedupeTargets(lambda, request.targets, deadline.signal);
  for (const note of mergeNotes.values()) reporter.note(note);
  const scope: RunScope = { deps: bounded, region, targets, desired: spec.desired };
  const sections: ChangeSections = { ...spec.notChecked };
  for (const preflight of spec.preflights) {
    const outcome = await preflight(scope);
    Object.assign(sections, outcome.sections);
    if (outcome.stop) {
      reporter.error(outcome.stop);
      return { exitCode: outcome.stop.exitCode, error: errorJson(outcome.stop), results: [], ...sections };
    }
  }
  if (request.rollbackOnFailure && !request.wait && !request.dryRun)
    reporter.warn(
      '--rollback-on-failure needs the wait: with --no-wait a failed update is not seen, so nothing is rolled back.',
    );
  const gates = (spec.gates ?? []).map((make) => make(scope));
  const progress = await reporter.progress(targets.length);
  const printedNotes = new Set([...request.notes, ...mergeNotes.values()]);
  // A fleet's updates still going on when the run ends are followed with one command, after the summary.
  const fleet = targets.length > 1;
  const applyDeps: ApplyDeps = {
    lambda,
    writer,
    region,
    clock,
    signal: deps.signal,
    deadline,
    pollIntervalMs: deps.pollIntervalMs,
    onProgress: (event) => progress.update(event.fn, event.text),
  };
  const rollbackTarget = ({ ref, input }: Target): RollbackTarget => ({
    ref,
    input,
    resumeCommand: `${deps.cliPrefix} status ${input} --wait`,
    cliPrefix: deps.cliPrefix,
  });
  const show = ({ result, error }: Applied) => {
    const fn = result.function;
    progress.print(() => {
      reporter.show((c) => renderChange(result, spec.words, c, deps.cliPrefix));
      for (const note of result.notes.filter((n) => !printedNotes.has(n))) {
        reporter.note(note);
        if (note === spec.noteWhenWritten) printedNotes.add(note);
      }
      const shown = error && fleet && stillInProgress(result) ? withoutHint(error) : error;
      if (shown) reporter.error(shown, shown.message.includes(fn) ? '' : `${fn}: `);
    });
  };
  // Each function's last read, for a put-back to start from (--fail-fast --rollback-on-failure).
  const seen = new Map<string, FunctionConfiguration>();
  // --fail-fast: the first function that failed, known before its rollback ends, so that no
  // function starts while it is being rolled back.
  let firstFailure: string | undefined;
  const changeOne = async (target: Target): Promise<Applied> => {
    const { ref, input: fn } = target;
    if (firstFailure !== undefined)
      return {
        result: skippedResult(fn, `Not started: --fail-fast stopped the run after ${firstFailure} failed.`),
      };
    let applied = await applyVpcConfig(applyDeps, {
      ref,
      input: fn,
      desired: spec.desired,
      wait: request.wait,
      dryRun: request.dryRun,
      resumeCommand: `${deps.cliPrefix} status ${fn} --wait`,
      beforeWrite:
        gates.length > 0
          ? async (current, admission) => {
              for (const gate of gates) {
                const refusal = await gate.admit(fn, current, admission);
                if (refusal) return refusal;
              }
              return undefined;
            }
          : undefined,
    });
    if (applied.error && request.failFast) firstFailure ??= fn;
    if (request.rollbackOnFailure && updateOfOursFailed(applied)) {
      const rolledBack = await rollBack(applyDeps, rollbackTarget(target), applied.result, applied.seen);
      applied = withOwnRollback(applied, rolledBack, rollbackTarget(target));
    }
    const { result, error } = applied;
    if (applied.seen) seen.set(fn, applied.seen);
    result.rollback ??= null;
    progress.done(fn, !error);
    result.notes.unshift(...request.notes);
    const merged = mergeNotes.get(fn);
    if (merged) result.notes.push(merged);
    // Rolled back: the change the note is about was undone.
    if (spec.noteWhenWritten && result.written !== false && result.outcome !== 'rolled-back')
      result.notes.push(spec.noteWhenWritten);
    show(applied);
    return { result, error };
  };
  let results: FunctionResult[];
  let putBack: PutBack | undefined;
  try {
    const batch = await runBatch(targets, request, changeOne);
    results = batch.results;
    if (request.failFast && request.rollbackOnFailure && !batch.runEnded) {
      putBack = await putBackChanged(
        targets,
        results,
        request.concurrency,
        async (target, changed, failed) => {
          const applied = withPutBack(
            changed,
            await rollBack(applyDeps, rollbackTarget(target), changed, seen.get(target.input)),
            rollbackTarget(target),
            failed,
          );
          show(applied);
          return applied.result;
        },
      );
    }
  } finally {
    progress.stop();
    // What follows the writes (the ENI wait of detach) has its own bound.
    deps.aws.limitTo(undefined);
  }
  for (const r of results) r.rollback ??= null;
  for (const gate of gates) Object.assign(sections, gate.sections());
  if (results.length > 1) reporter.show((c) => renderChangeSummary(summarize(results), spec.words, c));
  if (putBack && putBack.functions.length > 0) {
    const { failed, functions } = putBack;
    reporter.show((c) => renderPutBack(failed, functions, c));
  }
  const going = results.filter(stillInProgress);
  if (fleet && going.length > 0)
    reporter.notice(
      `${going.length === 1 ? "The update continues on AWS's side" : "The updates continue on AWS's side"}. Follow ${going.length === 1 ? 'it' : 'them'} with: ${followCommand(
        deps.cliPrefix,
        going.map((r) => r.function),
        request.source,
      )}`,
    );
  const exitCodes = results.map((r) => r.error?.exitCode ?? 0);
  if (spec.after) {
    const after = await spec.after(results);
    exitCodes.push(after.exitCode);
    Object.assign(sections, after.sections);
  }
  return { exitCode: worstExitCode(exitCodes), error: null, results, ...sections };
}

/** The functions a --fail-fast run put back after a failure, and the failures that made it. */
interface PutBack {
  failed: readonly string[];
  functions: readonly string[];
}

/** The functions of the run that failed (their own rollback done or not): the run's reason to put the others back. */
const failedIn = (results: readonly FunctionResult[]) =>
  results
    .filter((r) => r.error && (r.outcome === 'failed' || r.outcome === 'rolled-back'))
    .map((r) => r.function);

/**
 * --fail-fast --rollback-on-failure: once a function failed, each function this run changed
 * (updated, written by us) is put back, up to --concurrency at once, in place in `results`.
 */
async function putBackChanged(
  targets: readonly Target[],
  results: FunctionResult[],
  concurrency: number,
  putBack: (target: Target, changed: FunctionResult, failed: readonly string[]) => Promise<FunctionResult>,
): Promise<PutBack | undefined> {
  const failed = failedIn(results);
  if (failed.length === 0) return undefined;
  const changed = targets.flatMap((target, index) => {
    const result = results[index];
    return result?.outcome === 'updated' && result.written === true && result.before
      ? [{ target, index, result }]
      : [];
  });
  await runPool(changed, concurrency, async ({ target, index, result }) => {
    results[index] = await putBack(target, result, failed);
  });
  return {
    failed,
    functions: changed
      .map(({ index }) => results[index] as FunctionResult)
      .filter((r) => r.outcome === 'rolled-back')
      .map((r) => r.function),
  };
}

/** A fleet's error line for a function whose update goes on: the one command after the summary follows them all. */
const withoutHint = (error: CliError) =>
  new CliError(error.code, error.message, { cause: error.cause, requestId: error.requestId });
