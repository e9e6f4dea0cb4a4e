import type { Clock } from '../core/poll.js';
import type { TextStream } from '../output/ui.js';

/** Everything a run needs from the outside world; tests pass their own. */
export interface Ctx {
  stdout: TextStream;
  stderr: TextStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C or SIGTERM (its reason an Interruption naming which). */
  signal?: AbortSignal | undefined;
  /** Time and sleeping; the system's by default, a clock that moves only when slept in tests. */
  clock?: Clock | undefined;
  /** Reads all of stdin (--functions-file -); absent when stdin is a terminal. */
  readStdin?: (() => Promise<string>) | undefined;
  /** Asks the user yes/no; absent when nobody can answer (stdin or stderr not a terminal). */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
}
