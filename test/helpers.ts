import type { Ctx } from '../src/cli/context.js';
import { run } from '../src/cli.js';

/** A clock that only moves when the code under test sleeps: no test waits for real. */
export function fakeClock(start = 1_000_000) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
    sleeps,
  };
}

export function captureStream(isTTY = false) {
  let text = '';
  return {
    isTTY,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

/** Runs the CLI in-process through run(argv, ctx), capturing stdout and stderr. */
export async function runCli(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; clock?: ReturnType<typeof fakeClock> } = {},
) {
  const stdout = captureStream();
  const stderr = captureStream();
  const clock = options.clock ?? fakeClock();
  const ctx: Ctx = {
    stdout,
    stderr,
    env: options.env ?? { NO_COLOR: '1' },
    signal: options.signal,
    sleep: clock.sleep,
    now: clock.now,
  };
  const code = await run(argv, ctx);
  return { code, stdout: stdout.text, stderr: stderr.text, clock };
}
