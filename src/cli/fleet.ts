import { readFile } from 'node:fs/promises';
import { parseFunctionList } from '../core/validate.js';
import { usageError } from '../errors.js';
import type { Ctx } from './context.js';
import type { FleetOptions } from './options.js';

/** The functions named as arguments and in --functions-file, in that order; at least one. */
export async function functionNames(
  args: readonly string[],
  options: FleetOptions,
  ctx: Ctx,
  alternative = '--functions-file',
): Promise<string[]> {
  const file = options.functionsFile;
  const fromFile = file === undefined ? [] : parseFunctionList(await readList(file, ctx));
  const names = [...args, ...fromFile];
  if (names.length === 0) {
    throw file === undefined
      ? usageError(`Name at least one function, or use ${alternative}.`)
      : usageError(`--functions-file ${file} lists no functions.`);
  }
  return names;
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
