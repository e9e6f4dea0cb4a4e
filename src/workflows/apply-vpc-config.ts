import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import {
  type DesiredVpc,
  isInVpc,
  planVpcChange,
  sameVpcConfig,
  type VpcPlan,
  type VpcSettings,
  vpcSettingsOf,
} from '../core/plan.js';
import type { Clock } from '../core/poll.js';
import { emptyResult, errorJson, type FunctionResult, outcomeOfError, statusFields } from '../core/result.js';
import { DEFAULT_MAX_ATTEMPTS, retryAfterMs, retryDelayMs } from '../core/retry-policy.js';
import { isFailed, isSettled, remedyFor, statusLabel, updateFailedError } from '../core/settle.js';
import type { FunctionRef } from '../core/validate.js';
import { CliError, isThrottling, isTransient, toCliError, wasNotSent } from '../errors.js';
import { readFunctionWithTags, updateVpcConfig } from '../services/lambda.js';
import type { Admission } from './change.js';
import type { Deadline } from './deadline.js';
import { lambdaPollDelays, waitUntilSettled } from './wait-settled.js';

export interface ProgressEvent {
  fn: string;
  /** Short text for a spinner or a log line, e.g. "Active / InProgress". */
  text: string;
}

export interface ApplyDeps {
  /** Reads (GetFunction), retried by the SDK. */
  lambda: LambdaClient;
  /**
   * The write (UpdateFunctionConfiguration), never retried by the SDK: a retry after a lost
   * answer must first find out whether the write was applied, which only this protocol can.
   * The reading client when absent.
   */
  writer?: LambdaClient | undefined;
  clock: Clock;
  /** Ctrl-C or SIGTERM. */
  signal?: AbortSignal | undefined;
  /** The run's --timeout: every call gets its signal, and nothing new starts after it. */
  deadline: Deadline;
  onProgress?: (event: ProgressEvent) => void;
  region?: string | undefined;
  /** The polling cadence override (LAMBDA_VPC_POLL_INTERVAL_MS); Lambda's own by default. */
  pollIntervalMs?: number | undefined;
}

export interface ApplyRequest {
  ref: FunctionRef;
  /** The function as the user typed it, for output. */
  input: string;
  desired: DesiredVpc;
  wait: boolean;
  dryRun: boolean;
  resumeCommand: string;
  /**
   * Consulted once the function is read and a write is planned (dry runs included), before
   * anything is written: an error here fails the function with nothing written.
   */
  beforeWrite?:
    | ((current: FunctionConfiguration, admission: Admission) => Promise<CliError | undefined>)
    | undefined;
  /**
   * Writes only over this revision (a rollback: the one our own update left). A function
   * changed since is someone else's change: it is left as it is (Conflict, nothing written),
   * and a PreconditionFailedException is not re-planned.
   */
  onlyOverRevision?: string | undefined;
  /**
   * The function as a read of this run just saw it (a rollback: the read that saw the update
   * end): the first pass plans from it instead of reading again; its RevisionId still guards
   * the write.
   */
  startFrom?: FunctionConfiguration | undefined;
}

export interface Applied {
  result: FunctionResult;
  error?: CliError;
  /** The function as last read, once it was settled (or refused by a gate): what a rollback starts from. */
  seen?: FunctionConfiguration;
}

/** Re-plans after a concurrent change at most this often before giving up. */
export const MAX_PRECONDITION_RETRIES = 3;
/** Waits out someone else's in-progress update at most this often. */
export const MAX_CONFLICT_RETRIES = 5;
/** Sends the write at most this often when AWS throttles it or its answer is lost (the SDK's 6 attempts). */
export const MAX_WRITE_ATTEMPTS = DEFAULT_MAX_ATTEMPTS;

/** A write whose answer never came (5xx, reset, timeout): it may or may not have been applied. */
interface UnansweredWrite {
  /** The revision it was sent with: still there means it was not applied. */
  revisionId: string | undefined;
}

/**
 * Read → (wait out an update in progress) → plan → write with RevisionId → wait until settled.
 * A concurrent change (PreconditionFailedException) makes it read and plan again; an update
 * that started between our read and write (ResourceConflictException) is waited out. A write
 * whose answer is lost is resolved by the next read: the configuration sent means it was
 * applied (written, and the undo stands); the revision unchanged means it was not, and it is
 * sent again. All bounded. Never throws: the result carries the error, and always the previous
 * VpcConfig once it was read, so the change can be undone.
 */
