import type { Ui } from './ui.js';

/** Reports what each function is doing while a command waits on AWS. Always on stderr. */
export interface Progress {
  update(fn: string, text: string): void;
  /** Ends the line or spinner for a function; the result itself is printed on stdout. */
  done(fn: string, ok: boolean): void;
  /** Writes output (a finished function's result) without tearing the spinner's line. */
  print(write: () => void): void;
  stop(): void;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/** `total` is how many functions the command works on; with more than one, the spinner counts them. */
export async function createProgress(ui: Ui, now: () => number = Date.now, total = 1): Promise<Progress> {
  if (ui.progressMode === 'none') return { update() {}, done() {}, print: (write) => write(), stop() {} };
  if (ui.progressMode === 'lines') return lineProgress(ui, now);
  return spinnerProgress(ui, now, total);
}

/** One plain line per change of state: readable in CI logs, nothing redrawn. */
function lineProgress(ui: Ui, now: () => number): Progress {
  const started = new Map<string, number>();
  const last = new Map<string, string>();
  return {
    update(fn, text) {
      if (!started.has(fn)) started.set(fn, now());
      if (last.get(fn) === text) return;
      last.set(fn, text);
      ui.notice(`${fn}: ${text} (${seconds(now() - (started.get(fn) ?? now()))})`);
    },
    done(fn) {
      started.delete(fn);
      last.delete(fn);
    },
    print: (write) => write(),
    stop() {},
  };
}

/**
 * ora is loaded only here, on a terminal. One function: its state and elapsed time, then a
 * ✔/✖ line. Several: how many are done, and the function whose state changed last.
 */
async function spinnerProgress(ui: Ui, now: () => number, total: number): Promise<Progress> {
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: ui.stderr as NodeJS.WritableStream, discardStdin: false, color: 'cyan' });
  const active = new Map<string, { text: string; since: number }>();
  let latest: string | undefined;
  let finished = 0;
  let failed = 0;
  const render = () => {
    const shown = latest === undefined ? undefined : active.get(latest);
    const line =
      shown && latest
        ? `${ui.safe(`${latest}: ${shown.text}`)} ${ui.err.dim(seconds(now() - shown.since))}`
        : '';
    if (total <= 1) {
      if (line) spinner.text = line;
      return;
    }
    const counts = `${finished}/${total} done${failed ? `, ${failed} failed` : ''}, ${active.size} in progress`;
    spinner.text = line ? `${counts} · ${line}` : counts;
  };
  // Keeps the elapsed time moving between polls.
  const ticker = setInterval(render, 1000);
  ticker.unref();
  return {
    update(fn, text) {
      const entry = active.get(fn) ?? { text, since: now() };
      entry.text = text;
      active.set(fn, entry);
      latest = fn;
      render();
      if (!spinner.isSpinning) spinner.start();
    },
    done(fn, ok) {
      const entry = active.get(fn);
      active.delete(fn);
      finished++;
      if (!ok) failed++;
      if (latest === fn) latest = [...active.keys()].at(-1);
      if (total > 1) return render();
      if (!entry) return;
      const text = `${ui.safe(fn)}: ${ok ? 'done' : 'failed'} ${ui.err.dim(seconds(now() - entry.since))}`;
      if (ok) spinner.succeed(text);
      else spinner.fail(text);
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
