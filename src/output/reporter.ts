import type { ChalkInstance } from 'chalk';
import type { CliError } from '../errors.js';
import type { Progress } from './progress.js';

/** Renders text for one stream, with that stream's colours (none when it is not a terminal or NO_COLOR). */
export type Render = (c: ChalkInstance) => string;

/**
 * What workflows tell the person running them. They say what happened; the implementation
 * (Ui) alone decides whether and where it is shown: human output, a JSON run (where the
 * document carries the results and only errors reach stderr), or nothing.
 */
export interface Reporter {
  /** Human output only: a part of the result on stdout, shown as soon as it is known. */
  show(render: Render): void;
  /** Human output only: a note on stderr (nothing when it is empty). */
  note(text: string | Render): void;
  /** Human output only: a warning on stderr. */
  warn(text: string): void;
  /** Every format: a line on stderr that belongs with a question the user is asked (check-perms --fix). */
  notice(text: string): void;
  /** Every format: an error line and its hint on stderr. */
  error(error: CliError, prefix?: string): void;
  /** Progress while waiting on AWS: a spinner, plain lines or nothing. `total`: functions worked on. */
  progress(total?: number): Promise<Progress>;
}
