import type { ChalkInstance } from 'chalk';
import {
  type FunctionVersionNetwork,
  type NetworkInterfaceInfo,
  planEniRelease,
  publishedVersionsInVpc,
  versionLabel,
} from '../core/enis.js';
import { type ErrorJson, errorJson, type FunctionResult } from '../core/result.js';
import { parseFunctionRef } from '../core/validate.js';
import { CliError, ExitCode, toCliError } from '../errors.js';
import { createProgress } from '../output/progress.js';
import { realSleep } from '../services/lambda.js';
import type { Session } from './session.js';
import type { Target } from './targets.js';

/** AWS needs no faster polling: Lambda takes minutes to delete an interface. */
export const ENI_POLL_MS = 15_000;
const PROGRESS_KEY = 'network interfaces';

export interface EniWaitRequest {
  /** --wait-enis */
  wait: boolean;
  timeoutMs: number;
}

/** What the pre-detach check learnt, handed to the post-detach step. */
export interface DetachEniContext {
  request: EniWaitRequest;
  /** Who may hold interfaces; null when it could not be listed. */
  versions: FunctionVersionNetwork[] | null;
  listingError: CliError | null;
  notes: Map<string, string[]>;
}

/** The additive top-level `enis` field of detach's JSON document (docs/json-output.md). */
export interface EniWaitJson {
  waited: boolean;
  deleted: string[];
  remaining: string[];
  kept: Array<{ id: string; subnetId: string; usedBy: string[] }>;
  elapsedMs: number;
  error: ErrorJson | null;
}

/**
 * Before any write: warn about published versions still in a VPC, since they keep the
 * interfaces after $LATEST leaves. The --wait-enis step needs everyone who may share an
 * interface, so it lists the account once (ListFunctions ALL); a plain detach needs only the
 * targets' own versions, one ListVersionsByFunction each, which is far cheaper in a big account.
 */
export async function checkPublishedVersions(
  session: Session,
  targets: readonly Target[],
  request: EniWaitRequest,
): Promise<DetachEniContext> {
  const { ui, ctx } = session;
  const context: DetachEniContext = { request, versions: null, listingError: null, notes: new Map() };
  const { listAllFunctionVersions, listVersionsOf } = await import('../services/function-versions.js');
  const lambda = await session.aws.lambda();
  try {
    context.versions = request.wait
      ? await listAllFunctionVersions(lambda, ctx.signal)
      : (
          await Promise.all(
            targets.map(({ ref }) =>
              // An unknown function is detach's own error to report, a moment later.
              listVersionsOf(lambda, ref.id, ctx.signal).catch((e: unknown) => {
                if ((e as { name?: string }).name === 'ResourceNotFoundException') return [];
                throw e;
              }),
            ),
          )
        ).flat();
  } catch (thrown) {
    const error = toCliError(thrown);
    if (error.code === 'Interrupted') throw error;
    context.listingError = error;
    if (ui.format === 'human')
      ui.warn(`Could not check for published versions still in a VPC: ${error.message}`);
    return context;
  }
  for (const { ref, input } of targets) {
    const published = publishedVersionsInVpc(ref.name, context.versions);
    if (published.length === 0) continue;
    const list = published.map((v) => v.version).join(', ');
    const note = `Published version${published.length > 1 ? 's' : ''} ${list} of ${ref.name} still use${published.length > 1 ? '' : 's'} a VPC and keep${published.length > 1 ? '' : 's'} its network interfaces until deleted; detach changes $LATEST only. Delete a version with: aws lambda delete-function --function-name ${ref.name} --qualifier ${published[0]?.version ?? 'N'}`;
    context.notes.set(input, [note]);
    if (ui.format === 'human') ui.warn(note);
  }
  return context;
}

/**
 * After the updates: adds the notes, and with --wait-enis follows the interfaces only the
 * detached functions held until Lambda has deleted them. Returns the wait's exit code.
 */
export async function afterDetach(
  session: Session,
  context: DetachEniContext,
  results: FunctionResult[],
  jsonExtra: Record<string, unknown>,
): Promise<ExitCode> {
  for (const r of results) r.notes.push(...(context.notes.get(r.function) ?? []));
  if (!context.request.wait) return ExitCode.Success;
  const leaving: FunctionVersionNetwork[] = results.flatMap((r) =>
    r.written && r.outcome === 'updated' && r.before && r.before.subnetIds.length > 0
      ? [
          {
            functionName: parseFunctionRef(r.function).name,
            version: '$LATEST',
            subnetIds: r.before.subnetIds,
            securityGroupIds: r.before.securityGroupIds,
          },
        ]
      : [],
  );
  const report: EniWaitJson = {
    waited: false,
    deleted: [],
    remaining: [],
    kept: [],
    elapsedMs: 0,
    error: null,
  };
  jsonExtra.enis = report;
  if (leaving.length === 0) return ExitCode.Success;
  const started = session.now();
  try {
    if (!context.versions)
      throw new CliError(
        context.listingError?.code ?? 'Internal',
        `--wait-enis cannot tell which interfaces other functions still use: ${context.listingError?.message ?? 'no listing'}`,
        { hint: 'It needs lambda:ListFunctions and ec2:DescribeNetworkInterfaces (docs/permissions.md).' },
      );
    await waitForRelease(session, leaving, context.versions, context.request.timeoutMs, report);
    return ExitCode.Success;
  } catch (thrown) {
    const error = toCliError(thrown);
    report.error = errorJson(error);
    session.ui.error(error);
    return error.exitCode;
  } finally {
    report.elapsedMs = session.now() - started;
  }
}

