import { attachCommand } from '../commands/attach.js';
import { checkPermsCommand } from '../commands/check-perms.js';
import { detachCommand } from '../commands/detach.js';
import { enisCommand } from '../commands/enis.js';
import { reachCommand } from '../commands/reach.js';
import { statusCommand } from '../commands/status.js';
import { teardownCommand } from '../commands/teardown.js';
import type { CommandSpec } from './action.js';

/** Every command, in the order --help lists them. A new command is one file and one line here. */
export const COMMANDS: readonly CommandSpec[] = [
  attachCommand,
  detachCommand,
  statusCommand,
  checkPermsCommand,
  enisCommand,
  reachCommand,
  teardownCommand,
];
