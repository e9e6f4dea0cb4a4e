// The check-perms report and the attach preflight summary: the shapes printed as JSON
// (docs/json-output.md) and the one-line verdict. Pure.
import {
  type ActionCheck,
  blocksAttach,
  type CallerReport,
  callerFixPolicy,
  deniedActions,
  executionRoleFix,
  type PrincipalReport,
  type RoleFix,
  type SimulationContext,
  undeterminedActions,
  type Verdict,
  verdictOf,
} from './permissions.js';
import type { PolicyDocument } from './policy-eval.js';

export interface RoleSection extends PrincipalReport {
  verdict: Verdict;
  fix: RoleFix | null;
}

export interface CallerSection extends CallerReport {
  verdict: Verdict;
  /** The statements to add to the caller's policies, or null when it lacks nothing. */
  fix: PolicyDocument | null;
}

export interface PermissionsReport {
  function: string;
  functionArn: string | null;
  verdict: Verdict;
  /** One line: what is denied, or what could not be determined and why. */
  reason: string;
  executionRole: RoleSection;
  caller: CallerSection;
  /** The condition keys given to the simulator (from --subnets/--sg), or null. */
  context: SimulationContext | null;
  /** Set when --fix attached the managed policy; the rest of the report is the re-check. */
  fixApplied: { roleName: string; policyArn: string } | null;
}

export function roleSection(role: PrincipalReport): RoleSection {
  return { ...role, verdict: verdictOf(role.checks), fix: executionRoleFix(role.arn ?? '', role.checks) };
}

export function buildReport(input: {
  function: string;
  functionArn: string | null;
  role: PrincipalReport;
  caller: CallerReport;
  context: SimulationContext | null;
  fixApplied?: PermissionsReport['fixApplied'];
}): PermissionsReport {
  const executionRole = roleSection(input.role);
  const caller: CallerSection = {
    ...input.caller,
    verdict: verdictOf(input.caller.checks),
    fix: callerFixPolicy(input.caller.checks, input.functionArn),
  };
  const verdict = verdictOf([...executionRole.checks, ...caller.checks]);
  return {
    function: input.function,
    functionArn: input.functionArn,
    verdict,
    reason: reasonLine(verdict, [
      ['the execution role', executionRole.checks],
      ['the caller', caller.checks],
    ]),
    executionRole,
    caller,
    context: input.context,
    fixApplied: input.fixApplied ?? null,
  };
}

export function reasonLine(verdict: Verdict, parts: Array<[string, ActionCheck[]]>): string {
  if (verdict === 'allowed') return 'Everything required is allowed.';
  if (verdict === 'denied') {
    const denied = parts
      .map(([who, checks]) => [who, deniedActions(checks)] as const)
      .filter(([, actions]) => actions.length > 0)
      .map(([who, actions]) => `${who} lacks ${actions.join(', ')}`);
    return `Denied: ${denied.join('; ')}.`;
  }
  const open = parts
    .map(([who, checks]) => {
      const actions = undeterminedActions(checks);
      const detail = checks.find((c) => actions.includes(c.action))?.detail;
      return actions.length === 0 ? null : `${who}: ${actions.join(', ')}${detail ? ` (${detail})` : ''}`;
    })
    .filter(Boolean);
  return `Could not determine ${open.join('; ')}.`;
}

/** The attach preflight's JSON (`permissions`): one entry per distinct execution role. */
export interface PreflightPermissions {
  checked: boolean;
  /** Why it did not run (--skip-perms-check), or null. */
  skippedReason: string | null;
  /** null when skipped. With no roles (nothing to change) it is "allowed". */
  verdict: Verdict | null;
  /** True when a hard requirement is denied: attach wrote nothing. */
  blocked: boolean;
  roles: Array<RoleSection & { functions: string[] }>;
}

export function preflightSummary(roles: Array<RoleSection & { functions: string[] }>): PreflightPermissions {
  const checks = roles.flatMap((r) => r.checks);
  return {
    checked: true,
    skippedReason: null,
    verdict: verdictOf(checks),
    blocked: roles.some((r) => blocksAttach(r.checks)),
    roles,
  };
}

export const skippedPreflight = (reason: string): PreflightPermissions => ({
  checked: false,
  skippedReason: reason,
  verdict: null,
  blocked: false,
  roles: [],
});
