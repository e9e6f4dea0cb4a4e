import type { AwsClients } from '../aws/clients.js';
import type { Clock } from '../core/poll.js';
import type { Reporter } from '../output/reporter.js';

/** What every workflow is given, instead of reaching for globals: tests pass their own. */
export interface RunDeps {
  /** SDK clients, created on first use. */
  aws: AwsClients;
  clock: Clock;
  /** Aborted on Ctrl-C or SIGTERM (its reason an Interruption naming which). */
  signal: AbortSignal | undefined;
  reporter: Reporter;
  /** "lambda-vpc --region eu-west-1": how to write a follow-up command the user can paste. */
  cliPrefix: string;
  /**
   * How often to poll, when set (LAMBDA_VPC_POLL_INTERVAL_MS, for local emulators and tests);
   * otherwise each wait uses the cadence AWS needs.
   */
  pollIntervalMs: number | undefined;
  /** Asks the user yes/no; absent when nobody can answer. */
  confirm: ((question: string) => Promise<boolean>) | undefined;
}
