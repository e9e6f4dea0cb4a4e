import { Command } from 'commander';
import { DETACHED } from '../core/plan.js';
import { type ChangeOptions, parseTargets, runChange, timeoutOption } from './change.js';
import type { Ctx } from './session.js';

export const detachCommand = (ctx: Ctx, done: (code: number) => void) =>
  new Command('detach')
    .description(
      'take functions out of their VPC: empty their subnets and security groups, then wait until settled',
    )
    .argument('<function...>', 'function names, full ARNs or partial ARNs ($LATEST only)')
    .option('--no-wait', 'send the update and return without waiting for it to settle')
    .option(...timeoutOption)
    .option('--dry-run', 'show what would change; write nothing', false)
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-vpc detach my-fn
  $ lambda-vpc detach my-fn other-fn --dry-run
  $ lambda-vpc detach my-fn --no-wait && lambda-vpc status my-fn --wait --timeout 10m

detach sets empty subnet and security-group lists with IPv6 dual-stack off (the service
refuses empty lists with it on). A function that is not in a VPC is left alone. Lambda then
deletes the network interfaces within about 20 minutes if no other function or published
version uses them: keep the execution role's EC2 permissions until it has.`,
    )
    .action(async (functions: string[], options: ChangeOptions, cmd: Command) => {
      const targets = parseTargets(functions, options, 'detach');
      done(
        await runChange('detach', cmd, ctx, {
          ...targets,
          desired: DETACHED,
          notes: [],
          wait: options.wait,
          dryRun: Boolean(options.dryRun),
        }),
      );
    });
