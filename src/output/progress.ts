import type { Ui } from './ui.js';

/** Reports what each function is doing while a command waits on AWS. Always on stderr. */
export interface Progress {
  update(fn: string, text: string): void;
  /** Ends the line or spinner for a function; the result itself is printed on stdout. */
  done(fn: string, ok: boolean): void;
  stop(): void;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

export async function createProgress(ui: Ui, now: () => number = Date.now): Promise<Progress> {
  if (ui.progressMode === 'none') return { update() {}, done() {}, stop() {} };
  if (ui.progressMode === 'lines') return lineProgress(ui, now);
  return spinnerProgress(ui, now);
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
      ui.note(`${fn}: ${text} (${seconds(now() - (started.get(fn) ?? now()))})`);
    },
    done(fn) {
      started.delete(fn);
      last.delete(fn);
    },
    stop() {},
  };
}

/** ora is loaded only here, on a terminal. */
async function spinnerProgress(ui: Ui, now: () => number): Promise<Progress> {
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: ui.stderr as NodeJS.WritableStream, discardStdin: false, color: 'cyan' });
  let current: { fn: string; text: string; since: number } | undefined;
  const render = () => {
    if (current)
      spinner.text = `${current.fn}: ${current.text} ${ui.err.dim(seconds(now() - current.since))}`;
  };
  // Keeps the elapsed time moving between polls.
  const ticker = setInterval(render, 1000);
  ticker.unref();
  return {
    update(fn, text) {
      if (current?.fn !== fn) current = { fn, text, since: now() };
      current.text = text;
      render();
      if (!spinner.isSpinning) spinner.start();
    },
    done(fn, ok) {
      if (current?.fn !== fn) return;
      const text = `${fn}: ${ok ? 'done' : 'failed'} ${ui.err.dim(seconds(now() - current.since))}`;
      if (ok) spinner.succeed(text);
      else spinner.fail(text);
      current = undefined;
    },
    stop() {
      clearInterval(ticker);
      if (spinner.isSpinning) spinner.stop();
    },
  };
}
