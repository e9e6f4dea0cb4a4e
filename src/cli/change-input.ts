import { parseDuration, parseFunctionRef, requireUnqualified } from '../core/validate.js';
import type { ChangeRequest } from '../workflows/change.js';
import { concurrencyOf, type FleetOptions } from './options.js';

/** The flags attach and detach share. */
export interface ChangeOptions extends FleetOptions {
  wait: boolean;
  timeout: string;
  dryRun?: boolean;
}

/**
 * Flags → the typed request attach and detach share, before any AWS call; a usage error on
 * bad input. Functions named more than once are merged by the run, which can tell a name from
 * an ARN of the same function (workflows/batch.ts). `args`: the functions named as arguments.
 */
export function parseChangeRequest(
  functions: readonly string[],
  options: ChangeOptions,
  command: 'attach' | 'detach',
  args: readonly string[] = functions,
): Omit<ChangeRequest, 'notes'> {
  const targets = functions.map((input) => ({
    input,
    ref: requireUnqualified(parseFunctionRef(input), command),
  }));
  const file = options.functionsFile;
  return {
    targets,
    timeoutMs: parseDuration(options.timeout),
    concurrency: concurrencyOf(options),
    failFast: Boolean(options.failFast),
    wait: options.wait,
    dryRun: Boolean(options.dryRun),
    source: file === undefined || file === '-' ? undefined : { functionsFile: file, args },
  };
}
