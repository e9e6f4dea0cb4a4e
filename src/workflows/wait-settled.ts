import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import { type Clock, poll } from '../core/poll.js';
import { settledAfterWrite, statusLabel } from '../core/settle.js';
import { CliError, isTransient } from '../errors.js';
import { readFunction } from '../services/lambda.js';

const POLL_FIRST_DELAY_MS = 1_000;
const POLL_MAX_DELAY_MS = 5_000;
const POLL_BACKOFF = 1.25;

/** Lambda's cadence, or the LAMBDA_VPC_POLL_INTERVAL_MS override (emulators, tests) and five times it. */
export const lambdaPollDelays = (intervalMs: number | undefined) =>
  intervalMs === undefined
    ? { firstDelayMs: POLL_FIRST_DELAY_MS, maxDelayMs: POLL_MAX_DELAY_MS }
    : { firstDelayMs: intervalMs, maxDelayMs: intervalMs * 5 };

export interface WaitOptions {
  /** Absolute time (ms, on `clock`) after which waiting stops with TimedOut. */
  deadline: number;
  /** The command that resumes waiting, for the timeout and interrupt messages. */
  resumeCommand: string;
  clock: Clock;
  qualifier?: string | undefined;
  signal?: AbortSignal | undefined;
  firstDelayMs: number;
  maxDelayMs: number;
  onPoll?: (configuration: FunctionConfiguration) => void;
  onTransientError?: (error: unknown) => void;
  /**
   * An update was just accepted: its answer already said InProgress, so the first read waits
   * one poll interval instead of spending a GetFunction on what is already known.
   */
  justWritten?: boolean;
  /**
   * The RevisionId the function had before our write: a read still showing it Inactive at that
   * revision predates the write, and the wait goes on (core/settle.ts settledAfterWrite).
   */
  revisionBeforeWrite?: string | undefined;
}

/**
 * Polls GetFunction until the function has settled (see isSettled) and returns the settled
 * configuration, Failed included: the caller decides whether a failed update is an error.
 * Errors the SDK already retried (throttling, 5xx, dropped connections) are polled through
 * until the deadline; any other error (access denied, not found) ends the wait at once.
 */
export function waitUntilSettled(
  lambda: LambdaClient,
  functionId: string,
  options: WaitOptions,
): Promise<FunctionConfiguration> {
  const { signal, resumeCommand } = options;
  // With many functions waiting, the GetFunction budget serves first the waits begun earliest.
  const rank = options.clock.now();
  return poll({
    read: () => readFunction(lambda, functionId, { qualifier: options.qualifier, signal, rank }),
    done: (c) => settledAfterWrite(c, options.revisionBeforeWrite),
    deadline: options.deadline,
    clock: options.clock,
    signal,
    firstDelayMs: options.firstDelayMs,
    maxDelayMs: options.maxDelayMs,
    backoff: POLL_BACKOFF,
    startWithPause: options.justWritten,
    isTransient,
    onValue: options.onPoll,
    onTransientError: options.onTransientError,
    timedOut: (last) =>
      new CliError('TimedOut', `Timed out waiting for ${functionId} to settle${lastSeen(last)}.`, {
        hint: `The update continues on AWS's side. Resume waiting with: ${resumeCommand}`,
      }),
    interrupted: (last) =>
      new CliError('Interrupted', `Stopped waiting for ${functionId}${lastSeen(last)}.`, {
        hint: `Any update already sent continues on AWS's side. Follow it with: ${resumeCommand}`,
      }),
  });
}

const lastSeen = (c: FunctionConfiguration | undefined) => (c ? ` (last seen: ${statusLabel(c)})` : '');
