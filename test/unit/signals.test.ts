import { describe, expect, it } from 'vitest';
import { interruptHandler } from '../../src/cli.js';
import { ExitCode, Interruption, interruptedExitCode, worstExitCode } from '../../src/errors.js';
import { jsonDocument } from '../../src/output/json.js';

describe('signals', () => {
  it('the first aborts the run with the signal as the reason; a second exits at once with its own code', () => {
    const controller = new AbortController();
    const exits: number[] = [];
    const onSignal = interruptHandler(controller, (code) => exits.push(code));
    onSignal('SIGTERM');
    expect(controller.signal.reason).toBeInstanceOf(Interruption);
    expect(interruptedExitCode(controller.signal)).toBe(143);
    expect(exits).toEqual([]);
    onSignal('SIGINT');
    expect(exits).toEqual([130]);
    onSignal('SIGTERM');
    expect(exits).toEqual([130, 143]);
  });

  it("the run's exit code: the signal's, 130 for an abort without a reason, none before", () => {
    expect(interruptedExitCode(undefined)).toBeUndefined();
    expect(interruptedExitCode(new AbortController().signal)).toBeUndefined();
    expect(interruptedExitCode(AbortSignal.abort())).toBe(130);
    expect(interruptedExitCode(AbortSignal.abort(new Interruption('SIGINT')))).toBe(130);
    expect(interruptedExitCode(AbortSignal.abort(new Interruption('SIGTERM')))).toBe(143);
  });

  it('an Interruption thrown as it is reads as an abort', () => {
    expect(new Interruption('SIGTERM')).toMatchObject({ name: 'AbortError', exitCode: 143 });
  });

  it('a signal outranks every other outcome', () => {
    expect(worstExitCode([ExitCode.Usage, ExitCode.Terminated, ExitCode.UpdateFailed])).toBe(143);
    expect(worstExitCode([ExitCode.Terminated, ExitCode.Interrupted])).toBe(143);
  });

  it("the JSON document of a signalled run: its exit code and every Interrupted error's are the signal's", () => {
    const interrupted = {
      code: 'Interrupted' as const,
      exitCode: ExitCode.Interrupted,
      message: 'Stopped.',
      hint: null,
    };
    const failed = {
      code: 'UpdateFailed' as const,
      exitCode: ExitCode.UpdateFailed,
      message: 'Failed.',
      hint: null,
    };
    const body = {
      exitCode: ExitCode.Interrupted,
      error: null,
      results: [
        { function: 'a', error: interrupted },
        { function: 'b', error: failed },
      ],
      enis: { error: interrupted },
    } as unknown as Parameters<typeof jsonDocument<'detach'>>[1];
    const doc = JSON.parse(jsonDocument('detach', body, ExitCode.Terminated));
    expect(doc.exitCode).toBe(143);
    expect(doc.results.map((r: { error: { exitCode: number } }) => r.error.exitCode)).toEqual([143, 6]);
    expect(doc.enis.error.exitCode).toBe(143);
    expect(JSON.parse(jsonDocument('detach', body)).exitCode).toBe(130);
  });
});
