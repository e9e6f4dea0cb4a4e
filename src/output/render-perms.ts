import type { ChalkInstance } from 'chalk';
import {
  type PermissionsReport,
  type ReportCallerSection,
  type RoleSection,
  undeterminedNextStep,
} from '../core/permission-report.js';
import type {
  ActionCheck,
  CheckDecision,
  CheckMethod,
  RoleFix,
  TrustFix,
  Verdict,
} from '../core/permissions.js';
import type { PolicyDocument } from '../core/policy-eval.js';
import type { RemainingEnisReport } from '../core/remaining-enis.js';

const DECISION_LABEL: Record<CheckDecision, string> = {
  allowed: 'allowed',
  implicitDeny: 'implicitly denied',
  explicitDeny: 'explicitly denied',
  denied: 'denied',
  conditional: 'conditional',
  unknown: 'unknown',
};

const METHOD_LABEL: Record<CheckMethod, string> = {
  simulator: 'simulator',
  policies: 'policies',
  dryRun: 'DryRun',
  observed: 'observed',
  none: '-',
};

const CALLER_KIND: Record<string, string> = {
  user: 'IAM user',
  role: 'IAM role',
  assumedRole: 'assumed role',
  federated: 'federated user',
  root: 'root user',
  other: 'principal',
};

function colourFor(c: ChalkInstance, decision: CheckDecision) {
  if (decision === 'allowed') return c.green;
  if (decision === 'conditional' || decision === 'unknown') return c.yellow;
  return c.red;
}

/** A table; long explanations become numbered notes under it so rows stay one line. */
export function renderChecks(checks: ActionCheck[], c: ChalkInstance): string[] {
  const label = (k: ActionCheck) => (k.required === 'current' ? `${k.action} (current Lambda)` : k.action);
  const width = Math.max('ACTION'.length, ...checks.map((k) => label(k).length));
  const footnotes: string[] = [];
  const rows = checks.map((k) => {
    let by = k.decidedBy ?? '';
    if (k.detail) {
      if (!footnotes.includes(k.detail)) footnotes.push(k.detail);
      by = [by, `[${footnotes.indexOf(k.detail) + 1}]`].filter(Boolean).join(' ');
    }
    const decision = colourFor(c, k.decision)(DECISION_LABEL[k.decision].padEnd(17));
    return `  ${label(k).padEnd(width)}  ${decision}  ${METHOD_LABEL[k.method].padEnd(9)}  ${by || '-'}`;
  });
  const header = `  ${'ACTION'.padEnd(width)}  ${'DECISION'.padEnd(17)}  ${'METHOD'.padEnd(9)}  DECIDED BY`;
  return [c.dim(header), ...rows, ...footnotes.map((f, i) => c.dim(`  [${i + 1}] ${f}`))];
}

const indent = (text: string, by = '    ') =>
  text
    .split('\n')
    .map((l) => by + l)
    .join('\n');

const policyJson = (doc: PolicyDocument) => indent(JSON.stringify(doc, null, 2));

/** The fix for the execution role; the attach preflight prints the same text. */
export function renderRoleFix(fix: RoleFix, checkPermsFix: string | null): string[] {
  if (!fix.attachHelps) {
    const by = fix.outrankedBy.length > 0 ? fix.outrankedBy.join(', ') : null;
    return [
      by
        ? `  Adding permissions to ${fix.roleName} will not help: ${by} denies what is missing,`
        : `  Adding permissions to ${fix.roleName} will not help: an explicit Deny, a service control policy or a`,
      by
        ? '  and that outranks any Allow. Ask whoever manages it.'
        : '  permissions boundary denies what is missing, and it outranks any Allow. Ask whoever manages it.',
    ];
  }
  return [
    `  Attach the AWS managed policy to the role ${fix.roleName}:`,
    `    ${fix.attachCommand}`,
    ...(checkPermsFix ? [`  or let lambda-vpc do it and check again: ${checkPermsFix}`] : []),
    '  or add these permissions to one of its own policies:',
    policyJson(fix.policy),
  ];
}

