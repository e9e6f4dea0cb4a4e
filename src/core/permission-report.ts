// The check-perms report and the attach preflight summary: the shapes printed as JSON
// (docs/json-output.md) and the one-line verdict. Pure.
import {
  type ActionCheck,
  blocksAttach,
  type CallerReport,
  callerFixPolicy,
  deniedActions,
  executionRoleFix,
  isTrustCheck,
  type PrincipalReport,
  type RoleFix,
  type SimulationContext,
  type TrustFix,
  undeterminedActions,
  type Verdict,
  verdictOf,
} from './permissions.js';
import type { PolicyDocument } from './policy-eval.js';

export interface RoleSection extends PrincipalReport {
  verdict: Verdict;
  /** Attaching the managed policy, for EC2 permissions found denied; null otherwise. */
  fix: RoleFix | null;
  /** The trust policy's fix when Lambda may not assume the role; null otherwise. */
  trustFix: TrustFix | null;
}

export interface CallerSection extends CallerReport {
  verdict: Verdict;
  /** The statements to add to the caller's policies, or null when nothing was found denied. */
  fix: PolicyDocument | null;
}

/**
 * Whether a principal was checked (--role-only / --caller-only skip the other). A skipped
 * section is still there, with no checks and no verdict, as other sections of this tool's JSON.
 */
interface Checked {
  checked: boolean;
  /** Why it was not checked (`--role-only`, `--caller-only`), or null. */
  skippedReason: string | null;
}

type Unverdicted<T extends { verdict: Verdict }> = Omit<T, 'verdict'> & { verdict: Verdict | null };

export type ReportRoleSection = Checked & Unverdicted<RoleSection>;
export type ReportCallerSection = Checked & Unverdicted<CallerSection>;

export interface PermissionsReport {
  function: string;
  functionArn: string | null;
  /** Over the principals checked only. */
  verdict: Verdict;
  /** One line: what is denied, or what could not be determined and why. */
  reason: string;
  executionRole: ReportRoleSection;
  caller: ReportCallerSection;
  /** The condition keys given to the simulator (from --subnets/--sg), or null. */
  context: SimulationContext | null;
  /** Set when --fix attached the managed policy; the rest of the report is the re-check. */
  fixApplied: { roleName: string; policyArn: string } | null;
}

// JSON always has dependsOn, whichever method produced the check.
const withDependsOn = (c: ActionCheck): ActionCheck => ({ ...c, dependsOn: c.dependsOn ?? [] });

export function roleSection(role: PrincipalReport): RoleSection {
  const checks = role.checks.map(withDependsOn);
  return {
    arn: role.arn,
    checks,
    notes: role.notes,
    verdict: verdictOf(checks),
    fix: executionRoleFix(role.arn ?? '', checks),
    trustFix: role.trustFix ?? null,
  };
}

function callerSection(caller: CallerReport, functionArn: string | null): CallerSection {
  const checks = caller.checks.map(withDependsOn);
  return {
    arn: caller.arn,
    kind: caller.kind,
    simulatedAs: caller.simulatedAs,
    checks,
    notes: caller.notes,
    verdict: verdictOf(checks),
    fix: callerFixPolicy(checks, functionArn),
  };
}

const CHECKED = { checked: true, skippedReason: null } as const;

export function buildReport(input: {
  function: string;
  functionArn: string | null;
  /** null: not checked, for `skippedReason`. */
  role: PrincipalReport | null;
  caller: CallerReport | null;
  context: SimulationContext | null;
  fixApplied?: PermissionsReport['fixApplied'];
  /** Why the principal given as null was not checked (the flag that skipped it). */
  skippedReason?: string;
}): PermissionsReport {
  const skippedReason = input.skippedReason ?? 'not checked';
  const role = input.role && roleSection(input.role);
  const caller = input.caller && callerSection(input.caller, input.functionArn);
  const parts: Array<[string, ActionCheck[]]> = [
    ...(role ? [['the execution role', role.checks] as [string, ActionCheck[]]] : []),
    ...(caller ? [['the caller', caller.checks] as [string, ActionCheck[]]] : []),
  ];
  const verdict = verdictOf(parts.flatMap(([, checks]) => checks));
  const unchecked = !role ? 'the execution role' : !caller ? 'the caller' : null;
  return {
    function: input.function,
    functionArn: input.functionArn,
    verdict,
    reason: reasonLine(verdict, parts, unchecked),
    executionRole: role
      ? { ...CHECKED, ...role }
      : {
          checked: false,
          skippedReason,
          arn: null,
          checks: [],
          notes: [],
          verdict: null,
          fix: null,
          trustFix: null,
        },
    caller: caller
      ? { ...CHECKED, ...caller }
      : {
          checked: false,
          skippedReason,
          arn: null,
          kind: null,
          simulatedAs: null,
          checks: [],
          notes: [],
          verdict: null,
          fix: null,
        },
    context: input.context,
    fixApplied: input.fixApplied ?? null,
  };
}

const TRUST_DENIED = 'its trust policy does not let Lambda assume it';

/**
 * @param unchecked the principal that was not checked, named in an "allowed" line so that it
 *   does not read as covering both.
 */
export function reasonLine(
  verdict: Verdict,
  parts: Array<[string, ActionCheck[]]>,
  unchecked: string | null = null,
): string {
  if (verdict === 'allowed')
    return unchecked
      ? `Everything required of ${parts.map(([who]) => who).join(' and ')} is allowed (${unchecked} was not checked).`
      : 'Everything required is allowed.';
  if (verdict === 'denied') {
    const denied = parts
      .map(([who, checks]) => [who, checks.filter((c) => deniedActions([c]).length > 0)] as const)
      .filter(([, checks]) => checks.length > 0)
      .map(([who, checks]) => {
        const actions = checks.map((c) => (isTrustCheck(c) ? `${c.action} (${TRUST_DENIED})` : c.action));
        return `${who} lacks ${actions.join(', ')}`;
      });
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

const VPC_KEYS = ['lambda:VpcIds', 'lambda:SubnetIds', 'lambda:SecurityGroupIds'];

/**
 * What would turn an undetermined answer into a definite one, from what left it open: the VPC
 * to attach (for lambda:VpcIds and "which subnet"), or IAM reads the caller lacks. Null when
 * nothing check-perms could do would decide it (a key only the real request carries).
 */
export function undeterminedNextStep(report: PermissionsReport): string | null {
  if (report.verdict !== 'undetermined') return null;
  const open = [...report.executionRole.checks, ...report.caller.checks].filter(
    (c) => c.decision === 'conditional' || c.decision === 'unknown',
  );
  const text = (c: ActionCheck) => `${c.detail ?? ''} ${(c.dependsOn ?? []).join(' ')}`;
  const steps: string[] = [];
  const waitsForNetwork = open.some(
    (c) => VPC_KEYS.some((k) => text(c).includes(k)) || /which (subnet|security group)/.test(text(c)),
  );
  if (report.context === null && waitsForNetwork)
    steps.push('give the subnets and groups you will attach (--subnets … --sg …)');
  if (open.some((c) => c.method === 'none' || c.decision === 'unknown'))
    steps.push(
      'allow the caller iam:SimulatePrincipalPolicy, or the IAM reads named above (docs/permissions.md)',
    );
  return steps.length === 0 ? null : `For a definite answer, ${steps.join('; or ')}.`;
}
