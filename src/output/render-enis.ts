import type { ChalkInstance } from 'chalk';
import {
  type EniCount,
  type EniJson,
  type EnisReport,
  type FunctionVersionNetwork,
  LAMBDA_ENI_RELEASE_MS,
  type NetworkInterfaceInfo,
  type VersionJson,
  versionLabel,
} from '../core/enis.js';
import { isInVpc } from '../core/plan.js';

export function formatAge(ms: number | null): string {
  if (ms === null) return '?';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

const label = (v: VersionJson) => versionLabel({ functionName: v.function, version: v.version });

/** Columns padded to the widest cell; colour is applied after padding so it does not skew widths. */
function table(
  header: string[],
  rows: Array<Array<{ text: string; paint?: (s: string) => string }>>,
  c: ChalkInstance,
) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.text.length ?? 0)));
  const line = (cells: Array<{ text: string; paint?: (s: string) => string }>) =>
    `  ${cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell.text : cell.text.padEnd(widths[i] ?? 0);
        return cell.paint ? cell.paint(padded) : padded;
      })
      .join('  ')}`.trimEnd();
  return [line(header.map((h) => ({ text: h, paint: c.dim }))), ...rows.map(line)];
}

export function renderEniTable(interfaces: readonly EniJson[], c: ChalkInstance): string[] {
  const paint = { 'in-use': c.green, unused: c.yellow, stranded: c.red, 'not-lambda': c.dim } as const;
  return table(
    ['ENI', 'SUBNET', 'AZ', 'PRIVATE IP', 'STATUS', 'AGE', 'VERDICT', 'USED BY'],
    interfaces.map((e) => [
      { text: e.id },
      { text: e.subnetId },
      { text: e.availabilityZone ?? '?' },
      { text: e.privateIp ?? '?' },
      { text: e.status ?? '?' },
      { text: formatAge(e.ageMs) },
      { text: e.verdict, paint: paint[e.verdict] },
      { text: e.usedBy.length > 0 ? e.usedBy.map(label).join(', ') : '-' },
    ]),
    c,
  );
}

/** What to do about each interface nobody uses: wait, or delete it by hand. */
export function renderUnusedAdvice(interfaces: readonly EniJson[], c: ChalkInstance): string[] {
  const window = `${LAMBDA_ENI_RELEASE_MS / 60_000} minutes`;
  return interfaces.flatMap((e) => {
    if (e.verdict === 'unused')
      return [
        `${c.yellow('○')} ${e.id}: no function or version uses it; Lambda deletes it within about ${window} of the last detach.`,
      ];
    if (e.verdict !== 'stranded') return [];
    return [
      `${c.red('✖')} ${e.id}: no function or version uses it and it is ${formatAge(e.ageMs)} old: it looks stranded, unless its last function left it less than ${window} ago. The usual cause is an execution role that lost its EC2 permissions before Lambda could delete it.`,
      `  delete it by hand: ${e.deleteCommand ?? ''}`,
    ];
  });
}

export function renderEnis(r: EnisReport, c: ChalkInstance): string {
  const lines: string[] = [];
  const count = (n: number) => `${n} Lambda network interface${n === 1 ? '' : 's'}`;
  if (r.function) {
    const f = r.function;
    const who = `${c.bold(f.name)} (${f.version})`;
    if (!isInVpc(f)) return `${who}: not in a VPC, so Lambda holds no network interface for it.`;
    lines.push(
      `${who}: ${count(r.interfaces.length)} · subnets ${f.subnetIds.join(', ')} · security groups ${f.securityGroupIds.join(', ')}`,
    );
    if (r.interfaces.length === 0)
      lines.push(
        `  none found. An Inactive function (idle for weeks) has none: Lambda reclaimed them, and the next invoke re-creates them (minutes); \`status ${f.name}\` says whether it is Inactive. A new configuration gets them within minutes.`,
      );
  } else {
    const what = [
      r.query.eni,
      r.query.subnet && `subnet ${r.query.subnet}`,
      r.query.securityGroup && `security group ${r.query.securityGroup}`,
    ].filter(Boolean);
    lines.push(
      `${c.bold(what.join(' · '))}: ${count(r.interfaces.filter((e) => e.verdict !== 'not-lambda').length)}`,
    );
  }
  if (r.interfaces.length > 0) lines.push(...renderEniTable(r.interfaces, c));
  for (const e of r.interfaces) {
    if (e.verdict === 'not-lambda')
      lines.push(
        `${c.yellow('!')} ${e.id} is not a Lambda network interface (${e.description || 'no description'}, type ${e.interfaceType ?? 'unknown'}): what uses it is outside what lambda-vpc can tell.`,
      );
  }
  if (r.configuredUsers) {
    const users = r.configuredUsers.map(label);
    lines.push(`Functions and versions configured with it: ${users.length > 0 ? users.join(', ') : 'none'}`);
  }
  const published = new Map<string, VersionJson>();
  for (const e of r.interfaces)
    for (const u of e.usedBy)
      if (u.version !== '$LATEST' && (!r.function || u.function === r.function.name))
        published.set(label(u), u);
  if (published.size > 0)
    lines.push(
      `Published versions keep their interfaces until they are deleted, even after a detach: ${[
        ...published.values(),
      ]
        .map((v) => `aws lambda delete-function --function-name ${v.function} --qualifier ${v.version}`)
        .join('; ')}`,
    );
  lines.push(...renderUnusedAdvice(r.interfaces, c));
  return lines.join('\n');
}

/** status's row under the function's own rows. */
export function renderEniCountRow(report: EniCount | null | undefined, c: ChalkInstance): string[] {
  if (!report) return [];
  const value = report.checked
    ? `${report.count}${report.count > 0 ? ` (${report.ids.join(', ')})` : ''}`
    : c.yellow(`not checked: ${report.skippedReason}`);
  return [`  ${c.dim('ENIs'.padEnd(16))} ${value}`];
}

/** What --wait-enis saw: the interfaces Lambda deleted, and those another user keeps. */
export function renderRelease(
  awaited: readonly NetworkInterfaceInfo[],
  kept: ReadonlyArray<{ eni: NetworkInterfaceInfo; usedBy: FunctionVersionNetwork[] }>,
  elapsedMs: number,
  c: ChalkInstance,
): string {
  const lines =
    awaited.length > 0
      ? [
          `${c.green('✔')} Lambda deleted ${awaited.length} network interface${awaited.length > 1 ? 's' : ''} (${Math.round(elapsedMs / 1000)}s): ${awaited.map((e) => e.id).join(', ')}`,
        ]
      : kept.length > 0
        ? ['No network interface to wait for: another function or version still uses each one.']
        : ['No Lambda network interface of the old configuration is left.'];
  for (const { eni, usedBy } of kept)
    lines.push(
      `${c.cyan('○')} ${eni.id} (${eni.subnetId}) stays: still used by ${usedBy.map(versionLabel).join(', ')}`,
    );
  return lines.join('\n');
}
