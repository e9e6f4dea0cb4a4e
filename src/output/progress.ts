import type { Clock } from '../core/poll.js';
import type { Reporter } from './reporter.js';
import type { Ui } from './ui.js';

/** Reports what each function is doing while a command waits on AWS. Always on stderr. */
export interface Progress {
  /**
   * What the run as a whole is doing (listing the functions, reading the network): the
   * spinner's text while no function has one. Line mode prints no line for it; its heartbeat names it.
   */
  activity(text: string): void;
  update(fn: string, text: string): void;
  /** Ends the line or spinner for a function; the result itself is printed on stdout. */
  done(fn: string, ok: boolean): void;
  /** Writes output (a finished function's result) without tearing the spinner's line. */
  print(write: () => void): void;
  stop(): void;
}

/**
 * In line mode, the longest stretch without a line on stderr: CI systems end a job that
 * prints nothing for 10 minutes, and a log that says nothing for minutes looks hung.
 */
export const HEARTBEAT_MS = 30_000;

/** 4s, 1m30s: as the elapsed times of the progress lines. */
export function elapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return `${total}s`;
  const seconds = total % 60;
  return `${Math.floor(total / 60)}m${seconds ? `${seconds}s` : ''}`;
}

/** `total` is how many functions the command works on; with more than one, the spinner counts them. */
export async function createProgress(ui: Ui, clock: Clock, total = 1): Promise<Progress> {
  if (ui.progressMode === 'lines') return lineProgress(ui, clock, total, { stateLines: true });
  if (ui.progressMode === 'heartbeat') return lineProgress(ui, clock, total, { stateLines: false });
  return spinnerProgress(ui, clock, total);
}

/** Shows `text` as what the run is doing while `work` runs (a spinner on a terminal). */
export async function withActivity<T>(reporter: Reporter, text: string, work: () => Promise<T>): Promise<T> {
  const progress = await reporter.progress();
  progress.activity(text);
  try {
    return await work();
  } finally {
    progress.stop();
  }
}

/** What is in progress, shared by both renderings. */
function tally(clock: Clock) {
  const active = new Map<string, { text: string; since: number }>();
  return {
    active,
    finished: 0,
    failed: 0,
    activity: undefined as string | undefined,
    begun: clock.now(),
    /** Returns true when the function's text changed. */
    update(fn: string, text: string): boolean {
      const entry = active.get(fn);
      if (entry?.text === text) return false;
      active.set(fn, { text, since: entry?.since ?? clock.now() });
      return true;
    },
    done(fn: string, ok: boolean) {
      const entry = active.get(fn);
      active.delete(fn);
      this.finished++;
      if (!ok) this.failed++;
      return entry;
    },
  };
}

const countsOf = (t: ReturnType<typeof tally>, total: number) =>
  `${t.finished}/${total} done${t.failed ? `, ${t.failed} failed` : ''}, ${t.active.size} in progress`;

/**
 * One plain line per change of state, readable in CI logs, nothing redrawn; and a heartbeat
 * when HEARTBEAT_MS pass without a line, on the run's clock: for one function its state, for a
 * fleet one line of counts, never a line per function per interval. Without `stateLines`
 * (--output json) only the heartbeat: stderr stays empty for a run shorter than HEARTBEAT_MS.
 */
function lineProgress(ui: Ui, clock: Clock, total: number, o: { stateLines: boolean }): Progress {
  const t = tally(clock);
  let cancel = () => {};
  const arm = () => {
    cancel();
    cancel = clock.after(HEARTBEAT_MS, () => {
      ui.notice(heartbeat());
      arm();
    });
  };
  const heartbeat = () => {
    const since = elapsed(clock.now() - t.begun);
    const [only] = t.active;
    if (total <= 1 && only && t.active.size === 1) {
      const [fn, { text, since: started }] = only;
      return `${fn}: still ${text} (${elapsed(clock.now() - started)})`;
    }
    if (total > 1) return `Still working: ${countsOf(t, total)} (${since})`;
    return `Still working${t.activity ? `: ${t.activity}` : ''} (${since})`;
  };
  arm();
  return {
    activity(text) {
      t.activity = text;
    },
    update(fn, text) {
      if (!t.update(fn, text)) return;
      if (!o.stateLines) return;
      const since = t.active.get(fn)?.since ?? clock.now();
      ui.notice(`${fn}: ${text} (${elapsed(clock.now() - since)})`);
      arm();
    },
    done(fn, ok) {
      t.done(fn, ok);
    },
    print(write) {
      write();
      // A result line breaks the silence too; with --output json results are not printed.
      if (o.stateLines) arm();
    },
    stop() {
      cancel();
    },
  };
}

/** cli-spinners' "dots", ora's default on a terminal that shows Unicode (as the results assume). */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;

/**
 * ora is loaded only here, on a terminal. One function: its state and elapsed time, then a
 * ✔/✖ line. Several: how many are done, and the function whose state changed last.
 * ora reads the environment itself (its own chalk for the frame, log-symbols for ✔, CI and
 * TERM for whether to spin): everything it draws is given here, in the Ui's colours, and it
 * spins because the Ui decided so.
 */
async function spinnerProgress(ui: Ui, clock: Clock, total: number): Promise<Progress> {
  const { default: ora } = await import('ora');
  const spinner = ora({
    stream: ui.stderr as NodeJS.WritableStream,
    discardStdin: false,
    isEnabled: true,
    color: false,
    spinner: { interval: FRAME_MS, frames: FRAMES.map((frame) => ui.err.cyan(frame)) },
  });
  const t = tally(clock);
  let latest: string | undefined;
  const render = () => {
    const shown = latest === undefined ? undefined : t.active.get(latest);
    const line =
      shown && latest
        ? `${ui.safe(`${latest}: ${shown.text}`)} ${ui.err.dim(elapsed(clock.now() - shown.since))}`
        : t.activity
          ? `${ui.safe(t.activity)} ${ui.err.dim(elapsed(clock.now() - t.begun))}`
          : '';
    if (total <= 1) {
      if (line) spinner.text = line;
      return;
    }
    const counts = countsOf(t, total);
    spinner.text = line ? `${counts} · ${line}` : counts;
  };
  const spin = () => {
    render();
    if (!spinner.isSpinning) spinner.start();
  };
  // Keeps the elapsed time moving between polls.
  const ticker = setInterval(render, 1000);
  ticker.unref();
  return {
    activity(text) {
      t.activity = text;
      spin();
    },
    update(fn, text) {
      t.update(fn, text);
      latest = fn;
      spin();
    },
    done(fn, ok) {
      const entry = t.done(fn, ok);
      if (latest === fn) latest = [...t.active.keys()].at(-1);
      if (total > 1) return render();
      if (!entry) return;
      const text = `${ui.safe(fn)}: ${ok ? 'done' : 'failed'} ${ui.err.dim(elapsed(clock.now() - entry.since))}`;
      spinner.stopAndPersist({ symbol: ok ? ui.err.green('✔') : ui.err.red('✖'), text });
    },
    print(write) {
      if (!spinner.isSpinning) return write();
      spinner.clear();
      write();
      spinner.render();
    },
    stop() {
      clearInterval(ticker);
      if (spinner.isSpinning) spinner.stop();
    },
  };
}
