import type { ChalkInstance } from 'chalk';
import type { EniBudgetReport } from '../core/eni-budget.js';

/** attach's one stderr line about the network interfaces: new, shared, in the VPC, against the quota. */
export function renderEniBudget(report: EniBudgetReport, c: ChalkInstance): string {
  const text = report.level === 'unknown' ? c.dim(report.text) : report.text;
  return `${c.bold('Network interfaces:')} ${text}`;
}
