/**
 * What a tunnel end presents and trusts: the cluster CA bundle, its own
 * certificate and key, the revoked fingerprints and an optional allowlist.
 * Files are re-read when they change (checked at most once a second), so a
 * revocation or a re-issued certificate takes effect without a restart.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { clusterPaths, parseCertificates, readFingerprints } from '../cluster/cluster.js';
import { ClusterError } from '../cluster/errors.js';

export interface CredentialFiles {
  ca: string;
  cert: string;
  key: string;
  /** Refused fingerprints (optional file; missing means none). */
  revoked?: string;
  /** When set, only these fingerprints are accepted. */
  allow?: string;
}

/** `--cluster DIR --node NAME` as explicit files. */
export function clusterCredentialFiles(dir: string, node: string): CredentialFiles {
  const p = clusterPaths(dir);
  return { ca: p.caCert, cert: p.nodeCert(node), key: p.nodeKey(node), revoked: p.revoked };
}

const TLS13 = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } as const;
const RELOAD_CHECK_MS = 1000;

export const EKU_SERVER = '1.3.6.1.5.5.7.3.1';
export const EKU_CLIENT = '1.3.6.1.5.5.7.3.2';

export type PeerRefusal = 'revoked' | 'not-allowlisted' | 'wrong-usage' | 'no-certificate';

export class Credentials {
  private readonly files: CredentialFiles;
  private stamp = '';
  private checked = 0;
  private ctx!: SecureContext;
  private revoked = new Set<string>();
  private allow: Set<string> | undefined;
  private ca: string[] = [];
  private own = { cert: '', key: '' };
  /** Called after a reload with a new context (the server swaps it in). */
  onReload: ((ctx: SecureContext) => void) | undefined;

  constructor(files: CredentialFiles) {
    this.files = files;
    this.load();
  }

  private fileStamp(): string {
    return [this.files.ca, this.files.cert, this.files.key, this.files.revoked, this.files.allow]
      .map((f) => {
        if (f === undefined) return '-';
        try {
          const s = statSync(f);
          return `${s.mtimeMs}:${s.size}:${s.ino}`;
        } catch {
          return 'missing';
        }
      })
      .join('|');
  }

  private load(): void {
    const read = (f: string, what: string): string => {
      try {
        return readFileSync(f, 'utf8');
      } catch (e) {
        throw new ClusterError('E_IO', `cannot read the ${what} ${f}: ${(e as Error).message}`, { cause: e });
      }
    };
    const stamp = this.fileStamp();
    const caPem = read(this.files.ca, 'CA bundle');
    const ca = parseCertificates(caPem).map((c) => c.toString());
    if (ca.length === 0) throw new ClusterError('E_MALFORMED', `${this.files.ca} holds no certificate`);
    const cert = read(this.files.cert, 'certificate');
    const key = read(this.files.key, 'private key');
    let revoked = new Set<string>();
    if (this.files.revoked !== undefined) {
      try {
        revoked = readFingerprints(this.files.revoked);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    const allow = this.files.allow === undefined ? undefined : readFingerprints(this.files.allow);
    try {
      this.ctx = createSecureContext({ ...TLS13, ca, cert, key });
    } catch (e) {
      throw new ClusterError('E_MALFORMED', `certificate, key or CA rejected by TLS: ${(e as Error).message}`, { cause: e });
    }
    this.ca = ca;
    this.own = { cert, key };
    this.revoked = revoked;
    this.allow = allow;
    this.stamp = stamp;
  }

  /** Re-reads the files if any changed; a broken new set keeps the old one (and returns the error). */
  refresh(now = Date.now()): Error | undefined {
    if (now - this.checked < RELOAD_CHECK_MS) return undefined;
    this.checked = now;
    if (this.fileStamp() === this.stamp) return undefined;
    try {
      this.load();
      this.onReload?.(this.ctx);
      return undefined;
    } catch (e) {
      return e as Error;
    }
  }

  get secureContext(): SecureContext {
    return this.ctx;
  }

  /** Own certificate and key (PEM), for `setSecureContext`. */
  get ownPem(): { cert: string; key: string } {
    return this.own;
  }

  get caCertificates(): readonly string[] {
    return this.ca;
  }

  /** Checks a verified peer's leaf certificate against the revocation list, the allowlist and the usage the peer needs. */
  checkPeer(leaf: X509Certificate | undefined, usage: 'server' | 'client'): PeerRefusal | undefined {
    if (leaf === undefined) return 'no-certificate';
    const fp = leaf.fingerprint256;
    if (this.revoked.has(fp)) return 'revoked';
    if (this.allow !== undefined && !this.allow.has(fp)) return 'not-allowlisted';
    const eku = leaf.keyUsage as string[] | undefined;
    if (eku !== undefined && !eku.includes(usage === 'server' ? EKU_SERVER : EKU_CLIENT)) return 'wrong-usage';
    return undefined;
  }
}

export const TLS_VERSIONS = TLS13;
