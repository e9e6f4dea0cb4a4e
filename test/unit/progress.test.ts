import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/output/progress.js';
import { Ui } from '../../src/output/ui.js';

/** A terminal as ora drives it: writes plus the cursor calls it makes to redraw its line. */
function terminal(columns: number) {
  let text = '';
  return {
    isTTY: true,
    columns,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    get text() {
      return text;
    },
  };
}

const ui = (
  stderr: ReturnType<typeof terminal> | { write: () => boolean },
  env: NodeJS.ProcessEnv = {},
  format: 'human' | 'json' = 'human',
) => new Ui({ stdout: { write: () => true }, stderr, env, format, color: false, debug: false });

describe('progress', () => {
  it('spins on a terminal; plain lines in CI, when piped, or on a terminal without a width; nothing with JSON', () => {
    expect(ui(terminal(80)).progressMode).toBe('spinner');
    expect(ui(terminal(80), { CI: 'true' }).progressMode).toBe('lines');
    expect(ui({ write: () => true }).progressMode).toBe('lines');
    // ora divides by the width to know how many lines to clear: 0 would never finish.
    expect(ui(terminal(0)).progressMode).toBe('lines');
    expect(ui(terminal(80), {}, 'json').progressMode).toBe('none');
  });

  it('counts several functions on one spinner line and prints results without tearing it', async () => {
    const stderr = terminal(80);
    let t = 0;
    const progress = await createProgress(ui(stderr), () => t, 3);
    progress.update('fn-a', 'reading');
    progress.update('fn-b', 'Active / InProgress');
    t = 4_000;
    progress.done('fn-a', true);
    progress.update('fn-b', 'Active / InProgress');
    const printed: string[] = [];
    progress.print(() => printed.push('result of fn-a'));
    progress.done('fn-b', false);
    progress.stop();
    expect(printed).toEqual(['result of fn-a']);
    expect(stderr.text).toContain('0/3 done, 1 in progress · fn-a: reading 0s');
    expect(stderr.text).toContain('1/3 done, 1 in progress · fn-b: Active / InProgress 4s');
  });
});
