/**
 * X.509 chains for certificate signing: the signing certificate must chain
 * to a trust anchor through the bundle's intermediates, every certificate
 * must be valid when the signing certificate was issued (the reference
 * checks at its notBefore, since signatures outlive certificates), issuers
 * must be CAs, and the signing certificate must allow digital signatures
 * (KeyUsage) or code signing (ExtendedKeyUsage).
 */
import { X509Certificate } from 'node:crypto';
import { X509Certificate as SigstoreCert } from '@sigstore/core';
import { SignError } from './errors.js';
import { pemBlocks, readPemFile } from './keys.js';

const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
/** Longest chain followed. */
const MAX_CHAIN = 10;

function parse(der: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (e) {
    throw new SignError('E_SIG_KEY', `${what} is not an X.509 certificate: ${(e as Error).message}`, { cause: e });
  }
}

export function loadCertificates(paths: readonly string[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const p of paths) {
    const blocks = pemBlocks(readPemFile(p, 'certificate'), 'CERTIFICATE');
    if (blocks.length === 0) throw new SignError('E_SIG_KEY', `${p} holds no PEM certificate`);
    for (const b of blocks) out.push(parse(Buffer.from(b), p));
  }
  return out;
}

function validAt(c: X509Certificate, t: Date): boolean {
  return new Date(c.validFrom) <= t && t <= new Date(c.validTo);
}

function canSign(leaf: X509Certificate): boolean {
  try {
    const ku = SigstoreCert.parse(leaf.raw).extKeyUsage;
    if (ku?.digitalSignature === true) return true;
  } catch {
    // fall through to the extended key usage
  }
  // Node documents `keyUsage` as undefined when the certificate has no extended key usage.
  return ((leaf.keyUsage as string[] | undefined) ?? []).includes(CODE_SIGNING);
}

/** Verifies the chain; returns the signing certificate. */
export function verifyChain(chainDer: readonly Buffer[], anchors: readonly X509Certificate[]): X509Certificate {
  if (chainDer.length === 0) throw new SignError('E_SIG_VERIFY', 'the bundle has no certificate');
  const certs = chainDer.map((d, i) => parse(d, `bundle certificate ${i}`));
  const leaf = certs[0] as X509Certificate;
  const at = new Date(leaf.validFrom);
  const pool = certs.slice(1);
  let current = leaf;
  for (let depth = 0; depth <= MAX_CHAIN; depth++) {
    if (!validAt(current, at)) throw new SignError('E_SIG_VERIFY', `certificate '${current.subject}' is not valid at ${at.toISOString()}`);
    const anchor = anchors.find((a) => current.checkIssued(a) && current.verify(a.publicKey));
    if (anchor !== undefined) {
      if (!anchor.ca && !anchor.raw.equals(current.raw)) throw new SignError('E_SIG_VERIFY', `trust anchor '${anchor.subject}' is not a CA`);
      if (!validAt(anchor, at)) throw new SignError('E_SIG_VERIFY', `trust anchor '${anchor.subject}' is not valid at ${at.toISOString()}`);
      if (!canSign(leaf))
        throw new SignError('E_SIG_VERIFY', 'the signing certificate is not allowed to sign (no digitalSignature key usage or code-signing EKU)');
      return leaf;
    }
    const issuer = pool.find((c) => c !== current && current.checkIssued(c) && current.verify(c.publicKey));
    if (issuer === undefined) throw new SignError('E_SIG_VERIFY', `certificate '${current.subject}' does not chain to a trusted certificate`);
    if (!issuer.ca) throw new SignError('E_SIG_VERIFY', `issuer '${issuer.subject}' is not a CA`);
    current = issuer;
  }
  throw new SignError('E_SIG_VERIFY', `certificate chain longer than ${MAX_CHAIN}`);
}
