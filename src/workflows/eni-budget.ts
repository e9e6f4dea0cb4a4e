// Contract stub (issue 16): the ENI budget helper replaces this file.
import type { NetworkInterfaceInfo } from '../core/enis.js';
import { notChecked } from '../output/json.js';
import type { Preflight } from './change.js';

export interface EniBudgetOptions {
  /** --skip-network-check: no EC2 read at all. */
  skip: boolean;
  /** The VPC the network check found for the configuration (undefined when it did not run or found none). */
  vpcId: () => string | undefined;
  /** The Region's network interfaces when the network choice has listed them already: not listed again. */
  interfaces?: readonly NetworkInterfaceInfo[] | undefined;
}

/** Runs after the network preflight: how many new Lambda interfaces the change creates, and the quota. */
export const eniBudgetPreflight =
  (_options: EniBudgetOptions): Preflight =>
  async () => ({ sections: { eniBudget: notChecked('not built yet') } });
