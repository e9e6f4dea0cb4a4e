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
import { emptyResult, errorJson, type FunctionResult, statusFields } from '../core/result.js';
import { isFailed, isSettled, remedyFor, statusLabel, updateFailedError } from '../core/settle.js';
import type { FunctionRef } from '../core/validate.js';
import { CliError, toCliError } from '../errors.js';
import { readFunction, updateVpcConfig } from '../services/lambda.js';
import { lambdaPollDelays, waitUntilSettled } from './wait-settled.js';

export interface ProgressEvent {
  fn: string;
  /** Short text for a spinner or a log line, e.g. "Active / InProgress". */
  text: string;
}

export interface ApplyDeps {
  lambda: LambdaClient;
  clock: Clock;
  signal?: AbortSignal | undefined;
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
  timeoutMs: number;
  resumeCommand: string;
  /**
   * Consulted once the function is read and a write is planned (dry runs included), before
   * anything is written: an error here fails the function with nothing written.
   */
  beforeWrite?: ((current: FunctionConfiguration) => Promise<CliError | undefined>) | undefined;
}

export interface Applied {
  result: FunctionResult;
  error?: CliError;
}

/** Re-plans after a concurrent change at most this often before giving up. */
export const MAX_PRECONDITION_RETRIES = 3;
/** Waits out someone else's in-progress update at most this often. */
export const MAX_CONFLICT_RETRIES = 5;

/**
 * Read → (wait out an update in progress) → plan → write with RevisionId → wait until settled.
 * A concurrent change (PreconditionFailedException) makes it read and plan again; an update
 * that started between our read and write (ResourceConflictException) is waited out. Both
 * bounded. Never throws: the result carries the error, and always the previous VpcConfig
 * once it was read, so the change can be undone.
 */
export async function applyVpcConfig(deps: ApplyDeps, request: ApplyRequest): Promise<Applied> {
  const { lambda, clock, signal } = deps;
  const now = () => clock.now();
  const { ref, desired } = request;
  const started = now();
  const deadline = started + request.timeoutMs;
  const result = emptyResult(request.input);
  const progress = (text: string) => deps.onProgress?.({ fn: request.input, text });
  const waitOptions = {
    deadline,
    resumeCommand: request.resumeCommand,
    signal,
    clock,
    ...lambdaPollDelays(deps.pollIntervalMs),
    onPoll: (c: FunctionConfiguration) => progress(statusLabel(c)),
  };
  let plan: VpcPlan | undefined;
  let role: string | undefined;
  const finish = (outcome: FunctionResult['outcome'], c: FunctionConfiguration): Applied => {
    result.outcome = outcome;
    result.functionArn = c.FunctionArn ?? result.functionArn;
    result.status = statusFields(c);
    result.elapsedMs = now() - started;
    return { result };
  };

  try {
    let preconditionRetries = 0;
    let conflictRetries = 0;
    for (;;) {
      progress('reading');
      let current = await readFunction(lambda, ref.id, { signal });
      role = current.Role;
      result.functionArn = current.FunctionArn ?? null;
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
        result.notes.push(
          isInVpc(desired)
            ? 'Already attached with this configuration; nothing written.'
            : 'Not in a VPC; nothing written.',
        );
        return finish('unchanged', current);
      }
      const refusal = await request.beforeWrite?.(current);
      if (refusal) {
        finish('failed', current);
        result.error = errorJson(refusal);
        return { result, error: refusal };
      }
      if (request.dryRun) return finish('planned', current);

      progress('updating');
      let updated: FunctionConfiguration;
      try {
        updated = await updateVpcConfig(lambda, ref.id, desired, current.RevisionId);
      } catch (error) {
        const name = (error as { name?: string }).name;
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
        throw error;
      }
      result.written = true;
      result.after = { ...plan.after, vpcId: vpcSettingsOf(updated.VpcConfig).vpcId ?? plan.after.vpcId };
      if (!request.wait) {
        result.notes.push(`Not waiting (--no-wait). Follow the update with: ${request.resumeCommand}`);
        return finish('started', updated);
      }
      const settled = await waitUntilSettled(lambda, ref.id, { ...waitOptions, justWritten: true });
      result.after = vpcSettingsOf(settled.VpcConfig);
      if (isFailed(settled)) {
        finish('failed', settled);
        const error = updateFailedError(request.input, settled);
        result.error = errorJson(error);
        return { result, error };
      }
      if (!sameVpcConfig(result.after, desired)) {
        finish('failed', settled);
        const error = replacedConcurrently(request.input, result.after);
        result.error = errorJson(error);
        return { result, error };
      }
      return finish('updated', settled);
    }
  } catch (thrown) {
    const error = roleLacksEc2Permissions(thrown, role) ?? toCliError(thrown, { region: deps.region });
    result.outcome = 'failed';
    result.elapsedMs = now() - started;
    result.error = errorJson(error);
    return { result, error };
  }
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
