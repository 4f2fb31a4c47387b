/**
 * Every subcommand, in the order `--help` lists them. Modules load on
 * demand, so `modelguard scan` does not pay for the converter, the vault or
 * the signer. Adding a command is one entry here (a test checks that each
 * entry's summary matches its command's).
 */
import type { Command } from '../command.js';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'scan',
    summary: 'scan model files or folders for code execution and loader attacks',
    load: async () => (await import('./scan.js')).scanCommand,
  },
  {
    name: 'convert',
    summary: 'convert PyTorch checkpoints, Hugging Face folders and .npz to safetensors without running them',
    load: async () => (await import('./convert.js')).convertCommand,
  },
  {
    name: 'keygen',
    summary: 'generate keys (--age: an age identity for encryption)',
    load: async () => (await import('./keygen.js')).keygen,
  },
  {
    name: 'encrypt',
    summary: 'encrypt a file to age recipients or a passphrase (age v1 format)',
    load: async () => (await import('./encrypt.js')).encrypt,
  },
  {
    name: 'decrypt',
    summary: 'decrypt an age file (binary or armored) with identities or a passphrase',
    load: async () => (await import('./decrypt.js')).decrypt,
  },
  {
    name: 'vault',
    summary: 'encrypted checkpoint vault: watch a training run, prune old copies',
    load: async () => (await import('./vault.js')).vault,
  },
];
