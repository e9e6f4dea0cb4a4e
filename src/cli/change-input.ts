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
 * bad input. A function named twice in the same way is worked on once.
 */
export function parseChangeRequest(
  functions: readonly string[],
  options: ChangeOptions,
  command: 'attach' | 'detach',
): Omit<ChangeRequest, 'notes'> {
  const seen = new Set<string>();
  const targets = functions
    .map((input) => ({ input, ref: requireUnqualified(parseFunctionRef(input), command) }))
    .filter(({ ref }) => !seen.has(ref.id) && Boolean(seen.add(ref.id)));
  return {
    targets,
    timeoutMs: parseDuration(options.timeout),
    concurrency: concurrencyOf(options),
    failFast: Boolean(options.failFast),
    wait: options.wait,
    dryRun: Boolean(options.dryRun),
  };
}
