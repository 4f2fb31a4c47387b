/**
 * Keyless (Sigstore) signing, as `model_signing sign sigstore` does it: an
 * ephemeral P-256 key, a short-lived Fulcio certificate binding it to the
 * signer's OIDC identity, the DSSE signature recorded in Rekor (and
 * timestamped by a TSA when one is configured), all in one v0.3 bundle.
 *
 * Built on `@sigstore/sign` (Fulcio signer, Rekor witness, DSSE bundle
 * builder), loaded only when keyless signing runs. Every service URL can be
 * changed (private Sigstore instances; the tests run local mocks, since
 * these machines are offline).
 *
 * Identity tokens, in the reference's order: an explicit token, then
 * ambient CI credentials (`SIGSTORE_ID_TOKEN`, or GitHub Actions' token
 * endpoint from `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN`). The reference's
 * interactive browser flow is not offered: pass a token instead.
 */
import { SignError } from './errors.js';

export interface SigningServices {
  fulcioUrl: string;
  rekorUrl: string;
  tsaUrl?: string;
}

/** The public-good Sigstore instance. */
export const PUBLIC_GOOD_SERVICES: Readonly<SigningServices> = Object.freeze({
  fulcioUrl: 'https://fulcio.sigstore.dev',
  rekorUrl: 'https://rekor.sigstore.dev',
});

export interface KeylessOptions {
  /** An OIDC identity token (a JWT with audience `sigstore`). */
  identityToken?: string;
  /** Look for ambient CI credentials when no token is given (default true). */
  useAmbientCredentials?: boolean;
  /** Environment to read ambient credentials from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Service URLs (default public good). */
  services?: SigningServices;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Retries per request on 5xx, 429 and network errors (default 2). */
  retries?: number;
}

/** Bytes of a CI token response accepted (CWE-400). */
const MAX_TOKEN_RESPONSE = 64 * 1024;

async function githubActionsToken(url: string, bearer: string, timeoutMs: number): Promise<string> {
  let u: URL;
  try {
    u = new URL(url);
  } catch (e) {
    throw new SignError('E_SIG_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL is not a URL', { cause: e });
  }
  u.searchParams.set('audience', 'sigstore');
  let text: string;
  let status: number;
  try {
    const res = await fetch(u, { headers: { Authorization: `bearer ${bearer}`, Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    status = res.status;
    text = await res.text();
  } catch (e) {
    throw new SignError('E_SIG_NETWORK', `cannot reach the CI token endpoint: ${(e as Error).message}`, { cause: e });
  }
  if (status !== 200) throw new SignError('E_SIG_NETWORK', `the CI token endpoint answered HTTP ${status}`);
  if (text.length > MAX_TOKEN_RESPONSE) throw new SignError('E_SIG_NETWORK', 'the CI token response is too large');
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch (e) {
    throw new SignError('E_SIG_NETWORK', 'the CI token response is not JSON', { cause: e });
  }
  if (typeof value !== 'string' || value === '') throw new SignError('E_SIG_NETWORK', 'the CI token response holds no token');
  return value;
}

/** The identity token to sign with, or `E_SIG_TOKEN` saying how to provide one. */
export async function identityToken(o: KeylessOptions): Promise<string> {
  if (o.identityToken !== undefined && o.identityToken !== '') return o.identityToken;
  const env = o.env ?? process.env;
  if (o.useAmbientCredentials !== false) {
    const fromEnv = env['SIGSTORE_ID_TOKEN'];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const url = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const bearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (url !== undefined && bearer !== undefined) return githubActionsToken(url, bearer, o.timeoutMs ?? 10_000);
  }
  throw new SignError(
    'E_SIG_TOKEN',
    'no OIDC identity token: pass --identity-token, set SIGSTORE_ID_TOKEN, or run in GitHub Actions with the id-token: write permission (the interactive browser flow is not supported)',
  );
}

/** Signs `payload` (an in-toto statement) keylessly; returns the bundle as JSON text. */
export async function signKeyless(payloadType: string, payload: Buffer, o: KeylessOptions): Promise<string> {
  const token = await identityToken(o);
  const { DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness } = await import('@sigstore/sign');
  const { bundleToJSON } = await import('@sigstore/bundle');
  const services = o.services ?? PUBLIC_GOOD_SERVICES;
  const fetchOpts = { retry: { retries: o.retries ?? 2, minTimeout: 100 }, timeout: o.timeoutMs ?? 30_000 };
  const witnesses: InstanceType<typeof RekorWitness | typeof TSAWitness>[] = [new RekorWitness({ rekorBaseURL: services.rekorUrl, entryType: 'dsse', ...fetchOpts })];
  if (services.tsaUrl !== undefined) witnesses.push(new TSAWitness({ tsaBaseURL: services.tsaUrl, ...fetchOpts }));
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({ identityProvider: { getToken: () => Promise.resolve(token) }, fulcioBaseURL: services.fulcioUrl, ...fetchOpts }),
    witnesses,
  });
  try {
    const bundle = await builder.create({ data: payload, type: payloadType });
    return `${JSON.stringify(bundleToJSON(bundle))}\n`;
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'ERROR';
    const cause = (e as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    throw new SignError('E_SIG_NETWORK', `keyless signing failed (${code}): ${(e as Error).message}${detail}`, { cause: e });
  }
}