async function waitForRelease(
  session: Session,
  leaving: FunctionVersionNetwork[],
  versions: FunctionVersionNetwork[],
  timeoutMs: number,
  report: EniWaitJson,
): Promise<void> {
  const { ui, ctx } = session;
  const { signal } = ctx;
  const { describeNetworkInterfaces } = await import('../services/enis.js');
  const ec2 = await session.aws.ec2();
  const enis = await describeNetworkInterfaces(ec2, {
    subnetIds: leaving.flatMap((l) => l.subnetIds),
    lambdaOnly: true,
    signal,
  });
  const plan = planEniRelease(enis, leaving, versions);
  const awaited = plan.awaited.map((e) => e.id);
  report.kept = plan.kept.map(({ eni, usedBy }) => ({
    id: eni.id,
    subnetId: eni.subnetId,
    usedBy: usedBy.map(versionLabel),
  }));
  report.waited = awaited.length > 0;
  let remaining = awaited;
  const update = () => {
    report.remaining = remaining;
    report.deleted = awaited.filter((id) => !remaining.includes(id));
  };
  update();
  const started = session.now();
  const deadline = started + timeoutMs;
  const sleep = ctx.sleep ?? realSleep;
  const interval = session.pollDelays().firstDelayMs ?? ENI_POLL_MS;
  const progress = await createProgress(ui, session.now);
  try {
    while (remaining.length > 0) {
      progress.update(
        PROGRESS_KEY,
        `waiting for Lambda to delete ${remaining.length} of ${awaited.length}: ${remaining.join(', ')}`,
      );
      const left = deadline - session.now();
      if (left <= 0) throw timedOut(session, remaining, timeoutMs);
      try {
        await sleep(Math.min(interval, left), signal);
        const found = await describeNetworkInterfaces(ec2, { eniIds: remaining, lambdaOnly: false, signal });
        remaining = remaining.filter((id) => found.some((e) => e.id === id));
        update();
      } catch (error) {
        if (signal?.aborted) throw interrupted(session, remaining);
        const e = toCliError(error);
        // Throttling, 5xx and dropped connections were already retried by the SDK: poll on until the deadline.
        if (e.code !== 'Throttled' && e.code !== 'ServiceError' && e.code !== 'Network') throw e;
      }
    }
    if (awaited.length > 0) progress.done(PROGRESS_KEY, true);
  } finally {
    progress.stop();
  }
  if (ui.format === 'human')
    ui.result(renderRelease(plan.awaited, plan.kept, session.now() - started, ui.out));
}

const formatWait = (ms: number) =>
  ms < 1000 ? `${ms}ms` : ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)}m`;

const eniCheck = (session: Session, ids: readonly string[]) =>
  `${session.cliPrefix} enis --eni ${ids[0] ?? 'eni-…'}`;

function timedOut(session: Session, remaining: readonly string[], timeoutMs: number): CliError {
  return new CliError(
    'TimedOut',
    `Timed out after ${formatWait(timeoutMs)} waiting for Lambda to delete ${remaining.join(', ')}.`,
    {
      hint: `Lambda usually deletes them within 20 minutes (P99 about 35). See who still uses one: ${eniCheck(session, remaining)}. If none does and the execution role lost its EC2 permissions, it is stranded: delete it by hand (docs/enis.md).`,
    },
  );
}

function interrupted(session: Session, remaining: readonly string[]): CliError {
  return new CliError('Interrupted', `Stopped waiting for Lambda to delete ${remaining.join(', ')}.`, {
    hint: `Lambda goes on deleting them. Check later with: ${eniCheck(session, remaining)}`,
  });
}

function renderRelease(
  awaited: readonly NetworkInterfaceInfo[],
  kept: ReadonlyArray<{ eni: NetworkInterfaceInfo; usedBy: FunctionVersionNetwork[] }>,
  elapsedMs: number,
  c: ChalkInstance,
): string {
  const lines =
    awaited.length > 0
      ? [
          `${c.green('✔')} Lambda deleted ${awaited.length} network interface${awaited.length > 1 ? 's' : ''} (${Math.round(elapsedMs / 1000)}s): ${awaited.map((e) => e.id).join(', ')}`,
        ]
      : kept.length > 0
        ? ['No network interface to wait for: another function or version still uses each one.']
        : ['No Lambda network interface of the old configuration is left.'];
  for (const { eni, usedBy } of kept)
    lines.push(
      `${c.cyan('○')} ${eni.id} (${eni.subnetId}) stays: still used by ${usedBy.map(versionLabel).join(', ')}`,
    );
  return lines.join('\n');
}
