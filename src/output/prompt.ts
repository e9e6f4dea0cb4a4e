import { createInterface } from 'node:readline/promises';
import { escapeLines, redactor } from './sanitize.js';

/**
 * Asks a yes/no question on the terminal (prompt on stderr, so stdout stays the result only).
 * Anything but y/yes is a no, and so is Ctrl-C.
 */
export async function confirmOnTerminal(question: string, signal?: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const asking = new AbortController();
  signal?.addEventListener('abort', () => asking.abort(), { once: true });
  // readline swallows Ctrl-C while it reads; hand it on so the CLI exits 130 as everywhere else.
  // (SIGTERM is not swallowed: it reaches main()'s handler, which aborts `signal`.)
  rl.on('SIGINT', () => {
    asking.abort();
    process.emit('SIGINT', 'SIGINT');
  });
  try {
    // readline writes the question itself: as safe as everything Ui prints.
    const answer = await rl.question(escapeLines(redactor(process.env)(question)), { signal: asking.signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
