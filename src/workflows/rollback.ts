import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { DETACHED, type DesiredVpc, isInVpc, type VpcSettings } from '../core/plan.js';
import { errorJson, type FunctionResult, type RollbackReport } from '../core/result.js';
import type { FunctionRef } from '../core/validate.js';
import { CliError } from '../errors.js';
import { undoCommand } from '../output/render-change.js';
import { type Applied, type ApplyDeps, applyVpcConfig } from './apply-vpc-config.js';

/** The function to put back, and how to name it in follow-up commands. */
export interface RollbackTarget {
  ref: FunctionRef;
  input: string;
  resumeCommand: string;
  cliPrefix: string;
}

/**
 * What puts `before` back. Out of a VPC it is the detach request (both lists empty and IPv6
 * off: Lambda refuses dual-stack without subnets), whatever the read said of IPv6.
 */
export function restoring(before: VpcSettings): DesiredVpc {
  if (!isInVpc(before)) return DETACHED;
  return {
    subnetIds: [...before.subnetIds],
    securityGroupIds: [...before.securityGroupIds],
    ipv6AllowedForDualStack: before.ipv6AllowedForDualStack,
  };
}

/** The update of ours was applied and ended Failed: the case --rollback-on-failure undoes. */
export const updateOfOursFailed = (applied: Applied): boolean =>
  applied.error?.code === 'UpdateFailed' && applied.result.written === true && applied.result.before !== null;

/**
 * Writes `changed.before` back with the forward protocol (RevisionId → write → wait, a lost
 * answer resolved by the next read), only over the revision the change left: a function changed
 * since is someone else's, and is left as it is. It starts from `seen`, the read that saw the
 * change settle, rather than reading again: the RevisionId sent makes a change in between fail
 * the write (PreconditionFailed), not overwrite it. Never throws, as applyVpcConfig.
 */
export async function rollBack(
  deps: ApplyDeps,
  target: RollbackTarget,
  changed: FunctionResult,
  seen: FunctionConfiguration | undefined,
): Promise<Applied> {
  const revision = changed.status?.revisionId ?? undefined;
  const before = changed.before;
  if (!before || revision === undefined) {
    // Without the revision a write could land on someone else's change: nothing is sent.
    const error = new CliError(
      'Undetermined',
      `${target.input}: the revision our update left is not known, so putting the previous configuration back could overwrite someone else's change; nothing written back.`,
    );
    return {
      result: {
        ...changed,
        outcome: 'failed',
        written: false,
        after: null,
        notes: [],
        error: errorJson(error),
      },
      error,
    };
  }
  deps.onProgress?.({ fn: target.input, text: 'rolling back' });
  return applyVpcConfig(deps, {
    ref: target.ref,
    input: target.input,
    desired: restoring(before),
    wait: true,
    dryRun: false,
    resumeCommand: target.resumeCommand,
    onlyOverRevision: revision,
    startFrom: seen?.RevisionId === revision ? seen : undefined,
  });
}

/** True when the previous configuration is back and settled (or was found there). */
const isBack = (rollback: Applied) => !rollback.error;

function reportOf(changed: FunctionResult, rollback: Applied, failedFunction: string): RollbackReport {
  return {
    failedFunction,
    undone: changed.after,
    written: rollback.result.written,
    after: rollback.result.after,
    error: rollback.error ? errorJson(rollback.error) : null,
  };
}

/** The rollback's own notes, told apart from the update's. */
const rollbackNotes = (rollback: Applied) => rollback.result.notes.map((note) => `Rollback: ${note}`);

/** "fn-a: changed by …" → "changed by …": the message is quoted after the function's own line. */
const withoutName = (message: string, fn: string) =>
  message.startsWith(`${fn}: `) ? message.slice(fn.length + 2) : message;

const WRITTEN_BACK: Record<string, string> = {
  true: 'the previous configuration was written back, but',
  false: 'nothing was written back:',
  unknown: 'whether the previous configuration was written back is not known:',
};

