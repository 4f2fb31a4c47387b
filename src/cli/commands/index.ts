/** Every subcommand, in the order `--help` lists them. Adding one is one line. */
import type { Command } from '../command.js';
import { convertCommand } from './convert.js';
import { scanCommand } from './scan.js';

export const COMMANDS: Command[] = [scanCommand, convertCommand];
