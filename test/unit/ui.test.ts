import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import { Ui } from '../../src/output/ui.js';
import { captureStream } from '../helpers.js';

// Ui is the Reporter every workflow talks to: it alone decides what each format shows.
function tell(format: 'human' | 'json') {
  const stdout = captureStream();
  const stderr = captureStream();
  const ui = new Ui({ stdout, stderr, env: { NO_COLOR: '1' }, format, color: true, debug: false });
  ui.show((c) => c.green('✔ my-fn: attached'));
  ui.note('a note');
  ui.note('');
  ui.note((c) => c.dim('a rendered note'));
  ui.warn('a warning');
  ui.notice('Nothing changed.');
  ui.error(new CliError('NotFound', 'Function my-fn not found.', { hint: 'Check the name.' }), 'my-fn: ');
  ui.document('{"exitCode":5}\n');
  return { stdout: stdout.text, stderr: stderr.text };
}

describe('Ui as the reporter', () => {
  it('human: the result on stdout, notes and warnings on stderr, no JSON document', () => {
    const { stdout, stderr } = tell('human');
    expect(stdout).toBe('✔ my-fn: attached\n');
    expect(stderr).toBe(
      [
        'a note',
        'a rendered note',
        'Warning: a warning',
        'Nothing changed.',
        'Error: my-fn: Function my-fn not found.',
        'Hint: Check the name.',
        '',
      ].join('\n'),
    );
  });

  it('json: only the document on stdout; only what goes with a question, and errors, on stderr', () => {
    const { stdout, stderr } = tell('json');
    expect(stdout).toBe('{"exitCode":5}\n');
    expect(stderr).toBe('Nothing changed.\nError: my-fn: Function my-fn not found.\nHint: Check the name.\n');
  });
});

describe('the colour decision', () => {
  const tty = { isTTY: true, write: () => true };
  const piped = { write: () => true };
  const level = (env: NodeJS.ProcessEnv, color = true, stream: typeof tty | typeof piped = tty) =>
    new Ui({ stdout: stream, stderr: stream, env, format: 'human', color, debug: false }).err.level;

  it('colour on a terminal; none with NO_COLOR, --no-color, TERM=dumb or when piped', () => {
    expect(level({})).toBe(1);
    expect(level({ COLORTERM: 'truecolor' })).toBe(3);
    expect(level({ NO_COLOR: '1' })).toBe(0);
    expect(level({}, false)).toBe(0);
    expect(level({ TERM: 'dumb' })).toBe(0);
    expect(level({}, true, piped)).toBe(0);
  });

  it('FORCE_COLOR colours a pipe, but never beats NO_COLOR or --no-color', () => {
    expect(level({ FORCE_COLOR: '1' }, true, piped)).toBe(1);
    expect(level({ FORCE_COLOR: '0' })).toBe(0);
    expect(level({ FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(0);
    expect(level({ FORCE_COLOR: '1' }, false)).toBe(0);
  });
});
