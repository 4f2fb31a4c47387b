/**
 * File-system checks of `audit host`: who can read or write the folders
 * that hold checkpoints, keys and vaults, key files readable by others, and
 * checkpoint folders whose checkpoints sit unencrypted.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { looksLikeAge } from '../age/magic.js';
import { finding, type HostFinding } from './host-finding.js';
import { HOST_RULES } from './host-rules.js';
import type { WalkEntry } from './host-walk.js';

const CHECKPOINT_DIR = /^(checkpoints?|ckpts?|weights|saved_models?|models?)$/i;
const KEY_DIR = /^(keys?|\.ssh|secrets?|certs?|credentials|\.gnupg|identities)$/i;
const KEY_FILE = /(\.(pem|key|p12|pfx)$|^id_(rsa|ecdsa|ed25519|dsa)$|identity\.txt$|^key\.txt$)/i;
const CHECKPOINT_EXT = new Set([
  '.pt',
  '.pth',
  '.ckpt',
  '.bin',
  '.safetensors',
  '.h5',
  '.keras',
  '.onnx',
  '.params',
  '.npz',
  '.joblib',
  '.pkl',
  '.gguf',
  '.msgpack',
]);
const VAULT_MARKER = 'vault.json';

type Kind = 'checkpoint' | 'key' | 'vault';

function head(path: string, n = 64): Uint8Array {
  const buf = new Uint8Array(n);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } catch {
    return new Uint8Array(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, '0');
}

export function auditPermissions(entries: readonly WalkEntry[]): { findings: HostFinding[]; folders: number } {
  const findings: HostFinding[] = [];
  const kinds = new Map<string, Kind>();
  for (const e of entries) {
    if (e.stat.isDirectory() && CHECKPOINT_DIR.test(e.name)) kinds.set(e.path, 'checkpoint');
    if (e.stat.isDirectory() && KEY_DIR.test(e.name)) kinds.set(e.path, 'key');
    if (e.stat.isFile() && e.name === VAULT_MARKER) kinds.set(dirname(e.path), 'vault');
  }
  for (const e of entries) {
    const kind = kinds.get(e.path);
    if (kind === undefined || !e.stat.isDirectory()) continue;
    const mode = e.stat.mode;
    if (mode & 0o022) findings.push(finding(HOST_RULES.groupWritable, e.path, `${kind} folder has mode ${octal(mode)}: others can replace what it holds`));
    if (mode & 0o004)
      findings.push(finding(HOST_RULES.sensitiveWorldReadable, e.path, `${kind} folder has mode ${octal(mode)}: every user can list and read it`));
  }
  const plaintext = new Map<string, number>();
  for (const e of entries) {
    if (!e.stat.isFile()) continue;
    if (KEY_FILE.test(e.name) && !e.name.endsWith('.pub') && (e.stat.mode & 0o077) !== 0) {
      findings.push(finding(HOST_RULES.keyWorldReadable, e.path, `key file has mode ${octal(e.stat.mode)}; it should be 600`));
    }
    const dir = dirname(e.path);
    if (kinds.get(dir) === 'checkpoint' && CHECKPOINT_EXT.has(extname(e.name).toLowerCase()) && !looksLikeAge(head(e.path))) {
      plaintext.set(dir, (plaintext.get(dir) ?? 0) + 1);
    }
  }
  for (const [dir, n] of plaintext) {
    findings.push(finding(HOST_RULES.checkpointUnencrypted, dir, `${n} checkpoint file${n === 1 ? '' : 's'} in ${basename(dir)}/ stored unencrypted`));
  }
  return { findings, folders: kinds.size };
}
