import type { EmitReport } from '../core/emit.js';

/**
 * The --emit snippets on stdout, after the result lines: no colour, so that what is shown is
 * what can be pasted; a blank line between functions.
 */
export const renderEmit = (report: EmitReport): string => report.snippets.map((s) => s.text).join('\n\n');
