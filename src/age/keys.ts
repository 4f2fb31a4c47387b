/**
 * Parsing of recipient strings, recipients files (`-R`) and identity files
 * (`-i`). Secret material never appears in error messages: identity errors
 * name the file and line number only.
 */
import { fail, AgeError } from './errors.js';
import { HybridIdentity, HybridRecipient } from './hybrid.js';
import { SshEd25519Identity, SshEd25519Recipient } from './ssh.js';
import type { Identity, Recipient } from './recipient.js';
import { X25519Identity, X25519Recipient } from './x25519.js';

/** CWE-400: key files are a few lines; refuse anything bigger before splitting. */
export const MAX_KEY_FILE_SIZE = 1024 * 1024;

/** Parses one recipient string (`age1...` X25519, `age1pq1...` post-quantum hybrid, `ssh-ed25519 AAAA...`). */
export function parseRecipient(s: string): Recipient {
  const t = s.trim();
  if (t.startsWith('age1pq1')) return HybridRecipient.parse(t);
  if (t.startsWith('age1tag')) throw fail('E_AGE_UNSUPPORTED', 'tagged hardware recipients are not supported');
  if (t.startsWith('ssh-ed25519 ')) return SshEd25519Recipient.parse(t);
  if (t.startsWith('ssh-')) throw fail('E_AGE_UNSUPPORTED', 'only ssh-ed25519 SSH recipients are supported (not RSA or ECDSA)');
  if (/^age1[a-z0-9]+1/.test(t)) throw fail('E_AGE_UNSUPPORTED', 'plugin recipients are not supported');
  return X25519Recipient.parse(t);
}

function keyLines(text: string): { line: string; n: number }[] {
  const out: { line: string; n: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line !== '' && !line.startsWith('#')) out.push({ line, n: i + 1 });
  });
  return out;
}

/** Parses a recipients file: one recipient per line, `#` comments and blank lines ignored. */
export function parseRecipientsFile(text: string, name = 'recipients file'): Recipient[] {
  if (text.length > MAX_KEY_FILE_SIZE) throw fail('E_AGE_KEY', `${name} is larger than ${MAX_KEY_FILE_SIZE} bytes`);
  const out: Recipient[] = [];
  for (const { line, n } of keyLines(text)) {
    try {
      out.push(parseRecipient(line));
    } catch (e) {
      if (e instanceof AgeError) throw fail(e.code, `${name}:${n}: ${e.message}`, { cause: e });
      throw e;
    }
  }
  if (out.length === 0) throw fail('E_AGE_KEY', `${name} has no recipients`);
  return out;
}

/** Parses one identity string (`AGE-SECRET-KEY-1...` or `AGE-SECRET-KEY-PQ-1...`). */
export function parseIdentity(s: string): X25519Identity | HybridIdentity {
  const t = s.trim();
  if (t.startsWith('AGE-SECRET-KEY-PQ-')) return HybridIdentity.parse(t);
  if (t.startsWith('AGE-PLUGIN-')) throw fail('E_AGE_UNSUPPORTED', 'plugin identities are not supported');
  if (t.startsWith('-----BEGIN')) throw fail('E_AGE_UNSUPPORTED', 'give SSH private keys as a whole file (-i ~/.ssh/id_ed25519)');
  return X25519Identity.parse(t);
}

/**
 * Parses an identity file as written by `age-keygen` or `modelguard keygen
 * --age` (identity lines, `#` comments, blank lines), or an unencrypted
 * OpenSSH Ed25519 private key file.
 */
export function parseIdentitiesFile(text: string, name = 'identity file'): Identity[] {
  if (text.length > MAX_KEY_FILE_SIZE) throw fail('E_AGE_KEY', `${name} is larger than ${MAX_KEY_FILE_SIZE} bytes`);
  if (text.startsWith('age-encryption.org/') || text.startsWith('-----BEGIN AGE')) {
    throw fail('E_AGE_UNSUPPORTED', `${name} is itself encrypted; decrypt it first`);
  }
  if (text.trimStart().startsWith('-----BEGIN OPENSSH PRIVATE KEY-----')) {
    try {
      return [SshEd25519Identity.parse(text)];
    } catch (e) {
      if (e instanceof AgeError) throw fail(e.code, `${name}: ${e.message}`);
      throw e;
    }
  }
  const out: Identity[] = [];
  for (const { line, n } of keyLines(text)) {
    try {
      out.push(parseIdentity(line));
    } catch (e) {
      // Never include the line: it is secret.
      if (e instanceof AgeError) throw fail(e.code, `${name}:${n}: invalid identity (${e.code})`);
      throw e;
    }
  }
  if (out.length === 0) throw fail('E_AGE_KEY', `${name} has no identities`);
  return out;
}
