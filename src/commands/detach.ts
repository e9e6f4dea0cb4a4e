import { defineCommand } from '../cli/action.js';
import { type ChangeOptions, parseChangeRequest, withSafetyOptions } from '../cli/change-input.js';
import { functionNames } from '../cli/fleet.js';
import { timeoutOption, withFleetOptions } from '../cli/options.js';
import { DEFAULT_ENI_WAIT_MS } from '../core/enis.js';
import { parseDuration } from '../core/validate.js';
import { usageError } from '../errors.js';
import type { EniWaitRequest } from '../workflows/eni-release.js';

export const detachCommand = defineCommand('detach', (command, action, ctx) =>
  withSafetyOptions(
    withFleetOptions(
      command
        .description(
          'take functions out of their VPC: empty their subnets and security groups, then wait until settled',
        )
        .argument('[function...]', 'function names, full ARNs or partial ARNs ($LATEST only)')
        .option('--no-wait', 'send the update and return without waiting for it to settle')
        .option(...timeoutOption)
        .option('--dry-run', 'show what would change; write nothing', false)
        .option(
          '--wait-enis',
          'after the update settles, wait until Lambda has deleted the network interfaces only these functions used',
          false,
        )
        .option('--eni-timeout <duration>', 'with --wait-enis: how long to wait (default 45m)'),
    ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc detach my-fn
  $ lambda-vpc detach my-fn other-fn --dry-run
  $ lambda-vpc detach my-fn --no-wait && lambda-vpc status my-fn --wait --timeout 10m
  $ lambda-vpc detach my-fn --wait-enis --eni-timeout 45m   # before deleting the subnets or groups
  $ grep -v legacy fns.txt | lambda-vpc detach --functions-file - --output json

detach sets empty subnet and security-group lists with IPv6 dual-stack off (the service
refuses empty lists with it on). A function that is not in a VPC is left alone. Lambda then
deletes the network interfaces within about 20 minutes if no other function or published
version uses them: keep the execution role's EC2 permissions until it has. detach warns
when published versions still use a VPC: they keep the interfaces until they are deleted.
With --wait-enis it follows those interfaces until Lambda has deleted them (docs/enis.md).

As attach, it warns about a function deployed by infrastructure as code (its next deploy puts
the VpcConfig back), refuses it with --fail-on-iac (exit 11), and with --emit TOOL prints the
removal for that tool instead of making it.`,
    )
    .action(
      action(async (functions: string[], options: DetachOptions) => {
        const names = await functionNames(functions, options, ctx);
        const request = {
          ...parseChangeRequest(names, options, 'detach', functions),
          notes: [],
          enis: parseEniWait(options),
        };
        const { detach } = await import('../workflows/detach.js');
        return (deps) => detach(deps, request);
      }),
    ),
);

interface DetachOptions extends ChangeOptions {
  waitEnis: boolean;
  eniTimeout?: string;
}

function parseEniWait(options: DetachOptions): EniWaitRequest {
  if (!options.waitEnis) {
    if (options.eniTimeout !== undefined) throw usageError('--eni-timeout needs --wait-enis.');
    return { wait: false, timeoutMs: DEFAULT_ENI_WAIT_MS };
  }
  if (!options.wait)
    throw usageError(
      '--wait-enis needs the update to settle first: drop --no-wait.',
      'Lambda starts deleting the interfaces only once the detach has settled.',
    );
  return {
    // A dry run writes nothing, so there is nothing to wait for.
    wait: !options.dryRun,
    timeoutMs:
      options.eniTimeout === undefined
        ? DEFAULT_ENI_WAIT_MS
        : parseDuration(options.eniTimeout, '--eni-timeout'),
  };
}
