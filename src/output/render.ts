import type { ChalkInstance } from 'chalk';
import type { VpcSettings } from '../core/plan.js';
import {
  type ErrorJson,
  type FunctionResult,
  type StatusFields,
  type Summary,
  summarize,
} from '../core/result.js';
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
  const perFunction = command === 'attach' || command === 'detach' || command === 'status';
  const doc = {
    schemaVersion: JSON_SCHEMA_VERSION,
    command,
    exitCode,
    results,
    ...(perFunction ? { summary: summarize(results) } : {}),
    error,
    ...extra,
  };
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
    skipped: `${c.dim('-')} ${r.function}: not started`,
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

const CHANGE_WORDS: Record<FunctionResult['outcome'], string> = {
  updated: '{verb}',
  started: 'sent, not waited for',
  unchanged: 'unchanged',
  planned: 'would change (dry run)',
  failed: 'failed',
  status: 'read',
  skipped: 'not started',
};

/** One line after a batch of several functions: how many ended each way. */
export function renderChangeSummary(
  summary: Summary,
  command: 'attach' | 'detach',
  c: ChalkInstance,
): string {
  const verb = command === 'attach' ? 'attached' : 'detached';
  const parts = Object.entries(summary.outcomes).map(([outcome, count]) => {
    const words = CHANGE_WORDS[outcome as FunctionResult['outcome']].replace('{verb}', verb);
    const text = `${count} ${words}`;
    return outcome === 'failed' ? c.red(text) : outcome === 'skipped' ? c.yellow(text) : text;
  });
  return `${c.bold(`${summary.total} functions:`)} ${parts.join(', ')}`;
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

/** status --all / --brief: one line per function, then how many are in a VPC and settled. */
export function renderStatusTable(results: readonly FunctionResult[], c: ChalkInstance): string {
  const header = ['FUNCTION', 'VPC', 'STATE', 'LAST UPDATE', 'INTERNET', 'ENIs'];
  const rows = results.map((r) => {
    const s = r.status;
    const inVpc = Boolean(r.vpc && r.vpc.subnetIds.length > 0);
    const network = r.network?.checked ? r.network.verdict.internet.replace(/^internet: /, '') : '';
    const enis = r.enis?.checked ? String(r.enis.count) : '';
    if (!s)
      return [r.function, '', r.outcome === 'skipped' ? 'not started' : 'error', r.error?.code ?? '', '', ''];
    const update = s.lastUpdateStatusReasonCode
      ? `${s.lastUpdateStatus} (${s.lastUpdateStatusReasonCode})`
      : (s.lastUpdateStatus ?? '');
    return [
      r.function,
      inVpc ? (r.vpc?.vpcId ?? 'unknown') : '-',
      s.state ?? '',
      update,
      inVpc ? network : '',
      inVpc ? enis : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const pad = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const paint = (line: string, cells: string[]) => {
    const bad = cells[2] === 'Failed' || cells[2] === 'error' || cells[3]?.startsWith('Failed');
    const busy = cells[2] === 'Pending' || cells[3] === 'InProgress' || cells[2] === 'not started';
    return bad ? c.red(line) : busy ? c.yellow(line) : line;
  };
  const inVpc = results.filter((r) => r.vpc && r.vpc.subnetIds.length > 0).length;
  const settled = results.filter(
    (r) =>
      r.status &&
      r.status.state === 'Active' &&
      r.status.lastUpdateStatus !== 'InProgress' &&
      r.status.lastUpdateStatus !== 'Failed',
  ).length;
  const failed = results.filter(
    (r) => r.error || r.status?.lastUpdateStatus === 'Failed' || r.status?.state === 'Failed',
  ).length;
  const totals = `${results.length} function${results.length === 1 ? '' : 's'}: ${inVpc} in a VPC, ${settled} Active and settled${failed ? `, ${c.red(`${failed} failed`)}` : ''}`;
  return [c.dim(pad(header)), ...rows.map((row) => paint(pad(row), row)), c.bold(totals)].join('\n');
}
