import type { ChalkInstance } from 'chalk';
import type { VpcSettings } from '../core/plan.js';
import type { ErrorJson, FunctionResult, StatusFields } from '../core/result.js';
import type { ExitCode } from '../errors.js';

export const JSON_SCHEMA_VERSION = 1;

export type CommandName = 'attach' | 'detach' | 'status' | 'check-perms' | 'enis';

/** The one JSON document a command prints on stdout (docs/json-output.md). */
export function jsonDocument(
  command: CommandName | null,
  exitCode: ExitCode,
  results: FunctionResult[],
  error: ErrorJson | null = null,
  extra: Record<string, unknown> = {},
): string {
  const doc = { schemaVersion: JSON_SCHEMA_VERSION, command, exitCode, results, error, ...extra };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function describeVpc(v: VpcSettings | null): string {
  if (!v || v.subnetIds.length === 0) return 'not in a VPC';
  return [
    v.vpcId ?? 'VPC set by AWS from the subnets',
    `subnets ${v.subnetIds.join(', ')}`,
    `security groups ${v.securityGroupIds.join(', ')}`,
    `IPv6 dual-stack ${v.ipv6AllowedForDualStack ? 'on' : 'off'}`,
  ].join(' · ');
}

/** The command that puts `before` back, so every change can be undone by hand. */
export function undoCommand(cliPrefix: string, fn: string, before: VpcSettings): string {
  if (before.subnetIds.length === 0) return `${cliPrefix} detach ${fn}`;
  const ipv6 = before.ipv6AllowedForDualStack ? ' --ipv6-dual-stack' : '';
  return `${cliPrefix} attach ${fn} --subnets ${before.subnetIds.join(',')} --sg ${before.securityGroupIds.join(',')}${ipv6}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Empty when there is nothing to show beyond the error line (the function was never read). */
export function renderChange(
  r: FunctionResult,
  command: 'attach' | 'detach',
  c: ChalkInstance,
  cliPrefix: string,
): string {
  if (r.outcome === 'failed' && !r.before) return '';
  const verb = command === 'attach' ? `attached to ${r.after?.vpcId ?? 'the VPC'}` : 'detached from the VPC';
  const settled = r.status?.lastUpdateStatus ?? r.status?.state ?? '';
  const headline: Record<FunctionResult['outcome'], string> = {
    updated: `${c.green('✔')} ${r.function}: ${verb} (${settled}, ${seconds(r.elapsedMs)})`,
    started: `${c.cyan('→')} ${r.function}: update sent, not waiting (${settled})`,
    unchanged: `${c.green('✔')} ${r.function}: unchanged, ${command === 'attach' ? 'already attached as requested' : 'not in a VPC'}`,
    planned: `${c.cyan('○')} ${r.function}: would ${command === 'attach' ? 'attach' : 'detach'} (dry run, nothing written)`,
    failed: `${c.red('✖')} ${r.function}: ${r.error?.code === 'UpdateFailed' ? 'update failed' : 'failed'}${r.written ? '' : ', nothing written'}`,
    status: r.function,
  };
  const lines = [headline[r.outcome]];
  if (r.before) {
    const label = r.outcome === 'unchanged' ? 'current' : 'before';
    lines.push(`  ${c.dim(label.padEnd(7))} ${describeVpc(r.before)}`);
  }
  if (r.after && r.outcome !== 'unchanged') {
    const label = r.outcome === 'failed' && !r.written ? 'wanted' : 'after';
    lines.push(`  ${c.dim(label.padEnd(7))} ${describeVpc(r.after)}`);
  }
  if (r.written && r.before)
    lines.push(`  ${c.dim('undo'.padEnd(7))} ${undoCommand(cliPrefix, r.function, r.before)}`);
  return lines.join('\n');
}

function withReason(value: string | null, reason: string | null, code: string | null): string {
  if (!value) return 'unknown';
  const detail = [reason, code ? `(${code})` : null].filter(Boolean).join(' ');
  return detail ? `${value}: ${detail}` : value;
}

export function renderStatus(r: FunctionResult, c: ChalkInstance): string {
  if (!r.status) return `${c.red('✖')} ${r.function}: ${r.error?.message ?? 'unknown'}`;
  const s: StatusFields = r.status;
  const v = r.vpc;
  const inVpc = Boolean(v && v.subnetIds.length > 0);
  const stateColor = s.state === 'Active' ? c.green : s.state === 'Failed' ? c.red : c.yellow;
  const updateColor =
    s.lastUpdateStatus === 'Failed' ? c.red : s.lastUpdateStatus === 'InProgress' ? c.yellow : c.green;
  const rows: Array<[string, string]> = [
    ['function', r.functionArn ?? r.function],
    ['VPC', inVpc ? (v?.vpcId ?? 'unknown') : 'not in a VPC'],
    ...(inVpc && v
      ? ([
          ['subnets', v.subnetIds.join(', ')],
          ['security groups', v.securityGroupIds.join(', ')],
          ['IPv6 dual-stack', v.ipv6AllowedForDualStack ? 'on' : 'off'],
        ] as Array<[string, string]>)
      : []),
    ['state', stateColor(withReason(s.state, s.stateReason, s.stateReasonCode))],
    [
      'last update',
      updateColor(withReason(s.lastUpdateStatus, s.lastUpdateStatusReason, s.lastUpdateStatusReasonCode)),
    ],
  ];
  return [c.bold(r.function), ...rows.map(([k, val]) => `  ${c.dim(k.padEnd(16))} ${val}`)].join('\n');
}
