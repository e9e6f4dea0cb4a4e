import { defineCommand } from '../cli/action.js';
import { functionNames, rejectOtherResources } from '../cli/fleet.js';
import { concurrencyOf, type FleetOptions, withFleetOptions } from '../cli/options.js';
import type { NetworkFilter } from '../core/fleet-filter.js';
import { DEFAULT_TIMEOUT } from '../core/pool.js';
import { parseDuration, parseFunctionRef, parseResourceId, type Target } from '../core/validate.js';
import { usageError } from '../errors.js';

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

export const statusCommand = defineCommand('status', (command, action, ctx) =>
  withFleetOptions(
    command
      .description(
        "show a function's VPC configuration, State and LastUpdateStatus; --wait blocks until settled",
      )
      .argument(
        '[function...]',
        'function names, full ARNs or partial ARNs (name:qualifier for a version or alias)',
      )
      .option('--qualifier <version-or-alias>', 'a published version or alias (default $LATEST)')
      .option('--wait', 'wait until State is not Pending and LastUpdateStatus is not InProgress', false)
      .option('--timeout <duration>', 'with --wait: how long to wait (e.g. 90s, 15m, 1h)', DEFAULT_TIMEOUT)
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
    .action(
      action(async (functions: string[], options: StatusOptions) => {
        const filter = parseFilter(options);
        const names = options.all
          ? []
          : await functionNames(functions, options, ctx, { alternative: '--all or --functions-file' });
        if (options.all) rejectOtherResources(functions);
        if (options.all && (functions.length > 0 || options.functionsFile !== undefined))
          throw usageError('--all lists the functions itself: drop the function names and --functions-file.');
        if (options.all && options.qualifier !== undefined)
          throw usageError('--qualifier works with named functions, not with --all.');
        const named = names.map((fn) => parseStatusTarget(fn, options.qualifier));
        const request = {
          targets: filter ? { all: filter } : named,
          wait: options.wait,
          timeoutMs: parseDuration(options.timeout),
          network: options.network,
          brief: options.brief || options.all,
          concurrency: concurrencyOf(options),
          failFast: options.failFast,
        };
        const { status } = await import('../workflows/status.js');
        return (deps) => status(deps, request);
      }),
    ),
);

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