export async function applyVpcConfig(deps: ApplyDeps, request: ApplyRequest): Promise<Applied> {
  const { lambda, clock, deadline } = deps;
  const writer = deps.writer ?? lambda;
  const signal = deadline.signal;
  const now = () => clock.now();
  const { ref, desired } = request;
  const started = now();
  const result = emptyResult(request.input);
  const progress = (text: string) => deps.onProgress?.({ fn: request.input, text });
  const waitOptions = {
    deadline: deadline.at,
    resumeCommand: request.resumeCommand,
    signal,
    clock,
    ...lambdaPollDelays(deps.pollIntervalMs),
    onPoll: (c: FunctionConfiguration) => progress(statusLabel(c)),
  };
  let plan: VpcPlan | undefined;
  let role: string | undefined;
  let unanswered: UnansweredWrite | undefined;
  /** The revision our last write was sent over: a read still at it, Inactive, predates the write. */
  let writtenOver: string | undefined;
  /** An earlier lost write was never resolved (the function changed to something else since). */
  let lostEarlier = false;
  /** The error to end with once the read after the last write attempt has been made. */
  let givingUp: unknown;
  const finish = (outcome: FunctionResult['outcome'], c: FunctionConfiguration): Applied => {
    result.outcome = outcome;
    result.functionArn = c.FunctionArn ?? result.functionArn;
    result.status = statusFields(c);
    result.elapsedMs = now() - started;
    return { result, seen: c };
  };
  let reuse = request.startFrom;

  try {
    let preconditionRetries = 0;
    let conflictRetries = 0;
    let writeAttempts = 0;
    for (;;) {
      if (!reuse) progress('reading');
      const read = reuse
        ? { configuration: reuse, tags: {} }
        : await readFunctionWithTags(lambda, ref.id, { signal });
      reuse = undefined;
      let current = read.configuration;
      role = current.Role;
      result.functionArn = current.FunctionArn ?? null;
      let updated: FunctionConfiguration | undefined;
      if (unanswered) {
        const found = vpcSettingsOf(current.VpcConfig);
        if (sameVpcConfig(found, desired)) {
          // Ours: the configuration sent is there. `before` stays the plan's: what it replaced.
          result.notes.push(
            'The answer to the update was lost, but the function has the configuration sent: it was applied.',
          );
          updated = current;
        } else if (current.RevisionId === unanswered.revisionId) {
          result.written = lostEarlier ? 'unknown' : false;
          if (givingUp) throw givingUp;
          result.notes.push(
            'The answer to the update was lost and the function is unchanged: sent it again.',
          );
        } else {
          // Changed, but not to ours: someone else wrote after it, or instead of it.
          lostEarlier = true;
          if (givingUp) throw givingUp;
          result.notes.push(
            'The answer to the update was lost and the function has changed since, to another configuration: read it again and re-planned.',
          );
        }
        unanswered = undefined;
      }
      if (!updated) {
        const guard = request.onlyOverRevision;
        if (guard !== undefined && current.RevisionId !== guard) {
          result.before = vpcSettingsOf(current.VpcConfig);
          result.after = result.before;
          throw changedSince(request, guard);
        }
        if (!isSettled(current)) {
          if (request.dryRun) {
            result.notes.push(
              `An update is in progress (${statusLabel(current)}); a real run would wait for it first.`,
            );
          } else {
            progress(`waiting for an earlier update to settle (${statusLabel(current)})`);
            current = await waitUntilSettled(lambda, ref.id, waitOptions);
          }
        }
        plan = planVpcChange(vpcSettingsOf(current.VpcConfig), desired);
        result.before = plan.before;
        result.after = plan.after;
        if (!plan.changes) {
          if (result.written === 'unknown') {
            // Someone else set what we asked for after our lost write; ours may be among them.
            result.notes.push(
              'The function has the configuration asked for; whose write set it is not known.',
            );
            return finish('updated', current);
          }
          result.notes.push(
            isInVpc(desired)
              ? 'Already attached with this configuration; nothing written.'
              : 'Not in a VPC; nothing written.',
          );
          return finish('unchanged', current);
        }
        const refusal = await request.beforeWrite?.(current, {
          tags: read.tags,
          tagsError: read.tagsError,
          note: (text) => result.notes.push(text),
        });
        if (refusal) {
          const applied = finish('failed', current);
          result.error = errorJson(refusal);
          return { ...applied, error: refusal };
        }
        if (request.dryRun) return finish('planned', current);

        // The time is up: nothing more is sent.
        if (deadline.expiry.aborted) throw deadline.expiry.reason;
        progress('updating');
        writeAttempts++;
        writtenOver = current.RevisionId;
        try {
          updated = await updateVpcConfig(writer, ref.id, desired, current.RevisionId, {
            signal: deadline.expiry,
          });
        } catch (error) {
          const name = (error as { name?: string }).name;
          if (name === 'PreconditionFailedException' && request.onlyOverRevision !== undefined)
            throw changedSince(request, request.onlyOverRevision, error);
          if (name === 'PreconditionFailedException' && preconditionRetries < MAX_PRECONDITION_RETRIES) {
            preconditionRetries++;
            result.notes.push(
              'The function was changed by someone else after it was read; read it again and re-planned.',
            );
            continue;
          }
          if (name === 'ResourceConflictException' && conflictRetries < MAX_CONFLICT_RETRIES) {
            conflictRetries++;
            result.notes.push('Another update started before ours; waited for it and tried again.');
            // The read that follows may still see the other update settled for a moment.
            await clock.sleep(waitOptions.firstDelayMs * conflictRetries, signal);
            continue;
          }
          const answer = writeAnswer(error);
          if (answer === 'refused') throw error;
          if (answer === 'unknown') {
            result.written = 'unknown';
            unanswered = { revisionId: current.RevisionId };
          }
          if (deadline.expiry.aborted) throw error;
          if (writeAttempts >= MAX_WRITE_ATTEMPTS) {
            if (answer === 'throttled') throw error;
            // No more attempts; one more read still tells whether the last one was applied.
            givingUp = error;
            continue;
          }
          await clock.sleep(
            retryDelayMs(
              writeAttempts,
              answer === 'throttled' ? 'throttling' : 'transient',
              retryAfterMs(error, now()),
            ),
            signal,
          );
          continue;
        }
      }
      result.written = true;
      const sent = plan?.after ?? vpcSettingsOf(updated.VpcConfig);
      result.after = { ...sent, vpcId: vpcSettingsOf(updated.VpcConfig).vpcId ?? sent.vpcId };
      if (!request.wait) {
        result.notes.push(`Not waiting (--no-wait). Follow the update with: ${request.resumeCommand}`);
        return finish('started', updated);
      }
      const settled = isSettled(updated)
        ? updated
        : await waitUntilSettled(lambda, ref.id, {
            ...waitOptions,
            justWritten: true,
            revisionBeforeWrite: writtenOver,
          });
      result.after = vpcSettingsOf(settled.VpcConfig);
      if (isFailed(settled)) {
        const applied = finish('failed', settled);
        const error = updateFailedError(request.input, settled);
        result.error = errorJson(error);
        return { ...applied, error };
      }
      if (!sameVpcConfig(result.after, desired)) {
        const applied = finish('failed', settled);
        const error = replacedConcurrently(request.input, result.after);
        result.error = errorJson(error);
        return { ...applied, error };
      }
      return finish('updated', settled);
    }
  } catch (thrown) {
    const error =
      roleLacksEc2Permissions(thrown, role) ??
      unansweredAtTheEnd(thrown, result, request) ??
      toCliError(thrown, { region: deps.region });
    result.outcome = outcomeOfError(error.code, result.written);
    result.elapsedMs = now() - started;
    result.error = errorJson(error);
    return { result, error };
  }
}

