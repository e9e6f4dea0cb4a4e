import type { Command } from 'commander';
import { EMIT_TOOLS, type EmitTool } from '../core/emit.js';
import { parseDuration, parseFunctionRef, requireUnqualified } from '../core/validate.js';
import { usageError } from '../errors.js';
import type { ChangeRequest } from '../workflows/change.js';
import { concurrencyOf, type FleetOptions } from './options.js';

/** The flags attach and detach share. */
export interface ChangeOptions extends FleetOptions {
  wait: boolean;
  timeout: string;
  dryRun?: boolean;
  rollbackOnFailure?: boolean;
  failOnIac?: boolean;
  emit?: string;
}

/** The day-2 flags attach and detach share: rollback, the infrastructure-as-code guard, --emit. */
export function withSafetyOptions(command: Command): Command {
  return command
    .option(
      '--rollback-on-failure',
      'when the update ends Failed, write the previous VpcConfig back and wait for it (exit 6 still)',
      false,
    )
    .option(
      '--fail-on-iac',
      'stop before writing (exit 11) when a function is managed by CloudFormation, CDK, SAM, Serverless or Terraform',
      false,
    )
    .option(
      '--emit <tool>',
      `print the change for ${EMIT_TOOLS.join('|')} instead of making it (nothing written)`,
    );
}

function parseEmit(value: string | undefined): EmitTool | undefined {
  if (value === undefined) return undefined;
  const tool = value.trim().toLowerCase();
  if ((EMIT_TOOLS as readonly string[]).includes(tool)) return tool as EmitTool;
  throw usageError(`--emit ${value}: not a tool lambda-vpc writes for; use one of ${EMIT_TOOLS.join(', ')}.`);
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
    rollbackOnFailure: Boolean(options.rollbackOnFailure),
    failOnIac: Boolean(options.failOnIac),
    emit: parseEmit(options.emit),
    source: file === undefined || file === '-' ? undefined : { functionsFile: file, args },
  };
}
