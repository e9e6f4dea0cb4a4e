import type { Finding } from '../core/reachability/analyze.js';
import { CliError, endsTheRun, toCliError } from '../errors.js';
import { renderFindings, renderNetworkHeadline } from '../output/render-network.js';
import type { NetworkFacts } from '../services/network.js';
import type { Preflight } from './change.js';
import { analyze, type Lookup, lookUpNetwork, partialReason } from './network-lookup.js';

export interface NetworkPreflightOptions {
  /** --force: let Lambda judge mixed VPCs and dedicated tenancy. */
  force: boolean;
  /** --skip-network-check */
  skip: boolean;
  /** The network choice's reads of the whole VPC: the check analyses them instead of reading again. */
  facts?: NetworkFacts | undefined;
}

/** Errors that --force may override: Lambda itself is the final judge of these. */
const FORCEABLE = new Set(['MIXED_VPCS', 'DEDICATED_TENANCY']);
const NOT_FOUND = new Set(['SUBNET_NOT_FOUND', 'SECURITY_GROUP_NOT_FOUND']);

/**
 * attach's network preflight: the `network` section of the document, warnings for the user,
 * and the error that must stop the command before any write (none when it may go on).
 */
export const networkPreflight =
  (options: NetworkPreflightOptions): Preflight =>
  async ({ deps, region, desired }) => {
    const { reporter } = deps;
    if (options.skip)
      return {
        sections: { network: { checked: false, skippedReason: '--skip-network-check', forced: false } },
      };
    let lookup: Lookup;
    try {
      lookup = options.facts
        ? { facts: options.facts }
        : await lookUpNetwork(deps, {
            subnetIds: desired.subnetIds,
            securityGroupIds: desired.securityGroupIds,
            ipv6: desired.ipv6AllowedForDualStack,
          });
    } catch (thrown) {
      const error = toCliError(thrown, { region });
      const network = {
        checked: false,
        skippedReason: `EC2 lookup failed: ${error.message}`,
        forced: false,
      } as const;
      if (endsTheRun(error)) return { sections: { network }, stop: error };
      const stop = new CliError(error.code, `Network check: ${error.message}`, {
        cause: error,
        requestId: error.requestId,
        hint: `${error.hint ? `${error.hint} ` : ''}Or pass --skip-network-check to attach without it.`,
      });
      return { sections: { network }, stop };
    }
    if ('skipped' in lookup) {
      reporter.warn(`Network check skipped: ${lookup.skipped}. Pass --skip-network-check to silence this.`);
      return { sections: { network: { checked: false, skippedReason: lookup.skipped, forced: false } } };
    }
    const analysis = analyze(lookup.facts, region, desired);
    const partial = partialReason(lookup.facts);
    const errors = analysis.findings.filter((f) => f.severity === 'error');
    const notFound = errors.filter((f) => NOT_FOUND.has(f.code));
    const blocking = errors.filter((f) => !(options.force && FORCEABLE.has(f.code)));
    const forced = options.force && errors.some((f) => FORCEABLE.has(f.code));
    const sections = { network: { checked: true as const, skippedReason: partial, forced, ...analysis } };
    const stop =
      notFound.length > 0
        ? notFoundError(notFound, region)
        : blocking.length > 0
          ? blockingError(blocking)
          : undefined;
    // The error is what the user must act on: the verdicts and warnings about a configuration
    // that will not be written would only push it up the screen (the document keeps them).
    if (stop) return { sections, stop };
    if (partial) reporter.warn(`Network check: ${partial}; what could not be read was not checked.`);
    reporter.note((c) => renderNetworkHeadline(analysis, c));
    reporter.note((c) => renderFindings(analysis.findings, c, { forced: options.force }).join('\n'));
    return { sections };
  };

function notFoundError(findings: Finding[], region: string): CliError {
  const label = (f: Finding) =>
    `${f.code === 'SUBNET_NOT_FOUND' ? 'subnet' : 'security group'} ${f.subject ?? '?'}`;
  return new CliError('NotFound', `Not found in region ${region}: ${findings.map(label).join(', ')}.`, {
    hint: `Check the IDs, the account and the region (pass --region to change it). Nothing was written.`,
  });
}

function blockingError(findings: Finding[]): CliError {
  const fixes = [...new Set(findings.flatMap((f) => (f.fix ? [f.fix] : [])))];
  return new CliError('InvalidParameter', findings.map((f) => f.message).join(' '), {
    hint: `${fixes.join(' ')} Nothing was written; --force attaches anyway and lets Lambda decide.`,
  });
}
