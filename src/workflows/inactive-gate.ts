import { inactiveUpdateNote, isInactive } from '../core/settle.js';
import type { Gate, RunScope } from './change.js';

/**
 * Never refuses: notes on an Inactive function's result that the update also wakes it, through
 * Pending, so the wait is longer than usual. Decided on the GetFunction the write is planned
 * on, with no call of its own; `writes` is false when the run writes nothing (--dry-run,
 * --emit), to say "would".
 */
export const inactiveGate =
  (writes: boolean) =>
  (_scope: RunScope): Gate => ({
    async admit(fn, current, admission) {
      if (isInactive(current)) admission.note(inactiveUpdateNote(fn, !writes));
      return undefined;
    },
    sections: () => ({}),
  });
