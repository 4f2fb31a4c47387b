/** Every subcommand, in the order `--help` lists them. Adding one is one line. */
import type { Command } from '../command.js';
import { decrypt } from './decrypt.js';
import { encrypt } from './encrypt.js';
import { keygen } from './keygen.js';
import { vault } from './vault.js';

export const COMMANDS: Command[] = [
  keygen,
  encrypt,
  decrypt,
  vault,
];
