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
    name: 'detonate',
    summary: 'load a model with its real loader inside a sandbox and report what it did',
    load: async () => (await import('./detonate.js')).detonateCommand,
  },
  {
    name: 'audit',
    summary: 'audit this machine and project against the PyTorch and MXNet security guidance',
    load: async () => (await import('./audit.js')).auditCommand,
  },
  {
    name: 'convert',
    summary: 'convert PyTorch checkpoints, Hugging Face folders and .npz to safetensors without running them',
    load: async () => (await import('./convert.js')).convertCommand,
  },
  {
    name: 'digest',
    summary: 'print the OpenSSF Model Signing root digest of a model',
    load: async () => (await import('./digest.js')).digestCommand,
  },
  {
    name: 'sign',
    summary: 'sign a model (OpenSSF Model Signing: key, certificate or sigstore)',
    load: async () => (await import('./sign.js')).signCommand,
  },
  {
    name: 'verify',
    summary: 'verify a model signature (OpenSSF Model Signing: key, certificate or sigstore)',
    load: async () => (await import('./verify.js')).verifyCommand,
  },
  {
    name: 'attest',
    summary: 'sign a scan attestation bound to a model digest',
    load: async () => (await import('./attest.js')).attestCommand,
  },
  {
    name: 'keygen',
    summary: 'generate keys: an EC signing key pair (default) or, with --age, an age identity',
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
  {
    name: 'detect',
    summary: 'detect prompt injection and jailbreaks in text or JSONL',
    load: async () => (await import('./detect.js')).detectCommand,
  },
  {
    name: 'redteam',
    summary: 'fuzz a gateway or the detector with transformed prompt-injection attacks',
    load: async () => (await import('./redteam.js')).redteamCommand,
  },
  {
    name: 'gateway',
    summary: 'inference gateway: authenticate, limit, validate, redact and audit requests to model servers',
    load: async () => (await import('./gateway.js')).gatewayCommand,
  },
  {
    name: 'serve',
    summary: 'model registry with a web UI: quarantine, scan, convert, sign and publish uploads',
    load: async () => (await import('./serve.js')).serveCommand,
  },
  {
    name: 'cluster',
    summary: 'cluster CA and per-node certificates for the training tunnel: init, issue, revoke, show',
    load: async () => (await import('./cluster.js')).clusterCommand,
  },
  {
    name: 'tunnel',
    summary: 'mTLS tunnel for distributed training traffic (TCPStore, c10d rendezvous): serve, connect, run',
    load: async () => (await import('./tunnel.js')).tunnelCommand,
  },
];
