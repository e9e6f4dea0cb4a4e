import type { NetworkInterfaceInfo } from '../core/enis.js';
import { NetworkChoiceRefused, type NetworkChoiceReport } from '../core/network-choice.js';
import { skippedPreflight } from '../core/permission-report.js';
import type { DesiredVpc } from '../core/plan.js';
import type { ReachTargetSpec } from '../core/reach-targets.js';
import { errorJson } from '../core/result.js';
import { type ChangeBody, type NetworkPreflightJson, notChecked } from '../output/json.js';
import type { ChangeWords } from '../output/render-change.js';
import type { NetworkFacts } from '../services/network.js';
import { type ChangeRequest, type ChangeSections, runChange } from './change.js';
import type { NetworkChoiceRequest } from './choose-network.js';
import { startDeadline } from './deadline.js';
import type { RunDeps } from './deps.js';
import { emitNotChecked, emitStep, withEmit } from './emit-step.js';
import { eniBudgetPreflight } from './eni-budget.js';
import { iacGate } from './iac-gate.js';
import { inactiveGate } from './inactive-gate.js';
import { type NetworkPreflightOptions, networkPreflight } from './network-preflight.js';
import { reachPreflight } from './reach-preflight.js';
import { roleGate } from './role-gate.js';

export interface AttachRequest extends ChangeRequest {
  /** The VpcConfig, when given by ID; else `choose` says how to find it. */
  desired?: DesiredVpc | undefined;
  /** --vpc, --like, name:/tag: selectors, --create-sg: chosen before the checks. */
  choose?: NetworkChoiceRequest | undefined;
  /** --force, --skip-network-check */
  network: NetworkPreflightOptions;
  /** --skip-perms-check */
  permissions: { skip: boolean };
  /** --check-reach: targets that must be reachable before anything is written. */
  checkReach?: readonly ReachTargetSpec[] | undefined;
  /** What --vpc, --like or the selectors chose (the `choice` section); none when IDs were given. */
  choice?: NetworkChoiceReport | undefined;
  /** Reads the choice made already, so the checks do not make them again. */
  prefetched?: { facts?: NetworkFacts; interfaces?: readonly NetworkInterfaceInfo[] } | undefined;
}

const ATTACH_WORDS: ChangeWords = {
  updated: 'attached to {vpc}',
  unchanged: 'already attached as requested',
  planned: 'would attach',
  summary: 'attached',
};

/**
 * Chooses the network when asked to, checks it once, then sets each function's VpcConfig after
 * its role passed the gate.
 */
export async function attach(deps: RunDeps, asked: AttachRequest): Promise<ChangeBody> {
  let request = asked;
  try {
    if (asked.choose) request = await withChoice(deps, asked, asked.choose);
  } catch (error) {
    // No subnet qualified: the document still carries every subnet's decision.
    if (!(error instanceof NetworkChoiceRefused)) throw error;
    deps.reporter.error(error);
    return {
      exitCode: error.exitCode,
      error: errorJson(error),
      results: [],
      ...notCheckedOf(asked),
      choice: error.report,
    };
  }
  const desired = request.desired;
  if (!desired) throw new Error('attach: neither a VpcConfig nor a way to choose one');
  const network = networkPreflight({ ...request.network, facts: request.prefetched?.facts });
  const choice = request.choice;
  // --emit's CDK snippet names the VPC and the public subnets: the network check has read them.
  let networkSeen: NetworkPreflightJson | undefined;
  return runChange(deps, withEmit(request), {
    desired,
    words: ATTACH_WORDS,
    preflights: [
      ...(choice ? [async () => ({ sections: { choice } })] : []),
      async (scope) => {
        const outcome = await network(scope);
        networkSeen = outcome.sections?.network;
        return outcome;
      },
      eniBudgetPreflight({
        skip: request.network.skip,
        vpcId: () => (networkSeen?.checked ? networkSeen.vpc?.id : undefined),
        interfaces: request.prefetched?.interfaces,
      }),
      ...(request.checkReach?.length ? [reachPreflight(request.checkReach)] : []),
    ],
    // The guard first: it reads nothing, and a refusal spares the role check its IAM calls. The
    // Inactive note last, for the functions that will be written.
    gates: [
      () => iacGate(request),
      (scope) => roleGate(scope, request.permissions),
      inactiveGate(!request.dryRun && request.emit === undefined),
    ],
    after: request.emit ? emitStep(deps, request.emit, desired, () => networkSeen) : undefined,
    notChecked: notCheckedOf(request),
  });
}

async function withChoice(
  deps: RunDeps,
  request: AttachRequest,
  choose: NetworkChoiceRequest,
): Promise<AttachRequest> {
  const { chooseNetwork } = await import('./choose-network.js');
  // --timeout bounds the whole command: the choice's reads (and the group it creates) too.
  const deadline = startDeadline(deps, request.timeoutMs);
  const chosen = await chooseNetwork({ ...deps, signal: deadline.signal }, choose, {
    targets: request.targets,
    write: !request.dryRun && request.emit === undefined,
    writeSignal: deadline.expiry,
  });
  const created = chosen.report.createdSecurityGroup;
  const notes =
    created?.written && created.id
      ? [
          ...request.notes,
          `Created security group ${created.id} (${created.name}) for this run; if no function ends up using it: aws ec2 delete-security-group --group-id ${created.id}`,
        ]
      : request.notes;
  return {
    ...request,
    notes,
    timeoutMs: Math.max(0, deadline.at - deps.clock.now()),
    desired: chosen.desired,
    choice: chosen.report,
    prefetched: chosen.prefetched,
  };
}

/** Each section of attach's document as it reads when its step did not run. */
function notCheckedOf(request: AttachRequest): ChangeSections {
  return {
    network: {
      checked: false,
      skippedReason: 'the command stopped before the network check',
      forced: false,
    },
    permissions: skippedPreflight('the command stopped before the role check'),
    reach: notChecked(
      request.checkReach?.length ? 'the command stopped before the reach check' : 'without --check-reach',
    ),
    emit: notChecked(emitNotChecked(request)),
    choice: notChecked('subnets and security groups given by ID'),
    eniBudget: notChecked('the command stopped before the network-interface budget'),
  };
}
