import type { Command } from 'commander';
import type { DesiredVpc } from '../core/plan.js';
import { errorJson, type FunctionResult, summarize } from '../core/result.js';
import { parseDuration, parseFunctionRef, requireUnqualified } from '../core/validate.js';
import { type CliError, type ExitCode, worstExitCode } from '../errors.js';
import { createProgress } from '../output/progress.js';
import { jsonDocument, renderChange, renderChangeSummary } from '../output/render.js';
import type { EniWaitRequest } from './detach-enis.js';
import type { Ctx } from './session.js';
import { Session } from './session.js';
import { concurrencyOf, type FleetOptions, runBatch, type Target } from './targets.js';

export interface ChangeOptions extends FleetOptions {
  wait: boolean;
  timeout: string;
  dryRun?: boolean;
}

export interface ParsedTargets {
  targets: Target[];
  timeoutMs: number;
  concurrency: number;
  failFast: boolean;
}

/** Flags → typed input, before any AWS call; throws a usage CliError on bad input. */
export function parseTargets(
  functions: string[],
  options: ChangeOptions,
  command: 'attach' | 'detach',
): ParsedTargets {
  const seen = new Set<string>();
  const targets = functions
    .map((input) => ({ input, ref: requireUnqualified(parseFunctionRef(input), command) }))
    .filter(({ ref }) => !seen.has(ref.id) && Boolean(seen.add(ref.id)));
  return {
    targets,
    timeoutMs: parseDuration(options.timeout),
    concurrency: concurrencyOf(options),
    failFast: Boolean(options.failFast),
  };
}

export type ChangeInput = ParsedTargets & {
  desired: DesiredVpc;
  notes: string[];
  wait: boolean;
  dryRun: boolean;
  /** attach only: the network preflight (--force, --skip-network-check). */
  network?: { force: boolean; skip: boolean };
  /** attach only: the execution-role preflight (--skip-perms-check). */
  permissions?: { skip: boolean };
  /** detach only: published versions still in a VPC, and --wait-enis. */
  enis?: EniWaitRequest;
};

/**
 * The attach/detach protocol for every function, up to --concurrency at once, each result on
 * stdout as it finishes, then a summary (human) or the one JSON document.
 */
export async function runChange(
  command: 'attach' | 'detach',
  cmd: Command,
  ctx: Ctx,
  input: ChangeInput,
): Promise<ExitCode> {
  const session = Session.open(cmd, ctx);
  try {
    return await changeEach(command, session, input);
  } finally {
    session.aws.destroy();
  }
}

async function changeEach(
  command: 'attach' | 'detach',
  session: Session,
  input: ChangeInput,
): Promise<ExitCode> {
  const { ui, ctx } = session;
  const region = await session.region(input.targets);
  if (ui.format === 'human') for (const note of input.notes) ui.note(note);
  /** Extra top-level JSON fields from checks that run before any write (additive to the schema). */
  const preflight: Record<string, unknown> = {};
  const stopBeforeWriting = (stop: CliError): ExitCode => {
    ui.error(stop);
    if (ui.format === 'json') ui.result(jsonDocument(command, stop.exitCode, [], errorJson(stop), preflight));
    return stop.exitCode;
  };
  // Preflight checks go here, before the first write and once per command (not per function):
  // they add to `preflight`, print findings on stderr, and return an exit code to stop before writing.
  if (command === 'attach' && input.network) {
    const { checkNetworkBeforeAttach } = await import('./network-check.js');
    const stop = await checkNetworkBeforeAttach(session, region, input.desired, input.network, preflight);
    if (stop) return stopBeforeWriting(stop);
  }
  // The execution-role check is per function, right before its write, once per role: a role
  // lacking the permissions fails its own functions, not the batch.
  const gate =
    command === 'attach' && input.permissions
      ? (await import('./perms-preflight.js')).roleGate(
          session,
          input.targets.map((t) => t.input),
          input.permissions,
        )
      : undefined;
  const detachEnis =
    command === 'detach' && input.enis
      ? await (await import('./detach-enis.js')).checkPublishedVersions(session, input.targets, input.enis)
      : undefined;
  const { applyVpcConfig } = await import('../services/vpc-update.js');
  const lambda = await session.aws.lambda();
  const progress = await createProgress(ui, session.now, input.targets.length);
  const printedNotes = new Set(input.notes);
  const changeOne = async ({ ref, input: fn }: Target) => {
    const { result, error } = await applyVpcConfig(
      {
        lambda,
        region,
        signal: ctx.signal,
        ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
        now: session.now,
        ...session.pollDelays(),
        onProgress: (event) => progress.update(event.fn, event.text),
      },
      {
        ref,
        input: fn,
        desired: input.desired,
        wait: input.wait,
        dryRun: input.dryRun,
        timeoutMs: input.timeoutMs,
        resumeCommand: `${session.cliPrefix} status ${fn} --wait`,
        beforeWrite: gate && ((current) => gate.admit(fn, current.Role)),
      },
    );
    progress.done(fn, !error);
    result.notes.unshift(...input.notes);
    if (command === 'detach' && result.written) result.notes.push(DETACH_NOTE);
    progress.print(() => {
      if (ui.format === 'human') {
        ui.result(renderChange(result, command, ui.out, session.cliPrefix));
        // Notes every function shares (the detach note) are printed once per run.
        for (const note of result.notes.filter((n) => !printedNotes.has(n))) {
          ui.note(note);
          if (note === DETACH_NOTE) printedNotes.add(note);
        }
      }
      if (error) ui.error(error, error.message.includes(fn) ? '' : `${fn}: `);
    });
    return { result, error };
  };
  let results: FunctionResult[];
  try {
    ({ results } = await runBatch(input.targets, input, changeOne));
  } finally {
    progress.stop();
  }
  if (gate) preflight.permissions = gate.summary();
  if (ui.format === 'human' && results.length > 1)
    ui.result(renderChangeSummary(summarize(results), command, ui.out));
  const exitCodes = results.map((r) => r.error?.exitCode ?? 0);
  if (detachEnis)
    exitCodes.push(
      await (await import('./detach-enis.js')).afterDetach(session, detachEnis, results, preflight),
    );
  const exitCode = worstExitCode(exitCodes);
  if (ui.format === 'json') ui.result(jsonDocument(command, exitCode, results, null, preflight));
  return exitCode;
}

export const DETACH_NOTE =
  "Lambda deletes the function's network interfaces within about 20 minutes, and only once no other function or published version uses the same subnets and security groups. Keep the execution role's EC2 permissions until then, or the interfaces are stranded and must be deleted by hand.";

export const timeoutOption = [
  '--timeout <duration>',
  'how long to wait for the update to settle (e.g. 90s, 15m, 1h)',
  '15m',
] as const;
