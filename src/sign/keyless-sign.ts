/**
 * Keyless Sigstore signing, as `model_signing sign sigstore` does it: an
 * ephemeral P-256 key, a short-lived Fulcio certificate bound to the OIDC
 * identity, the DSSE envelope recorded in Rekor (and timestamped by a TSA
 * when one is configured), packed as a Sigstore bundle v0.3.
 *
 * Built on `@sigstore/sign` (`FulcioSigner`, `RekorWitness`, `TSAWitness`,
 * `DSSEBundleBuilder`), loaded only here so other commands do not pay for
 * it. Needs the network; every service failure becomes `E_SIG_NETWORK`,
 * and what the services returned is checked before the caller writes it.
 */
import { X509Certificate, verify as cryptoVerify } from 'node:crypto';
import type { Witness } from '@sigstore/sign';
import { parseBundle } from './bundle.js';
import { INTOTO_PAYLOAD_TYPE, pae } from './dsse.js';
import { SignError } from './errors.js';
import { identityToken, tokenSource, type TokenOptions } from './oidc.js';
import { checkServices, PUBLIC_GOOD_SERVICES, type SigstoreServices } from './signing-config.js';

export interface SigstoreSignMethod extends TokenOptions {
  method: 'sigstore';
  /** Fulcio, Rekor (v1 API) and optional TSA URLs; default the public-good instance. */
  services?: SigstoreServices;
  /** Retries per request on 5xx, 408, 429 and connection errors (default 2). */
  retries?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Longest service error text repeated in our messages (a hostile server's page is not a message). */
const MAX_DETAIL = 300;

function detail(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause.message : e instanceof Error ? e.message : String(e);
  const text = inner.replace(/\s+/g, ' ').trim();
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** Names the service behind a `@sigstore/sign` error code. */
function networkError(e: unknown, s: SigstoreServices): SignError {
  const code = (e as { code?: unknown }).code;
  const why = detail(e);
  switch (code) {
    case 'CA_CREATE_SIGNING_CERTIFICATE_ERROR':
      return new SignError('E_SIG_NETWORK', `Fulcio (${s.fulcioUrl}) did not issue a signing certificate: ${why}`, { cause: e });
    case 'TLOG_CREATE_ENTRY_ERROR':
    case 'TLOG_FETCH_ENTRY_ERROR':
      return new SignError('E_SIG_NETWORK', `Rekor (${s.rekorUrl}) did not record the signature: ${why}`, { cause: e });
    case 'TSA_CREATE_TIMESTAMP_ERROR':
      return new SignError('E_SIG_NETWORK', `the timestamp authority (${s.tsaUrl ?? ''}) did not timestamp the signature: ${why}`, { cause: e });
    case 'IDENTITY_TOKEN_PARSE_ERROR':
    case 'IDENTITY_TOKEN_READ_ERROR':
      // The client's own message repeats the token: never print it.
      return new SignError('E_SIG_NETWORK', 'the identity token could not be used');
    default:
      return new SignError('E_SIG_NETWORK', `keyless signing failed: ${why}`, { cause: e });
  }
}

/**
 * What came back must be what we asked for: a v0.3 bundle with one
 * certificate and a log entry, our payload, and a signature the
 * certificate's key verifies (Fulcio certified our key, not another one).
 * Full trust checks (chain, SCT, log signatures, identity) are verification's job.
 */
function checkProduced(text: string, payload: Buffer): void {
  const fail = (why: string): never => {
    throw new SignError('E_SIG_NETWORK', `the Sigstore services returned an unusable bundle: ${why}`);
  };
  let b;
  try {
    b = parseBundle(text);
  } catch (e) {
    return fail((e as Error).message);
  }
  if (b.material.kind !== 'certificate') return fail('no single signing certificate');
  if (b.tlogEntries < 1) return fail('no transparency-log entry');
  if (b.payloadType !== INTOTO_PAYLOAD_TYPE || !b.payload.equals(payload)) fail('the payload differs from what was signed');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(b.material.certificate);
  } catch (e) {
    return fail(`the certificate does not parse (${(e as Error).message})`);
  }
  const sig = b.signatures[0];
  if (b.signatures.length !== 1 || sig === undefined || !cryptoVerify('sha256', pae(b.payloadType, b.payload), cert.publicKey, sig)) {
    fail("the certificate's key does not verify the signature");
  }
}

/**
 * Checks, without the network, that keyless signing can start: service URLs
 * acceptable, a token or a token source at hand. Throws `E_USAGE`.
 */
export function checkKeylessReady(m: SigstoreSignMethod): void {
  checkServices(m.services ?? PUBLIC_GOOD_SERVICES);
  tokenSource(m);
}

/** Signs a DSSE in-toto payload keylessly; returns the bundle JSON text. */
export async function signKeyless(payload: Buffer, m: SigstoreSignMethod): Promise<string> {
  const services = checkServices(m.services ?? PUBLIC_GOOD_SERVICES);
  const token = await identityToken(m);
  const [{ DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness }, { bundleToJSON }] = await Promise.all([
    import('@sigstore/sign'),
    import('@sigstore/bundle'),
  ]);
  // The client's timeout also covers reading the response body.
  const fetchOpts = { timeout: m.timeoutMs ?? DEFAULT_TIMEOUT_MS, retry: { retries: m.retries ?? 2, minTimeout: 500, factor: 2 } };
  const witnesses: Witness[] = [new RekorWitness({ rekorBaseURL: services.rekorUrl, entryType: 'dsse', majorApiVersion: 1, ...fetchOpts })];
  if (services.tsaUrl !== undefined) witnesses.push(new TSAWitness({ tsaBaseURL: services.tsaUrl, ...fetchOpts }));
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({ identityProvider: { getToken: () => Promise.resolve(token) }, fulcioBaseURL: services.fulcioUrl, ...fetchOpts }),
    witnesses,
  });
  let text: string;
  try {
    const bundle = await builder.create({ data: payload, type: INTOTO_PAYLOAD_TYPE });
    text = JSON.stringify(bundleToJSON(bundle));
  } catch (e) {
    throw networkError(e, services);
  }
  checkProduced(text, payload);
  return text;
}
