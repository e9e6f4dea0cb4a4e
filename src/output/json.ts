import type { EmitReport } from '../core/emit.js';
import type { EniBudgetReport } from '../core/eni-budget.js';
import type { EnisReport, EniWaitJson } from '../core/enis.js';
import type { NetworkChoiceReport } from '../core/network-choice.js';
import type { PermissionsReport, PreflightPermissions } from '../core/permission-report.js';
import type { ReachReport } from '../core/reach-resolve.js';
import type { RemainingEnisReport } from '../core/remaining-enis.js';
import { type ErrorJson, type FunctionResult, type NetworkReport, summarize } from '../core/result.js';
import type { TeardownReport } from '../core/teardown-plan.js';
import type { ExitCode } from '../errors.js';

/**
 * Bumped only when a field changes meaning or goes away; new fields are additive. The schemas
 * in schemas/ describe this version (docs/json-output.md#changes says what changed).
 */
export const JSON_SCHEMA_VERSION = 2;

interface Body {
  exitCode: ExitCode;
  /** Why the command as a whole failed (stopped before writing, refused, undetermined), or null. */
  error: ErrorJson | null;
}

/** A section whose step did not run: present all the same, saying why (keys never come and go with flags). */
export interface NotChecked {
  checked: false;
  skippedReason: string;
}

export const notChecked = (skippedReason: string): NotChecked => ({ checked: false, skippedReason });

/** attach's network preflight: the analysis, or why it was skipped; `forced` when --force overrode an error. */
export type NetworkPreflightJson = NetworkReport & { forced: boolean };

/** Each section is present for its command whatever the flags: the step's report, or NotChecked. */
export interface ChangeBody extends Body {
  results: FunctionResult[];
  /** attach: the network preflight. */
  network?: NetworkPreflightJson;
  /** attach: the execution-role check, one entry per role. */
  permissions?: PreflightPermissions;
  /** detach: the wait for the network interfaces (--wait-enis). */
  enis?: EniWaitJson | NotChecked;
  /** attach: the paths to each target, checked before writing (--check-reach). */
  reach?: ({ checked: true } & ReachReport) | NotChecked;
  /** attach and detach: the change as an infrastructure-as-code tool writes it (--emit). */
  emit?: EmitReport | NotChecked;
  /** attach: what --vpc, --like and the name:/tag: selectors chose, and why. */
  choice?: NetworkChoiceReport | NotChecked;
  /** attach: the Lambda network interfaces the change creates, against the Region's quota. */
  eniBudget?: EniBudgetReport | NotChecked;
}

export interface StatusBody extends Body {
  results: FunctionResult[];
}

export interface CheckPermsBody extends Body {
  permissions: PermissionsReport;
  /**
   * A function not in a VPC: the interfaces Lambda still describes as its own and whether the
   * role can still delete them. null: in a VPC, not read, or --caller-only.
   */
  remainingEnis: RemainingEnisReport | null;
}

export interface EnisBody extends Body {
  enis: EnisReport;
}

/** reach: the configuration checked and, per target, the verdict and the path from each subnet. */
export interface ReachBody extends Body, ReachReport {}

/** teardown: the plan for a subnet, security group or VPC (docs/teardown.md). */
export interface TeardownBody extends Body {
  /** --execute: detach's results for step 1; empty otherwise. */
  results: FunctionResult[];
  /** The plan; after --execute ran step 1, the plan read again (what is left). */
  teardown: TeardownReport;
  /** --execute: whether step 1 ran, and if not why. */
  execution:
    | {
        checked: true;
        ran: boolean;
        skippedReason: string | null;
        /** The functions step 1 detached (or tried to: their results say how each ended). */
        detached: string[];
        /** Why detach as a whole stopped, or null. */
        error: ErrorJson | null;
        /** `teardown` is the plan read after step 1; false: it is the plan from before (step 1 did not run, or the read after failed). */
        planReadAfter: boolean;
      }
    | NotChecked;
  /** --execute: the wait for the network interfaces, as detach --wait-enis reports it. */
  enis: EniWaitJson | NotChecked;
}

/** What each command's workflow hands back: its JSON document without the envelope. */
export interface DocumentBodies {
  attach: ChangeBody;
  detach: ChangeBody;
  status: StatusBody;
  'check-perms': CheckPermsBody;
  enis: EnisBody;
  reach: ReachBody;
  teardown: TeardownBody;
}

export type CommandName = keyof DocumentBodies;

/** An error before any result (bad flags, no region, credentials): the command is null when not known. */
export interface ErrorBody extends Body {
  error: ErrorJson;
}

/** Commands whose documents carry one result per function, and so a summary of their outcomes. */
const PER_FUNCTION: ReadonlySet<CommandName | null> = new Set(['attach', 'detach', 'status']);

/**
 * The one JSON document a command prints on stdout (docs/json-output.md). `interruptedExitCode`:
 * the run was stopped by a signal (see interruptedExitCode in errors.ts); the document's exit
 * code, and that of every `Interrupted` error in it, is then the signal's, as the process's is.
 */
export function jsonDocument<N extends CommandName>(
  command: N | null,
  body: DocumentBodies[N] | ErrorBody,
  interruptedExitCode?: ExitCode,
): string {
  const { exitCode: own, error, ...sections } = body as Body & { results?: FunctionResult[] };
  const results = sections.results ?? [];
  delete sections.results;
  const doc = {
    schemaVersion: JSON_SCHEMA_VERSION,
    command,
    exitCode: interruptedExitCode ?? own,
    results,
    ...(PER_FUNCTION.has(command) ? { summary: summarize(results) } : {}),
    error,
    ...sections,
  };
  const signalled =
    interruptedExitCode === undefined
      ? undefined
      : (_key: string, value: unknown) =>
          isInterruptedError(value) ? { ...value, exitCode: interruptedExitCode } : value;
  return `${JSON.stringify(doc, signalled, 2)}\n`;
}

const isInterruptedError = (value: unknown): value is ErrorJson =>
  typeof value === 'object' &&
  value !== null &&
  (value as Partial<ErrorJson>).code === 'Interrupted' &&
  typeof (value as Partial<ErrorJson>).exitCode === 'number';
