import { Command } from 'commander';
import { matchesNetworkFilter, type NetworkFilter } from '../core/fleet-filter.js';
import { vpcSettingsOf } from '../core/plan.js';
import { emptyResult, errorJson, statusFields } from '../core/result.js';
import { isFailed, isSettled, statusLabel, updateFailedError } from '../core/settle.js';
import { parseDuration, parseFunctionRef, parseResourceId } from '../core/validate.js';
import { type CliError, toCliError, usageError, worstExitCode } from '../errors.js';
import { createProgress } from '../output/progress.js';
import { jsonDocument, renderStatus, renderStatusTable } from '../output/render.js';
import { renderEniCountRow } from '../output/render-enis.js';
import { renderNetworkSection } from '../output/render-network.js';
import { type Ctx, Session } from './session.js';
import {
  concurrencyOf,
  type FleetOptions,
  functionNames,
  runBatch,
  type Target,
  withFleetOptions,
} from './targets.js';

interface StatusOptions extends FleetOptions {
  qualifier?: string;
  wait: boolean;
  timeout: string;
  /** false with --no-network. */
  network: boolean;
  all: boolean;
  vpc?: string;
  subnet?: string;
  brief: boolean;
}

function parseStatusTarget(input: string, qualifier: string | undefined): Target {
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
  withFleetOptions(
    new Command('status')
      .description(
        "show a function's VPC configuration, State and LastUpdateStatus; --wait blocks until settled",
      )
      .argument(
        '[function...]',
        'function names, full ARNs or partial ARNs (name:qualifier for a version or alias)',
      )
      .option('--qualifier <version-or-alias>', 'a published version or alias (default $LATEST)')
      .option('--wait', 'wait until State is not Pending and LastUpdateStatus is not InProgress', false)
      .option('--timeout <duration>', 'with --wait: how long to wait (e.g. 90s, 15m, 1h)', '15m')
      .option('--no-network', 'skip the network section (no EC2 read: subnets, routes, security groups)')
      .option('--all', 'every function in the region (ListFunctions), as one line each', false)
      .option('--vpc <vpc-id>', 'with --all: only functions in this VPC')
      .option('--subnet <subnet-id>', 'with --all: only functions using this subnet')
      .option('--brief', 'one line per function instead of the full report (the default with --all)', false),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc status my-fn
  $ lambda-vpc status my-fn --wait --timeout 10m      # in CI: exit 0 once settled, 6 if the update failed
  $ lambda-vpc status my-fn --qualifier 3 --output json
  $ lambda-vpc status my-fn other-fn --no-network      # without EC2 read permissions
  $ lambda-vpc status --all --vpc vpc-0a1b2c3d4e5f60001  # a fleet overview: every function in that VPC
  $ lambda-vpc status --functions-file fns.txt --wait  # block until a whole fleet has settled

For a function in a VPC, status also shows the VPC, each subnet's route verdict (internet via
NAT, public subnet without internet, isolated), the security groups' egress, the VPC
endpoints, and what the function can reach (docs/network.md). EC2 is read once for all the
functions of a run, however many there are.`,
    )
    .action(async (functions: string[], options: StatusOptions, cmd: Command) => {
      const filter = parseFilter(options);
      const names = options.all
        ? []
        : await functionNames(functions, options, ctx, '--all or --functions-file');
      if (options.all && (functions.length > 0 || options.functionsFile !== undefined))
        throw usageError('--all lists the functions itself: drop the function names and --functions-file.');
      if (options.all && options.qualifier !== undefined)
        throw usageError('--qualifier works with named functions, not with --all.');
      const named = names.map((fn) => parseStatusTarget(fn, options.qualifier));
      const timeoutMs = parseDuration(options.timeout);
      const concurrency = concurrencyOf(options);
      const session = Session.open(cmd, ctx);
      try {
        const targets = filter ? await listTargets(session, filter) : named;
        done(
          await statusEach(
            session,
            targets,
            { ...options, brief: options.brief || options.all },
            timeoutMs,
            concurrency,
          ),
        );
      } finally {
        session.aws.destroy();
      }
    });

/** --all with its --vpc / --subnet filters; undefined without --all. */
function parseFilter(options: StatusOptions): NetworkFilter | undefined {
  if (!options.all) {
    const flag = options.vpc !== undefined ? '--vpc' : options.subnet !== undefined ? '--subnet' : undefined;
    if (flag)
      throw usageError(
        `${flag} filters --all: add --all.`,
        `Example: lambda-vpc status --all ${flag} ${flag === '--vpc' ? options.vpc : options.subnet}`,
      );
    return undefined;
  }
  return {
    vpcId: options.vpc === undefined ? undefined : parseResourceId(options.vpc, 'vpc', '--vpc'),
    subnetId:
      options.subnet === undefined ? undefined : parseResourceId(options.subnet, 'subnet', '--subnet'),
  };
}

/** Every function of the region matching the filter, from one paginated ListFunctions. */
async function listTargets(session: Session, filter: NetworkFilter): Promise<Target[]> {
  const region = await session.region([]);
  const { listFunctionNetworks } = await import('../services/function-versions.js');
  let listed: Awaited<ReturnType<typeof listFunctionNetworks>>;
  try {
    listed = await listFunctionNetworks(await session.aws.lambda(), session.ctx.signal);
  } catch (error) {
    throw toCliError(error, { region });
  }
  return listed
    .filter((f) => f.FunctionName && matchesNetworkFilter(f.VpcConfig, filter))
    .map((f) => ({ ref: parseFunctionRef(f.FunctionName as string), input: f.FunctionName as string }));
}

async function statusEach(
  session: Session,
  targets: Target[],
  options: StatusOptions,
  timeoutMs: number,
  concurrency: number,
): Promise<number> {
  const { ui, ctx } = session;
  const region = await session.region(targets);
  const { readFunction, waitUntilSettled } = await import('../services/lambda.js');
  const lambda = await session.aws.lambda();
  const progress = await createProgress(ui, session.now, targets.length);
  const readOne = async ({ ref, input }: Target) => {
    const started = session.now();
    const result = emptyResult(input);
    let error: CliError | undefined;
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
      }
      Object.assign(result, {
        outcome: 'status',
        functionArn: c.FunctionArn ?? null,
        vpc: vpcSettingsOf(c.VpcConfig),
        status: statusFields(c),
      });
      if (options.wait && isFailed(c)) throw updateFailedError(input, c);
    } catch (thrown) {
      const failure = toCliError(thrown, { region });
      error = failure;
      if (result.outcome !== 'status') result.outcome = 'failed';
      result.error = errorJson(failure);
      progress.print(() => ui.error(failure, failure.message.includes(input) ? '' : `${input}: `));
    }
    progress.done(input, !error);
    result.elapsedMs = session.now() - started;
    return { result, error };
  };
  let batch: Awaited<ReturnType<typeof runBatch>>;
  try {
    batch = await runBatch(targets, { concurrency, failFast: options.failFast }, readOne);
  } finally {
    progress.stop();
  }
  const { results, runEnded } = batch;
  const read = results.filter((r) => r.outcome === 'status');
  if (options.network && !runEnded) {
    const { addNetworkSections } = await import('./network-check.js');
    await addNetworkSections(session, region, read);
    await (await import('./status-enis.js')).addEniCounts(session, region, results);
  }
  if (ui.format === 'human') {
    if (options.brief) ui.result(renderStatusTable(results, ui.out));
    else
      for (const r of read)
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
