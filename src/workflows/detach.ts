import { DETACHED } from '../core/plan.js';
import { type ChangeBody, notChecked } from '../output/json.js';
import type { ChangeWords } from '../output/render-change.js';
import { type ChangeRequest, runChange } from './change.js';
import type { RunDeps } from './deps.js';
import { emitNotChecked, emitStep, withEmit } from './emit-step.js';
import { type EniWaitRequest, eniRelease } from './eni-release.js';
import { iacGate } from './iac-gate.js';
import { inactiveGate } from './inactive-gate.js';

export interface DetachRequest extends ChangeRequest {
  /** --wait-enis, --eni-timeout */
  enis: EniWaitRequest;
}

const DETACH_WORDS: ChangeWords = {
  updated: 'detached from the VPC',
  unchanged: 'not in a VPC',
  planned: 'would detach',
  summary: 'detached',
};

export const DETACH_NOTE =
  "Lambda deletes the function's network interfaces within about 20 minutes, and only once no other function or published version uses the same subnets and security groups. Keep the execution role's EC2 permissions until then, or the interfaces are stranded and must be deleted by hand.";

/** Empties each function's VpcConfig; warns about published versions first, and with --wait-enis follows the interfaces out. */
export function detach(deps: RunDeps, request: DetachRequest): Promise<ChangeBody> {
  // --emit writes nothing, so there are no interfaces to follow out.
  const enis = request.emit ? { ...request.enis, wait: false } : request.enis;
  const release = eniRelease(enis);
  return runChange(deps, withEmit(request), {
    desired: DETACHED,
    words: DETACH_WORDS,
    preflights: [release.checkPublishedVersions],
    gates: [() => iacGate(request), inactiveGate(!request.dryRun && request.emit === undefined)],
    after: request.emit ? emitStep(deps, request.emit, DETACHED) : release.afterDetach,
    notChecked: {
      enis: notChecked(enis.wait ? 'the command stopped before the wait' : 'without --wait-enis'),
      emit: notChecked(emitNotChecked(request)),
    },
    noteWhenWritten: DETACH_NOTE,
  });
}
