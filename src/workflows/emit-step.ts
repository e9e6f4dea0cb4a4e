import { type EmitChange, type EmitReport, type EmitTool, renderSnippet } from '../core/emit.js';
import type { DesiredVpc } from '../core/plan.js';
import type { FunctionResult } from '../core/result.js';
import { ExitCode } from '../errors.js';
import type { NetworkPreflightJson } from '../output/json.js';
import { renderEmit } from '../output/render-emit.js';
import type { AfterStep, ChangeRequest } from './change.js';
import type { RunDeps } from './deps.js';

/** What the run learnt of the network (attach's preflight), for the snippets that need more than IDs. */
export type NetworkSeen = () => NetworkPreflightJson | undefined;

/**
 * --emit: once every function has been read and planned (nothing written), the change as `tool`
 * writes it, for each function read. A function already as requested gets one too: the source
 * should say what the function has.
 */
export function emitStep(
  deps: RunDeps,
  tool: EmitTool,
  desired: DesiredVpc,
  networkSeen: NetworkSeen = () => undefined,
): AfterStep {
  return async (results) => {
    const report = emitReport(tool, desired, results, networkSeen());
    if (report.snippets.length > 0) deps.reporter.show(() => renderEmit(report));
    return { exitCode: ExitCode.Success, sections: { emit: report } };
  };
}

export function emitReport(
  tool: EmitTool,
  desired: DesiredVpc,
  results: readonly FunctionResult[],
  network: NetworkPreflightJson | undefined,
): EmitReport {
  const analysed = network?.checked ? network : undefined;
  const publicSubnetIds = (analysed?.subnets ?? [])
    .filter((s) => s.internet.kind === 'public-no-internet')
    .map((s) => s.id);
  const snippets = results
    // Never read (not found, refused before the read): nothing says it exists.
    .filter((r) => r.before !== null)
    .map((r) => {
      const change: EmitChange = {
        function: r.function,
        desired,
        vpcId: analysed?.vpc?.id ?? r.after?.vpcId ?? null,
        publicSubnetIds,
      };
      return { function: r.function, text: renderSnippet(tool, change) };
    });
  return { checked: true, tool, snippets };
}

/** --emit writes nothing: the functions are read, planned and gated as in a dry run. */
export const withEmit = <R extends ChangeRequest>(request: R): R =>
  request.emit ? { ...request, dryRun: true } : request;

/** The `emit` section when no snippet was made. */
export const emitNotChecked = (request: ChangeRequest): string =>
  request.emit ? 'the command stopped before the snippets' : 'without --emit';
