import { readFile } from 'node:fs/promises';
import { notAFunction, otherResourceKind, parseFunctionList } from '../core/validate.js';
import { usageError } from '../errors.js';
import type { Ctx } from './context.js';
import type { FleetOptions } from './options.js';

/**
 * The ID-list flags of the command (attach's --subnets and --sg): `--subnets A B`, the AWS CLI
 * habit, leaves B an argument, which is then taken for a function.
 */
export type IdListFlags = Partial<Record<string, { flag: string; values: readonly string[] | undefined }>>;

export interface FunctionNameOptions {
  /** What else names the functions, for the error when none is named. */
  alternative?: string;
  /** By ID prefix (subnet, sg): the flag an argument of that shape belongs to. */
  idListFlags?: IdListFlags;
}

/**
 * The functions named as arguments and in --functions-file, in that order; at least one. An
 * argument or entry shaped like another AWS resource (a subnet, security group or VPC ID, an
 * ARN of another service) is a usage error, before any AWS call.
 */
export async function functionNames(
  args: readonly string[],
  options: FleetOptions,
  ctx: Ctx,
  { alternative = '--functions-file', idListFlags = {} }: FunctionNameOptions = {},
): Promise<string[]> {
  rejectOtherResources(args, idListFlags);
  const file = options.functionsFile;
  const fromFile = file === undefined ? [] : parseFunctionList(await readList(file, ctx));
  for (const entry of fromFile) {
    const other = otherResourceKind(entry);
    if (other) throw notAFunction(entry, other, ` in --functions-file ${file}`);
  }
  const names = [...args, ...fromFile];
  if (names.length === 0) {
    throw file === undefined
      ? usageError(`Name at least one function, or use ${alternative}.`)
      : usageError(`--functions-file ${file} lists no functions.`);
  }
  return names;
}

/** Refuses arguments that name another kind of resource; one that belongs after an ID-list flag gets the comma form. */
export function rejectOtherResources(args: readonly string[], idListFlags: IdListFlags = {}): void {
  for (const arg of args) {
    const other = otherResourceKind(arg.trim());
    if (!other) continue;
    const list = other.prefix === undefined ? undefined : idListFlags[other.prefix];
    // Without the flag on the line, the ID is not a stray of its list: say what it is.
    if (!list?.values) throw notAFunction(arg, other);
    const strays = args.map((a) => a.trim()).filter((a) => otherResourceKind(a)?.prefix === other.prefix);
    const ids = [...list.values.flatMap((v) => v.split(',')).map((v) => v.trim()), ...strays];
    throw usageError(
      `'${arg}' looks like a ${other.label}, not a function: the IDs after ${list.flag} are comma-separated: ${list.flag} ${ids.filter(Boolean).join(',')}`,
    );
  }
}

async function readList(file: string, ctx: Ctx): Promise<string> {
  if (file === '-') {
    if (!ctx.readStdin)
      throw usageError(
        '--functions-file - reads the list from stdin, but stdin is a terminal.',
        'Pipe the list in, or pass a file.',
      );
    return ctx.readStdin();
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw usageError(`Cannot read --functions-file ${file}: ${why}.`);
  }
}
