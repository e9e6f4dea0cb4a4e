import { describe, expect, it } from 'vitest';
import { createProgress, elapsed, HEARTBEAT_MS } from '../../src/output/progress.js';
import { type TextStream, Ui } from '../../src/output/ui.js';
import { captureStream, fakeClock } from '../helpers.js';

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
  stderr: TextStream,
  env: NodeJS.ProcessEnv = {},
  format: 'human' | 'json' = 'human',
  color = false,
) => new Ui({ stdout: { write: () => true }, stderr, env, format, color, debug: false });

/** Colour sequences (SGR, `ESC[…m`); the cursor sequences a spinner needs are not colour. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what is looked for.
const COLOUR = /\x1b\[[0-9;]*m/;

describe('progress', () => {
  it('spins on a terminal; plain lines in CI, when piped, on TERM=dumb or on a terminal without a width; nothing with JSON', () => {
    expect(ui(terminal(80)).progressMode).toBe('spinner');
    expect(ui(terminal(80), { CI: 'true' }).progressMode).toBe('lines');
    expect(ui({ write: () => true }).progressMode).toBe('lines');
    // ora divides by the width to know how many lines to clear: 0 would never finish.
    expect(ui(terminal(0)).progressMode).toBe('lines');
    // A dumb terminal cannot redraw a line: plain lines, not ora's own fallback.
    expect(ui(terminal(80), { TERM: 'dumb' }).progressMode).toBe('lines');
    expect(ui(terminal(80), {}, 'json').progressMode).toBe('heartbeat');
  });

  it('counts several functions on one spinner line and prints results without tearing it', async () => {
    const stderr = terminal(80);
    const clock = fakeClock();
    const progress = await createProgress(ui(stderr), clock, 3);
    progress.update('fn-a', 'reading');
    progress.update('fn-b', 'Active / InProgress');
    clock.advance(4_000);
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

  it('shows what the run is doing while no function has a state (status --all, check-perms)', async () => {
    const stderr = terminal(80);
    const progress = await createProgress(ui(stderr), fakeClock());
    progress.activity('listing the functions');
    progress.stop();
    expect(stderr.text).toContain('listing the functions 0s');
  });

  it('draws the frame and ✔ in the Ui colours: none with NO_COLOR or --no-color, ora deciding nothing', async () => {
    const draw = async (env: NodeJS.ProcessEnv, color: boolean) => {
      const stderr = terminal(80);
      const progress = await createProgress(ui(stderr, env, 'human', color), fakeClock());
      progress.update('fn', 'updating');
      progress.done('fn', true);
      progress.stop();
      return stderr.text;
    };
    const coloured = await draw({}, true);
    expect(coloured).toContain('\x1b[36m⠋\x1b[39m fn: updating');
    expect(coloured).toContain('\x1b[32m✔\x1b[39m fn: done');
    for (const plain of [await draw({ NO_COLOR: '1' }, true), await draw({}, false)]) {
      expect(plain).toContain('⠋ fn: updating');
      expect(plain).toContain('✔ fn: done');
      expect(plain).not.toMatch(COLOUR);
    }
  });
});

describe('line mode heartbeat', () => {
  const lines = (clock: ReturnType<typeof fakeClock>, total = 1) => {
    const stderr = captureStream();
    const progress = createProgress(ui(stderr), clock, total);
    return { stderr, progress };
  };

  it('says the state and elapsed time every HEARTBEAT_MS while the state does not change', async () => {
    const clock = fakeClock();
    const { stderr, progress } = lines(clock);
    const p = await progress;
    p.update('fn', 'Active / InProgress');
    clock.advance(HEARTBEAT_MS - 1);
    p.update('fn', 'Active / InProgress');
    expect(stderr.text).toBe('fn: Active / InProgress (0s)\n');
    clock.advance(1);
    clock.advance(HEARTBEAT_MS);
    expect(stderr.text.split('\n').slice(1)).toEqual([
      'fn: still Active / InProgress (30s)',
      'fn: still Active / InProgress (1m)',
      '',
    ]);
    p.stop();
    clock.advance(10 * HEARTBEAT_MS);
    expect(stderr.text.split('\n')).toHaveLength(4);
  });

  it('counts from the last line printed: a change of state is a sign of life too', async () => {
    const clock = fakeClock();
    const { stderr, progress } = lines(clock);
    const p = await progress;
    p.update('fn', 'reading');
    clock.advance(20_000);
    p.update('fn', 'updating');
    clock.advance(HEARTBEAT_MS - 1);
    expect(stderr.text).toBe('fn: reading (0s)\nfn: updating (20s)\n');
    clock.advance(1);
    expect(stderr.text).toContain('fn: still updating (50s)\n');
    p.stop();
  });

  it('for a fleet, one line of counts per interval, not one per function', async () => {
    const clock = fakeClock();
    const { stderr, progress } = lines(clock, 10);
    const p = await progress;
    for (const fn of ['a', 'b', 'c']) p.update(fn, 'Pending');
    p.done('a', true);
    p.done('b', false);
    const before = stderr.text;
    clock.advance(HEARTBEAT_MS);
    expect(stderr.text.slice(before.length)).toBe(
      'Still working: 2/10 done, 1 failed, 1 in progress (30s)\n',
    );
    p.stop();
  });

  it('names what the run is doing when no function has a state', async () => {
    const clock = fakeClock();
    const { stderr, progress } = lines(clock);
    const p = await progress;
    p.activity('listing the functions');
    expect(stderr.text).toBe('');
    clock.advance(HEARTBEAT_MS);
    expect(stderr.text).toBe('Still working: listing the functions (30s)\n');
    p.stop();
  });

  it('with --output json, only the heartbeat: no line per state, nothing before the interval', async () => {
    const clock = fakeClock();
    const stderr = captureStream();
    const p = await createProgress(ui(stderr, {}, 'json'), clock);
    p.update('fn', 'Pending');
    clock.advance(HEARTBEAT_MS - 1);
    expect(stderr.text).toBe('');
    p.update('fn', 'Active / InProgress');
    clock.advance(1);
    expect(stderr.text).toBe('fn: still Active / InProgress (30s)\n');
    p.stop();
    clock.advance(5 * HEARTBEAT_MS);
    expect(stderr.text).toBe('fn: still Active / InProgress (30s)\n');
  });
});

describe('elapsed', () => {
  it('seconds, then minutes and seconds', () => {
    expect([0, 4_400, 59_000, 60_000, 90_000, 3_723_000].map(elapsed)).toEqual([
      '0s',
      '4s',
      '59s',
      '1m',
      '1m30s',
      '62m3s',
    ]);
  });
});
