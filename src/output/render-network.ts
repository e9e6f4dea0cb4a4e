import type { ChalkInstance } from 'chalk';
import type { Finding, NetworkAnalysis, SubnetSummary } from '../core/reachability/analyze.js';
import type { NetworkReport } from '../core/result.js';

const row = (c: ChalkInstance, key: string, value: string) => `  ${c.dim(key.padEnd(16))} ${value}`;
const withoutLabel = (verdict: string, label: string) => verdict.replace(new RegExp(`^${label}: `), '');

/** One line for attach's stderr: which VPC, and what the function will reach from it. */
export function renderNetworkHeadline(a: NetworkAnalysis, c: ChalkInstance): string {
  const vpc = a.vpc ? `${a.vpc.id}${a.vpc.cidr ? ` (${a.vpc.cidr})` : ''}` : 'VPC unknown';
  return `${c.bold('Network check:')} ${vpc} · ${a.verdict.internet.text} · ${a.verdict.awsServices.text}`;
}

/**
 * Findings as stderr lines with their fix. Errors appear here only when --force let the
 * command go on; those that stop it are the command's own error line.
 */
export function renderFindings(
  findings: readonly Finding[],
  c: ChalkInstance,
  o: { forced: boolean },
): string[] {
  return findings.flatMap((f) => {
    const label =
      f.severity === 'error'
        ? c.red(o.forced ? 'Error (--force, continuing):' : 'Error:')
        : f.severity === 'warning'
          ? c.yellow('Warning:')
          : c.cyan('Note:');
    const lines = [`${label} ${f.message} ${c.dim(`[${f.code}]`)}`];
    if (f.fix) lines.push(`  ${c.dim('Fix:')} ${f.fix}`);
    return lines;
  });
}

/** What the subnet's default route means for the function, in a few words. */
export function routeVerdict(s: SubnetSummary): string {
  const n = s.internet;
  const base =
    n.kind === 'nat' && n.reachable === 'yes'
      ? `internet via ${n.via ?? 'a NAT gateway'}`
      : n.kind === 'nat' && n.reachable === 'unknown'
        ? `internet via ${n.via ?? 'a NAT gateway'} not proved (${n.reason ?? 'unknown'})`
        : n.kind === 'nat'
          ? `no internet (${n.reason ?? 'NAT gateway unusable'})`
          : n.kind === 'public-no-internet'
            ? `public subnet: no internet (0.0.0.0/0 → ${n.via ?? 'igw'}, no public IP)`
            : n.kind === 'isolated'
              ? 'isolated: no default route'
              : n.kind === 'blackhole'
                ? `no internet (${n.reason ?? 'blackhole route'})`
                : n.kind === 'other'
                  ? `0.0.0.0/0 → ${n.via ?? '?'} (not checked)`
                  : (n.reason ?? 'route table unknown');
  const endpoints = s.gatewayEndpointServices;
  return endpoints.length > 0 ? `${base}; ${endpoints.join(', ')} via gateway endpoint` : base;
}

/** status's network rows, under the function's own rows (stdout). */
export function renderNetworkSection(report: NetworkReport | null | undefined, c: ChalkInstance): string[] {
  if (!report) return [];
  if (!report.checked) return [row(c, 'network', c.yellow(`skipped: ${report.skippedReason}`))];
  const a = report;
  const rows: string[] = [];
  if (a.vpc) {
    const vpc = [a.vpc.id, a.vpc.cidr, a.vpc.tenancy ? `${a.vpc.tenancy} tenancy` : undefined];
    rows.push(row(c, 'network', vpc.filter(Boolean).join(' · ')));
  }
  if (a.skippedReason) rows.push(row(c, 'network', c.yellow(a.skippedReason)));
  for (const s of a.subnets) {
    const free = s.freeIps === undefined ? undefined : `${s.freeIps} free IPs`;
    const table = s.routeTableId ? `${s.routeTableId}${s.routeTableIsMain ? ' (main)' : ''}` : undefined;
    const parts = [s.id, s.az, s.cidr, free, table, routeVerdict(s)];
    rows.push(row(c, 'subnet', parts.filter(Boolean).join(' · ')));
  }
  for (const g of a.securityGroups) {
    rows.push(row(c, 'security group', `${g.id}${g.name ? ` (${g.name})` : ''} · egress ${g.egress}`));
  }
  const endpoints = a.endpoints.map((e) => {
    const dns = e.type === 'Interface' ? (e.privateDns ? ', private DNS' : ', private DNS off') : '';
    const state = e.state && e.state.toLowerCase() !== 'available' ? `, ${e.state}` : '';
    return `${e.service} (${e.type.toLowerCase()}${dns}${state})`;
  });
  const routingUnread = a.subnets.some((s) => s.internet.reason === 'not checked');
  const noEndpoints = routingUnread ? 'not checked' : 'none';
  rows.push(row(c, 'endpoints', endpoints.length > 0 ? endpoints.join(', ') : noEndpoints));
  const yes = a.verdict.internet.reachable === 'yes';
  rows.push(
    row(c, 'internet', (yes ? c.green : c.yellow)(withoutLabel(a.verdict.internet.text, 'internet'))),
  );
  rows.push(row(c, 'AWS services', withoutLabel(a.verdict.awsServices.text, 'AWS services')));
  for (const f of a.findings) {
    const color = f.severity === 'error' ? c.red : f.severity === 'warning' ? c.yellow : c.cyan;
    rows.push(row(c, f.severity, color(`${f.message} [${f.code}]`)));
  }
  return rows;
}