/**
 * What a failed write says about the function: `refused` (AWS answered no, or the request never left: nothing applied),
 * `throttled` (refused for now: send again later), or `unknown` (no answer: a 5xx, a reset
 * connection, a timeout; AWS may have applied it).
 */
function writeAnswer(error: unknown): 'refused' | 'throttled' | 'unknown' {
  if (wasNotSent(error)) return 'refused';
  if (isThrottling(error)) return 'throttled';
  return isTransient(error) || isAbort(error) ? 'unknown' : 'refused';
}

const isAbort = (error: unknown) => (error as { name?: string })?.name === 'AbortError';

/** The run ended (timeout, Ctrl-C, attempts spent) before a lost write was resolved: say so. */
function unansweredAtTheEnd(
  thrown: unknown,
  result: FunctionResult,
  request: ApplyRequest,
): CliError | undefined {
  if (result.written !== 'unknown') return undefined;
  const cause = toCliError(thrown);
  return new CliError(
    cause.code,
    `${request.input}: the update was sent, but whether AWS applied it is not known (${cause.message.replace(/\.$/, '')}).`,
    {
      hint: `See what the function has now with: ${request.resumeCommand.replace(/ --wait$/, '')}. The undo below restores what it had.`,
      cause: thrown,
    },
  );
}

/**
 * Lambda refuses the update outright (InvalidParameterValueException) when the execution role
 * cannot create network interfaces. That is a permission problem with a known fix, not bad input.
 */
function roleLacksEc2Permissions(thrown: unknown, role: string | undefined): CliError | undefined {
  const e = thrown as { name?: string; message?: string; $metadata?: { requestId?: string } };
  if (
    e.name !== 'InvalidParameterValueException' ||
    !/execution role does not have permissions/i.test(e.message ?? '')
  ) {
    return undefined;
  }
  return new CliError('AccessDenied', `Lambda refused the update: ${e.message}`, {
    hint: remedyFor('InsufficientRolePermissions', { Role: role }),
    cause: thrown,
    requestId: e.$metadata?.requestId,
  });
}

/** The function is no longer at the revision a rollback may write over: someone else changed it. */
function changedSince(request: ApplyRequest, revisionId: string, cause?: unknown): CliError {
  return new CliError(
    'Conflict',
    `${request.input}: changed by someone else since revision ${revisionId}; left as it is, so as not to overwrite their change.`,
    { hint: `See what the function has now with: ${request.resumeCommand.replace(/ --wait$/, '')}`, cause },
  );
}

/**
 * Our update settled, but the function ended with another configuration: someone else's
 * update, sent after ours, replaced it. Ours was written; what stands is theirs.
 */
function replacedConcurrently(fn: string, found: VpcSettings): CliError {
  const what = isInVpc(found)
    ? `subnets ${found.subnetIds.join(', ')}, security groups ${found.securityGroupIds.join(', ')}`
    : 'no VPC';
  return new CliError(
    'Conflict',
    `${fn}: a concurrent change replaced this update: the function now has ${what}.`,
    {
      hint: 'Find out who else changes the function (a deploy, another lambda-vpc run), then run the command again.',
    },
  );
}