/** The trust policy's fix: printed, never applied, as it changes who may assume the role. */
export function renderTrustFix(fix: TrustFix): string[] {
  return [
    `  Lambda cannot use the role ${fix.roleName}: its trust policy does not let lambda.amazonaws.com`,
    '  assume it (sts:AssumeRole). This trust policy adds that and keeps every statement it has:',
    policyJson(fix.document),
    '  Apply it with:',
    `    ${fix.command}`,
    '  --fix does not change trust policies: who may assume a role is for you to decide.',
  ];
}

type Section = Pick<RoleSection, 'arn' | 'checks'> & { checked?: boolean; skippedReason?: string | null };

export function renderRoleSection(role: Section, c: ChalkInstance, title: string): string[] {
  if (role.checked === false) return [c.bold(title), c.dim(`  not checked (${role.skippedReason})`)];
  return [c.bold(`${title} ${role.arn ?? 'unknown'}`), ...renderChecks(role.checks, c)];
}

const VERDICT_MARK = (c: ChalkInstance, v: Verdict) =>
  v === 'allowed' ? c.green('✔') : v === 'denied' ? c.red('✖') : c.yellow('?');

function renderCaller(caller: ReportCallerSection, c: ChalkInstance): string[] {
  if (!caller.checked) return [c.bold('Caller:'), c.dim(`  not checked (${caller.skippedReason})`)];
  const who = caller.kind ? ` (${CALLER_KIND[caller.kind] ?? caller.kind})` : '';
  const simulated =
    caller.simulatedAs && caller.simulatedAs !== caller.arn ? `, simulated as ${caller.simulatedAs}` : '';
  return [c.bold(`Caller ${caller.arn ?? 'unknown'}${who}${simulated}`), ...renderChecks(caller.checks, c)];
}

export function renderPermissionsReport(r: PermissionsReport, c: ChalkInstance, cliPrefix: string): string {
  const role = r.executionRole;
  const lines = [
    ...(r.fixApplied
      ? [`${c.green('✔')} Attached ${r.fixApplied.policyArn} to ${r.fixApplied.roleName}; checked again:`, '']
      : []),
    ...renderRoleSection(role, c, `Execution role of ${r.function}:`),
    '',
    ...renderCaller(r.caller, c),
  ];
  if (r.context) {
    const keys = [
      `lambda:SubnetIds=${r.context.subnetIds.join(',')}`,
      `lambda:SecurityGroupIds=${r.context.securityGroupIds.join(',')}`,
      ...(r.context.vpcIds.length > 0 ? [`lambda:VpcIds=${r.context.vpcIds.join(',')}`] : []),
    ];
    lines.push(c.dim(`  simulated with ${keys.join(' ')}`));
  }
  lines.push('', `${VERDICT_MARK(c, r.verdict)} ${r.reason}`);
  // Fixes only for what was found denied: fix and trustFix are null otherwise.
  const fixCommand = `${cliPrefix} check-perms ${r.function} --fix`;
  if (role.fix && !r.fixApplied) {
    lines.push('', c.bold('Fix for the execution role:'), ...renderRoleFix(role.fix, fixCommand));
  }
  if (role.trustFix) {
    lines.push('', c.bold("Fix for the execution role's trust policy:"), ...renderTrustFix(role.trustFix));
  }
  if (r.caller.fix) {
    lines.push(
      '',
      c.bold('Fix for the caller:'),
      '  Add these permissions to the caller (or ask your administrator):',
      policyJson(r.caller.fix),
    );
  }
  const nextStep = undeterminedNextStep(r);
  if (nextStep) lines.push('', nextStep);
  return lines.join('\n');
}

/** check-perms of a function not in a VPC: the interfaces it left behind, under the report. */
export function renderRemainingEnis(r: RemainingEnisReport | null, c: ChalkInstance): string[] {
  if (!r) return [];
  if (!r.checked) return ['', c.yellow(`Network interfaces left behind: not checked (${r.skippedReason}).`)];
  if (r.count === 0) return ['', 'Network interfaces left behind: none.'];
  const verdict =
    r.cleanup === 'allowed'
      ? 'its role can still delete them; Lambda does once no other function or version uses them'
      : r.cleanup === 'denied'
        ? c.red(`its role can no longer delete them (${r.detail})`)
        : c.yellow(`whether its role can still delete them is unknown (${r.detail})`);
  return ['', `Network interfaces left behind: ${r.count} (${r.ids.join(', ')}): ${verdict}.`];
}
