import { Command } from 'commander';
import { vpcSettingsOf } from '../core/plan.js';
import { emptyResult, errorJson, type FunctionResult, statusFields } from '../core/result.js';
import { isFailed, isSettled, statusLabel, updateFailedError } from '../core/settle.js';
import { type FunctionRef, parseDuration, parseFunctionRef } from '../core/validate.js';
import { stopsTheBatch, toCliError, usageError, worstExitCode } from '../errors.js';
import { createProgress } from '../output/progress.js';
import { jsonDocument, renderStatus } from '../output/render.js';
import { renderEniCountRow } from '../output/render-enis.js';
import { renderNetworkSection } from '../output/render-network.js';
import { type Ctx, Session } from './session.js';

interface StatusOptions {
  qualifier?: string;
  wait: boolean;
  timeout: string;
  /** false with --no-network. */
  network: boolean;
}

function parseStatusTarget(
  input: string,
  qualifier: string | undefined,
): { ref: FunctionRef; input: string } {
  const ref = parseFunctionRef(input);
  if (qualifier !== undefined) {
    if (!/^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/.test(qualifier))
      throw usageError(`--qualifier '${qualifier}' is not a version or alias name.`);
    if (ref.qualifier && ref.qualifier !== qualifier) {
      throw usageError(`'${input}' names qualifier ${ref.qualifier}, but --qualifier says ${qualifier}.`);
    }
    return { ref: { ...ref, qualifier }, input };
  }
  return { ref, input };
}

export const statusCommand = (ctx: Ctx, done: (code: number) => void) =>
  new Command('status')
    .description(
      "show a function's VPC configuration, State and LastUpdateStatus; --wait blocks until settled",
    )
    .argument(
      '<function...>',
      'function names, full ARNs or partial ARNs (name:qualifier for a version or alias)',
    )
    .option('--qualifier <version-or-alias>', 'a published version or alias (default $LATEST)')
    .option('--wait', 'wait until State is not Pending and LastUpdateStatus is not InProgress', false)
    .option('--timeout <duration>', 'with --wait: how long to wait (e.g. 90s, 15m, 1h)', '15m')
    .option('--no-network', 'skip the network section (no EC2 read: subnets, routes, security groups)')
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc status my-fn
  $ lambda-vpc status my-fn --wait --timeout 10m      # in CI: exit 0 once settled, 6 if the update failed
  $ lambda-vpc status my-fn --qualifier 3 --output json
  $ lambda-vpc status my-fn other-fn --no-network      # without EC2 read permissions

For a function in a VPC, status also shows the VPC, each subnet's route verdict (internet via
NAT, public subnet without internet, isolated), the security groups' egress, the VPC
endpoints, and what the function can reach (docs/network.md).`,
    )
    .action(async (functions: string[], options: StatusOptions, cmd: Command) => {
      const targets = functions.map((fn) => parseStatusTarget(fn, options.qualifier));
      const timeoutMs = parseDuration(options.timeout);
      const session = Session.open(cmd, ctx);
      try {
        done(await statusEach(session, targets, options, timeoutMs));
      } finally {
        session.aws.destroy();
      }
    });

async function statusEach(
  session: Session,
  targets: Array<{ ref: FunctionRef; input: string }>,
  options: StatusOptions,
  timeoutMs: number,
): Promise<number> {
  const { ui, ctx } = session;
  const region = await session.region(targets);
  const { readFunction, waitUntilSettled } = await import('../services/lambda.js');
  const lambda = await session.aws.lambda();
  const progress = await createProgress(ui, session.now);
  const results: FunctionResult[] = [];
  // The network section needs every function's subnets first (one EC2 lookup for all), so
  // human results are held back until then.
  const held: FunctionResult[] = [];
  const show = (r: FunctionResult) => {
    if (ui.format !== 'human') return;
    if (options.network) held.push(r);
    else ui.result(renderStatus(r, ui.out));
  };
  let stopped = false;
  try {
    for (const { ref, input } of targets) {
      const started = session.now();
      const result = emptyResult(input);
      results.push(result);
      const qualifierFlag = ref.qualifier ? ` --qualifier ${ref.qualifier}` : '';
      try {
        let c = await readFunction(lambda, ref.id, { qualifier: ref.qualifier, signal: ctx.signal });
        if (options.wait && !isSettled(c)) {
          progress.update(input, statusLabel(c));
          c = await waitUntilSettled(lambda, ref.id, {
            deadline: started + timeoutMs,
            resumeCommand: `${session.cliPrefix} status ${input}${qualifierFlag} --wait`,
            qualifier: ref.qualifier,
            signal: ctx.signal,
            ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
            now: session.now,
            ...session.pollDelays(),
            onPoll: (polled) => progress.update(input, statusLabel(polled)),
          });
          progress.done(input, !isFailed(c));
        }
        Object.assign(result, {
          outcome: 'status',
          functionArn: c.FunctionArn ?? null,
          vpc: vpcSettingsOf(c.VpcConfig),
          status: statusFields(c),
        });
        if (options.wait && isFailed(c)) throw updateFailedError(input, c);
      } catch (thrown) {
        const error = toCliError(thrown, { region });
        if (result.outcome !== 'status') result.outcome = 'failed';
        result.error = errorJson(error);
        if (result.outcome === 'status') show(result);
        ui.error(error, error.message.includes(input) ? '' : `${input}: `);
        result.elapsedMs = session.now() - started;
        stopped = stopsTheBatch(error);
        if (stopped) break;
        continue;
      }
      result.elapsedMs = session.now() - started;
      show(result);
    }
  } finally {
    progress.stop();
  }
  if (options.network) {
    if (!stopped) {
      const { addNetworkSections } = await import('./network-check.js');
      await addNetworkSections(
        session,
        region,
        results.filter((r) => r.outcome === 'status'),
      );
      await (await import('./status-enis.js')).addEniCounts(session, region, results);
    }
    for (const r of held)
      ui.result(
        [
          renderStatus(r, ui.out),
          ...renderNetworkSection(r.network, ui.out),
          ...renderEniCountRow(r.enis, ui.out),
        ].join('\n'),
      );
  }
  const exitCode = worstExitCode(results.map((r) => r.error?.exitCode ?? 0));
  if (ui.format === 'json') ui.result(jsonDocument('status', exitCode, results));
  return exitCode;
}