/** How to restore `before` by hand, minding a change of someone else's that must not be lost. */
function restoreHint(rollback: Applied, target: RollbackTarget, before: VpcSettings): string {
  const undo = undoCommand(target.cliPrefix, target.input, before);
  if (rollback.error?.code === 'Conflict')
    return `Someone else changed the function after our update: see what it has now with ${target.resumeCommand.replace(/ --wait$/, '')} before putting the previous configuration back with: ${undo}`;
  return `Put the previous configuration back with: ${undo}`;
}

/**
 * The failed function's result once its rollback ran: `rolled-back` with the failure's error
 * (reason and remedy, exit 6) when `before` is back and settled; otherwise still `failed`, the
 * error saying what the rollback did and the hint how to finish it.
 */
export function withOwnRollback(failed: Applied, rollback: Applied, target: RollbackTarget): Applied {
  const result: FunctionResult = {
    ...failed.result,
    elapsedMs: failed.result.elapsedMs + rollback.result.elapsedMs,
    notes: [...failed.result.notes, ...rollbackNotes(rollback)],
    rollback: reportOf(failed.result, rollback, target.input),
  };
  const cause = failed.error as CliError;
  const before = failed.result.before as VpcSettings;
  // What the rollback read is what the function has now, whether it wrote or not.
  result.after = rollback.result.after ?? result.after;
  result.status = rollback.result.status ?? result.status;
  if (isBack(rollback)) {
    result.outcome = 'rolled-back';
    return { result, error: cause };
  }
  const reason = withoutName((rollback.error as CliError).message, target.input);
  const error = new CliError(
    'UpdateFailed',
    `${cause.message.replace(/\.$/, '')}. Rollback: ${WRITTEN_BACK[String(rollback.result.written)]} ${reason}`,
    {
      hint: `${cause.hint ? `${cause.hint} ` : ''}${restoreHint(rollback, target, before)}`,
      cause: rollback.error,
    },
  );
  result.outcome = 'failed';
  result.error = errorJson(error);
  return { result, error };
}

/**
 * A function this run had changed, after another function's failure (--fail-fast): back as it
 * was (`rolled-back`, no error); not touched (still `updated`, the reason in rollback.error and a
 * note); or written back without settling (the rollback's outcome and error, and how to finish).
 */
export function withPutBack(
  changed: FunctionResult,
  rollback: Applied,
  target: RollbackTarget,
  failedFunctions: readonly string[],
): Applied {
  const failedFunction = failedFunctions.join(', ');
  const result: FunctionResult = {
    ...changed,
    elapsedMs: changed.elapsedMs + rollback.result.elapsedMs,
    notes: [...changed.notes, ...rollbackNotes(rollback)],
    rollback: reportOf(changed, rollback, failedFunction),
    after: rollback.result.after ?? changed.after,
    status: rollback.result.status ?? changed.status,
  };
  if (isBack(rollback)) {
    result.outcome = 'rolled-back';
    result.notes.push(
      `Put back to its previous configuration because ${failedFunction} failed (--fail-fast --rollback-on-failure).`,
    );
    return { result };
  }
  const reason = withoutName((rollback.error as CliError).message, target.input);
  if (rollback.result.written === false) {
    result.notes.push(`Not put back after ${failedFunction} failed: ${reason}`);
    return { result };
  }
  const error = new CliError(
    rollback.error?.code ?? 'Internal',
    `${target.input}: putting it back after ${failedFunction} failed: ${WRITTEN_BACK[String(rollback.result.written)]} ${reason}`,
    {
      hint: `${rollback.error?.hint ? `${rollback.error.hint} ` : ''}${restoreHint(rollback, target, changed.before as VpcSettings)}`,
      cause: rollback.error,
    },
  );
  result.outcome = rollback.result.outcome;
  result.error = errorJson(error);
  return { result, error };
}
