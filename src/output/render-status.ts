import type { ChalkInstance } from 'chalk';
import { isInVpc } from '../core/plan.js';
import { type RemainingEnisReport, remainingEnisSummary } from '../core/remaining-enis.js';
import type { FunctionResult, StatusFields } from '../core/result.js';
import { inactiveNote } from '../core/settle.js';

function withReason(value: string | null, reason: string | null, code: string | null): string {
  if (!value) return 'unknown';
  const detail = [reason, code ? `(${code})` : null].filter(Boolean).join(' ');
  return detail ? `${value}: ${detail}` : value;
}

export function renderStatus(r: FunctionResult, c: ChalkInstance): string {
  if (!r.status) return `${c.red('✖')} ${r.function}: ${r.error?.message ?? 'unknown'}`;
  const s: StatusFields = r.status;
  const v = r.vpc;
  const inVpc = isInVpc(v);
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
  const lines = [c.bold(r.function), ...rows.map(([k, val]) => `  ${c.dim(k.padEnd(16))} ${val}`)];
  if (s.state === 'Inactive') lines.push(`  ${c.yellow(inactiveNote(nameOf(r), inVpc))}`);
  return lines.join('\n');
}

/** The function's name as Lambda knows it (the ARN's), else as the user typed it. */
const nameOf = (r: FunctionResult) => r.functionArn?.split(':')[6] ?? r.function;

/** status's row for the interfaces a function not in a VPC left behind: shown only when some remain. */
export function renderRemainingEnisRow(
  report: RemainingEnisReport | null | undefined,
  c: ChalkInstance,
): string[] {
  if (!report?.checked) return [];
  const summary = remainingEnisSummary(report);
  if (!summary) return [];
  const paint = report.cleanup === 'allowed' ? (text: string) => text : c.yellow;
  return [`  ${c.dim('ENIs left'.padEnd(16))} ${paint(summary)}`];
}

/** status --all / --brief: one line per function, then how many are in a VPC and settled. */
export function renderStatusTable(results: readonly FunctionResult[], c: ChalkInstance): string {
  const header = ['FUNCTION', 'VPC', 'STATE', 'LAST UPDATE', 'INTERNET', 'ENIs'];
  const rows = results.map((r) => {
    const s = r.status;
    const inVpc = isInVpc(r.vpc);
    const network = r.network?.checked ? r.network.verdict.internet.text.replace(/^internet: /, '') : '';
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
  const inVpc = results.filter((r) => isInVpc(r.vpc)).length;
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
  const inactive = results.filter((r) => r.status?.state === 'Inactive');
  const totals = `${results.length} function${results.length === 1 ? '' : 's'}: ${inVpc} in a VPC, ${settled} Active and settled${inactive.length ? `, ${inactive.length} Inactive` : ''}${failed ? `, ${c.red(`${failed} failed`)}` : ''}`;
  // Each with its own warm-up command.
  const explained = inactive.map((r) => c.yellow(inactiveNote(nameOf(r), isInVpc(r.vpc))));
  return [c.dim(pad(header)), ...rows.map((row) => paint(pad(row), row)), c.bold(totals), ...explained].join(
    '\n',
  );
}
