import {
  type FunctionConfiguration,
  GetFunctionCommand,
  type LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { realSleep, type Sleep } from '../aws/sleep.js';
import { type DesiredVpc, toVpcConfigRequest } from '../core/plan.js';
import { isSettled, statusLabel } from '../core/settle.js';
import { CliError } from '../errors.js';

export { realSleep, type Sleep };

/**
 * Reads with GetFunction rather than GetFunctionConfiguration: it has its own 100 requests/s
 * budget instead of the 15/s the control plane shares, which matters when polling.
 */
export async function readFunction(
  lambda: LambdaClient,
  functionId: string,
  options: { qualifier?: string | undefined; signal?: AbortSignal | undefined } = {},
): Promise<FunctionConfiguration> {
  const out = await lambda.send(
    new GetFunctionCommand({
      FunctionName: functionId,
      ...(options.qualifier ? { Qualifier: options.qualifier } : {}),
    }),
    options.signal ? { abortSignal: options.signal } : {},
  );
  return out.Configuration ?? {};
}

/**
 * Sends only VpcConfig, guarded by the RevisionId that was read, so a change someone else
 * made in between fails with PreconditionFailedException instead of being overwritten.
 * Not abortable: once sent, a write must be seen through to its answer.
 */
export async function updateVpcConfig(
  lambda: LambdaClient,
  functionId: string,
  desired: DesiredVpc,
  revisionId: string | undefined,
): Promise<FunctionConfiguration> {
  return lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: functionId,
      VpcConfig: toVpcConfigRequest(desired),
      ...(revisionId ? { RevisionId: revisionId } : {}),
    }),
  );
}

export interface WaitOptions {
  /** Absolute time (ms, same clock as `now`) after which waiting stops with TimedOut. */
  deadline: number;
  /** The command that resumes waiting, for the timeout and interrupt messages. */
  resumeCommand: string;
  qualifier?: string | undefined;
  signal?: AbortSignal | undefined;
  sleep?: Sleep;
  now?: () => number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  onPoll?: (configuration: FunctionConfiguration) => void;
  onTransientError?: (error: unknown) => void;
  /**
   * An update was just accepted: its answer already said InProgress, so the first read waits
   * one poll interval instead of spending a GetFunction on what is already known.
   */
  justWritten?: boolean;
}

export const POLL_FIRST_DELAY_MS = 1_000;
export const POLL_MAX_DELAY_MS = 5_000;
const POLL_BACKOFF = 1.25;

/**
 * Polls GetFunction until the function has settled (see isSettled) and returns the settled
 * configuration, Failed included: the caller decides whether a failed update is an error.
 * Errors the SDK already retried (throttling, 5xx, dropped connections) are polled through
 * until the deadline; any other error (access denied, not found) ends the wait at once,
 * unlike the SDK's own waiter, which spins on every exception.
 */
export async function waitUntilSettled(
  lambda: LambdaClient,
  functionId: string,
  options: WaitOptions,
): Promise<FunctionConfiguration> {
  const { sleep = realSleep, now = Date.now, signal } = options;
  const maxDelay = options.maxDelayMs ?? POLL_MAX_DELAY_MS;
  let nextDelay = options.firstDelayMs ?? POLL_FIRST_DELAY_MS;
  let last: FunctionConfiguration | undefined;
  const pause = async () => {
    const remaining = options.deadline - now();
    if (remaining <= 0) throw timedOut(functionId, last, options.resumeCommand);
    try {
      await sleep(Math.min(nextDelay, remaining), signal);
    } catch (error) {
      if (signal?.aborted) throw interrupted(functionId, last, options.resumeCommand);
      throw error;
    }
    nextDelay = Math.min(nextDelay * POLL_BACKOFF, maxDelay);
  };
  if (options.justWritten) await pause();
  for (;;) {
    if (signal?.aborted) throw interrupted(functionId, last, options.resumeCommand);
    try {
      last = await readFunction(lambda, functionId, { qualifier: options.qualifier, signal });
      options.onPoll?.(last);
      if (isSettled(last)) return last;
    } catch (error) {
      if (signal?.aborted) throw interrupted(functionId, last, options.resumeCommand);
      if (!isTransient(error)) throw error;
      options.onTransientError?.(error);
    }
    await pause();
  }
}

function isTransient(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $retryable?: unknown; $fault?: string };
  if (e.$retryable || e.$fault === 'server') return true;
  const name = e.name ?? '';
  return (
    ['TooManyRequestsException', 'ThrottlingException', 'TimeoutError', 'RequestTimeout'].includes(name) ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(e.code ?? name)
  );
}

const lastSeen = (c: FunctionConfiguration | undefined) => (c ? ` (last seen: ${statusLabel(c)})` : '');

function timedOut(functionId: string, c: FunctionConfiguration | undefined, resume: string) {
  return new CliError('TimedOut', `Timed out waiting for ${functionId} to settle${lastSeen(c)}.`, {
    hint: `The update continues on AWS's side. Resume waiting with: ${resume}`,
  });
}

function interrupted(functionId: string, c: FunctionConfiguration | undefined, resume: string) {
  return new CliError('Interrupted', `Stopped waiting for ${functionId}${lastSeen(c)}.`, {
    hint: `Any update already sent continues on AWS's side. Follow it with: ${resume}`,
  });
}
