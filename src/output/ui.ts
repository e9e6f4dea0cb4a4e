import { Chalk, type ChalkInstance } from 'chalk';
import { systemClock } from '../aws/clock.js';
import type { Clock } from '../core/poll.js';
import type { CliError } from '../errors.js';
import { createProgress, type Progress } from './progress.js';
import type { Render, Reporter } from './reporter.js';
import { escapeLine, escapeLines, escapeOutput, redactor } from './sanitize.js';

export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  /** A terminal's width; 0 when it reports none (a pty without a size, as under `script`). */
  columns?: number | undefined;
}

export type OutputFormat = 'human' | 'json';

export interface UiOptions {
  stdout: TextStream;
  stderr: TextStream;
  env: NodeJS.ProcessEnv;
  format: OutputFormat;
  /** false with --no-color. */
  color: boolean;
  debug: boolean;
  /** For the elapsed times progress shows and its heartbeat in line mode. */
  clock?: Clock | undefined;
}

/**
 * The only thing that prints. stdout carries only the result (human text as it comes, or one
 * JSON document at the end); progress, notes, warnings and errors go to stderr. With --output
 * json, the human result, notes and warnings are left out: the document carries them.
 * chalk does not read NO_COLOR, so colour is decided here, per stream, once for everything
 * printed: the spinner (whose ora would decide for itself) is drawn in these colours too.
 *
 * Everything written passes `emit`, which cuts out credentials (by shape, and the values of
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN) and escapes control
 * characters; messages, hints, warnings and notes, which quote input and AWS's words, have
 * theirs escaped before they are coloured (sanitize.ts).
 */
export class Ui implements Reporter {
  readonly format: OutputFormat;
  readonly debug: boolean;
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;
  /**
   * Spinner on a terminal, plain lines in CI, when piped or on TERM=dumb; with --output json
   * only the heartbeat (a JSON run in CI must not go silent for the minutes a wait can take).
   */
  readonly progressMode: 'spinner' | 'lines' | 'heartbeat';
  private readonly redact: (text: string) => string;

  constructor(private readonly o: UiOptions) {
    this.redact = redactor(o.env);
    this.format = o.format;
    this.debug = o.debug;
    this.out = new Chalk({ level: colorLevel(o, o.stdout) });
    this.err = new Chalk({ level: colorLevel(o, o.stderr) });
    const ci = Boolean(o.env.CI) && o.env.CI !== 'false';
    // A spinner must know the width to redraw its line (a terminal of width 0 gets plain lines),
    // and move the cursor, which a dumb terminal, or a stream without tty's cursor calls, cannot.
    const redrawable =
      o.stderr.isTTY && o.stderr.columns !== 0 && o.env.TERM !== 'dumb' && movesCursor(o.stderr);
    this.progressMode = o.format === 'json' ? 'heartbeat' : redrawable && !ci ? 'spinner' : 'lines';
  }

  get stderr(): TextStream {
    return this.o.stderr;
  }

  private get human(): boolean {
    return this.format === 'human';
  }

  /** The JSON document, on stdout: the whole result of a JSON run. */
  document(json: string): void {
    if (this.format === 'json') this.write(json);
  }

  show(render: Render): void {
    if (this.human) this.write(render(this.out));
  }

  note(text: string | Render): void {
    if (!this.human) return;
    const line = typeof text === 'string' ? escapeLine(text) : text(this.err);
    if (line !== '') this.line(line);
  }

  warn(text: string): void {
    if (this.human) this.line(`${this.err.yellow('Warning:')} ${escapeLine(text)}`);
  }

  notice(text: string): void {
    this.line(escapeLine(text));
  }

  /** Text for the spinner's line, which ora writes itself: as safe as everything else printed. */
  safe(text: string): string {
    return escapeLine(this.redact(text));
  }

  progress(total = 1): Promise<Progress> {
    return createProgress(this, this.o.clock ?? systemClock, total);
  }

  private write(text: string): void {
    if (text === '') return;
    this.emit(this.o.stdout, text.endsWith('\n') ? text : `${text}\n`);
  }

  /** One line on stderr. */
  private line(text: string): void {
    this.emit(this.o.stderr, `${text}\n`);
  }

  /** Every write goes through here: no credential, and no control character but colours and line breaks. */
  private emit(stream: TextStream, text: string): void {
    const coloured = (stream === this.o.stdout ? this.out : this.err).level > 0;
    stream.write(escapeOutput(this.redact(text), coloured));
  }

  debugLine(text: string): void {
    if (this.debug) this.line(this.err.dim(`[debug] ${escapeLine(text)}`));
  }

  /** One line, a hint, and with --debug the request id and the stack of the cause. */
  error(error: CliError, prefix = ''): void {
    this.line(`${this.err.red('Error:')} ${escapeLine(`${prefix}${error.message}`)}`);
    if (error.hint) this.line(`${this.err.dim('Hint:')} ${escapeLine(error.hint)}`);
    if (!this.debug) return;
    if (error.requestId) this.line(`[debug] AWS request id: ${escapeLine(error.requestId)}`);
    const cause = error.cause instanceof Error ? error.cause : error;
    this.line(`[debug] ${escapeLines(cause.stack ?? String(cause))}`);
  }
}

/** The calls ora redraws its line with, as a tty.WriteStream has them. */
const movesCursor = (stream: TextStream) =>
  ['cursorTo', 'moveCursor', 'clearLine'].every(
    (call) => typeof (stream as unknown as Record<string, unknown>)[call] === 'function',
  );

function colorLevel(o: UiOptions, stream: TextStream): 0 | 1 | 2 | 3 {
  if (!o.color || (o.env.NO_COLOR !== undefined && o.env.NO_COLOR !== '')) return 0;
  const force = o.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force === '0' || force === 'false' ? 0 : 1;
  if (!stream.isTTY || o.env.TERM === 'dumb') return 0;
  return o.env.COLORTERM === 'truecolor' ? 3 : 1;
}
