/** Every subcommand, in the order `--help` lists them. Adding one is one line. */
import type { Command } from '../command.js';
import { convertCommand } from './convert.js';

export const COMMANDS: Command[] = [convertCommand];
