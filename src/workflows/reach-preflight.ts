import type { ReachTargetSpec } from '../core/reach-targets.js';
import { CliError, endsTheRun, toCliError } from '../errors.js';
import { renderReachSummary } from '../output/render-reach.js';
import type { Preflight } from './change.js';

/**
 * attach --check-reach: the paths from the configuration about to be written to each target.
 * An unreachable target stops the run before any write (exit 10); an unknown one is a warning,
 * as the role gate treats what IAM cannot tell.
 */
export const reachPreflight =
  (targets: readonly ReachTargetSpec[]): Preflight =>
  async ({ deps, region, desired }) => {
    const { checkReach, verdictError } = await import('./reach.js');
    let report: Awaited<ReturnType<typeof checkReach>>;
    try {
      report = await checkReach(deps, region, desired, targets, null);
    } catch (thrown) {
      const error = toCliError(thrown, { region });
      if (endsTheRun(error)) return { stop: error };
      return {
        stop: new CliError(error.code, `Reach check: ${error.message}`, {
          cause: error,
          requestId: error.requestId,
          hint: `${error.hint ? `${error.hint} ` : ''}Nothing was written; run without --check-reach to attach without it.`,
        }),
      };
    }
    deps.reporter.note((c) => renderReachSummary(report, c));
    const sections = { reach: { checked: true as const, ...report } };
    const error = verdictError(report);
    if (report.verdict === 'unreachable' && error)
      return {
        sections,
        stop: new CliError(error.code, `Reach check: ${error.message}`, {
          hint: 'Nothing was written. lambda-vpc reach --subnets … --sg … --to … shows every hop; the fixes are above.',
        }),
      };
    if (error) deps.reporter.warn(`Reach check: ${error.message}; attaching anyway.`);
    return { sections };
  };
