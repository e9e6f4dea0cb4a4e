import type { CliError, ErrorCode, ExitCode } from '../errors.js';
import type { EniCount } from './enis.js';
import type { VpcSettings } from './plan.js';
import type { NetworkAnalysis } from './reachability/analyze.js';
import type { RemainingEnisReport } from './remaining-enis.js';
import type { FunctionStatus } from './settle.js';

/**
 * What happened to one function. This is the JSON schema's `results[]` entry (documented in
 * docs/json-output.md): add fields, never rename or remove them.
 */
export interface FunctionResult {
  /** The function as the user named it. */
  function: string;
  functionArn: string | null;
  /**
   * updated: written and settled; started: written, not waited for (--no-wait);
   * unchanged: already as requested, nothing written; planned: --dry-run;
   * failed: see error; status: the status command; skipped: never started, because
   * --fail-fast or an error that ends the run (credentials, Ctrl-C) stopped the batch first;
   * interrupted / timed-out: written (or maybe written), then Ctrl-C, SIGTERM or --timeout
   * ended the run while the update continues on AWS's side (see error for how to follow it);
   * rolled-back: --rollback-on-failure: the update failed and the previous VpcConfig was written
   * back and settled (error keeps why the update failed), or, with --fail-fast, the function was
   * put back because another function of the run failed (see rollback).
   */
  outcome: Outcome;
  /**
   * Whether AWS applied an UpdateFunctionConfiguration call of ours: `unknown` when one was
   * sent and its answer lost, and nothing read afterwards could tell (treat it as written).
   */
  written: boolean | 'unknown';
  /** attach/detach: the configuration before the change, to undo it by hand. status: null. */
  before: VpcSettings | null;
  /** attach/detach: the configuration after (as AWS reports it, or as requested if not yet known). */
  after: VpcSettings | null;
  /** status: the current configuration. */
  vpc: VpcSettings | null;
  status: StatusFields | null;
  elapsedMs: number;
  notes: string[];
  error: ErrorJson | null;
  /**
   * attach/detach: --rollback-on-failure put (or tried to put) the previous configuration back;
   * null when not asked or not needed. Absent from status results.
   */
  rollback?: RollbackReport | null;
  /** status: the network check of the function's VPC; null when not in a VPC, absent with --no-network. */
  network?: NetworkReport | null;
  /** status: Lambda's network interfaces serving the configuration; null when not in a VPC, absent with --no-network. */
  enis?: EniCount | null;
  /**
   * status: for a function not in a VPC, the interfaces Lambda still describes as its own and
   * whether its role can still delete them; null when in a VPC, absent with --no-network.
   */
  remainingEnis?: RemainingEnisReport | null;
}

/** What --rollback-on-failure did for one function (docs/json-output.md). */
export interface RollbackReport {
  /** The function whose update failed: this one, or (--fail-fast) the one that made the run put this one back. */
  failedFunction: string;
  /** The configuration that was undone: what the update had set, as AWS reported it. */
  undone: VpcSettings | null;
  /** Whether AWS applied the write that puts `before` back (`unknown`: its answer was lost and never resolved). */
  written: boolean | 'unknown';
  /** The configuration after the rollback as AWS reports it; null when the rollback never read the function. */
  after: VpcSettings | null;
  /** Why the previous configuration is not back and settled; null when it is. */
  error: ErrorJson | null;
}

export type Outcome =
  | 'updated'
  | 'started'
  | 'unchanged'
  | 'planned'
  | 'failed'
  | 'status'
  | 'skipped'
  | 'interrupted'
  | 'timed-out'
  | 'rolled-back';

/**
 * The outcome of a function whose work ended with an error: the run stopped (Ctrl-C, SIGTERM,
 * --timeout) after its update was sent is not a failure of the update, which goes on at AWS.
 * Nothing written (or the update refused), it failed.
 */
export function outcomeOfError(code: ErrorCode, written: FunctionResult['written']): Outcome {
  if (written === false) return 'failed';
  if (code === 'Interrupted') return 'interrupted';
  if (code === 'TimedOut') return 'timed-out';
  return 'failed';
}

/** Outcomes whose update was sent and may still be running on AWS's side. */
export const stillInProgress = (r: Pick<FunctionResult, 'outcome'>): boolean =>
  r.outcome === 'interrupted' || r.outcome === 'timed-out';

/** The JSON document's `summary`: how many functions ended each way (outcomes with none are left out). */
export interface Summary {
  total: number;
  outcomes: Partial<Record<Outcome, number>>;
}

export function summarize(results: readonly FunctionResult[]): Summary {
  const outcomes: Partial<Record<Outcome, number>> = {};
  for (const r of results) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  return { total: results.length, outcomes };
}

/** A function the batch stopped before it started: nothing was read or written. */
export function skippedResult(fn: string, reason: string): FunctionResult {
  return { ...emptyResult(fn), outcome: 'skipped', notes: [reason] };
}

/** A network check as JSON: the analysis (skippedReason says what was left out of a partial one), or why it was skipped. */
export type NetworkReport =
  | ({ checked: true; skippedReason: string | null } & NetworkAnalysis)
  | { checked: false; skippedReason: string };

export interface StatusFields {
  state: string | null;
  stateReason: string | null;
  stateReasonCode: string | null;
  lastUpdateStatus: string | null;
  lastUpdateStatusReason: string | null;
  lastUpdateStatusReasonCode: string | null;
  revisionId: string | null;
}

export interface ErrorJson {
  code: ErrorCode;
  exitCode: ExitCode;
  message: string;
  hint: string | null;
}

export const errorJson = (error: CliError): ErrorJson => ({
  code: error.code,
  exitCode: error.exitCode,
  message: error.message,
  hint: error.hint ?? null,
});

export function statusFields(c: FunctionStatus & { RevisionId?: string | undefined }): StatusFields {
  return {
    state: c.State ?? null,
    stateReason: c.StateReason ?? null,
    stateReasonCode: c.StateReasonCode ?? null,
    lastUpdateStatus: c.LastUpdateStatus ?? null,
    lastUpdateStatusReason: c.LastUpdateStatusReason ?? null,
    lastUpdateStatusReasonCode: c.LastUpdateStatusReasonCode ?? null,
    revisionId: c.RevisionId ?? null,
  };
}

export function emptyResult(fn: string): FunctionResult {
  return {
    function: fn,
    functionArn: null,
    outcome: 'failed',
    written: false,
    before: null,
    after: null,
    vpc: null,
    status: null,
    elapsedMs: 0,
    notes: [],
    error: null,
  };
}
